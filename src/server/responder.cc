// The responder for cacheable bodies (responder.h).
#include "server/responder.h"

#include "server/encode.h"
#include "util/util.h"

namespace vetted::server {
namespace {

constexpr int kBrotliQuality = 9;  // per body, once; 11 is a few % smaller and ~10x slower
constexpr size_t kEtagHex = 20;

// Every header line a cached body's response carries, for one encoding.
std::shared_ptr<const std::string> HeadBlock(const CachedBody& body, std::string_view encoding) {
  Fields fields;
  fields.emplace_back("Content-Type", body.content_type);
  if (!encoding.empty()) fields.emplace_back("Content-Encoding", encoding);
  if (body.compressible) fields.emplace_back("Vary", "Accept-Encoding");
  std::string etag = body.etag;
  if (!encoding.empty()) etag.insert(etag.size() - 1, encoding == "br" ? "-br" : "-gz");
  fields.emplace_back("ETag", std::move(etag));
  if (!body.last_modified.empty()) fields.emplace_back("Last-Modified", body.last_modified);
  fields.emplace_back("Cache-Control", body.immutable ? kCacheImmutable : kCacheRevalidate);
  AddSecurityHeaders(fields);
  auto block = std::make_shared<std::string>();
  for (const auto& [name, value] : fields) *block += name + ": " + value + "\r\n";
  return block;
}

// Adds one encoding to `body` (when it makes the body smaller).
void AddEncoding(CachedBody& body, Encodings e) {
  if (!body.compressible || e == Encodings::kIdentity) return;
  const std::string& bytes = *body.identity;
  if (e == Encodings::kGzip && !body.gzip_tried) {
    body.gzip_tried = true;
    if (auto gz = Gzip(bytes); gz && gz->size() < bytes.size()) {
      gz->shrink_to_fit();  // the compressor's buffer was sized for the input: kept, it would double the page
      body.gzip = std::make_shared<const std::string>(std::move(*gz));
      body.gzip_head = HeadBlock(body, "gzip");
    }
  } else if (e == Encodings::kBrotli && !body.br_tried) {
    body.br_tried = true;
    if (auto br = Brotli(bytes, kBrotliQuality); br && br->size() < bytes.size()) {
      br->shrink_to_fit();
      body.br = std::make_shared<const std::string>(std::move(*br));
      body.br_head = HeadBlock(body, "br");
    }
  }
}

}  // namespace

bool EtagMatches(std::string_view header, std::string_view etag) {
  if (header.empty() || etag.size() < 2) return false;
  if (util::Trim(header) == "*") return true;
  std::string_view core = etag.substr(0, etag.size() - 1);  // without the closing quote
  for (std::string_view item : util::Split(header, ',')) {
    item = util::Trim(item);
    if (item == "*") return true;
    if (item.size() > 2 && item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item.size() < core.size() + 1 || item.substr(0, core.size()) != core || item.back() != '"') continue;
    std::string_view suffix = item.substr(core.size(), item.size() - core.size() - 1);
    if (suffix.empty() || suffix == "-gz" || suffix == "-br") return true;
  }
  return false;
}

Encodings WantedEncoding(const Request& req) {
  AcceptedEncodings accepted = ParseAcceptEncoding(req.Header("Accept-Encoding"));
  return accepted.br ? Encodings::kBrotli : accepted.gzip ? Encodings::kGzip : Encodings::kIdentity;
}

bool CachedBody::Has(Encodings e) const {
  if (!compressible) return true;
  if (e == Encodings::kBrotli && !brotli) return true;
  return e == Encodings::kIdentity || (e == Encodings::kGzip ? gzip_tried : br_tried);
}

std::shared_ptr<const CachedBody> MakeBody(std::string bytes, std::string_view path,
                                           const BodyOptions& options, Encodings wanted) {
  auto body = std::make_shared<CachedBody>();
  MimeType mime = MimeFor(path);
  body->content_type = mime.type;
  body->immutable = options.immutable;
  body->last_modified = options.last_modified;
  body->brotli = options.brotli;
  body->etag = "\"" + util::Sha256Hex(bytes).substr(0, kEtagHex) + "\"";
  body->compressible = mime.compressible && bytes.size() >= kMinCompressSize;
  // A rendered page grew by appends: up to twice its size in capacity, held
  // as long as the page is cached (and counted against the cache's budget).
  if (bytes.capacity() - bytes.size() > bytes.size() / 16) bytes.shrink_to_fit();
  body->identity = std::make_shared<const std::string>(std::move(bytes));
  body->identity_head = HeadBlock(*body, "");
  if (wanted == Encodings::kBrotli && !body->brotli) wanted = Encodings::kGzip;
  AddEncoding(*body, wanted);
  return body;
}

std::shared_ptr<const CachedBody> WithEncoding(const CachedBody& body, Encodings wanted) {
  auto copy = std::make_shared<CachedBody>(body);
  if (wanted == Encodings::kBrotli && !body.brotli) wanted = Encodings::kGzip;
  AddEncoding(*copy, wanted);
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
  // HEAD: the length a GET would get, and no body.
  if (req.method == "HEAD" && res.status != 304) {
    res.headers.emplace_back("Content-Length", std::to_string(res.Body().size()));
    res.shared_body.reset();
  }
  return res;
}

std::shared_ptr<const CachedBody> BodySlot::For(Encodings wanted) const {
  std::shared_ptr<const CachedBody> body;
  {
    std::lock_guard<std::mutex> lock(mu_);
    body = body_;
  }
  if (body->Has(wanted)) return body;
  body = WithEncoding(*body, wanted);  // compressed outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  if (!body_->Has(wanted)) body_ = body;
  return body_;
}

}  // namespace vetted::server
