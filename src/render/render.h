// render/: the Site model and its rendered Markdown -> the bytes of every
// output file, through the theme's Mustache templates. Never touches the file
// system, a database or the clock: the caller publishes what Emit receives.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "markup/markup.h"
#include "model/model.h"

namespace vetted::render {

// Receives one output file: path relative to the output root, '/' separated
// (e.g. "relationships/x/index.html", "sitemap.xml"). Called from several
// threads at once: must be thread-safe.
using Emit = std::function<void(const std::string& path, std::string bytes)>;

// The text of one article as the search indexes see it (the columns of the
// server's index; publish::SearchText makes it).
struct SearchFields {
  std::string title, description, headings, tags, body;
  // The keys of the site glossary's terms the article mentions
  // (markup::Document::glossary_terms; must outlive the call), or null: the
  // index adds the names of those terms that the text lacks, as the server's
  // glossary field (publish::SearchText).
  const std::vector<std::string>* glossary_terms = nullptr;
};

struct Options {
  // Called after each article page with (articles done, articles total); may
  // be empty. Called from several threads: must be thread-safe.
  std::function<void(size_t done, size_t total)> progress;
  // With a streaming SiteDocs (markup::ArticleMode::kArticlesOnDemand),
  // receives each article's markup diagnostics as its page is rendered; the
  // page is emitted all the same. Called from several threads.
  std::function<void(std::vector<Diagnostic> found)> diagnostics;
  // When set, supplies the "Related articles" of an article page (URLs of
  // other articles, best first; unknown URLs are skipped) instead of the
  // built-in section-and-tag scoring. The served site passes the search
  // index's answer (store::Store::Related). Called from several threads.
  std::function<std::vector<std::string>(const std::string& article_url)> related;
  // Who answers the article pages' feedback form (#feedback).
  //   kServed: vetted itself (`vetted serve`): the form posts to the site's
  //     own /feedback (and site.js to /api/feedback), under the base path.
  //   kStatic: nobody at the pages' origin (`vetted build`/`export`): the
  //     form posts to SiteConfig::feedback_endpoint ("<endpoint>feedback");
  //     without one, a "Report an error on this page" link to
  //     SiteConfig::feedback_report replaces the form; without either the
  //     page has no feedback section (publish warns: feedback-unconfigured).
  enum class Output { kServed, kStatic };
  Output output = Output::kServed;
  // When set, RenderSite also writes a static search: the page
  // search/index.html (template "search" with static_search set, for
  // search.js) and its index under search/ (format: render/search_index.h).
  // Called with each article's number and rendered markup, as its page is
  // rendered, for the text to index. Called from several threads.
  std::function<SearchFields(size_t article, const markup::Document& doc)> search_text;
  // Called with each article's number and rendered markup after its page is
  // rendered (RenderSite feeds the static search index with it); may be
  // empty. Called from several threads.
  std::function<void(size_t article, const markup::Document& doc)> article_rendered;
  // When set, RenderSite reads it before each page and, once it is true,
  // renders no more pages (nor the static search) and returns kConflict
  // ("cancelled"). The publish stage sets it when the validation it runs
  // beside the render refuses the site. Must outlive RenderSite.
  const std::atomic<bool>* cancel = nullptr;
};

// The data of one search results page (/search?q=...).
struct SearchView {
  std::string query;    // as typed (rendered escaped)
  std::string section;  // the section filter, "" = everywhere
  size_t total = 0;     // matches in all
  size_t offset = 0;    // of the first hit shown
  size_t limit = 10;    // hits per page
  struct Hit {
    std::string url;
    std::string title;
    std::string snippet;  // plain text (escaped when rendered, by SnippetHtml)
    std::vector<std::pair<size_t, size_t>> match_ranges;  // [begin, end) bytes of snippet to mark
    std::string section_url;                              // top-level section URL
  };
  std::vector<Hit> hits;
};

// A search snippet as safe HTML: `text` escaped, each [begin, end) byte range
// of `ranges` wrapped in <mark>...</mark>. Ranges are clamped to the text and
// widened to whole UTF-8 characters; a range overlapping the one before it
// starts where that one ends; empty ones are dropped. Only <mark> tags are
// ever added, whatever the text or the ranges. Used by the search page and
// the server's /api/search.
std::string SnippetHtml(std::string_view text, const std::vector<std::pair<size_t, size_t>>& ranges);

// The path of base_url, starting and ending with '/': "/" for a site at a
// host root, "/health/" for base_url "https://example.org/health". Every
// site URL in the rendered pages starts with it; the server serves the site
// under it.
std::string BasePath(const SiteConfig& config);

// The medical review state of an article, as its page shows it ("Page last
// reviewed / Next review due"); the newsroom's review-due lists use the same.
struct ReviewState {
  const Review* latest = nullptr;    // newest review by date (last listed on ties); nullptr: none
  const Person* reviewer = nullptr;  // the latest reviewer, when known
  bool current = false;              // latest covers the current text (hash equal, or no hash given)
  Date next_due;                     // latest->date + review interval; empty when never reviewed
};
// `a`'s review state in `site` (its people and review_interval). Pure; the
// pointers point into `a` and `site`.
ReviewState ReviewOf(const Site& site, const Article& a);

// The renderer of one site, for rendering pages one at a time (the server
// renders on demand and caches; RenderSite renders every path).
// Thread-safe: Render and the page methods may run on many threads at once.
class SiteRenderer {
 public:
  // Indexes the site and parses the theme's templates. `site` and `docs` must
  // outlive the renderer. kInvalid naming the template when one fails.
  static Result<std::unique_ptr<SiteRenderer>> Create(const Site& site, const markup::SiteDocs& docs,
                                                      Options options = {});
  ~SiteRenderer();
  SiteRenderer(const SiteRenderer&) = delete;
  SiteRenderer& operator=(const SiteRenderer&) = delete;

  // Every output path RenderSite emits, in render order ("index.html",
  // "a/b/index.html", "sitemap.xml", "assets/style.0123456789.css", ...).
  const std::vector<std::string>& Paths() const;
  // The bytes of one output path. kNotFound when `path` is not one of Paths();
  // kInvalid when its template fails. Article markup diagnostics go to
  // *diagnostics when given.
  Result<std::string> Render(const std::string& path, std::vector<Diagnostic>* diagnostics = nullptr) const;
  // Alias URL -> article URL ("/old/path/" -> "/a/b/"), for 301 redirects.
  const std::vector<std::pair<std::string, std::string>>& Redirects() const;
  // Top-level sections as (url, title), for the search page's filter.
  const std::vector<std::pair<std::string, std::string>>& TopSections() const;

  // The search page (theme template "search"): the form, the hits with
  // snippets, pagination links, the section filter, and help when nothing
  // matched (or when the query is empty). noindex.
  Result<std::string> SearchPage(const SearchView& view) const;
  // The page shown after feedback was sent without JavaScript (template
  // "feedback-thanks"), linking back to the article at `article_url` (its
  // title when it is an article of the site). With `absolute_back` the link
  // is the article's absolute URL under base_url (the form was posted from
  // the static site, at another origin). noindex.
  Result<std::string> FeedbackThanksPage(const std::string& article_url, bool absolute_back = false) const;
  // A page explaining why feedback was not accepted (template
  // "feedback-error"), with `message` and a link back (absolute as above).
  // noindex.
  Result<std::string> FeedbackErrorPage(const std::string& article_url, const std::string& message,
                                        bool absolute_back = false) const;

 private:
  struct Impl;
  friend Status RenderSite(const Site&, const markup::SiteDocs&, const Options&, const Emit&);
  explicit SiteRenderer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Renders every page of the site: articles, sections, pages/, people, the
// review board, home, 404, sitemap.xml, feed.xml (Atom), robots.txt,
// redirects for aliases and fingerprinted theme assets, and, with
// Options::search_text, the static search page and index. Files of the site's
// static/ folder are copied by the caller (publish stage), not emitted here.
// Returns an error only when a template fails to parse or render (the
// message names the template) or Options::cancel stops it; files emitted
// before the failure stay emitted.
// pages/review-board.md and pages/glossary.md become the intros of
// /review-board/ and /glossary/ rather than pages of their own. Theme
// conventions (template names, partials, data keys): src/render/pages.h.
Status RenderSite(const Site& site, const markup::SiteDocs& docs, const Options& options, const Emit& emit);

}  // namespace vetted::render
