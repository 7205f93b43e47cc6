// Whole-site loading with MemoryFileSystem, and the real disk.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <tuple>

#include "load/internal.h"
#include "load/load.h"

namespace vetted::load {
namespace {

using testing::ElementsAre;
using testing::Pair;

std::string Article(const std::string& title, const std::string& extra = "") {
  return "---\ntitle: " + title + "\ndescription: D\nauthors: [ana]\npublished: 2024-01-01\n" + extra +
         "---\nBody of " + title + ".\n";
}

// A small but complete site; tests add or replace files.
MemoryFileSystem BaseSite() {
  MemoryFileSystem fs;
  fs.Add("site/site.toml",
         "title = \"Calm Health\"\nbase_url = \"https://calm.example\"\nreview_interval = \"18 months\"\n"
         "[check]\nreadability_grade = 10\n");
  fs.Add("site/content/relationships/_section.md",
         "---\ntitle: Love and relationships\ndescription: About us.\n---\nIntro text.\n");
  fs.Add("site/content/relationships/sex-and-relationships/why-cry.md", Article("Why cry"));
  fs.Add("site/content/relationships/sex-and-relationships/aftercare.md", Article("Aftercare"));
  fs.Add("site/content/relationships/secret.md", Article("Secret", "draft: true\n"));
  fs.Add("site/content/sleep/insomnia.md", Article("Insomnia"));
  fs.Add("site/content/sleep/.notes.md.swp", "junk");
  fs.Add("site/people/ana.md",
         "---\nname: Ana Writer\nroles: [writer]\nsummary: Writes.\nsame_as: [https://x.example/ana]\n"
         "image: {src: /img/ana.jpg, alt: Ana}\n---\nAna is fictional.\n");
  fs.Add("site/people/dr-rev.md",
         "---\nname: Rev Iewer\ncredentials: MD\nroles:\n  - medical-reviewer\ntitle: "
         "Psychiatrist\n---\nBio.\n");
  fs.Add("site/pages/editorial-process.md", "---\ntitle: Editorial process\n---\nHow we work.\n");
  fs.Add("site/pages/about.md", "---\ntitle: About\ndescription: Who we are\n---\nUs.\n");
  fs.Add("site/callouts/get-help.md",
         "---\ntitle: Get help\nkind: help\ndisclosure: We earn a fee.\ntopics: [sex]\n---\nCall someone.\n");
  fs.Add("site/glossary.yaml",
         "orgasm: The peak of sexual arousal.\n"
         "dyspareunia:\n  definition: Pain during or after sex.\n  aliases: [painful intercourse]\n");
  fs.Add("site/static/img/a.jpg", "JPEG");
  fs.Add("site/static/robots-extra.txt", "x");
  return fs;
}

TEST(LoadSiteTest, FeedbackSettings) {
  struct Case {
    std::string toml, endpoint, report;
    bool error;
  };
  const Case cases[] = {
      {"", "", "", false},
      {"feedback_endpoint = \"https://fb.example.org\"\n", "https://fb.example.org/", "", false},
      {"feedback_endpoint = \"http://127.0.0.1:8080/x/\"\n", "http://127.0.0.1:8080/x/", "", false},
      {"feedback_report = \"mailto:ed@calm.example\"\n", "", "mailto:ed@calm.example", false},
      {"feedback_report = \"https://calm.example/report\"\n", "", "https://calm.example/report", false},
      {"feedback_endpoint = \"https://fb.example.org/?a=1\"\n", "", "", true},
      {"feedback_endpoint = \"ftp://fb.example.org/\"\n", "", "", true},
      {"feedback_endpoint = 3\n", "", "", true},
      {"feedback_report = \"mailto:\"\n", "", "", true},
      {"feedback_report = \"https://x.example/a b\"\n", "", "", true},
  };
  for (const Case& c : cases) {
    MemoryFileSystem fs = BaseSite();
    fs.Add("site/site.toml", "title = \"T\"\nbase_url = \"https://calm.example/\"\n" + c.toml);
    auto site = LoadSite("site", fs);
    ASSERT_TRUE(site.ok()) << site.status().message();
    bool error = false;
    for (const Diagnostic& d : site->diagnostics)
      if (d.severity == Severity::kError) {
        error = true;
        EXPECT_EQ(d.pos.file, "site.toml") << c.toml;
        EXPECT_EQ(d.pos.line, 3) << c.toml;
      }
    EXPECT_EQ(error, c.error) << c.toml;
    EXPECT_EQ(site->config.feedback_endpoint, c.endpoint) << c.toml;
    EXPECT_EQ(site->config.feedback_report, c.report) << c.toml;
  }
}

TEST(LoadSiteTest, ArticlesSectionsAndUrls) {
  MemoryFileSystem fs = BaseSite();
  auto site = LoadSite("site", fs);
  ASSERT_TRUE(site.ok()) << site.status().message();
  EXPECT_TRUE(site->diagnostics.empty()) << FormatDiagnostic(site->diagnostics[0]);
  std::vector<std::string> urls;
  for (const auto& a : site->articles) urls.push_back(a.url);
  // Sorted by URL; the draft is left out; swap files are not articles.
  EXPECT_THAT(urls, ElementsAre("/relationships/sex-and-relationships/aftercare/",
                                "/relationships/sex-and-relationships/why-cry/", "/sleep/insomnia/"));
  EXPECT_EQ(site->articles[1].file, "content/relationships/sex-and-relationships/why-cry.md");
  EXPECT_EQ(site->articles[1].body, "Body of Why cry.\n");

  ASSERT_EQ(site->sections.size(), 3u);
  const Section& rel = site->sections[0];
  EXPECT_EQ(rel.url, "/relationships/");
  EXPECT_EQ(rel.title, "Love and relationships");
  EXPECT_EQ(rel.description, "About us.");
  EXPECT_EQ(rel.intro_markdown, "Intro text.\n");
  EXPECT_EQ(rel.body_line, 5);
  EXPECT_EQ(rel.file, "content/relationships/_section.md");
  const Section& sub = site->sections[1];
  EXPECT_EQ(sub.url, "/relationships/sex-and-relationships/");
  EXPECT_THAT(sub.path, ElementsAre("relationships", "sex-and-relationships"));
  EXPECT_EQ(sub.title, "Sex and relationships");
  EXPECT_EQ(sub.file, "");
  EXPECT_EQ(site->sections[2].title, "Sleep");
}

TEST(LoadSiteTest, ConfigPeoplePagesCalloutsGlossaryStatic) {
  MemoryFileSystem fs = BaseSite();
  auto site = LoadSite("site", fs);
  ASSERT_TRUE(site.ok());
  const SiteConfig& c = site->config;
  EXPECT_EQ(c.title, "Calm Health");
  EXPECT_EQ(c.base_url, "https://calm.example/");
  EXPECT_EQ(c.review_interval_months, 18);
  EXPECT_EQ(c.readability_max_grade, 10.0);
  EXPECT_EQ(c.language, "en");
  EXPECT_EQ(c.key_lines.at("review_interval"), 3);

  ASSERT_EQ(site->people.size(), 2u);
  const Person& ana = site->people.at("ana");
  EXPECT_EQ(ana.name, "Ana Writer");
  EXPECT_THAT(ana.roles, ElementsAre("writer"));
  EXPECT_THAT(ana.same_as, ElementsAre("https://x.example/ana"));
  EXPECT_EQ(ana.image.alt, "Ana");
  EXPECT_EQ(ana.bio_markdown, "Ana is fictional.\n");
  EXPECT_EQ(ana.pos.file, "people/ana.md");
  const Person& rev = site->people.at("dr-rev");
  EXPECT_EQ(rev.NameWithCredentials(), "Rev Iewer, MD");
  EXPECT_TRUE(rev.HasRole("medical-reviewer"));
  EXPECT_EQ(rev.title, "Psychiatrist");

  ASSERT_EQ(site->pages.size(), 2u);
  EXPECT_EQ(site->pages[0].url, "/about/");
  EXPECT_EQ(site->pages[0].description, "Who we are");
  EXPECT_EQ(site->pages[1].url, "/editorial-process/");
  EXPECT_EQ(site->pages[1].title, "Editorial process");

  ASSERT_EQ(site->callouts.size(), 1u);
  const Callout* help = site->FindCallout("get-help");
  ASSERT_NE(help, nullptr);
  EXPECT_EQ(help->kind, "help");
  EXPECT_EQ(help->disclosure, "We earn a fee.");
  EXPECT_THAT(help->topics, ElementsAre("sex"));
  EXPECT_EQ(help->body_markdown, "Call someone.\n");

  ASSERT_EQ(site->glossary.size(), 2u);
  EXPECT_EQ(site->glossary[0].term, "dyspareunia");  // sorted by term
  EXPECT_EQ(site->glossary[0].definition, "Pain during or after sex.");
  EXPECT_THAT(site->glossary[0].aliases, ElementsAre("painful intercourse"));
  EXPECT_EQ(site->glossary[0].line, 2);
  EXPECT_EQ(site->glossary[1].term, "orgasm");
  EXPECT_EQ(site->glossary[1].line, 1);

  ASSERT_EQ(site->static_files.size(), 2u);
  EXPECT_EQ(site->static_files[0].relative_path, "img/a.jpg");
  EXPECT_EQ(site->static_files[0].source_path, "site/static/img/a.jpg");
  EXPECT_EQ(site->static_files[1].relative_path, "robots-extra.txt");
}

struct DiagCase {
  const char* name;
  std::vector<std::pair<std::string, std::string>> files;  // added to BaseSite, relative to site/
  std::vector<std::string> expected;
};

class LoadSiteDiagnosticsTest : public testing::TestWithParam<DiagCase> {};

TEST_P(LoadSiteDiagnosticsTest, Reports) {
  MemoryFileSystem fs = BaseSite();
  for (const auto& [path, text] : GetParam().files) fs.Add("site/" + path, text);
  auto site = LoadSite("site", fs);
  ASSERT_TRUE(site.ok());
  std::vector<std::string> got;
  for (const auto& d : site->diagnostics) {
    EXPECT_EQ(d.stage, "load");
    got.push_back(FormatDiagnostic(d));
  }
  EXPECT_EQ(got, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LoadSiteDiagnosticsTest,
    testing::Values(
        DiagCase{"missing_key",
                 {{"content/sleep/bad.md", "---\ntitle: T\nauthors: [ana]\npublished: 2024-01-01\n---\n"}},
                 {"content/sleep/bad.md:1: error: missing required key `description` in front matter "
                  "[required-key]"}},
        DiagCase{"bad_date",
                 {{"content/sleep/bad.md", Article("Bad", "updated: 2024-02-30\n")}},
                 {"content/sleep/bad.md:6: error: `updated` is not a date (YYYY-MM-DD): \"2024-02-30\" "
                  "[invalid-value]"}},
        DiagCase{"toml_syntax",
                 {{"site.toml", "title = \"A\"\nbase_url = \n"}},
                 {"site.toml:2: error: Error while parsing key-value pair: expected value, saw '\\n' "
                  "[toml-syntax]"}},
        DiagCase{"toml_values",
                 {{"site.toml", "title = \"A\"\nreview_interval = \"soon\"\naudience = \"kids\"\n"}},
                 {"site.toml:1: error: missing required key `base_url` in site.toml [required-key]",
                  "site.toml:2: error: `review_interval` must look like \"2 years\" or \"18 months\", not "
                  "\"soon\" "
                  "[invalid-value]",
                  "site.toml:3: error: `audience` must be \"patient\" or \"clinician\", not \"kids\" "
                  "[invalid-value]"}},
        DiagCase{
            "feedback_urls",
            {{"site.toml",
              "title = \"A\"\nbase_url = \"https://a.example/\"\nfeedback_endpoint = \"/feedback\"\n"
              "feedback_report = \"javascript:alert(1)\"\n"}},
            {"site.toml:3: error: `feedback_endpoint` must be the absolute URL of a vetted server, such as "
             "\"https://feedback.example.org/\" (no query or fragment), not \"/feedback\" [invalid-value]",
             "site.toml:4: error: `feedback_report` must be a mailto: address or an http(s) URL, such as "
             "\"mailto:editors@example.org\", not \"javascript:alert(1)\" [invalid-value]"}},
        DiagCase{"person_without_name",
                 {{"people/nobody.md", "---\nroles: [writer]\n---\n"}},
                 {"people/nobody.md:1: error: missing required key `name` in front matter [required-key]"}},
        DiagCase{"page_without_title",
                 {{"pages/x.md", "No front matter.\n"}},
                 {"pages/x.md:1: error: missing required key `title` in front matter [required-key]"}},
        DiagCase{"glossary_errors",
                 {{"glossary.yaml", "a: A thing.\nb: {aliases: [bee]}\nc: [1]\n"}},
                 {"glossary.yaml:2: error: glossary term `b` needs a definition (a string or {definition, "
                  "aliases}) "
                  "[invalid-value]",
                  "glossary.yaml:3: error: glossary term `c` needs a definition (a string or {definition, "
                  "aliases}) "
                  "[invalid-value]"}},
        DiagCase{"duplicate_reference",
                 {{"references.json", "[\n{\"id\": \"a\", \"title\": \"One\"}\n]"},
                  {"references.bib", "@book{b, title={Two}}\n\n@book{a, title={Dup}}\n"},
                  {"references.ris", "TY  - JOUR\nID  - b\nER  - \n"}},
                 {"references.bib:3: warning: duplicate reference id `a` (first defined at "
                  "references.json:2); this "
                  "entry is ignored [invalid-value]",
                  "references.ris:1: warning: duplicate reference id `b` (first defined at "
                  "references.bib:1); this "
                  "entry is ignored [invalid-value]"}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(LoadSiteTest, BibliographiesMergeInFileOrder) {
  MemoryFileSystem fs = BaseSite();
  fs.Add("site/references.json", "[{\"id\": \"j\", \"type\": \"book\"}]");
  fs.Add("site/references.bib", "@article{b, title = {B}}");
  fs.Add("site/references.ris", "TY  - RPRT\nID  - r\nER  - \n");
  auto site = LoadSite("site", fs);
  ASSERT_TRUE(site.ok());
  std::vector<std::string> ids;
  for (const auto& r : site->bibliography) ids.push_back(r.id + ":" + r.type + "@" + r.pos.file);
  EXPECT_THAT(ids, ElementsAre("j:book@references.json", "b:article-journal@references.bib",
                               "r:report@references.ris"));
}

TEST(LoadSiteTest, ThemeOverlaysBuiltin) {
  MemoryFileSystem fs = BaseSite();
  fs.Add("site/theme/article.mustache", "<mine>");
  fs.Add("site/theme/extra/partial.mustache", "<extra>");
  fs.Add("site/theme/.DS_Store", "junk");
  auto site = LoadSite("site", fs);
  ASSERT_TRUE(site.ok());
  const auto& builtin = BuiltinTheme();
  EXPECT_EQ(site->theme.files.size(), builtin.size() + (builtin.count("article.mustache") ? 1 : 2));
  ASSERT_NE(site->theme.Find("article.mustache"), nullptr);
  EXPECT_EQ(*site->theme.Find("article.mustache"), "<mine>");
  EXPECT_EQ(*site->theme.Find("extra/partial.mustache"), "<extra>");
  EXPECT_EQ(site->theme.Find(".DS_Store"), nullptr);
  for (const auto& [name, text] : builtin) {
    if (name != "article.mustache") {
      EXPECT_EQ(*site->theme.Find(name), text) << name;
    }
  }
}

TEST(LoadSiteTest, MissingSiteIsNotFound) {
  MemoryFileSystem fs;
  EXPECT_EQ(LoadSite("nowhere", fs).status().code(), Code::kNotFound);
  fs.Add("site/content/a.md", Article("A"));
  EXPECT_EQ(LoadSite("site", fs).status().code(), Code::kNotFound);  // no site.toml
}

TEST(MemoryFileSystemTest, ListsAndReads) {
  MemoryFileSystem fs;
  fs.Add("r/a-b/x.md", "1");
  fs.Add("r/a/y.md", "2");
  fs.Add("r/z.txt", "3");
  auto list = fs.List("r");
  ASSERT_TRUE(list.ok());
  std::vector<std::string> names;
  for (const auto& e : *list) names.push_back(e.name + (e.is_dir ? "/" : ""));
  EXPECT_THAT(names, ElementsAre("a/", "a-b/", "z.txt"));
  EXPECT_TRUE(fs.IsDir("r/a"));
  EXPECT_FALSE(fs.IsDir("r/z.txt"));
  EXPECT_EQ(*fs.Read("r/a/y.md"), "2");
  EXPECT_EQ(fs.Read("r/a").status().code(), Code::kNotFound);
  EXPECT_EQ(fs.List("r/none").status().code(), Code::kNotFound);
}

TEST(DiskTest, LoadsARealFolder) {
  namespace stdfs = std::filesystem;
  stdfs::path root = stdfs::temp_directory_path() / ("vetted-load-test-" + std::to_string(::getpid()));
  stdfs::remove_all(root);
  stdfs::create_directories(root / "content" / "sleep");
  stdfs::create_directories(root / "static" / "img");
  std::ofstream(root / "site.toml") << "title = \"Disk\"\nbase_url = \"https://d.example/\"\n";
  std::ofstream(root / "content" / "sleep" / "b.md") << Article("B");
  std::ofstream(root / "content" / "sleep" / "a.md") << Article("A");
  std::ofstream(root / "static" / "img" / "x.png") << "PNG";
  auto site = LoadSite(root.string());
  stdfs::remove_all(root);
  ASSERT_TRUE(site.ok()) << site.status().message();
  EXPECT_TRUE(site->diagnostics.empty());
  ASSERT_EQ(site->articles.size(), 2u);
  EXPECT_EQ(site->articles[0].url, "/sleep/a/");
  EXPECT_EQ(site->articles[1].title, "B");
  ASSERT_EQ(site->static_files.size(), 1u);
  EXPECT_EQ(site->static_files[0].source_path, root.string() + "/static/img/x.png");
  EXPECT_EQ(Disk().Read(root.string() + "/nope").status().code(), Code::kNotFound);
  EXPECT_FALSE(Disk().IsDir(root.string()));
}

}  // namespace
}  // namespace vetted::load

namespace vetted::load {
namespace {

TEST(ConfigTest, ApprovalsForNewOrMajorIsOneOrTwo) {
  const std::string head = "title = \"T\"\nbase_url = \"https://t.example/\"\n";
  for (const auto& [value, want, ok] :
       std::vector<std::tuple<std::string, int, bool>>{{"", 1, true},
                                                       {"approvals_for_new_or_major = 2\n", 2, true},
                                                       {"approvals_for_new_or_major = 1\n", 1, true},
                                                       {"approvals_for_new_or_major = 3\n", 1, false},
                                                       {"approvals_for_new_or_major = \"2\"\n", 1, false}}) {
    SCOPED_TRACE(value);
    std::vector<Diagnostic> diagnostics;
    SiteConfig config = ParseConfig(head + value, "site.toml", diagnostics);
    EXPECT_EQ(config.approvals_for_new_or_major, want);
    EXPECT_EQ(diagnostics.empty(), ok);
    if (!ok) {
      ASSERT_EQ(diagnostics.size(), 1u);
      EXPECT_EQ(diagnostics[0].pos.line, 3);
      EXPECT_NE(diagnostics[0].message.find("must be 1 or 2"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace vetted::load
