// Internal to render/: lookups computed once per RenderSite and shared
// read-only by every rendering thread (sections by URL, articles by section
// and by person, the newest articles, fingerprinted assets), plus small pure
// helpers on the model (review state, dates, URLs). No Mustache here.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "markup/markup.h"
#include "model/model.h"
#include "render/render.h"
#include "render/tags.h"

namespace vetted::render {

// One theme file published under a fingerprinted name.
struct Asset {
  std::string name;                    // theme file name, e.g. "style.css"
  std::string path;                    // output path, e.g. "assets/style.0123456789.css"
  std::string url;                     // "/assets/style.0123456789.css"
  const std::string* bytes = nullptr;  // owned by Site::theme
};

// One step of a breadcrumb trail.
struct Crumb {
  std::string name;
  std::string url;  // root-relative
};

// "/<a>/<b>/" for a section path ({} -> "/").
std::string SectionUrl(const std::vector<std::string>& path, size_t depth);
// base_url (ending in '/') joined with a root-relative URL or path.
std::string Absolute(const SiteConfig& config, std::string_view url);
// BasePath(config): declared in render.h.
// Templates and the markup write site URLs root-relative ("/a/b/"); a site
// served under a path gets them rooted there. Rewrites, in an HTML page,
// every href="/…", src="/…" and action="/…" attribute value (not "//host")
// and a meta refresh "0; url=/…" to start with base_path. Attribute values
// are always quoted and escaped by the renderer, so only real attributes
// match. Does nothing when base_path is "/".
void RootUrls(std::string& html, std::string_view base_path);
// An image or profile URL that is safe to put in src/href: http(s) absolute,
// or a site path (made root-relative). "" for anything else (javascript:, data:...).
std::string SafeUrl(std::string_view url);
// The date shown for "updated": updated when set, else published.
const Date& ModifiedDate(const Article& a);
// ReviewOf(site, a): declared in render.h.
// The output file for an alias: "old/path/index.html"; "" when the alias is unusable.
std::string AliasPath(std::string_view alias);

class SiteIndex {
 public:
  SiteIndex(const Site& site, const markup::SiteDocs& docs);

  const Site& site() const { return site_; }
  const markup::SiteDocs& docs() const { return docs_; }

  // The section at a URL, or nullptr.
  const Section* FindSection(const std::string& url) const;
  // Index of a section in site.sections (for docs.sections), or -1.
  int SectionIndex(const std::string& url) const;
  // Index of the article at a URL ("/a/b/") in site.articles, or -1.
  int ArticleIndex(std::string_view url) const;
  // Direct articles of a section (by URL), in site order.
  const std::vector<size_t>& ArticlesIn(const std::string& section_url) const;
  // Direct subsections of a section URL ("/" for top level), indexes into site.sections.
  const std::vector<size_t>& SubsectionsOf(const std::string& section_url) const;
  // Articles a person wrote / reviewed, in site order.
  const std::vector<size_t>& WrittenBy(const std::string& person_id) const;
  const std::vector<size_t>& ReviewedBy(const std::string& person_id) const;
  // Every article, newest first (ModifiedDate, then URL).
  const std::vector<size_t>& Newest() const { return newest_; }
  // Up to `limit` related articles for article i: same section and shared tags
  // scored, deterministic. Looks only at a window of neighbours in each
  // tag/section bucket, so the cost per article is bounded (O(n*k) overall).
  std::vector<size_t> Related(size_t i, size_t limit) const;
  // Every tag page, sorted by name (render/tags.h).
  const std::vector<TagEntry>& Tags() const { return tags_; }
  // Index into site.pages of pages/<slug>.md, or -1.
  int PageIndex(std::string_view slug) const;
  // The newest article date among a section's direct articles (empty when none).
  Date SectionDate(const std::string& section_url) const;

  // Home, then each section of `path` up to `depth` levels.
  std::vector<Crumb> Breadcrumbs(const std::vector<std::string>& path, size_t depth) const;
  // The title of the section at `path` (first `depth` levels).
  std::string SectionTitle(const std::vector<std::string>& path, size_t depth) const;

  // A cited reference pre-formatted once per site (many articles cite the
  // same sources): the AMA HTML of cite::FormatHtml and the JSON-LD citation
  // object as JSON text. nullptr for a reference no article cites.
  struct FormattedSource {
    std::string html;
    std::string json;
  };
  const FormattedSource* Source(const Reference* ref) const;

  // JSON-LD fragments serialized once per site (compact JSON, not yet
  // ScriptSafe): a Person by id (computed on the fly for unknown ids) and the
  // publisher Organization.
  std::string PersonJson(const std::string& id) const;
  const std::string& PublisherJson() const { return publisher_json_; }

  const std::vector<Asset>& assets() const { return assets_; }
  // The asset for a theme file name, or nullptr.
  const Asset* FindAsset(std::string_view name) const;

 private:
  void FormatSources();

  const Site& site_;
  const markup::SiteDocs& docs_;
  std::unordered_map<std::string, size_t> section_by_url_;
  std::unordered_map<std::string_view, size_t> article_by_url_;  // views of Article::url
  std::unordered_map<std::string, std::vector<size_t>> articles_in_;
  std::unordered_map<std::string, std::vector<size_t>> subsections_;
  std::unordered_map<std::string, std::vector<size_t>> written_, reviewed_;
  std::vector<std::vector<size_t>> by_tag_;     // tag id -> articles, ascending
  std::vector<std::vector<int>> article_tags_;  // article -> sorted tag ids
  std::vector<size_t> newest_;
  std::vector<TagEntry> tags_;
  std::unordered_map<const Reference*, FormattedSource> sources_;
  std::vector<int> section_id_, top_section_id_;
  std::unordered_map<std::string, std::string> person_json_;
  std::string publisher_json_;  // per article, for related scoring
  std::vector<Asset> assets_;
  std::vector<size_t> empty_;
};

}  // namespace vetted::render
