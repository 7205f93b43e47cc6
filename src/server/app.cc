// App: loading a generation of content, the reload poller, and the route
// table the groups fill.
#include "server/app.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <future>
#include <optional>
#include <unordered_set>

#include "publish/publish.h"
#include "server/admin/article_routes.h"
#include "server/admin/desk_routes.h"
#include "server/admin/editor_routes.h"
#include "server/admin/library_routes.h"
#include "server/admin/review_routes.h"
#include "server/admin/routes.h"
#include "server/app_internal.h"
#include "server/encode.h"
#include "server/ops/routes.h"
#include "server/public/routes.h"
#include "util/util.h"

namespace vetted::server {
namespace {

// "a/b/index.html" -> "/a/b/"; "index.html" -> "/"; "sitemap.xml" -> "/sitemap.xml".
std::string UrlOfPath(const std::string& path) {
  constexpr std::string_view kIndex = "index.html";
  if (path == kIndex) return "/";
  if (path.size() > kIndex.size() && path.compare(path.size() - kIndex.size(), kIndex.size(), kIndex) == 0 &&
      path[path.size() - kIndex.size() - 1] == '/')
    return "/" + path.substr(0, path.size() - kIndex.size());
  return "/" + path;
}

// "https://example.org:8443" for "https://example.org:8443/health/"; "" when
// the URL has no scheme.
std::string OriginOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  size_t end = url.find_first_of("/?#", scheme + 3);
  return std::string(url.substr(0, end));
}

// Adds the base path to a root-relative Location ("/x/" -> "/health/x/"):
// handlers answer in the site's own URLs.
Respond UnderBase(std::string_view base, Respond respond) {
  return [prefix = std::string(base.substr(0, base.size() - 1)), respond = std::move(respond)](Response res) {
    for (auto& [name, value] : res.headers)
      if (util::EqualsIgnoreCase(name, "Location") && util::StartsWith(value, "/") &&
          !util::StartsWith(value, "//"))
        value.insert(0, prefix);
    respond(std::move(res));
  };
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

namespace {

// The process's CPU time (all threads): on a busy machine a fairer measure than wall time.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

thread_local std::vector<std::string>* related_sink = nullptr;

PhaseLog::PhaseLog(std::string* out)
    : out_(out), last_(std::chrono::steady_clock::now()), last_cpu_(CpuSeconds()) {}

void PhaseLog::operator()(const char* name) {
  if (!out_) return;
  auto now = std::chrono::steady_clock::now();
  double cpu = CpuSeconds();
  char part[80];
  std::snprintf(part, sizeof part, "%s%s %.1f ms (cpu %.1f)", out_->empty() ? "" : ", ", name,
                std::chrono::duration<double>(now - last_).count() * 1000, (cpu - last_cpu_) * 1000);
  *out_ += part;
  last_ = now;
  last_cpu_ = cpu;
}

namespace {

// Validate's errors for a site whose articles outside `only` were served
// before (no error): the markup diagnostics of the articles `known` lacks,
// and the check rules on the articles in `only` with the rest of the site.
std::vector<Diagnostic> ValidateChanged(const Site& site, const markup::SiteDocs& docs,
                                        std::vector<std::optional<std::vector<Diagnostic>>>& known,
                                        const std::vector<size_t>& only) {
  std::vector<size_t> render;
  for (size_t i = 0; i < known.size(); ++i)
    if (!known[i]) render.push_back(i);
  util::ParallelFor(render.size(), [&](size_t k) {
    known[render[k]] = docs.article_renderer->Render(render[k]).doc.diagnostics;
  });
  Site part = site;  // shares the articles (SharedList)
  part.articles.clear();
  for (size_t i : only) part.articles.Insert(part.articles.size(), site.articles.Shared(i));
  std::vector<Diagnostic> out = publish::Validate(part, docs, publish::ValidateOptions{});
  for (size_t i : render) out.insert(out.end(), known[i]->begin(), known[i]->end());
  publish::Normalize(out);
  return out;
}

}  // namespace

// The publish pipeline's phases 2 to 4 (src/publish/) on a loaded site: the
// stored site is refused by the same rules as `vetted build` and `vetted
// check`.
Status BuildContent(Content& c, std::vector<std::optional<std::vector<Diagnostic>>> known,
                    const render::Options& options, const util::Clock& clock, PhaseLog& phase,
                    const std::vector<size_t>* check_only) {
  const Site& site = c.site;  // const: never copy a shared article (SharedList)
  c.docs = markup::RenderSite(site, markup::ArticleMode::kArticlesOnDemand);
  phase("markup");
  // The renderer's indexes are built while the site is validated (both only
  // read site and docs); a refused site drops them.
  auto renderer =
      std::async(std::launch::async, [&] { return render::SiteRenderer::Create(site, c.docs, options); });
  known.resize(site.articles.size());
  Status valid;
  if (check_only) {
    valid = publish::Refusal(ValidateChanged(site, c.docs, known, *check_only));
  } else {
    publish::ValidateOptions validate;
    validate.article_markup = true;  // pages render on demand: find their markup errors now
    validate.known_article_markup = &known;
    valid = publish::Refusal(publish::Validate(site, c.docs, validate));
  }
  phase(check_only ? "validate (changed articles)" : "validate");
  Result<std::unique_ptr<render::SiteRenderer>> made = renderer.get();
  phase("index (after validate)");
  if (!valid.ok()) return Status::Invalid("stored site: " + valid.message());
  if (!made.ok()) return made.status();
  c.renderer = std::move(*made);
  c.markup_diagnostics.reserve(known.size());
  for (auto& k : known) c.markup_diagnostics.push_back(k ? std::move(*k) : std::vector<Diagnostic>{});
  for (const auto& [alias, target] : c.renderer->Redirects()) c.redirects[alias] = target;
  for (const std::string& path : c.renderer->Paths()) {
    std::string url = UrlOfPath(path);
    if (!c.redirects.count(url)) c.page_path[url] = path;
  }
  c.articles.reserve(site.articles.size());
  for (const Article& a : site.articles) c.articles[a.url] = &a;
  for (const StaticFile& f : site.static_files) {
    std::string url = "/" + f.relative_path;
    if (!c.page_path.count(url)) c.static_file[url] = f.source_path;
  }
  c.last_modified = util::FormatHttpDate(clock.NowSeconds());
  c.base_path = render::BasePath(site.config);
  c.origin = OriginOf(site.config.base_url);
  phase("routes");
  return Status::Ok();
}

Result<std::shared_ptr<const Content>> LoadContent(store::Store& store, const render::Options& options,
                                                   const util::Clock& clock, std::string* phases) {
  PhaseLog phase(phases);
  Result<store::Snapshot> snapshot = store.Load();
  if (!snapshot.ok()) return snapshot.status();
  phase("store");
  auto c = std::make_shared<Content>();
  c->generation = snapshot->generation;
  std::vector<std::string> content_files;
  for (const store::SourceFile& f : snapshot->files)
    if (util::StartsWith(f.path, "content/")) content_files.push_back(f.path);
  {
    load::MemoryFileSystem all;
    if (Status s = publish::LoadSnapshot(std::move(*snapshot), &all, &c->site); !s.ok()) return s;
    // Kept: only what pages read from the files after loading (static/).
    auto statics = std::make_shared<load::MemoryFileSystem>();
    for (const StaticFile& f : std::as_const(c->site).static_files) {
      Result<std::string> bytes = all.Read(f.source_path);
      if (bytes.ok()) statics->Add(f.source_path, std::move(*bytes));
    }
    c->fs = std::move(statics);
  }
  std::unordered_set<std::string_view> article_files;
  for (const Article& a : std::as_const(c->site).articles) article_files.insert(a.file);
  auto folders = std::make_shared<std::set<std::string>>();
  for (const std::string& path : content_files) {
    if (article_files.count(path)) continue;
    for (size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0;
         slash = path.rfind('/', slash - 1))
      if (!folders->insert(path.substr(0, slash)).second) break;
  }
  c->file_folders = std::move(folders);
  phase("load");
  if (Status s = BuildContent(*c, {}, options, clock, phase); !s.ok()) return s;
  return std::shared_ptr<const Content>(std::move(c));
}

App::Impl::Impl(store::Store& s, const AppOptions& o, Metrics* m, std::function<void(const std::string&)> l)
    : store(s),
      options(o),
      metrics(m),
      log(std::move(l)),
      limiter(RateLimiter::Options{o.feedback_per_minute, o.feedback_burst, 100000, s.Limits()}),
      router(RouterOptions{o.ops_token}) {}

render::Options App::Impl::RenderOptions() {
  render::Options ro;
  store::Store* s = &store;
  ro.related = [s](const std::string& url) {
    Result<std::vector<std::string>> related = s->Related(url, kRelatedCount);
    std::vector<std::string> urls = related.ok() ? std::move(*related) : std::vector<std::string>{};
    if (related_sink) *related_sink = urls;  // kept with the cached page (CachedPage::related)
    return urls;
  };
  return ro;
}

void App::Impl::RunScheduled() {
  Result<int> ran = articles->RunScheduled();
  if (!log) return;
  if (!ran.ok())
    log("scheduled publications: " + ran.status().message());
  else if (*ran > 0)
    log("scheduled publications: " + std::to_string(*ran) + " carried out");
}

void App::Impl::Count(std::string_view name, std::string_view labels, std::string_view help) {
  if (metrics) metrics->Add(name, labels, 1, help);
}

// Asks the search index once for every distinct word of the articles'
// titles, tags and descriptions (what "Related articles" asks for), so that the index's per-word lists are
// ready before readers search (the first use of a common word costs a scan of the index; see
// store/sqlite/search.cc). Runs on the poller thread, within a time budget.
void App::Impl::WarmSearch(const Content& c, const std::vector<const Article*>* first) {
  constexpr auto kBudget = std::chrono::seconds(3);
  auto start = std::chrono::steady_clock::now();
  std::unordered_set<std::string> seen;
  size_t asked = 0;
  std::vector<const Article*> order;  // `first` (the changed articles), then all
  if (first) order = *first;
  order.reserve(order.size() + c.site.articles.size());
  for (const Article& a : c.site.articles) order.push_back(&a);
  for (size_t i = 0; i < order.size(); ++i) {
    const Article& a = *order[i];
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
    // A newer import: its reload comes first (the lists of this generation are dropped anyway).
    if (i % 64 == 63) {
      Result<int64_t> now = store.Generation();
      if (!now.ok() || *now != c.generation) return;
    }
  }
  if (log && asked > 0) {
    char line[120];
    std::snprintf(line, sizeof line, "search warmed: %zu words in %.0f ms", asked,
                  SecondsSince(start) * 1000);
    log(line);
  }
}

void App::Impl::SawStore(const Status& status) {
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  store_looked_ms.store(now_ms, std::memory_order_relaxed);
  bool down = !status.ok() && status.code() == Code::kIo;
  bool was = store_down.exchange(down);
  if (down != was && log) {
    log(down ? "database unreachable (" + status.message() +
                   "): pages are served from memory, what needs the database answers 503 until it is back"
             : std::string("database reachable again"));
  }
}

bool App::Impl::SawSpace() {
  bool full = store.OutOfSpace();
  if (store_full.exchange(full) != full && log) {
    log(full ? "disk full: a write to the database failed for lack of space (" + store.OutOfSpaceCause() +
                   "): writes answer 503 with Retry-After until space is freed; pages and search are still "
                   "served"
             : std::string("disk space again: a write to the database succeeded, writes work again"));
  }
  return full;
}

bool App::Impl::StoreDown(bool look_again) {
  if (look_again) SawStore(store.Generation().status());
  return store_down.load(std::memory_order_acquire);
}

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<App>> App::Open(store::Store& store, const AppOptions& options, Metrics* metrics,
                                       std::function<void(const std::string&)> log) {
  auto impl = std::make_unique<Impl>(store, options, metrics, std::move(log));
  // The route groups; a new group (the admin) adds its line here.
  for (auto add : {AddPageRoutes, AddSearchRoutes, AddFeedbackRoutes, AddOpsRoutes, AddAdminRoutes})
    if (Status s = add(impl->router, *impl); !s.ok()) return Status::Internal("routes: " + s.message());
  auto start = std::chrono::steady_clock::now();
  Result<std::shared_ptr<const Content>> content = LoadContent(store, impl->RenderOptions(), *options.clock);
  if (!content.ok()) return content.status();
  (*content)->cache.Configure(options.cache_bytes, impl->cache_counters);
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
    metrics->Add(
        "vetted_cache_evictions_total", "", 0,
        "Pages dropped from the page cache to keep it within its budget (rendered again when asked)");
    metrics->Add("vetted_feedback_total", "result=\"accepted\"", 0,
                 "Feedback posts accepted (stored) and rejected, by reason");
    metrics->Add("vetted_reloads_total", "", 0, "Content reloads after an import");
  }
  // The newsroom's article API, behind the admin group's sign-in gate
  // (without accounts in the store the gate is absent and these stay 403).
  if (store.Workflow() != nullptr) {
    newsroom::ArticleOptions newsroom_options;
    newsroom_options.clock = options.clock;
    // The site.toml being served says how many approvals a new article needs.
    App::Impl* served = impl.get();
    newsroom_options.site_rules = [served] {
      newsroom::SiteRules rules;
      rules.two_approvals_for_new_or_major = served->Current()->site.config.approvals_for_new_or_major >= 2;
      return rules;
    };
    impl->articles = std::make_unique<newsroom::Articles>(store, newsroom_options);
    if (Status s = AddArticleRoutes(impl->router, *impl->articles); !s.ok())
      return Status::Internal("routes: " + s.message());
    if (Status s = AddEditorRoutes(impl->router, *impl); !s.ok())
      return Status::Internal("routes: " + s.message());
    if (Status s = AddReviewRoutes(impl->router, *impl); !s.ok())
      return Status::Internal("routes: " + s.message());
    if (Status s = AddDeskRoutes(impl->router, *impl); !s.ok())
      return Status::Internal("routes: " + s.message());
    if (Status s = AddLibraryRoutes(impl->router, *impl); !s.ok())
      return Status::Internal("routes: " + s.message());
  }
  Impl* raw = impl.get();
  raw->router.SetStoreHealth([raw](bool look_again) { return raw->StoreDown(look_again); });
  raw->router.SetStoreFull([raw] { return raw->SawSpace(); });
  impl->queue = std::make_unique<FeedbackQueue>(
      [raw](const std::vector<store::NewFeedback>& batch) { return raw->store.AddFeedback(batch); },
      std::max<size_t>(1, options.feedback_batch));
  std::unique_ptr<App> app(new App(std::move(impl)));
  App* self = app.get();
  raw->poller = std::thread([raw, self] {
    raw->WarmSearch(*raw->Current());
    raw->warm = true;
    std::unique_lock<std::mutex> lock(raw->poll_mu);
    auto last_scheduled = std::chrono::steady_clock::time_point{};
    // While the database is unreachable, look again four times a second rather than at every poll.
    auto wait = [raw] {
      return raw->store_down.load() ? std::max(raw->options.reload_poll, std::chrono::milliseconds(250))
                                    : raw->options.reload_poll;
    };
    while (true) {
      // A store that is told of changes (PostgreSQL: LISTEN/NOTIFY) wakes the
      // poller when another node or process imports; at least five times a
      // second it looks anyway (scheduled publications, stopping). Otherwise
      // the poller polls every reload_poll.
      int64_t watched = 0;
      {
        std::lock_guard<std::mutex> content_lock(raw->content_mu);
        watched = std::max(raw->content->generation, raw->failed_generation);
      }
      lock.unlock();
      bool waited =
          !raw->store_down.load() && raw->store.WaitForChange(watched, std::chrono::milliseconds(200));
      lock.lock();
      if (raw->stopping) break;
      if (!waited && raw->poll_cv.wait_for(lock, wait(), [raw] { return raw->stopping; })) break;
      lock.unlock();
      raw->SawSpace();  // logs when writes work again after a full disk
      // The newsroom's scheduled publications and unpublications, once a
      // second at most; what one publishes is served by the Reload below.
      if (raw->articles && !raw->store_down.load() &&
          std::chrono::steady_clock::now() - last_scheduled >= kScheduledEvery) {
        last_scheduled = std::chrono::steady_clock::now();
        raw->RunScheduled();
      }
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
  // One reload at a time (the poller and a caller such as `vetted dev` may
  // both ask): the second finds the new generation already served.
  std::lock_guard<std::mutex> reloading(impl_->reload_mu);
  Result<int64_t> generation = impl_->store.Generation();
  impl_->SawStore(generation.status());
  if (!generation.ok()) return generation.status();
  std::shared_ptr<const Content> current;
  {
    std::lock_guard<std::mutex> lock(impl_->content_mu);
    if (*generation == impl_->content->generation || *generation == impl_->failed_generation)
      return Status::Ok();
    current = impl_->content;
  }
  auto start = std::chrono::steady_clock::now();
  std::string phases;
  // Only the articles that changed since the served generation, when the
  // store can say so and no other file changed; else everything.
  PhaseLog phase(&phases);
  Result<store::Changes> changes = impl_->store.ChangesSince(current->generation);
  phase("changes");
  bool incremental =
      changes.ok() && changes->complete && !changes->files_changed && impl_->options.incremental;
  Result<std::shared_ptr<const Content>> content = std::shared_ptr<const Content>();
  if (incremental) {
    content = UpdateContent(*current, *changes, impl_->RenderOptions(), *impl_->options.clock, &phases);
    incremental = !content.ok() || *content != nullptr;  // null: a change it cannot apply
  }
  if (!incremental) {
    content = LoadContent(impl_->store, impl_->RenderOptions(), *impl_->options.clock, &phases);
  }
  if (!content.ok()) {
    std::lock_guard<std::mutex> lock(impl_->content_mu);
    impl_->failed_generation = incremental ? changes->generation : *generation;
    if (impl_->log)
      impl_->log("reload failed, still serving the previous content: " + content.status().message());
    return content.status();
  }
  // A full load starts with an empty cache; UpdateContent's took the
  // previous budget (set again here all the same).
  (*content)->cache.Configure(impl_->options.cache_bytes, impl_->cache_counters);
  std::shared_ptr<const Content> old;
  {
    std::lock_guard<std::mutex> lock(impl_->content_mu);
    old = std::move(impl_->content);
    impl_->content = std::move(*content);
  }
  current.reset();
  impl_->Count("vetted_reloads_total", "", "Content reloads after an import");
  if (impl_->log) {
    char line[600];
    std::snprintf(
        line, sizeof line,
        "reloaded generation %lld (%s: %zu articles changed, %zu removed): %zu articles in %.0f ms (%s)",
        static_cast<long long>(impl_->content->generation), incremental ? "incremental" : "full",
        incremental ? changes->articles.size() : 0, incremental ? changes->removed.size() : 0,
        impl_->content->site.articles.size(), SecondsSince(start) * 1000, phases.c_str());
    impl_->log(line);
  }
  if (incremental) {  // the words of the changed articles only: the rest were asked before
    std::vector<const Article*> changed;
    for (const store::SourceFile& f : changes->articles)
      for (const Article& a : std::as_const(impl_->content->site).articles)
        if (a.file == f.path) changed.push_back(&a);
    impl_->WarmSearch(*impl_->Current(), &changed);
  } else {
    impl_->WarmSearch(*impl_->Current());
  }
  return Status::Ok();  // `old` is freed here, or by the last request still using it
}

// The one place that knows the base path: a request under it reaches the
// route table without it (routes and handlers speak the site's own URLs,
// "/x/"), and root-relative redirects get it back (UnderBase).
void App::Handle(Request&& req, Respond respond) {
  std::shared_ptr<const Content> c = impl_->Current();
  const std::string& base = c->base_path;
  std::string_view path = req.Path();
  if (base.size() <= 1 || req.ops_listener || IsOpsPath(path))
    return impl_->router.Handle(std::move(req), std::move(respond));
  if (util::StartsWith(path, base)) {
    req.target.erase(0, base.size() - 1);  // "/health/x/?q=1" -> "/x/?q=1"
    return impl_->router.Handle(std::move(req), UnderBase(base, std::move(respond)));
  }
  if (path == "/" || path == std::string_view(base).substr(0, base.size() - 1)) {
    std::string_view query = req.Query();
    return respond(Redirect(301, query.empty() ? base : base + "?" + std::string(query), "redirect"));
  }
  respond(impl_->NotFound(req, *c));
}

size_t App::BodyLimit(std::string_view method, std::string_view target) const {
  std::shared_ptr<const Content> c = impl_->Current();
  const std::string& base = c->base_path;
  if (base.size() > 1 && util::StartsWith(target, base)) target.remove_prefix(base.size() - 1);
  return impl_->router.BodyLimit(method, target);
}

}  // namespace vetted::server
