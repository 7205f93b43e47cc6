#include "render/render.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "render/jsonld.h"
#include "render/render_test_util.h"
#include "util/util.h"

namespace vetted::render {
namespace {

using testing::Between;
using testing::Count;
using testing::kCry;
using testing::kHostile;
using testing::kHostileDescription;
using testing::kHostileTitle;
using testing::kStale;
using testing::MakeArticle;
using testing::MakeDoc;
using testing::MakePerson;
using testing::MakeSection;
using testing::Output;

// The small site of testing::BuildSmallSite.
class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::BuildSmallSite(site_, docs_, smith_); }

  const Output& Render() {
    testing::RenderInto(site_, docs_, out_);
    EXPECT_TRUE(out_.status.ok()) << out_.status.message();
    return out_;
  }

  nlohmann::json JsonLd(const std::string& html) {
    std::string text = Between(html, "<script type=\"application/ld+json\">", "</script>");
    return nlohmann::json::parse(text, nullptr, false);
  }

  Site site_;
  markup::SiteDocs docs_;
  Reference smith_;
  Output out_;
};

TEST_F(RenderTest, ArticleHasEveryElementInOrder) {
  const std::string& html = Render()[kCry];
  ASSERT_FALSE(html.empty());
  struct Element {
    const char* what;
    const char* needle;
  };
  const Element kElements[] = {
      {"doctype", "<!doctype html>"},
      {"lang", "<html lang=\"en-GB\">"},
      {"title", "<title>Why people cry during sex | Test Health</title>"},
      {"meta description", "<meta name=\"description\" content=\"What Why people cry during sex means.\">"},
      {"canonical", "<link rel=\"canonical\" href=\"https://example.org/relationships/sex/cry/\">"},
      {"og:type", "<meta property=\"og:type\" content=\"article\">"},
      {"og:image", "<meta property=\"og:image\" content=\"https://example.org/images/hero.jpg\">"},
      {"feed link", "type=\"application/atom+xml\""},
      {"json-ld", "<script type=\"application/ld+json\">"},
      {"skip link", "<a class=\"skip-link\" href=\"#main\">"},
      {"site header", "<header class=\"site-header\">"},
      {"nav", "<nav class=\"site-nav\" aria-label=\"Main\">"},
      {"search box", "<form class=\"site-search\" role=\"search\" method=\"get\" action=\"/search/\""},
      {"search input", "<input type=\"search\" id=\"site_search_q\" name=\"q\""},
      {"main", "<main id=\"main\""},
      {"breadcrumb", "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\">"},
      {"breadcrumb section", "<a href=\"/relationships/sex/\">Sex and relationships</a>"},
      {"h1", "<h1>Why people cry during sex</h1>"},
      {"dek", "<p class=\"dek\">"},
      {"author link", "<a href=\"/people/jane/\" rel=\"author\">Jane Doe, PhD</a>"},
      {"author bio", "<summary>About Jane Doe</summary>"},
      {"date", "Updated on <time datetime=\"2024-03-05\">5 March 2024</time>"},
      {"editorial process", "<a href=\"/editorial-process/\">Our editorial process</a>"},
      {"fact checker", "Fact checked by <a href=\"/people/fred/\">Fred Fox</a>"},
      {"medical review", "Medically reviewed by <a href=\"/people/ria/\">Ria Roe, MD</a>"},
      {"review date", "on <time datetime=\"2024-03-06\">6 March 2024</time>"},
      {"review board", "<a href=\"/review-board/\">"},
      {"print", "class=\"button js-print\" hidden"},
      {"share",
       "href=\"mailto:?subject=Why%20people%20cry%20during%20sex&amp;body=https%3A%2F%2Fexample.org"},
      {"hero", "<img src=\"/images/hero.jpg\" alt=\"Two people holding hands\""},
      {"credit", "Photo: A. Lens / Agency</span></figcaption>"},
      {"toc", "<details class=\"toc\" open>"},
      {"toc nav", "<nav id=\"toc\" aria-labelledby=\"toc_label\">"},
      {"toc entry", "<a href=\"#what-helps\">What helps</a>"},
      {"body", "People sometimes cry<sup class=\"cite\">"},
      {"takeaways", "callout-takeaways"},
      {"help box", "<aside class=\"callout callout-help\" aria-label=\"Find a therapist\">"},
      {"disclosure", "<p class=\"disclosure\">We earn a fee"},
      {"crisis box", "<aside class=\"callout callout-crisis\" aria-label=\"If you are in crisis\">"},
      {"sources", "<section id=\"sources\""},
      {"sources heading", ">1 source</h2>"},
      {"sourcing policy", "<p class=\"sourcing-policy\">We use peer-reviewed"},
      {"ref", "<li id=\"ref-1\">"},
      {"back link", "<a class=\"backlink\" href=\"#cite-1\" aria-label=\"Back to citation 1\">"},
      {"about author", "About the author</h2>"},
      {"author full bio", "<p>Jane studies dyspareunia and more.</p>"},
      {"last reviewed", "Page last reviewed: <time datetime=\"2024-03-06\">6 March 2024</time>"},
      {"next review", "Next review due: <time datetime=\"2026-03-06\">6 March 2026</time>"},
      {"feedback", "<section id=\"feedback\""},
      {"form", "<form class=\"js-feedback\" method=\"post\" action=\"/feedback\">"},
      {"article field", "<input type=\"hidden\" name=\"article\" value=\"/relationships/sex/cry/\">"},
      {"revision field", "<input type=\"hidden\" name=\"revision\" value=\"sha256:"},
      {"helpful", "<legend>Was this page helpful?</legend>"},
      {"kind", "<legend>Is something wrong or missing? (optional)</legend>"},
      {"report error", ">Report an error</label>"},
      {"textarea", "maxlength=\"2000\""},
      {"honeypot", "tabindex=\"-1\" autocomplete=\"off\""},
      {"submit", "<button type=\"submit\""},
      {"related", "<section id=\"related\""},
      {"related item", "<a href=\"/relationships/sex/stale/\">Stale review</a>"},
      {"footer", "<footer class=\"site-footer\">"},
      {"glossary link", "<a href=\"/glossary/\">Glossary</a>"},
      {"disclaimer", "not a substitute for professional medical advice"},
  };
  size_t last = 0;
  for (const auto& e : kElements) {
    size_t pos = html.find(e.needle, last);
    EXPECT_NE(pos, std::string::npos) << e.what << " missing or out of order: " << e.needle;
    if (pos != std::string::npos) last = pos;
  }
  EXPECT_EQ(Count(html, "callout-crisis"), 1u);
}

TEST_F(RenderTest, StaleReviewIsNotPresentedAsCurrent) {
  const Output& out = Render();
  const std::string& html = out[kStale];
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.find("Medically reviewed by"), std::string::npos);
  EXPECT_NE(html.find("This page has changed since it was last medically reviewed on "
                      "<time datetime=\"2023-05-01\">1 May 2023</time>. The changes are awaiting review"),
            std::string::npos);
  EXPECT_NE(html.find("(an earlier version of this page)"), std::string::npos);
  nlohmann::json ld = JsonLd(html);
  ASSERT_FALSE(ld.is_discarded());
  EXPECT_FALSE(ld.contains("reviewedBy"));
  EXPECT_FALSE(ld.contains("lastReviewed"));
  // A review without a revision hash counts as covering the text.
  site_.articles[3].reviewers[0].revision.clear();
  Output again;
  testing::RenderInto(site_, docs_, again);
  EXPECT_NE(again[kStale].find("Medically reviewed by"), std::string::npos);
  EXPECT_TRUE(JsonLd(again[kStale]).contains("reviewedBy"));
}

TEST_F(RenderTest, UnreviewedArticleSaysSo) {
  const std::string& html = Render()["relationships/plain/index.html"];
  EXPECT_EQ(html.find("Medically reviewed by"), std::string::npos);
  EXPECT_NE(html.find("not been medically reviewed yet"), std::string::npos);
  EXPECT_NE(html.find("Page last reviewed: not yet reviewed"), std::string::npos);
  EXPECT_NE(html.find("Published on <time datetime=\"2024-01-10\">"), std::string::npos);
}

TEST_F(RenderTest, ArticleJsonLdCarriesReviewCitationsAndBreadcrumb) {
  nlohmann::json ld = JsonLd(Render()[kCry]);
  ASSERT_FALSE(ld.is_discarded());
  EXPECT_EQ(ld["@context"], "https://schema.org");
  EXPECT_EQ(ld["@type"], "MedicalWebPage");
  EXPECT_EQ(ld["headline"], "Why people cry during sex");
  EXPECT_EQ(ld["url"], "https://example.org/relationships/sex/cry/");
  EXPECT_EQ(ld["author"][0]["name"], "Jane Doe");
  EXPECT_EQ(ld["author"][0]["url"], "https://example.org/people/jane/");
  EXPECT_EQ(ld["reviewedBy"]["name"], "Ria Roe");
  EXPECT_EQ(ld["reviewedBy"]["honorificSuffix"], "MD");
  EXPECT_EQ(ld["lastReviewed"], "2024-03-06");
  EXPECT_EQ(ld["datePublished"], "2024-01-10");
  EXPECT_EQ(ld["dateModified"], "2024-03-05");
  EXPECT_EQ(ld["image"], "https://example.org/images/hero.jpg");
  EXPECT_EQ(ld["medicalAudience"]["@type"], "MedicalAudience");
  EXPECT_EQ(ld["medicalAudience"]["audienceType"], "Patient");
  EXPECT_EQ(ld["publisher"]["name"], "Test Health");
  ASSERT_EQ(ld["citation"].size(), 1u);
  EXPECT_EQ(ld["citation"][0]["@type"], "ScholarlyArticle");
  EXPECT_EQ(ld["citation"][0]["name"], "Crying after sex");
  EXPECT_EQ(ld["citation"][0]["url"], "https://doi.org/10.1000/xyz");
  const auto& items = ld["breadcrumb"]["itemListElement"];
  ASSERT_EQ(items.size(), 4u);
  const char* const kNames[] = {"Home", "Relationships", "Sex and relationships",
                                "Why people cry during sex"};
  const char* const kItems[] = {"https://example.org/", "https://example.org/relationships/",
                                "https://example.org/relationships/sex/",
                                "https://example.org/relationships/sex/cry/"};
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(items[k]["@type"], "ListItem");
    EXPECT_EQ(items[k]["position"], k + 1);
    EXPECT_EQ(items[k]["name"], kNames[k]);
    EXPECT_EQ(items[k]["item"], kItems[k]);
  }
}

TEST_F(RenderTest, ClinicianAudience) {
  site_.config.audience = "clinician";
  EXPECT_EQ(JsonLd(Render()[kCry])["medicalAudience"]["audienceType"], "Clinician");
}

TEST_F(RenderTest, HostileTitleIsEscapedInHtmlAndJsonLd) {
  const std::string& html = Render()[kHostile];
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("<!-- x"), std::string::npos);
  EXPECT_NE(
      html.find("<h1>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</h1>"),
      std::string::npos);
  // Exactly the one JSON-LD script and the one external script.
  EXPECT_EQ(Count(html, "<script"), 2u);
  EXPECT_EQ(Count(html, "</script>"), 2u);
  nlohmann::json ld = JsonLd(html);
  ASSERT_FALSE(ld.is_discarded());
  EXPECT_EQ(ld["headline"], kHostileTitle);
  EXPECT_EQ(ld["description"], kHostileDescription);
  // The title also reaches other pages: section lists, feed, sitemap-free home.
  EXPECT_EQ(out_["relationships/index.html"].find("<script>alert"), std::string::npos);
  EXPECT_EQ(out_["feed.xml"].find("<script>alert"), std::string::npos);
  EXPECT_NE(out_["feed.xml"].find("&lt;/script&gt;"), std::string::npos);
}

// ArticleJsonLd writes its JSON by hand: every string must come out as
// nlohmann's dump (then ScriptSafe) would write it, and parse back.
TEST_F(RenderTest, ArticleJsonLdEscapesLikeNlohmann) {
  const std::string kTitles[] = {
      std::string("tab\there \"q\" back\\slash\nline\r\b\f\x01\x1f\x7f end"),
      "caf\xc3\xa9 \xe2\x80\x99 \xf0\x9f\x98\x80 </script> <!--",
      "bad \xff utf8 \xc3 and \xe0\x80\x80 overlong \xed\xa0\x80 surrogate \xf4\x90\x80\x80",
  };
  for (const std::string& title : kTitles) {
    site_.articles[0].title = title;
    site_.articles[0].description = title;
    const std::string& html = Render()[kHostile];
    std::string expected =
        ScriptSafe(nlohmann::json(title).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    EXPECT_NE(html.find("\"headline\":" + expected), std::string::npos) << expected;
    EXPECT_NE(html.find("\"description\":" + expected), std::string::npos) << expected;
    nlohmann::json ld = JsonLd(html);
    ASSERT_FALSE(ld.is_discarded()) << title;
    EXPECT_EQ(ld["headline"], nlohmann::json::parse(ScriptSafe(expected)));
  }
}

TEST(ScriptSafeTest, NeutralisesEveryTagOpener) {
  struct Case {
    std::string in, out;
  };
  const Case kCases[] = {
      {"{\"a\":\"</script>\"}", "{\"a\":\"<\\/script>\"}"},
      {"<!-- x", "\\u003c!-- x"},
      {"<script", "\\u003cscript"},
      {"plain", "plain"},
  };
  for (const auto& c : kCases) EXPECT_EQ(ScriptSafe(c.in), c.out) << c.in;
}

TEST_F(RenderTest, EmitsEveryPageAtItsPath) {
  const Output& out = Render();
  const char* const kPaths[] = {
      "index.html",
      "404.html",
      "sitemap.xml",
      "feed.xml",
      "robots.txt",
      "relationships/index.html",
      "relationships/sex/index.html",
      kCry,
      kStale,
      kHostile,
      "relationships/plain/index.html",
      "people/jane/index.html",
      "people/ria/index.html",
      "people/fred/index.html",
      "review-board/index.html",
      "glossary/index.html",
      "editorial-process/index.html",
      "old/cry/index.html",
      "legacy/cry.html",
  };
  for (const char* p : kPaths) EXPECT_TRUE(out.Has(p)) << p;
  // pages/review-board.md is the board's intro, not a second page.
  size_t board_pages = 0;
  for (const auto& [path, bytes] : out.files) board_pages += path.find("review-board") != std::string::npos;
  EXPECT_EQ(board_pages, 1u);
  // Unusable aliases are skipped, never written outside the output.
  for (const auto& [path, bytes] : out.files) {
    EXPECT_EQ(path.find(".."), std::string::npos) << path;
    EXPECT_EQ(path.find(':'), std::string::npos) << path;
    EXPECT_NE(path.front(), '/') << path;
  }
}

TEST_F(RenderTest, AliasesRedirectToTheArticle) {
  const Output& out = Render();
  for (const char* path : {"old/cry/index.html", "legacy/cry.html"}) {
    const std::string& html = out[path];
    EXPECT_NE(html.find("<meta http-equiv=\"refresh\" content=\"0; url=/relationships/sex/cry/\">"),
              std::string::npos)
        << path;
    EXPECT_NE(html.find("<link rel=\"canonical\" href=\"https://example.org/relationships/sex/cry/\">"),
              std::string::npos)
        << path;
    EXPECT_NE(html.find("<meta name=\"robots\" content=\"noindex\">"), std::string::npos) << path;
    EXPECT_NE(html.find("<a href=\"/relationships/sex/cry/\">Why people cry during sex</a>"),
              std::string::npos);
  }
}

TEST_F(RenderTest, SitemapListsEveryPageWithLastmod) {
  const std::string& xml = Render()["sitemap.xml"];
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  struct Entry {
    const char* url;
    const char* lastmod;  // "" = none expected
  };
  const Entry kEntries[] = {
      {"https://example.org/", "2024-03-05"},
      {"https://example.org/relationships/", "2024-01-10"},
      {"https://example.org/relationships/sex/", "2024-03-05"},
      {"https://example.org/relationships/sex/cry/", "2024-03-05"},
      {"https://example.org/relationships/sex/stale/", "2024-01-10"},
      {"https://example.org/people/ria/", "2024-03-05"},
      {"https://example.org/editorial-process/", ""},
      {"https://example.org/review-board/", ""},
      {"https://example.org/glossary/", ""},
  };
  for (const auto& e : kEntries) {
    std::string loc = std::string("<url><loc>") + e.url + "</loc>";
    size_t pos = xml.find(loc);
    ASSERT_NE(pos, std::string::npos) << e.url;
    std::string rest = xml.substr(pos + loc.size(), 40);
    if (*e.lastmod) {
      EXPECT_EQ(rest.rfind(std::string("<lastmod>") + e.lastmod + "</lastmod>", 0), 0u) << e.url << rest;
    } else {
      EXPECT_EQ(rest.rfind("</url>", 0), 0u) << e.url;
    }
  }
  // home, sections, articles, page, people, board, glossary, people index, tag index and two tags.
  EXPECT_EQ(Count(xml, "<url>"), 2u + 4u + 1u + 3u + 3u + 4u);
  EXPECT_EQ(xml.find("old/cry"), std::string::npos);
  EXPECT_EQ(xml.find("404"), std::string::npos);
}

TEST_F(RenderTest, AtomFeedHasNewestArticlesWithAbsoluteUrls) {
  const std::string& xml = Render()["feed.xml"];
  EXPECT_NE(xml.find("<feed xmlns=\"http://www.w3.org/2005/Atom\""), std::string::npos);
  EXPECT_NE(
      xml.find("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/feed.xml\"/>"),
      std::string::npos);
  EXPECT_NE(xml.find("<updated>2024-03-05T00:00:00Z</updated>"), std::string::npos);
  EXPECT_EQ(Count(xml, "<entry>"), 4u);
  // Newest first: cry (2024-03-05) before the others (2024-01-10).
  size_t cry = xml.find("<id>https://example.org/relationships/sex/cry/</id>");
  size_t plain = xml.find("<id>https://example.org/relationships/plain/</id>");
  ASSERT_NE(cry, std::string::npos);
  ASSERT_NE(plain, std::string::npos);
  EXPECT_LT(cry, plain);
  EXPECT_NE(xml.find("<published>2024-01-10T00:00:00Z</published>"), std::string::npos);
  EXPECT_NE(
      xml.find("<author><name>Jane Doe, PhD</name><uri>https://example.org/people/jane/</uri></author>"),
      std::string::npos);
  // Only the 50 newest of a large site.
  Article base = site_.articles[1];
  site_.articles.clear();
  docs_.articles.clear();
  docs_.article_refs.clear();
  for (int k = 0; k < 60; ++k) {
    Article a = base;
    a.slug = std::string("a").append(std::to_string(100 + k));
    a.url = "/relationships/" + a.slug + "/";
    a.published = Date{2020, 1, 1}.AddMonths(k);
    site_.articles.push_back(a);
    docs_.articles.push_back(MakeDoc("x", {}));
    docs_.article_refs.push_back({});
  }
  Output big;
  testing::RenderInto(site_, docs_, big);
  EXPECT_EQ(Count(big["feed.xml"], "<entry>"), 50u);
  EXPECT_NE(big["feed.xml"].find("/a159/"), std::string::npos);
  EXPECT_EQ(big["feed.xml"].find("/a100/"), std::string::npos);
}

TEST_F(RenderTest, RobotsNamesTheSitemap) {
  EXPECT_EQ(Render()["robots.txt"], "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n");
}

TEST_F(RenderTest, AssetsAreFingerprintedAndReferenced) {
  const Output& out = Render();
  std::string css_path, js_path;
  for (const auto& [path, bytes] : out.files) {
    if (path.rfind("assets/style.", 0) == 0) css_path = path;
    if (path.rfind("assets/site.", 0) == 0) js_path = path;
  }
  ASSERT_EQ(css_path.size(), std::string("assets/style.0123456789.css").size()) << css_path;
  ASSERT_EQ(js_path.size(), std::string("assets/site.0123456789.js").size()) << js_path;
  EXPECT_EQ(out[css_path], site_.theme.files["style.css"]);
  EXPECT_EQ(out[js_path], site_.theme.files["site.js"]);
  for (const char* page : {kCry, "index.html", "404.html", "people/ria/index.html"}) {
    EXPECT_NE(out[page].find("<link rel=\"stylesheet\" href=\"/" + css_path + "\">"), std::string::npos)
        << page;
    EXPECT_NE(out[page].find("<script src=\"/" + js_path + "\" defer></script>"), std::string::npos) << page;
  }
  // The name changes with the content.
  site_.theme.files["style.css"] += "\n/* changed */\n";
  Output changed;
  testing::RenderInto(site_, docs_, changed);
  EXPECT_FALSE(changed.Has(css_path));
  EXPECT_FALSE(out.Has("assets/article.mustache"));
}

TEST_F(RenderTest, NoInlineScriptStyleOrHandlers) {
  const Output& out = Render();
  ASSERT_EQ(out.HtmlPages(), testing::kSmallSitePages);  // the loop below covers every page
  for (const std::string& path : out.HtmlPages())
    for (const std::string& problem : testing::CspProblems(out[path]))
      ADD_FAILURE() << path << ": " << problem;
}

TEST_F(RenderTest, IdsAreUniqueOnEveryPage) {
  const Output& out = Render();
  ASSERT_EQ(out.HtmlPages(), testing::kSmallSitePages);
  for (const std::string& path : out.HtmlPages())
    for (const std::string& problem : testing::IdProblems(out[path]))
      ADD_FAILURE() << path << ": " << problem;
}

// Where the feedback goes, by who serves the pages (Options::output) and
// site.toml: never a form that no one answers.
TEST_F(RenderTest, FeedbackFollowsTheOutput) {
  using O = Options::Output;
  const std::string form = "<form class=\"js-feedback\" method=\"post\" action=\"";
  const std::string note = "Please do not include personal details";
  struct Case {
    const char* name;
    O output;
    std::string endpoint, report;
    std::string want;  // a needle; "" = no #feedback section at all
    bool has_form;
  };
  const Case cases[] = {
      {"served", O::kServed, "", "", form + "/feedback\">", true},
      {"served ignores the endpoint", O::kServed, "https://fb.example.net/", "", form + "/feedback\">", true},
      {"static with an endpoint", O::kStatic, "https://fb.example.net/", "mailto:ed@example.org",
       form + "https://fb.example.net/feedback\">", true},
      {"static with a mailto report", O::kStatic, "", "mailto:ed@example.org",
       "<a class=\"button feedback-report\" "
       "href=\"mailto:ed@example.org?subject=Error%20on%20%E2%80%9CWhy%20people%"
       "20cry%20during%20sex%E2%80%9D&amp;body=Page%3A%20https%3A%2F%2Fexample.org%2Frelationships%2Fsex%"
       "2Fcry%"
       "2F%0A%0AWhat%20is%20wrong%3A%0A\"",
       false},
      {"static with a report page", O::kStatic, "", "https://example.org/report?from=site",
       "href=\"https://example.org/"
       "report?from=site&amp;page=https%3A%2F%2Fexample.org%2Frelationships%2Fsex%2Fcry%"
       "2F\"",
       false},
      {"static with neither", O::kStatic, "", "", "", false},
  };
  for (const Case& c : cases) {
    site_.config.feedback_endpoint = c.endpoint;
    site_.config.feedback_report = c.report;
    Options options;
    options.output = c.output;
    Output out;
    testing::RenderInto(site_, docs_, out, options);
    ASSERT_TRUE(out.status.ok()) << out.status.message();
    const std::string& html = out[kCry];
    ASSERT_FALSE(html.empty()) << c.name;
    EXPECT_EQ(html.find(form) != std::string::npos, c.has_form) << c.name;
    EXPECT_EQ(html.find("id=\"feedback\"") != std::string::npos, !c.want.empty()) << c.name;
    if (c.want.empty()) continue;
    EXPECT_NE(html.find(c.want), std::string::npos) << c.name << "\n"
                                                    << Between(html, "id=\"feedback\"", "</section>");
    EXPECT_NE(html.find(note), std::string::npos) << c.name;
    EXPECT_EQ(html.find("Report an error on this page") != std::string::npos, !c.has_form) << c.name;
  }
}

// The endpoint is absolute: a base path does not touch it.
TEST_F(RenderTest, FeedbackEndpointUnderABasePath) {
  site_.config.base_url = "https://example.org/health/";
  site_.config.feedback_endpoint = "https://fb.example.net/";
  Options options;
  options.output = Options::Output::kStatic;
  Output out;
  testing::RenderInto(site_, docs_, out, options);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_NE(out[kCry].find("action=\"https://fb.example.net/feedback\""), std::string::npos);
}

// A site served under a path: every URL the pages, JSON-LD, sitemap, feed
// and robots.txt carry starts there; the files stay where they were.
TEST_F(RenderTest, BaseUrlWithAPathPrefixesEveryUrl) {
  site_.config.base_url = "https://example.org/health/";
  const Output& out = Render();
  ASSERT_EQ(out.HtmlPages(), testing::kSmallSitePages);
  size_t checked = 0;
  for (const std::string& path : out.HtmlPages()) {
    const std::string& html = out[path];
    for (const char* attr : {" href=\"/", " src=\"/", " action=\"/", "; url=/"}) {
      std::string needle = attr;
      for (size_t p = html.find(needle); p != std::string::npos; p = html.find(needle, p + 1)) {
        ++checked;
        std::string_view rest = std::string_view(html).substr(p + needle.size());
        EXPECT_TRUE(rest.substr(0, 7) == "health/" || rest.substr(0, 1) == "/")
            << path << ": " << html.substr(p, 60);
      }
    }
    std::string ld = Between(html, "<script type=\"application/ld+json\">", "</script>");
    for (size_t p = ld.find("\"https://example.org"); p != std::string::npos;
         p = ld.find("\"https://example.org", p + 1)) {
      EXPECT_EQ(ld.compare(p, 28, "\"https://example.org/health/"), 0) << path << ": " << ld.substr(p, 60);
    }
    for (const char* meta : {"<link rel=\"canonical\" href=\"", "<meta property=\"og:url\" content=\""}) {
      std::string v = Between(html, meta, "\"");
      if (!v.empty()) EXPECT_EQ(v.rfind("https://example.org/health/", 0), 0u) << path << ": " << v;
    }
  }
  EXPECT_GT(checked, 200u);  // the loop saw the links (231 when written)
  const std::string& article = out[kCry];
  EXPECT_NE(article.find("href=\"/health/relationships/sex/\""), std::string::npos);  // breadcrumb
  EXPECT_NE(article.find("href=\"/health/people/jane/\""), std::string::npos);        // byline
  EXPECT_NE(article.find("src=\"/health/images/hero.jpg\""), std::string::npos);      // hero
  EXPECT_NE(article.find("action=\"/health/feedback\""), std::string::npos);
  EXPECT_NE(article.find("<link rel=\"stylesheet\" href=\"/health/assets/"), std::string::npos);
  EXPECT_NE(out["old/cry/index.html"].find("url=/health/relationships/sex/cry/\""), std::string::npos);
  for (const char* file : {"sitemap.xml", "feed.xml"}) {
    const std::string& xml = out[file];
    ASSERT_FALSE(xml.empty()) << file;
    EXPECT_NE(xml.find("https://example.org/health/relationships/sex/cry/"), std::string::npos) << file;
    for (size_t p = xml.find("https://example.org"); p != std::string::npos;
         p = xml.find("https://example.org", p + 1))
      EXPECT_EQ(xml.compare(p, 27, "https://example.org/health/"), 0) << file << ": " << xml.substr(p, 60);
  }
  EXPECT_NE(out["robots.txt"].find("Sitemap: https://example.org/health/sitemap.xml"), std::string::npos);
}

// Images whose size load/ read from the file carry width and height; the
// others are written as before.
TEST_F(RenderTest, HeroAndProfileImagesCarryTheirSizeWhenKnown) {
  site_.articles[2].image.width = 1200;
  site_.articles[2].image.height = 800;
  site_.people["ria"].image.width = 320;
  site_.people["ria"].image.height = 400;
  const Output& out = Render();
  EXPECT_NE(out[kCry].find("<img src=\"/images/hero.jpg\" alt=\"Two people holding hands\" width=\"1200\" "
                           "height=\"800\" decoding=\"async\">"),
            std::string::npos);
  EXPECT_NE(
      out["people/ria/index.html"].find("<img class=\"profile-photo\" src=\"/images/ria.jpg\" alt=\"Ria Roe "
                                        "smiling\" width=\"320\" height=\"400\">"),
      std::string::npos);
  site_.articles[2].image.height = 0;  // half known is unknown
  Output again;
  testing::RenderInto(site_, docs_, again);
  EXPECT_NE(again[kCry].find("alt=\"Two people holding hands\" decoding=\"async\">"), std::string::npos);
}

// Every root-relative href on every page names a file the build wrote.
std::vector<std::string> DeadLinks(const Output& out) {
  std::vector<std::string> dead;
  for (const std::string& path : out.HtmlPages()) {
    const std::string& html = out[path];
    const std::string needle = " href=\"/";
    for (size_t p = html.find(needle); p != std::string::npos; p = html.find(needle, p + 1)) {
      size_t start = p + needle.size() - 1;
      std::string url = html.substr(start, html.find('"', start) - start);
      if (url.rfind("//", 0) == 0) continue;
      url = url.substr(0, url.find_first_of("?#"));
      std::string file = url.substr(1);
      if (file.empty() || file.back() == '/') file += "index.html";
      if (!out.files.count(file)) dead.push_back(path + " -> " + url);
    }
  }
  return dead;
}

TEST_F(RenderTest, EveryInternalLinkNamesAWrittenPage) {
  EXPECT_EQ(DeadLinks(Render()), std::vector<std::string>{});
  EXPECT_NE(out_[kCry].find("href=\"/editorial-process/\""), std::string::npos);
  EXPECT_NE(out_["index.html"].find("<a href=\"/glossary/\">Glossary</a>"), std::string::npos);
}

// A site without pages/ and without a glossary: the theme leaves out the
// links to the editorial process and glossary pages instead of linking to
// nothing; the built-in review board page is still there and linked.
TEST_F(RenderTest, NoPagesFolderMeansNoLinkToMissingPages) {
  site_.pages.clear();
  docs_.pages.clear();
  site_.glossary.clear();
  const Output& out = Render();
  ASSERT_FALSE(out.Has("editorial-process/index.html"));
  size_t links = 0;
  for (const std::string& path : out.HtmlPages()) links += Count(out[path], " href=\"/");
  EXPECT_GT(links, 100u);
  EXPECT_EQ(DeadLinks(out), std::vector<std::string>{});
  for (const std::string& path : out.HtmlPages()) {
    EXPECT_EQ(out[path].find("/editorial-process/"), std::string::npos) << path;
    EXPECT_EQ(out[path].find("<a href=\"/glossary/\">"), std::string::npos) << path;
  }
  const std::string& article = out[kCry];
  EXPECT_NE(article.find("<a href=\"/review-board/\">"), std::string::npos);
  // The byline keeps its date, without a dangling separator.
  EXPECT_NE(article.find("</time></span></p>"), std::string::npos);
}

TEST_F(RenderTest, PersonPages) {
  const Output& out = Render();
  const std::string& ria = out["people/ria/index.html"];
  const char* const kNeedles[] = {
      "<title>Ria Roe, MD | Test Health</title>",
      "<img class=\"profile-photo\" src=\"/images/ria.jpg\" alt=\"Ria Roe smiling\">",
      "<h1>Ria Roe, <span class=\"credentials\">MD</span></h1>",
      "<p class=\"dek\">Psychiatrist</p>",
      "<p class=\"roles\">Medical reviewer</p>",
      "<p>Ria bio.</p>",
      "<a href=\"https://www.example.com/ria\" rel=\"me\">example.com</a>",
      "Articles medically reviewed by Ria Roe</h2>",
      "<a href=\"/relationships/sex/cry/\">Why people cry during sex</a>",
      "<a href=\"/relationships/sex/stale/\">Stale review</a>",
  };
  for (const char* n : kNeedles) EXPECT_NE(ria.find(n), std::string::npos) << n;
  EXPECT_EQ(ria.find("Articles by"), std::string::npos);
  EXPECT_EQ(ria.find("javascript"), std::string::npos);
  nlohmann::json ld = JsonLd(ria);
  ASSERT_FALSE(ld.is_discarded());
  EXPECT_EQ(ld["@type"], "ProfilePage");
  EXPECT_EQ(ld["mainEntity"]["@type"], "Person");
  EXPECT_EQ(ld["mainEntity"]["name"], "Ria Roe");
  EXPECT_EQ(ld["mainEntity"]["jobTitle"], "Psychiatrist");
  EXPECT_EQ(ld["mainEntity"]["sameAs"], nlohmann::json::array({"https://www.example.com/ria"}));
  const std::string& jane = out["people/jane/index.html"];
  EXPECT_NE(jane.find("Articles by Jane Doe</h2>"), std::string::npos);
  EXPECT_EQ(Count(Between(jane, "Articles by Jane Doe</h2>", "</section>"), "<li><a href=\"/relationships/"),
            4u);
  EXPECT_EQ(jane.find("Articles medically reviewed by"), std::string::npos);
}

TEST_F(RenderTest, ReviewBoardListsEveryMedicalReviewer) {
  Person amy = MakePerson("amy", "Amy Ash", "RN", "medical-reviewer", "Amy is a nurse.");
  site_.people["amy"] = amy;
  const std::string& html = Render()["review-board/index.html"];
  EXPECT_NE(html.find("<title>Our review board | Test Health</title>"), std::string::npos);
  EXPECT_NE(html.find("<p>Board intro text.</p>"), std::string::npos);
  size_t amy_pos = html.find("<a href=\"/people/amy/\">Amy Ash, RN</a>");
  size_t ria_pos = html.find("<a href=\"/people/ria/\">Ria Roe, MD</a>");
  ASSERT_NE(amy_pos, std::string::npos);
  ASSERT_NE(ria_pos, std::string::npos);
  EXPECT_LT(amy_pos, ria_pos);  // by name
  EXPECT_NE(html.find("<p class=\"person-title\">Psychiatrist</p>"), std::string::npos);
  EXPECT_EQ(html.find("/people/jane/"), std::string::npos);
  EXPECT_EQ(html.find("/people/fred/"), std::string::npos);
}

TEST_F(RenderTest, SectionHomeGlossaryAnd404) {
  const Output& out = Render();
  const std::string& section = out["relationships/index.html"];
  EXPECT_NE(section.find("<h1>Relationships</h1>"), std::string::npos);
  EXPECT_NE(section.find("<p>Section intro text.</p>"), std::string::npos);
  EXPECT_NE(section.find("<a href=\"/relationships/sex/\">Sex and relationships</a>"), std::string::npos);
  EXPECT_NE(section.find("<a href=\"/relationships/plain/\">Unreviewed article</a>"), std::string::npos);
  EXPECT_EQ(section.find("/relationships/sex/cry/"), std::string::npos);  // only direct articles
  EXPECT_NE(
      out["relationships/sex/index.html"].find("<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\">\n<ol>\n"
                                               "<li><a href=\"/\">Home</a></li>\n"
                                               "<li><a href=\"/relationships/\">Relationships</a></li>"),
      std::string::npos);
  const std::string& home = out["index.html"];
  EXPECT_NE(home.find("<title>Test Health</title>"), std::string::npos);
  EXPECT_NE(home.find("<h1>Test Health</h1>"), std::string::npos);
  EXPECT_NE(home.find("Latest articles"), std::string::npos);
  EXPECT_LT(home.find("/relationships/sex/cry/"), home.find("/relationships/plain/"));
  // Lists say "Updated" only for an article that was updated.
  for (const std::string* list : {&home, &section}) {
    EXPECT_NE(list->find("Published <time datetime=\"2024-01-10\">10 January 2024</time>"),
              std::string::npos);
    EXPECT_EQ(list->find("Updated <time datetime=\"2024-01-10\""), std::string::npos);
  }
  EXPECT_NE(home.find("Updated <time datetime=\"2024-03-05\">5 March 2024</time>"), std::string::npos);
  const std::string& glossary = out["glossary/index.html"];
  EXPECT_NE(glossary.find("<dt>dyspareunia</dt>"), std::string::npos);
  EXPECT_NE(glossary.find("Pain during or after sex."), std::string::npos);
  EXPECT_NE(glossary.find("Also called: painful sex."), std::string::npos);
  const std::string& nf = out["404.html"];
  EXPECT_NE(nf.find("<h1>Page not found</h1>"), std::string::npos);
  EXPECT_NE(nf.find("<meta name=\"robots\" content=\"noindex\">"), std::string::npos);
  EXPECT_NE(nf.find("<a href=\"/\">Go to the home page</a>"), std::string::npos);
  EXPECT_NE(nf.find("<a href=\"/relationships/\">Relationships</a>"), std::string::npos);
  EXPECT_EQ(nf.find("rel=\"canonical\""), std::string::npos);
  const std::string& page = out["editorial-process/index.html"];
  EXPECT_NE(page.find("<h1>Editorial process</h1>"), std::string::npos);
  EXPECT_NE(page.find("<p>Editorial process body.</p>"), std::string::npos);
}

TEST_F(RenderTest, SiteThemeOverridesOneTemplate) {
  site_.theme.files["footer.mustache"] =
      "<footer class=\"custom\">Custom footer for {{site_title}}</footer>\n";
  const Output& out = Render();
  for (const char* page : {kCry, "index.html", "people/ria/index.html"}) {
    EXPECT_NE(out[page].find("<footer class=\"custom\">Custom footer for Test Health</footer>"),
              std::string::npos);
    EXPECT_EQ(out[page].find("site-footer"), std::string::npos);
    EXPECT_NE(out[page].find("<header class=\"site-header\">"), std::string::npos);  // the rest stays
  }
}

TEST_F(RenderTest, TemplateErrorsAreReported) {
  struct Case {
    const char* file;
    const char* text;
    const char* message;
  };
  const Case kCases[] = {
      {"footer.mustache", "{{#open}} never closed", "article.mustache"},
      {"footer.mustache", "{{> no-such-partial}}", "unknown partial no-such-partial"},
      {"footer.mustache", "{{> footer}}", "nested too deeply"},
  };
  for (const auto& c : kCases) {
    Site site = site_;
    site.theme.files[c.file] = c.text;
    Output out;
    testing::RenderInto(site, docs_, out);
    EXPECT_FALSE(out.status.ok()) << c.text;
    EXPECT_NE(out.status.message().find(c.message), std::string::npos) << out.status.message();
  }
  site_.theme.files.erase("article.mustache");
  Output out;
  testing::RenderInto(site_, docs_, out);
  EXPECT_NE(out.status.message().find("no template article.mustache"), std::string::npos);
}

TEST_F(RenderTest, TocNeedsTwoEntriesAndCanBeTurnedOff) {
  struct Case {
    bool show;
    size_t entries;
    bool expect_toc;
  };
  const Case kCases[] = {{true, 2, true}, {true, 1, false}, {false, 2, false}};
  for (const auto& c : kCases) {
    site_.articles[2].toc.show = c.show;
    docs_.articles[2].toc.resize(c.entries);
    Output out;
    testing::RenderInto(site_, docs_, out);
    EXPECT_EQ(out[kCry].find("id=\"toc\"") != std::string::npos, c.expect_toc) << c.show << " " << c.entries;
  }
}

TEST_F(RenderTest, ProgressCountsArticles) {
  std::atomic<size_t> calls{0}, max_done{0};
  Options options;
  options.progress = [&](size_t done, size_t total) {
    ++calls;
    EXPECT_EQ(total, 4u);
    size_t seen = max_done.load();
    while (done > seen && !max_done.compare_exchange_weak(seen, done)) {
    }
  };
  testing::RenderInto(site_, docs_, out_, options);
  EXPECT_EQ(calls.load(), 4u);
  EXPECT_EQ(max_done.load(), 4u);
}

}  // namespace
}  // namespace vetted::render

namespace vetted::render {
namespace {

TEST_F(RenderTest, StaticSearchPageAndIndexOnlyWhenAsked) {
  testing::RenderInto(site_, docs_, out_);
  ASSERT_TRUE(out_.status.ok());
  EXPECT_FALSE(out_.Has("search/index.html"));
  EXPECT_FALSE(out_.Has("search/sections.json"));

  std::atomic<size_t> asked{0};
  Options options;
  options.search_text = [&](size_t i, const markup::Document& doc) {
    ++asked;
    return SearchFields{site_.articles[i].title, "", "", "", doc.plain_text};
  };
  Output out;
  testing::RenderInto(site_, docs_, out, options);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_EQ(asked.load(), site_.articles.size());
  const std::string& page = out["search/index.html"];
  EXPECT_NE(page.find("<meta name=\"robots\" content=\"noindex\">"), std::string::npos);
  EXPECT_NE(page.find("<form class=\"search-form\" role=\"search\" method=\"get\" action=\"/search/\""),
            std::string::npos);
  EXPECT_NE(
      page.find(
          "<div id=\"static-search\" data-docs=\"4\" data-buckets=\"1\" data-chunk=\"16\" data-spelling=\"" +
          util::SearchSpellingTable() + "\" hidden>"),
      std::string::npos)
      << "the spelling lists for search.js";
  EXPECT_NE(page.find("<noscript><p class=\"search-nojs\">Search needs JavaScript on this site."),
            std::string::npos);
  EXPECT_NE(page.find("<template id=\"search-no-results\">"), std::string::npos);
  std::string script = Between(page, "<script src=\"/assets/search.", "\"");
  ASSERT_FALSE(script.empty());
  EXPECT_TRUE(out.Has("assets/search." + script)) << script;
  EXPECT_TRUE(out.Has("search/sections.json"));
  EXPECT_TRUE(out.Has("search/d/0.json"));
  EXPECT_TRUE(out.Has("search/t/0.json"));
  // Every page's search box leads to the page.
  EXPECT_NE(
      out["index.html"].find("class=\"site-search\" role=\"search\" method=\"get\" action=\"/search/\""),
      std::string::npos);
}

}  // namespace
}  // namespace vetted::render
