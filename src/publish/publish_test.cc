#include "publish/publish.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace vetted::publish {
namespace {

namespace fs = std::filesystem;

const Date kToday{2026, 6, 1};

std::string ArticleText(const std::string& title, const std::string& extra_front, const std::string& body) {
  return "---\ntitle: " + title + "\ndescription: About " + title +
         ".\nauthors: [wendy]\npublished: 2026-01-10\n"
         "reviewers:\n  - by: rita\n    date: 2026-03-02\n" +
         extra_front + "---\n" + body;
}

// The article text with its review pinned to the article's current revision
// (the reviewers list is not part of the revision, so pinning keeps it).
std::string Pinned(const std::string& text, const std::string& file) {
  std::vector<Diagnostic> ignored;
  std::string revision = load::ParseArticle(text, file, ignored).revision;
  std::string out = text;
  const std::string date = "date: 2026-03-02\n";
  out.insert(out.find(date) + date.size(), "    revision: \"" + revision + "\"\n");
  return out;
}

// A small site on which no rule fires, as files under "site/".
std::map<std::string, std::string> GoodSite() {
  std::map<std::string, std::string> files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"content/health/_section.md", "---\ntitle: Health\ndescription: About health.\n---\nIntro.\n"},
      {"content/health/a.md",
       ArticleText("Apples", "image:\n  src: /img/hero.jpg\n  alt: An apple\n",
                   "Eat an apple. See [the other page](b.md).\n\n## Why\n\nIt is good.\n")},
      {"content/health/b.md", ArticleText("Pears", "", "Eat a pear.\n")},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
      {"people/rita.md",
       "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
       "doctor.\n---\nBio.\n"},
      {"static/img/hero.jpg", "JPEG"},
      {"pages/editorial-process.md",
       "---\ntitle: Our editorial process\ndescription: How we work.\n---\nWe check.\n"},
  };
  for (const char* article : {"content/health/a.md", "content/health/b.md"})
    files[article] = Pinned(files[article], article);
  return files;
}

struct Loaded {
  load::MemoryFileSystem files;
  Site site;
};

std::unique_ptr<Loaded> Load(const std::map<std::string, std::string>& site_files) {
  auto l = std::make_unique<Loaded>();
  for (const auto& [path, text] : site_files) l->files.Add("site/" + path, text);
  Result<Site> site = load::LoadSite("site", l->files);
  EXPECT_TRUE(site.ok()) << site.status().message();
  if (site.ok()) l->site = std::move(*site);
  return l;
}

ValidateOptions Options() {
  ValidateOptions o;
  o.today = kToday;
  return o;
}

bool HasRule(const std::vector<Diagnostic>& ds, const std::string& rule, Severity severity) {
  for (const auto& d : ds)
    if (d.rule == rule && d.severity == severity) return true;
  return false;
}

fs::path TempOut(const std::string& name) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() /
                 ("vetted-publish-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir / name;
}

// Replaces `from` by `to` in one file of the site (the test fails when absent).
void Edit(std::map<std::string, std::string>& f, const std::string& path, const std::string& from,
          const std::string& to) {
  std::string& text = f[path];
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << path;
  text.replace(at, from.size(), to);
}

constexpr const char* kA = "content/health/a.md";
constexpr const char* kB = "content/health/b.md";

struct Case {
  const char* name;
  std::function<void(std::map<std::string, std::string>&)> change;
  const char* rule;  // the rule that must fire
  Severity severity;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> kCases = {
      // errors refuse
      {"unknown reviewer", [](auto& f) { Edit(f, kB, "by: rita", "by: priya-natrajan"); }, "unknown-person",
       Severity::kError},
      {"unknown author", [](auto& f) { Edit(f, kB, "authors: [wendy]", "authors: [nobody]"); },
       "unknown-person", Severity::kError},
      {"reviewer without the medical-reviewer role",
       [](auto& f) { Edit(f, "people/rita.md", "roles: [medical-reviewer]", "roles: [writer]"); },
       "reviewer-credentials", Severity::kError},
      {"reviewer without credentials", [](auto& f) { Edit(f, "people/rita.md", "credentials: MD\n", ""); },
       "reviewer-credentials", Severity::kError},
      {"self-review", [](auto& f) { Edit(f, kB, "authors: [wendy]", "authors: [wendy, rita]"); },
       "self-review", Severity::kError},
      {"duplicate url", [](auto& f) { Edit(f, kB, "---\nEat", "aliases: [/health/a/]\n---\nEat"); },
       "duplicate-url", Severity::kError},
      {"broken link in an article body", [](auto& f) { Edit(f, kB, "Eat a pear.", "See [x](nowhere.md)."); },
       "broken-link", Severity::kError},
      {"unknown citation in an article body", [](auto& f) { Edit(f, kB, "Eat a pear.", "Pears [@nosuch]."); },
       "unknown-citation", Severity::kError},
      {"missing hero image", [](auto& f) { f.erase("static/img/hero.jpg"); }, "missing-image",
       Severity::kError},
      {"missing person photo",
       [](auto& f) {
         Edit(f, "people/wendy.md", "summary:", "image:\n  src: /img/w.jpg\n  alt: W\nsummary:");
       },
       "missing-image", Severity::kError},
      {"body image that names no file",
       [](auto& f) { Edit(f, kB, "Eat a pear.", "![A pear](/img/nope.png)"); }, "broken-link",
       Severity::kError},
      {"missing required key", [](auto& f) { Edit(f, kB, "description: About Pears.\n", ""); },
       "required-key", Severity::kError},
      // warnings do not
      {"review overdue", [](auto& f) { Edit(f, kB, "date: 2026-03-02", "date: 2020-03-02"); },
       "review-overdue", Severity::kWarning},
      {"no review",
       [](auto& f) {
         std::string& text = f[kB];
         size_t from = text.find("reviewers:\n"), to = text.find("\n", text.find("revision: "));
         ASSERT_TRUE(from != std::string::npos && to != std::string::npos);
         text.erase(from, to + 1 - from);
       },
       "review-overdue", Severity::kWarning},
      {"text changed since the review",
       [](auto& f) {
         std::string& text = f[kB];
         size_t at = text.find("revision: \"sha256:");
         ASSERT_NE(at, std::string::npos);
         text.replace(at + 18, 64, std::string(64, '0'));
       },
       "revision-changed", Severity::kWarning},
      {"unsafe url", [](auto& f) { Edit(f, kB, "Eat a pear.", "[x](javascript:alert(1))"); }, "unsafe-url",
       Severity::kWarning},
  };
  return kCases;
}

TEST(PublishTest, TheGoodSiteHasNoDiagnostics) {
  auto l = Load(GoodSite());
  markup::SiteDocs docs = markup::RenderSite(l->site);
  EXPECT_EQ(Format(Validate(l->site, docs, Options()), ""), "");
}

// Known markup diagnostics are taken as they are (the article is not
// rendered again); unknown ones are rendered.
TEST(PublishTest, KnownArticleMarkupIsReused) {
  auto l = Load(GoodSite());
  ASSERT_GE(l->site.articles.size(), 2u);
  markup::SiteDocs docs = markup::RenderSite(l->site, markup::ArticleMode::kArticlesOnDemand);
  ValidateOptions o = Options();
  o.article_markup = true;
  std::vector<std::optional<std::vector<Diagnostic>>> known(l->site.articles.size());
  Diagnostic stale;
  stale.pos.file = l->site.articles[0].file;
  stale.pos.line = 1;
  stale.severity = Severity::kError;
  stale.rule = "stale-test";
  stale.message = "known before";
  known[0] = std::vector<Diagnostic>{stale};
  o.known_article_markup = &known;
  std::vector<Diagnostic> out = Validate(l->site, docs, o);
  EXPECT_TRUE(HasRule(out, "stale-test", Severity::kError)) << Format(out, "");
  ASSERT_TRUE(known[1].has_value());
  EXPECT_TRUE(known[1]->empty());
  // A list of the wrong size is ignored: everything is rendered.
  std::vector<std::optional<std::vector<Diagnostic>>> wrong(1, std::vector<Diagnostic>{stale});
  o.known_article_markup = &wrong;
  EXPECT_FALSE(HasRule(Validate(l->site, docs, o), "stale-test", Severity::kError));
}

// Every way of publishing (import, a server reload, a build) refuses an
// error with the same diagnostics, and publishes in spite of a warning.
TEST(PublishTest, EachErrorRefusesEverywhereAndWarningsDoNot) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto files = GoodSite();
    c.change(files);
    auto l = Load(files);
    const bool error = c.severity == Severity::kError;

    // import: every article rendered
    Result<ImportPlan> plan = ToImport(l->site, "site", l->files, Options());
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    EXPECT_TRUE(HasRule(plan->diagnostics, c.rule, c.severity)) << Format(plan->diagnostics, "");
    EXPECT_EQ(plan->refused(), error) << Format(plan->diagnostics, "");
    EXPECT_EQ(plan->input.articles.empty() && plan->input.files.empty(), error);

    // a server reload: articles on demand, their markup rendered for diagnostics only
    markup::SiteDocs docs = markup::RenderSite(l->site, markup::ArticleMode::kArticlesOnDemand);
    ValidateOptions served = Options();
    served.article_markup = true;
    std::vector<Diagnostic> reload = Validate(l->site, docs, served);
    EXPECT_EQ(Format(reload, "", true), Format(plan->diagnostics, "", true));
    EXPECT_EQ(Refusal(reload).ok(), !error);
    // again, collecting each article's markup diagnostics; then again reusing them all
    std::vector<std::optional<std::vector<Diagnostic>>> known(l->site.articles.size());
    served.known_article_markup = &known;
    EXPECT_EQ(Format(Validate(l->site, docs, served), ""), Format(reload, ""));
    for (const auto& k : known) EXPECT_TRUE(k.has_value());
    EXPECT_EQ(Format(Validate(l->site, docs, served), ""), Format(reload, ""));

    // build: a streaming render into a folder
    FolderOptions folder;
    folder.out = TempOut("public").string();
    folder.validate = Options();
    folder.read_static = [&](const StaticFile& f) { return l->files.Read(f.source_path); };
    Result<FolderReport> built = ToFolder(l->site, folder);
    ASSERT_TRUE(built.ok()) << built.status().message();
    EXPECT_EQ(built->refused(), error);
    EXPECT_EQ(Format(built->diagnostics, "", true), Format(plan->diagnostics, "", true));
    EXPECT_EQ(fs::exists(fs::path(folder.out) / "index.html"), !error);
    EXPECT_FALSE(fs::exists(folder.out + ".vetted-tmp"));
    if (!error) {
      EXPECT_TRUE(HasRule(built->diagnostics, c.rule, c.severity)) << Format(built->diagnostics, "");
    }
    fs::remove_all(fs::path(folder.out).parent_path());
  }
}

TEST(PublishTest, ARefusedBuildLeavesThePreviousOutput) {
  auto l = Load(GoodSite());
  FolderOptions folder;
  folder.out = TempOut("public").string();
  folder.validate = Options();
  folder.read_static = [&](const StaticFile& f) { return l->files.Read(f.source_path); };
  ASSERT_TRUE(ToFolder(l->site, folder).ok());
  const std::string page = (fs::path(folder.out) / "health/a/index.html").string();
  ASSERT_TRUE(fs::exists(page));
  EXPECT_TRUE(fs::exists(fs::path(folder.out) / "img/hero.jpg"));

  auto files = GoodSite();
  Edit(files, kA, "by: rita", "by: ghost");
  auto bad = Load(files);
  Result<FolderReport> refused = ToFolder(bad->site, folder);
  ASSERT_TRUE(refused.ok());
  EXPECT_TRUE(refused->refused());
  EXPECT_TRUE(fs::exists(page)) << "the previous output stays";
  fs::remove_all(fs::path(folder.out).parent_path());
}

TEST(PublishTest, ToImportCollectsArticlesFilesAndSearchText) {
  auto files = GoodSite();
  files[".git/config"] = "hidden";
  files["drafts/.notes.md"] = "hidden too";
  files["public/.vetted-output"] = "a build";
  files["public/index.html"] = "built page";
  auto l = Load(files);
  Result<ImportPlan> plan = ToImport(l->site, "site", l->files, Options());
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_FALSE(plan->refused()) << Format(plan->diagnostics, "");
  std::vector<std::string> paths;
  for (const auto& f : plan->input.files) paths.push_back(f.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"content/health/_section.md", "pages/editorial-process.md",
                                             "people/rita.md", "people/wendy.md", "site.toml",
                                             "static/img/hero.jpg"}));
  ASSERT_EQ(plan->input.articles.size(), 2u);
  const store::ArticleSource& a = plan->input.articles[0];
  EXPECT_EQ(a.path, kA);
  EXPECT_EQ(a.url, "/health/a/");
  EXPECT_EQ(a.bytes, files[kA]);
  EXPECT_EQ(a.search.title, "Apples");
  EXPECT_EQ(a.search.headings, "Why\n");
  EXPECT_NE(a.search.body.find("Eat an apple."), std::string::npos) << a.search.body;
  EXPECT_EQ(a.search.section, "/health/");
}

TEST(PublishTest, ToImportFailsOnAFolderThatCannotBeListed) {
  auto l = Load(GoodSite());
  Result<ImportPlan> plan = ToImport(l->site, "elsewhere", l->files, Options());
  EXPECT_FALSE(plan.ok());
}

TEST(PublishTest, FormatRefusalAndCount) {
  std::vector<Diagnostic> ds = {
      Diagnostic{SourcePos{"content/a.md", 3}, Severity::kWarning, "old", "review-overdue", "check"},
      Diagnostic{SourcePos{"content/a.md", 9}, Severity::kError, "who?", "unknown-person", "check"},
  };
  EXPECT_EQ(Format(ds, "mysite"),
            "mysite/content/a.md:3: warning: old [review-overdue]\n"
            "mysite/content/a.md:9: error: who? [unknown-person]\n");
  EXPECT_EQ(Format(ds, "", true), "content/a.md:9: error: who? [unknown-person]\n");
  Tally t = Count(ds);
  EXPECT_EQ(t.errors, 1u);
  EXPECT_EQ(t.warnings, 1u);
  Status refused = Refusal(ds);
  EXPECT_EQ(refused.code(), Code::kInvalid);
  EXPECT_EQ(refused.message(), "1 error:\ncontent/a.md:9: error: who? [unknown-person]");
  EXPECT_TRUE(Refusal({ds[0]}).ok());
  EXPECT_EQ(RefusedLine("build", 2, "written", ""), "vetted build: 2 errors; nothing was written");
  auto printed = [&](bool quiet) {
    std::FILE* f = std::tmpfile();
    Tally p = Print(f, ds, "s", quiet, "build", "run this");
    EXPECT_EQ(p.errors, 1u);
    std::string text(std::ftell(f), '\0');
    std::rewind(f);
    EXPECT_EQ(std::fread(text.data(), 1, text.size(), f), text.size());
    std::fclose(f);
    return text;
  };
  EXPECT_EQ(printed(false), Format(ds, "s"));
  EXPECT_EQ(printed(true),
            "s/content/a.md:9: error: who? [unknown-person]\nvetted build: 1 warning (run this)\n");
}

TEST(PublishTest, TodayComesFromTheClockUnlessGiven) {
  Date today = Today();
  EXPECT_TRUE(today.complete());
  EXPECT_GE(today.year, 2024);
  util::FixedClock clock(1795672862);  // 2026-11-26T06:01:02Z
  EXPECT_EQ(Today(clock).Iso(), "2026-11-26");
  clock.Advance(18 * 3600);  // past midnight UTC
  EXPECT_EQ(Today(clock).Iso(), "2026-11-27");
  auto files = GoodSite();
  Edit(files, kB, "date: 2026-03-02", "date: 2000-03-02");
  auto l = Load(files);
  markup::SiteDocs docs = markup::RenderSite(l->site);
  ValidateOptions early;
  early.today = Date{2000, 4, 1};
  EXPECT_FALSE(HasRule(Validate(l->site, docs, early), "review-overdue", Severity::kWarning));
  EXPECT_TRUE(HasRule(Validate(l->site, docs, ValidateOptions{}), "review-overdue", Severity::kWarning));
}

}  // namespace
}  // namespace vetted::publish
