// `vetted dev SITE`: serves the site folder while you write, like `hugo
// server`. The folder is imported into a store (in memory unless --db says
// otherwise) and served by the same App as `vetted serve`; a watcher
// publishes each change: a saved article alone (re-read, rendered and
// checked against the site kept in memory, publish::FolderSession, then
// Store::ImportArticles), anything else by importing the folder again (the
// store keeps what did not change). The App then reloads, and a small script
// in every page reloads the browser once the new content is served. A change with errors prints them and
// keeps serving the last good content; the page shows the errors in a banner.
#include <sys/inotify.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "cli/commands.h"
#include "load/load.h"
#include "publish/publish.h"
#include "server/app.h"
#include "server/server.h"
#include "store/open.h"
#include "util/util.h"

namespace vetted::cli {
namespace fs = std::filesystem;
namespace {

constexpr auto kSettle = std::chrono::milliseconds(60);  // a save is often several writes
constexpr const char* kScriptPath = "/__vetted/dev.js";
constexpr const char* kStatusPath = "/__vetted/status";

// Polls /__vetted/status; reloads when the generation changes; shows errors.
constexpr const char* kDevScript = R"JS((function () {
  var seen = null, banner = null;
  function show(text) {
    if (!text) { if (banner) { banner.remove(); banner = null; } return; }
    if (!banner) {
      banner = document.createElement("pre");
      banner.setAttribute("role", "alert");
      var s = banner.style;
      s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0"; s.margin = "0";
      s.maxHeight = "40vh"; s.overflow = "auto"; s.padding = "1em"; s.zIndex = "9999";
      s.background = "#7a0010"; s.color = "#fff"; s.font = "14px/1.4 monospace"; s.whiteSpace = "pre-wrap";
      document.body.appendChild(banner);
    }
    banner.textContent = "vetted dev: the last change was not published\n\n" + text;
  }
  function poll() {
    fetch("/__vetted/status", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.generation !== seen) { location.reload(); return; }
      seen = s.generation;
      show(s.errors);
      setTimeout(poll, 300);
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
)JS";

// The state the watcher publishes and the status route reads.
struct DevState {
  std::mutex mu;
  std::string errors;  // the last import's error lines; "" when it published
};

// The process's CPU time (all threads), for the log: on a busy machine a
// fairer measure than wall time.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Skipped by an import: hidden names anywhere in the path (editors' swap
// files, .git).
bool Hidden(const std::string& path) {
  for (size_t at = 0;;) {
    if (at < path.size() && path[at] == '.') return true;
    size_t slash = path.find('/', at);
    if (slash == std::string::npos) return false;
    at = slash + 1;
  }
}

// Store::Import of the whole folder, refused (as `vetted import` refuses it)
// when it would overwrite or unpublish an article published in the newsroom
// (a --db that the newsroom also edits).
Result<store::ImportReport> ImportWhole(store::Store& store, const store::ImportInput& input) {
  Result<std::vector<std::string>> conflicts = publish::NewsroomConflicts(store, input);
  if (!conflicts.ok()) return conflicts.status();
  if (!conflicts->empty()) {
    std::string message =
        "the folder conflicts with articles published in the newsroom; nothing was imported:";
    for (const std::string& c : *conflicts) message += "\n  " + c;
    return Status::Conflict(message);
  }
  return store.Import(input);
}

// Publishes what was saved: the articles `changed` (paths relative to the
// site) alone when the session can (publish::FolderSession::ArticlesChanged
// and Store::ImportArticles), else the whole folder. `whole`: import
// everything. Prints what it found. True when published.
bool Publish(publish::FolderSession& session, const std::string& site, const std::set<std::string>& changed,
             bool whole, store::Store& store, DevState& state, bool quiet) {
  auto started = std::chrono::steady_clock::now();
  const double cpu_started = CpuSeconds();
  std::vector<std::string> articles;
  for (const std::string& path : changed) {
    std::error_code ec;
    if (Hidden(path) || (!session.Knows(path) && !fs::exists(fs::path(site) / path, ec)))
      continue;  // not content, or a temporary file come and gone
    articles.push_back(path);
  }
  if (!whole && articles.empty()) return true;
  Result<publish::ImportPlan> plan = whole ? session.ImportAll() : session.ArticlesChanged(articles);
  if (!whole && !plan.ok() && plan.status().code() == Code::kConflict) {
    whole = true;
    plan = session.ImportAll();
  }
  std::string errors;
  if (!plan.ok()) {
    errors = plan.status().message();
  } else if (publish::Tally t = publish::Print(stderr, plan->diagnostics, site, quiet, "dev", "");
             t.errors > 0) {
    std::vector<Diagnostic> only_errors;
    for (const auto& d : plan->diagnostics)
      if (d.severity == Severity::kError) only_errors.push_back(d);
    errors = publish::Format(only_errors, site);
  } else {
    Result<store::ImportReport> r =
        whole ? ImportWhole(store, plan->input) : store.ImportArticles(plan->input.articles);
    if (!whole && !r.ok() && r.status().code() == Code::kConflict) {  // the store takes whole sites only
      whole = true;
      plan = session.ImportAll();
      r = plan.ok() && !plan->refused() ? ImportWhole(store, plan->input)
                                        : Result<store::ImportReport>(r.status());
    }
    if (!r.ok()) {
      errors = r.status().message();
    } else {
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      std::fprintf(
          stderr,
          "vetted dev: published (%zu added, %zu changed, %zu removed%s) in %.0f ms (process cpu %.0f "
          "ms)\n",
          r->added.size(), r->changed.size(), r->removed.size(), whole ? "; whole folder" : "", ms,
          (CpuSeconds() - cpu_started) * 1000);
    }
  }
  if (!errors.empty())
    std::fprintf(stderr, "vetted dev: not published; still serving the last good content\n%s\n",
                 errors.c_str());
  std::lock_guard<std::mutex> lock(state.mu);
  state.errors = errors;
  return errors.empty();
}

// Watches every folder under root (new folders too) with inotify.
class Watcher {
 public:
  explicit Watcher(const std::string& root) : root_(root), fd_(inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) {
    if (fd_ >= 0) AddTree(root_);
  }
  ~Watcher() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  // True when something changed (then waits until writes settle); false
  // after `timeout` with no change.
  bool WaitForChange(std::chrono::milliseconds timeout) {
    if (!Drain(timeout)) return false;
    while (Drain(kSettle)) {
    }
    return true;
  }

  // The files changed since the last call (relative to the root), and
  // whether more than files may have changed (folders, lost events).
  std::set<std::string> TakeChanged(bool* everything) {
    *everything = everything_;
    everything_ = false;
    return std::exchange(changed_, {});
  }

 private:
  void AddTree(const fs::path& dir) {
    Add(dir);
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().filename().string().rfind('.', 0) == 0) {  // hidden: .git, editors' files
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_directory(ec)) Add(it->path());
    }
  }
  void Add(const fs::path& dir) {
    int wd = inotify_add_watch(
        fd_, dir.c_str(), IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY);
    if (wd >= 0) dirs_[wd] = dir;
  }
  // Reads the events that arrive within `timeout`; true when any did.
  bool Drain(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    alignas(inotify_event) char buf[16 * 1024];
    while (std::chrono::steady_clock::now() < deadline) {
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      for (ssize_t at = 0; at < n;) {
        auto* e = reinterpret_cast<inotify_event*>(buf + at);
        auto d = dirs_.find(e->wd);
        if ((e->mask & IN_Q_OVERFLOW) || d == dirs_.end() || e->len == 0) {
          everything_ = true;
        } else if (e->mask & IN_ISDIR) {
          everything_ = true;  // a folder came or went: what it holds did too
          if (e->mask & (IN_CREATE | IN_MOVED_TO)) AddTree(d->second / e->name);
        } else {
          changed_.insert(Relative(d->second / e->name));
        }
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      }
      return true;
    }
    return false;
  }

  // `path` (under root_) relative to root_, '/' separated.
  std::string Relative(const fs::path& path) const {
    std::string full = path.generic_string(), prefix = root_.generic_string();
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    return full.rfind(prefix, 0) == 0 ? full.substr(prefix.size()) : full;
  }

  fs::path root_;
  int fd_;
  std::unordered_map<int, fs::path> dirs_;
  std::set<std::string> changed_;
  bool everything_ = false;
};

// Adds the reload script to an HTML page (before </body>).
void AddScript(server::Response& res) {
  if (res.Header("Content-Type").find("text/html") == std::string_view::npos) return;
  std::string body = res.Body();
  size_t at = body.rfind("</body>");
  if (at == std::string::npos) return;
  body.insert(at, std::string("<script src=\"") + kScriptPath + "\" defer></script>\n");
  res.body = std::move(body);
  res.shared_body.reset();
}

// The App's handler plus the dev routes and the script in every page.
server::Handler DevHandler(server::App& app, DevState& state) {
  return [&app, &state](server::Request&& req, server::Respond respond) {
    std::string_view path = req.Path();
    if (path == kScriptPath || path == kStatusPath) {
      server::Response res;
      res.route = "dev";
      if (path == kScriptPath) {
        res.body = kDevScript;
        res.headers.emplace_back("Content-Type", "text/javascript; charset=utf-8");
      } else {
        std::lock_guard<std::mutex> lock(state.mu);
        res.body = "{\"generation\":" + std::to_string(app.generation()) + ",\"errors\":";
        util::AppendJsonString(res.body, state.errors);
        res.body += "}";
        res.headers.emplace_back("Content-Type", "application/json");
      }
      res.headers.emplace_back("Cache-Control", "no-store");
      server::AddSecurityHeaders(res.headers);
      return respond(std::move(res));
    }
    // Every answer fresh and uncompressed, so the script can be added.
    std::erase_if(req.headers, [](const auto& h) {
      return util::EqualsIgnoreCase(h.first, "accept-encoding") ||
             util::EqualsIgnoreCase(h.first, "if-none-match");
    });
    app.Handle(std::move(req), [respond = std::move(respond)](server::Response res) {
      AddScript(res);
      respond(std::move(res));
    });
  };
}

}  // namespace

int RunDev(const DevArgs& args) {
  Result<std::unique_ptr<store::Store>> store = store::Open(args.db);
  if (!store.ok()) {
    std::fprintf(stderr, "vetted dev: %s: %s\n", args.db.c_str(), store.status().message().c_str());
    return 2;
  }
  DevState state;
  publish::FolderSession session(args.site, load::Disk(), publish::ImportOptions{});
  if (!Publish(session, args.site, {}, true, **store, state, false)) {
    std::fprintf(stderr, "vetted dev: fix the errors above and run it again\n");
    return 1;
  }
  Watcher watcher(args.site);
  if (!watcher.ok()) {
    std::fprintf(stderr, "vetted dev: cannot watch %s for changes\n", args.site.c_str());
    return 2;
  }
  auto log = [](const std::string& line) {
    if (line.empty() || line[0] != '{') std::fprintf(stderr, "%s\n", line.c_str());
  };
  server::AppOptions app_options;
  // The watcher reloads the App itself after each import; the poller only
  // notices imports into --db by another process.
  app_options.reload_poll = std::chrono::milliseconds(1000);
  Result<std::unique_ptr<server::App>> app = server::App::Open(**store, app_options, nullptr, log);
  if (!app.ok()) {
    std::fprintf(stderr, "vetted dev: %s\n", app.status().message().c_str());
    return 2;
  }
  server::ServeControl control;
  std::atomic<bool> done{false};
  std::thread watch([&] {
    while (!done.load()) {
      if (!watcher.WaitForChange(std::chrono::milliseconds(200))) continue;
      bool everything = false;
      std::set<std::string> changed = watcher.TakeChanged(&everything);
      if (Publish(session, args.site, changed, everything, **store, state, true)) (void)(*app)->Reload();
    }
  });
  server::ServeOptions options;
  options.listen = args.listen;
  options.control = &control;
  options.access_log = false;
  server::App* a = app->get();
  options.body_limit = [a](std::string_view method, std::string_view target) {
    return a->BodyLimit(method, target);
  };
  Status served = server::Serve(DevHandler(**app, state), options, log);
  done = true;
  watch.join();
  app->reset();
  if (!served.ok()) {
    std::fprintf(stderr, "vetted dev: %s\n", served.message().c_str());
    return 2;
  }
  return 0;
}

}  // namespace vetted::cli
