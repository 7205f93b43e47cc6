// One article as it would be published, for the newsroom's editor (publish.h).
#include <algorithm>

#include "publish/publish.h"
#include "render/render.h"

namespace vetted::publish {
namespace {

Status CheckPath(const std::string& path) {
  if (!util::StartsWith(path, "content/") || !util::EndsWith(path, ".md") || path.size() <= 11)
    return Status::Invalid("an article's path is content/<section>/<name>.md, not \"" + path + "\"");
  return Status::Ok();
}

// Phases 2 and 3 on a site holding the article at `path` (or, for a draft,
// not holding it): only that article's body is rendered; the other articles
// get empty Documents, so the rules that read rendered text find nothing in
// them, and only `path`'s findings are kept.
Result<ArticlePreview> Finish(const Site& site, const std::string& path, const PreviewOptions& options) {
  markup::SiteDocs docs = markup::RenderSite(site, markup::ArticleMode::kArticlesOnDemand);
  auto it = std::find_if(site.articles.begin(), site.articles.end(),
                         [&](const Article& a) { return a.file == path; });
  const bool present = it != site.articles.end();
  if (present) {
    size_t i = static_cast<size_t>(it - site.articles.begin());
    markup::ArticleRenderer::Rendered rendered = docs.article_renderer->Render(i);
    docs.articles.resize(site.articles.size());
    docs.article_refs.resize(site.articles.size());
    docs.articles[i] = std::move(rendered.doc);
    docs.article_refs[i] = std::move(rendered.refs);
  }
  ValidateOptions validate = options.validate;
  validate.article_markup = false;  // the one article that matters is rendered
  validate.known_article_markup = nullptr;
  validate.known_grades = nullptr;
  ArticlePreview out;
  for (Diagnostic& d : Validate(site, docs, validate)) {
    if (d.pos.file == path || d.pos.file == "site/" + path) {
      d.pos.file = path;
      out.diagnostics.push_back(std::move(d));
    }
  }
  if (!present) return out;
  out.url = it->url;
  render::Options ro;
  ro.related = options.related;
  Result<std::unique_ptr<render::SiteRenderer>> renderer = render::SiteRenderer::Create(site, docs, ro);
  if (!renderer.ok()) return renderer.status();
  Result<std::string> html = (*renderer)->Render(out.url.substr(1) + "index.html");
  if (!html.ok()) return html.status();
  out.html = std::move(*html);
  return out;
}

bool IsSection(const Site& site, const std::vector<std::string>& path, size_t depth) {
  std::string url = "/";
  for (size_t i = 0; i < depth; ++i) url += path[i] + "/";
  return std::any_of(site.sections.begin(), site.sections.end(),
                     [&](const Section& s) { return s.url == url; });
}

}  // namespace

Result<ArticlePreview> PreviewArticle(store::Snapshot snapshot, const std::string& path,
                                      const std::string& source, const PreviewOptions& options) {
  if (Status s = CheckPath(path); !s.ok()) return s;
  std::erase_if(snapshot.files, [&](const store::SourceFile& f) { return f.path == path; });
  snapshot.files.push_back({path, source});
  load::MemoryFileSystem files;
  Site site;
  if (Status s = LoadSnapshot(std::move(snapshot), &files, &site); !s.ok()) return s;
  return Finish(site, path, options);
}

Result<ArticlePreview> PreviewArticle(const Site& loaded, const std::string& path, const std::string& source,
                                      const PreviewOptions& options) {
  if (Status s = CheckPath(path); !s.ok()) return s;
  Site site = loaded;  // shares the articles (SharedList)
  std::vector<Diagnostic> diagnostics;
  for (const Diagnostic& d : loaded.diagnostics)
    if (d.pos.file != path && d.pos.file != "site/" + path) diagnostics.push_back(d);
  auto a = std::make_shared<Article>(load::ParseArticle(source, path, diagnostics));
  // What load::LoadSite would do besides parsing the file, where the loaded site already knows it.
  for (size_t depth = 1; depth <= a->section_path.size(); ++depth)
    if (!IsSection(loaded, a->section_path, depth))
      return Status::Conflict("a folder that is no section yet: load the whole site");
  if (!a->image.src.empty()) {
    bool sized = false;
    for (const Article& other : loaded.articles)
      if (!sized && other.image.src == a->image.src) {
        a->image.width = other.image.width;
        a->image.height = other.image.height;
        sized = true;
      }
    for (const auto& [id, p] : loaded.people)
      if (!sized && p.image.src == a->image.src) {
        a->image.width = p.image.width;
        a->image.height = p.image.height;
        sized = true;
      }
    if (!sized) return Status::Conflict("a hero image the site has not sized: load the whole site");
  }
  SharedList<Article> articles;
  articles.reserve(loaded.articles.size() + 1);
  for (size_t i = 0; i < loaded.articles.size(); ++i)
    if (loaded.articles[i].file != path) articles.Insert(articles.size(), loaded.articles.Shared(i));
  if (!a->draft) {
    // By URL, after equal ones, as load sorts.
    size_t at = 0;
    while (at < articles.size() && !(a->url < std::as_const(articles)[at].url)) ++at;
    articles.Insert(at, std::move(a));
  }
  site.articles = std::move(articles);
  site.diagnostics = std::move(diagnostics);
  return Finish(site, path, options);
}

}  // namespace vetted::publish
