// Internal to render/: the site's tags as pages (/tags/<slug>/, /tags/) and
// the people index (/people/) grouped by role. Plain data computed once per
// site; the pages themselves are assembled in pages.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace vetted::render {

// One tag page: every published article whose tags include a tag with this slug.
struct TagEntry {
  std::string name;              // as first written (site order), trimmed
  std::string slug;              // util::Slugify(name): "Sleep apnoea" -> "sleep-apnoea"
  std::string url;               // "/tags/<slug>/"
  std::vector<size_t> articles;  // indexes into site.articles, newest first
};

// "/tags/<slug>/" for a tag as written; "" when its slug is empty ("!!!").
std::string TagUrl(std::string_view tag);

// Every tag of the site's (published) articles, one entry per slug ("Sleep"
// and "sleep" are one page), sorted by name (ASCII case-insensitive), then
// slug. `newest` is every article index newest first (SiteIndex::Newest).
std::vector<TagEntry> CollectTags(const Site& site, const std::vector<size_t>& newest);

// A tag page with fewer articles than this is thin: noindex and left out of
// the sitemap (docs/theming.md says why).
inline constexpr size_t kMinIndexedTagArticles = 2;

// The people index's groups, in order: medical reviewers, writers, fact
// checkers, editors, then anyone with no listed role ("Other contributors").
struct PeopleGroup {
  std::string role;                   // "medical-reviewer", ...; "" for the others
  std::string title;                  // "Medical reviewers"
  std::vector<const Person*> people;  // by name, then id; a person may be in several groups
};
std::vector<PeopleGroup> GroupPeople(const Site& site);

}  // namespace vetted::render
