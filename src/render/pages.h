// Internal to render/: HTML pages through the theme's Mustache templates.
// Templates are compiled and rendered by render/template.h (which alone sees
// kainjow/mustache.hpp, for parsing).
//
// Theme conventions: every "<name>.mustache" file of Site::theme is a
// template; `{{> name}}` includes "<name>.mustache" (partials are expanded
// once, when the theme is parsed, so a site may override any single piece).
// Page templates: article, section, page, person, review-board, glossary,
// tag, tags, people, home, 404, redirect, search, feedback-thanks,
// feedback-error. Values are looked up in the page's data, then in the
// site-wide data (site_title, site_lang, css_url, js_url, nav, ...).
#pragma once

#include <memory>
#include <string>

#include "model/status.h"
#include "render/render.h"
#include "render/search_index.h"
#include "render/site_index.h"

namespace vetted::render {

// Parsed templates plus the site-wide template data. Built once per
// RenderSite; read-only afterwards.
class Templates {
 public:
  // kInvalid naming the template when one fails to parse, includes an
  // unknown partial or nests partials too deeply.
  static Result<std::shared_ptr<const Templates>> Parse(const SiteIndex& index);
  ~Templates();
  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit Templates(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Renders pages with the shared, read-only templates. Not thread-safe: use
// one per thread (cheap to construct; it keeps reusable buffers). Each method
// returns the page's bytes, or kInvalid when the template fails at render time.
class PageRenderer {
 public:
  // `options` (may be null) supplies Options::related; it must outlive the renderer.
  PageRenderer(const SiteIndex& index, const Templates& templates, const Options* options = nullptr);
  ~PageRenderer();
  PageRenderer(const PageRenderer&) = delete;
  PageRenderer& operator=(const PageRenderer&) = delete;

  // With a streaming SiteDocs (no article Documents), the article's body is
  // rendered here and its markup diagnostics moved to *diagnostics.
  Result<std::string> ArticlePage(size_t i, std::vector<Diagnostic>* diagnostics = nullptr);
  Result<std::string> SectionPage(size_t i);
  Result<std::string> StandalonePage(size_t i);  // site.pages[i]
  Result<std::string> PersonPage(const Person& person);
  Result<std::string> ReviewBoardPage();
  Result<std::string> GlossaryPage();
  // /tags/<slug>/ for index.Tags()[k], /tags/ and /people/ (render/tags.h).
  Result<std::string> TagPage(size_t k);
  Result<std::string> TagsPage();
  Result<std::string> PeopleIndexPage();
  Result<std::string> HomePage();
  Result<std::string> NotFoundPage();
  // The page left at an alias of article i, sending readers to its URL.
  Result<std::string> RedirectPage(size_t i);
  // See SiteRenderer (render.h).
  Result<std::string> SearchPage(const SearchView& view);
  // The search page of a static build (search/index.html): template
  // "search" with static_search, search_docs, search_buckets, search_chunk,
  // search_spelling and the crisis callout set, for search.js to fill.
  // noindex.
  Result<std::string> StaticSearchPage(const SearchIndexMeta& meta);
  Result<std::string> FeedbackThanksPage(const std::string& article_url, bool absolute_back);
  Result<std::string> FeedbackErrorPage(const std::string& article_url, const std::string& message,
                                        bool absolute_back);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vetted::render
