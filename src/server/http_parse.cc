// Strict HTTP/1.1 request parsing (see http_parse.h). Pure functions over
// bytes; no allocation beyond the strings of the parsed head.
#include "server/http_parse.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "util/util.h"

namespace vetted::server {
namespace {

using Result = ParseResult;

// Content-Length values above this are refused as overflow (well below 2^63).
constexpr uint64_t kMaxContentLengthValue = 1'000'000'000'000'000'000ULL;
// Hex digits in a chunk size: 15 keep the value below 2^60.
constexpr size_t kMaxChunkSizeDigits = 15;

constexpr std::array<bool, 256> MakeTcharTable() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kTchar = MakeTcharTable();

bool IsTchar(char c) {
  return kTchar[static_cast<unsigned char>(c)];
}
bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTchar);
}
// A byte allowed in a field value: VCHAR, obs-text, SP or HTAB.
bool IsFieldByte(char c) {
  auto u = static_cast<unsigned char>(c);
  return c == '\t' || (u >= 0x20 && u != 0x7f);
}
bool IsOws(char c) {
  return c == ' ' || c == '\t';
}
std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}
char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Calls fn(element) for each non-empty element of a comma-separated list,
// whitespace trimmed; stops and returns false when fn does.
template <class Fn>
bool ForEachListElement(std::string_view list, Fn fn) {
  while (true) {
    size_t comma = list.find(',');
    std::string_view item = TrimOws(list.substr(0, comma));
    if (!item.empty() && !fn(item)) return false;
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

// Where the next line ends. Returns the line without its CRLF and advances
// pos; kNeedMore when no LF yet; kError for a bare LF.
Result NextLine(std::string_view data, size_t& pos, std::string_view& line) {
  size_t lf = data.find('\n', pos);
  if (lf == std::string_view::npos) return Result::NeedMore();
  if (lf == pos || data[lf - 1] != '\r') return Result::Error(400, "line ends with a bare LF");
  line = data.substr(pos, lf - 1 - pos);
  pos = lf + 1;
  return Result::Complete();
}

// Checks one "name: value" field line; sets name and value (trimmed).
Result ParseFieldLine(std::string_view line, std::string_view& name, std::string_view& value) {
  if (IsOws(line.front())) return Result::Error(400, "obsolete line folding");
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Result::Error(400, "header field without a colon");
  name = line.substr(0, colon);
  if (!name.empty() && IsOws(name.back())) return Result::Error(400, "whitespace before the colon");
  if (!IsToken(name)) return Result::Error(400, "invalid header field name");
  value = TrimOws(line.substr(colon + 1));
  if (!std::all_of(value.begin(), value.end(), IsFieldByte)) {
    return Result::Error(400, "control character in a header field");
  }
  return Result::Complete();
}

// Fails fast on a partial request line that can never become valid (a TLS
// handshake or binary noise), instead of waiting for a line end.
Result CheckPartialRequestLine(std::string_view partial) {
  for (size_t i = 0; i < partial.size(); ++i) {
    char c = partial[i];
    bool last_cr = c == '\r' && i + 1 == partial.size();
    if (!last_cr && (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)) {
      return Result::Error(400, "malformed request line");
    }
  }
  return Result::NeedMore();
}

// "http://host/path?q" or "https://..." -> "/path?q"; false when not absolute-form.
bool AbsoluteToOrigin(std::string_view target, std::string& out) {
  size_t scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string_view scheme = target.substr(0, scheme_end);
  if (!util::EqualsIgnoreCase(scheme, "http") && !util::EqualsIgnoreCase(scheme, "https")) return false;
  std::string_view rest = target.substr(scheme_end + 3);
  size_t path = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  std::string_view tail = path == std::string_view::npos ? std::string_view() : rest.substr(path);
  out.assign(tail.empty() || tail.front() == '?' ? "/" : "");
  out.append(tail);
  return true;
}

Result ParseRequestLine(std::string_view line, RequestHead& head) {
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return Result::Error(400, "malformed request line");
  size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return Result::Error(400, "malformed request line");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method)) return Result::Error(400, "invalid method");
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !digit(version[5]) || version[6] != '.' ||
      !digit(version[7])) {
    return Result::Error(400, "malformed HTTP version");
  }
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
    return Result::Error(505, "HTTP version not supported");
  }
  head.minor_version = version[7] - '0';
  if (target.empty()) return Result::Error(400, "malformed request line");
  for (char c : target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return Result::Error(400, "invalid character in the request target");
  }
  head.method.assign(method);
  if (target.front() == '/') {
    head.target.assign(target);
  } else if (target == "*") {
    if (method != "OPTIONS") return Result::Error(400, "asterisk target is only for OPTIONS");
    head.target.assign(target);
  } else if (!AbsoluteToOrigin(target, head.target)) {
    return Result::Error(400, "unsupported request target form");
  }
  return Result::Complete();
}

// What the special fields said, gathered while reading the fields.
struct Framing {
  int content_length_fields = 0;
  uint64_t content_length = 0;
  int transfer_encoding_fields = 0;
  bool chunked_last = false;  // the last coding so far is chunked
  int chunked_count = 0;
  bool other_codings = false;
  int host_fields = 0;
  bool conn_close = false;
  bool conn_keep_alive = false;
  bool expect_continue = false;
  bool expect_other = false;
};

Result ParseDigits(std::string_view s, uint64_t& value) {
  value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return Result::Error(400, "invalid Content-Length");
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > kMaxContentLengthValue) return Result::Error(400, "Content-Length overflow");
  }
  return Result::Complete();
}

Result NoteContentLength(std::string_view value, Framing& f) {
  if (value.empty()) return Result::Error(400, "invalid Content-Length");
  // Every element of every Content-Length field must be the same number.
  for (std::string_view rest = value;;) {
    size_t comma = rest.find(',');
    std::string_view item = TrimOws(rest.substr(0, comma));
    uint64_t n = 0;
    if (item.empty()) return Result::Error(400, "invalid Content-Length");
    Result r = ParseDigits(item, n);
    if (r.state == ParseState::kError) return r;
    if (f.content_length_fields > 0 && n != f.content_length) {
      return Result::Error(400, "conflicting Content-Length values");
    }
    f.content_length = n;
    ++f.content_length_fields;
    if (comma == std::string_view::npos) return Result::Complete();
    rest.remove_prefix(comma + 1);
  }
}

void NoteTransferEncoding(std::string_view value, Framing& f) {
  ++f.transfer_encoding_fields;
  ForEachListElement(value, [&f](std::string_view coding) {
    f.chunked_last = util::EqualsIgnoreCase(coding, "chunked");
    if (f.chunked_last) {
      ++f.chunked_count;
    } else {
      f.other_codings = true;
    }
    return true;
  });
}

// One field line: checked, stored, and noted when it affects framing.
Result AddField(std::string_view line, RequestHead& head, Framing& f) {
  std::string_view name, value;
  Result r = ParseFieldLine(line, name, value);
  if (r.state == ParseState::kError) return r;
  if (head.headers.size() >= kMaxHeaderFields) return Result::Error(431, "too many header fields");
  head.headers.emplace_back(std::string(name), std::string(value));
  switch (Lower(name.front())) {
    case 'c':
      if (util::EqualsIgnoreCase(name, "content-length")) return NoteContentLength(value, f);
      if (util::EqualsIgnoreCase(name, "connection")) {
        ForEachListElement(value, [&f](std::string_view opt) {
          f.conn_close |= util::EqualsIgnoreCase(opt, "close");
          f.conn_keep_alive |= util::EqualsIgnoreCase(opt, "keep-alive");
          return true;
        });
      }
      break;
    case 't':
      if (util::EqualsIgnoreCase(name, "transfer-encoding")) NoteTransferEncoding(value, f);
      break;
    case 'h':
      if (util::EqualsIgnoreCase(name, "host")) ++f.host_fields;
      break;
    case 'e':
      if (util::EqualsIgnoreCase(name, "expect")) {
        if (util::EqualsIgnoreCase(value, "100-continue")) {
          f.expect_continue = true;
        } else {
          f.expect_other = true;
        }
      }
      break;
    default:
      break;
  }
  return Result::Complete();
}

// Decides the body framing and connection reuse once all fields are read.
Result Finish(const Framing& f, RequestHead& head) {
  bool http10 = head.minor_version == 0;
  if (!http10 && f.host_fields != 1) {
    return Result::Error(400, f.host_fields == 0 ? "missing Host" : "more than one Host");
  }
  if (http10 && f.host_fields > 1) return Result::Error(400, "more than one Host");
  if (f.transfer_encoding_fields > 0) {
    if (http10) return Result::Error(400, "Transfer-Encoding on HTTP/1.0");
    if (f.content_length_fields > 0) return Result::Error(400, "both Content-Length and Transfer-Encoding");
    if (!f.chunked_last || f.chunked_count > 1) {
      return Result::Error(400, "Transfer-Encoding must end with chunked, once");
    }
    if (f.other_codings) return Result::Error(501, "transfer coding not implemented");
    head.framing = BodyFraming::kChunked;
  } else if (f.content_length_fields > 0) {
    if (f.content_length > kMaxRouteBodyBytes) return Result::Error(413, "request body too large");
    head.content_length = f.content_length;
    head.framing = f.content_length > 0 ? BodyFraming::kLength : BodyFraming::kNone;
  }
  if (f.expect_other) return Result::Error(417, "unsupported Expect");
  head.expect_continue = f.expect_continue && !http10 && head.framing != BodyFraming::kNone;
  head.keep_alive = !f.conn_close && (!http10 || f.conn_keep_alive);
  return Result::Complete();
}

void Reset(RequestHead& head) {
  head.method.clear();
  head.target.clear();
  head.minor_version = 1;
  head.headers.clear();
  head.framing = BodyFraming::kNone;
  head.content_length = 0;
  head.keep_alive = true;
  head.expect_continue = false;
  head.head_bytes = 0;
}

}  // namespace

ParseResult ParseRequestHead(std::string_view data, RequestHead& head) {
  Reset(head);
  size_t pos = 0;
  while (data.size() - pos >= 2 && data[pos] == '\r' && data[pos + 1] == '\n') pos += 2;  // blank lines
  size_t line_start = pos;
  std::string_view line;
  Result r = NextLine(data, pos, line);
  if (r.state == ParseState::kNeedMore) {
    if (data.size() > kMaxHeadBytes) return Result::Error(431, "request head too large");
    return CheckPartialRequestLine(data.substr(line_start));
  }
  if (r.state == ParseState::kError) return r;
  r = ParseRequestLine(line, head);
  if (r.state == ParseState::kError) return r;
  Framing framing;
  while (true) {
    r = NextLine(data, pos, line);
    if (r.state == ParseState::kNeedMore) {
      if (data.size() > kMaxHeadBytes) return Result::Error(431, "request head too large");
      return r;
    }
    if (r.state == ParseState::kError) return r;
    if (pos > kMaxHeadBytes) return Result::Error(431, "request head too large");
    if (line.empty()) break;
    r = AddField(line, head, framing);
    if (r.state == ParseState::kError) return r;
  }
  r = Finish(framing, head);
  if (r.state == ParseState::kError) return r;
  head.head_bytes = pos;
  return Result::Complete();
}

ParseResult ChunkedDecoder::SizeLine(std::string_view line, std::string& body) {
  size_t digits = 0;
  uint64_t size = 0;
  for (; digits < line.size(); ++digits) {
    char c = Lower(line[digits]);
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) break;
    if (digits == kMaxChunkSizeDigits) return Result::Error(400, "chunk size overflow");
    size = size * 16 + static_cast<uint64_t>(v);
  }
  if (digits == 0) return Result::Error(400, "invalid chunk size");
  std::string_view ext = TrimOws(line.substr(digits));
  if (!ext.empty() && (ext.front() != ';' || !std::all_of(ext.begin(), ext.end(), IsFieldByte))) {
    return Result::Error(400, "invalid chunk extension");
  }
  if (size == 0) {
    phase_ = Phase::kTrailer;
  } else {
    if (size > max_body_ - body.size()) return Result::Error(413, "request body too large");
    remaining_ = size;
    phase_ = Phase::kData;
  }
  return Result::NeedMore();
}

ParseResult ChunkedDecoder::Feed(std::string_view data, size_t& consumed, std::string& body) {
  consumed = 0;
  while (true) {
    std::string_view rest = data.substr(consumed);
    if (phase_ == Phase::kDone) return Result::Complete();
    if (phase_ == Phase::kData) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, rest.size()));
      if (n == 0) return Result::NeedMore();
      body.append(rest.data(), n);
      consumed += n;
      remaining_ -= n;
      if (remaining_ == 0) phase_ = Phase::kDataEnd;
      continue;
    }
    if (phase_ == Phase::kDataEnd) {
      if (!rest.empty() && rest[0] != '\r') return Result::Error(400, "chunk data not followed by CRLF");
      if (rest.size() < 2) return Result::NeedMore();
      if (rest[1] != '\n') return Result::Error(400, "chunk data not followed by CRLF");
      consumed += 2;
      overhead_ += 2;
      phase_ = Phase::kSizeLine;
      continue;
    }
    // A line: a chunk size, or a trailer field, or the final blank line.
    bool trailer = phase_ == Phase::kTrailer;
    size_t limit = trailer ? kMaxTrailerBytes - trailer_bytes_ : kMaxChunkLineBytes;
    size_t pos = 0;
    std::string_view line;
    Result r = NextLine(rest, pos, line);
    if (r.state == ParseState::kError) return r;
    if (r.state == ParseState::kNeedMore ? rest.size() > limit : pos > limit) {
      return trailer ? Result::Error(431, "trailer fields too large")
                     : Result::Error(400, "chunk line too long");
    }
    if (r.state == ParseState::kNeedMore) return r;
    consumed += pos;
    overhead_ += pos;
    if (overhead_ > kMaxChunkOverheadBytes) return Result::Error(413, "too much chunk framing");
    if (!trailer) {
      r = SizeLine(line, body);
      if (r.state == ParseState::kError) return r;
      continue;
    }
    if (line.empty()) {
      phase_ = Phase::kDone;
      continue;
    }
    trailer_bytes_ += pos;
    std::string_view name, value;
    r = ParseFieldLine(line, name, value);
    if (r.state == ParseState::kError) return r;
  }
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace vetted::server
