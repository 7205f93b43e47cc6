// RenderSite(): every Markdown text of a site, rendered in parallel, with
// citations, internal links and callouts resolved against the site.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "markup/markup.h"
#include "markup/renderer.h"
#include "util/util.h"

namespace vetted::markup {
namespace {

// Resolves "." and ".." segments; keeps a leading and a trailing '/'.
// nullopt when ".." climbs above the root.
std::optional<std::string> NormalizePath(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::string_view seg : util::Split(path, '/')) {
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
      continue;
    }
    parts.push_back(seg);
  }
  std::string out;
  if (!path.empty() && path[0] == '/') out.push_back('/');
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(parts[i]);
  }
  bool trailing =
      !path.empty() && (path.back() == '/' || util::EndsWith(path, "/.") || util::EndsWith(path, "/.."));
  if (trailing && !parts.empty()) out.push_back('/');
  return out;
}

// "/old-name" -> "/old-name/"; leaves file-like last segments ("x.png") alone.
std::string CanonicalDirUrl(std::string_view url) {
  std::string out(url);
  if (out.empty() || out[0] != '/') out.insert(out.begin(), '/');
  size_t slash = out.rfind('/');
  if (out.back() != '/' && out.find('.', slash) == std::string::npos) out.push_back('/');
  return out;
}

class LinkResolver {
 public:
  explicit LinkResolver(const Site& site) {
    size_t expected = site.articles.size() + site.sections.size() + site.pages.size() + site.people.size();
    by_url_.reserve(expected + 64);
    by_file_.reserve(expected);
    urls_.reserve(expected + 64);
    for (const Article& a : site.articles) Add(a.url, a.file);
    for (const Section& s : site.sections) Add(s.url, s.file);
    for (const Page& p : site.pages) Add(p.url, p.file);
    for (const auto& [id, person] : site.people)
      Add("/people/" + id + "/", person.pos.file.empty() ? "people/" + id + ".md" : person.pos.file);
    for (const char* special : {"/", "/review-board/", "/editorial-process/", "/glossary/", "/people/"})
      Add(special, "");
    std::unordered_set<std::string_view> tags;  // each tag once: most articles share them
    for (const Article& a : site.articles) {    // tag pages (render/tags.h)
      for (const std::string& tag : a.tags) {
        if (!tags.insert(tag).second) continue;
        std::string slug = util::Slugify(tag);
        if (slug.empty()) continue;
        Add("/tags/", "");
        Add("/tags/" + slug + "/", "");
      }
    }
    for (const Article& a : site.articles) {
      for (const std::string& alias : a.aliases) {
        std::string url = CanonicalDirUrl(alias);
        if (by_url_.try_emplace(url, a.url).second) urls_.push_back(std::move(url));
      }
    }
    for (const char* file : {"/feed.xml", "/sitemap.xml", "/robots.txt"}) by_url_.try_emplace(file, file);
    for (const StaticFile& f : site.static_files) {
      std::string url = "/" + f.relative_path;
      by_url_.try_emplace(url, url);
    }
    std::sort(urls_.begin(), urls_.end());
    urls_.erase(std::unique(urls_.begin(), urls_.end()), urls_.end());
  }

  const std::vector<std::string>& urls() const { return urls_; }

  // `file` and `url` belong to the document holding the link.
  std::optional<std::string> Resolve(std::string_view target, std::string_view file,
                                     std::string_view url) const {
    if (target.empty()) return std::nullopt;
    if (util::EndsWith(target, ".md")) return ResolveFile(target, file);
    std::string abs;
    if (target[0] == '/') {
      abs = target;
    } else {
      std::string_view base = url.empty() ? std::string_view("/") : url;
      abs = std::string(base.substr(0, base.rfind('/') + 1)).append(target);
    }
    std::optional<std::string> norm = NormalizePath(abs);
    if (!norm) return std::nullopt;
    if (util::EndsWith(*norm, "/index.html")) norm->resize(norm->size() - 10);
    if (auto it = by_url_.find(*norm); it != by_url_.end()) return it->second;
    if (norm->back() != '/') {
      if (auto it = by_url_.find(*norm + "/"); it != by_url_.end()) return it->second;
    }
    return std::nullopt;
  }

 private:
  void Add(const std::string& url, const std::string& file) {
    if (url.empty()) return;
    // urls_ gets each URL once (it is sorted and made unique all the same);
    // try_emplace builds no node for a key already there.
    if (by_url_.try_emplace(url, url).second) urls_.push_back(url);
    if (!file.empty()) by_file_.try_emplace(file, url);
  }

  std::optional<std::string> ResolveFile(std::string_view target, std::string_view file) const {
    std::string path;
    if (target[0] == '/') {
      path = target.substr(1);
    } else {
      size_t slash = file.rfind('/');
      path = std::string(slash == std::string_view::npos ? "" : file.substr(0, slash + 1)).append(target);
    }
    std::optional<std::string> norm = NormalizePath(path);
    if (!norm) return std::nullopt;
    if (auto it = by_file_.find(*norm); it != by_file_.end()) return it->second;
    if (target[0] == '/') {  // "/anxiety/x.md": relative to content/
      if (auto it = by_file_.find("content/" + *norm); it != by_file_.end()) return it->second;
    }
    return std::nullopt;
  }

  std::unordered_map<std::string, std::string> by_url_;   // URL or alias -> canonical URL
  std::unordered_map<std::string, std::string> by_file_;  // "content/a/b.md" -> URL
  std::vector<std::string> urls_;
};

using RefMap = std::unordered_map<std::string_view, const Reference*>;

// An article's references: its inline items win over the site bibliography.
const Reference* FindRef(const RefMap& site_refs, const std::vector<Reference>* inline_refs,
                         std::string_view key) {
  if (inline_refs != nullptr) {
    for (const Reference& r : *inline_refs)
      if (r.id == key) return &r;
  }
  auto it = site_refs.find(key);
  return it == site_refs.end() ? nullptr : it->second;
}

struct Shared {
  const Site& site;
  const LinkResolver& links;
  const Glossary& glossary;
  const RefMap& refs;
};

Context MakeContext(const Shared& sh, const std::string& file, int first_line, const std::string& url,
                    const std::vector<Reference>* inline_refs, bool glossary) {
  Context ctx;
  ctx.file = file;
  ctx.first_line = first_line;
  ctx.find_reference = [&sh, inline_refs](std::string_view key) {
    return FindRef(sh.refs, inline_refs, key);
  };
  ctx.resolve_link = [&sh, &file, &url](std::string_view target) {
    return sh.links.Resolve(target, file, url);
  };
  ctx.glossary = glossary ? &sh.glossary : nullptr;
  ctx.find_callout = [&sh](std::string_view name) { return sh.site.FindCallout(name); };
  ctx.suggest_reference = [&sh, inline_refs](std::string_view key) {
    std::vector<std::string> keys;
    if (inline_refs != nullptr)
      for (const Reference& r : *inline_refs) keys.push_back(r.id);
    for (const Reference& r : sh.site.bibliography) keys.push_back(r.id);
    return util::ClosestMatch(key, keys);
  };
  ctx.suggest_callout = [&sh](std::string_view name) {
    std::vector<std::string> names;
    for (const Callout& c : sh.site.callouts) names.push_back(c.name);
    return util::ClosestMatch(name, names);
  };
  return ctx;
}

}  // namespace

struct ArticleRenderer::Impl {
  explicit Impl(const Site& s) : site(s), links(s), glossary(s.glossary) {
    for (const Reference& r : s.bibliography) refs.emplace(r.id, &r);
  }
  const Site& site;
  LinkResolver links;
  Glossary glossary;
  RefMap refs;
  Shared shared() const { return Shared{site, links, glossary, refs}; }
};

ArticleRenderer::ArticleRenderer(const Site& site) : impl_(std::make_unique<Impl>(site)) {}
ArticleRenderer::~ArticleRenderer() = default;

const std::vector<std::string>& ArticleRenderer::urls() const {
  return impl_->links.urls();
}

ArticleRenderer::Rendered ArticleRenderer::Render(size_t i) const {
  const Impl& m = *impl_;
  Shared sh = m.shared();
  const Article& a = m.site.articles[i];
  Context ctx = MakeContext(sh, a.file, a.body_line, a.url, &a.references, true);
  ctx.toc_min = a.toc.min_level;
  ctx.toc_max = a.toc.max_level;
  Rendered out;
  out.doc = RenderTransient(a.body, ctx);  // callers that keep it shrink it
  out.refs.reserve(out.doc.cited.size());
  for (const std::string& key : out.doc.cited) out.refs.push_back(FindRef(m.refs, &a.references, key));
  return out;
}

SiteDocs RenderSite(const Site& site, ArticleMode mode) {
  SiteDocs out;
  out.article_renderer = std::make_shared<const ArticleRenderer>(site);
  const ArticleRenderer& articles = *out.article_renderer;
  Shared sh = articles.impl().shared();
  static const std::string kNoUrl;

  const size_t na = mode == ArticleMode::kAllArticles ? site.articles.size() : 0;
  const size_t ns = site.sections.size(), np = site.pages.size();
  out.articles.resize(na);
  out.article_refs.resize(na);
  out.sections.resize(ns);
  out.pages.resize(np);
  std::vector<std::pair<const Person*, Document*>> people;
  for (const auto& [id, person] : site.people) people.emplace_back(&person, &out.people[id]);
  std::vector<std::pair<const Callout*, Document*>> callouts;
  for (const Callout& c : site.callouts) callouts.emplace_back(&c, &out.callouts[c.name]);
  std::vector<std::string> person_urls;
  for (const auto& [person, doc] : people) person_urls.push_back("/people/" + person->id + "/");

  util::ParallelFor(na + ns + np + people.size() + callouts.size(), [&](size_t i) {
    if (i < na) {
      ArticleRenderer::Rendered r = articles.Render(i);
      ShrinkToKeep(r.doc);
      out.articles[i] = std::move(r.doc);
      out.article_refs[i] = std::move(r.refs);
      return;
    }
    if ((i -= na) < ns) {
      const Section& s = site.sections[i];
      out.sections[i] = Render(s.intro_markdown, MakeContext(sh, s.file, s.body_line, s.url, nullptr, true));
      return;
    }
    if ((i -= ns) < np) {
      const Page& p = site.pages[i];
      out.pages[i] = Render(p.body, MakeContext(sh, p.file, p.body_line, p.url, nullptr, true));
      return;
    }
    if ((i -= np) < people.size()) {
      const Person& p = *people[i].first;
      *people[i].second =
          Render(p.bio_markdown, MakeContext(sh, p.pos.file, p.body_line, person_urls[i], nullptr, true));
      return;
    }
    i -= people.size();
    const Callout& c = *callouts[i].first;
    *callouts[i].second =
        Render(c.body_markdown, MakeContext(sh, c.file, c.body_line, kNoUrl, nullptr, false));
  });
  out.urls = articles.urls();
  return out;
}

}  // namespace vetted::markup
