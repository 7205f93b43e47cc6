// Test helpers for render/: a small site built by hand (no load/, no
// markup/ needed) and its rendered output collected in memory.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>

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
  a.revision = RevisionOf(a.body);
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

// Everything RenderSite emitted, by path.
struct Output {
  std::map<std::string, std::string> files;
  std::mutex mu;
  Status status;

  const std::string& operator[](const std::string& path) const {
    static const std::string kMissing;
    auto it = files.find(path);
    return it == files.end() ? kMissing : it->second;
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
