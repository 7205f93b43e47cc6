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
#include "server/responder.h"
#include "server/router.h"
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
constexpr std::string_view kAssetsPrefix = "/assets/";
// Fingerprints are the first 10 hex digits of a SHA-256; accept 8 or more.
constexpr size_t kMinFingerprintLength = 8;

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

}  // namespace

struct StaticSite::Data {
  std::string root;
  std::unordered_map<std::string, std::unique_ptr<const BodySlot>> files;  // key: URL path "/a/b/index.html"
  std::unique_ptr<const BodySlot> not_found;                               // 404.html, or a short text
  Router router;                                                           // GET /*, see Handle

  // The file at a decoded path: "/a/" is a/index.html; "/a" -> 301 "/a/"
  // when that folder page exists; else the 404 page.
  Response Serve(const Request& req, const std::string& path) const;
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
  std::string_view found = FindField(headers, name);
  if (!found.empty() || !header_block) return found;
  std::string_view block = *header_block;
  while (!block.empty()) {
    size_t end = block.find("\r\n");
    std::string_view line = block.substr(0, end);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && util::EqualsIgnoreCase(line.substr(0, colon), name))
      return util::Trim(line.substr(colon + 1));
    if (end == std::string_view::npos) break;
    block.remove_prefix(end + 2);
  }
  return {};
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

Result<StaticSite> StaticSite::Open(const std::string& root, const util::Clock& clock) {
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

  // Compressed forms are made on first demand (BodySlot), which keeps Open
  // fast on big sites; brotli is not offered (gzip only, as documented).
  BodyOptions policy{.last_modified = util::FormatHttpDate(clock.NowSeconds()), .brotli = false};
  std::vector<std::unique_ptr<const BodySlot>> entries(paths.size());
  std::vector<Status> errors(paths.size());
  util::ParallelFor(paths.size(), [&](size_t i) {
    std::string bytes;
    errors[i] = ReadFile(paths[i], bytes);
    if (!errors[i].ok()) return;
    BodyOptions file_policy = policy;
    file_policy.immutable = IsFingerprintedAsset(keys[i]);
    entries[i] = std::make_unique<const BodySlot>(MakeBody(std::move(bytes), keys[i], file_policy));
  });
  auto data = std::make_shared<Data>();
  data->root = root;
  data->files.reserve(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    if (!errors[i].ok()) return errors[i];
    data->files.emplace(std::move(keys[i]), std::move(entries[i]));
  }
  auto nf = data->files.find("/404.html");
  data->not_found =
      std::make_unique<const BodySlot>(nf != data->files.end() ? nf->second->For(Encodings::kIdentity)
                                                               : MakeBody("Not Found\n", "404.txt", policy));
  const Data* d = data.get();
  Status added = data->router.Add(
      {kGet, "/*", Access::kPublic, kNoBody,
       [d](Request&& req, const PathMatch& match, Respond respond) { respond(d->Serve(req, match.path)); }});
  if (!added.ok()) return added;
  return StaticSite(std::move(data));
}

const std::string& StaticSite::root() const {
  return data_->root;
}
size_t StaticSite::file_count() const {
  return data_->files.size();
}

Response StaticSite::Data::Serve(const Request& req, const std::string& path) const {
  const Data& data = *this;
  bool folder = path.back() == '/';
  auto it = data.files.find(folder ? path + "index.html" : path);
  if (it == data.files.end() && !folder && data.files.count(path + "/index.html") != 0) {
    std::string location = std::string(req.Path()) + "/";
    if (!req.Query().empty()) location += "?" + std::string(req.Query());
    Response res = PlainResponse(301, "Moved Permanently");
    res.headers.emplace_back("Location", location);
    res.route = "redirect";
    return res;
  }
  bool found = it != data.files.end();
  const BodySlot& slot = found ? *it->second : *data.not_found;
  Encodings wanted =
      ParseAcceptEncoding(req.Header("Accept-Encoding")).gzip ? Encodings::kGzip : Encodings::kIdentity;
  std::shared_ptr<const CachedBody> body = slot.For(wanted);
  Response res = BodyResponse(req, *body, found ? 200 : 404, found ? "static" : "not_found");
  // Direct callers (tests) see the length; Serve writes its own.
  if (res.status != 304 && res.Header("Content-Length").empty())
    res.headers.emplace_back("Content-Length", std::to_string(res.Body().size()));
  return res;
}

Response StaticSite::Handle(const Request& req) const {
  Router::Found found = data_->router.Find(req);
  if (found.refusal) {
    if (req.method == "HEAD") found.refusal->body.clear();
    return std::move(*found.refusal);
  }
  Response res = data_->Serve(req, found.match.path);
  if (req.method == "HEAD") res.body.clear();
  return res;
}

Handler StaticHandler(StaticSite site) {
  return [site = std::move(site)](Request&& req, Respond respond) { respond(site.Handle(req)); };
}

}  // namespace vetted::server
