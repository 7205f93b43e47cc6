#include "render/site_index.h"

#include <gtest/gtest.h>

#include "render/render_test_util.h"
#include "util/util.h"

namespace vetted::render {
namespace {

TEST(ReviewOfTest, LatestReviewNextDueAndCurrency) {
  struct Case {
    const char* name;
    std::vector<std::pair<const char*, const char*>> reviews;  // {date, revision ("=" = current text)}
    int interval_months;
    bool reviewed;
    bool current;
    const char* last;
    const char* next_due;
  };
  const Case kCases[] = {
      {"none", {}, 24, false, false, "", ""},
      {"two years", {{"2024-03-06", "="}}, 24, true, true, "2024-03-06", "2026-03-06"},
      {"eighteen months", {{"2024-03-06", "="}}, 18, true, true, "2024-03-06", "2025-09-06"},
      {"clamped to month end", {{"2024-01-31", "="}}, 1, true, true, "2024-01-31", "2024-02-29"},
      {"leap day plus a year", {{"2024-02-29", "="}}, 12, true, true, "2024-02-29", "2025-02-28"},
      {"no hash counts as current", {{"2023-05-01", ""}}, 24, true, true, "2023-05-01", "2025-05-01"},
      {"hash mismatch", {{"2023-05-01", "sha256:00"}}, 24, true, false, "2023-05-01", "2025-05-01"},
      {"latest wins, listed first",
       {{"2024-06-01", "="}, {"2020-01-01", "sha256:00"}},
       24,
       true,
       true,
       "2024-06-01",
       "2026-06-01"},
      {"latest wins, stale",
       {{"2020-01-01", "="}, {"2024-06-01", "sha256:00"}},
       24,
       true,
       false,
       "2024-06-01",
       "2026-06-01"},
  };
  for (const auto& c : kCases) {
    Site site;
    site.config.review_interval_months = c.interval_months;
    site.people["ria"] = testing::MakePerson("ria", "Ria Roe", "MD", "medical-reviewer", "");
    Article a = testing::MakeArticle({"s"}, "a", "A");
    for (const auto& [date, revision] : c.reviews) {
      std::string rev = std::string(revision) == "=" ? a.revision : revision;
      a.reviewers.push_back({"ria", *Date::Parse(date), rev, 0});
    }
    ReviewState state = ReviewOf(site, a);
    EXPECT_EQ(state.latest != nullptr, c.reviewed) << c.name;
    EXPECT_EQ(state.current, c.current) << c.name;
    EXPECT_EQ(state.next_due.Iso(), c.next_due) << c.name;
    if (state.latest) {
      EXPECT_EQ(state.latest->date.Iso(), c.last) << c.name;
      EXPECT_EQ(state.reviewer, site.FindPerson("ria")) << c.name;
    }
  }
}

TEST(ReviewOfTest, AnArticlesOwnIntervalWinsOverTheSites) {
  Site site;
  site.config.review_interval_months = 24;
  Article a = testing::MakeArticle({"s"}, "a", "A");
  a.reviewers.push_back({"ria", *Date::Parse("2024-03-06"), a.revision, 0});
  EXPECT_EQ(ReviewOf(site, a).next_due.Iso(), "2026-03-06");
  a.review_interval_months = 12;
  EXPECT_EQ(ReviewOf(site, a).next_due.Iso(), "2025-03-06");
  EXPECT_EQ(ReviewIntervalMonths(site.config, a), 12);
}

TEST(ReviewOfTest, ComputesRevisionWhenModelLeftItEmpty) {
  Site site;
  Article a = testing::MakeArticle({"s"}, "a", "A");
  std::string revision = a.revision;
  a.revision.clear();
  a.reviewers.push_back({"ria", Date{2024, 1, 1}, revision, 0});
  EXPECT_TRUE(ReviewOf(site, a).current);
  a.body += " changed";
  EXPECT_FALSE(ReviewOf(site, a).current);
}

TEST(UrlHelpersTest, SafeUrl) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case kCases[] = {
      {"/images/a.jpg", "/images/a.jpg"},
      {"images/a.jpg", "/images/a.jpg"},
      {"./images/a.jpg", "/images/a.jpg"},
      {"https://cdn.example.org/a.jpg", "https://cdn.example.org/a.jpg"},
      {"HTTPS://example.org/a", "HTTPS://example.org/a"},
      {"javascript:alert(1)", ""},
      {" JavaScript:alert(1)", ""},
      {"data:image/png;base64,xx", ""},
      {"//evil.example/a.jpg", ""},
      {"/a\".jpg", ""},
      {"/a b.jpg", ""},
      {"", ""},
  };
  for (const auto& c : kCases) EXPECT_EQ(SafeUrl(c.in), c.out) << c.in;
}

TEST(UrlHelpersTest, AliasPathAndAbsolute) {
  struct Case {
    const char* alias;
    const char* path;
  };
  const Case kCases[] = {
      {"/old/cry/", "old/cry/index.html"},
      {"/old/cry", "old/cry/index.html"},
      {"old/cry/", "old/cry/index.html"},
      {"/legacy/cry.html", "legacy/cry.html"},
      {"/old/?q=1", "old/index.html"},
      {"/", ""},
      {"/../etc/", ""},
      {"https://example.org/x/", ""},
      {"javascript:alert(1)", ""},
  };
  for (const auto& c : kCases) EXPECT_EQ(AliasPath(c.alias), c.path) << c.alias;
  SiteConfig config;
  config.base_url = "https://example.org/health/";
  EXPECT_EQ(Absolute(config, "/a/b/"), "https://example.org/health/a/b/");
  EXPECT_EQ(Absolute(config, "/"), "https://example.org/health/");
  EXPECT_EQ(Absolute(config, "https://other.example/x"), "https://other.example/x");
}

TEST(UrlHelpersTest, BasePath) {
  const std::pair<const char*, const char*> kCases[] = {
      {"https://example.org/", "/"},
      {"https://example.org", "/"},
      {"https://example.org/health/", "/health/"},
      {"https://example.org/health", "/health/"},
      {"http://x.org:8080/a/b/?q#f", "/a/b/"},
      {"", "/"},
  };
  for (const auto& [base, want] : kCases) {
    SiteConfig config;
    config.base_url = base;
    EXPECT_EQ(BasePath(config), want) << base;
  }
}

TEST(UrlHelpersTest, RootUrls) {
  const std::pair<const char*, const char*> kCases[] = {
      {"<a href=\"/a/\">x</a>", "<a href=\"/health/a/\">x</a>"},
      {"<img src=\"/i.png\" alt=\"\"><form action=\"/search\">",
       "<img src=\"/health/i.png\" alt=\"\"><form action=\"/health/search\">"},
      {"<a href=\"//cdn.example/x\">", "<a href=\"//cdn.example/x\">"},
      {"<a href=\"https://x.org/\"><a href=\"#toc\">", "<a href=\"https://x.org/\"><a href=\"#toc\">"},
      {"<option value=\"/a/\"><input data-href=\"/a/\">", "<option value=\"/a/\"><input data-href=\"/a/\">"},
      {"<meta http-equiv=\"refresh\" content=\"0; url=/a/\">\n<a href=\"/a/\">",
       "<meta http-equiv=\"refresh\" content=\"0; url=/health/a/\">\n<a href=\"/health/a/\">"},
      {"<p>href=&quot;/a/&quot;</p>", "<p>href=&quot;/a/&quot;</p>"},
  };
  for (const auto& [in, want] : kCases) {
    std::string html = in;
    RootUrls(html, "/health/");
    EXPECT_EQ(html, want) << in;
    html = in;
    RootUrls(html, "/");
    EXPECT_EQ(html, in);
  }
}

TEST(SiteIndexTest, RelatedArticlesScoreSectionAndTags) {
  Site site;
  auto add = [&](std::vector<std::string> section, std::string slug, std::vector<std::string> tags,
                 const char* date) {
    Article a = testing::MakeArticle(std::move(section), std::move(slug), "T");
    a.tags = std::move(tags);
    a.published = *Date::Parse(date);
    site.articles.push_back(a);
  };
  add({"a", "x"}, "self", {"sleep", "stress"}, "2024-01-01");        // 0
  add({"a", "x"}, "same-section", {}, "2024-01-01");                 // 1: 4
  add({"b"}, "two-tags", {"Sleep", "stress"}, "2024-01-01");         // 2: 6
  add({"b"}, "one-tag-old", {"sleep"}, "2020-01-01");                // 3: 3
  add({"b"}, "one-tag-new", {"stress"}, "2023-01-01");               // 4: 3, newer
  add({"a", "x"}, "same-section-and-tag", {"sleep"}, "2024-01-01");  // 5: 7
  add({"c"}, "unrelated", {"diet"}, "2024-01-01");                   // 6
  markup::SiteDocs docs;
  SiteIndex index(site, docs);
  EXPECT_EQ(index.Related(0, 5), (std::vector<size_t>{5, 2, 1, 4, 3}));
  EXPECT_EQ(index.Related(0, 2), (std::vector<size_t>{5, 2}));
  EXPECT_TRUE(index.Related(6, 5).empty());
  EXPECT_EQ(index.Related(0, 5), index.Related(0, 5));  // deterministic
}

TEST(SiteIndexTest, RelatedLooksAtABoundedWindowOnLargeSites) {
  Site site;
  for (int k = 0; k < 5000; ++k) {
    Article a = testing::MakeArticle({"s"}, "a" + std::to_string(10000 + k), "T");
    a.tags = {"common"};
    site.articles.push_back(a);
  }
  markup::SiteDocs docs;
  SiteIndex index(site, docs);
  std::vector<size_t> related = index.Related(2500, 5);
  ASSERT_EQ(related.size(), 5u);
  for (size_t r : related) EXPECT_LT(r > 2500 ? r - 2500 : 2500 - r, 20u);
}

TEST(SiteIndexTest, LookupsAndAssets) {
  Site site;
  site.sections = {testing::MakeSection({"a"}, "A", ""), testing::MakeSection({"a", "b"}, "", "")};
  Article one = testing::MakeArticle({"a", "b"}, "one", "One");
  one.reviewers = {{"ria", Date{2024, 1, 1}, "", 0}, {"ria", Date{2024, 2, 1}, "", 0}};
  Article two = testing::MakeArticle({"a"}, "two", "Two");
  two.updated = Date{2025, 1, 1};
  site.articles = {one, two};
  site.theme.files = {{"style.css", "body{}"}, {"article.mustache", "x"}, {"img/logo.svg", "<svg/>"}};
  markup::SiteDocs docs;
  SiteIndex index(site, docs);
  EXPECT_EQ(index.ArticlesIn("/a/b/"), std::vector<size_t>{0});
  EXPECT_EQ(index.SubsectionsOf("/"), std::vector<size_t>{0});
  EXPECT_EQ(index.SubsectionsOf("/a/"), std::vector<size_t>{1});
  EXPECT_EQ(index.WrittenBy("jane"), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(index.ReviewedBy("ria"), std::vector<size_t>{0});  // once, though reviewed twice
  EXPECT_EQ(index.Newest(), (std::vector<size_t>{1, 0}));
  EXPECT_EQ(index.SectionTitle({"a", "b"}, 2), "B");  // humanized folder name when untitled
  auto crumbs = index.Breadcrumbs({"a", "b"}, 2);
  ASSERT_EQ(crumbs.size(), 3u);
  EXPECT_EQ(crumbs[1].name, "A");
  EXPECT_EQ(crumbs[2].url, "/a/b/");
  ASSERT_EQ(index.assets().size(), 2u);
  const Asset* css = index.FindAsset("style.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->path, "assets/style." + util::Sha256Hex("body{}").substr(0, 10) + ".css");
  EXPECT_EQ(css->url, "/" + css->path);
  const Asset* logo = index.FindAsset("img/logo.svg");
  ASSERT_NE(logo, nullptr);
  EXPECT_EQ(logo->path.rfind("assets/img/logo.", 0), 0u);
  EXPECT_EQ(index.FindAsset("article.mustache"), nullptr);
}

}  // namespace
}  // namespace vetted::render
