// PreviewArticle: one article rendered and checked within a stored site.
#include <gtest/gtest.h>

#include <string>

#include "publish/publish.h"

namespace vetted::publish {
namespace {

store::Snapshot Stored() {
  store::Snapshot s;
  s.generation = 1;
  s.files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
      {"content/health/b.md",
       "---\ntitle: Pears\ndescription: About pears.\nauthors: [wendy]\npublished: 2026-01-10\n---\nEat a "
       "pear.\n"},
  };
  return s;
}

TEST(PreviewArticle, RendersTheNewArticleThroughTheTheme) {
  std::string text =
      "---\ntitle: Apples\ndescription: About apples.\nauthors: [wendy]\npublished: 2026-01-10\n---\n"
      "Eat an *apple* a day.\n\nSee [pears](b.md).\n";
  Result<ArticlePreview> p = PreviewArticle(Stored(), "content/health/a.md", text);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->url, "/health/a/");
  EXPECT_NE(p->html.find("<h1>Apples</h1>"), std::string::npos) << p->html;
  EXPECT_NE(p->html.find("Eat an <em>apple</em> a day."), std::string::npos);
  EXPECT_NE(p->html.find("Wendy Writer"), std::string::npos);
  for (const Diagnostic& d : p->diagnostics) EXPECT_EQ(d.pos.file, "content/health/a.md");
}

TEST(PreviewArticle, ReportsTheFilesFindingsWithLines) {
  std::string text =
      "---\ntitle: Apples\ndescription: About apples.\nauthors: [wendy]\npublished: 2026-01-10\n---\n"
      "Intro.\n\nApples help [@nobody2020].\n";
  Result<ArticlePreview> p = PreviewArticle(Stored(), "content/health/b.md", text);
  ASSERT_TRUE(p.ok()) << p.status().message();
  bool found = false;
  for (const Diagnostic& d : p->diagnostics)
    if (d.rule == "unknown-citation") {
      found = true;
      EXPECT_EQ(d.pos.line, 9);
      EXPECT_EQ(d.severity, Severity::kError);
    }
  EXPECT_TRUE(found) << Format(p->diagnostics, "");
  EXPECT_NE(p->html.find("<h1>Apples</h1>"), std::string::npos);  // replaced b.md
}

TEST(PreviewArticle, RefusesAPathOutsideContent) {
  EXPECT_EQ(PreviewArticle(Stored(), "pages/x.md", "---\ntitle: x\n---\n").status().code(), Code::kInvalid);
  EXPECT_EQ(PreviewArticle(Stored(), "content/x.txt", "x").status().code(), Code::kInvalid);
}

TEST(PreviewArticle, ADraftHasNoPageButItsFindings) {
  std::string text = "---\ntitle: Apples\ndraft: true\n---\nText.\n";
  Result<ArticlePreview> p = PreviewArticle(Stored(), "content/health/a.md", text);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->url, "");
  EXPECT_EQ(p->html, "");
}

// The loaded-site form answers what the snapshot form answers.
TEST(PreviewArticle, OnALoadedSiteTheSameAsFromTheSnapshot) {
  load::MemoryFileSystem files;
  Site site;
  ASSERT_TRUE(LoadSnapshot(Stored(), &files, &site).ok());
  for (std::string path : {"content/health/a.md", "content/health/b.md"}) {
    SCOPED_TRACE(path);
    std::string text =
        "---\ntitle: Apples\ndescription: About apples.\nauthors: [wendy, nobody]\npublished: 2026-01-10\n"
        "---\nEat an *apple* a day [@nobody2020]. See [pears](b.md) and [x](missing.md).\n";
    Result<ArticlePreview> fast = PreviewArticle(site, path, text);
    Result<ArticlePreview> full = PreviewArticle(Stored(), path, text);
    ASSERT_TRUE(fast.ok()) << fast.status().message();
    ASSERT_TRUE(full.ok()) << full.status().message();
    EXPECT_EQ(fast->url, full->url);
    EXPECT_EQ(fast->html, full->html);
    EXPECT_EQ(Format(fast->diagnostics, ""), Format(full->diagnostics, ""));
    EXPECT_GE(fast->diagnostics.size(), 3u) << Format(fast->diagnostics, "");
  }
  // A draft leaves the page out, as a load would.
  Result<ArticlePreview> draft =
      PreviewArticle(site, "content/health/b.md", "---\ntitle: B\ndraft: true\n---\nx\n");
  ASSERT_TRUE(draft.ok());
  EXPECT_EQ(draft->url, "");
  // What only a whole load knows: a new folder.
  EXPECT_EQ(PreviewArticle(site, "content/food/a.md", "---\ntitle: A\n---\nx\n").status().code(),
            Code::kConflict);
}

}  // namespace
}  // namespace vetted::publish
