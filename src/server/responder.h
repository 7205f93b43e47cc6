// Internal to server/: the one responder for cacheable bodies, used by App's
// page cache and by StaticSite (`serve --dir`). A body is made once with its
// validators (ETag, Last-Modified) and cache policy; its compressed forms
// (gzip, brotli) are added when a client first asks for them and kept only
// when smaller; BodyResponse answers a request from it: the encoding the
// request accepts, 304 for a matching If-None-Match, HEAD without the body.
//
// Thread safety: a CachedBody is immutable once made (WithEncoding returns a
// copy); BodySlot is safe from any number of threads.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "server/server.h"

namespace vetted::server {

// Cache-Control values.
inline constexpr std::string_view kCacheImmutable = "public, max-age=31536000, immutable";  // fingerprinted
inline constexpr std::string_view kCacheRevalidate = "no-cache";  // store, but ask (ETag) before each reuse
inline constexpr std::string_view kCacheNever = "no-store";       // search results and feedback answers

enum class Encodings { kIdentity, kGzip, kBrotli };

// How a body is to be cached by clients.
struct BodyOptions {
  bool immutable = false;     // a fingerprinted asset: cache for a year
  std::string last_modified;  // HTTP date
  bool brotli = true;         // offer br as well as gzip
};

// One response body in each encoding worth sending (made when first asked
// for), with its validators.
struct CachedBody {
  std::shared_ptr<const std::string> identity, gzip, br;  // gzip/br null when not smaller
  // The response's header lines for each (Response::header_block).
  std::shared_ptr<const std::string> identity_head, gzip_head, br_head;
  std::string etag;  // "\"<hash>\"" of identity
  std::string_view content_type;
  std::string last_modified;
  bool compressible = false;                  // a type and size worth compressing (Vary: Accept-Encoding)
  bool gzip_tried = false, br_tried = false;  // compressed (kept only when smaller)
  bool immutable = false;                     // fingerprinted asset: cache for a year
  bool brotli = true;                         // br is offered
  bool Has(Encodings e) const;                // nothing left to try for e
};

// The best encoding the request accepts (br before gzip).
Encodings WantedEncoding(const Request& req);

// Makes the cached form of `bytes` (its type from `path`'s extension), also
// in the `wanted` encoding when that makes it smaller.
std::shared_ptr<const CachedBody> MakeBody(std::string bytes, std::string_view path,
                                           const BodyOptions& options,
                                           Encodings wanted = Encodings::kIdentity);
// A copy of `body` with the `wanted` encoding added.
std::shared_ptr<const CachedBody> WithEncoding(const CachedBody& body, Encodings wanted);

// The response for a body: the best encoding the request accepts that the
// body has; 304 (no body) when status is 200 and If-None-Match names its
// ETag (weak or strong, any encoding's variant, or "*"); for HEAD no body and
// a Content-Length field with the GET length. Headers go in header_block.
Response BodyResponse(const Request& req, const CachedBody& body, int status, std::string_view route);

// True when an If-None-Match value lists `etag` (W/ allowed), one of its
// encodings' variants ("-gz", "-br" before the closing quote), or is "*".
bool EtagMatches(std::string_view header, std::string_view etag);

// A body that gains its compressed forms when first asked for. Thread-safe.
class BodySlot {
 public:
  explicit BodySlot(std::shared_ptr<const CachedBody> body) : body_(std::move(body)) {}
  // The body, with the `wanted` encoding tried.
  std::shared_ptr<const CachedBody> For(Encodings wanted) const;

 private:
  mutable std::mutex mu_;
  mutable std::shared_ptr<const CachedBody> body_;
};

}  // namespace vetted::server
