// Internal to server/: a strict HTTP/1.1 request parser as pure code (no
// sockets), used by listener.cc and tested on its own (http_parse_test.cc).
//
// Strict on purpose: every request whose framing two implementations could
// read differently (request smuggling) is refused with 400 and the connection
// is closed. Refused:
//   - Content-Length together with Transfer-Encoding; a Transfer-Encoding whose
//     last coding is not "chunked" (or that applies chunked twice); any
//     Transfer-Encoding on HTTP/1.0 (other codings before chunked: 501);
//   - Content-Length that is not digits, overflows, or lists differing values
//     ("5, 5" is 5; "5, 6" is refused);
//   - whitespace between a field name and its colon; obs-fold (a line that
//     starts with a space or tab); a field name that is not a token; control
//     characters (other than tab) in a field value;
//   - line ends other than CRLF: a bare LF, or a CR not followed by LF;
//   - a method that is not a token; a request line with other than single
//     spaces; a target that is not origin-form ("/..."), absolute-form
//     ("http://host/...", turned into origin-form) or "*" for OPTIONS;
//   - HTTP/1.1 without exactly one Host (HTTP/1.0: at most one).
// Other answers: an HTTP version other than 1.0 and 1.1 -> 505; a head over
// kMaxHeadBytes or more than kMaxHeaderFields fields -> 431; a body over
// kMaxBodyBytes -> 413; an Expect other than 100-continue -> 417.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/server.h"

namespace vetted::server {

// Named limits.
inline constexpr size_t kMaxHeadBytes = 8 * 1024;   // request line + fields + blank line
inline constexpr size_t kMaxHeaderFields = 100;     // fields in one head
inline constexpr size_t kMaxBodyBytes = 16 * 1024;  // decoded request body, unless the route says more
// The largest body any route may declare (the newsroom's image upload,
// /admin/library/images, takes pictures of up to 10 MiB; every other route
// declares 2 MiB at most): the parser refuses a Content-Length above it at
// once; the listener then holds each request to its route's own limit
// (server.h ServeOptions::body_limit) before reading the body.
inline constexpr size_t kMaxRouteBodyBytes = 10 * 1024 * 1024;
inline constexpr size_t kMaxChunkLineBytes = 1024;           // chunk size line with its extensions
inline constexpr size_t kMaxTrailerBytes = 4 * 1024;         // all trailer fields of a chunked body
inline constexpr size_t kMaxChunkOverheadBytes = 16 * 1024;  // size lines and CRLFs of one body

enum class BodyFraming { kNone, kLength, kChunked };

// A parsed request head. Strings are copies (the input may be reused).
struct RequestHead {
  std::string method;
  std::string target;     // origin-form "/a?b" (absolute-form rewritten), or "*"
  int minor_version = 1;  // HTTP/1.<minor>: 0 or 1
  Fields headers;         // in order, names as sent, values without surrounding whitespace
  BodyFraming framing = BodyFraming::kNone;
  uint64_t content_length = 0;   // when framing == kLength
  bool keep_alive = true;        // 1.1: unless "Connection: close"; 1.0: only with "keep-alive"
  bool expect_continue = false;  // HTTP/1.1 "Expect: 100-continue" with a body
  size_t head_bytes = 0;         // input bytes the head took (leading blank lines included)
};

enum class ParseState { kNeedMore, kError, kComplete };

struct ParseResult {
  ParseState state = ParseState::kNeedMore;
  int status = 0;            // kError: the HTTP status to answer with (the connection is closed)
  std::string_view message;  // kError: a short static reason, fit for the client and the log

  static ParseResult NeedMore() { return {}; }
  static ParseResult Complete() { return {ParseState::kComplete, 0, {}}; }
  static ParseResult Error(int status, std::string_view message) {
    return {ParseState::kError, status, message};
  }
};

// Parses the request head at the start of `data` (the bytes received so far;
// anything after the head is left alone). kNeedMore: call again with more
// bytes. kComplete: `head` is filled in and head.head_bytes says where the
// body starts. Leading empty lines (CRLF) before the request line are skipped.
ParseResult ParseRequestHead(std::string_view data, RequestHead& head);

// Decodes a chunked body incrementally: hex chunk sizes, chunk extensions
// ignored, trailer fields checked like header fields and dropped (at most
// kMaxTrailerBytes), CRLF line ends required; the decoded body is limited to
// max_body (413) and the framing overhead to kMaxChunkOverheadBytes (413).
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(size_t max_body = kMaxBodyBytes) : max_body_(max_body) {}

  // Consumes a prefix of `data` (its length goes to `consumed`; the caller
  // drops those bytes and calls again with what follows plus new bytes) and
  // appends the decoded bytes to `body`. kComplete once the last chunk and the
  // trailers have been read; bytes after them are not consumed.
  ParseResult Feed(std::string_view data, size_t& consumed, std::string& body);

 private:
  enum class Phase { kSizeLine, kData, kDataEnd, kTrailer, kDone };
  ParseResult SizeLine(std::string_view line, std::string& body);

  size_t max_body_;
  Phase phase_ = Phase::kSizeLine;
  uint64_t remaining_ = 0;  // bytes left in the current chunk
  size_t overhead_ = 0;     // framing bytes consumed so far
  size_t trailer_bytes_ = 0;
};

// Reason phrase for a status code ("OK", "Not Found"; "Unknown" otherwise).
std::string_view ReasonPhrase(int status);

}  // namespace vetted::server
