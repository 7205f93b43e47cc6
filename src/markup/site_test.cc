#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "markup/markup.h"

namespace vetted::markup {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Article MakeArticle(std::string section, std::string slug, std::string body) {
  Article a;
  a.section_path = {section};
  a.slug = slug;
  a.file = "content/" + section + "/" + slug + ".md";
  a.url = "/" + section + "/" + slug + "/";
  a.body = std::move(body);
  a.body_line = 8;
  return a;
}

Site MakeSite() {
  Site site;
  Reference shared, local, override_site;
  shared.id = "shared";
  shared.title = "Site-wide";
  override_site.id = "dup";
  override_site.title = "From the bibliography";
  site.bibliography = {shared, override_site};

  Article a =
      MakeArticle("relationships", "crying-after-sex",
                  "Intro [@dup; @shared].\n\n## Why\n\nSee [anxiety](../anxiety/worry.md), [old](/old-url), "
                  "[board](/review-board/), [me](/people/dr-a/) and [gone](nope.md).\n\n"
                  "::: {include=get-help}\n:::\n\nOxytocin rises. Oxytocin.\n");
  local.id = "dup";
  local.title = "Inline wins";
  a.references = {local};
  a.toc.min_level = 2;
  a.toc.max_level = 3;
  Article b = MakeArticle("anxiety", "worry",
                          "Back to [crying](../relationships/crying-after-sex.md) "
                          "and [section](../) [not a key] [@missing].\n");
  b.aliases = {"/old-url"};
  site.articles = {b, a};  // sorted by url

  Section s;
  s.path = {"anxiety"};
  s.url = "/anxiety/";
  s.file = "content/anxiety/_section.md";
  s.intro_markdown = "About [worry](worry/).";
  site.sections = {s};

  Page p;
  p.file = "pages/editorial-process.md";
  p.slug = "editorial-process";
  p.url = "/editorial-process/";
  p.body = "How we [review](/review-board/).";
  site.pages = {p};

  Person person;
  person.id = "dr-a";
  person.name = "Dr A";
  person.pos.file = "people/dr-a.md";
  person.bio_markdown = "Writes about [worry](/anxiety/worry/).";
  site.people["dr-a"] = person;

  Callout help;
  help.name = "get-help";
  help.title = "Get help";
  help.kind = "help";
  help.file = "callouts/get-help.md";
  help.disclosure = "Paid listing.";
  help.body_markdown = "Find a [therapist](https://example.org/). [x](broken.md)";
  site.callouts = {help};
  site.glossary = {{"oxytocin", "A hormone.", {}, 1}};
  return site;
}

std::vector<std::string> Rules(const Document& d) {
  std::vector<std::string> out;
  for (const Diagnostic& x : d.diagnostics)
    out.push_back(x.pos.file + ":" + std::to_string(x.pos.line) + " " + x.rule);
  return out;
}

TEST(RenderSite, ResolvesAgainstTheSite) {
  Site site = MakeSite();
  SiteDocs docs = RenderSite(site);
  ASSERT_EQ(docs.articles.size(), 2u);
  const Document& crying = docs.articles[1];
  EXPECT_THAT(crying.html, HasSubstr("<a href=\"/anxiety/worry/\">anxiety</a>"));
  EXPECT_THAT(crying.html, HasSubstr("<a href=\"/anxiety/worry/\">old</a>"));  // alias -> canonical
  EXPECT_THAT(crying.html, HasSubstr("<a href=\"/review-board/\">board</a>"));
  EXPECT_THAT(crying.html, HasSubstr("<a href=\"/people/dr-a/\">me</a>"));
  EXPECT_THAT(crying.html, HasSubstr("<aside class=\"callout callout-help\""));
  EXPECT_THAT(crying.html, HasSubstr("<p class=\"disclosure\">Paid listing.</p>"));
  EXPECT_THAT(crying.links, ElementsAre("/anxiety/worry/", "/review-board/", "/people/dr-a/"));
  EXPECT_THAT(Rules(crying), ElementsAre("content/relationships/crying-after-sex.md:12 broken-link"));
  EXPECT_EQ(crying.glossary_terms, std::vector<std::string>{"oxytocin"});
  ASSERT_EQ(crying.toc.size(), 1u);
  EXPECT_EQ(crying.toc[0].id, "why");

  ASSERT_EQ(docs.article_refs[1].size(), 2u);
  EXPECT_EQ(docs.article_refs[1][0]->title, "Inline wins");
  EXPECT_EQ(docs.article_refs[1][1]->title, "Site-wide");

  const Document& worry = docs.articles[0];
  EXPECT_THAT(worry.html, HasSubstr("<a href=\"/relationships/crying-after-sex/\">crying</a>"));
  EXPECT_THAT(worry.html, HasSubstr("<a href=\"/anxiety/\">section</a>"));
  EXPECT_THAT(Rules(worry), ElementsAre("content/anxiety/worry.md:8 unknown-citation"));
  EXPECT_TRUE(docs.article_refs[0].empty());

  EXPECT_THAT(docs.sections[0].html, HasSubstr("<a href=\"/anxiety/worry/\">worry</a>"));
  EXPECT_TRUE(docs.sections[0].diagnostics.empty());
  EXPECT_THAT(docs.pages[0].html, HasSubstr("<a href=\"/review-board/\">review</a>"));
  EXPECT_THAT(docs.people.at("dr-a").html, HasSubstr("href=\"/anxiety/worry/\""));
  const Document& help = docs.callouts.at("get-help");
  EXPECT_THAT(help.html, HasSubstr("<a href=\"https://example.org/\">therapist</a>"));
  EXPECT_THAT(Rules(help), ElementsAre("callouts/get-help.md:1 broken-link"));

  EXPECT_THAT(docs.urls, Contains("/old-url/"));
  EXPECT_THAT(docs.urls, Contains("/glossary/"));
  EXPECT_THAT(docs.urls, Contains("/people/dr-a/"));
  EXPECT_THAT(docs.urls, Contains("/editorial-process/"));
  EXPECT_THAT(docs.urls, Contains("/people/"));  // the people index (render/tags.h)
  EXPECT_TRUE(std::is_sorted(docs.urls.begin(), docs.urls.end()));
}

// Unknown citation keys and callout names get the closest known one, from the
// site's bibliography and the article's own inline references.
TEST(RenderSite, UnknownKeysAndCalloutsSuggestTheClosest) {
  struct Case {
    const char* body;
    std::string message;  // the whole message of the only diagnostic
  };
  const std::vector<Case> cases = {
      {"See [@sharde].\n",
       "unknown citation key '@sharde': not in the bibliography or the article's references; did you mean "
       "'@shared'?"},
      {"See [@mylocal].\n",
       "unknown citation key '@mylocal': not in the bibliography or the article's references; did you mean "
       "'@my-local'?"},
      {"See [@zzzzzz].\n",
       "unknown citation key '@zzzzzz': not in the bibliography or the article's references"},
      {"::: {include=get-hepl}\n:::\n",
       "unknown callout 'get-hepl': there is no callouts/get-hepl.md; did you mean 'get-help'?"},
      {"::: {include=qqqqqq}\n:::\n", "unknown callout 'qqqqqq': there is no callouts/qqqqqq.md"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    Site site = MakeSite();
    Reference local;
    local.id = "my-local";
    site.articles[0].references = {local};
    site.articles[0].body = c.body;
    SiteDocs docs = RenderSite(site);
    ASSERT_EQ(docs.articles[0].diagnostics.size(), 1u);
    EXPECT_EQ(docs.articles[0].diagnostics[0].message, c.message);
  }
}

TEST(RenderSite, ManyArticlesInParallelAreIndependent) {
  Site site;
  Reference r;
  r.id = "k";
  site.bibliography = {r};
  for (int i = 0; i < 200; ++i) {
    site.articles.push_back(MakeArticle(
        "s", "a" + std::to_string(i), "## H\n\nText [@k] and [next](a" + std::to_string(i + 1) + ".md).\n"));
  }
  SiteDocs docs = RenderSite(site);
  for (int i = 0; i < 200; ++i) {
    const Document& d = docs.articles[i];
    EXPECT_EQ(d.cited, std::vector<std::string>{"k"});
    EXPECT_EQ(d.diagnostics.size(), i == 199 ? 1u : 0u) << i;
    EXPECT_THAT(d.html, HasSubstr("id=\"cite-1\""));
  }
}

}  // namespace
}  // namespace vetted::markup
