// Test helpers for render/: a small site built by hand (no load/, no
// markup/ needed) and its rendered output collected in memory.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "markup/markup.h"
#include "model/model.h"
#include "render/render.h"

namespace vetted::render::testing {

// themes/default/ read from the source tree, as load/ would embed it.
inline std::map<std::string, std::string> DefaultTheme() {
  std::map<std::string, std::string> files;
  std::filesystem::path dir = std::filesystem::path(VETTED_SOURCE_DIR) / "themes" / "default";
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    files[std::filesystem::relative(e.path(), dir).generic_string()] = ss.str();
  }
  return files;
}

inline Person MakePerson(std::string id, std::string name, std::string credentials, std::string role,
                         std::string summary) {
  Person p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.credentials = std::move(credentials);
  p.roles = {std::move(role)};
  p.summary = std::move(summary);
  return p;
}

inline Article MakeArticle(std::vector<std::string> section, std::string slug, std::string title) {
  Article a;
  a.section_path = std::move(section);
  a.slug = std::move(slug);
  a.url = "/";
  for (const auto& s : a.section_path) a.url += s + "/";
  a.url += a.slug + "/";
  a.file = "content" + a.url.substr(0, a.url.size() - 1) + ".md";
  a.title = std::move(title);
  a.description = "What " + a.title + " means.";
  a.authors = {"jane"};
  a.published = *Date::Parse("2024-01-10");
  a.body = "Body of " + a.title + ".";
  a.revision = RevisionOf(a);
  return a;
}

inline Section MakeSection(std::vector<std::string> path, std::string title, std::string description) {
  Section s;
  s.path = std::move(path);
  s.url = "/";
  for (const auto& p : s.path) s.url += p + "/";
  s.title = std::move(title);
  s.description = std::move(description);
  return s;
}

// A document as markup/ would produce it for an article citing `cited`.
inline markup::Document MakeDoc(const std::string& text, const std::vector<std::string>& cited) {
  markup::Document d;
  d.html = "<p>" + text;
  for (size_t k = 0; k < cited.size(); ++k) {
    std::string n = std::to_string(k + 1);
    d.html += "<sup class=\"cite\"><a href=\"#ref-" + n + "\" id=\"cite-" + n + "\">" + n + "</a></sup>";
  }
  d.html +=
      "</p>\n<h2 id=\"why-it-happens\">Why it happens</h2>\n<p>Because.</p>\n"
      "<h2 id=\"what-helps\">What helps</h2>\n<p>Talking.</p>\n"
      "<aside class=\"callout callout-takeaways\" aria-label=\"Takeaways\"><p>Key points.</p></aside>\n";
  d.toc = {{2, "why-it-happens", "Why it happens"}, {2, "what-helps", "What helps"}};
  d.cited = cited;
  return d;
}

inline constexpr const char* kCry = "relationships/sex/cry/index.html";
inline constexpr const char* kStale = "relationships/sex/stale/index.html";
inline constexpr const char* kHostile = "relationships/hostile/index.html";
inline const char* const kHostileTitle = "</script><script>alert(1)</script> & \"quotes\"";
inline const char* const kHostileDescription = "\"><img src=x onerror=alert(1)> <!-- x";

// A small site (`smith` must outlive `docs`, which points at it): two sections, three people, four articles
// (one reviewed and current, one whose text changed since review, one with a hostile title, one unreviewed),
// pages, callouts, a glossary.
// Every HTML page RenderSite writes for BuildSmallSite, sorted.
inline const std::vector<std::string> kSmallSitePages = {
    "404.html",
    "editorial-process/index.html",
    "glossary/index.html",
    "index.html",
    "legacy/cry.html",
    "old/cry/index.html",
    "people/fred/index.html",
    "people/index.html",
    "people/jane/index.html",
    "people/ria/index.html",
    "relationships/hostile/index.html",
    "relationships/index.html",
    "relationships/plain/index.html",
    "relationships/sex/cry/index.html",
    "relationships/sex/index.html",
    "relationships/sex/stale/index.html",
    "review-board/index.html",
    "tags/emotions/index.html",
    "tags/index.html",
    "tags/sex/index.html",
};

inline void BuildSmallSite(Site& site, markup::SiteDocs& docs, Reference& smith) {
  site.config.title = "Test Health";
  site.config.base_url = "https://example.org/";
  site.config.language = "en-GB";
  site.config.review_interval_months = 24;
  site.theme.files = DefaultTheme();
  site.sections = {MakeSection({"relationships"}, "Relationships", "Love, sex and family."),
                   MakeSection({"relationships", "sex"}, "Sex and relationships", "")};
  Person jane = MakePerson("jane", "Jane Doe", "PhD", "writer", "Jane writes about relationships.");
  jane.title = "Health writer";
  Person ria = MakePerson("ria", "Ria Roe", "MD", "medical-reviewer", "Ria is a psychiatrist.");
  ria.title = "Psychiatrist";
  ria.same_as = {"https://www.example.com/ria", "javascript:alert(1)"};
  ria.image = {"/images/ria.jpg", "Ria Roe smiling", "", "", 0};
  site.people = {
      {"jane", jane}, {"ria", ria}, {"fred", MakePerson("fred", "Fred Fox", "", "fact-checker", "")}};

  Article cry = MakeArticle({"relationships", "sex"}, "cry", "Why people cry during sex");
  cry.updated = *Date::Parse("2024-03-05");
  cry.reviewers = {{"ria", *Date::Parse("2022-01-01"), "sha256:old", 0},
                   {"ria", *Date::Parse("2024-03-06"), cry.revision, 0}};
  cry.fact_checkers = {"fred"};
  cry.tags = {"sex", "emotions"};
  cry.image = {"/images/hero.jpg", "Two people holding hands", "Photo: A. Lens / Agency", "Closeness.", 0};
  cry.callouts = {"get-help"};
  cry.aliases = {"/old/cry/", "/legacy/cry.html", "javascript:alert(1)", "/../../etc/"};
  Article stale = MakeArticle({"relationships", "sex"}, "stale", "Stale review");
  stale.reviewers = {{"ria", *Date::Parse("2023-05-01"), "sha256:0000", 0}};
  stale.tags = {"sex"};
  Article hostile = MakeArticle({"relationships"}, "hostile", kHostileTitle);
  hostile.description = kHostileDescription;
  Article plain = MakeArticle({"relationships"}, "plain", "Unreviewed article");
  plain.tags = {"emotions"};
  site.articles = {hostile, plain, cry, stale};  // sorted by url

  Page editorial{"pages/editorial-process.md",
                 "editorial-process",
                 "/editorial-process/",
                 "Editorial process",
                 "How we work.",
                 "",
                 1,
                 {}};
  Page board{"pages/review-board.md",
             "review-board",
             "/review-board/",
             "Our review board",
             "Who reviews.",
             "",
             1,
             {}};
  site.pages = {editorial, board};

  Callout help;
  help.name = "get-help";
  help.title = "Find a therapist";
  help.kind = "help";
  help.disclosure = "We earn a fee when you book through this directory.";
  Callout crisis;
  crisis.name = "crisis-support";
  crisis.title = "If you are in crisis";
  crisis.kind = "crisis";
  crisis.topics = {"emotions"};
  site.callouts = {crisis, help};
  site.glossary = {{"dyspareunia", "Pain during or after sex.", {"painful sex"}, 0}};

  smith.id = "smith2020";
  smith.title = "Crying after sex";
  smith.doi = "10.1000/xyz";
  smith.issued = *Date::Parse("2020");
  docs.articles = {MakeDoc("Hostile body", {}), MakeDoc("Plain body", {}),
                   MakeDoc("People sometimes cry", {"smith2020"}), MakeDoc("Stale body", {})};
  docs.article_refs = {{}, {}, {&smith}, {}};
  docs.sections = {markup::Document{}, markup::Document{}};
  docs.sections[0].html = "<p>Section intro text.</p>\n";
  docs.pages = {markup::Document{}, markup::Document{}};
  docs.pages[0].html = "<p>Editorial process body.</p>\n";
  docs.pages[1].html = "<p>Board intro text.</p>\n";
  // Glossary markup is numbered per fragment: the bio's ids repeat the body's.
  const std::string term =
      "<dfn class=\"term\" tabindex=\"0\" aria-describedby=\"gl-dyspareunia-1\">dyspareunia</dfn>"
      "<span class=\"term-def\" role=\"tooltip\" id=\"gl-dyspareunia-1\">Pain during or after sex.</span>";
  docs.articles[2].html += "<p>About " + term + " here.</p>\n";
  docs.people["jane"].html = "<p>Jane studies " + term + " and more.</p>\n<p>More.</p>\n";
  docs.people["ria"].html = "<p>Ria bio.</p>\n";
  docs.callouts["get-help"].html = "<p>Search the directory.</p>\n";
  docs.callouts["crisis-support"].html = "<p>Call your local emergency number.</p>\n";
}

// Attribute names of every tag in an HTML text (a tiny scanner, enough for our output).
inline std::vector<std::pair<std::string, std::string>> Attributes(const std::string& html) {
  std::vector<std::pair<std::string, std::string>> out;  // {tag, attribute}
  for (size_t p = html.find('<'); p != std::string::npos; p = html.find('<', p + 1)) {
    size_t end = html.find('>', p);
    if (end == std::string::npos) break;
    std::string tag = html.substr(p + 1, end - p - 1);
    if (tag.empty() || tag[0] == '/' || tag[0] == '!') continue;
    size_t sp = tag.find(' ');
    std::string name = tag.substr(0, sp);
    for (size_t q = sp; q != std::string::npos && q < tag.size();) {
      while (q < tag.size() && tag[q] == ' ') ++q;
      size_t eq = tag.find_first_of("= ", q);
      std::string attr = tag.substr(q, eq == std::string::npos ? std::string::npos : eq - q);
      if (!attr.empty()) out.push_back({name, attr});
      if (eq == std::string::npos) break;
      if (tag[eq] == '=' && eq + 1 < tag.size() && tag[eq + 1] == '"') {
        q = tag.find('"', eq + 2);
        if (q != std::string::npos) ++q;
      } else {
        q = eq + 1;
      }
    }
    // Skip the contents of a JSON-LD script.
    if (name == "script") p = html.find("</script>", p);
    if (p == std::string::npos) break;
  }
  return out;
}

// What breaks a strict Content-Security-Policy or leaks to third parties:
// inline scripts (other than JSON-LD), <style>, style and on* attributes,
// javascript: and http:// URLs. Empty when the page is clean.
inline std::vector<std::string> CspProblems(const std::string& html) {
  std::vector<std::string> problems;
  for (size_t p = html.find("<script"); p != std::string::npos; p = html.find("<script", p + 1)) {
    std::string open = html.substr(p, html.find('>', p) - p + 1);
    bool external = open.rfind("<script src=\"/assets/", 0) == 0;
    bool ld = open == "<script type=\"application/ld+json\">";
    if (!external && !ld) problems.push_back("inline script " + open);
    if (external && html.compare(p + open.size(), 9, "</script>") != 0)
      problems.push_back("script with content");
  }
  if (html.find("<style") != std::string::npos) problems.push_back("<style>");
  for (const auto& [tag, attr] : Attributes(html)) {
    if (attr == "style" || (attr.size() > 2 && attr[0] == 'o' && attr[1] == 'n'))
      problems.push_back("<" + tag + " " + attr + ">");
  }
  if (html.find("javascript:") != std::string::npos) problems.push_back("javascript: URL");
  if (html.find("http://") != std::string::npos) problems.push_back("http:// URL");
  return problems;
}

// Duplicate ids, and aria-labelledby / for / aria-describedby naming no id.
inline std::vector<std::string> IdProblems(const std::string& html) {
  std::vector<std::string> problems;
  std::map<std::string, int> seen;
  for (size_t p = html.find(" id=\""); p != std::string::npos; p = html.find(" id=\"", p + 1)) {
    std::string id = html.substr(p + 5, html.find('"', p + 5) - p - 5);
    if (++seen[id] == 2) problems.push_back("duplicate id " + id);
  }
  for (const char* attr : {" aria-labelledby=\"", " for=\"", " aria-describedby=\""}) {
    std::string a = attr;
    for (size_t p = html.find(a); p != std::string::npos; p = html.find(a, p + 1)) {
      std::string id = html.substr(p + a.size(), html.find('"', p + a.size()) - p - a.size());
      if (!seen.count(id)) problems.push_back(a + id + " names no element");
    }
  }
  return problems;
}

// Everything RenderSite emitted, by path.
struct Output {
  std::map<std::string, std::string> files;
  std::mutex mu;
  Status status;

  // A page that was not produced is a test failure (never a silent ""),
  // so negative checks on it cannot pass on nothing.
  const std::string& operator[](const std::string& path) const {
    static const std::string kMissing;
    auto it = files.find(path);
    if (it == files.end()) {
      ADD_FAILURE() << "no output file " << path;
      return kMissing;
    }
    return it->second;
  }
  // Every .html file produced, sorted.
  std::vector<std::string> HtmlPages() const {
    std::vector<std::string> out;
    for (const auto& [path, bytes] : files)
      if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".html") == 0) out.push_back(path);
    return out;
  }
  bool Has(const std::string& path) const { return files.count(path) > 0; }
};

inline void RenderInto(const Site& site, const markup::SiteDocs& docs, Output& out, Options options = {}) {
  out.status = RenderSite(site, docs, options, [&](const std::string& path, std::string bytes) {
    std::lock_guard<std::mutex> lock(out.mu);
    out.files[path] = std::move(bytes);
  });
}

// The text between the first `open` and the next `close` after it ("" when absent).
inline std::string Between(const std::string& s, const std::string& open, const std::string& close) {
  size_t a = s.find(open);
  if (a == std::string::npos) return "";
  a += open.size();
  size_t b = s.find(close, a);
  return b == std::string::npos ? "" : s.substr(a, b - a);
}

inline size_t Count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + needle.size())) ++n;
  return n;
}

}  // namespace vetted::render::testing
