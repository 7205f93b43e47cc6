// markup::Render on arbitrary bytes, against a context that exercises every
// feature: a glossary, references (some with hostile fields), a link resolver
// and callouts. Aborts when the fragment could run script (see html_check.h)
// or when the glossary tooltips, TOC or diagnostics break their contracts.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "fuzz/html_check.h"
#include "markup/markup.h"

namespace vetted::fuzz {
namespace {

struct Fixture {
  std::map<std::string, Reference, std::less<>> refs;
  std::vector<Callout> callouts;
  std::unique_ptr<markup::Glossary> glossary;
  markup::Context ctx;

  Fixture() {
    for (const char* key : {"a", "b", "smith2020", "doe-19", "x:y"}) refs[key].id = key;
    refs["a"].title = "Tears <script>alert(1)</script> and sex";
    refs["a"].url = "javascript:alert(1)";
    refs["b"].doi = "10.1/\"onmouseover=alert(1)";
    refs["b"].authors = {{"O'Brien", "J", ""}, {"", "", "<b>Org</b>"}};
    Callout help;
    help.name = "get-help";
    help.title = "Help \"now\" <b>";
    help.kind = "help";
    help.disclosure = "Paid <i>referrals</i> & more";
    help.body_markdown = "Call **the [line](javascript:x)** <script>.";
    callouts.push_back(help);
    Callout nested;
    nested.name = "nested";
    nested.kind = "crisis";
    nested.body_markdown = "::: {include=get-help}\n:::\n";
    callouts.push_back(nested);
    std::vector<GlossaryTerm> terms = {{"orgasm", "A \"peak\" <b>", {"climax"}, 1},
                                       {"postcoital dysphoria", "Sadness & tears", {"PCD"}, 2},
                                       {"sex", "x", {}, 3},
                                       {"a", "single letter", {}, 4}};
    glossary = std::make_unique<markup::Glossary>(terms);
    ctx.file = "content/x/y.md";
    ctx.first_line = 5;
    ctx.glossary = glossary.get();
    ctx.find_reference = [this](std::string_view k) -> const Reference* {
      auto it = refs.find(k);
      return it == refs.end() ? nullptr : &it->second;
    };
    // Echoes site paths back (as a resolver of a site with that URL would),
    // so the renderer's own escaping of resolved URLs is exercised too.
    ctx.resolve_link = [](std::string_view t) -> std::optional<std::string> {
      if (t == "ok.md" || t == "../x/ok.md") return std::string("/x/ok/");
      if (!t.empty() && t[0] == '/' && t.size() % 2 == 0) return std::string(t);
      return std::nullopt;
    };
    ctx.find_callout = [this](std::string_view n) -> const Callout* {
      for (const Callout& c : callouts)
        if (c.name == n) return &c;
      return nullptr;
    };
    ctx.toc_min = 2;
    ctx.toc_max = 4;
  }
};

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "contract broken: %s\n", what);
  std::abort();
}

bool PercentEncoded(std::string_view v) {
  for (size_t i = 0; i < v.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (v.substr(i, 5) == "&amp;" || v.substr(i, 5) == "&#39;") {
      i += 4;
    } else if (c == '%') {
      if (i + 2 >= v.size() || !std::isxdigit(static_cast<unsigned char>(v[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(v[i + 2])))
        return false;
    } else if (!std::isalnum(c) &&
               std::string_view("-_.+!*(),#@?=;:/$~").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// Every href/src value holds only what CommonMark's normalization leaves
// (letters, digits, -_.+!*'(),#@?=;:/$~, "&amp;" and "&#39;" for & and ',
// '%' before two hex digits): nothing a browser could read two ways. Reads
// the tags as AuditHtml does (which has passed: well-formed, values quoted).
bool UrlsPercentEncoded(std::string_view html) {
  for (size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i)) {
    size_t k = i + 1;
    while (k < html.size() && html[k] != ' ' && html[k] != '>') ++k;
    while (k < html.size() && html[k] == ' ') {
      size_t name = k + 1, eq = html.find('=', name);
      if (eq == std::string_view::npos || html.substr(eq, 2) != "=\"") return false;
      size_t end = html.find('"', eq + 2);
      if (end == std::string_view::npos) return false;
      std::string_view attr = html.substr(name, eq - name);
      if ((attr == "href" || attr == "src") && !PercentEncoded(html.substr(eq + 2, end - eq - 2)))
        return false;
      k = end + 1;
    }
    i = k;
  }
  return true;
}

}  // namespace
}  // namespace vetted::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vetted;
  static const fuzz::Fixture* fixture = new fuzz::Fixture();
  std::string_view md(reinterpret_cast<const char*>(data), size);
  markup::Document doc = markup::Render(md, fixture->ctx);
  fuzz::RequireSafeHtml(doc.html, "markup::Render");
  fuzz::Check(fuzz::UrlsPercentEncoded(doc.html), "every href and src percent-encoded");
  for (const markup::TocEntry& e : doc.toc) {
    fuzz::Check(e.level >= fixture->ctx.toc_min && e.level <= fixture->ctx.toc_max, "toc level in range");
    fuzz::Check(!e.id.empty() && doc.html.find("id=\"" + e.id + "\"") != std::string::npos,
                "toc id present in the html");
  }
  for (const std::string& key : doc.cited) fuzz::Check(fixture->refs.count(key) == 1, "cited key is known");
  for (const Diagnostic& d : doc.diagnostics) {
    fuzz::Check(d.pos.file == "content/x/y.md" || d.pos.file.rfind("callouts/", 0) == 0 || d.pos.file.empty(),
                "diagnostic file");
    fuzz::Check(!d.rule.empty() && d.stage == "markup", "diagnostic rule and stage");
  }
  fuzz::Check(doc.words >= 0, "word count");
  return 0;
}
