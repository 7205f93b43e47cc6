// Whole-site tests of the one publish pipeline: the same bad folder is
// refused by `vetted build`, by `vetted import`, by a server reload and by
// `vetted export`, each with the same diagnostics as `vetted check`; warnings
// are printed and never refuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "load/load.h"
#include "newsroom/newsroom.h"
#include "server/app.h"
#include "store/open.h"
#include "vetted_process.h"

namespace vetted {
namespace {

namespace fs = std::filesystem;
using testing::Read;
using testing::RunVetted;
using testing::TempDir;

std::string ArticleText(const std::string& title, const std::string& authors, const std::string& reviewer,
                        const std::string& extra = "") {
  return "---\ntitle: " + title + "\ndescription: About " + title + ".\nauthors: [" + authors +
         "]\npublished: 2026-01-10\nreviewers:\n  - by: " + reviewer + "\n    date: 2026-03-02\n" + extra +
         "---\nSome plain words about " + title + ".\n";
}

// The article with its review pinned to its current revision (the reviewers
// list is not part of the revision, so pinning keeps it).
std::string Pinned(const std::string& text, const std::string& file) {
  std::vector<Diagnostic> ignored;
  std::string revision = load::ParseArticle(text, file, ignored).revision;
  const std::string date = "date: 2026-03-02\n";
  std::string out = text;
  out.insert(out.find(date) + date.size(), "    revision: \"" + revision + "\"\n");
  return out;
}

// A site on which no rule fires.
std::map<std::string, std::string> GoodSite() {
  std::map<std::string, std::string> files = {
      {"site.toml",
       "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"
       "feedback_report = \"mailto:editors@test.example\"\n"},
      {"content/health/_section.md", "---\ntitle: Health\ndescription: About health.\n---\nIntro.\n"},
      {"content/health/apples.md", ArticleText("Apples", "wendy", "rita")},
      {"content/health/pears.md", ArticleText("Pears", "wendy", "rita")},
      {"content/health/plums.md", ArticleText("Plums", "wendy", "rita")},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
      {"people/rita.md",
       "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
       "doctor.\n---\nBio.\n"},
      {"pages/editorial-process.md",
       "---\ntitle: Our editorial process\ndescription: How we work.\n---\nWe check.\n"},
  };
  for (const char* name : {"apples", "pears", "plums"}) {
    std::string file = std::string("content/health/") + name + ".md";
    files[file] = Pinned(files[file], file);
  }
  return files;
}

// An unknown reviewer, an unknown author, a reviewer who is not a medical reviewer.
std::map<std::string, std::string> BadSite() {
  auto files = GoodSite();
  files["content/health/apples.md"] = ArticleText("Apples", "wendy", "priya-natrajan");
  files["content/health/pears.md"] = ArticleText("Pears", "nobody", "rita");
  files["content/health/plums.md"] = ArticleText("Plums", "rita", "wendy");
  return files;
}

void Write(const fs::path& root, const std::map<std::string, std::string>& files) {
  fs::remove_all(root);
  for (const auto& [rel, text] : files) {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel, std::ios::binary) << text;
  }
}

// The error lines of a command's output, without the site folder in front.
std::set<std::string> ErrorLines(const std::string& out, const std::string& prefix) {
  std::set<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.find(": error: ") == std::string::npos) continue;
    if (line.rfind(prefix, 0) == 0) line = line.substr(prefix.size());
    lines.insert(line);
  }
  return lines;
}

// What the store would get if something skipped the pipeline: the folder's
// files as they are, articles with their URL and revision.
store::ImportInput RawImport(const fs::path& root) {
  Result<Site> site = load::LoadSite(root.string());
  EXPECT_TRUE(site.ok());
  std::map<std::string, const Article*> articles;
  if (site.ok())
    for (const auto& a : site->articles) articles[a.file] = &a;
  store::ImportInput input;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::string rel = e.path().lexically_relative(root).generic_string();
    auto a = articles.find(rel);
    if (a == articles.end()) {
      input.files.push_back({rel, Read(e.path())});
    } else {
      store::SearchDocument search;
      search.title = a->second->title;
      input.articles.push_back({rel, a->second->url, a->second->revision, Read(e.path()), search, ""});
    }
  }
  return input;
}

TEST(Pipeline, TheSameBadFolderIsRefusedByBuildImportAndAServerReload) {
  fs::path dir = TempDir("pipeline");
  fs::path good = dir / "good", bad = dir / "bad";
  Write(good, GoodSite());
  Write(bad, BadSite());
  std::string out;

  // vetted check: the reference list of errors.
  EXPECT_EQ(RunVetted("check " + bad.string(), &out), 1) << out;
  const std::set<std::string> expected = ErrorLines(out, bad.string() + "/");
  ASSERT_GE(expected.size(), 3u) << out;
  EXPECT_EQ(*expected.begin(),
            "content/health/apples.md:7: error: reviewer \"priya-natrajan\" is not a known person (no "
            "people/priya-natrajan.md) [unknown-person]");
  EXPECT_NE(out.find("author \"nobody\" is not a known person"), std::string::npos) << out;
  EXPECT_NE(out.find("does not have the medical-reviewer role"), std::string::npos) << out;

  // vetted build: exit 1, no output folder.
  fs::path public_dir = dir / "public";
  EXPECT_EQ(RunVetted("build " + bad.string() + " -o " + public_dir.string(), &out), 1) << out;
  EXPECT_EQ(ErrorLines(out, bad.string() + "/"), expected) << out;
  EXPECT_NE(out.find("nothing was written"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(public_dir));
  EXPECT_FALSE(fs::exists(dir / "public.vetted-tmp"));

  // vetted import: exit 1, the database unchanged.
  std::string db = (dir / "v.db").string();
  ASSERT_EQ(RunVetted("import " + good.string() + " --db " + db + " -q", &out), 0) << out;
  int64_t generation = 0;
  {
    auto store = store::Open(db);
    ASSERT_TRUE(store.ok());
    generation = *(*store)->Generation();
  }
  EXPECT_EQ(RunVetted("import " + bad.string() + " --db " + db, &out), 1) << out;
  EXPECT_EQ(ErrorLines(out, bad.string() + "/"), expected) << out;
  EXPECT_NE(out.find("nothing was imported"), std::string::npos) << out;

  // A server reload of the same content, put into the store directly.
  auto store = store::Open(db);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->Generation(), generation) << "the refused import changed the database";
  server::AppOptions options;
  options.reload_poll = std::chrono::hours(1);  // only the explicit Reload below
  auto app = server::App::Open(**store, options, nullptr, nullptr);
  ASSERT_TRUE(app.ok()) << app.status().message();
  ASSERT_TRUE((*store)->Import(RawImport(bad)).ok());
  ASSERT_GT(*(*store)->Generation(), generation);
  Status reload = (*app)->Reload();
  ASSERT_FALSE(reload.ok());
  EXPECT_EQ(reload.code(), Code::kInvalid);
  EXPECT_EQ(ErrorLines(reload.message(), ""), expected) << reload.message();
  EXPECT_EQ((*app)->generation(), generation) << "the old content stays served";

  // vetted export of that database: refused the same way.
  fs::path exported = dir / "exported";
  EXPECT_EQ(RunVetted("export --db " + db + " -o " + exported.string(), &out), 1) << out;
  EXPECT_EQ(ErrorLines(out, db + "/"), expected) << out;
  EXPECT_FALSE(fs::exists(exported));
  app->reset();
  fs::remove_all(dir);
}

TEST(Pipeline, BuildPrintsWarningsAndStillPublishes) {
  fs::path dir = TempDir("pipeline-warn");
  auto files = GoodSite();
  files["content/health/pears.md"] =
      ArticleText("Pears", "wendy", "rita", "    revision: \"sha256:" + std::string(64, '0') + "\"\n");
  Write(dir / "site", files);
  std::string site = (dir / "site").string(), out;
  ASSERT_EQ(RunVetted("build " + site + " -o " + (dir / "public").string(), &out), 0) << out;
  EXPECT_NE(out.find(site + "/content/health/pears.md:7: warning: text changed since the review"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("[revision-changed]"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(dir / "public/health/pears/index.html"));

  // -q: only a one-line count.
  ASSERT_EQ(RunVetted("build " + site + " -o " + (dir / "public").string() + " -q", &out), 0) << out;
  EXPECT_EQ(out.find("[revision-changed]"), std::string::npos) << out;
  EXPECT_NE(out.find("vetted build: 1 warning (run `vetted check " + site + "` to see them)"),
            std::string::npos)
      << out;

  // import prints it too.
  ASSERT_EQ(RunVetted("import " + site + " --db " + (dir / "v.db").string(), &out), 0) << out;
  EXPECT_NE(out.find("[revision-changed]"), std::string::npos) << out;
  fs::remove_all(dir);
}

TEST(Pipeline, AMissingHeroImageIsAnError) {
  fs::path dir = TempDir("pipeline-image");
  auto files = GoodSite();
  files["content/health/pears.md"] =
      ArticleText("Pears", "wendy", "rita", "image:\n  src: /img/pear.jpg\n  alt: A pear\n");
  Write(dir / "site", files);
  std::string site = (dir / "site").string(), out;
  EXPECT_EQ(RunVetted("build " + site + " -o " + (dir / "public").string(), &out), 1) << out;
  EXPECT_NE(out.find(site + "/content/health/pears.md:9: error: image \"/img/pear.jpg\" names no file"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("[missing-image]"), std::string::npos) << out;
  fs::create_directories(dir / "site/static/img");
  std::ofstream(dir / "site/static/img/pear.jpg") << "JPEG";
  EXPECT_EQ(RunVetted("build " + site + " -o " + (dir / "public").string(), &out), 0) << out;
  fs::remove_all(dir);
}

// What a static build's pages offer for feedback, by site.toml: a form
// posting to the endpoint, a "Report an error" link, or nothing and a
// warning telling how to set one.
TEST(Pipeline, BuildFeedbackFollowsSiteToml) {
  fs::path dir = TempDir("pipeline-feedback");
  struct Case {
    const char* name;
    std::string toml;  // after title and base_url
    std::string want;  // in the article page; "" = no #feedback section
    bool warns;
  };
  const Case cases[] = {
      {"endpoint", "feedback_endpoint = \"https://fb.test.example\"\n",
       "<form class=\"js-feedback\" method=\"post\" action=\"https://fb.test.example/feedback\">", false},
      {"report", "feedback_report = \"https://test.example/report\"\n",
       "href=\"https://test.example/report?page=https%3A%2F%2Ftest.example%2Fhealth%2Fpears%2F\"", false},
      {"neither", "", "", true},
  };
  for (const Case& c : cases) {
    auto files = GoodSite();
    files["site.toml"] = "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n" + c.toml;
    Write(dir / "site", files);
    std::string site = (dir / "site").string(), out;
    ASSERT_EQ(RunVetted("build " + site + " -o " + (dir / "public").string(), &out), 0) << c.name << out;
    std::string page = Read(dir / "public/health/pears/index.html");
    ASSERT_FALSE(page.empty()) << c.name;
    if (c.want.empty()) {
      EXPECT_EQ(page.find("id=\"feedback\""), std::string::npos) << c.name;
    } else {
      EXPECT_NE(page.find(c.want), std::string::npos) << c.name;
    }
    EXPECT_EQ(page.find("action=\"/feedback\""), std::string::npos) << c.name << ": a form no one answers";
    EXPECT_EQ(out.find("[feedback-unconfigured]") != std::string::npos, c.warns) << c.name << out;
    if (c.warns)
      EXPECT_NE(out.find(site + "/site.toml:2: warning: the built pages have no feedback form"),
                std::string::npos)
          << out;
  }
  // A bad value is an error naming site.toml and its line.
  auto files = GoodSite();
  files["site.toml"] =
      "title = \"Test Health\"\nbase_url = \"https://test.example/\"\nfeedback_endpoint = \"/fb/\"\n";
  Write(dir / "site", files);
  std::string out;
  EXPECT_EQ(RunVetted("build " + (dir / "site").string() + " -o " + (dir / "public").string(), &out), 1)
      << out;
  EXPECT_NE(out.find("site.toml:3: error: `feedback_endpoint` must be the absolute URL"), std::string::npos)
      << out;
  fs::remove_all(dir);
}

// Once an article is published in the newsroom, `vetted import` of a folder
// neither unpublishes it (the folder lacks it) nor replaces it with other
// text, unless told to (--overwrite-newsroom); nothing is imported meanwhile.
TEST(ImportAndNewsroom, AFolderNeverSilentlyOverwritesNewsroomWork) {
  fs::path root = TempDir("import-newsroom") / "site";
  std::string db = (root.parent_path() / "site.db").string();
  Write(root, GoodSite());
  std::string out;
  ASSERT_EQ(RunVetted("import " + root.string() + " --db " + db + " -q", &out), 0) << out;
  std::string live;
  {
    Result<std::unique_ptr<store::Store>> s = store::Open(db);
    ASSERT_TRUE(s.ok());
    newsroom::Articles articles(**s, {});
    const newsroom::Actor wendy{1, "w@x.org", "wendy", newsroom::kWriter};
    const newsroom::Actor rita{2, "r@x.org", "rita", newsroom::kReviewer};
    const newsroom::Actor ed{3, "e@x.org", "", newsroom::kEditor};
    std::string text = ArticleText("Figs", "wendy", "rita");
    text.erase(text.find("reviewers:"), text.find("---\nSome") - text.find("reviewers:"));
    Result<newsroom::Created> c = articles.Create(wendy, "content/health/figs.md", text);
    ASSERT_TRUE(c.ok()) << c.status().message();
    ASSERT_TRUE(articles.Submit(wendy, c->id, c->revision).ok());
    ASSERT_TRUE(articles.Approve(rita, c->id, c->revision, "Checked.").ok());
    Result<newsroom::Published> p = articles.Publish(ed, c->id, {c->revision, "", ""});
    ASSERT_TRUE(p.ok()) << p.status().message();
    live = c->revision;
  }
  auto figs_published = [&db] {
    Result<std::unique_ptr<store::Store>> s = store::Open(db);
    Result<store::Snapshot> snap = (*s)->Load();
    for (const store::SourceFile& f : snap->files)
      if (f.path == "content/health/figs.md") return f.bytes.find("title: Figs") != std::string::npos;
    return false;
  };
  ASSERT_TRUE(figs_published());

  // The folder does not have it: the import would unpublish it.
  EXPECT_EQ(RunVetted("import " + root.string() + " --db " + db + " -q", &out), 1) << out;
  EXPECT_NE(out.find("content/health/figs.md: published in the newsroom (" + live + ")"), std::string::npos)
      << out;
  EXPECT_NE(out.find("would unpublish it"), std::string::npos) << out;
  EXPECT_NE(out.find("nothing was imported"), std::string::npos) << out;
  EXPECT_TRUE(figs_published());

  // The folder has other text for it: the import would replace it.
  auto files = GoodSite();
  files["content/health/figs.md"] =
      Pinned(ArticleText("Figs", "wendy", "rita", "tags: [fruit]\n"), "content/health/figs.md");
  Write(root, files);
  EXPECT_EQ(RunVetted("import " + root.string() + " --db " + db + " -q", &out), 1) << out;
  EXPECT_NE(out.find("the folder would replace it with sha256:"), std::string::npos) << out;

  // Told to: the folder's version is imported.
  EXPECT_EQ(RunVetted("import " + root.string() + " --db " + db + " -q --overwrite-newsroom", &out), 0)
      << out;
  EXPECT_NE(out.find("overwriting, as asked,"), std::string::npos) << out;
}

}  // namespace
}  // namespace vetted
