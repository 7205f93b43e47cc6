// Internal to server/: content types by file extension and the compressed
// forms of a response body (gzip, brotli). Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vetted::server {

struct MimeType {
  std::string_view ext;   // "html"
  std::string_view type;  // "text/html; charset=utf-8"
  bool compressible;      // worth sending gzip/brotli
};

// The type for a path or URL by its extension ("feed.xml" is Atom; a path
// ending in '/' is HTML); application/octet-stream when unknown.
MimeType MimeFor(std::string_view path);

// Bodies smaller than this are never compressed (the headers would eat the gain).
inline constexpr size_t kMinCompressSize = 256;

// gzip (RFC 1952) at zlib's default level; nullopt when zlib fails.
std::optional<std::string> Gzip(std::string_view data);
// brotli (RFC 7932) at `quality` (0-11; 11 is the smallest and slowest);
// nullopt when the encoder fails.
std::optional<std::string> Brotli(std::string_view data, int quality = 9);

// Which encoding an Accept-Encoding header allows, best first: "br", then
// "gzip", then "" (identity). A coding with q=0 is refused; "*" allows both.
struct AcceptedEncodings {
  bool br = false;
  bool gzip = false;
};
AcceptedEncodings ParseAcceptEncoding(std::string_view header);

}  // namespace vetted::server
