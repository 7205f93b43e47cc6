#include "render/tags.h"

#include <algorithm>
#include <unordered_map>

#include "util/util.h"

namespace vetted::render {

std::string TagUrl(std::string_view tag) {
  std::string slug = util::Slugify(tag);
  return slug.empty() ? "" : "/tags/" + slug + "/";
}

std::vector<TagEntry> CollectTags(const Site& site, const std::vector<size_t>& newest) {
  std::vector<TagEntry> tags;
  std::unordered_map<std::string, size_t> by_slug;
  std::vector<size_t> rank(site.articles.size());  // article -> position in `newest`
  for (size_t k = 0; k < newest.size(); ++k) rank[newest[k]] = k;
  for (size_t i = 0; i < site.articles.size(); ++i) {
    for (const std::string& tag : site.articles[i].tags) {
      std::string slug = util::Slugify(tag);
      if (slug.empty()) continue;
      auto [it, added] = by_slug.emplace(slug, tags.size());
      if (added) tags.push_back({std::string(util::Trim(tag)), slug, "/tags/" + slug + "/", {}});
      std::vector<size_t>& list = tags[it->second].articles;
      if (list.empty() || list.back() != i) list.push_back(i);
    }
  }
  for (TagEntry& t : tags)
    std::sort(t.articles.begin(), t.articles.end(), [&](size_t x, size_t y) { return rank[x] < rank[y]; });
  std::sort(tags.begin(), tags.end(), [](const TagEntry& x, const TagEntry& y) {
    std::string a = util::ToLower(x.name), b = util::ToLower(y.name);
    return a != b ? a < b : x.slug < y.slug;
  });
  return tags;
}

std::vector<PeopleGroup> GroupPeople(const Site& site) {
  std::vector<PeopleGroup> groups = {{"medical-reviewer", "Medical reviewers", {}},
                                     {"writer", "Writers", {}},
                                     {"fact-checker", "Fact checkers", {}},
                                     {"editor", "Editors", {}},
                                     {"", "Other contributors", {}}};
  for (const auto& [id, p] : site.people) {
    bool listed = false;
    for (PeopleGroup& g : groups) {
      if (!g.role.empty() && p.HasRole(g.role)) {
        g.people.push_back(&p);
        listed = true;
      }
    }
    if (!listed) groups.back().people.push_back(&p);
  }
  for (PeopleGroup& g : groups)
    std::sort(g.people.begin(), g.people.end(), [](const Person* x, const Person* y) {
      return x->name != y->name ? x->name < y->name : x->id < y->id;
    });
  groups.erase(
      std::remove_if(groups.begin(), groups.end(), [](const PeopleGroup& g) { return g.people.empty(); }),
      groups.end());
  return groups;
}

}  // namespace vetted::render
