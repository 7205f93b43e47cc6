// App: loading a generation of content, the reload poller, and the route
// table the groups fill.
#include "server/app.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <unordered_set>

#include "publish/publish.h"
#include "server/admin/article_routes.h"
#include "server/admin/routes.h"
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

// Appends "name N ms" to *out for each phase, when out is given.
class PhaseLog {
 public:
  explicit PhaseLog(std::string* out) : out_(out) {}
  void operator()(const char* name) {
    if (!out_) return;
    auto now = std::chrono::steady_clock::now();
    double cpu = CpuSeconds();
    char part[80];
    std::snprintf(part, sizeof part, "%s%s %.0f ms (cpu %.0f)", out_->empty() ? "" : ", ", name,
                  std::chrono::duration<double>(now - last_).count() * 1000, (cpu - last_cpu_) * 1000);
    *out_ += part;
    last_ = now;
    last_cpu_ = cpu;
  }

 private:
  // The process's CPU time (all threads): on a busy machine a fairer measure than wall time.
  static double CpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  }
  std::string* out_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  double last_cpu_ = CpuSeconds();
};

// Everything an article's markup diagnostics may depend on besides its own
// file and the site's other (non-article) files: every URL a link may
// resolve to, and each article's file, URL and aliases (markup/site.cc
// LinkResolver). Equal fingerprints + same article bytes + same other files
// = same diagnostics.
std::string LinkFingerprint(const Site& site, const markup::SiteDocs& docs) {
  std::string out;
  for (const std::string& url : docs.urls) out.append(url).push_back('\n');
  for (const Article& a : site.articles) {
    out.append(a.file).push_back('\t');
    out.append(a.url);
    for (const std::string& alias : a.aliases) out.append("\t").append(alias);
    out.push_back('\n');
  }
  return out;
}

// Per article of `site`: the markup diagnostics `previous` found for the same
// file, when neither that file (not in `changed`) nor anything a link may
// resolve to changed; nullopt otherwise (rendered again).
std::vector<std::optional<std::vector<Diagnostic>>> KnownMarkup(
    const Site& site, const std::string& fingerprint, const Content& previous,
    const std::unordered_set<std::string>& changed) {
  std::vector<std::optional<std::vector<Diagnostic>>> known(site.articles.size());
  if (fingerprint != previous.link_fingerprint) return known;
  std::unordered_map<std::string_view, size_t> old_index;
  for (size_t i = 0; i < previous.site.articles.size(); ++i) old_index[previous.site.articles[i].file] = i;
  for (size_t i = 0; i < site.articles.size(); ++i) {
    const std::string& file = site.articles[i].file;
    auto it = old_index.find(file);
    if (it == old_index.end() || changed.count(file) || it->second >= previous.markup_diagnostics.size())
      continue;
    known[i] = previous.markup_diagnostics[it->second];
  }
  return known;
}

}  // namespace

// The publish pipeline's phases 1 and 2 (src/publish/) on a snapshot: the
// stored site is refused by the same rules as `vetted build` and `vetted
// check`. With `previous`, the markup diagnostics of articles not in
// `changed` are reused when provably the same (KnownMarkup).
Result<std::shared_ptr<const Content>> BuildContent(store::Snapshot snapshot, const render::Options& options,
                                                    const Content* previous,
                                                    const std::unordered_set<std::string>& changed,
                                                    const util::Clock& clock, PhaseLog& phase) {
  auto c = std::make_shared<Content>();
  c->generation = snapshot.generation;
  c->paths.reserve(snapshot.files.size());
  for (const store::SourceFile& f : snapshot.files) c->paths.push_back(f.path);
  if (Status s = publish::LoadSnapshot(std::move(snapshot), &c->fs, &c->site); !s.ok()) return s;
  phase("load");
  c->docs = markup::RenderSite(c->site, markup::ArticleMode::kArticlesOnDemand);
  c->link_fingerprint = LinkFingerprint(c->site, c->docs);
  phase("markup");
  std::vector<std::optional<std::vector<Diagnostic>>> known =
      previous ? KnownMarkup(c->site, c->link_fingerprint, *previous, changed)
               : std::vector<std::optional<std::vector<Diagnostic>>>(c->site.articles.size());
  publish::ValidateOptions validate;
  validate.article_markup = true;  // pages render on demand: find their markup errors now
  validate.known_article_markup = &known;
  if (Status s = publish::Refusal(publish::Validate(c->site, c->docs, validate)); !s.ok())
    return Status::Invalid("stored site: " + s.message());
  c->markup_diagnostics.reserve(known.size());
  for (auto& k : known) c->markup_diagnostics.push_back(k ? std::move(*k) : std::vector<Diagnostic>{});
  phase("validate");
  Result<std::unique_ptr<render::SiteRenderer>> renderer =
      render::SiteRenderer::Create(c->site, c->docs, options);
  if (!renderer.ok()) return renderer.status();
  c->renderer = std::move(*renderer);
  phase("index");
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
  c->base_path = render::BasePath(c->site.config);
  c->origin = OriginOf(c->site.config.base_url);
  phase("routes");
  return std::shared_ptr<const Content>(std::move(c));
}

Result<std::shared_ptr<const Content>> LoadContent(store::Store& store, const render::Options& options,
                                                   const util::Clock& clock, std::string* phases) {
  PhaseLog phase(phases);
  Result<store::Snapshot> snapshot = store.Load();
  if (!snapshot.ok()) return snapshot.status();
  phase("store");
  return BuildContent(std::move(*snapshot), options, nullptr, {}, clock, phase);
}

Result<std::shared_ptr<const Content>> UpdateContent(const Content& previous, const store::Changes& changes,
                                                     const render::Options& options, const util::Clock& clock,
                                                     std::string* phases) {
  if (!changes.complete || changes.files_changed) return Status::Invalid("not an article-only change");
  PhaseLog phase(phases);
  // The previous snapshot with the changes applied: what Store::Load would
  // return now (Store::ChangesSince's contract).
  std::unordered_set<std::string> changed(changes.removed.begin(), changes.removed.end());
  for (const store::SourceFile& f : changes.articles) changed.insert(f.path);
  store::Snapshot snapshot;
  snapshot.generation = changes.generation;
  snapshot.files.reserve(previous.paths.size() + changes.articles.size());
  for (const std::string& path : previous.paths) {
    if (changed.count(path)) continue;
    Result<std::string> bytes = previous.fs.Read("site/" + path);
    if (!bytes.ok()) return bytes.status();
    snapshot.files.push_back({path, std::move(*bytes)});
  }
  for (const store::SourceFile& f : changes.articles) snapshot.files.push_back(f);
  std::sort(snapshot.files.begin(), snapshot.files.end(),
            [](const store::SourceFile& a, const store::SourceFile& b) { return a.path < b.path; });
  phase("store");
  return BuildContent(std::move(snapshot), options, &previous, changed, clock, phase);
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
  for (auto add : {AddPageRoutes, AddSearchRoutes, AddFeedbackRoutes, AddOpsRoutes, AddAdminRoutes})
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
  // The newsroom's article API, behind the admin group's sign-in gate
  // (without accounts in the store the gate is absent and these stay 403).
  if (store.Workflow() != nullptr) {
    newsroom::ArticleOptions newsroom_options;
    newsroom_options.clock = options.clock;
    impl->articles = std::make_unique<newsroom::Articles>(store, newsroom_options);
    if (Status s = AddArticleRoutes(impl->router, *impl->articles); !s.ok())
      return Status::Internal("routes: " + s.message());
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
  // One reload at a time (the poller and a caller such as `vetted dev` may
  // both ask): the second finds the new generation already served.
  std::lock_guard<std::mutex> reloading(impl_->reload_mu);
  Result<int64_t> generation = impl_->store.Generation();
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
  Result<store::Changes> changes = impl_->store.ChangesSince(current->generation);
  bool incremental =
      changes.ok() && changes->complete && !changes->files_changed && impl_->options.incremental;
  Result<std::shared_ptr<const Content>> content =
      incremental ? UpdateContent(*current, *changes, impl_->RenderOptions(), *impl_->options.clock, &phases)
                  : LoadContent(impl_->store, impl_->RenderOptions(), *impl_->options.clock, &phases);
  if (!content.ok()) {
    std::lock_guard<std::mutex> lock(impl_->content_mu);
    impl_->failed_generation = incremental ? changes->generation : *generation;
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
  impl_->WarmSearch(*impl_->Current());
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
