#include "render/site_index.h"

#include <algorithm>

#include "cite/cite.h"
#include "render/jsonld.h"
#include "util/util.h"

namespace vetted::render {
namespace {

// Neighbours looked at on each side of an article in each tag or section
// bucket when computing related articles.
constexpr size_t kRelatedWindow = 8;

std::string TagKey(std::string_view tag) {
  return util::ToLower(util::Trim(tag));
}

// Size of the intersection of two sorted id lists.
int SharedTags(const std::vector<int>& a, const std::vector<int>& b) {
  int n = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) {
      ++n, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return n;
}

// Adds up to kRelatedWindow bucket entries on each side of `self` to out.
void AddWindow(const std::vector<size_t>& bucket, size_t self, std::vector<size_t>& out) {
  auto it = std::lower_bound(bucket.begin(), bucket.end(), self);
  size_t pos = static_cast<size_t>(it - bucket.begin());
  size_t from = pos > kRelatedWindow ? pos - kRelatedWindow : 0;
  size_t to = std::min(bucket.size(), pos + kRelatedWindow + 1);
  for (size_t k = from; k < to; ++k)
    if (bucket[k] != self) out.push_back(bucket[k]);
}

bool IsUrlChar(char c) {
  return static_cast<unsigned char>(c) > 0x20 && c != '"' && c != '<' && c != '>' && c != '\\' && c != '`';
}

}  // namespace

std::string SectionUrl(const std::vector<std::string>& path, size_t depth) {
  std::string url = "/";
  for (size_t i = 0; i < depth && i < path.size(); ++i) {
    url += path[i];
    url += '/';
  }
  return url;
}

std::string Absolute(const SiteConfig& config, std::string_view url) {
  if (util::StartsWith(url, "http://") || util::StartsWith(url, "https://")) return std::string(url);
  std::string base = config.base_url;
  if (base.empty() || base.back() != '/') base += '/';
  while (!url.empty() && url.front() == '/') url.remove_prefix(1);
  return base + std::string(url);
}

std::string BasePath(const SiteConfig& config) {
  std::string_view url = config.base_url;
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  size_t slash = url.find('/');
  if (slash == std::string_view::npos) return "/";
  std::string path(url.substr(slash));
  path = path.substr(0, path.find_first_of("?#"));
  if (path.back() != '/') path += '/';
  return path;
}

namespace {
// True when html[at] starts a value we root: the value of one of `names`
// (an attribute preceded by whitespace) or a meta refresh target.
bool IsRootedName(const std::string& html, size_t eq) {
  for (std::string_view name : {"href", "src", "action"}) {
    if (eq < name.size() + 1) continue;
    size_t start = eq - name.size();
    if (html.compare(start, name.size(), name) == 0 &&
        (html[start - 1] == ' ' || html[start - 1] == '\n' || html[start - 1] == '\t'))
      return true;
  }
  return false;
}
}  // namespace

void RootUrls(std::string& html, std::string_view base_path) {
  if (base_path.size() <= 1) return;
  std::string_view prefix = base_path.substr(0, base_path.size() - 1);  // "/health"
  std::vector<size_t> slashes;  // positions of the '/' starting a root-relative URL
  for (size_t p = html.find("=\"/"); p != std::string::npos; p = html.find("=\"/", p + 3))
    if (IsRootedName(html, p)) slashes.push_back(p + 2);
  std::string_view refresh = "content=\"0; url=/";
  for (size_t p = html.find(refresh); p != std::string::npos; p = html.find(refresh, p + 1))
    slashes.push_back(p + refresh.size() - 1);
  std::sort(slashes.begin(), slashes.end());
  std::string out;
  out.reserve(html.size() + slashes.size() * prefix.size());
  size_t done = 0;
  for (size_t slash : slashes) {
    if (slash + 1 < html.size() && html[slash + 1] == '/') continue;  // "//host": not ours
    out.append(html, done, slash - done);
    out.append(prefix);
    done = slash;
  }
  if (done == 0) return;
  out.append(html, done, std::string::npos);
  html = std::move(out);
}

std::string SafeUrl(std::string_view url) {
  url = util::Trim(url);
  if (url.empty()) return "";
  for (char c : url)
    if (!IsUrlChar(c)) return "";
  std::string lower = util::ToLower(url.substr(0, std::min<size_t>(url.size(), 12)));
  if (util::StartsWith(lower, "http://") || util::StartsWith(lower, "https://")) return std::string(url);
  if (util::StartsWith(url, "//")) return "";
  size_t colon = url.find(':');
  size_t slash = url.find('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) return "";
  if (url.front() == '/') return std::string(url);
  while (util::StartsWith(url, "./")) url.remove_prefix(2);
  std::string out = "/";
  out.append(url);
  return out;
}

const Date& ModifiedDate(const Article& a) {
  return a.updated.empty() ? a.published : a.updated;
}

ReviewState ReviewOf(const Site& site, const Article& a) {
  ReviewState state;
  for (const auto& r : a.reviewers)
    if (!state.latest || !(r.date < state.latest->date)) state.latest = &r;
  if (!state.latest) return state;
  state.reviewer = site.FindPerson(state.latest->by);
  if (state.latest->revision.empty()) {
    state.current = true;  // no revision named: nothing to compare (check warns: unpinned-review)
  } else {
    // A malformed value never equals a revision; a vetted 0.1 body-only hash
    // no longer does either (the revision covers everything a reader sees).
    // ... unless a recorded non-clinical change was made from that revision.
    state.current = ReviewCovers(a, *state.latest);
  }
  if (!state.latest->date.empty())
    state.next_due = state.latest->date.AddMonths(ReviewIntervalMonths(site.config, a));
  return state;
}

std::string AliasPath(std::string_view alias) {
  alias = util::Trim(alias);
  std::string safe = SafeUrl(alias);
  if (safe.empty() || safe[0] != '/' || safe.find("..") != std::string::npos) return "";
  size_t cut = safe.find_first_of("?#");
  if (cut != std::string::npos) safe.resize(cut);
  while (!safe.empty() && safe.front() == '/') safe.erase(0, 1);
  if (safe.empty()) return "";
  if (util::EndsWith(safe, ".html") || util::EndsWith(safe, ".htm")) return safe;
  if (safe.back() != '/') safe += '/';
  return safe + "index.html";
}

SiteIndex::SiteIndex(const Site& site, const markup::SiteDocs& docs) : site_(site), docs_(docs) {
  for (size_t i = 0; i < site.sections.size(); ++i) {
    const Section& s = site.sections[i];
    std::string url = s.url.empty() ? SectionUrl(s.path, s.path.size()) : s.url;
    section_by_url_[url] = i;
    subsections_[SectionUrl(s.path, s.path.empty() ? 0 : s.path.size() - 1)].push_back(i);
  }
  std::unordered_map<std::string, int> tag_ids;
  std::unordered_map<std::string, int> section_ids;
  article_tags_.resize(site.articles.size());
  section_id_.resize(site.articles.size());
  top_section_id_.resize(site.articles.size());
  for (size_t i = 0; i < site.articles.size(); ++i) {
    const Article& a = site.articles[i];
    article_by_url_.emplace(a.url, i);
    std::string url = SectionUrl(a.section_path, a.section_path.size());
    section_id_[i] = section_ids.emplace(url, static_cast<int>(section_ids.size())).first->second;
    std::string top = SectionUrl(a.section_path, 1);
    top_section_id_[i] = section_ids.emplace(top, static_cast<int>(section_ids.size())).first->second;
    articles_in_[url].push_back(i);
    for (const auto& id : a.authors) written_[id].push_back(i);
    for (const auto& r : a.reviewers) {
      auto& list = reviewed_[r.by];
      if (list.empty() || list.back() != i) list.push_back(i);
    }
    std::vector<int>& ids = article_tags_[i];
    for (const auto& t : a.tags) {
      auto [it, added] = tag_ids.emplace(TagKey(t), static_cast<int>(by_tag_.size()));
      if (added) by_tag_.emplace_back();
      ids.push_back(it->second);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (int id : ids) by_tag_[static_cast<size_t>(id)].push_back(i);
  }
  newest_.resize(site.articles.size());
  for (size_t i = 0; i < newest_.size(); ++i) newest_[i] = i;
  std::sort(newest_.begin(), newest_.end(), [&](size_t x, size_t y) {
    const Date& dx = ModifiedDate(site.articles[x]);
    const Date& dy = ModifiedDate(site.articles[y]);
    if (dx != dy) return dy < dx;
    return site.articles[x].url < site.articles[y].url;
  });
  tags_ = CollectTags(site, newest_);
  FormatSources();
  for (const auto& [id, person] : site.people) person_json_[id] = PersonRefJsonLd(*this, id);
  publisher_json_ = PublisherJsonLd(*this);
  for (const auto& [name, bytes] : site.theme.files) {
    if (util::EndsWith(name, ".mustache") || name.find("..") != std::string::npos) continue;
    size_t slash = name.rfind('/');
    size_t base = slash == std::string::npos ? 0 : slash + 1;
    size_t dot = name.rfind('.');
    if (dot == std::string::npos || dot <= base) continue;
    Asset asset;
    asset.name = name;
    asset.path =
        "assets/" + name.substr(0, dot) + "." + util::Sha256Hex(bytes).substr(0, 10) + name.substr(dot);
    asset.url = "/" + asset.path;
    asset.bytes = &bytes;
    assets_.push_back(std::move(asset));
  }
}

const Section* SiteIndex::FindSection(const std::string& url) const {
  int i = SectionIndex(url);
  return i < 0 ? nullptr : &site_.sections[static_cast<size_t>(i)];
}

int SiteIndex::SectionIndex(const std::string& url) const {
  auto it = section_by_url_.find(url);
  return it == section_by_url_.end() ? -1 : static_cast<int>(it->second);
}

int SiteIndex::ArticleIndex(std::string_view url) const {
  auto it = article_by_url_.find(url);
  return it == article_by_url_.end() ? -1 : static_cast<int>(it->second);
}

const std::vector<size_t>& SiteIndex::ArticlesIn(const std::string& section_url) const {
  auto it = articles_in_.find(section_url);
  return it == articles_in_.end() ? empty_ : it->second;
}

const std::vector<size_t>& SiteIndex::SubsectionsOf(const std::string& section_url) const {
  auto it = subsections_.find(section_url);
  return it == subsections_.end() ? empty_ : it->second;
}

const std::vector<size_t>& SiteIndex::WrittenBy(const std::string& person_id) const {
  auto it = written_.find(person_id);
  return it == written_.end() ? empty_ : it->second;
}

const std::vector<size_t>& SiteIndex::ReviewedBy(const std::string& person_id) const {
  auto it = reviewed_.find(person_id);
  return it == reviewed_.end() ? empty_ : it->second;
}

std::vector<size_t> SiteIndex::Related(size_t i, size_t limit) const {
  const Article& self = site_.articles[i];
  std::vector<size_t> candidates;
  candidates.reserve(2 * kRelatedWindow * (1 + self.tags.size()));
  AddWindow(ArticlesIn(SectionUrl(self.section_path, self.section_path.size())), i, candidates);
  for (int id : article_tags_[i]) AddWindow(by_tag_[static_cast<size_t>(id)], i, candidates);
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  struct Scored {
    size_t index;
    int score;
  };
  std::vector<Scored> scored;
  scored.reserve(candidates.size());
  for (size_t c : candidates) {
    int score = 3 * SharedTags(article_tags_[i], article_tags_[c]);
    if (section_id_[c] == section_id_[i]) {
      score += 4;
    } else if (top_section_id_[c] == top_section_id_[i] && !self.section_path.empty()) {
      score += 1;
    }
    if (score > 0) scored.push_back({c, score});
  }
  auto better = [&](const Scored& x, const Scored& y) {
    if (x.score != y.score) return x.score > y.score;
    const Date& dx = ModifiedDate(site_.articles[x.index]);
    const Date& dy = ModifiedDate(site_.articles[y.index]);
    if (dx != dy) return dy < dx;
    return x.index < y.index;
  };
  size_t n = std::min(limit, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<long>(n), scored.end(), better);
  std::vector<size_t> out;
  out.reserve(n);
  for (size_t k = 0; k < n; ++k) out.push_back(scored[k].index);
  return out;
}

int SiteIndex::PageIndex(std::string_view slug) const {
  for (size_t i = 0; i < site_.pages.size(); ++i)
    if (site_.pages[i].slug == slug) return static_cast<int>(i);
  return -1;
}

Date SiteIndex::SectionDate(const std::string& section_url) const {
  Date best;
  for (size_t i : ArticlesIn(section_url)) best = std::max(best, ModifiedDate(site_.articles[i]));
  return best;
}

std::vector<Crumb> SiteIndex::Breadcrumbs(const std::vector<std::string>& path, size_t depth) const {
  std::vector<Crumb> crumbs;
  crumbs.push_back({"Home", "/"});
  for (size_t d = 1; d <= depth && d <= path.size(); ++d)
    crumbs.push_back({SectionTitle(path, d), SectionUrl(path, d)});
  return crumbs;
}

std::string SiteIndex::SectionTitle(const std::vector<std::string>& path, size_t depth) const {
  const Section* s = FindSection(SectionUrl(path, depth));
  if (s) return s->ShownTitle();
  return depth == 0 || depth > path.size() ? site_.config.title : util::Humanize(path[depth - 1]);
}

void SiteIndex::FormatSources() {
  std::vector<const Reference*> refs;
  if (docs_.articles.size() < site_.articles.size()) {
    // Streaming build: which sources are cited is not known yet; format all.
    for (const Reference& r : site_.bibliography)
      if (sources_.emplace(&r, FormattedSource{}).second) refs.push_back(&r);
    for (const Article& a : site_.articles)
      for (const Reference& r : a.references)
        if (sources_.emplace(&r, FormattedSource{}).second) refs.push_back(&r);
  }
  for (const auto& list : docs_.article_refs)
    for (const Reference* r : list)
      if (r && sources_.emplace(r, FormattedSource{}).second) refs.push_back(r);
  // The map's shape is fixed now; each thread fills distinct values.
  util::ParallelFor(refs.size(), [&](size_t k) {
    FormattedSource& f = sources_.find(refs[k])->second;
    f.html = cite::FormatHtml(*refs[k]);
    f.json = CitationJsonLd(*refs[k]);
  });
}

std::string SiteIndex::PersonJson(const std::string& id) const {
  auto it = person_json_.find(id);
  return it == person_json_.end() ? PersonRefJsonLd(*this, id) : it->second;
}

const SiteIndex::FormattedSource* SiteIndex::Source(const Reference* ref) const {
  auto it = sources_.find(ref);
  return it == sources_.end() ? nullptr : &it->second;
}

const Asset* SiteIndex::FindAsset(std::string_view name) const {
  for (const auto& a : assets_)
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace vetted::render
