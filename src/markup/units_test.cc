// Internal pieces: URL policy, entities, citation syntax, fenced-div splitting.
#include <gtest/gtest.h>

#include "markup/internal.h"

namespace vetted::markup {
namespace {

TEST(ClassifyUrl, Table) {
  struct Case {
    std::string_view url;
    UrlKind want;
  } cases[] = {
      {"https://example.org", UrlKind::kExternal},
      {"HTTP://example.org", UrlKind::kExternal},
      {"mailto:a@b.org", UrlKind::kExternal},
      {"//cdn.example.org/x", UrlKind::kExternal},
      {"\\\\evil.example.org", UrlKind::kExternal},
      {"/a/b/", UrlKind::kRelative},
      {"../x.md", UrlKind::kRelative},
      {"x.md", UrlKind::kRelative},
      {"#frag", UrlKind::kRelative},
      {"?q=a:b", UrlKind::kRelative},
      {"a/b:c", UrlKind::kRelative},
      {"javascript:alert(1)", UrlKind::kUnsafe},
      {"JaVaScRiPt:alert(1)", UrlKind::kUnsafe},
      {" \x01\x1f javascript:x", UrlKind::kUnsafe},
      {"java\tscript:x", UrlKind::kUnsafe},
      {"java\nscript:x", UrlKind::kUnsafe},
      {"vbscript:x", UrlKind::kUnsafe},
      {"data:text/html,<script>", UrlKind::kUnsafe},
      {"ftp://x.org", UrlKind::kUnsafe},
      {"file:///etc/passwd", UrlKind::kUnsafe},
      {"averyveryverylongscheme:x", UrlKind::kUnsafe},
      {"12:30", UrlKind::kUnsafe},
      {"", UrlKind::kRelative},
  };
  for (const Case& c : cases) EXPECT_EQ(ClassifyUrl(c.url), c.want) << c.url;
}

TEST(AppendUrlAttribute, EscapesAndEncodes) {
  std::string out;
  AppendUrlAttribute(out, "/a b\"<\x01>&'");
  EXPECT_EQ(out, "/a%20b&quot;&lt;%01&gt;&amp;&#39;");
}

TEST(AppendHtml, EscapesLongAndShortRuns) {
  std::string out;
  std::string s = std::string(40, 'x') + "<&>\"'" + std::string(20, 'y') + "<";
  AppendHtml(out, s);
  EXPECT_EQ(out, std::string(40, 'x') + "&lt;&amp;&gt;&quot;&#39;" + std::string(20, 'y') + "&lt;");
}

TEST(DecodeEntity, Table) {
  struct Case {
    std::string_view in;
    bool ok;
    std::string out;
  } cases[] = {
      {"&amp;", true, "&"},
      {"&lt;", true, "<"},
      {"&#106;", true, "j"},
      {"&#x6A;", true, "j"},
      {"&#0;", true, "\xEF\xBF\xBD"},
      {"&#xD800;", true, "\xEF\xBF\xBD"},
      {"&colon;", true, ":"},
      {"&eacute;", true, "\xC3\xA9"},
      {"&mdash;", true, "\xE2\x80\x94"},
      {"&bogus;", false, ""},
      {"&#x1F600;", true, "\xF0\x9F\x98\x80"},
  };
  for (const Case& c : cases) {
    std::string out;
    EXPECT_EQ(DecodeEntity(c.in, out), c.ok) << c.in;
    EXPECT_EQ(out, c.out) << c.in;
  }
}

TEST(ParseCitation, Table) {
  struct Case {
    std::string_view inner;
    bool ok;
    std::vector<std::string> keys, locators;
  } cases[] = {
      {"@smith2020", true, {"smith2020"}, {""}},
      {"@a; @b", true, {"a", "b"}, {"", ""}},
      {"@doe:2019.x, p. 12", true, {"doe:2019.x"}, {"p12"}},
      {"see @a, pp. 3-4", true, {"a"}, {"pp3-4"}},
      {"@a, chap. 2", true, {"a"}, {"chap. 2"}},
      {"@key.", true, {"key"}, {""}},
      {"no key", false, {}, {}},
      {"mail me@x.org", false, {}, {}},
      {"@a; plain", false, {}, {}},
      {"@", false, {}, {}},
  };
  for (const Case& c : cases) {
    std::vector<CiteItem> items;
    ASSERT_EQ(ParseCitation(c.inner, items), c.ok) << c.inner;
    if (!c.ok) continue;
    std::vector<std::string> keys, locators;
    for (const CiteItem& i : items) {
      keys.push_back(i.key);
      locators.push_back(i.locator);
    }
    EXPECT_EQ(keys, c.keys) << c.inner;
    EXPECT_EQ(locators, c.locators) << c.inner;
  }
}

TEST(SplitFencedDivs, Table) {
  struct Case {
    std::string_view text;
    std::string shape;  // M markdown, O open, C close, I include
  } cases[] = {
      {"plain\n", "M"},
      {"a\n::: note\nb\n:::\nc\n", "MOMCM"},
      {"::: {include=x}\nignored\n:::\nafter\n", "IM"},
      {"::: a\n::: b\nx\n:::\n:::\n", "OOMCC"},
      {"```\n::: note\n```\n", "M"},
      {"~~~~\n:::\n~~~~\n:::\n", "M"},
      {"::: note\nx\n", "OMC"},
      {"::::: {.tip title='T'}\nx\n:::::\n", "OMC"},
  };
  for (const Case& c : cases) {
    std::string shape;
    for (const Piece& p : SplitFencedDivs(c.text)) shape += "MOCI"[p.kind];
    EXPECT_EQ(shape, c.shape) << c.text;
  }
  std::vector<Piece> p = SplitFencedDivs("::: {.warning #id title=\"Before you start\"}\n:::\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].callout_kind, "warning");
  EXPECT_EQ(p[0].title, "Before you start");
  p = SplitFencedDivs("::: {.tip title='T'}\n:::\n");
  EXPECT_EQ(p[0].title, "T");
  p = SplitFencedDivs("::: {callout=\"get-help\"}\n:::\n");
  EXPECT_EQ(p[0].kind, Piece::kInclude);
  EXPECT_EQ(p[0].name, "get-help");
}

}  // namespace
}  // namespace vetted::markup
