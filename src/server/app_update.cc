// App: the next generation from the previous one and the articles an import
// changed (UpdateContent), sharing everything else: the unchanged articles,
// the static files, the markup diagnostics and the cached pages no change can
// affect.
#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "server/app_internal.h"
#include "util/util.h"

namespace vetted::server {
namespace {

// What one import changed, as the two generations see it.
struct Delta {
  std::unordered_set<std::string> files;          // changed, added or removed source paths
  std::unordered_set<std::string> urls;           // their URLs, before and after
  std::vector<std::string> needles;               // see LastSegment
  std::unordered_set<std::string> relinked_urls;  // unchanged articles whose links may resolve anew
  bool sections_changed = false;                  // every page's navigation may show it
};

// The last segment of a URL or alias ("/a/b/x/" -> "x"): every way a body can
// link to the article (by URL, alias or relative file path) holds it.
std::string LastSegment(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  size_t slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

// "/a/b/" for {"a", "b"}.
std::string SectionUrl(const std::vector<std::string>& path) {
  std::string out = "/";
  for (const std::string& p : path) out.append(p).push_back('/');
  return out;
}

std::string FolderOf(const std::vector<std::string>& path) {
  std::string out = "content";
  for (const std::string& p : path) out.append("/").append(p);
  return out;
}

// Whether the folder `path` (a section) still holds a file: an article in or
// under it, or another file (a _section.md, a draft, ...) in or under it.
bool FolderAlive(const Site& site, const std::set<std::string>& file_folders,
                 const std::vector<std::string>& path) {
  if (file_folders.count(FolderOf(path))) return true;
  for (const Article& a : site.articles)
    if (a.section_path.size() >= path.size() && std::equal(path.begin(), path.end(), a.section_path.begin()))
      return true;
  return false;
}

// The sections load would find for the new articles: a folder first holding
// an added article becomes a section (no _section.md: that would be another
// file changed), a folder left without files goes. True when any did.
bool UpdateSections(const Content& previous, const std::vector<const Article*>& added,
                    const std::vector<std::vector<std::string>>& removed, Site& site, Delta& delta) {
  std::map<std::string, Section> by_url;
  for (const Section& s : previous.site.sections) by_url.emplace(s.url, s);
  bool changed = false;
  for (const Article* a : added) {
    Section s;
    for (const std::string& part : a->section_path) {
      s.path.push_back(part);
      s.url = SectionUrl(s.path);
      if (by_url.count(s.url)) continue;
      Section made;
      made.path = s.path;
      made.url = s.url;
      made.title = made.ShownTitle();  // the humanized folder name, as load
      by_url.emplace(made.url, made);
      delta.needles.push_back(part);
      changed = true;
    }
  }
  for (std::vector<std::string> path : removed) {
    for (; !path.empty() && !FolderAlive(site, *previous.file_folders, path); path.pop_back()) {
      if (by_url.erase(SectionUrl(path)) == 0) continue;
      delta.needles.push_back(path.back());
      changed = true;
    }
  }
  if (!changed) return false;
  site.sections.clear();
  for (auto& [url, s] : by_url) site.sections.push_back(std::move(s));
  return true;
}

// Hero image sizes come from the static files (load's AddImageSizes), which
// did not change: an image src the previous generation sized is taken from
// it. False when the src is new (the caller loads everything).
bool SizeImage(const Site& previous, Image& image) {
  if (image.src.empty()) return true;
  for (const Article& a : previous.articles)
    if (a.image.src == image.src) {
      image.width = a.image.width;
      image.height = a.image.height;
      return true;
    }
  for (const auto& [id, p] : previous.people)
    if (p.image.src == image.src) {
      image.width = p.image.width;
      image.height = p.image.height;
      return true;
    }
  return false;
}

// Applies the changes to `site` (a copy of the previous generation's, sharing
// its articles). `known` gets, per article of the result, the previous markup
// diagnostics when provably the same. False when the change is not one this
// applies (the caller loads everything).
bool ApplyChanges(const Content& previous, const store::Changes& changes, Site& site, Delta& delta,
                  std::vector<std::optional<std::vector<Diagnostic>>>& known) {
  const Site& old = previous.site;
  std::unordered_map<std::string_view, size_t> old_index;  // file -> index in old.articles
  for (size_t i = 0; i < old.articles.size(); ++i) old_index[old.articles[i].file] = i;
  for (const std::string& path : changes.removed) delta.files.insert(path);
  for (const store::SourceFile& f : changes.articles) delta.files.insert(f.path);

  // The new list: the previous one without the changed files, then the new
  // versions inserted by URL (load sorts by URL too).
  SharedList<Article> articles;
  std::vector<std::optional<std::vector<Diagnostic>>> kept_known;
  articles.reserve(old.articles.size() + changes.articles.size());
  bool links_changed = false;  // an article (or an alias) appeared or went
  for (size_t i = 0; i < old.articles.size(); ++i) {
    const Article& a = old.articles[i];
    if (!delta.files.count(a.file)) {
      articles.Insert(articles.size(), old.articles.Shared(i));
      kept_known.emplace_back(i < previous.markup_diagnostics.size()
                                  ? std::optional(previous.markup_diagnostics[i])
                                  : std::nullopt);
      continue;
    }
    delta.urls.insert(a.url);
    auto now = std::find_if(changes.articles.begin(), changes.articles.end(),
                            [&](const store::SourceFile& f) { return f.path == a.file; });
    if (now == changes.articles.end()) links_changed = true;  // removed
    delta.needles.push_back(a.slug);
    for (const std::string& alias : a.aliases) delta.needles.push_back(LastSegment(alias));
  }
  std::vector<const Article*> added;  // the new versions
  std::vector<Diagnostic> load_diagnostics;
  for (const Diagnostic& d : old.diagnostics)
    if (!delta.files.count(d.pos.file)) load_diagnostics.push_back(d);
  for (const store::SourceFile& f : changes.articles) {
    auto a = std::make_shared<Article>(load::ParseArticle(f.bytes, f.path, load_diagnostics));
    if (a->draft || !SizeImage(old, a->image)) return false;
    auto was = old_index.find(f.path);
    if (was == old_index.end() || old.articles[was->second].aliases != a->aliases) links_changed = true;
    delta.urls.insert(a->url);
    delta.needles.push_back(a->slug);
    for (const std::string& alias : a->aliases) delta.needles.push_back(LastSegment(alias));
    std::string url = a->url;
    // After equal URLs (load keeps file order among equals; a duplicate URL is refused anyway).
    size_t at = 0, n = articles.size();
    while (n > 0) {
      size_t half = n / 2;
      if (!(url < std::as_const(articles)[at + half].url)) {
        at += half + 1;
        n -= half + 1;
      } else {
        n = half;
      }
    }
    added.push_back(a.get());
    articles.Insert(at, std::move(a));
    kept_known.insert(kept_known.begin() + static_cast<std::ptrdiff_t>(at), std::nullopt);
  }
  site.articles = std::move(articles);
  site.diagnostics = std::move(load_diagnostics);
  std::vector<std::vector<std::string>> removed;
  for (const std::string& path : changes.removed)
    if (auto was = old_index.find(path); was != old_index.end())
      removed.push_back(old.articles[was->second].section_path);
  if (UpdateSections(previous, added, removed, site, delta)) links_changed = delta.sections_changed = true;
  if (!links_changed) delta.needles.clear();
  // An unchanged article that may link to one that appeared or went: its
  // markup diagnostics (and its page) are made again.
  using Searcher = std::boyer_moore_horspool_searcher<std::string::const_iterator>;
  std::vector<Searcher> searchers;  // the bodies are scanned once per needle: a fast scan
  for (const std::string& needle : delta.needles)
    if (!needle.empty()) searchers.emplace_back(needle.begin(), needle.end());
  const Site& now = site;
  for (size_t i = 0; i < now.articles.size() && !searchers.empty(); ++i) {
    if (!kept_known[i]) continue;
    const std::string& body = now.articles[i].body;
    for (const Searcher& searcher : searchers)
      if (std::search(body.begin(), body.end(), searcher) != body.end()) {
        kept_known[i].reset();
        delta.relinked_urls.insert(now.articles[i].url);
        break;
      }
  }
  known = std::move(kept_known);
  return true;
}

// The indexes in `now` of the changed articles, when none of them claims a
// URL another page or alias of the previous generation claimed (the same
// aliases as before, or none for an added article; an added article's URL
// not served before; tags whose pages existed): then the check rules need to
// see only them (see BuildContent). nullopt otherwise.
std::optional<std::vector<size_t>> ChangedArticles(const Content& previous, const Site& now,
                                                   const Delta& delta) {
  const Site& old = previous.site;
  std::unordered_map<std::string_view, const Article*> before;
  for (const Article& a : old.articles)
    if (delta.files.count(a.file)) before[a.file] = &a;
  std::vector<size_t> changed;
  std::unordered_set<std::string> old_tags;  // slugs, filled when first needed
  for (size_t i = 0; i < now.articles.size(); ++i) {
    const Article& a = now.articles[i];
    if (!delta.files.count(a.file)) continue;
    auto was = before.find(a.file);
    if (was == before.end()) {  // added
      if (!a.aliases.empty() || previous.page_path.count(a.url) || previous.redirects.count(a.url))
        return std::nullopt;
    } else if (was->second->aliases != a.aliases) {
      return std::nullopt;
    }
    for (const std::string& tag : a.tags) {
      if (was != before.end() &&
          std::find(was->second->tags.begin(), was->second->tags.end(), tag) != was->second->tags.end())
        continue;
      if (old_tags.empty())
        for (const Article& o : old.articles)
          for (const std::string& t : o.tags) old_tags.insert(util::Slugify(t));
      std::string slug = util::Slugify(tag);
      if (!slug.empty() && !old_tags.count(slug)) return std::nullopt;
    }
    changed.push_back(i);
  }
  return changed;
}

// Whether the cached page at `path` of the previous generation is what the
// new one would render: a static file, or the page of an article no change
// reaches (not changed itself, no link to a changed article, no changed
// article among its related ones). Every other page (home, sections, tags,
// people, feeds, sitemap, 404, ...) may list a changed article: dropped.
bool KeepPage(const Content& c, const Delta& delta, const std::string& path, const CachedPage& page) {
  if (c.static_file.count(path)) return true;
  if (delta.sections_changed || !c.articles.count(path) || delta.urls.count(path) ||
      delta.relinked_urls.count(path))
    return false;
  for (const std::string& url : page.related)
    if (delta.urls.count(url)) return false;
  return true;
}

}  // namespace

Result<std::shared_ptr<const Content>> UpdateContent(const Content& previous, const store::Changes& changes,
                                                     const render::Options& options, const util::Clock& clock,
                                                     std::string* phases) {
  if (!changes.complete || changes.files_changed) return Status::Invalid("not an article-only change");
  PhaseLog phase(phases);
  auto c = std::make_shared<Content>();
  c->generation = changes.generation;
  c->fs = previous.fs;
  c->file_folders = previous.file_folders;
  c->site = previous.site;  // the articles are shared, not copied
  Delta delta;
  std::vector<std::optional<std::vector<Diagnostic>>> known;
  if (!ApplyChanges(previous, changes, c->site, delta, known)) return std::shared_ptr<const Content>();
  std::optional<std::vector<size_t>> check_only = ChangedArticles(previous, c->site, delta);
  phase("load");
  if (Status s =
          BuildContent(*c, std::move(known), options, clock, phase, check_only ? &*check_only : nullptr);
      !s.ok())
    return s;
  // The pages no change reaches, in the previous order of use, within the
  // same budget.
  c->cache.Configure(previous.cache.budget(), previous.cache.counters());
  std::vector<std::pair<std::string, CachedPage>> kept;  // most recently used first
  previous.cache.ForEach([&](const std::string& path, const CachedPage& page) {
    if (KeepPage(*c, delta, path, page)) kept.emplace_back(path, page);
  });
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    it->second.verify =
        it->second.verify || c->articles.count(it->first);  // Related may answer otherwise now
    c->cache.Put(it->first, std::move(it->second));
  }
  phase("cache");
  return std::shared_ptr<const Content>(std::move(c));
}

}  // namespace vetted::server
