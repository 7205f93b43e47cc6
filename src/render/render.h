// render/: the Site model and its rendered Markdown -> the bytes of every
// output file, through the theme's Mustache templates. Never touches the file
// system, a database or the clock: the caller publishes what Emit receives.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "markup/markup.h"
#include "model/model.h"

namespace vetted::render {

// Receives one output file: path relative to the output root, '/' separated
// (e.g. "relationships/x/index.html", "sitemap.xml"). Called from several
// threads at once: must be thread-safe.
using Emit = std::function<void(const std::string& path, std::string bytes)>;

struct Options {
  // Called after each article page with (articles done, articles total); may
  // be empty. Called from several threads: must be thread-safe.
  std::function<void(size_t done, size_t total)> progress;
  // With a streaming SiteDocs (markup::ArticleMode::kArticlesOnDemand),
  // receives each article's markup diagnostics as its page is rendered; the
  // page is emitted all the same. Called from several threads.
  std::function<void(std::vector<Diagnostic> found)> diagnostics;
};

// Renders every page of the site: articles, sections, pages/, people, the
// review board, home, 404, sitemap.xml, feed.xml (Atom), robots.txt,
// redirects for aliases and fingerprinted theme assets. Files of the site's
// static/ folder are copied by the caller (publish stage), not emitted here.
// Returns an error only when a template fails to parse or render (the
// message names the template); files emitted before the failure stay emitted.
// pages/review-board.md and pages/glossary.md become the intros of
// /review-board/ and /glossary/ rather than pages of their own. Theme
// conventions (template names, partials, data keys): src/render/pages.h.
Status RenderSite(const Site& site, const markup::SiteDocs& docs, const Options& options, const Emit& emit);

}  // namespace vetted::render
