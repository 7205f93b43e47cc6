// App: pages from the cache (rendered on first request), responses, and the
// small HTTP helpers the handlers share.
#include <cstdio>
#include <ctime>

#include "server/app_internal.h"
#include "server/encode.h"
#include "util/util.h"

namespace vetted::server {
namespace {

constexpr std::string_view kCacheImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kCacheRevalidate = "no-cache";  // store, but ask (ETag) before each reuse
constexpr std::string_view kCacheNever = "no-store";       // search results and feedback answers
constexpr int kBrotliQuality = 9;  // per page, once; 11 is a few % smaller and ~10x slower
constexpr size_t kEtagHex = 20;

// If-None-Match lists our ETag, one of its encodings' variants ("-gz", "-br"), or "*".
bool EtagMatches(std::string_view header, std::string_view etag) {
  if (header.empty()) return false;
  if (util::Trim(header) == "*") return true;
  std::string_view core = etag.substr(0, etag.size() - 1);  // without the closing quote
  for (std::string_view item : util::Split(header, ',')) {
    item = util::Trim(item);
    if (item.size() > 2 && item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item.size() < core.size() + 1 || item.substr(0, core.size()) != core || item.back() != '"') continue;
    std::string_view suffix = item.substr(core.size(), item.size() - core.size() - 1);
    if (suffix.empty() || suffix == "-gz" || suffix == "-br") return true;
  }
  return false;
}

}  // namespace

// Every header line a cached body's response carries, for one encoding.
static std::shared_ptr<const std::string> HeadBlock(const CachedBody& body, std::string_view encoding,
                                                    const std::string& last_modified) {
  Fields fields;
  fields.emplace_back("Content-Type", body.content_type);
  if (!encoding.empty()) fields.emplace_back("Content-Encoding", encoding);
  if (body.compressible) fields.emplace_back("Vary", "Accept-Encoding");
  std::string etag = body.etag;
  if (!encoding.empty()) etag.insert(etag.size() - 1, encoding == "br" ? "-br" : "-gz");
  fields.emplace_back("ETag", std::move(etag));
  fields.emplace_back("Last-Modified", last_modified);
  fields.emplace_back("Cache-Control", body.immutable ? kCacheImmutable : kCacheRevalidate);
  AddSecurityHeaders(fields);
  auto block = std::make_shared<std::string>();
  for (const auto& [name, value] : fields) *block += name + ": " + value + "\r\n";
  return block;
}

Encodings WantedEncoding(const Request& req) {
  AcceptedEncodings accepted = ParseAcceptEncoding(req.Header("Accept-Encoding"));
  return accepted.br ? Encodings::kBrotli : accepted.gzip ? Encodings::kGzip : Encodings::kIdentity;
}

bool CachedBody::Has(Encodings e) const {
  if (!compressible) return true;
  return e == Encodings::kIdentity || (e == Encodings::kGzip ? gzip_tried : br_tried);
}

// Adds one encoding to `body` (when it makes the body smaller).
static void AddEncoding(CachedBody& body, Encodings e, const std::string& last_modified) {
  if (!body.compressible || e == Encodings::kIdentity) return;
  const std::string& bytes = *body.identity;
  if (e == Encodings::kGzip && !body.gzip_tried) {
    body.gzip_tried = true;
    if (auto gz = Gzip(bytes); gz && gz->size() < bytes.size()) {
      body.gzip = std::make_shared<const std::string>(std::move(*gz));
      body.gzip_head = HeadBlock(body, "gzip", last_modified);
    }
  } else if (e == Encodings::kBrotli && !body.br_tried) {
    body.br_tried = true;
    if (auto br = Brotli(bytes, kBrotliQuality); br && br->size() < bytes.size()) {
      body.br = std::make_shared<const std::string>(std::move(*br));
      body.br_head = HeadBlock(body, "br", last_modified);
    }
  }
}

std::shared_ptr<const CachedBody> MakeBody(std::string bytes, std::string_view path, bool immutable,
                                           const std::string& last_modified, Encodings wanted) {
  auto body = std::make_shared<CachedBody>();
  MimeType mime = MimeFor(path);
  body->content_type = mime.type;
  body->immutable = immutable;
  body->etag = "\"" + util::Sha256Hex(bytes).substr(0, kEtagHex) + "\"";
  body->compressible = mime.compressible && bytes.size() >= kMinCompressSize;
  body->identity = std::make_shared<const std::string>(std::move(bytes));
  body->identity_head = HeadBlock(*body, "", last_modified);
  AddEncoding(*body, wanted, last_modified);
  return body;
}

std::shared_ptr<const CachedBody> WithEncoding(const CachedBody& body, Encodings wanted,
                                               const std::string& last_modified) {
  auto copy = std::make_shared<CachedBody>(body);
  AddEncoding(*copy, wanted, last_modified);
  return copy;
}

Response BodyResponse(const Request& req, const CachedBody& body, int status, std::string_view route) {
  Response res;
  res.status = status;
  res.route = route;
  res.shared_body = body.identity;
  res.header_block = body.identity_head;
  if (body.br || body.gzip) {
    AcceptedEncodings accepted = ParseAcceptEncoding(req.Header("Accept-Encoding"));
    if (accepted.br && body.br) {
      res.shared_body = body.br;
      res.header_block = body.br_head;
    } else if (accepted.gzip && body.gzip) {
      res.shared_body = body.gzip;
      res.header_block = body.gzip_head;
    }
  }
  if (status == 200 && EtagMatches(req.Header("If-None-Match"), body.etag)) {
    res.status = 304;
    res.shared_body.reset();
  }
  // HEAD: the length a GET would get (Serve sends no body).
  if (req.method == "HEAD" && res.status != 304)
    res.headers.emplace_back("Content-Length", std::to_string(res.Body().size()));
  return res;
}

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
    std::shared_lock<std::shared_mutex> lock(c.cache_mu);
    if (auto hit = c.cache.find(path); hit != c.cache.end()) {
      std::shared_ptr<const CachedBody> body = hit->second;
      lock.unlock();
      cache_hits.fetch_add(1, std::memory_order_relaxed);  // to metrics when scraped
      if (!body->Has(wanted)) {
        body = WithEncoding(*body, wanted, c.last_modified);
        std::unique_lock<std::shared_mutex> write(c.cache_mu);
        c.cache[path] = body;
      }
      return BodyResponse(req, *body, 200, is_static ? "static" : "page");
    }
  }
  Count("vetted_cache_misses_total", "", "Pages rendered (or files read) because they were not cached");
  Result<std::string> bytes = is_static ? c.fs.Read(file) : c.renderer->Render(file);
  if (!bytes.ok()) {
    if (log) log("render " + path + ": " + bytes.status().message());
    Response res = PlainResponse(500, "This page could not be produced; the error is logged.");
    res.route = "error";
    return res;
  }
  bool immutable = path.rfind("/assets/", 0) == 0;
  std::shared_ptr<const CachedBody> body =
      MakeBody(std::move(*bytes), path, immutable, c.last_modified, wanted);
  if (options.cache) {
    std::unique_lock<std::shared_mutex> lock(c.cache_mu);
    c.cache.emplace(path, body);
  }
  return BodyResponse(req, *body, 200, is_static ? "static" : "page");
}

Response App::Impl::NotFound(const Request& req, const Content& c) {
  const std::string key = "\n404";  // cannot collide with a URL path
  std::shared_ptr<const CachedBody> body;
  {
    std::shared_lock<std::shared_mutex> lock(c.cache_mu);
    if (auto hit = c.cache.find(key); hit != c.cache.end()) body = hit->second;
  }
  if (!body) {
    Result<std::string> bytes = c.renderer->Render("404.html");
    if (!bytes.ok()) {
      Response res = PlainResponse(404, "Not found");
      res.route = "not_found";
      return res;
    }
    body = MakeBody(std::move(*bytes), "404.html", false, c.last_modified);
    if (options.cache) {
      std::unique_lock<std::shared_mutex> lock(c.cache_mu);
      c.cache.emplace(key, body);
    }
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

Response JsonResponse(int status, std::string json, std::string_view route) {
  json += '\n';
  return FreshResponse(status, "application/json", std::move(json), kCacheNever, route);
}

Response JsonError(int status, std::string_view message, std::string_view route) {
  std::string json = "{\"error\":";
  util::AppendJsonString(json, message);
  json += '}';
  return JsonResponse(status, std::move(json), route);
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

bool DecodePath(std::string_view raw, std::string& out) {
  if (raw.empty() || raw[0] != '/' || !util::PercentDecode(raw, &out)) return false;
  for (char ch : out) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f || ch == '\\') return false;
  }
  // No "." or ".." segment, no empty segment but the last.
  for (size_t start = 1; start <= out.size();) {
    size_t end = out.find('/', start);
    if (end == std::string::npos) end = out.size();
    std::string_view seg(out.data() + start, end - start);
    if (seg == "." || seg == "..") return false;
    if (seg.empty() && end != out.size()) return false;
    start = end + 1;
  }
  return true;
}

// The current UTC time in a strftime format.
static std::string UtcNow(const char* format) {
  std::time_t now = std::time(nullptr);
  std::tm gmt{};
  gmtime_r(&now, &gmt);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, format, &gmt);
  return std::string(buf, n);
}

std::string HttpDateNow() {
  return UtcNow("%a, %d %b %Y %H:%M:%S GMT");
}

std::string IsoDateNow() {
  return UtcNow("%Y-%m-%dT%H:%M:%SZ");
}

// 200 once ready; 503 "warming" while the search index's word lists are
// still being read after start-up (pages are served meanwhile, only slower),
// so that a load balancer can wait before sending readers.
Response App::Impl::Health(const Content& c) {
  bool ready = warm.load(std::memory_order_acquire);
  std::string json = std::string("{\"status\":\"") + (ready ? "ok" : "warming") +
                     "\",\"generation\":" + std::to_string(c.generation) +
                     ",\"articles\":" + std::to_string(c.site.articles.size()) + "}";
  return JsonResponse(ready ? 200 : 503, std::move(json), "healthz");
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
    {
      std::shared_lock<std::shared_mutex> lock(c.cache_mu);
      metrics->Set("vetted_cache_entries", "", static_cast<double>(c.cache.size()),
                   "Pages in the page cache");
    }
    text = metrics->Prometheus();
  }
  return FreshResponse(200, "text/plain; version=0.0.4; charset=utf-8", std::move(text), kCacheNever,
                       "metrics");
}

}  // namespace vetted::server
