// SiteRenderer: one page at a time, byte-identical to RenderSite; the
// related-articles option; the search and feedback pages.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "render/render.h"
#include "render/render_test_util.h"

namespace vetted::render {
namespace {

using testing::Between;
using testing::Count;
using testing::kCry;
using testing::Output;

constexpr const char* kCryUrl = "/relationships/sex/cry/";

class SiteRendererTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::BuildSmallSite(site_, docs_, smith_); }

  std::unique_ptr<SiteRenderer> Make(Options options = {}) {
    Result<std::unique_ptr<SiteRenderer>> r = SiteRenderer::Create(site_, docs_, std::move(options));
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::move(r).value() : nullptr;
  }

  std::string Page(const SiteRenderer& r, const std::string& path) {
    Result<std::string> bytes = r.Render(path);
    EXPECT_TRUE(bytes.ok()) << path << ": " << bytes.status().message();
    return bytes.ok() ? *bytes : "";
  }

  // The related article URLs listed on the page, in order.
  static std::vector<std::string> RelatedUrls(const std::string& html) {
    std::vector<std::string> urls;
    std::string list = Between(html, "<section id=\"related\"", "</section>");
    for (size_t p = list.find("<a href=\""); p != std::string::npos; p = list.find("<a href=\"", p + 1))
      urls.push_back(list.substr(p + 9, list.find('"', p + 9) - p - 9));
    return urls;
  }

  Site site_;
  markup::SiteDocs docs_;
  Reference smith_;
};

TEST_F(SiteRendererTest, EveryPathRendersExactlyAsRenderSite) {
  Output out;
  testing::RenderInto(site_, docs_, out);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  auto r = Make();
  ASSERT_TRUE(r);
  std::set<std::string> paths(r->Paths().begin(), r->Paths().end());
  EXPECT_EQ(paths.size(), r->Paths().size()) << "duplicate paths";
  std::set<std::string> emitted;
  for (const auto& [path, bytes] : out.files) emitted.insert(path);
  EXPECT_EQ(paths, emitted);
  for (const std::string& path : r->Paths()) EXPECT_EQ(Page(*r, path), out[path]) << path;
  EXPECT_EQ(r->Paths().front(), "sitemap.xml");  // render order: the slow files first
}

TEST_F(SiteRendererTest, CancelStopsRenderSite) {
  struct Case {
    bool cancelled;
    Code code;
    bool emits;
  };
  for (const Case& c : {Case{false, Code::kOk, true}, Case{true, Code::kConflict, false}}) {
    std::atomic<bool> cancel{c.cancelled};
    Options options;
    options.cancel = &cancel;
    Output out;
    testing::RenderInto(site_, docs_, out, options);
    EXPECT_EQ(out.status.code(), c.code) << out.status.message();
    EXPECT_EQ(!out.files.empty(), c.emits);
  }
}

TEST_F(SiteRendererTest, RendersConcurrentlyFromOneRenderer) {
  auto r = Make();
  ASSERT_TRUE(r);
  std::map<std::string, std::string> expected;
  for (const std::string& path : r->Paths()) expected[path] = Page(*r, path);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (const auto& [path, bytes] : expected) {
          Result<std::string> got = r->Render(path);
          if (!got.ok() || *got != bytes) ++mismatches[t];
        }
        SearchView view;
        view.query = "cry";
        if (!r->SearchPage(view).ok()) ++mismatches[t];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST_F(SiteRendererTest, UnknownPathIsNotFound) {
  auto r = Make();
  ASSERT_TRUE(r);
  const char* const kPaths[] = {"",
                                "nope.html",
                                "relationships/sex/cry/",
                                "/index.html",
                                "../etc/passwd",
                                "relationships/sex/cry",
                                "assets/style.css"};
  for (const char* path : kPaths) {
    Result<std::string> bytes = r->Render(path);
    ASSERT_FALSE(bytes.ok()) << path;
    EXPECT_EQ(bytes.status().code(), Code::kNotFound) << path;
  }
  EXPECT_TRUE(r->Render("index.html").ok());
}

TEST_F(SiteRendererTest, RedirectsAndTopSections) {
  auto r = Make();
  ASSERT_TRUE(r);
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  Pairs redirects = r->Redirects();
  std::sort(redirects.begin(), redirects.end());
  // javascript: and /../ aliases are unusable and skipped.
  EXPECT_EQ(redirects, (Pairs{{"/legacy/cry.html", kCryUrl}, {"/old/cry/", kCryUrl}}));
  EXPECT_EQ(r->TopSections(), (Pairs{{"/relationships/", "Relationships"}}));
}

TEST_F(SiteRendererTest, TemplateErrorFailsCreate) {
  site_.theme.files["search.mustache"] = "{{#open}} never closed";
  Result<std::unique_ptr<SiteRenderer>> r = SiteRenderer::Create(site_, docs_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_NE(r.status().message().find("search.mustache"), std::string::npos) << r.status().message();
}

TEST_F(SiteRendererTest, RelatedOptionChoosesTheList) {
  // Six more articles so that the cap of five shows.
  for (int k = 0; k < 6; ++k) {
    std::string slug = "x" + std::to_string(k);
    site_.articles.push_back(testing::MakeArticle({"relationships"}, slug, "Extra " + slug));
    docs_.articles.push_back(testing::MakeDoc("Extra", {}));
    docs_.article_refs.push_back({});
  }
  struct Case {
    const char* name;
    std::vector<std::string> answer;
    std::vector<std::string> shown;
  };
  const Case kCases[] = {
      {"mapped in order; unknown, self and repeats skipped",
       {"/nowhere/", kCryUrl, "/relationships/plain/", "/relationships/x0/", "/relationships/plain/"},
       {"/relationships/plain/", "/relationships/x0/"}},
      {"missing trailing slash", {"/relationships/x1"}, {"/relationships/x1/"}},
      {"at most five",
       {"/relationships/x0/", "/relationships/x1/", "/relationships/x2/", "/relationships/x3/",
        "/relationships/x4/", "/relationships/x5/"},
       {"/relationships/x0/", "/relationships/x1/", "/relationships/x2/", "/relationships/x3/",
        "/relationships/x4/"}},
      {"none", {}, {}},
  };
  for (const auto& c : kCases) {
    std::vector<std::string> asked;
    std::mutex mu;
    Options options;
    options.related = [&](const std::string& url) {
      std::lock_guard<std::mutex> lock(mu);
      asked.push_back(url);
      return c.answer;
    };
    auto r = Make(options);
    ASSERT_TRUE(r);
    std::string html = Page(*r, kCry);
    EXPECT_EQ(RelatedUrls(html), c.shown) << c.name;
    EXPECT_EQ(html.find("id=\"related\"") != std::string::npos, !c.shown.empty()) << c.name;
    EXPECT_EQ(asked, std::vector<std::string>{kCryUrl}) << c.name;
    // RenderSite takes the option too.
    Output out;
    testing::RenderInto(site_, docs_, out, options);
    EXPECT_EQ(RelatedUrls(out[kCry]), c.shown) << c.name;
  }
  // Without the option, the built-in scoring (same section first).
  auto r = Make();
  EXPECT_EQ(RelatedUrls(Page(*r, kCry)).front(), "/relationships/sex/stale/");
}

SearchView::Hit MakeHit(const std::string& url, const std::string& title, const std::string& snippet,
                        std::vector<std::pair<size_t, size_t>> ranges) {
  return {url, title, snippet, std::move(ranges), "/relationships/"};
}

TEST_F(SiteRendererTest, SearchPage) {
  SearchView one;
  one.query = "cry";
  one.total = 1;
  one.hits = {MakeHit(kCryUrl, "Why people cry during sex", "People sometimes cry & laugh", {{17, 20}})};
  SearchView middle = one;
  middle.section = "/relationships/";
  middle.total = 25;
  middle.offset = 10;
  SearchView first = middle;
  first.offset = 0;
  SearchView last = middle;
  last.offset = 20;
  SearchView hostile;
  hostile.query = "\"><script>alert(1)</script> & cry";
  SearchView hostile_hit = one;  // the store's snippet is plain text: whatever it holds is escaped
  hostile_hit.hits = {
      MakeHit(kCryUrl, "Why people cry", "<script>alert(1)</script> cry \"x\"", {{26, 29}, {99, 120}})};
  SearchView none;
  none.query = "zebra";
  SearchView none_in_section = none;
  none_in_section.section = "/relationships/";
  SearchView empty;
  empty.query = "  ";
  SearchView beyond = one;
  beyond.hits.clear();
  beyond.offset = 30;
  beyond.total = 12;
  struct Case {
    const char* name;
    const SearchView* view;
    std::vector<std::string> present;  // in this order
    std::vector<std::string> absent;
  };
  const std::string kNoindex = "<meta name=\"robots\" content=\"noindex\">";
  const std::string kPrev = "<a href=\"/search?q=cry&amp;section=%2Frelationships%2F\">Previous";
  const std::string kNext = "<a href=\"/search?q=cry&amp;section=%2Frelationships%2F&amp;page=3\">Next";
  const std::string kHelp = "No articles matched your search";
  const Case kCases[] = {
      {"one hit",
       &one,
       {"<title>Search results for \xE2\x80\x9C"
        "cry\xE2\x80\x9D | Test Health</title>",
        kNoindex, "<form class=\"search-form\" role=\"search\" method=\"get\" action=\"/search/\"",
        "name=\"q\" value=\"cry\"", "<option value=\"\">All sections</option>",
        "<option value=\"/relationships/\">Relationships</option>", "1 result for <q>cry</q></p>",
        "<ol class=\"search-results\" start=\"1\">",
        "<li><a href=\"/relationships/sex/cry/\">Why people cry during sex</a>",
        "<p class=\"snippet\">People sometimes <mark>cry</mark> &amp; laugh</p>",
        "<p class=\"hit-section\">In Relationships</p>"},
       {"class=\"pagination\"", kHelp, "selected", "rel=\"canonical\"", "Browse our topics"}},
      {"middle page, filtered",
       &middle,
       {"<option value=\"/relationships/\" selected>Relationships</option>",
        "25 results for <q>cry</q> in Relationships</p>", "<ol class=\"search-results\" start=\"11\">",
        "<nav class=\"pagination\" aria-label=\"Search results pages\">", kPrev, "Page 2 of 3", kNext},
       {kHelp}},
      {"first page",
       &first,
       {"Page 1 of 3", "<a href=\"/search?q=cry&amp;section=%2Frelationships%2F&amp;page=2\">Next"},
       {"Previous"}},
      {"last page",
       &last,
       {"<a href=\"/search?q=cry&amp;section=%2Frelationships%2F&amp;page=2\">Previous", "Page 3 of 3"},
       {">Next"}},
      {"past the end", &beyond, {"12 results", "no more results", "&amp;page=2\">Previous"}, {"Page 4"}},
      {"hostile query",
       &hostile,
       {"value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; cry\"",
        "0 results for <q>&quot;&gt;&lt;script&gt;", kHelp},
       {"<script>alert", "\"><script"}},
      {"hostile snippet",
       &hostile_hit,
       {"<p class=\"snippet\">&lt;script&gt;alert(1)&lt;/script&gt; <mark>cry</mark> &quot;x&quot;</p>"},
       {"<script>alert"}},
      {"no results",
       &none,
       {"0 results for <q>zebra</q>", kHelp, "Check the spelling", "Try fewer words",
        "<aside class=\"callout callout-crisis\" aria-label=\"If you are in crisis\">",
        "<p>Call your local emergency number.</p>", "Browse our topics",
        "<li><a href=\"/relationships/\">Relationships</a></li>"},
       {"<ol class=\"search-results\"", "Search all sections"}},
      {"no results in a section",
       &none_in_section,
       {"0 results for <q>zebra</q> in Relationships", kHelp,
        "<a href=\"/search?q=zebra\">Search all sections</a> instead of Relationships only."},
       {}},
      {"empty query",
       &empty,
       {"<title>Search | Test Health</title>", kNoindex, "<h1>Search</h1>", "name=\"q\" value=\"  \"",
        "Browse our topics", "<li><a href=\"/relationships/\">Relationships</a></li>"},
       {"results for", kHelp, "callout-crisis"}},
  };
  auto r = Make();
  ASSERT_TRUE(r);
  for (const auto& c : kCases) {
    Result<std::string> page = r->SearchPage(*c.view);
    ASSERT_TRUE(page.ok()) << c.name << ": " << page.status().message();
    const std::string& html = *page;
    size_t last_pos = 0;
    for (const std::string& needle : c.present) {
      size_t pos = html.find(needle, last_pos);
      EXPECT_NE(pos, std::string::npos) << c.name << ": missing or out of order: " << needle;
      if (pos != std::string::npos) last_pos = pos;
    }
    for (const std::string& needle : c.absent)
      EXPECT_EQ(html.find(needle), std::string::npos) << c.name << ": unexpected " << needle;
    for (const auto& problem : testing::IdProblems(html)) ADD_FAILURE() << c.name << ": " << problem;
    for (const auto& problem : testing::CspProblems(html)) ADD_FAILURE() << c.name << ": " << problem;
    EXPECT_EQ(Count(html, "role=\"search\""), 2u) << c.name;  // header and page
  }
}

TEST_F(SiteRendererTest, FeedbackPages) {
  auto r = Make();
  ASSERT_TRUE(r);
  struct Case {
    const char* name;
    bool thanks;
    std::string url;
    std::string message;
    std::vector<std::string> present;
    bool absolute = false;  // posted from the static site at another origin
  };
  const Case kCases[] = {
      {"thanks, article, from the static site",
       true,
       kCryUrl,
       "",
       {"<a href=\"https://example.org/relationships/sex/cry/\">Back to \xE2\x80\x9CWhy people cry"},
       true},
      {"thanks, unknown page, from the static site",
       true,
       "javascript:alert(1)",
       "",
       {"<a href=\"https://example.org/\">Go to the home page</a>"},
       true},
      {"error, from the static site",
       false,
       kCryUrl,
       "Too long.",
       {"<a href=\"https://example.org/relationships/sex/cry/\">Back to"},
       true},
      {"thanks, article",
       true,
       kCryUrl,
       "",
       {"<title>Thank you for your feedback | Test Health</title>", "<h1>Thank you for your feedback</h1>",
        "We cannot reply",
        "<a href=\"/relationships/sex/cry/\">Back to \xE2\x80\x9CWhy people cry during sex"}},
      {"thanks, other page",
       true,
       "/about/",
       "",
       {"<a href=\"/about/\">Back to the page you were reading</a>"}},
      {"thanks, hostile url", true, "javascript:alert(1)", "", {"<a href=\"/\">Go to the home page</a>"}},
      {"thanks, other site", true, "https://evil.example/", "", {"<a href=\"/\">Go to the home page</a>"}},
      {"error",
       false,
       kCryUrl,
       "The comment is longer than 2,000 characters.",
       {"<title>Your feedback was not sent | Test Health</title>",
        "<p>The comment is longer than 2,000 characters.</p>",
        "<a href=\"/relationships/sex/cry/\">Back to"}},
      {"error, hostile message",
       false,
       "//evil.example/",
       "<img src=x onerror=alert(1)>",
       {"<p>&lt;img src=x onerror=alert(1)&gt;</p>", "<a href=\"/\">Go to the home page</a>"}},
  };
  for (const auto& c : kCases) {
    Result<std::string> page = c.thanks ? r->FeedbackThanksPage(c.url, c.absolute)
                                        : r->FeedbackErrorPage(c.url, c.message, c.absolute);
    ASSERT_TRUE(page.ok()) << c.name << ": " << page.status().message();
    const std::string& html = *page;
    EXPECT_NE(html.find("<meta name=\"robots\" content=\"noindex\">"), std::string::npos) << c.name;
    EXPECT_EQ(html.find("rel=\"canonical\""), std::string::npos) << c.name;
    for (const std::string& needle : c.present)
      EXPECT_NE(html.find(needle), std::string::npos) << c.name << ": missing " << needle;
    EXPECT_EQ(html.find("evil.example"), std::string::npos) << c.name;
    for (const auto& problem : testing::IdProblems(html)) ADD_FAILURE() << c.name << ": " << problem;
    for (const auto& problem : testing::CspProblems(html)) ADD_FAILURE() << c.name << ": " << problem;
  }
}

TEST_F(SiteRendererTest, NotFoundPageHasASearchBox) {
  auto r = Make();
  ASSERT_TRUE(r);
  std::string html = Page(*r, "404.html");
  std::string main = Between(html, "<main", "</main>");
  EXPECT_NE(main.find("role=\"search\" method=\"get\" action=\"/search/\""), std::string::npos);
  EXPECT_NE(main.find("<input type=\"search\" id=\"nf_search_q\" name=\"q\""), std::string::npos);
  EXPECT_NE(main.find("<label class=\"visually-hidden\" for=\"nf_search_q\">"), std::string::npos);
}

}  // namespace
}  // namespace vetted::render
