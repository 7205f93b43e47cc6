// One article as it would be published, for the newsroom's editor (publish.h).
#include <algorithm>

#include "publish/publish.h"
#include "render/render.h"

namespace vetted::publish {

Result<ArticlePreview> PreviewArticle(store::Snapshot snapshot, const std::string& path,
                                      const std::string& source, const PreviewOptions& options) {
  if (!util::StartsWith(path, "content/") || !util::EndsWith(path, ".md") || path.size() <= 11)
    return Status::Invalid("an article's path is content/<section>/<name>.md, not \"" + path + "\"");
  std::erase_if(snapshot.files, [&](const store::SourceFile& f) { return f.path == path; });
  snapshot.files.push_back({path, source});
  load::MemoryFileSystem files;
  Site site;
  if (Status s = LoadSnapshot(std::move(snapshot), &files, &site); !s.ok()) return s;
  markup::SiteDocs docs = markup::RenderSite(site, markup::ArticleMode::kAllArticles);
  ValidateOptions validate = options.validate;
  validate.article_markup = false;  // docs hold every article already
  ArticlePreview out;
  for (Diagnostic& d : Validate(site, docs, validate)) {
    if (d.pos.file == path || d.pos.file == "site/" + path) {
      d.pos.file = path;
      out.diagnostics.push_back(std::move(d));
    }
  }
  auto it = std::find_if(site.articles.begin(), site.articles.end(),
                         [&](const Article& a) { return a.file == path; });
  if (it == site.articles.end()) return out;
  out.url = it->url;
  render::Options ro;
  ro.related = options.related;
  Result<std::unique_ptr<render::SiteRenderer>> renderer = render::SiteRenderer::Create(site, docs, ro);
  if (!renderer.ok()) return renderer.status();
  std::string page = out.url.substr(1) + "index.html";
  Result<std::string> html = (*renderer)->Render(page);
  if (!html.ok()) return html.status();
  out.html = std::move(*html);
  return out;
}

}  // namespace vetted::publish
