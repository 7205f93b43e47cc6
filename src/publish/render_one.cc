// One revision of one article rendered as readers would see it
// (RenderRevisionPage in publish.h), for the newsroom's preview links and
// review pages.
#include <algorithm>

#include "publish/publish.h"
#include "render/render.h"

namespace vetted::publish {

Result<std::string> RenderRevisionPage(const Site& site, const std::string& path, const std::string& source) {
  std::vector<Diagnostic> ignored;
  Article article = load::ParseArticle(source, path, ignored);
  article.draft = false;
  Site copy = site;  // shares the other articles (SharedList)
  size_t at = copy.articles.size();
  for (size_t i = 0; i < copy.articles.size(); ++i) {
    if (std::as_const(copy).articles[i].file == path) {
      copy.articles.Erase(i);
      at = i;
      break;
    }
  }
  if (at == copy.articles.size()) {  // a new article: in url order
    at = 0;
    while (at < copy.articles.size() && std::as_const(copy).articles[at].url < article.url) ++at;
  }
  const std::string url = article.url;
  copy.articles.Insert(at, std::make_shared<const Article>(std::move(article)));
  // The article's sections, when it is the first in a folder.
  std::string folder = "/";
  const Article& placed = std::as_const(copy).articles[at];
  for (size_t depth = 0; depth < placed.section_path.size(); ++depth) {
    folder += placed.section_path[depth] + "/";
    auto same = [&](const Section& s) { return s.url == folder; };
    if (std::find_if(copy.sections.begin(), copy.sections.end(), same) != copy.sections.end()) continue;
    Section s;
    s.path.assign(placed.section_path.begin(), placed.section_path.begin() + static_cast<long>(depth) + 1);
    s.url = folder;
    s.title = util::Humanize(placed.section_path[depth]);
    copy.sections.push_back(std::move(s));
    std::sort(copy.sections.begin(), copy.sections.end(),
              [](const Section& a, const Section& b) { return a.url < b.url; });
  }
  markup::SiteDocs docs = markup::RenderSite(copy, markup::ArticleMode::kArticlesOnDemand);
  Result<std::unique_ptr<render::SiteRenderer>> renderer = render::SiteRenderer::Create(copy, docs);
  if (!renderer.ok()) return renderer.status();
  std::string out_path = url.substr(1) + "index.html";
  return (*renderer)->Render(out_path);
}

}  // namespace vetted::publish
