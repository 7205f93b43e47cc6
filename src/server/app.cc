// App: loading a generation of content, the reload poller, and the route
// table the groups fill.
#include "server/app.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <unordered_set>

#include "publish/publish.h"
#include "server/app_internal.h"
#include "server/encode.h"
#include "server/ops/routes.h"
#include "server/public/routes.h"
#include "util/util.h"

namespace vetted::server {
namespace {

constexpr size_t kRelatedCount = 5;

// "a/b/index.html" -> "/a/b/"; "index.html" -> "/"; "sitemap.xml" -> "/sitemap.xml".
std::string UrlOfPath(const std::string& path) {
  constexpr std::string_view kIndex = "index.html";
  if (path == kIndex) return "/";
  if (path.size() > kIndex.size() && path.compare(path.size() - kIndex.size(), kIndex.size(), kIndex) == 0 &&
      path[path.size() - kIndex.size() - 1] == '/')
    return "/" + path.substr(0, path.size() - kIndex.size());
  return "/" + path;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

// The publish pipeline's phases 1 and 2 (src/publish/): the stored site is
// refused by the same rules as `vetted build` and `vetted check`.
Result<std::shared_ptr<const Content>> LoadContent(store::Store& store, const render::Options& options,
                                                   const util::Clock& clock) {
  Result<store::Snapshot> snapshot = store.Load();
  if (!snapshot.ok()) return snapshot.status();
  auto c = std::make_shared<Content>();
  c->generation = snapshot->generation;
  if (Status s = publish::LoadSnapshot(std::move(*snapshot), &c->fs, &c->site); !s.ok()) return s;
  c->docs = markup::RenderSite(c->site, markup::ArticleMode::kArticlesOnDemand);
  publish::ValidateOptions validate;
  validate.article_markup = true;  // pages render on demand: find their markup errors now
  if (Status s = publish::Refusal(publish::Validate(c->site, c->docs, validate)); !s.ok())
    return Status::Invalid("stored site: " + s.message());
  Result<std::unique_ptr<render::SiteRenderer>> renderer =
      render::SiteRenderer::Create(c->site, c->docs, options);
  if (!renderer.ok()) return renderer.status();
  c->renderer = std::move(*renderer);
  for (const auto& [alias, target] : c->renderer->Redirects()) c->redirects[alias] = target;
  for (const std::string& path : c->renderer->Paths()) {
    std::string url = UrlOfPath(path);
    if (!c->redirects.count(url)) c->page_path[url] = path;
  }
  for (const Article& a : c->site.articles) c->articles[a.url] = &a;
  for (const StaticFile& f : c->site.static_files) {
    std::string url = "/" + f.relative_path;
    if (!c->page_path.count(url)) c->static_file[url] = f.source_path;
  }
  c->last_modified = util::FormatHttpDate(clock.NowSeconds());
  return std::shared_ptr<const Content>(std::move(c));
}

App::Impl::Impl(store::Store& s, const AppOptions& o, Metrics* m, std::function<void(const std::string&)> l)
    : store(s),
      options(o),
      metrics(m),
      log(std::move(l)),
      limiter(RateLimiter::Options{o.feedback_per_minute, o.feedback_burst, 100000}),
      router(RouterOptions{o.ops_token}) {}

render::Options App::Impl::RenderOptions() {
  render::Options ro;
  store::Store* s = &store;
  ro.related = [s](const std::string& url) {
    Result<std::vector<std::string>> related = s->Related(url, kRelatedCount);
    return related.ok() ? std::move(*related) : std::vector<std::string>{};
  };
  return ro;
}

void App::Impl::Count(std::string_view name, std::string_view labels, std::string_view help) {
  if (metrics) metrics->Add(name, labels, 1, help);
}

// Asks the search index once for every distinct word of the articles'
// titles, tags and descriptions (what "Related articles" asks for), so that the index's per-word lists are
// ready before readers search (the first use of a common word costs a scan of the index; see
// store/sqlite/search.cc). Runs on the poller thread, within a time budget.
void App::Impl::WarmSearch(const Content& c) {
  constexpr auto kBudget = std::chrono::seconds(3);
  auto start = std::chrono::steady_clock::now();
  std::unordered_set<std::string> seen;
  size_t asked = 0;
  for (const Article& a : c.site.articles) {
    std::string text = a.title + " " + a.description;
    for (const std::string& tag : a.tags) text += " " + tag;
    for (std::string_view word : util::Split(text, ' ')) {
      std::string w = util::Slugify(word);  // lower case, punctuation dropped
      if (w.size() < 3 || w.find('-') != std::string::npos || !seen.insert(w).second) continue;
      store::SearchQuery q;
      q.text = w;
      q.limit = 1;
      (void)store.Search(q);
      ++asked;
      if (std::chrono::steady_clock::now() - start > kBudget) return;
    }
    {
      std::lock_guard<std::mutex> lock(poll_mu);
      if (stopping) return;
    }
  }
  if (log && asked > 0) {
    char line[120];
    std::snprintf(line, sizeof line, "search warmed: %zu words in %.0f ms", asked,
                  SecondsSince(start) * 1000);
    log(line);
  }
}

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<App>> App::Open(store::Store& store, const AppOptions& options, Metrics* metrics,
                                       std::function<void(const std::string&)> log) {
  auto impl = std::make_unique<Impl>(store, options, metrics, std::move(log));
  // The route groups; a new group (the admin) adds its line here.
  for (auto add : {AddPageRoutes, AddSearchRoutes, AddFeedbackRoutes, AddOpsRoutes})
    if (Status s = add(impl->router, *impl); !s.ok()) return Status::Internal("routes: " + s.message());
  auto start = std::chrono::steady_clock::now();
  Result<std::shared_ptr<const Content>> content = LoadContent(store, impl->RenderOptions(), *options.clock);
  if (!content.ok()) return content.status();
  impl->content = std::move(*content);
  if (impl->log) {
    char line[160];
    std::snprintf(line, sizeof line, "loaded generation %lld: %zu articles in %.0f ms",
                  static_cast<long long>(impl->content->generation), impl->content->site.articles.size(),
                  SecondsSince(start) * 1000);
    impl->log(line);
  }
  if (metrics) {  // declared at zero, so that dashboards see them before the first event
    metrics->Add("vetted_cache_hits_total", "", 0, "Responses served from the page cache");
    metrics->Add("vetted_cache_misses_total", "", 0,
                 "Pages rendered (or files read) because they were not cached");
    metrics->Add("vetted_feedback_total", "result=\"accepted\"", 0,
                 "Feedback posts accepted (stored) and rejected, by reason");
    metrics->Add("vetted_reloads_total", "", 0, "Content reloads after an import");
  }
  Impl* raw = impl.get();
  impl->queue = std::make_unique<FeedbackQueue>(
      [raw](const std::vector<store::NewFeedback>& batch) { return raw->store.AddFeedback(batch); },
      std::max<size_t>(1, options.feedback_batch));
  std::unique_ptr<App> app(new App(std::move(impl)));
  App* self = app.get();
  raw->poller = std::thread([raw, self] {
    raw->WarmSearch(*raw->Current());
    raw->warm = true;
    std::unique_lock<std::mutex> lock(raw->poll_mu);
    while (!raw->poll_cv.wait_for(lock, raw->options.reload_poll, [raw] { return raw->stopping; })) {
      lock.unlock();
      self->Reload();
      lock.lock();
    }
  });
  return app;
}

App::~App() {
  {
    std::lock_guard<std::mutex> lock(impl_->poll_mu);
    impl_->stopping = true;
  }
  impl_->poll_cv.notify_all();
  if (impl_->poller.joinable()) impl_->poller.join();
  impl_->queue.reset();  // commits what was accepted, answers it
}

bool App::ready() const {
  return impl_->warm.load(std::memory_order_acquire);
}

int64_t App::generation() const {
  return impl_->Current()->generation;
}

Status App::Reload() {
  Result<int64_t> generation = impl_->store.Generation();
  if (!generation.ok()) return generation.status();
  {
    std::lock_guard<std::mutex> lock(impl_->content_mu);
    if (*generation == impl_->content->generation || *generation == impl_->failed_generation)
      return Status::Ok();
  }
  auto start = std::chrono::steady_clock::now();
  Result<std::shared_ptr<const Content>> content =
      LoadContent(impl_->store, impl_->RenderOptions(), *impl_->options.clock);
  if (!content.ok()) {
    std::lock_guard<std::mutex> lock(impl_->content_mu);
    impl_->failed_generation = *generation;
    if (impl_->log)
      impl_->log("reload failed, still serving the previous content: " + content.status().message());
    return content.status();
  }
  std::shared_ptr<const Content> old;
  {
    std::lock_guard<std::mutex> lock(impl_->content_mu);
    old = std::move(impl_->content);
    impl_->content = std::move(*content);
  }
  impl_->Count("vetted_reloads_total", "", "Content reloads after an import");
  if (impl_->log) {
    char line[160];
    std::snprintf(line, sizeof line, "reloaded generation %lld: %zu articles in %.0f ms",
                  static_cast<long long>(impl_->content->generation), impl_->content->site.articles.size(),
                  SecondsSince(start) * 1000);
    impl_->log(line);
  }
  impl_->WarmSearch(*impl_->Current());
  return Status::Ok();  // `old` is freed here, or by the last request still using it
}

void App::Handle(Request&& req, Respond respond) {
  impl_->router.Handle(std::move(req), std::move(respond));
}

size_t App::BodyLimit(std::string_view method, std::string_view target) const {
  return impl_->router.BodyLimit(method, target);
}

}  // namespace vetted::server
