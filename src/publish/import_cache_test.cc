// ToImport with an ArticleCache: an import that reuses earlier renderings
// gives exactly what an import from scratch gives.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "publish/publish.h"
#include "util/util.h"

namespace vetted::publish {
namespace {

namespace fs = std::filesystem;
using Files = std::map<std::string, std::string>;

std::string Article(const std::string& title, const std::string& body, const std::string& extra = "") {
  return "---\ntitle: " + title + "\ndescription: About " + title +
         ".\nauthors: [wendy]\npublished: 2026-01-10\nreviewers:\n  - by: rita\n    date: 2026-03-02\n" +
         extra + "---\n" + body;
}

// A site whose articles' renderings depend on other files: links between
// articles, a citation of the bibliography, glossary terms, a callout, and
// a few warnings (an unknown citation, a reference never cited).
Files BaseSite() {
  return {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"content/health/_section.md", "---\ntitle: Health\ndescription: About health.\n---\nIntro.\n"},
      {"content/health/a.md",
       Article("Apples",
               "Eat an apple [@smith]. See [pears](b.md) and [c](c.md).\n\n## Why apples\n\nFor "
               "sleep apnoea.\n")},
      {"content/health/b.md", Article("Pears", "Eat a pear. Back to [apples](/health/a/).\n")},
      {"content/health/c.md",
       Article("Cherries", "Cherries help insomnia.\n\n::: {include=tip}\n:::\n", "tags: [fruit, sleep]\n")},
      {"glossary.yaml",
       "sleep apnoea:\n  definition: Breathing stops.\n  aliases: [OSA]\n"
       "insomnia:\n  definition: Not sleeping.\n"},
      {"callouts/tip.md", "---\nkind: note\ntitle: A tip\n---\nSleep more.\n"},
      {"references.json",
       R"([{"id": "smith", "type": "article-journal", "title": "Apples", "author": [{"family": "Smith"}],
           "issued": {"date-parts": [[2020]]}, "container-title": "J Fruit"},
          {"id": "jones", "type": "article-journal", "title": "Unused", "author": [{"family": "Jones"}],
           "issued": {"date-parts": [[2021]]}, "container-title": "J Fruit"}])"},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
      {"people/rita.md",
       "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
       "doctor.\n---\nBio.\n"},
      {"pages/editorial-process.md", "---\ntitle: Process\ndescription: How we work.\n---\nWe check.\n"},
  };
}

// Loads and plans an import the way `vetted import` does.
// With `save_to`, the cache is saved there before the search texts are made
// (ImportOptions::save_cache, as `vetted import` does).
Result<ImportPlan> Plan(const Files& site_files, ArticleCache* cache, const std::string& save_to = "") {
  load::MemoryFileSystem disk;
  for (const auto& [path, text] : site_files) disk.Add("site/" + path, text);
  Result<std::vector<store::SourceFile>> files = ReadFolder("site", disk);
  if (!files.ok()) return files.status();
  PrereadFileSystem preread("site", *files, disk);
  Result<Site> site = load::LoadSite("site", preread);
  if (!site.ok()) return site.status();
  ImportOptions o;
  o.validate.today = Date{2026, 6, 1};
  o.cache = cache;
  o.salt = "test";
  if (!save_to.empty()) o.save_cache = [&](ArticleCache& c) { EXPECT_TRUE(c.WriteFile(save_to).ok()); };
  return ToImport(*site, std::move(*files), o);
}

// Every article of a plan made with a cache carries its bytes' SHA-256.
bool HashesGiven(const ImportPlan& plan) {
  for (const auto& a : plan.input.articles)
    if (a.bytes_sha256 != util::Sha256Hex(a.bytes)) return false;
  return true;
}

// Everything a plan holds, as text, for comparison.
std::string Dump(const ImportPlan& plan) {
  std::string out = Format(plan.diagnostics, "");
  for (const auto& a : plan.input.articles) {
    const store::SearchDocument& s = a.search;
    out += "article " + a.path + " " + a.url + " " + a.revision + "\n" + a.bytes + "\n|" + s.title + "|" +
           s.description + "|" + s.headings + "|" + s.body + "|" + s.section + "|" + s.tags + "|" +
           s.glossary + "|\n";
  }
  for (const auto& f : plan.input.files) out += "file " + f.path + "\n" + f.bytes + "\n";
  return out;
}

bool HasRule(const std::vector<Diagnostic>& ds, const std::string& rule) {
  for (const auto& d : ds)
    if (d.rule == rule) return true;
  return false;
}

std::string TempFile() {
  return (fs::temp_directory_path() / ("vetted-cache-test-" + std::to_string(::getpid()))).string();
}

struct Change {
  const char* name;
  std::function<void(Files&)> apply;
};

const Change kChanges[] = {
    {"nothing", [](Files&) {}},
    {"one article's body", [](Files& f) { f["content/health/b.md"] += "\nMore about pears and OSA.\n"; }},
    {"one article gets a broken link (an error)",
     [](Files& f) { f["content/health/b.md"] += "\nSee [gone](/nowhere/).\n"; }},
    {"one article cites the unused reference",
     [](Files& f) { f["content/health/c.md"] += "\nSee [@jones].\n"; }},
    {"a link target disappears", [](Files& f) { f.erase("content/health/c.md"); }},
    {"an article is added",
     [](Files& f) { f["content/health/d.md"] = Article("Dates", "Dates and [c](c.md).\n"); }},
    {"an article gets an alias",
     [](Files& f) { f["content/health/b.md"] = Article("Pears", "Eat a pear.\n", "aliases: [/pears/]\n"); }},
    {"the glossary",
     [](Files& f) { f["glossary.yaml"] = "apple:\n  definition: A fruit.\n  aliases: [malus]\n"; }},
    {"the callout",
     [](Files& f) { f["callouts/tip.md"] = "---\nkind: note\ntitle: A tip\n---\nSleep less.\n"; }},
    {"the bibliography", [](Files& f) { f.erase("references.json"); }},
};

TEST(ImportCacheTest, AReimportWithTheCacheEqualsAnImportFromScratch) {
  const std::string file = TempFile();
  for (const Change& change : kChanges) {
    SCOPED_TRACE(change.name);
    Files site = BaseSite();
    ArticleCache first;
    Result<ImportPlan> before = Plan(site, &first);
    ASSERT_TRUE(before.ok()) << before.status().message();
    ASSERT_FALSE(before->refused()) << Format(before->diagnostics, "");
    ASSERT_TRUE(HasRule(before->diagnostics, "uncited-reference")) << Format(before->diagnostics, "");
    EXPECT_EQ(first.size(), 3u);
    std::remove(file.c_str());
    ASSERT_TRUE(first.WriteFile(file).ok());

    change.apply(site);
    ArticleCache kept = ArticleCache::ReadFile(file);  // as the next `vetted import` finds it
    EXPECT_EQ(kept.size(), 3u);
    Result<ImportPlan> again = Plan(site, &kept);
    Result<ImportPlan> fresh = Plan(site, nullptr);
    ASSERT_TRUE(again.ok() && fresh.ok());
    EXPECT_EQ(Dump(*again), Dump(*fresh));
    // And in memory, as `vetted dev` keeps it.
    Result<ImportPlan> in_memory = Plan(site, &first);
    ASSERT_TRUE(in_memory.ok());
    EXPECT_EQ(Dump(*in_memory), Dump(*fresh));
    ASSERT_TRUE(kept.WriteFile(file).ok());
    Result<ImportPlan> third = Plan(site, &kept);
    ASSERT_TRUE(third.ok());
    EXPECT_EQ(Dump(*third), Dump(*fresh));
    EXPECT_TRUE(HashesGiven(*again));
    EXPECT_TRUE(HashesGiven(*third));
    // Saved before the search texts take the cached texts (`vetted import`):
    // the same plan, and the saved file gives it again.
    ArticleCache consumed = ArticleCache::ReadFile(file);
    Result<ImportPlan> saving = Plan(site, &consumed, file);
    ASSERT_TRUE(saving.ok());
    EXPECT_EQ(Dump(*saving), Dump(*fresh));
    EXPECT_TRUE(HashesGiven(*saving));
    ArticleCache saved = ArticleCache::ReadFile(file);
    Result<ImportPlan> fourth = Plan(site, &saved);
    ASSERT_TRUE(fourth.ok());
    EXPECT_EQ(Dump(*fourth), Dump(*fresh));
  }
  std::remove(file.c_str());
}

TEST(ImportCacheTest, OnlyEntriesWithTheSameKeyAreFound) {
  ArticleCache cache;
  ArticleCache::Entry e;
  e.key = "k1";
  e.doc.plain_text = "text";
  cache.Put("a.md", e);
  EXPECT_NE(cache.Find("a.md", "k1"), nullptr);
  EXPECT_EQ(cache.Find("a.md", "k2"), nullptr);
  EXPECT_EQ(cache.Find("b.md", "k1"), nullptr);
  cache.Retain({"b.md"});
  EXPECT_EQ(cache.Find("a.md", "k1"), nullptr);
}

TEST(ImportCacheTest, AFileCutShortKeepsTheRecordsBeforeTheCut) {
  const std::string file = TempFile();
  std::remove(file.c_str());
  ArticleCache cache;
  for (const char* path : {"a.md", "b.md"}) {
    ArticleCache::Entry e;
    e.key = std::string("key-") + path;
    e.doc.plain_text = "Some text.";
    e.doc.cited = {"smith", "jones"};
    e.doc.toc = {markup::TocEntry{2, "why", "Why"}};
    e.doc.diagnostics = {
        Diagnostic{SourcePos{path, 3}, Severity::kWarning, "a message", "broken-link", "markup"}};
    cache.Put(path, e);
  }
  ASSERT_TRUE(cache.WriteFile(file).ok());
  ArticleCache whole = ArticleCache::ReadFile(file);
  ASSERT_EQ(whole.size(), 2u);
  const ArticleCache::Entry* b = whole.Find("b.md", "key-b.md");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->doc.cited, (std::vector<std::string>{"smith", "jones"}));
  ASSERT_EQ(b->doc.toc.size(), 1u);
  EXPECT_EQ(b->doc.toc[0].text, "Why");
  ASSERT_EQ(b->doc.diagnostics.size(), 1u);
  EXPECT_EQ(FormatDiagnostic(b->doc.diagnostics[0]), "b.md:3: warning: a message [broken-link]");

  fs::resize_file(file, fs::file_size(file) - 5);
  ArticleCache cut = ArticleCache::ReadFile(file);
  EXPECT_EQ(cut.size(), 1u);
  // The next save writes the file anew (an append after the cut would be lost).
  ArticleCache::Entry c;
  c.key = "key-c.md";
  cut.Put("c.md", c);
  ASSERT_TRUE(cut.WriteFile(file).ok());
  ArticleCache saved = ArticleCache::ReadFile(file);
  EXPECT_EQ(saved.size(), 2u);
  EXPECT_NE(saved.Find("c.md", "key-c.md"), nullptr);
  // An append adds to what is there.
  ArticleCache::Entry d;
  d.key = "key-d.md";
  saved.Put("d.md", d);
  ASSERT_TRUE(saved.WriteFile(file).ok());
  EXPECT_EQ(ArticleCache::ReadFile(file).size(), 3u);
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << "not a cache";
  }
  EXPECT_EQ(ArticleCache::ReadFile(file).size(), 0u);
  EXPECT_EQ(ArticleCache::ReadFile(file + ".missing").size(), 0u);
  std::remove(file.c_str());
}

}  // namespace
}  // namespace vetted::publish

namespace vetted::publish {
namespace {

// The plan's article `path` and every diagnostic, as text.
std::string DumpArticle(const ImportPlan& plan, const std::string& path) {
  std::string out = Format(plan.diagnostics, "");
  for (const auto& a : plan.input.articles) {
    if (a.path != path) continue;
    const store::SearchDocument& s = a.search;
    out += a.url + " " + a.revision + "\n" + a.bytes + "\n|" + s.title + "|" + s.description + "|" +
           s.headings + "|" + s.body + "|" + s.section + "|" + s.tags + "|" + s.glossary + "|\n";
  }
  return out;
}

struct SessionCase {
  const char* name;
  std::string body_b;  // the new text of content/health/b.md
  bool refused;
};

TEST(FolderSessionTest, ASavedArticleGivesWhatAWholeImportGives) {
  const std::string kB = "content/health/b.md";
  const SessionCase kCases[] = {
      {"a new paragraph",
       Article("Pears", "Eat a pear. Back to [apples](/health/a/).\n\nOSA and insomnia.\n"), false},
      {"a new heading and a citation",
       Article("Pears", "Eat a pear [@jones].\n\n## Why pears\n\nThey are good.\n"), false},
      {"a broken link (an error)", Article("Pears", "Eat a pear. See [gone](/nowhere/).\n"), true},
      {"a missing title (a load error)", "---\ndescription: x\n---\nNo title.\n", true},
      {"back as it was", BaseSite()[kB], false},
  };
  load::MemoryFileSystem disk;
  Files site = BaseSite();
  for (const auto& [path, text] : site) disk.Add("site/" + path, text);
  ImportOptions o;
  o.validate.today = Date{2026, 6, 1};
  o.salt = "test";
  FolderSession session("site", disk, o);
  Result<ImportPlan> all = session.ImportAll();
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_TRUE(session.Knows(kB));
  EXPECT_TRUE(session.Knows("glossary.yaml"));
  EXPECT_FALSE(session.Knows("content/health/x.md"));
  for (const SessionCase& c : kCases) {
    SCOPED_TRACE(c.name);
    site[kB] = c.body_b;
    disk.Add("site/" + kB, c.body_b);
    Result<ImportPlan> one = session.ArticlesChanged({kB});
    ASSERT_TRUE(one.ok()) << one.status().message();
    Result<ImportPlan> fresh = Plan(site, nullptr);
    ASSERT_TRUE(fresh.ok());
    EXPECT_EQ(one->refused(), c.refused);
    EXPECT_EQ(fresh->refused(), c.refused);
    EXPECT_EQ(one->input.articles.size(), c.refused ? 0u : 1u);
    EXPECT_TRUE(one->input.files.empty());
    EXPECT_EQ(DumpArticle(*one, kB), DumpArticle(*fresh, kB));
  }
  // A whole import after those reuses what they rendered and still gives the same.
  Result<ImportPlan> again = session.ImportAll();
  Result<ImportPlan> fresh = Plan(site, nullptr);
  ASSERT_TRUE(again.ok() && fresh.ok());
  EXPECT_EQ(Dump(*again), Dump(*fresh));
}

TEST(FolderSessionTest, MoreThanAnArticlesTextNeedsAWholeImport) {
  const std::string kB = "content/health/b.md";
  load::MemoryFileSystem disk;
  for (const auto& [path, text] : BaseSite()) disk.Add("site/" + path, text);
  FolderSession session("site", disk, ImportOptions{});
  EXPECT_EQ(session.ArticlesChanged({kB}).status().code(), Code::kConflict);  // nothing imported yet
  ASSERT_TRUE(session.ImportAll().ok());
  const std::pair<const char*, std::string> kChanges[] = {
      {"an alias", Article("Pears", "Eat a pear.\n", "aliases: [/pears/]\n")},
      {"tags", Article("Pears", "Eat a pear.\n", "tags: [fruit]\n")},
      {"a draft", Article("Pears", "Eat a pear.\n", "draft: true\n")},
      {"a hero image", Article("Pears", "Eat a pear.\n", "image:\n  src: /img/x.jpg\n  alt: A pear\n")},
  };
  for (const auto& [name, text] : kChanges) {
    SCOPED_TRACE(name);
    disk.Add("site/" + kB, text);
    EXPECT_EQ(session.ArticlesChanged({kB}).status().code(), Code::kConflict);
  }
  EXPECT_EQ(session.ArticlesChanged({"glossary.yaml"}).status().code(), Code::kConflict);
  EXPECT_EQ(session.ArticlesChanged({"content/health/new.md"}).status().code(), Code::kConflict);
}

}  // namespace
}  // namespace vetted::publish
