// Tag pages (/tags/<slug>/, /tags/), the article's tag list and the people
// index (/people/), on the small site of render_test_util.h.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "render/render.h"
#include "render/render_test_util.h"

namespace vetted::render {
namespace {

using testing::Between;
using testing::Count;
using testing::kCry;
using testing::Output;

class TagsTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::BuildSmallSite(site_, docs_, smith_); }

  const Output& Render() {
    testing::RenderInto(site_, docs_, out_);
    EXPECT_TRUE(out_.status.ok()) << out_.status.message();
    return out_;
  }

  Site site_;
  markup::SiteDocs docs_;
  Reference smith_;
  Output out_;
};

// Article `a` of the small site by slug.
Article& Find(Site& site, const std::string& slug) {
  for (Article& a : site.articles)
    if (a.slug == slug) return a;
  ADD_FAILURE() << "no article " << slug;
  return site.articles.front();
}

TEST_F(TagsTest, TagPageListsItsArticlesNewestFirst) {
  const std::string& html = Render()["tags/sex/index.html"];
  ASSERT_FALSE(html.empty());
  EXPECT_NE(html.find("<h1>sex</h1>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"dek\">2 articles</p>"), std::string::npos);
  std::string list = Between(html, "<ul class=\"article-list\">", "</ul>");
  size_t cry = list.find("<a href=\"/relationships/sex/cry/\">");      // updated 2024-03-05
  size_t stale = list.find("<a href=\"/relationships/sex/stale/\">");  // published 2024-01-10
  ASSERT_NE(cry, std::string::npos);
  ASSERT_NE(stale, std::string::npos);
  EXPECT_LT(cry, stale);
  EXPECT_EQ(list.find("/relationships/plain/"), std::string::npos);
  EXPECT_EQ(html.find("noindex"), std::string::npos);
  EXPECT_NE(html.find("<link rel=\"canonical\" href=\"https://example.org/tags/sex/\">"), std::string::npos);
  // Breadcrumb: Home > Tags on the page, Home > Tags > sex in BreadcrumbList.
  std::string crumbs = Between(html, "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\">", "</nav>");
  EXPECT_NE(crumbs.find("<a href=\"/\">Home</a>"), std::string::npos);
  EXPECT_NE(crumbs.find("<a href=\"/tags/\">Tags</a>"), std::string::npos);
  nlohmann::json ld = nlohmann::json::parse(
      Between(html, "<script type=\"application/ld+json\">", "</script>"), nullptr, false);
  ASSERT_FALSE(ld.is_discarded());
  EXPECT_EQ(ld["@type"], "CollectionPage");
  const nlohmann::json& items = ld["breadcrumb"]["itemListElement"];
  ASSERT_EQ(items.size(), 3u) << ld.dump();
  EXPECT_EQ(items[1]["item"], "https://example.org/tags/");
  EXPECT_EQ(items[2]["name"], "sex");
  EXPECT_EQ(items[2]["item"], "https://example.org/tags/sex/");
}

TEST_F(TagsTest, TagsWithTheSameSlugAreOnePage) {
  Find(site_, "plain").tags = {"Sex", "emotions"};
  Find(site_, "hostile").tags = {" SEX "};
  const Output& out = Render();
  size_t pages = 0;
  for (const auto& [path, bytes] : out.files)
    pages += path.rfind("tags/", 0) == 0 && path != "tags/index.html";
  EXPECT_EQ(pages, 2u);  // sex, emotions
  const std::string& html = out["tags/sex/index.html"];
  EXPECT_EQ(Count(Between(html, "<ul class=\"article-list\">", "</ul>"), "<li>"), 4u);
  EXPECT_NE(html.find("<h1>SEX</h1>"), std::string::npos);  // as first written, in site order (hostile)
}

TEST_F(TagsTest, ThinTagPagesAreNoindexAndLeftOutOfTheSitemap) {
  Find(site_, "cry").tags.push_back("Tears & sadness");
  const Output& out = Render();
  const std::string& thin = out["tags/tears-sadness/index.html"];
  ASSERT_FALSE(thin.empty());
  EXPECT_NE(thin.find("<meta name=\"robots\" content=\"noindex\">"), std::string::npos);
  EXPECT_NE(thin.find("<h1>Tears &amp; sadness</h1>"), std::string::npos);
  const std::string& xml = out["sitemap.xml"];
  EXPECT_EQ(xml.find("/tags/tears-sadness/"), std::string::npos);
  EXPECT_NE(xml.find("<url><loc>https://example.org/tags/sex/</loc><lastmod>2024-03-05</lastmod></url>"),
            std::string::npos);
  EXPECT_NE(xml.find("<url><loc>https://example.org/tags/emotions/</loc>"), std::string::npos);
  EXPECT_NE(xml.find("<url><loc>https://example.org/tags/</loc>"), std::string::npos);
  EXPECT_NE(xml.find("<url><loc>https://example.org/people/</loc></url>"), std::string::npos);
}

TEST_F(TagsTest, TagIndexListsEveryTagWithItsCount) {
  Find(site_, "cry").tags.push_back("Anxiety");
  const std::string& html = Render()["tags/index.html"];
  ASSERT_FALSE(html.empty());
  EXPECT_NE(html.find("<h1>Tags</h1>"), std::string::npos);
  std::string list = Between(html, "<ul class=\"tag-index\">", "</ul>");
  size_t anxiety = list.find("<a href=\"/tags/anxiety/\">Anxiety</a> <span class=\"tag-count\">(1)</span>");
  size_t emotions =
      list.find("<a href=\"/tags/emotions/\">emotions</a> <span class=\"tag-count\">(2)</span>");
  size_t sex = list.find("<a href=\"/tags/sex/\">sex</a> <span class=\"tag-count\">(2)</span>");
  ASSERT_NE(anxiety, std::string::npos) << list;
  ASSERT_NE(emotions, std::string::npos) << list;
  ASSERT_NE(sex, std::string::npos) << list;
  EXPECT_LT(anxiety, emotions);  // by name, case-insensitive
  EXPECT_LT(emotions, sex);
}

TEST_F(TagsTest, ArticleLinksItsTagsAfterTheReviewDates) {
  Find(site_, "cry").tags = {"sex", "emotions", "Sex", "!!!"};
  const std::string& html = Render()[kCry];
  std::string tags = Between(html, "<nav class=\"article-tags\" aria-label=\"Tags\">", "</nav>");
  EXPECT_EQ(Count(tags, "<li>"), 2u) << tags;  // "Sex" repeats "sex"; "!!!" has no page
  size_t sex = tags.find("<li><a href=\"/tags/sex/\" rel=\"tag\">sex</a></li>");
  size_t emotions = tags.find("<li><a href=\"/tags/emotions/\" rel=\"tag\">emotions</a></li>");
  ASSERT_NE(sex, std::string::npos) << tags;
  ASSERT_NE(emotions, std::string::npos) << tags;
  EXPECT_LT(sex, emotions);  // as written
  size_t dates = html.find("Page last reviewed:");
  size_t list = html.find("<nav class=\"article-tags\"");
  size_t feedback = html.find("<section id=\"feedback\"");
  EXPECT_LT(dates, list);
  EXPECT_LT(list, feedback);
  // An article without tags shows no list.
  EXPECT_EQ(out_["relationships/hostile/index.html"].find("article-tags"), std::string::npos);
}

TEST_F(TagsTest, NoTagsNoTagPages) {
  for (Article& a : site_.articles) a.tags.clear();
  const Output& out = Render();
  for (const auto& [path, bytes] : out.files) EXPECT_NE(path.rfind("tags/", 0), 0u) << path;
  EXPECT_EQ(out["sitemap.xml"].find("/tags/"), std::string::npos);
}

TEST_F(TagsTest, PeopleIndexGroupsPeopleByRole) {
  Person both = testing::MakePerson("bo", "Bo Lee", "RN", "writer", "Bo writes and checks.");
  both.roles.push_back("fact-checker");
  site_.people["bo"] = both;
  site_.people["zed"] = testing::MakePerson("zed", "Zed Ash", "", "illustrator", "");
  const Output& out = Render();
  const std::string& html = out["people/index.html"];
  ASSERT_FALSE(html.empty());
  EXPECT_NE(html.find("<link rel=\"canonical\" href=\"https://example.org/people/\">"), std::string::npos);
  const char* const kOrder[] = {
      "<h2 id=\"people_medical-reviewer\">Medical reviewers</h2>",
      "<img class=\"person-photo\" src=\"/images/ria.jpg\" alt=\"Ria Roe smiling\"",
      "<a href=\"/people/ria/\">Ria Roe, MD</a>",
      "<p class=\"person-title\">Psychiatrist</p>",
      "<p>Ria is a psychiatrist.</p>",
      "<h2 id=\"people_writer\">Writers</h2>",
      "<a href=\"/people/bo/\">Bo Lee, RN</a>",
      "<a href=\"/people/jane/\">Jane Doe, PhD</a>",
      "<h2 id=\"people_fact-checker\">Fact checkers</h2>",
      "<a href=\"/people/bo/\">Bo Lee, RN</a>",
      "<a href=\"/people/fred/\">Fred Fox</a>",
      "<h2 id=\"people_other\">Other contributors</h2>",
      "<a href=\"/people/zed/\">Zed Ash</a>",
  };
  size_t last = 0;
  for (const char* needle : kOrder) {
    size_t pos = html.find(needle, last);
    EXPECT_NE(pos, std::string::npos) << "missing or out of order: " << needle;
    if (pos != std::string::npos) last = pos;
  }
  EXPECT_EQ(html.find("<h2 id=\"people_editor\">"), std::string::npos);  // no editors: no empty group
  // Every page's footer links the index next to the review board.
  for (const std::string& path : out.HtmlPages()) {
    const std::string& page = out[path];
    if (page.find("<footer class=\"site-footer\">") == std::string::npos) continue;
    EXPECT_NE(page.find("<li><a href=\"/review-board/\">Medical review board</a></li>\n"
                        "<li><a href=\"/people/\">Our people</a></li>"),
              std::string::npos)
        << path;
  }
}

TEST_F(TagsTest, PeopleIntroComesFromPagesPeopleMd) {
  site_.pages.push_back({"pages/people.md", "people", "/people/", "Who we are", "Our team.", "", 1, {}});
  docs_.pages.push_back(markup::Document{});
  docs_.pages.back().html = "<p>People intro.</p>\n";
  const Output& out = Render();
  const std::string& html = out["people/index.html"];
  EXPECT_NE(html.find("<h1>Who we are</h1>"), std::string::npos);
  EXPECT_NE(html.find("<p>People intro.</p>"), std::string::npos);
  size_t people_pages = 0;
  for (const auto& [path, bytes] : out.files) people_pages += path == "people/index.html";
  EXPECT_EQ(people_pages, 1u);
  EXPECT_EQ(Count(out["sitemap.xml"], "https://example.org/people/</loc>"), 1u);
}

}  // namespace
}  // namespace vetted::render
