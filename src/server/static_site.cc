// StaticSite: a built site folder in memory, and the request -> response
// function over it. No sockets here (see listener.cc).

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "server/encode.h"
#include "server/server.h"
#include "util/util.h"

namespace vetted::server {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
constexpr std::string_view kPermissionsPolicy =
    "camera=(), microphone=(), geolocation=(), interest-cohort=()";
constexpr std::string_view kCacheImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kCacheRevalidate = "no-cache";
constexpr std::string_view kAssetsPrefix = "/assets/";
// Fingerprints are the first 10 hex digits of a SHA-256; accept 8 or more.
constexpr size_t kMinFingerprintLength = 8;
// Hex digits of the SHA-256 used in an ETag.
constexpr size_t kEtagHashLength = 20;

std::string_view FindField(const Fields& fields, std::string_view name) {
  for (const auto& [k, v] : fields) {
    if (util::EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

// "/assets/site.0123abcdef.css": under assets/, with a hex fingerprint
// between the name and the extension.
bool IsFingerprintedAsset(std::string_view url_path) {
  if (!util::StartsWith(url_path, kAssetsPrefix)) return false;
  std::string_view name = url_path.substr(url_path.rfind('/') + 1);
  size_t last = name.rfind('.');
  if (last == std::string_view::npos || last == 0) return false;
  size_t prev = name.rfind('.', last - 1);
  if (prev == std::string_view::npos || prev == 0) return false;
  std::string_view hash = name.substr(prev + 1, last - prev - 1);
  if (hash.size() < kMinFingerprintLength) return false;
  return std::all_of(hash.begin(), hash.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Status ReadFile(const fs::path& path, std::string& out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::Io("cannot open " + path.string());
  out.clear();
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::Io("cannot read " + path.string());
  return Status::Ok();
}

bool IsControl(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

struct ParsedTarget {
  std::string raw_path;  // still encoded; safe to echo in Location
  std::string query;     // without '?'
  std::string path;      // decoded
};

// Splits and validates an origin-form target; nullopt means 400.
std::optional<ParsedTarget> ParseTarget(std::string_view target) {
  if (target.empty() || target[0] != '/') return std::nullopt;
  for (char c : target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '\\' || c == '#') return std::nullopt;
  }
  ParsedTarget t;
  size_t q = target.find('?');
  t.raw_path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) t.query = std::string(target.substr(q + 1));
  std::string decoded_path;
  std::optional<std::string> decoded;
  if (util::PercentDecode(t.raw_path, &decoded_path)) decoded = std::move(decoded_path);
  if (!decoded) return std::nullopt;
  t.path = std::move(*decoded);
  if (t.path.empty() || t.path[0] != '/') return std::nullopt;
  for (char c : t.path) {
    if (IsControl(static_cast<unsigned char>(c)) || c == '\\') return std::nullopt;
  }
  for (std::string_view seg : util::Split(std::string_view(t.path).substr(1), '/')) {
    if (seg == "." || seg == "..") return std::nullopt;
  }
  return t;
}

// True when the If-None-Match list names etag (weak comparison) or is "*".
bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  for (std::string_view item : util::Split(if_none_match, ',')) {
    item = util::Trim(item);
    if (item == "*") return true;
    if (util::StartsWith(item, "W/")) item.remove_prefix(2);
    if (item == etag) return true;
  }
  return false;
}

}  // namespace

struct StaticSite::Data {
  struct Entry {
    std::shared_ptr<const std::string> body;  // shared with responses: never copied per request
    bool compressible = false;                // a text type big enough to try gzip
    mutable std::once_flag gzip_once;
    mutable std::shared_ptr<const std::string> gzip;  // made on first demand; null when not smaller

    // The gzip copy of body, compressed on first use (thread-safe); null when
    // gzip would not make it smaller. Compressing lazily keeps Open fast on big sites.
    const std::shared_ptr<const std::string>& Gzipped() const {
      std::call_once(gzip_once, [this] {
        std::optional<std::string> z = Gzip(*body);
        if (z && z->size() < body->size()) gzip = std::make_shared<const std::string>(std::move(*z));
      });
      return gzip;
    }
    std::string_view content_type;
    std::string etag;       // quoted
    std::string gzip_etag;  // quoted
    std::string_view cache_control;
  };
  std::string root;
  std::unordered_map<std::string, std::unique_ptr<const Entry>> files;  // key: URL path "/a/b/index.html"
  std::string not_found_body;                                           // 404.html, or a short text
  std::string_view not_found_type;
};

std::string_view Request::Header(std::string_view name) const {
  return FindField(headers, name);
}
std::string_view Request::Path() const {
  return std::string_view(target).substr(0, target.find('?'));
}
std::string_view Request::Query() const {
  size_t q = target.find('?');
  return q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1);
}
std::string_view Response::Header(std::string_view name) const {
  return FindField(headers, name);
}

void AddSecurityHeaders(Fields& headers) {
  headers.emplace_back("Content-Security-Policy", kCsp);
  headers.emplace_back("X-Content-Type-Options", "nosniff");
  headers.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.emplace_back("Permissions-Policy", kPermissionsPolicy);
  headers.emplace_back("X-Frame-Options", "DENY");
}

Response PlainResponse(int status, std::string_view text) {
  Response res;
  res.status = status;
  res.body = std::string(text) + "\n";
  res.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  res.headers.emplace_back("Content-Length", std::to_string(res.body.size()));
  res.headers.emplace_back("Cache-Control", kCacheRevalidate);
  AddSecurityHeaders(res.headers);
  return res;
}

void ServeControl::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  if (action_) action_();
}

bool ServeControl::stopped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopped_;
}

void ServeControl::OnStop(std::function<void()> action) {
  std::lock_guard<std::mutex> lock(mu_);
  action_ = std::move(action);
  if (stopped_ && action_) action_();
}

Result<StaticSite> StaticSite::Open(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return Status::NotFound("not a directory: " + root);
  std::vector<fs::path> paths;
  std::vector<std::string> keys;
  fs::recursive_directory_iterator it(root, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::string name = entry.path().filename().string();
    bool hidden = !name.empty() && name[0] == '.' && name != ".well-known";
    std::error_code entry_ec;  // a file that vanishes or cannot be stat'ed is skipped
    if (hidden || entry.is_symlink(entry_ec)) {
      if (entry.is_directory(entry_ec)) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(entry_ec)) continue;
    paths.push_back(entry.path());
    keys.push_back("/" + entry.path().lexically_relative(root).generic_string());
  }
  if (ec) return Status::Io("cannot list " + root + ": " + ec.message());

  std::vector<std::unique_ptr<Data::Entry>> entries(paths.size());
  std::vector<Status> errors(paths.size());
  util::ParallelFor(paths.size(), [&](size_t i) {
    entries[i] = std::make_unique<Data::Entry>();
    Data::Entry& e = *entries[i];
    std::string bytes;
    errors[i] = ReadFile(paths[i], bytes);
    if (!errors[i].ok()) return;
    e.body = std::make_shared<const std::string>(std::move(bytes));
    MimeType type = MimeFor(keys[i]);
    e.content_type = type.type;
    std::string hash = util::Sha256Hex(*e.body).substr(0, kEtagHashLength);
    e.etag = "\"" + hash + "\"";
    e.gzip_etag = "\"" + hash + "-gz\"";
    e.cache_control = IsFingerprintedAsset(keys[i]) ? kCacheImmutable : kCacheRevalidate;
    e.compressible = type.compressible && e.body->size() >= kMinCompressSize;
  });
  auto data = std::make_shared<Data>();
  data->root = root;
  data->files.reserve(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    if (!errors[i].ok()) return errors[i];
    data->files.emplace(std::move(keys[i]), std::move(entries[i]));
  }
  auto nf = data->files.find("/404.html");
  if (nf != data->files.end()) {
    data->not_found_body = *nf->second->body;
    data->not_found_type = nf->second->content_type;
  } else {
    data->not_found_body = "Not Found\n";
    data->not_found_type = "text/plain; charset=utf-8";
  }
  return StaticSite(std::move(data));
}

const std::string& StaticSite::root() const {
  return data_->root;
}
size_t StaticSite::file_count() const {
  return data_->files.size();
}

Response StaticSite::Handle(const Request& req) const {
  bool head = req.method == "HEAD";
  if (req.method != "GET" && !head) {
    Response res = PlainResponse(405, "Method Not Allowed");
    res.headers.emplace_back("Allow", "GET, HEAD");
    res.route = "bad_request";
    return res;
  }
  std::optional<ParsedTarget> target = ParseTarget(req.target);
  if (!target) {
    Response res = PlainResponse(400, "Bad Request");
    res.route = "bad_request";
    if (head) res.body.clear();
    return res;
  }
  const std::string& path = target->path;
  bool folder = path.back() == '/';
  auto it = data_->files.find(folder ? path + "index.html" : path);
  if (it == data_->files.end() && !folder && data_->files.count(path + "/index.html") != 0) {
    std::string location = target->raw_path + "/";
    if (!target->query.empty()) location += "?" + target->query;
    Response res = PlainResponse(301, "Moved Permanently");
    res.headers.emplace_back("Location", location);
    res.route = "redirect";
    if (head) res.body.clear();
    return res;
  }

  Response res;
  if (it == data_->files.end()) {
    res.status = 404;
    res.route = "not_found";
    res.body = head ? std::string() : data_->not_found_body;
    res.headers.emplace_back("Content-Type", data_->not_found_type);
    res.headers.emplace_back("Content-Length", std::to_string(data_->not_found_body.size()));
    res.headers.emplace_back("Cache-Control", kCacheRevalidate);
    AddSecurityHeaders(res.headers);
    return res;
  }

  const Data::Entry& e = *it->second;
  res.route = "static";
  bool use_gzip =
      e.compressible && ParseAcceptEncoding(req.Header("Accept-Encoding")).gzip && e.Gzipped() != nullptr;
  const std::string& etag = use_gzip ? e.gzip_etag : e.etag;
  const std::shared_ptr<const std::string>& body = use_gzip ? e.Gzipped() : e.body;
  std::string_view inm = req.Header("If-None-Match");
  if (!inm.empty() && EtagMatches(inm, etag)) {
    res.status = 304;
  } else {
    res.status = 200;
    res.headers.reserve(11);
    res.headers.emplace_back("Content-Type", e.content_type);
    res.headers.emplace_back("Content-Length", std::to_string(body->size()));
    if (use_gzip) res.headers.emplace_back("Content-Encoding", "gzip");
    if (!head) res.shared_body = body;
  }
  res.headers.emplace_back("ETag", etag);
  res.headers.emplace_back("Cache-Control", e.cache_control);
  if (e.compressible) res.headers.emplace_back("Vary", "Accept-Encoding");
  AddSecurityHeaders(res.headers);
  return res;
}

Handler StaticHandler(StaticSite site) {
  return [site = std::move(site)](Request&& req, Respond respond) { respond(site.Handle(req)); };
}

}  // namespace vetted::server
