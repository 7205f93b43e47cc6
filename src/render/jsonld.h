// Internal to render/: schema.org JSON-LD for each kind of page, built with
// nlohmann::json and made safe to embed in a <script> element.
#pragma once

#include <string>
#include <vector>

#include "render/site_index.h"

namespace vetted::render {

// MedicalWebPage for article i. reviewedBy and lastReviewed appear only when
// the latest review covers the current text (review.current).
std::string ArticleJsonLd(const SiteIndex& index, size_t i, const ReviewState& review,
                          const std::vector<const Reference*>& refs);

// ProfilePage whose mainEntity is the Person.
std::string PersonJsonLd(const SiteIndex& index, const Person& person);

// A generic page: `type` is "WebPage", "CollectionPage", "AboutPage"...; the
// home page ("/") is described as a WebSite.
std::string PageJsonLd(const SiteIndex& index, const std::string& type, const std::string& name,
                       const std::string& description, const std::string& url,
                       const std::vector<Crumb>& crumbs);

// The schema.org citation object for one reference (CreativeWork,
// ScholarlyArticle, Book...) as compact JSON text, not yet ScriptSafe.
std::string CitationJsonLd(const Reference& ref);

// A person as a schema.org Person object (name, url, honorificSuffix,
// jobTitle) as compact JSON text; an unknown id gives a Person named by it.
std::string PersonRefJsonLd(const SiteIndex& index, const std::string& id);
// The publisher Organization (the site) as compact JSON text.
std::string PublisherJsonLd(const SiteIndex& index);

// JSON text safe inside <script type="application/ld+json">: "</" becomes
// "<\/" and any other '<' becomes \u003c, so no tag or comment can open.
std::string ScriptSafe(const std::string& json);

}  // namespace vetted::render
