// Whole-site tests: write a small site folder, run the real `vetted` binary on
// it, and assert on the files it writes and what it prints.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct CmdResult {
  int code = -1;
  std::string out;  // stdout and stderr together
};

CmdResult Vetted(const std::string& args) {
  std::string cmd = std::string(VETTED_BIN) + " " + args + " 2>&1";
  CmdResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A temporary site folder written from a map of relative path -> contents.
class SiteDir {
 public:
  explicit SiteDir(const std::map<std::string, std::string>& files) {
    root_ = fs::temp_directory_path() /
            ("vetted-site-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(root_);
    for (const auto& [rel, text] : files) {
      fs::create_directories((root_ / rel).parent_path());
      std::ofstream(root_ / rel, std::ios::binary) << text;
    }
  }
  ~SiteDir() {
    fs::remove_all(root_);
    fs::remove_all(out());
  }
  std::string path() const { return root_.string(); }
  std::string out() const { return (root_.string() + "-out"); }

 private:
  static inline int counter_ = 0;
  fs::path root_;
};

const char* kBody =
    "Crying after sex is common [@smith2020]. Pain with sex has a name: dyspareunia [@cc; @smith2020].\n\n"
    "## What it means\n\nUsually nothing serious. See [the other page](other.md).\n\n"
    "## What to do\n\nTalk to your partner [@cc].\n\n## Takeaways\n\nIt is usually fine.\n";

std::map<std::string, std::string> SmallSite() {
  return {
      {"site.toml",
       "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"
       "feedback_endpoint = \"https://feedback.test.example/\"\n"},
      {"content/relationships/_section.md",
       "---\ntitle: Relationships\ndescription: About relationships.\n---\nIntro.\n"},
      {"content/relationships/crying.md",
       "---\ntitle: Why you might cry during sex\ndescription: Common reasons and what helps.\n"
       "authors: [wendy]\npublished: 2026-01-10\nupdated: 2026-03-01\n"
       "reviewers:\n  - by: rita\n    date: 2026-03-02\n"
       "aliases: [/old-crying/]\ntags: [sex, emotions]\n---\n" +
           std::string(kBody)},
      {"content/relationships/other.md",
       "---\ntitle: Another page\ndescription: Something else.\nauthors: [wendy]\npublished: 2026-01-01\n"
       "tags: [sex]\n---\nSee [crying](crying.md).\n"},
      {"people/wendy.md",
       "---\nname: Wendy Writer\nroles: [writer]\nsummary: A fictional writer.\n---\nBio.\n"},
      {"people/rita.md",
       "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A fictional "
       "psychiatrist.\n"
       "---\nBio.\n"},
      {"pages/editorial-process.md", "---\ntitle: Editorial process\n---\nHow we write and review.\n"},
      {"glossary.yaml", "dyspareunia:\n  definition: Pain during or after sex.\n"},
      {"references.json",
       R"([{"id":"smith2020","type":"article-journal","title":"A study of tears","author":[{"family":"Smith","given":"Anna B."}],"container-title-short":"J Tears","volume":"3","issue":"2","page":"10-20","issued":{"date-parts":[[2020]]},"DOI":"10.1000/tears.1"},)"
       R"({"id":"cc","type":"webpage","title":"Dyspareunia","author":[{"literal":"Cleveland Clinic"}],"container-title":"Cleveland Clinic"}])"},
  };
}

TEST(SiteBuild, WritesCompleteArticlePage) {
  SiteDir site(SmallSite());
  CmdResult r = Vetted("build " + site.path() + " -o " + site.out());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Built"), std::string::npos) << r.out;
  std::string html = Read(fs::path(site.out()) / "relationships/crying/index.html");
  ASSERT_FALSE(html.empty());
  for (const char* needle :
       {"<!doctype html>", "Why you might cry during sex", "Common reasons and what helps", "Wendy Writer",
        "Rita Reviewer, MD", "id=\"toc\"", "id=\"sources\"", "id=\"feedback\"",
        "action=\"https://feedback.test.example/feedback\"", "href=\"#ref-1\"", "id=\"ref-2\"",
        "doi:10.1000/tears.1", "https://doi.org/10.1000/tears.1", "application/ld+json", "/review-board/",
        "/editorial-process/", "rel=\"canonical\"", "Next review due"}) {
    EXPECT_NE(html.find(needle), std::string::npos) << "missing " << needle;
  }
  // Citation numbers follow first use: smith2020 is 1, cc is 2.
  EXPECT_LT(html.find("id=\"ref-1\""), html.find("id=\"ref-2\""));
  // Link to other.md was rewritten to its URL.
  EXPECT_NE(html.find("href=\"/relationships/other/\""), std::string::npos);
}

TEST(SiteBuild, JsonLdCarriesReviewAndCitations) {
  SiteDir site(SmallSite());
  ASSERT_EQ(Vetted("build " + site.path() + " -o " + site.out()).code, 0);
  std::string html = Read(fs::path(site.out()) / "relationships/crying/index.html");
  std::smatch m;
  std::regex ld(R"(<script type="application/ld\+json">([\s\S]*?)</script>)");
  ASSERT_TRUE(std::regex_search(html, m, ld));
  auto j = nlohmann::json::parse(m[1].str());
  // The MedicalWebPage may sit in an @graph.
  nlohmann::json page = j;
  if (j.contains("@graph"))
    for (auto& g : j["@graph"])
      if (g.value("@type", "") == "MedicalWebPage") page = g;
  EXPECT_EQ(page.value("@type", ""), "MedicalWebPage");
  EXPECT_TRUE(page.contains("reviewedBy"));
  EXPECT_EQ(page.value("lastReviewed", ""), "2026-03-02");
  ASSERT_TRUE(page.contains("citation"));
  EXPECT_EQ(page["citation"].size(), 2u);
  EXPECT_TRUE(page.contains("breadcrumb"));
}

TEST(SiteBuild, SiteFilesExist) {
  SiteDir site(SmallSite());
  ASSERT_EQ(Vetted("build " + site.path() + " -o " + site.out()).code, 0);
  fs::path out = site.out();
  for (const char* f : {"index.html", "404.html", "sitemap.xml", "feed.xml", "robots.txt",
                        "relationships/index.html", "people/rita/index.html", "people/wendy/index.html",
                        "review-board/index.html", "old-crying/index.html"}) {
    EXPECT_TRUE(fs::exists(out / f)) << f;
  }
  EXPECT_NE(Read(out / "sitemap.xml").find("https://test.example/relationships/crying/"), std::string::npos);
  EXPECT_NE(Read(out / "old-crying/index.html").find("/relationships/crying/"), std::string::npos);
  EXPECT_NE(Read(out / "review-board/index.html").find("Rita Reviewer"), std::string::npos);
  // Assets are fingerprinted and referenced by that name.
  bool css = false;
  for (auto& e : fs::directory_iterator(out / "assets")) {
    std::string name = e.path().filename().string();
    if (name.rfind("style.", 0) == 0 && name.size() >= 20) {
      css = true;
      EXPECT_NE(Read(out / "index.html").find(name), std::string::npos);
    }
  }
  EXPECT_TRUE(css);
}

TEST(SiteBuild, MissingRequiredKeyNamesFileAndLineAndWritesNothing) {
  auto files = SmallSite();
  files["content/relationships/bad.md"] =
      "---\ntitle: No description\nauthors: [wendy]\npublished: 2026-01-01\n---\nx\n";
  SiteDir site(files);
  CmdResult r = Vetted("build " + site.path() + " -o " + site.out());
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("content/relationships/bad.md:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[required-key]"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(fs::path(site.out()) / "index.html"));
}

TEST(SiteBuild, UnknownCitationIsAnErrorWithLine) {
  auto files = SmallSite();
  files["content/relationships/other.md"] =
      "---\ntitle: Another page\ndescription: d\nauthors: [wendy]\npublished: 2026-01-01\n---\nLine one.\n\n"
      "Claim [@nosuch].\n";
  SiteDir site(files);
  CmdResult r = Vetted("build " + site.path() + " -o " + site.out());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("content/relationships/other.md:9:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[unknown-citation]"), std::string::npos) << r.out;
}

TEST(SiteBuild, HostileContentCannotRunScript) {
  auto files = SmallSite();
  files["content/relationships/other.md"] =
      "---\ntitle: \"<script>alert(1)</script>\"\ndescription: \"\\\" onmouseover=alert(1) x=\\\"\"\n"
      "authors: [wendy]\npublished: 2026-01-01\n---\n<script>alert(2)</script>\n\n"
      "<img src=x onerror=alert(3)>\n\n[click](javascript:alert(4)) [data](data:text/html,<b>x</b>)\n\n"
      "![pic](javascript:alert(5))\n";
  SiteDir site(files);
  CmdResult r = Vetted("build " + site.path() + " -o " + site.out());
  ASSERT_EQ(r.code, 0) << r.out;
  std::string html = Read(fs::path(site.out()) / "relationships/other/index.html");
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_EQ(html.find("data:text/html"), std::string::npos);
  // Text may mention "onerror=" (escaped); no tag may carry an event handler.
  std::string unquoted = std::regex_replace(html, std::regex(R"("[^"]*")"), "\"\"");
  EXPECT_FALSE(std::regex_search(unquoted, std::regex(R"(<[a-zA-Z][^>]*\son[a-z]+\s*=)")));
  // The hostile text is still visible to the reader, escaped.
  EXPECT_NE(html.find("&lt;script&gt;alert(2)&lt;/script&gt;"), std::string::npos);
}

TEST(SiteBuild, RefusesForeignOutputFolderAndEmptiesItsOwn) {
  SiteDir site(SmallSite());
  fs::create_directories(site.out());
  std::ofstream(fs::path(site.out()) / "precious.txt") << "mine";
  CmdResult r = Vetted("build " + site.path() + " -o " + site.out());
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(fs::exists(fs::path(site.out()) / "precious.txt"));
  fs::remove_all(site.out());
  ASSERT_EQ(Vetted("build " + site.path() + " -o " + site.out()).code, 0);
  std::ofstream(fs::path(site.out()) / "stale.html") << "old";
  ASSERT_EQ(Vetted("build " + site.path() + " -o " + site.out()).code, 0);
  EXPECT_FALSE(fs::exists(fs::path(site.out()) / "stale.html"));
  fs::remove_all(site.out());
}

TEST(SiteCheck, ReportsRulesWithFileLineAndExitCode) {
  auto files = SmallSite();
  // Rita reviews her own article; an unknown fact checker.
  files["content/relationships/other.md"] =
      "---\ntitle: Another page\ndescription: d\nauthors: [rita]\npublished: 2026-01-01\n"
      "reviewers:\n  - by: rita\n    date: 2026-02-01\nfact_checkers: [ghost]\n---\nText.\n";
  SiteDir site(files);
  CmdResult r = Vetted("check " + site.path() + " --today 2026-06-01");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("[self-review]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[unknown-person]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("content/relationships/other.md:"), std::string::npos) << r.out;

  CmdResult j = Vetted("check " + site.path() + " --today 2026-06-01 --format json 2>/dev/null");
  auto parsed = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << j.out;
  ASSERT_TRUE(parsed.is_array());
  bool self = false;
  for (auto& d : parsed) self |= d.value("rule", "") == "self-review";
  EXPECT_TRUE(self);
}

TEST(SiteCheck, OverdueReviewIsAWarningOnly) {
  SiteDir site(SmallSite());
  CmdResult r = Vetted("check " + site.path() + " --today 2029-01-01");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("warning:"), std::string::npos);
  EXPECT_NE(r.out.find("[review-overdue]"), std::string::npos) << r.out;
}

// A review signs off one revision of the text: when the text changes, the page
// must stop claiming the review covers it, and check must say so.
TEST(SiteBuild, ReviewOfAnOlderRevisionIsNotShownAsCurrent) {
  auto files = SmallSite();
  std::string crying = files["content/relationships/crying.md"];
  std::string body = crying.substr(crying.find("---\n", 4) + 4);
  // First: the review signs the current text.
  SiteDir probe(files);
  CmdResult rev = Vetted("revision " + probe.path() + "/content/relationships/crying.md");
  ASSERT_EQ(rev.code, 0);
  std::string hash = rev.out.substr(0, rev.out.find(' '));
  auto with_hash = [&](const std::string& text) {
    std::string fm = crying.substr(0, crying.find("---\n", 4));
    fm.replace(fm.find("    date: 2026-03-02\n"), 21,
               "    date: 2026-03-02\n    revision: \"" + hash + "\"\n");
    return fm + "---\n" + text;
  };
  files["content/relationships/crying.md"] = with_hash(body);
  {
    SiteDir site(files);
    ASSERT_EQ(Vetted("build " + site.path() + " -o " + site.out()).code, 0);
    std::string html = Read(fs::path(site.out()) / "relationships/crying/index.html");
    EXPECT_NE(html.find("Medically reviewed by"), std::string::npos);
    EXPECT_NE(html.find("\"reviewedBy\""), std::string::npos);
    fs::remove_all(site.out());
  }
  // Then the text changes after the review.
  files["content/relationships/crying.md"] = with_hash(body + "\nA sentence added after the review.\n");
  SiteDir site(files);
  ASSERT_EQ(Vetted("build " + site.path() + " -o " + site.out()).code, 0);
  std::string html = Read(fs::path(site.out()) / "relationships/crying/index.html");
  EXPECT_EQ(html.find("Medically reviewed by"), std::string::npos);
  EXPECT_NE(html.find("has changed since it was last medically reviewed"), std::string::npos);
  EXPECT_EQ(html.find("\"reviewedBy\""), std::string::npos);
  EXPECT_EQ(html.find("\"lastReviewed\""), std::string::npos);
  CmdResult r = Vetted("check " + site.path() + " --today 2026-06-01");
  EXPECT_NE(r.out.find("[revision-changed]"), std::string::npos) << r.out;
  fs::remove_all(site.out());
}

TEST(SiteBuild, SiteThemeFileOverridesTheBuiltInOne) {
  auto files = SmallSite();
  files["theme/footer.mustache"] = "<footer class=\"custom-footer\"><p>Our own footer</p></footer>\n";
  SiteDir site(files);
  ASSERT_EQ(Vetted("build " + site.path() + " -o " + site.out()).code, 0);
  std::string html = Read(fs::path(site.out()) / "relationships/crying/index.html");
  EXPECT_NE(html.find("Our own footer"), std::string::npos);
  EXPECT_NE(Read(fs::path(site.out()) / "index.html").find("Our own footer"), std::string::npos);
  fs::remove_all(site.out());
}

TEST(Demo, ChecksWithoutErrors) {
  CmdResult r = Vetted(std::string("check ") + VETTED_SOURCE_DIR + "/demo");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find(": error:"), std::string::npos) << r.out;
}

// Issue 11: a link a browser would read as another site ("/\host" is
// "//host" to it) is sent percent-encoded, checked as a page of this site and
// stops the build when there is no such page; a disguised script link is removed.
TEST(SiteBuild, BackslashLinkIsCheckedAsAPageOfThisSite) {
  auto files = SmallSite();
  files["content/relationships/other.md"] =
      "---\ntitle: Another page\ndescription: d\nauthors: [wendy]\npublished: 2026-01-01\n---\n"
      "[see](/\\evil.example/path) and [x](java&Tab;script:alert(1)).\n";
  SiteDir site(files);
  CmdResult r = Vetted("build " + site.path() + " -o " + site.out());
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("content/relationships/other.md:7: error: broken link: '/\\evil.example/path'"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("[unsafe-url]"), std::string::npos) << r.out;
  fs::remove_all(site.out());
}

TEST(Revision, PrintsTheBodyHash) {
  SiteDir site(SmallSite());
  CmdResult r = Vetted("revision " + site.path() + "/content/relationships/crying.md");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("sha256:", 0), 0u) << r.out;
}

}  // namespace
