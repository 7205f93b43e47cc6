// Internal pieces: URL policy, entities, citation syntax, fenced-div splitting.
#include <gtest/gtest.h>

#include "markup/internal.h"

namespace vetted::markup {
namespace {

// What a browser does with an href on an http(s) page (the WHATWG URL
// standard): the kind is where the link goes, whatever the disguise.
TEST(ClassifyUrl, Table) {
  struct Case {
    std::string_view url;
    UrlKind want;
  } cases[] = {
      {"https://example.org", UrlKind::kExternal},
      {"HTTP://example.org", UrlKind::kExternal},
      {"hTtPs:example.org", UrlKind::kExternal},
      {"mailto:a@b.org", UrlKind::kExternal},
      {"//cdn.example.org/x", UrlKind::kExternal},
      {"\\\\evil.example.org", UrlKind::kExternal},
      {"/\\evil.example.org/path", UrlKind::kExternal},  // the browser reads "//evil.example.org/path"
      {"\\/evil.example.org", UrlKind::kExternal},
      {"/\t/evil.example.org", UrlKind::kExternal},  // the tab is removed
      {"/\r\n/evil.example.org", UrlKind::kExternal},
      {" \x01//evil.example.org", UrlKind::kExternal},  // leading controls and spaces are stripped
      {"///evil.example.org", UrlKind::kExternal},
      {"/a/b/", UrlKind::kRelative},
      {"/%5Cevil.example.org/path", UrlKind::kRelative},  // sent percent-encoded: a path here
      {"/%2F/evil.example.org", UrlKind::kRelative},
      {"%2F%2Fevil.example.org", UrlKind::kRelative},
      {"\\evil.example.org", UrlKind::kRelative},  // one slash: a path on this host
      {"../x.md", UrlKind::kRelative},
      {"x.md", UrlKind::kRelative},
      {"#frag", UrlKind::kRelative},
      {"?q=a:b", UrlKind::kRelative},
      {"a/b:c", UrlKind::kRelative},
      {"foo):", UrlKind::kRelative},  // ')' cannot be in a scheme
      {"12:30", UrlKind::kRelative},  // a scheme starts with a letter
      {"java script:x", UrlKind::kRelative},
      {"\x7Fjavascript:x", UrlKind::kRelative},  // DEL is not stripped: not a scheme
      {"javascript%3Ax", UrlKind::kRelative},
      {"./javascript:x", UrlKind::kRelative},
      {"", UrlKind::kRelative},
      {" \t", UrlKind::kRelative},
      {"javascript:alert(1)", UrlKind::kUnsafe},
      {"JaVaScRiPt:alert(1)", UrlKind::kUnsafe},
      {" \x01\x1f javascript:x", UrlKind::kUnsafe},
      {"java\tscript:x", UrlKind::kUnsafe},
      {"java\nscript:x", UrlKind::kUnsafe},
      {"j\ra\tv\na\tscript\t:x", UrlKind::kUnsafe},
      {"javascript:x \x01", UrlKind::kUnsafe},
      {"\tjavascript:x", UrlKind::kUnsafe},
      {"vbscript:x", UrlKind::kUnsafe},
      {"data:text/html,<script>", UrlKind::kUnsafe},
      {"ftp://x.org", UrlKind::kUnsafe},
      {"file:///etc/passwd", UrlKind::kUnsafe},
      {"averyveryverylongscheme:x", UrlKind::kUnsafe},
      {"a+b.c-d:x", UrlKind::kUnsafe},
      {"c:x", UrlKind::kUnsafe},  // one letter is a scheme to a browser
      {"httpx:x", UrlKind::kUnsafe},
      {"mailtox:x", UrlKind::kUnsafe},
      {"http:", UrlKind::kExternal},
  };
  for (const Case& c : cases) EXPECT_EQ(ClassifyUrl(c.url), c.want) << c.url;
}

// CommonMark's reference renderer encodes what a URL may not hold raw.
TEST(NormalizeUrl, Table) {
  struct Case {
    std::string_view url, want;
  } cases[] = {
      {"foo\\bar", "foo%5Cbar"},
      {"/\\evil.example/path", "/%5Cevil.example/path"},
      {"foo%20b\xC3\xA4", "foo%20b%C3%A4"},
      {"\"title\"", "%22title%22"},
      {"/my uri", "/my%20uri"},
      {"https://example.com/\\[\\", "https://example.com/%5C%5B%5C"},
      {"/url\\bar*baz", "/url%5Cbar*baz"},
      {"/\xCF\x86\xCE\xBF\xCF\x85", "/%CF%86%CE%BF%CF%85"},
      {"b)c", "b)c"},
      {"foo):", "foo):"},
      {"(foo)", "(foo)"},
      {"https://foo.bar.baz/test?q=hello&id=22&boolean", "https://foo.bar.baz/test?q=hello&id=22&boolean"},
      {"made-up-scheme://foo,bar", "made-up-scheme://foo,bar"},
      {"a-z_A.Z+0!9*'(),#@?=;:/&$~", "a-z_A.Z+0!9*'(),#@?=;:/&$~"},
      {"%", "%25"},
      {"%4", "%254"},
      {"%zz", "%25zz"},
      {"%4a%4A", "%4a%4A"},
      {"100%", "100%25"},
      {"a\tb\nc\rd\x01\x7F", "a%09b%0Ac%0Dd%01%7F"},
      {"<>\"`{|}^[]", "%3C%3E%22%60%7B%7C%7D%5E%5B%5D"},
      {std::string_view("a\0b", 3), "a%00b"},
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(NormalizeUrl(c.url), c.want) << c.url;
}

// The policy: a scheme in the text as written is refused however it is
// disguised; otherwise the href sent decides where the link goes.
TEST(JudgeUrl, WrittenRefusedSentDecides) {
  struct Case {
    std::string_view url;
    UrlKind want;
  } cases[] = {
      {"/\\evil.example/path", UrlKind::kRelative},  // sent as "/%5Cevil.example/path"
      {"\\\\evil.example", UrlKind::kRelative},
      {"/\t/evil.example", UrlKind::kRelative},  // sent as "/%09/evil.example"
      {" //evil.example", UrlKind::kRelative},   // sent as "%20//evil.example"
      {"//evil.example", UrlKind::kExternal},
      {"https://x.org/a b", UrlKind::kExternal},
      {"java\tscript:alert(1)", UrlKind::kUnsafe},  // sent as "java%09script:..." but refused all the same
      {" javascript:alert(1)", UrlKind::kUnsafe},
      {"javascript:alert(1)", UrlKind::kUnsafe},
      {"foo):", UrlKind::kRelative},
  };
  for (const Case& c : cases) EXPECT_EQ(JudgeUrl(c.url, NormalizeUrl(c.url)), c.want) << c.url;
}

TEST(AppendUrlAttribute, EncodesThenEscapes) {
  std::string out;
  AppendUrlAttribute(out, "/a b\"<\x01>&'\\");
  EXPECT_EQ(out, "/a%20b%22%3C%01%3E&amp;&#39;%5C");
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
      // The whole HTML standard list: first and last names, the longest, two code points.
      {"&AElig;", true, "\xC3\x86"},
      {"&zwnj;", true, "\xE2\x80\x8C"},
      {"&HilbertSpace;", true, "\xE2\x84\x8B"},
      {"&CounterClockwiseContourIntegral;", true, "\xE2\x88\xB3"},
      {"&ngE;", true, "\xE2\x89\xA7\xCC\xB8"},
      {"&nvlt;", true, "<\xE2\x83\x92"},
      {"&fjlig;", true, "fj"},
      {"&bsol;", true, "\\"},
      {"&Tab;", true, "\t"},
      {"&NewLine;", true, "\n"},
      {"&AMP;", true, "&"},
      {"&Amp;", false, ""},  // names are case-sensitive
      {"&CounterClockwiseContourIntegralX;", false, ""},
      {"&zwnjx;", false, ""},
      {"&A;", false, ""},
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
