// App: pages from the cache (rendered on first request, answered by the
// shared responder, responder.h), responses, and the small HTTP helpers the
// handlers share.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "server/app_internal.h"
#include "server/encode.h"
#include "util/util.h"

namespace vetted::server {

Response App::Impl::Page(const Request& req, const Content& c, const std::string& path) {
  std::string file;
  bool is_static = false;
  if (auto p = c.page_path.find(path); p != c.page_path.end()) {
    file = p->second;
  } else if (auto s = c.static_file.find(path); s != c.static_file.end()) {
    file = s->second;
    is_static = true;
  } else if (!path.empty() && path.back() != '/' && c.page_path.count(path + "/")) {
    return Redirect(301, path + "/", "redirect");
  } else if (auto alias = c.redirects.find(path + "/"); path.back() != '/' && alias != c.redirects.end()) {
    return Redirect(301, alias->second, "redirect");
  } else {
    return NotFound(req, c);
  }
  // Compressed forms are made when a client first asks for them, so that a
  // page's first request pays only for the encoding it takes.
  Encodings wanted = WantedEncoding(req);
  if (options.cache) {
    if (std::optional<CachedPage> page = c.cache.Get(path);
        page && (!page->verify || StillRelated(path, page->related))) {
      cache_hits.fetch_add(1, std::memory_order_relaxed);  // to metrics when scraped
      if (!page->body->Has(wanted) || page->verify) {
        if (!page->body->Has(wanted)) page->body = WithEncoding(*page->body, wanted);
        page->verify = false;
        c.cache.Refresh(path, page->body);
      }
      return BodyResponse(req, *page->body, 200, is_static ? "static" : "page");
    }
  }
  Count("vetted_cache_misses_total", "", "Pages rendered (or files read) because they were not cached");
  std::vector<std::string> related;
  related_sink = &related;
  Result<std::string> bytes = is_static ? c.fs->Read(file) : c.renderer->Render(file);
  related_sink = nullptr;
  if (!bytes.ok()) {
    if (log) log("render " + path + ": " + bytes.status().message());
    Response res = PlainResponse(500, "This page could not be produced; the error is logged.");
    res.route = "error";
    return res;
  }
  BodyOptions policy{.immutable = path.rfind("/assets/", 0) == 0, .last_modified = c.last_modified};
  std::shared_ptr<const CachedBody> body = MakeBody(std::move(*bytes), path, policy, wanted);
  if (options.cache) c.cache.Put(path, CachedPage{body, std::move(related), false});
  return BodyResponse(req, *body, 200, is_static ? "static" : "page");
}

// A page carried over from an earlier generation showed the articles Related
// answered then: still right when it answers the same now.
bool App::Impl::StillRelated(const std::string& url, const std::vector<std::string>& shown) {
  Result<std::vector<std::string>> now = store.Related(url, kRelatedCount);
  return now.ok() && *now == shown;
}

Response App::Impl::NotFound(const Request& req, const Content& c) {
  const std::string key = "\n404";  // cannot collide with a URL path
  std::shared_ptr<const CachedBody> body;
  if (options.cache)
    if (std::optional<CachedPage> hit = c.cache.Get(key)) body = hit->body;
  if (!body) {
    Result<std::string> bytes = c.renderer->Render("404.html");
    if (!bytes.ok()) {
      Response res = PlainResponse(404, "Not found");
      res.route = "not_found";
      return res;
    }
    body = MakeBody(std::move(*bytes), "404.html", BodyOptions{.last_modified = c.last_modified});
    if (options.cache) c.cache.Put(key, CachedPage{body, {}, false});
  }
  Response res = BodyResponse(req, *body, 404, "not_found");
  return res;
}

// A response made for this request alone: its body, type, length, caching
// and the security headers.
static Response FreshResponse(int status, std::string_view type, std::string body, std::string_view cache,
                              std::string_view route) {
  Response res;
  res.status = status;
  res.route = route;
  res.body = std::move(body);
  res.headers.emplace_back("Content-Type", type);
  res.headers.emplace_back("Content-Length", std::to_string(res.body.size()));
  res.headers.emplace_back("Cache-Control", cache);
  AddSecurityHeaders(res.headers);
  return res;
}

Response HtmlResponse(int status, std::string html, std::string_view route) {
  return FreshResponse(status, "text/html; charset=utf-8", std::move(html), kCacheNever, route);
}

Response JsonResponse(int status, const nlohmann::ordered_json& body, std::string_view route) {
  std::string text = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  text += '\n';
  return FreshResponse(status, "application/json", std::move(text), kCacheNever, route);
}

Response JsonError(int status, std::string_view message, std::string_view route) {
  return JsonResponse(status, {{"error", std::string(message)}}, route);
}

Response Redirect(int status, std::string location, std::string_view route) {
  Response res = FreshResponse(status, "text/plain; charset=utf-8", "Moved to " + location + "\n",
                               status == 301 ? "public, max-age=86400" : kCacheNever, route);
  res.headers.emplace_back("Location", std::move(location));
  return res;
}

// A query or form value, '+' as a space; a malformed escape is kept as typed.
static std::string FormDecode(std::string_view s) {
  std::string out;
  util::PercentDecode(s, &out, true);
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string_view item : util::Split(query, '&')) {
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(FormDecode(item), "");
    } else {
      out.emplace_back(FormDecode(item.substr(0, eq)), FormDecode(item.substr(eq + 1)));
    }
  }
  return out;
}

std::string QueryValue(std::string_view query, std::string_view name) {
  for (auto& [k, v] : ParseQuery(query))
    if (k == name) return std::move(v);
  return "";
}

// 200 once ready; 503 "warming" while the search index's word lists are
// still being read after start-up (pages are served meanwhile, only slower),
// so that a load balancer can wait before sending readers.
Response App::Impl::Health(const Content& c) {
  bool ready = warm.load(std::memory_order_acquire);
  nlohmann::ordered_json body = {{"status", ready ? "ok" : "warming"},
                                 {"database", store_down.load() ? "unreachable" : "ok"},
                                 {"generation", c.generation},
                                 {"articles", c.site.articles.size()}};
  if (store::ReplicaReads reads; store.ReplicaCounts(&reads)) {
    // Reads the replica answered, and those the primary did because it was behind or unreachable.
    body["read_replica"] = {{"state", reads.reachable ? "ok" : "unreachable"},
                            {"replica_reads", reads.replica},
                            {"waited_for_replay", reads.waited},
                            {"primary_reads", reads.primary}};
  }
  return JsonResponse(ready ? 200 : 503, body, "healthz");
}

Response App::Impl::MetricsPage(const Content& c) {
  std::string text;
  if (metrics) {
    uint64_t hits = cache_hits.load(std::memory_order_relaxed);
    metrics->Add("vetted_cache_hits_total", "", hits - hits_reported.exchange(hits),
                 "Responses served from the page cache");
    metrics->Set("vetted_content_generation", "", static_cast<double>(c.generation),
                 "Content generation being served");
    metrics->Set("vetted_articles", "", static_cast<double>(c.site.articles.size()),
                 "Published articles served");
    uint64_t evictions = cache_counters->evictions.load(std::memory_order_relaxed);
    metrics->Add(
        "vetted_cache_evictions_total", "", evictions - evictions_reported.exchange(evictions),
        "Pages dropped from the page cache to keep it within its budget (rendered again when asked)");
    metrics->Set("vetted_cache_entries", "", static_cast<double>(c.cache.size()), "Pages in the page cache");
    metrics->Set("vetted_cache_bytes", "", static_cast<double>(c.cache.bytes()),
                 "Bytes the page cache holds (pages, compressed forms, keys, bookkeeping)");
    metrics->Set("vetted_cache_budget_bytes", "", static_cast<double>(c.cache.budget()),
                 "The page cache's budget (vetted serve --cache-mb)");
    text = metrics->Prometheus();
  }
  return FreshResponse(200, "text/plain; version=0.0.4; charset=utf-8", std::move(text), kCacheNever,
                       "metrics");
}

}  // namespace vetted::server
