#include "render/render.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <unordered_map>

#include "render/feeds.h"
#include "render/pages.h"
#include "render/search_index.h"
#include "render/site_index.h"
#include "util/util.h"

namespace vetted::render {
namespace {

// One output file to produce.
struct Job {
  enum Kind {
    kArticle,
    kSection,
    kPage,
    kPerson,
    kReviewBoard,
    kGlossary,
    kTag,
    kTags,
    kPeople,
    kHome,
    kNotFound,
    kAlias,
    kSitemap,
    kFeed,
    kRobots,
    kAsset
  };
  Kind kind;
  size_t index = 0;                // article, section, page, tag or asset index
  const Person* person = nullptr;  // kPerson
  std::string path;                // output path
};

// "a/b/" -> "a/b/index.html"; "/" -> "index.html".
std::string OutputPath(std::string_view url) {
  while (!url.empty() && url.front() == '/') url.remove_prefix(1);
  std::string path(url);
  if (path.empty() || path.back() == '/') path += "index.html";
  return path;
}

// Pages whose body becomes the intro of a generated page instead of a page of its own.
bool IsAbsorbedPage(const Page& p) {
  return p.slug == "review-board" || p.slug == "glossary" || p.slug == "people";
}

// "old/path/index.html" -> "/old/path/"; "legacy/x.html" -> "/legacy/x.html".
std::string UrlOfPath(const std::string& path) {
  if (path == "index.html") return "/";
  if (util::EndsWith(path, "/index.html")) return "/" + path.substr(0, path.size() - 10);
  return "/" + path;
}

std::vector<Job> PlanJobs(const SiteIndex& index) {
  const Site& site = index.site();
  std::vector<Job> jobs;
  jobs.reserve(site.articles.size() * 2 + site.sections.size() + site.people.size() + 32);
  // The few large or slow files first, so that threads finish together.
  jobs.push_back({Job::kSitemap, 0, nullptr, "sitemap.xml"});
  jobs.push_back({Job::kFeed, 0, nullptr, "feed.xml"});
  for (const auto& [id, person] : site.people)
    jobs.push_back({Job::kPerson, 0, &person, "people/" + id + "/index.html"});
  for (size_t i = 0; i < site.sections.size(); ++i)
    jobs.push_back({Job::kSection, i, nullptr, OutputPath(site.sections[i].url)});
  jobs.push_back({Job::kHome, 0, nullptr, "index.html"});
  jobs.push_back({Job::kReviewBoard, 0, nullptr, "review-board/index.html"});
  jobs.push_back({Job::kGlossary, 0, nullptr, "glossary/index.html"});
  jobs.push_back({Job::kPeople, 0, nullptr, "people/index.html"});
  if (!index.Tags().empty()) jobs.push_back({Job::kTags, 0, nullptr, "tags/index.html"});
  for (size_t i = 0; i < index.Tags().size(); ++i)
    jobs.push_back({Job::kTag, i, nullptr, OutputPath(index.Tags()[i].url)});
  jobs.push_back({Job::kNotFound, 0, nullptr, "404.html"});
  jobs.push_back({Job::kRobots, 0, nullptr, "robots.txt"});
  for (size_t i = 0; i < index.assets().size(); ++i)
    jobs.push_back({Job::kAsset, i, nullptr, index.assets()[i].path});
  for (size_t i = 0; i < site.pages.size(); ++i) {
    const Page& p = site.pages[i];
    if (!IsAbsorbedPage(p))
      jobs.push_back({Job::kPage, i, nullptr, OutputPath(p.url.empty() ? p.slug + "/" : p.url)});
  }
  for (size_t i = 0; i < site.articles.size(); ++i) {
    jobs.push_back({Job::kArticle, i, nullptr, OutputPath(site.articles[i].url)});
    for (const auto& alias : site.articles[i].aliases) {
      std::string path = AliasPath(alias);
      if (!path.empty()) jobs.push_back({Job::kAlias, i, nullptr, std::move(path)});
    }
  }
  return jobs;
}

Result<std::string> RunJob(const Job& job, const SiteIndex& index, PageRenderer& r,
                           std::vector<Diagnostic>* diagnostics) {
  switch (job.kind) {
    case Job::kArticle:
      return r.ArticlePage(job.index, diagnostics);
    case Job::kSection:
      return r.SectionPage(job.index);
    case Job::kPage:
      return r.StandalonePage(job.index);
    case Job::kPerson:
      return r.PersonPage(*job.person);
    case Job::kReviewBoard:
      return r.ReviewBoardPage();
    case Job::kGlossary:
      return r.GlossaryPage();
    case Job::kTag:
      return r.TagPage(job.index);
    case Job::kTags:
      return r.TagsPage();
    case Job::kPeople:
      return r.PeopleIndexPage();
    case Job::kHome:
      return r.HomePage();
    case Job::kNotFound:
      return r.NotFoundPage();
    case Job::kAlias:
      return r.RedirectPage(job.index);
    case Job::kSitemap:
      return SitemapXml(index);
    case Job::kFeed:
      return AtomFeed(index);
    case Job::kRobots:
      return RobotsTxt(index);
    case Job::kAsset:
      return *index.assets()[job.index].bytes;
  }
  return Status::Internal("unknown render job");
}

}  // namespace

struct SiteRenderer::Impl {
  Impl(const Site& site, const markup::SiteDocs& docs, Options opts)
      : options(std::move(opts)), index(site, docs) {}

  Options options;
  SiteIndex index;
  std::shared_ptr<const Templates> templates;
  std::vector<Job> jobs;  // one per output path, in render order
  std::vector<std::string> paths;
  std::unordered_map<std::string, size_t> job_of;  // path -> index into jobs
  std::vector<std::pair<std::string, std::string>> redirects, top_sections;

  // PageRenderers not in use; Lease takes one (or makes one) and gives it back.
  mutable std::mutex pool_mu;
  mutable std::vector<std::unique_ptr<PageRenderer>> pool;

  class Lease {
   public:
    explicit Lease(const Impl& impl) : impl_(impl) {
      {
        std::lock_guard<std::mutex> lock(impl.pool_mu);
        if (!impl.pool.empty()) {
          renderer_ = std::move(impl.pool.back());
          impl.pool.pop_back();
        }
      }
      if (!renderer_) renderer_ = std::make_unique<PageRenderer>(impl.index, *impl.templates, &impl.options);
    }
    ~Lease() {
      std::lock_guard<std::mutex> lock(impl_.pool_mu);
      impl_.pool.push_back(std::move(renderer_));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    PageRenderer& operator*() const { return *renderer_; }

   private:
    const Impl& impl_;
    std::unique_ptr<PageRenderer> renderer_;
  };

  // Runs fn(renderer) with a pooled PageRenderer; exceptions become kInternal.
  template <typename Fn>
  Result<std::string> WithRenderer(Fn&& fn) const {
    try {
      Lease lease(*this);
      return fn(*lease);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("render: ") + e.what());
    }
  }

  void Plan();
};

// Jobs with unique paths (a real page wins over an alias that names the same
// file; otherwise the first planned wins), the path table, redirects and the
// top-level sections.
void SiteRenderer::Impl::Plan() {
  const Site& site = index.site();
  for (Job& job : PlanJobs(index)) {
    auto [it, added] = job_of.emplace(job.path, jobs.size());
    if (added) {
      jobs.push_back(std::move(job));
    } else if (jobs[it->second].kind == Job::kAlias && job.kind != Job::kAlias) {
      jobs[it->second] = std::move(job);
    }
  }
  paths.reserve(jobs.size());
  for (const Job& job : jobs) {
    paths.push_back(job.path);
    if (job.kind == Job::kAlias) redirects.emplace_back(UrlOfPath(job.path), site.articles[job.index].url);
  }
  for (size_t k : index.SubsectionsOf("/")) {
    const Section& sec = site.sections[k];
    top_sections.emplace_back(sec.url, sec.ShownTitle());
  }
}

SiteRenderer::SiteRenderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SiteRenderer::~SiteRenderer() = default;

Result<std::unique_ptr<SiteRenderer>> SiteRenderer::Create(const Site& site, const markup::SiteDocs& docs,
                                                           Options options) {
  try {
    auto impl = std::make_unique<Impl>(site, docs, std::move(options));
    Result<std::shared_ptr<const Templates>> templates = Templates::Parse(impl->index);
    if (!templates.ok()) return templates.status();
    impl->templates = std::move(templates).value();
    impl->Plan();
    return std::unique_ptr<SiteRenderer>(new SiteRenderer(std::move(impl)));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("render: ") + e.what());
  }
}

const std::vector<std::string>& SiteRenderer::Paths() const {
  return impl_->paths;
}

const std::vector<std::pair<std::string, std::string>>& SiteRenderer::Redirects() const {
  return impl_->redirects;
}

const std::vector<std::pair<std::string, std::string>>& SiteRenderer::TopSections() const {
  return impl_->top_sections;
}

Result<std::string> SiteRenderer::Render(const std::string& path,
                                         std::vector<Diagnostic>* diagnostics) const {
  auto it = impl_->job_of.find(path);
  if (it == impl_->job_of.end()) return Status::NotFound("no page at " + path);
  const Job& job = impl_->jobs[it->second];
  Result<std::string> bytes =
      impl_->WithRenderer([&](PageRenderer& r) { return RunJob(job, impl_->index, r, diagnostics); });
  if (!bytes.ok() && bytes.status().code() == Code::kInvalid)
    return Status::Invalid(path + ": " + bytes.status().message());
  return bytes;
}

Result<std::string> SiteRenderer::SearchPage(const SearchView& view) const {
  return impl_->WithRenderer([&](PageRenderer& r) { return r.SearchPage(view); });
}

Result<std::string> SiteRenderer::FeedbackThanksPage(const std::string& article_url,
                                                     bool absolute_back) const {
  return impl_->WithRenderer(
      [&](PageRenderer& r) { return r.FeedbackThanksPage(article_url, absolute_back); });
}

Result<std::string> SiteRenderer::FeedbackErrorPage(const std::string& article_url,
                                                    const std::string& message, bool absolute_back) const {
  return impl_->WithRenderer(
      [&](PageRenderer& r) { return r.FeedbackErrorPage(article_url, message, absolute_back); });
}

namespace {

// The static search page and index files (Options::search_text).
Status EmitStaticSearch(const Site& site, SearchIndexBuilder& builder,
                        const std::function<Result<std::string>(const SearchIndexMeta&)>& render_page,
                        const Emit& emit) {
  std::vector<SearchDocInfo> infos;
  infos.reserve(site.articles.size());
  for (const Article& a : site.articles)
    infos.push_back(
        {a.url, a.title, a.section_path.empty() ? "/" : "/" + a.section_path[0] + "/", a.description});
  SearchIndexMeta meta;
  for (auto& [path, bytes] : builder.Finish(infos, &meta)) emit(path, std::move(bytes));
  Result<std::string> page = render_page(meta);
  if (!page.ok()) return Status::Invalid("search/index.html: " + page.status().message());
  emit("search/index.html", std::move(page).value());
  return Status::Ok();
}

}  // namespace

Status RenderSite(const Site& site, const markup::SiteDocs& docs, const Options& given, const Emit& emit) {
  Options options = given;
  std::unique_ptr<SearchIndexBuilder> search;
  if (given.search_text) {
    search = std::make_unique<SearchIndexBuilder>(site.articles.size(), site.glossary);
    options.article_rendered = [&given, &search](size_t i, const markup::Document& doc) {
      if (given.article_rendered) given.article_rendered(i, doc);
      search->Add(i, given.search_text(i, doc));
    };
  }
  Result<std::unique_ptr<SiteRenderer>> renderer = SiteRenderer::Create(site, docs, options);
  if (!renderer.ok()) return renderer.status();
  const SiteRenderer& r = **renderer;
  const std::vector<std::string>& paths = r.Paths();
  std::vector<char> is_article(paths.size(), 0);
  {
    std::unordered_map<std::string_view, size_t> position;
    for (size_t j = 0; j < paths.size(); ++j) position.emplace(paths[j], j);
    for (const Article& a : site.articles) {
      auto it = position.find(OutputPath(a.url));
      if (it != position.end()) is_article[it->second] = 1;
    }
  }
  std::atomic<size_t> next{0}, articles_done{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status first_error;
  size_t workers = std::max<size_t>(1, std::min<size_t>(util::WorkerCount(), paths.size()));
  util::ParallelFor(workers, [&](size_t) {
    try {
      for (size_t j; !failed.load(std::memory_order_relaxed) && (j = next.fetch_add(1)) < paths.size();) {
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.ok()) first_error = Status::Error(Code::kConflict, "cancelled");
          failed = true;
          return;
        }
        std::vector<Diagnostic> found;
        Result<std::string> bytes = r.Render(paths[j], &found);
        if (!found.empty() && options.diagnostics) options.diagnostics(std::move(found));
        if (!bytes.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.ok()) first_error = bytes.status();
          failed = true;
          return;
        }
        emit(paths[j], std::move(bytes).value());
        if (is_article[j] && options.progress)
          options.progress(articles_done.fetch_add(1) + 1, site.articles.size());
      }
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mu);
      if (first_error.ok()) first_error = Status::Internal(std::string("render: ") + e.what());
      failed = true;
    }
  });
  if (!first_error.ok() || !search) return first_error;
  return EmitStaticSearch(
      site, *search,
      [&](const SearchIndexMeta& meta) {
        return r.impl_->WithRenderer([&](PageRenderer& p) { return p.StaticSearchPage(meta); });
      },
      emit);
}

}  // namespace vetted::render
