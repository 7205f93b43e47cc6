// `vetted serve [--db ADDRESS]`: the site from the database, with search and
// reader feedback (server::App). `--dir OUT` serves a built folder instead.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/store_open.h"
#include "server/app.h"
#include "server/metrics.h"
#include "server/server.h"
#include "util/util.h"

namespace vetted::cli {

namespace {

// Standard error, buffered for access lines: one write(2) per request would
// cost more than answering it. Access lines (JSON objects) are written at
// least every kFlushEvery or when kFlushBytes have gathered; other lines
// (start, reloads, errors) are written at once, after what is buffered.
class LogSink {
 public:
  static constexpr auto kFlushEvery = std::chrono::milliseconds(200);
  static constexpr size_t kFlushBytes = 64 * 1024;

  LogSink() : writer_([this] { Run(); }) {}
  ~LogSink() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    writer_.join();
    Flush();
  }
  void Line(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    buffer_ += line;
    buffer_ += '\n';
    if (line.empty() || line[0] != '{' || buffer_.size() >= kFlushBytes) FlushLocked();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, kFlushEvery, [this] { return stop_; })) FlushLocked();
  }
  void Flush() {
    std::lock_guard<std::mutex> lock(mu_);
    FlushLocked();
  }
  void FlushLocked() {
    size_t done = 0;
    while (done < buffer_.size()) {
      ssize_t n = ::write(2, buffer_.data() + done, buffer_.size() - done);
      if (n <= 0) break;  // nowhere to log to: drop rather than block serving
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;
  bool stop_ = false;
  std::thread writer_;
};

int ServeFolder(const ServeArgs& args, server::ServeOptions options, LogSink& sink) {
  auto Log = [&sink](const std::string& line) { sink.Line(line); };
  Result<server::StaticSite> site = server::StaticSite::Open(args.dir);
  if (!site.ok()) {
    std::fprintf(stderr, "vetted serve: %s (build it first: vetted build SITE -o %s)\n",
                 site.status().message().c_str(), args.dir.c_str());
    return 2;
  }
  Status served = server::Serve(server::StaticHandler(*site), options, Log);
  if (!served.ok()) {
    std::fprintf(stderr, "vetted serve: %s\n", served.message().c_str());
    return 2;
  }
  return 0;
}

// Serves the public listener and, with --ops-listen, the operator's listener
// beside it (its own thread, one worker): started once the public one is
// listening, stopped when it stops; if it cannot start, both stop.
class OpsListener {
 public:
  OpsListener(const ServeArgs& args, const server::ServeOptions& options, const server::Handler& handler,
              std::function<void(const std::string&)> log)
      : args_(args), options_(options), handler_(handler), log_(std::move(log)) {}

  Status Serve() {
    options_.control = &public_control_;
    if (!args_.ops_listen.empty()) {
      auto on_listening = options_.on_listening;
      options_.on_listening = [this, on_listening](int port) {
        if (on_listening) on_listening(port);
        thread_ = std::thread([this] { RunOps(); });
      };
    }
    Status served = server::Serve(handler_, options_, log_);
    ops_control_.Stop();
    if (thread_.joinable()) thread_.join();
    return served.ok() ? ops_status_ : served;
  }

 private:
  void RunOps() {
    server::ServeOptions ops = options_;
    ops.listen = args_.ops_listen;
    ops.threads = 1;
    ops.ops_listener = true;
    ops.on_listening = nullptr;
    ops.control = &ops_control_;
    Status s = server::Serve(handler_, ops, log_);
    if (!s.ok()) {
      ops_status_ = Status::Error(s.code(), "--ops-listen: " + s.message());
      public_control_.Stop();
    }
  }

  const ServeArgs& args_;
  server::ServeOptions options_;
  const server::Handler& handler_;
  std::function<void(const std::string&)> log_;
  server::ServeControl public_control_, ops_control_;
  Status ops_status_;  // written by the ops thread before it ends; read after the join
  std::thread thread_;
};

// --cors-origin values: each item split at commas, trimmed, without a
// trailing '/'. False (with *bad set) for one that is not "http(s)://host".
bool CorsOrigins(const std::vector<std::string>& args, std::vector<std::string>* out, std::string* bad) {
  for (const std::string& arg : args) {
    for (std::string_view item : util::Split(arg, ',')) {
      std::string origin(util::Trim(item));
      if (origin.empty()) continue;
      if (origin.back() == '/') origin.pop_back();
      size_t scheme = origin.find("://");
      bool http = util::StartsWith(origin, "https://") || util::StartsWith(origin, "http://");
      if (!http || origin.size() == scheme + 3 ||
          origin.find_first_of("/?#", scheme + 3) != std::string::npos) {
        *bad = origin;
        return false;
      }
      out->push_back(std::move(origin));
    }
  }
  return true;
}

}  // namespace

int RunServe(const ServeArgs& args) {
  LogSink sink;
  auto Log = [&sink](const std::string& line) { sink.Line(line); };
  server::Metrics metrics;
  server::ServeOptions options;
  options.listen = args.listen;
  options.threads = args.threads;
  options.metrics = &metrics;
  options.hsts = args.hsts;
  options.access_log = args.access_log;
  if (!args.dir.empty()) return ServeFolder(args, options, sink);

  std::unique_ptr<store::Store> store = OpenExistingOrSay("serve", args.db, args.db_read);
  if (!store) return 2;
  server::AppOptions app_options;
  app_options.cache = !args.no_cache;
  app_options.cache_bytes = args.cache_mb << 20;
  app_options.feedback_per_minute = args.feedback_per_minute;
  app_options.feedback_burst = args.feedback_burst;
  app_options.feedback_batch = args.feedback_batch;
  app_options.reload_poll = std::chrono::milliseconds(args.reload_poll_ms);
  app_options.incremental = args.incremental_reload;
  app_options.ops_token = args.ops_token;
  // HSTS is sent only behind TLS: the session cookie is then Secure too.
  app_options.secure_cookies = args.secure_cookies || !args.hsts.empty();
  app_options.require_totp = args.require_2fa;
  app_options.mail_command = args.mail_command;
  if (std::string bad; !CorsOrigins(args.cors_origins, &app_options.cors_origins, &bad)) {
    std::fprintf(stderr,
                 "vetted serve: --cors-origin \"%s\" is not an origin such as https://health.example.org\n",
                 bad.c_str());
    return 2;
  }
  Result<std::unique_ptr<server::App>> app = server::App::Open(*store, app_options, &metrics, Log);
  if (!app.ok()) {
    std::fprintf(stderr, "vetted serve: %s\n", app.status().message().c_str());
    return 2;
  }
  server::App* a = app->get();
  options.body_limit = [a](std::string_view method, std::string_view target) {
    return a->BodyLimit(method, target);
  };
  server::Handler handler = [a](server::Request&& req, server::Respond respond) {
    a->Handle(std::move(req), std::move(respond));
  };
  OpsListener ops(args, options, handler, Log);
  Status served = ops.Serve();
  app->reset();  // drains feedback accepted before the stop
  if (!served.ok()) {
    std::fprintf(stderr, "vetted serve: %s\n", served.message().c_str());
    return 2;
  }
  return 0;
}

}  // namespace vetted::cli
