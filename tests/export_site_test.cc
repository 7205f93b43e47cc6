// `vetted export --site DIR`: the site folder readers see. The demo is
// imported, the newsroom publishes a change to one of its articles and a new
// article, the folder is exported and imported into a fresh database, and
// that database serves the same published content and the same pages.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "newsroom/newsroom.h"
#include "store/open.h"
#include "vetted_process.h"

namespace vetted {
namespace {

namespace fs = std::filesystem;
using testing::Read;
using testing::RunVetted;
using testing::TempDir;

// Path -> bytes of what the database publishes.
std::map<std::string, std::string> Published(const std::string& db) {
  std::map<std::string, std::string> out;
  Result<std::unique_ptr<store::Store>> s = store::Open(db);
  EXPECT_TRUE(s.ok());
  if (!s.ok()) return out;
  Result<store::Snapshot> snap = (*s)->Load();
  EXPECT_TRUE(snap.ok());
  if (!snap.ok()) return out;
  for (const store::SourceFile& f : snap->files) out[f.path] = f.bytes;
  return out;
}

// Relative path -> bytes of every file under `dir`.
std::map<std::string, std::string> Files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).generic_string()] = Read(e.path());
  return out;
}

TEST(ExportSite, TheFolderReadsBackToTheSamePublishedSite) {
  const fs::path root = TempDir("export-site");
  const std::string db = (root / "live.db").string(), copy = (root / "copy.db").string();
  const std::string demo = std::string(VETTED_SOURCE_DIR) + "/demo";
  std::string out;
  ASSERT_EQ(RunVetted("import " + demo + " --db " + db + " -q", &out), 0) << out;

  // The newsroom publishes a change to a demo article, a new article, and
  // leaves a draft unpublished.
  const std::string changed = "content/sexual-health/performance-anxiety.md";
  {
    Result<std::unique_ptr<store::Store>> s = store::Open(db);
    ASSERT_TRUE(s.ok());
    newsroom::Articles articles(**s, {});
    const newsroom::Actor writer{1, "d@x.org", "daniel-reyes", newsroom::kWriter};
    const newsroom::Actor reviewer{2, "h@x.org", "helen-marsh", newsroom::kReviewer};
    const newsroom::Actor editor{3, "e@x.org", "", newsroom::kEditor};
    std::string text = Read(fs::path(demo) / changed);
    // The newsroom writes the reviews itself: the source has none.
    size_t from = text.find("reviewers:\n"), to = text.find("tags:");
    ASSERT_NE(from, std::string::npos);
    text.erase(from, to - from);
    text += "\nA line the newsroom added about talking with your partner.\n";
    auto publish = [&](const std::string& path, const std::string& source) {
      Result<newsroom::Created> c = articles.Create(writer, path, source);
      ASSERT_TRUE(c.ok()) << c.status().message();
      ASSERT_TRUE(articles.Submit(writer, c->id, c->revision).ok());
      ASSERT_TRUE(articles.Approve(reviewer, c->id, c->revision, "Checked.").ok());
      Result<newsroom::Published> p = articles.Publish(editor, c->id, {c->revision, "", ""});
      ASSERT_TRUE(p.ok()) << p.status().message();
    };
    publish(changed, text);
    publish("content/sexual-health/figs.md",
            "---\ntitle: Figs\ndescription: About figs.\nauthors: [daniel-reyes]\n---\nFigs are a fruit.\n");
    ASSERT_TRUE(articles
                    .Create(writer, "content/sexual-health/draft.md",
                            "---\ntitle: Draft\ndescription: Not yet.\nauthors: [daniel-reyes]\n---\nSoon.\n")
                    .ok());
  }

  const fs::path folder = root / "site";
  // (A trailing slash names the same folder.)
  ASSERT_EQ(RunVetted("export --site " + folder.string() + "/ --db " + db, &out), 0) << out;
  EXPECT_NE(out.find("Exported the site as readers see it"), std::string::npos) << out;
  // What readers see, reviews included; no draft.
  std::map<std::string, std::string> files = Files(folder);
  EXPECT_EQ(files, Published(db));
  ASSERT_TRUE(files.count(changed));
  EXPECT_NE(files[changed].find("talking with your partner"), std::string::npos);
  EXPECT_NE(files[changed].find("reviewers:\n  - by: \"helen-marsh\""), std::string::npos) << files[changed];
  EXPECT_TRUE(files.count("content/sexual-health/figs.md"));
  EXPECT_FALSE(files.count("content/sexual-health/draft.md"));
  for (const char* kept : {"site.toml", "glossary.yaml", "references.bib", "people/helen-marsh.md"})
    EXPECT_TRUE(files.count(kept)) << kept;

  // Imported into a fresh database: the same published content...
  ASSERT_EQ(RunVetted("import " + folder.string() + " --db " + copy + " -q", &out), 0) << out;
  EXPECT_EQ(Published(copy), Published(db));
  // ...and the same pages.
  const fs::path html_live = root / "html-live", html_copy = root / "html-copy";
  ASSERT_EQ(RunVetted("export -q --db " + db + " -o " + html_live.string(), &out), 0) << out;
  ASSERT_EQ(RunVetted("export -q --db " + copy + " -o " + html_copy.string(), &out), 0) << out;
  std::map<std::string, std::string> live = Files(html_live), again = Files(html_copy);
  EXPECT_GT(live.size(), 10u);
  EXPECT_EQ(live.size(), again.size());
  for (const auto& [path, bytes] : live) EXPECT_TRUE(again.count(path) && again[path] == bytes) << path;
  ASSERT_TRUE(live.count("sexual-health/performance-anxiety/index.html"));
  EXPECT_NE(live["sexual-health/performance-anxiety/index.html"].find("talking with your partner"),
            std::string::npos);

  // The folder now exists: a second export into it is refused.
  EXPECT_EQ(RunVetted("export --site " + folder.string() + " --db " + db, &out), 2) << out;
  EXPECT_NE(out.find("not an empty folder"), std::string::npos) << out;
  fs::remove_all(root);
}

}  // namespace
}  // namespace vetted
