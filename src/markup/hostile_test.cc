// Hostile Markdown must never produce markup that can run script: every tag
// and attribute in the output is from a short allow-list, every attribute is
// quoted, and every href/src passes the URL policy as a browser would read it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "markup/markup.h"

namespace vetted::markup {
namespace {

const std::set<std::string> kTags = {"p",      "h1",         "h2",   "h3",   "h4",    "h5",    "h6",    "em",
                                     "strong", "del",        "code", "pre",  "a",     "img",   "ul",    "ol",
                                     "li",     "blockquote", "hr",   "br",   "table", "thead", "tbody", "tr",
                                     "th",     "td",         "sup",  "span", "dfn",   "aside", "u"};
const std::set<std::string> kAttrs = {"href",       "src",     "alt",   "title",    "id",
                                      "class",      "loading", "start", "tabindex", "aria-describedby",
                                      "aria-label", "role"};

std::string Unescape(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '&') {
      out.push_back(v[i]);
      continue;
    }
    size_t semi = v.find(';', i);
    if (semi == std::string_view::npos) return out + "<<bad entity>>";
    std::string_view e = v.substr(i, semi - i + 1);
    if (e == "&amp;")
      out += '&';
    else if (e == "&lt;")
      out += '<';
    else if (e == "&gt;")
      out += '>';
    else if (e == "&quot;")
      out += '"';
    else if (e == "&#39;")
      out += '\'';
    else
      return out + "<<unexpected entity " + std::string(e) + ">>";
    i = semi;
  }
  return out;
}

// The judge of URLs, written here from the WHATWG URL standard rather than
// taken from the code under test: strip leading and trailing C0 controls and
// spaces, remove every tab and newline, then a scheme is an ASCII letter
// followed by letters, digits, '+', '-' or '.' up to ':'. Only http, https,
// mailto or no scheme at all (a relative URL) is safe.
bool BrowserWouldFollowSafely(std::string_view url) {
  auto c0_or_space = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!url.empty() && c0_or_space(url.front())) url.remove_prefix(1);
  while (!url.empty() && c0_or_space(url.back())) url.remove_suffix(1);
  std::string s;
  for (char c : url)
    if (c != '\t' && c != '\n' && c != '\r') s.push_back(c);
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (s.empty() || !alpha(s[0])) return true;  // no scheme: relative
  size_t i = 1;
  while (i < s.size() &&
         (alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.'))
    ++i;
  if (i == s.size() || s[i] != ':') return true;  // "a/b", "x?y:z": a path, relative
  std::string scheme;
  for (size_t k = 0; k < i; ++k)
    scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[k]))));
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

// True when a URL holds only what CommonMark leaves unencoded (no backslash,
// space, control character, quote, bracket or raw UTF-8), each '%' starting
// an escape: nothing a browser could read two ways.
bool PercentEncoded(std::string_view url) {
  for (size_t i = 0; i < url.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(url[i]);
    if (c == '%') {
      if (i + 2 >= url.size() || !isxdigit(static_cast<unsigned char>(url[i + 1])) ||
          !isxdigit(static_cast<unsigned char>(url[i + 2])))
        return false;
      continue;
    }
    if (!isalnum(c) &&
        std::string_view("-_.+!*'(),#@?=;:/&$~").find(static_cast<char>(c)) == std::string_view::npos)
      return false;
  }
  return true;
}

// Where a browser on a page of the site goes with an href (the WHATWG URL
// standard, written here apart from the code under test): kScheme for any
// scheme, kOtherHost for "//host" ('\\' counts as '/' on http(s) pages),
// else kThisSite.
enum class Goes { kThisSite, kOtherHost, kScheme };
Goes WhereBrowserGoes(std::string_view url) {
  auto c0_or_space = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!url.empty() && c0_or_space(url.front())) url.remove_prefix(1);
  while (!url.empty() && c0_or_space(url.back())) url.remove_suffix(1);
  std::string s;
  for (char c : url)
    if (c != '\t' && c != '\n' && c != '\r') s.push_back(c);
  if (!s.empty() && isalpha(static_cast<unsigned char>(s[0]))) {
    size_t i = 1;
    while (i < s.size() &&
           (isalnum(static_cast<unsigned char>(s[i])) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
      ++i;
    if (i < s.size() && s[i] == ':') return Goes::kScheme;
  }
  auto slash = [](char c) { return c == '/' || c == '\\'; };
  if (s.size() >= 2 && slash(s[0]) && slash(s[1])) return Goes::kOtherHost;
  return Goes::kThisSite;
}

// Returns "" when html is safe, else what is wrong.
std::string Audit(const std::string& html) {
  for (size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
    size_t j = i + 1;
    if (j < html.size() && html[j] == '/') ++j;
    size_t name_end = j;
    while (name_end < html.size() && (isalnum(static_cast<unsigned char>(html[name_end])))) ++name_end;
    std::string name = html.substr(j, name_end - j);
    if (!kTags.count(name)) return "tag <" + name + "> at " + std::to_string(i);
    size_t k = name_end;
    for (;;) {
      while (k < html.size() && html[k] == ' ') ++k;
      if (k >= html.size()) return "unterminated tag";
      if (html[k] == '>') break;
      size_t a = k;
      while (k < html.size() && (isalnum(static_cast<unsigned char>(html[k])) || html[k] == '-')) ++k;
      std::string attr = html.substr(a, k - a);
      if (!kAttrs.count(attr)) return "attribute " + attr + " on <" + name + ">";
      if (html.compare(k, 2, "=\"") != 0) return "unquoted attribute " + attr;
      size_t end = html.find('"', k + 2);
      if (end == std::string::npos) return "unterminated attribute";
      std::string raw = html.substr(k + 2, end - k - 2);
      if (raw.find_first_of("<>'") != std::string::npos) return "raw special in attribute " + raw;
      std::string value = Unescape(raw);
      if (value.find("<<") != std::string::npos) return value;
      if ((attr == "href" || attr == "src") && !BrowserWouldFollowSafely(value)) return "unsafe url " + value;
      if ((attr == "href" || attr == "src") && !PercentEncoded(value)) return "url not encoded " + value;
      k = end + 1;
    }
    i = k;
  }
  for (size_t i = html.find('&'); i != std::string::npos; i = html.find('&', i + 1)) {
    size_t semi = html.find(';', i);
    if (semi == std::string::npos || semi - i > 10) return "bare &";
  }
  return "";
}

TEST(Hostile, NothingExecutableSurvives) {
  const std::string_view cases[] = {
      "<script>alert(1)</script>",
      "<SCRIPT SRC=//x.org/x.js></SCRIPT>",
      "<img src=x onerror=alert(1)>",
      "<div onclick=\"alert(1)\">x</div>",
      "<iframe src=\"javascript:alert(1)\"></iframe>",
      "<svg/onload=alert(1)>",
      "<!-- comment --><style>*{}</style>",
      "<a href=\"javascript:alert(1)\">x</a>",
      "[x](javascript:alert(1))",
      "[x](JAVASCRIPT:alert(1))",
      "[x](  javascript:alert(1))",
      "[x](<javascript:alert(1)>)",
      "[x](jav&#x61;script:alert(1))",
      "[x](jav&#97;script&colon;alert(1))",
      "[x](javascript&colon;alert(1))",
      "[x](java&Tab;script:alert(1))",
      "[x](java&#9;script:alert(1))",
      "[x](java&#10;script:alert(1))",
      "[x](&#1;javascript:alert(1))",
      "[x](&#0;javascript:alert(1))",
      "[x](%20javascript:alert(1))",
      "[x](vbscript:msgbox(1))",
      "[x](data:text/html;base64,PHNjcmlwdD4=)",
      "[x](DaTa:text/html,<script>alert(1)</script>)",
      "[x](file:///etc/passwd)",
      "<javascript:alert(1)>",
      "<vbscript:alert(1)>",
      "![x](javascript:alert(1))",
      "![x](data:image/svg+xml,<svg onload=alert(1)>)",
      "![x\"onerror=\"alert(1)](https://x.org/a.png)",
      "![x](https://x.org/a.png \"\\\"onerror=alert(1)\")",
      "[x](https://x.org/ \"\\\"><script>alert(1)</script>\")",
      "[x](https://x.org/ '\"><script>alert(1)</script>')",
      "[x](https://x.org/\"onmouseover=\"alert(1))",
      "[x](<https://x.org/\" onmouseover=\"alert(1)>)",
      "[x][r]\n\n[r]: javascript:alert(1)",
      "[x][r]\n\n[r]: https://x.org \"\\\"><script>\"",
      "## <script>alert(1)</script>",
      "## \" onmouseover=\"alert(1)",
      "```\"><script>alert(1)</script>\n</code></pre><script>\n```",
      "`<script>alert(1)</script>`",
      "::: {.note title=\"\\\"><script>alert(1)</script>\"}\nx\n:::",
      "::: {.\"onclick=alert(1) title=x}\nx\n:::",
      "::: \"><script>alert(1)</script>\nx\n:::",
      "::: {include=\"../../etc/passwd\"}\n:::",
      "[@\"><script>alert(1)</script>]",
      "[@a, p. \"><script>alert(1)</script>]",
      "| <script> | <img src=x onerror=alert(1)> |\n|---|---|\n| a | b |",
      "&lt;script&gt;alert(1)&lt;/script&gt;",
      "&#60;script&#62;alert(1)&#60;/script&#62;",
      "&#x3C;img src=x onerror=alert(1)&#x3E;",
      "www.x.org/\"onmouseover=\"alert(1)",
      "https://x.org/<script>",
      "x@y.org\"><script>",
      std::string_view("\x00<script>\x00", 10),
      std::string_view("* <scr\x00ipt>", 12),
      "<<script>script>alert(1)<</script>/script>",
      "[<img src=x onerror=alert(1)>](https://x.org)",
      "[x](https://x.org)<img src=x onerror=alert(1)>",
      "> <script>alert(1)</script>",
      "1. <b onmouseover=alert(1)>x</b>",
      "Term <dfn onclick=alert(1)>x</dfn> oxytocin",
      // Destinations a browser reads differently from how they look (issue 11).
      "[see](/\\evil.example/path)",
      "[see](/\\\\evil.example/path)",
      "[see](\\\\evil.example)",
      "[see](/&#92;evil.example)",
      "[see](/&bsol;evil.example)",
      "[see](<//evil.example>)",
      "[see](</\t/evil.example>)",
      "[see](/&Tab;/evil.example)",
      "[see](< /\\evil.example>)",
      "![x](/\\evil.example/a.png)",
      "[x](<java\tscript:alert(1)>)",
      "[x](<java\x01script:alert(1)>)",
      "[x](j&#x0D;avascript:alert(1))",
      "[x](java&NewLine;script:alert(1))",
      "[x](javascript\\:alert(1))",
      "[x](javascript&#58;alert(1))",
      "[x](&#x20;javascript:alert(1))",
      "[x](<javascript:alert(1) >)",
      "[x](JaVaScRiPt&colon;alert(1))",
      "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
      "[x](foo\\)\\:)",
      "[x](aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:alert(1))",
      "[x][r]\n\n[r]: /\\evil.example",
      "[x][r]\n\n[r]: <java\tscript:alert(1)>",
      "<https://x.org/\\\"onmouseover=alert(1)>",
      "``` \"&gt;&lt;script&gt;alert(1)&lt;/script&gt;\nx\n```",
      "``` &quot;onmouseover=alert(1)\nx\n```",
  };
  std::vector<GlossaryTerm> terms = {{"oxytocin", "\"><script>alert(1)</script>", {"<script>"}, 1}};
  Glossary glossary(terms);
  Reference ref;
  ref.id = "a";
  Callout callout;
  callout.name = "../../etc/passwd";
  callout.title = "\"><script>alert(1)</script>";
  callout.kind = "\" onclick=\"x";
  callout.disclosure = "<script>alert(1)</script>";
  callout.body_markdown = "[x](javascript:alert(1)) <script>";
  Context ctx;
  ctx.file = "x.md";
  ctx.glossary = &glossary;
  ctx.find_reference = [&](std::string_view k) { return k == "a" ? &ref : nullptr; };
  ctx.resolve_link = [](std::string_view t) -> std::optional<std::string> { return std::string(t); };
  ctx.find_callout = [&](std::string_view) { return &callout; };
  for (std::string_view md : cases) {
    Document d = Render(md, ctx);
    EXPECT_EQ(Audit(d.html), "") << md << "\n=> " << d.html;
    EXPECT_EQ(d.html.find("<script"), std::string::npos) << md;
    EXPECT_EQ(d.html.find("=\"javascript"), std::string::npos) << md;
  }
}

TEST(Hostile, UnsafeLinksWarnAndKeepText) {
  Context ctx;
  ctx.file = "a.md";
  const char* cases[] = {"[click](javascript:alert(1))", "[click](jav&#x61;script:alert(1))",
                         "[click](  JavaScript:alert(1))", "[click](vbscript:x)",
                         "[click](data:text/html,x)"};
  for (const char* md : cases) {
    Document d = Render(md, ctx);
    EXPECT_EQ(d.html, "<p>click</p>\n") << md;
    ASSERT_EQ(d.diagnostics.size(), 1u) << md;
    EXPECT_EQ(d.diagnostics[0].rule, "unsafe-url");
    EXPECT_EQ(d.diagnostics[0].severity, Severity::kWarning);
    EXPECT_EQ(d.diagnostics[0].pos.line, 1);
  }
}

// The link policy must never call an href internal (and check it against
// the site) while a browser would leave the site with it, and must refuse
// any disguise of a script scheme: each destination, as a link and as an
// image, against a site that has every page it is asked about.
TEST(Hostile, InternalLinksStayOnTheSite) {
  const char* destinations[] = {
      "/\\evil.example/path",
      "\\\\evil.example",
      "/\\/evil.example",
      "\\/evil.example",
      "/&#92;evil.example",
      "/&bsol;&bsol;evil.example",
      "/&Tab;/evil.example",
      "</\t/evil.example>",
      "&#x2F;&#x2F;evil.example",
      "<//evil.example>",
      "< //evil.example>",
      "<\t//evil.example>",
      "///evil.example",
      "/%5Cevil.example",
      "%2F%2Fevil.example",
      "/ok/",
      "ok.md",
      "#x",
      "?q=1",
      "foo\\)\\:",
      "12:30",
      "<a b>",
      "<java script:x>",
      "https://x.org/a\\b",
      "https:\\\\x.org",
      "mailto:a@b.org",
      "javascript:x",
      "<java\tscript:x>",
      "java&Tab;script:x",
      "&#1;javascript:x",
      "<\x01javascript:x>",
      "jav&#x0A;ascript:x",
      "data&colon;x",
      "c:/x",
      "a+b:x",
      "vbscript\\:x",
      "<\x7Fjavascript:x>",
  };
  for (const char* dest : destinations) {
    for (const char* form : {"[x](", "![x]("}) {
      std::string md = std::string(form) + dest + ")";
      std::vector<std::string> asked;
      Context ctx;
      ctx.file = "a.md";
      ctx.resolve_link = [&asked](std::string_view t) -> std::optional<std::string> {
        asked.emplace_back(t);
        return std::string(t);  // every page exists: the href keeps what was written
      };
      Document d = Render(md, ctx);
      EXPECT_EQ(Audit(d.html), "") << md << "\n=> " << d.html;
      size_t at = d.html.find(form[0] == '!' ? "src=\"" : "href=\"");
      if (at == std::string::npos) {  // refused: it must have named a scheme
        ASSERT_EQ(d.diagnostics.size(), 1u) << md << " => " << d.html;
        EXPECT_EQ(d.diagnostics[0].rule, "unsafe-url") << md;
        continue;
      }
      at = d.html.find('"', at) + 1;
      std::string href = Unescape(d.html.substr(at, d.html.find('"', at) - at));
      Goes goes = WhereBrowserGoes(href);
      // (a scheme other than http, https or mailto already failed the Audit)
      if (!asked.empty()) {
        EXPECT_EQ(goes, Goes::kThisSite) << md << ": judged internal but the browser goes to " << href;
      } else {
        EXPECT_TRUE(goes != Goes::kThisSite || href.empty() || href[0] == '#' || href[0] == '?')
            << md << ": not checked against the site but stays on it: " << href;
      }
    }
  }
  // The example: checked as a page of the site (a broken link there), sent encoded.
  Context ctx;
  ctx.file = "a.md";
  ctx.resolve_link = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  Document d = Render("[see](/\\evil.example/path)", ctx);
  EXPECT_EQ(d.html, "<p><a href=\"/%5Cevil.example/path\">see</a></p>\n");
  ASSERT_EQ(d.diagnostics.size(), 1u);
  EXPECT_EQ(d.diagnostics[0].rule, "broken-link");
}

TEST(Hostile, AuditCatchesBadMarkup) {  // the checker itself must be able to fail
  EXPECT_NE(Audit("<script>"), "");
  EXPECT_NE(Audit("<img src=\"x\" onerror=\"y\">"), "");
  EXPECT_NE(Audit("<a href=\"javascript:x\">"), "");
  EXPECT_NE(Audit("<a href=\"jav&#97;script:x\">"), "");
  EXPECT_NE(Audit("<a href=x>"), "");
  EXPECT_NE(Audit("<a href=\"JavaScript:x\">"), "");
  EXPECT_NE(Audit("<a href=\" \x01java\tscr\nipt:x\">"), "");
  EXPECT_NE(Audit("<img src=\"data:image/png,x\">"), "");
  EXPECT_NE(Audit("<a href=\"vbscript:x\">"), "");
  EXPECT_NE(Audit("<a href=\"/\\evil.example/\">"), "");
  EXPECT_NE(Audit("<a href=\"/a b\">"), "");
  EXPECT_NE(Audit("<a href=\"/100%\">"), "");
  EXPECT_EQ(WhereBrowserGoes("/\\evil.example"), Goes::kOtherHost);
  EXPECT_EQ(WhereBrowserGoes(" /\t\\evil.example"), Goes::kOtherHost);
  EXPECT_EQ(WhereBrowserGoes("/%5Cevil.example"), Goes::kThisSite);
  EXPECT_EQ(WhereBrowserGoes("java\tscript:x"), Goes::kScheme);
  EXPECT_EQ(WhereBrowserGoes("foo):"), Goes::kThisSite);
  EXPECT_EQ(Audit("<a href=\"https://x.org/a?b=c:d\">x</a>"), "");
  EXPECT_EQ(Audit("<a href=\"/a/b/#c\">x</a><a href=\"mailto:a@b.org\">y</a>"), "");
  EXPECT_EQ(Audit("<p class=\"a\">x &amp; y</p>"), "");
}

}  // namespace
}  // namespace vetted::markup
