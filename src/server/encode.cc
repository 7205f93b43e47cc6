#include "server/encode.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <cctype>

#include "util/util.h"

namespace vetted::server {
namespace {

constexpr MimeType kTypes[] = {
    {"html", "text/html; charset=utf-8", true},
    {"css", "text/css; charset=utf-8", true},
    {"js", "text/javascript; charset=utf-8", true},
    {"mjs", "text/javascript; charset=utf-8", true},
    {"svg", "image/svg+xml", true},
    {"xml", "application/xml; charset=utf-8", true},
    {"txt", "text/plain; charset=utf-8", true},
    {"json", "application/json", true},
    {"webmanifest", "application/manifest+json", true},
    {"png", "image/png", false},
    {"jpg", "image/jpeg", false},
    {"jpeg", "image/jpeg", false},
    {"gif", "image/gif", false},
    {"webp", "image/webp", false},
    {"avif", "image/avif", false},
    {"ico", "image/x-icon", true},
    {"woff2", "font/woff2", false},
    {"woff", "font/woff", false},
    {"pdf", "application/pdf", false},
};
constexpr MimeType kAtom = {"xml", "application/atom+xml; charset=utf-8", true};
constexpr MimeType kUnknown = {"", "application/octet-stream", false};

}  // namespace

MimeType MimeFor(std::string_view path) {
  if (path.empty() || path.back() == '/') return kTypes[0];
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name == "feed.xml") return kAtom;
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return kUnknown;
  std::string_view ext = name.substr(dot + 1);
  for (const MimeType& t : kTypes)
    if (util::EqualsIgnoreCase(t.ext, ext)) return t;
  return kUnknown;
}

std::optional<std::string> Gzip(std::string_view data) {
  z_stream zs{};
  constexpr int kGzipWindowBits = 15 + 16;  // 32 KB window, gzip wrapper
  constexpr int kMemLevel = 8;
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    return std::nullopt;
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(written);
  return out;
}

std::optional<std::string> Brotli(std::string_view data, int quality) {
  size_t size = BrotliEncoderMaxCompressedSize(data.size());
  if (size == 0) size = data.size() + 1024;
  std::string out(size, '\0');
  // A window just large enough for the input: the encoder's memory (and the
  // page faults to map it) follows the window, and pages are small.
  int window = BROTLI_MIN_WINDOW_BITS;
  while (window < BROTLI_MAX_WINDOW_BITS && (size_t{1} << window) - 16 < data.size()) ++window;
  if (!BrotliEncoderCompress(quality, window, BROTLI_MODE_TEXT, data.size(),
                             reinterpret_cast<const uint8_t*>(data.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data())))
    return std::nullopt;
  out.resize(size);
  return out;
}

AcceptedEncodings ParseAcceptEncoding(std::string_view header) {
  AcceptedEncodings result;
  bool star = false, br_refused = false, gzip_refused = false;
  for (std::string_view item : util::Split(header, ',')) {
    item = util::Trim(item);
    std::string_view coding = item, params;
    if (size_t semi = item.find(';'); semi != std::string_view::npos) {
      coding = util::Trim(item.substr(0, semi));
      params = util::Trim(item.substr(semi + 1));
    }
    bool refused = false;
    if (params.size() >= 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=') {
      std::string_view q = params.substr(2);
      refused = !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
    }
    if (util::EqualsIgnoreCase(coding, "br")) (refused ? br_refused : result.br) = true;
    if (util::EqualsIgnoreCase(coding, "gzip") || util::EqualsIgnoreCase(coding, "x-gzip"))
      (refused ? gzip_refused : result.gzip) = true;
    if (coding == "*" && !refused) star = true;
  }
  if (star) {
    result.br = result.br || !br_refused;
    result.gzip = result.gzip || !gzip_refused;
  }
  if (br_refused) result.br = false;
  if (gzip_refused) result.gzip = false;
  return result;
}

}  // namespace vetted::server
