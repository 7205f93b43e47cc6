// Internal to render/: the machine-readable files: sitemap.xml, the Atom
// feed and robots.txt. Written directly (not themeable).
#pragma once

#include <string>

#include "render/site_index.h"

namespace vetted::render {

// Number of articles in feed.xml.
constexpr size_t kFeedEntries = 50;

// Every page's absolute URL with its lastmod when known (articles: updated or
// published; sections, people and home: their newest article).
std::string SitemapXml(const SiteIndex& index);
// Atom 1.0: the kFeedEntries newest articles, absolute URLs.
std::string AtomFeed(const SiteIndex& index);
// Allows everything and names the sitemap.
std::string RobotsTxt(const SiteIndex& index);

}  // namespace vetted::render
