// markup/: Markdown -> safe HTML fragments, through md4c's callback API and
// our own renderer. Thread-safe: Render may run on many threads at once.
//
// Guarantees for every fragment: raw HTML in the source is escaped, never
// passed through; link and image URLs survive only when http:, https:,
// mailto: or relative (anything else becomes an inert, marked-up text);
// no attribute can carry script.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/model.h"

namespace vetted::markup {

struct TocEntry {
  int level = 2;     // 2..6
  std::string id;    // unique within the document, stable across builds
  std::string text;  // plain text of the heading
};

// Glossary terms matched case-insensitively on word boundaries, first use only
// (not in headings, links or code). Built once per site, shared read-only.
class Glossary {
 public:
  explicit Glossary(const std::vector<GlossaryTerm>& terms);
  ~Glossary();
  Glossary(const Glossary&) = delete;
  Glossary& operator=(const Glossary&) = delete;
  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  Impl* impl_;
};

struct Context {
  std::string file;    // for diagnostics, e.g. "content/a/b.md"
  int first_line = 1;  // file line of the fragment's first line
  // Looks up a citation key; nullptr = unknown key (an error, rule
  // "unknown-citation"). Empty function: citations are left as text.
  std::function<const Reference*(std::string_view key)> find_reference;
  // Resolves an internal link target (a site URL like "/a/b/" or a path to a
  // .md file relative to `file`) to the canonical URL; nullopt = broken link
  // (an error, rule "broken-link"). Empty function: links are not checked.
  std::function<std::optional<std::string>(std::string_view target)> resolve_link;
  const Glossary* glossary = nullptr;  // nullptr: no glossary marking
  // Named callouts for `::: {include=name}` includes (`callout=name` is
  // accepted too); returning nullptr = unknown (an error, rule
  // "unknown-callout"). Empty function: every include is unknown.
  std::function<const Callout*(std::string_view name)> find_callout;
  int toc_min = 2, toc_max = 3;  // heading levels collected into Document::toc
  // Optional, asked only for an unknown citation key or callout name: the
  // closest known one for a "did you mean" hint; "" or an empty function = none.
  std::function<std::string(std::string_view key)> suggest_reference;
  std::function<std::string(std::string_view name)> suggest_callout;
};

struct Document {
  std::string html;                         // the fragment
  std::vector<TocEntry> toc;                // headings within [toc_min, toc_max], in order
  std::vector<std::string> cited;           // citation keys in order of first citation; number = index + 1
  std::vector<std::string> links;           // resolved internal URLs linked from the body
  std::vector<std::string> glossary_terms;  // terms marked
  std::string plain_text;                   // visible text, blocks separated by "\n\n"
  int words = 0;
  // Stage "markup". A failure inside the renderer (an exception thrown by a
  // Context callback, or md4c giving up) stops the fragment there and is an
  // error "render-failure" at the file and line reached: html is then
  // incomplete and must not be published.
  std::vector<Diagnostic> diagnostics;
};

// Renders one Markdown fragment. See the syntax in docs/writing.md.
Document Render(std::string_view markdown, const Context& ctx);

// The box for a callout from callouts/: `<aside class="callout callout-<kind>"
// aria-label="<title or kind>">`, the title as `<p class="callout-title">`,
// then body_html (its rendered body), then `<p class="disclosure">`.
std::string CalloutBox(const Callout& callout, std::string_view body_html);

// Renders one article's body at a time against the whole site (links,
// citations, glossary, callouts), for builds that stream pages rather than
// hold every Document in memory. Thread-safe; `site` must outlive it.
class ArticleRenderer {
 public:
  explicit ArticleRenderer(const Site& site);
  ~ArticleRenderer();
  ArticleRenderer(const ArticleRenderer&) = delete;
  ArticleRenderer& operator=(const ArticleRenderer&) = delete;

  struct Rendered {
    Document doc;
    std::vector<const Reference*> refs;  // doc.cited resolved, in citation order
  };
  // Article `i` of the site (i < site.articles.size()). Its strings keep their
  // working reservations (meant to be used and dropped, page by page).
  Rendered Render(size_t i) const;
  // Every URL the site will have (see SiteDocs::urls).
  const std::vector<std::string>& urls() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Every Markdown text of a site rendered, with citations, links and glossary
// resolved against the site. Vectors are parallel to the Site's.
struct SiteDocs {
  std::vector<Document> articles;  // empty when rendered with kArticlesOnDemand
  std::vector<Document> sections;
  std::vector<Document> pages;
  std::map<std::string, Document> people;    // by person id
  std::map<std::string, Document> callouts;  // by callout name: the body only (see CalloutBox)
  // Every URL the site will have (articles, sections, pages, people, aliases,
  // "/", "/review-board/", "/glossary/", feeds and static files), sorted, unique.
  std::vector<std::string> urls;
  // An article's references: its cited keys resolved, in citation order
  // (empty when rendered with kArticlesOnDemand).
  std::vector<std::vector<const Reference*>> article_refs;
  // Always set: renders article bodies on demand.
  std::shared_ptr<const ArticleRenderer> article_renderer;
};

enum class ArticleMode { kAllArticles, kArticlesOnDemand };

// Renders everything, on several threads. With kArticlesOnDemand the article
// bodies are left to SiteDocs::article_renderer (a streaming build renders,
// writes and frees each page in turn). `site` must outlive the result.
SiteDocs RenderSite(const Site& site, ArticleMode mode = ArticleMode::kAllArticles);

}  // namespace vetted::markup
