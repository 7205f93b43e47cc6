#include "markup/markup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

namespace vetted::markup {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// A context over a tiny fake site: references a, b, c, d, e; pages /ok/ and ok.md.
struct Fixture {
  std::map<std::string, Reference> refs;
  std::vector<Callout> callouts;
  Context ctx;

  Fixture() {
    for (const char* key : {"a", "b", "c", "d", "e"}) refs[key].id = key;
    Callout help;
    help.name = "get-help";
    help.title = "Get help now";
    help.kind = "help";
    help.disclosure = "We are paid for referrals.";
    help.body_markdown = "Call **the line**.";
    callouts.push_back(help);
    ctx.file = "content/x/y.md";
    ctx.first_line = 10;
    ctx.find_reference = [this](std::string_view k) -> const Reference* {
      auto it = refs.find(std::string(k));
      return it == refs.end() ? nullptr : &it->second;
    };
    ctx.resolve_link = [](std::string_view t) -> std::optional<std::string> {
      if (t == "/ok/" || t == "ok.md" || t == "../x/ok.md") return std::string("/ok/");
      if (t == "/img/a.png") return std::string("/img/a.png");
      return std::nullopt;
    };
    ctx.find_callout = [this](std::string_view n) -> const Callout* {
      for (const Callout& c : callouts)
        if (c.name == n) return &c;
      return nullptr;
    };
  }
  Document Run(std::string_view md) const { return Render(md, ctx); }
};

std::vector<std::string> Rules(const Document& d) {
  std::vector<std::string> out;
  for (const Diagnostic& x : d.diagnostics) out.push_back(x.rule + "@" + std::to_string(x.pos.line));
  return out;
}

TEST(Headings, IdsAreSlugsDedupedAndAvoidReserved) {
  struct Case {
    const char* md;
    const char* want;
  } cases[] = {
      {"## Why it happens", "<h2 id=\"why-it-happens\">Why it happens</h2>"},
      {"## A\n\n## A\n\n## A", "<h2 id=\"a-3\">A</h2>"},
      {"## Sources", "<h2 id=\"sources-2\">Sources</h2>"},
      {"## TOC", "<h2 id=\"toc-2\">TOC</h2>"},
      {"## Feedback", "<h2 id=\"feedback-2\">Feedback</h2>"},
      {"## Ref 1", "<h2 id=\"ref-1-2\">Ref 1</h2>"},
      {"## ?!", "<h2 id=\"section\">?!</h2>"},
      // Glossary ids are reserved by prefix; these used to loop forever.
      {"## GL x", "<h2 id=\"h-gl-x\">GL x</h2>"},
      {"## gl-1\n\n## GL 1", "<h2 id=\"h-gl-1-2\">GL 1</h2>"},
      {"### *Emphasis* and `code`",
       "<h3 id=\"emphasis-and-code\"><em>Emphasis</em> and <code>code</code></h3>"},
      {"Setext\n======", "<h1 id=\"setext\">Setext</h1>"},
  };
  Fixture f;
  for (const Case& c : cases) EXPECT_THAT(f.Run(c.md).html, HasSubstr(c.want)) << c.md;
}

TEST(Headings, TocLevels) {
  Fixture f;
  std::string md = "# One\n\n## Two\n\n### Three\n\n#### Four\n\n## Two\n";
  struct Case {
    int min, max;
    std::vector<std::string> ids;
  } cases[] = {
      {2, 2, {"two", "two-2"}},
      {2, 3, {"two", "three", "two-2"}},
      {1, 4, {"one", "two", "three", "four", "two-2"}},
      {3, 3, {"three"}},
  };
  for (const Case& c : cases) {
    f.ctx.toc_min = c.min;
    f.ctx.toc_max = c.max;
    std::vector<std::string> ids;
    for (const TocEntry& e : f.Run(md).toc) ids.push_back(e.id);
    EXPECT_EQ(ids, c.ids) << c.min << "-" << c.max;
  }
  f.ctx.toc_min = 2;
  f.ctx.toc_max = 3;
  Document d = f.Run("## Pain *during* sex [@a]\n");
  ASSERT_EQ(d.toc.size(), 1u);
  EXPECT_EQ(d.toc[0].text, "Pain during sex");
  EXPECT_EQ(d.toc[0].level, 2);
}

TEST(Citations, NumberingGroupingAndAnchors) {
  struct Case {
    const char* md;
    std::vector<const char*> want;  // substrings of the html
    std::vector<std::string> cited;
  } cases[] = {
      {"One [@b].", {"One<sup class=\"cite\"><a href=\"#ref-1\" id=\"cite-1\">1</a></sup>."}, {"b"}},
      {"X [@a; @b; @c] y [@b].",
       {"<sup class=\"cite\"><span id=\"cite-2\"></span><a href=\"#ref-1\" id=\"cite-1\">1</a>-"
        "<a href=\"#ref-3\" id=\"cite-3\">3</a></sup>",
        "y<sup class=\"cite\"><a href=\"#ref-2\">2</a></sup>"},
       {"a", "b", "c"}},
      {"X [@a; @b]",
       {"<a href=\"#ref-1\" id=\"cite-1\">1</a>,<a href=\"#ref-2\" id=\"cite-2\">2</a>"},
       {"a", "b"}},
      {"[@c] [@a] [@b] [@d]. Then [@d; @a; @c; @b; @e]",
       {"<a href=\"#ref-1\">1</a>-<a href=\"#ref-5\" id=\"cite-5\">5</a>"},
       {"c", "a", "b", "d", "e"}},
      {"Cited [@a, p. 12].", {"<a href=\"#ref-1\" id=\"cite-1\">1</a>(p12)</sup>"}, {"a"}},
      {"Cited [see @a, pp. 3-4; @b].", {"1</a>(pp3-4),<a href=\"#ref-2\" id=\"cite-2\">2</a>"}, {"a", "b"}},
      {"Not [a citation] nor foo@bar [@ x].", {"Not [a citation] nor"}, {}},
      {"Escaped \\[@a\\] stays.", {"Escaped [@a] stays."}, {}},
      {"Code `[@a]` stays.", {"<code>[@a]</code>"}, {}},
      {"[@a]\n\n## Title [@b]\n", {"<h2 id=\"title\">Title<sup class=\"cite\">"}, {"a", "b"}},
  };
  Fixture f;
  for (const Case& c : cases) {
    Document d = f.Run(c.md);
    for (const char* w : c.want) EXPECT_THAT(d.html, HasSubstr(w)) << c.md;
    EXPECT_EQ(d.cited, c.cited) << c.md;
    EXPECT_TRUE(d.diagnostics.empty()) << c.md;
    if (!c.cited.empty()) {
      EXPECT_THAT(d.plain_text, Not(HasSubstr("@"))) << c.md << " plain: " << d.plain_text;
    }
  }
}

TEST(Citations, UnknownKeyReportsExactLine) {
  Fixture f;
  Document d = f.Run("Para one.\n\nLine two\nand three [@nope] here,\n*four* [@a; @gone].\n");
  EXPECT_THAT(Rules(d), ElementsAre("unknown-citation@13", "unknown-citation@14"));
  EXPECT_EQ(d.diagnostics[0].severity, Severity::kError);
  EXPECT_EQ(d.diagnostics[0].pos.file, "content/x/y.md");
  EXPECT_THAT(d.diagnostics[0].message, HasSubstr("nope"));
  EXPECT_THAT(d.html, HasSubstr("[@nope]"));  // left as written
  EXPECT_EQ(d.cited, std::vector<std::string>{"a"});
}

TEST(Citations, LeftAsTextWithoutLookup) {
  Fixture f;
  f.ctx.find_reference = nullptr;
  Document d = f.Run("See [@a].");
  EXPECT_THAT(d.html, HasSubstr("See [@a]."));
  EXPECT_TRUE(d.cited.empty());
}

TEST(Links, InternalResolvedExternalKeptBrokenReported) {
  struct Case {
    const char* md;
    const char* want;
    std::vector<std::string> rules;
    std::vector<std::string> links;
  } cases[] = {
      {"[a](ok.md)", "<a href=\"/ok/\">a</a>", {}, {"/ok/"}},
      {"[a](../x/ok.md#why)", "<a href=\"/ok/#why\">a</a>", {}, {"/ok/"}},
      {"[a](/ok/ \"T\")", "<a href=\"/ok/\" title=\"T\">a</a>", {}, {"/ok/"}},
      {"[a](#local)", "<a href=\"#local\">a</a>", {}, {}},
      {"[a](https://example.org/x?y=1&z=2)", "<a href=\"https://example.org/x?y=1&amp;z=2\">a</a>", {}, {}},
      {"[a](mailto:x@example.org)", "<a href=\"mailto:x@example.org\">a</a>", {}, {}},
      {"x\n\n[a](missing.md)", "<a href=\"missing.md\">a</a>", {"broken-link@12"}, {}},
      {"[a](/nowhere/)", "<a href=\"/nowhere/\">a</a>", {"broken-link@10"}, {}},
      {"[a](ftp://x.org/f)", "<p>a</p>", {"unsafe-url@10"}, {}},
  };
  Fixture f;
  for (const Case& c : cases) {
    Document d = f.Run(c.md);
    EXPECT_THAT(d.html, HasSubstr(c.want)) << c.md;
    EXPECT_EQ(Rules(d), c.rules) << c.md;
    EXPECT_EQ(d.links, c.links) << c.md;
  }
  Document unsafe = f.Run("[a](javascript:alert(1))");
  ASSERT_EQ(unsafe.diagnostics.size(), 1u);
  EXPECT_EQ(unsafe.diagnostics[0].severity, Severity::kWarning);
}

// A resolver that answers with an address off the site (a bad alias, say)
// must not turn an internal link into an external one: the link is broken.
TEST(Links, ResolvedOffTheSiteIsBroken) {
  for (const char* answer :
       {"//evil.example/", "///evil.example/", "https://evil.example/", "javascript:x"}) {
    Context ctx;
    ctx.file = "a.md";
    ctx.resolve_link = [answer](std::string_view) -> std::optional<std::string> {
      return std::string(answer);
    };
    Document d = Render("[a](/old/#x) ![b](/img.png)", ctx);
    EXPECT_THAT(d.html, HasSubstr("<a href=\"/old/#x\">a</a>")) << answer;
    EXPECT_THAT(d.html, HasSubstr("<img src=\"/img.png\"")) << answer;
    EXPECT_THAT(Rules(d), ElementsAre("broken-link@1", "broken-link@1")) << answer;
    EXPECT_TRUE(d.links.empty()) << answer;
  }
}

TEST(Images, AltSrcAndLazy) {
  struct Case {
    const char* md;
    const char* want;
    std::vector<std::string> rules;
  } cases[] = {
      {"![A *calm* room](https://x.org/a.jpg)",
       "<img src=\"https://x.org/a.jpg\" alt=\"A calm room\" loading=\"lazy\">",
       {}},
      {"![Chart](/img/a.png \"Title\")",
       "<img src=\"/img/a.png\" alt=\"Chart\" title=\"Title\" loading=\"lazy\">",
       {}},
      {"\n![](https://x.org/a.jpg)", "alt=\"\"", {"image-alt@11"}},
      {"![x](data:image/png;base64,AAAA)", "<p></p>", {"unsafe-url@10"}},
      {"![x](/img/missing.png)", "<img src=\"/img/missing.png\"", {"broken-link@10"}},
  };
  Fixture f;
  for (const Case& c : cases) {
    Document d = f.Run(c.md);
    EXPECT_THAT(d.html, HasSubstr(c.want)) << c.md;
    EXPECT_EQ(Rules(d), c.rules) << c.md;
  }
}

// md4c 0.4.8 reports leaving a link it never entered for this input (found
// by fuzz/markup_fuzz; it used to pop an empty stack, which also stopped the
// citation after it from being read).
TEST(Images, UnmatchedLinkEventFromMd4c) {
  Fixture f;
  Document d = f.Run("![]([)]() and [@a]");
  EXPECT_THAT(d.html, HasSubstr("<img src=\"%5B\" alt=\"\" loading=\"lazy\"> and<sup class=\"cite\">"
                                "<a href=\"#ref-1\" id=\"cite-1\">1</a></sup></p>"));
  EXPECT_THAT(d.cited, ElementsAre("a"));
}

// md4c 0.4.8 reads the byte after its input when a link destination runs to
// the end, and a ')' there crashed it (SIGSEGV): Render is given a view
// whose next byte is ')' (valgrind found the over-read on fuzz/markup_fuzz's
// corpus; docs/reliability.md, Sanitizers).
TEST(Links, ALinkRunningToTheEndOfAViewIsText) {
  Fixture f;
  const std::string buffer = "See [a](e)";
  Document d = f.Run(std::string_view(buffer).substr(0, buffer.size() - 1));
  EXPECT_THAT(d.html, HasSubstr("<p>See [a](e</p>"));
  EXPECT_THAT(f.Run("See [a](e").html, HasSubstr("<p>See [a](e</p>"));
}

TEST(Blocks, TablesStrikethroughAutolinksLists) {
  struct Case {
    const char* md;
    const char* want;
  } cases[] = {
      {"| a | b |\n|:--|--:|\n| 1 | 2 |",
       "<tr><td class=\"align-left\">1</td><td class=\"align-right\">2</td></tr>"},
      {"| a |\n|:-:|\n| 1 |", "<th class=\"align-center\">a</th>"},
      {"~~gone~~", "<del>gone</del>"},
      {"see https://example.org/a now", "<a href=\"https://example.org/a\">https://example.org/a</a>"},
      {"see www.example.org now", "<a href=\"http://www.example.org\">www.example.org</a>"},
      {"mail help@example.org now", "<a href=\"mailto:help@example.org\">help@example.org</a>"},
      {"3. three\n4. four", "<ol start=\"3\">\n<li>three</li>"},
      {"- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"},
      {"> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"},
      {"```c++ x\nint a<b;\n```", "<pre><code class=\"language-c++\">int a&lt;b;\n</code></pre>"},
      {"a  \nb", "a<br>\nb"},
      {"***", "<hr>"},
      {"caf&eacute; &amp; &#x263A; &bogus;", "café &amp; ☺ &amp;bogus;"},
  };
  Fixture f;
  for (const Case& c : cases) EXPECT_THAT(f.Run(c.md).html, HasSubstr(c.want)) << c.md;
}

TEST(Callouts, FencedDivsIncludesAndUnknown) {
  struct Case {
    const char* md;
    std::vector<const char*> want;
    std::vector<std::string> rules;
  } cases[] = {
      {"::: note\nBody **x**.\n:::\n",
       {"<aside class=\"callout callout-note\" aria-label=\"note\">\n<p>Body "
        "<strong>x</strong>.</p>\n</aside>"},
       {}},
      {"::: {.warning title=\"Before you start\"}\nText\n:::",
       {"<aside class=\"callout callout-warning\" aria-label=\"Before you start\">\n"
        "<p class=\"callout-title\">Before you start</p>"},
       {}},
      {"::: {.callout-tip}\nT\n:::", {"callout-tip"}, {}},
      {"::: {include=get-help}\n:::\n",
       {"<aside class=\"callout callout-help\" aria-label=\"Get help now\">\n<p class=\"callout-title\">Get "
        "help "
        "now</p>\n<p>Call <strong>the line</strong>.</p>\n<p class=\"disclosure\">We are paid for "
        "referrals.</p>\n"
        "</aside>"},
       {}},
      {"Intro.\n\n::: {include=nope}\n:::\n", {"<p>Intro.</p>"}, {"unknown-callout@12"}},
      {"::: fancy\nx\n:::", {"callout-note"}, {"unknown-callout@10"}},
      {"```\n::: note\n```\n", {"<pre><code>::: note\n</code></pre>"}, {}},
      {"::: note\nunclosed", {"<p>unclosed</p>\n</aside>"}, {}},
      {"text\n:::\nmore", {"<p>text\n:::\nmore</p>"}, {}},
      {"::: note\n[@zz]\n:::\n", {"[@zz]"}, {"unknown-citation@11"}},
  };
  Fixture f;
  for (const Case& c : cases) {
    Document d = f.Run(c.md);
    for (const char* w : c.want) EXPECT_THAT(d.html, HasSubstr(w)) << c.md << "\n" << d.html;
    EXPECT_EQ(Rules(d), c.rules) << c.md;
  }
}

TEST(Callouts, CitationNumberingSpansCallouts) {
  Fixture f;
  Document d = f.Run("A [@c].\n\n::: tip\nB [@a] [@c].\n:::\n\nC [@b].\n");
  EXPECT_EQ(d.cited, (std::vector<std::string>{"c", "a", "b"}));
  EXPECT_THAT(d.html, HasSubstr("<a href=\"#ref-3\" id=\"cite-3\">3</a>"));
}

TEST(PlainText, BlocksAndWords) {
  struct Case {
    const char* md;
    const char* plain;
    int words;
  } cases[] = {
      {"# Title\n\nOne *two* three [@a].\n\n- four\n- five six",
       "Title\n\nOne two three.\n\nfour\n\nfive six", 7},
      {"Soft\nbreak", "Soft break", 2},
      {"A [link](https://x.org) here", "A link here", 3},
      {"", "", 0},
      {"Pain — and relief", "Pain — and relief", 4},
  };
  Fixture f;
  for (const Case& c : cases) {
    Document d = f.Run(c.md);
    EXPECT_EQ(d.plain_text, c.plain) << c.md;
    EXPECT_EQ(d.words, c.words) << c.md;
  }
}

TEST(CalloutBox, WrapsBodyWithTitleAndDisclosure) {
  Callout c;
  c.kind = "crisis";
  c.title = "If you are in danger";
  EXPECT_EQ(CalloutBox(c, "<p>x</p>\n"),
            "<aside class=\"callout callout-crisis\" aria-label=\"If you are in danger\">\n<p "
            "class=\"callout-title\">If you are in danger</p>\n<p>x</p>\n</aside>\n");
  c.kind = "<bad>";
  c.title = "";
  c.disclosure = "Paid <b>";
  EXPECT_EQ(CalloutBox(c, ""),
            "<aside class=\"callout callout-note\" aria-label=\"note\">\n<p class=\"disclosure\">Paid "
            "&lt;b&gt;</p>\n"
            "</aside>\n");
}

// A callback that throws inside md4c is not swallowed: the parse stops, and
// the failure is an error at the line of the text being rendered.
TEST(Failure, ThrowingCallbackIsAnErrorWithFileAndLine) {
  Fixture f;
  f.ctx.find_reference = [](std::string_view k) -> const Reference* {
    if (k == "boom") throw std::runtime_error("lookup exploded");
    return nullptr;
  };
  Document d = f.Run("First paragraph.\n\nSecond [@boom] here.\n\nThird paragraph.\n");
  ASSERT_EQ(d.diagnostics.size(), 1u) << d.html;
  const Diagnostic& x = d.diagnostics[0];
  EXPECT_EQ(x.rule, "render-failure");
  EXPECT_EQ(x.severity, Severity::kError);
  EXPECT_EQ(x.stage, "markup");
  EXPECT_EQ(x.pos.file, "content/x/y.md");
  EXPECT_EQ(x.pos.line, 12);  // first_line 10 + two lines
  EXPECT_THAT(x.message, HasSubstr("lookup exploded"));
  EXPECT_THAT(d.html, HasSubstr("First paragraph."));
  EXPECT_THAT(d.html, Not(HasSubstr("Third paragraph.")));  // truncated, and said so
}

TEST(Failure, ThrowingLinkResolverInCalloutIsReported) {
  Fixture f;
  f.ctx.resolve_link = [](std::string_view) -> std::optional<std::string> { throw 42; };
  Document d = f.Run("Intro.\n\n::: note\nSee [there](/x/).\n:::\n");
  ASSERT_THAT(Rules(d), ElementsAre("render-failure@13"));
  EXPECT_THAT(d.diagnostics[0].message, HasSubstr("unknown exception"));
}

TEST(Failure, NoFailureNoDiagnostic) {
  Fixture f;
  EXPECT_TRUE(f.Run("Plain [@a] text.\n").diagnostics.empty());
}

}  // namespace
}  // namespace vetted::markup

namespace vetted::markup {
namespace {

// CommonMark 0.31 examples on entities, link destinations and info strings,
// rendered without a site (no link checks), compared with the spec's HTML.
TEST(CommonMark, EntitiesDestinationsAndInfoStrings) {
  struct Case {
    const char* md;
    const char* want;
  } cases[] = {
      // Entity and numeric character references.
      {"&nbsp; &amp; &copy; &AElig; &Dcaron;\n&frac34; &HilbertSpace; &DifferentialD;\n"
       "&ClockwiseContourIntegral; &ngE;",
       "<p>\xC2\xA0 &amp; \xC2\xA9 \xC3\x86 \xC4\x8E\n\xC2\xBE \xE2\x84\x8B \xE2\x85\x86\n"
       "\xE2\x88\xB2 \xE2\x89\xA7\xCC\xB8</p>\n"},
      {"&#35; &#1234; &#992; &#0;", "<p># \xD3\x92 \xCF\xA0 \xEF\xBF\xBD</p>\n"},
      {"&#X22; &#XD06; &#xcab;", "<p>&quot; \xE0\xB4\x86 \xE0\xB2\xAB</p>\n"},
      {"&nbsp &x; &#; &#x;\n&#87654321;\n&#abcdef0;\n&ThisIsNotDefined; &hi?;",
       "<p>&amp;nbsp &amp;x; &amp;#; &amp;#x;\n&amp;#87654321;\n&amp;#abcdef0;\n"
       "&amp;ThisIsNotDefined; &amp;hi?;</p>\n"},
      {"&copy", "<p>&amp;copy</p>\n"},
      {"&MadeUpEntity;", "<p>&amp;MadeUpEntity;</p>\n"},
      {"[foo](/f&ouml;&ouml; \"f&ouml;&ouml;\")",
       "<p><a href=\"/f%C3%B6%C3%B6\" title=\"f\xC3\xB6\xC3\xB6\">foo</a></p>\n"},
      {"[foo]\n\n[foo]: /f&ouml;&ouml; \"f&ouml;&ouml;\"",
       "<p><a href=\"/f%C3%B6%C3%B6\" title=\"f\xC3\xB6\xC3\xB6\">foo</a></p>\n"},
      {"``` f&ouml;&ouml;\nfoo\n```", "<pre><code class=\"language-f\xC3\xB6\xC3\xB6\">foo\n</code></pre>\n"},
      {"`f&ouml;&ouml;`", "<p><code>f&amp;ouml;&amp;ouml;</code></p>\n"},
      // Info strings.
      {"```ruby\ndef foo(x)\n  return 3\nend\n```",
       "<pre><code class=\"language-ruby\">def foo(x)\n  return 3\nend\n</code></pre>\n"},
      {"~~~~    ruby startline=3 $%@#$\ndef foo(x)\n~~~~~~~",
       "<pre><code class=\"language-ruby\">def foo(x)\n</code></pre>\n"},
      {"````;\n````", "<pre><code class=\"language-;\"></code></pre>\n"},
      {"~~~ aa ``` ~~~\nfoo\n~~~", "<pre><code class=\"language-aa\">foo\n</code></pre>\n"},
      {"``` foo\\+bar\nfoo\n```", "<pre><code class=\"language-foo+bar\">foo\n</code></pre>\n"},
      {"```\t\"><x\nfoo\n```", "<pre><code class=\"language-&quot;&gt;&lt;x\">foo\n</code></pre>\n"},
      // Link destinations: backslash escapes processed, then percent-encoded.
      {"[link](foo\\)\\:)", "<p><a href=\"foo):\">link</a></p>\n"},
      {"[link](\\(foo\\))", "<p><a href=\"(foo)\">link</a></p>\n"},
      {"[link](foo(and(bar)))", "<p><a href=\"foo(and(bar))\">link</a></p>\n"},
      {"[link](<foo(and(bar)>)", "<p><a href=\"foo(and(bar)\">link</a></p>\n"},
      {"[a](<b)c>)", "<p><a href=\"b)c\">a</a></p>\n"},
      {"[link](foo\\bar)", "<p><a href=\"foo%5Cbar\">link</a></p>\n"},
      {"[link](foo%20b&auml;)", "<p><a href=\"foo%20b%C3%A4\">link</a></p>\n"},
      {"[link](\"title\")", "<p><a href=\"%22title%22\">link</a></p>\n"},
      {"[link](</my uri>)", "<p><a href=\"/my%20uri\">link</a></p>\n"},
      {"[link](#fragment)\n\n[link](https://example.com#fragment)\n\n[link](https://example.com?foo=3#frag)",
       "<p><a href=\"#fragment\">link</a></p>\n<p><a href=\"https://example.com#fragment\">link</a></p>\n"
       "<p><a href=\"https://example.com?foo=3#frag\">link</a></p>\n"},
      {"[foo](/bar\\* \"ti\\*tle\")", "<p><a href=\"/bar*\" title=\"ti*tle\">foo</a></p>\n"},
      {"[foo]\n\n[foo]: /url\\bar\\*baz \"foo\\\"bar\\baz\"",
       "<p><a href=\"/url%5Cbar*baz\" title=\"foo&quot;bar\\baz\">foo</a></p>\n"},
      {"[foo]\n\n[foo]: /\xCF\x86\xCE\xBF\xCF\x85", "<p><a href=\"/%CF%86%CE%BF%CF%85\">foo</a></p>\n"},
      {"[Foo bar]\n\n[Foo bar]: <my url> 'title'",
       "<p><a href=\"my%20url\" title=\"title\">Foo bar</a></p>\n"},
      {"![foo](/url \"title\")", "<p><img src=\"/url\" alt=\"foo\" title=\"title\" loading=\"lazy\"></p>\n"},
      {"![foo ![bar](/url)](/url2)", "<p><img src=\"/url2\" alt=\"foo bar\" loading=\"lazy\"></p>\n"},
      // Autolinks: no backslash escapes, encoded all the same.
      {"<https://example.com/\\[\\>",
       "<p><a href=\"https://example.com/%5C%5B%5C\">https://example.com/\\[\\</a></p>\n"},
      {"<https://foo.bar.baz/test?q=hello&id=22&boolean>",
       "<p><a href=\"https://foo.bar.baz/test?q=hello&amp;id=22&amp;boolean\">"
       "https://foo.bar.baz/test?q=hello&amp;id=22&amp;boolean</a></p>\n"},
      {"<MAILTO:FOO@BAR.BAZ>", "<p><a href=\"MAILTO:FOO@BAR.BAZ\">MAILTO:FOO@BAR.BAZ</a></p>\n"},
      {"<foo@bar.example.com>", "<p><a href=\"mailto:foo@bar.example.com\">foo@bar.example.com</a></p>\n"},
  };
  Context ctx;
  ctx.file = "a.md";
  for (const Case& c : cases) {
    Document d = Render(c.md, ctx);
    EXPECT_EQ(d.html, c.want) << c.md;
    EXPECT_TRUE(d.diagnostics.empty()) << c.md << ": " << d.diagnostics[0].message;
  }
}

// Where vetted's policy departs from CommonMark on purpose: schemes other
// than http, https and mailto are refused (the link text stays).
TEST(CommonMark, OtherSchemesAreRefused) {
  Context ctx;
  ctx.file = "a.md";
  for (const char* md : {"<a+b+c:d>", "<irc://foo.bar:2233/baz>", "<made-up-scheme://foo,bar>",
                         "[link](javascript\\:alert(1))", "[x](c:/x)"}) {
    Document d = Render(md, ctx);
    EXPECT_EQ(d.html.find("<a"), std::string::npos) << md << " => " << d.html;
    ASSERT_EQ(d.diagnostics.size(), 1u) << md;
    EXPECT_EQ(d.diagnostics[0].rule, "unsafe-url") << md;
  }
}

}  // namespace
}  // namespace vetted::markup
