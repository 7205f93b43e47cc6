// The strict HTTP/1.1 request parser on arbitrary bytes: ParseRequestHead on
// the whole input and on prefixes of it (a socket delivers bytes in pieces, so
// every split must agree with the whole), then the chunked body decoder on the
// bytes after a chunked head (or on the raw input when there is none), fed at
// once, byte by byte and in uneven pieces. Nothing may crash or trip a
// sanitizer, and the results must keep the promises of http_parse.h.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_parse.h"

namespace {

using vetted::server::BodyFraming;
using vetted::server::ChunkedDecoder;
using vetted::server::ParseRequestHead;
using vetted::server::ParseResult;
using vetted::server::ParseState;
using vetted::server::RequestHead;
namespace limits = vetted::server;

void Require(bool ok, const char* what, size_t at = 0) {
  if (ok) return;
  std::fprintf(stderr, "http_fuzz: invariant broken: %s (at %zu)\n", what, at);
  std::abort();
}

bool IsTchar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTchar(c)) return false;
  }
  return true;
}
bool IEquals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != lower[i]) return false;
  }
  return true;
}

bool SameHead(const RequestHead& a, const RequestHead& b) {
  return a.method == b.method && a.target == b.target && a.minor_version == b.minor_version &&
         a.headers == b.headers && a.framing == b.framing && a.content_length == b.content_length &&
         a.keep_alive == b.keep_alive && a.expect_continue == b.expect_continue &&
         a.head_bytes == b.head_bytes;
}

// Where to split the input: every position of a short input; of a long one,
// the bytes around each line end (where the parser changes state) and a few
// evenly spaced points. Sorted, all below n.
std::vector<size_t> SplitPoints(std::string_view data, size_t n) {
  std::vector<size_t> points;
  if (n <= 600) {
    for (size_t i = 0; i < n; ++i) points.push_back(i);
    return points;
  }
  std::vector<bool> take(n, false);
  size_t lines = 0;
  for (size_t i = 0; i < n && lines < 200; ++i) {
    if (data[i] != '\n') continue;
    ++lines;
    for (size_t k = i > 0 ? i - 1 : 0; k <= i + 1 && k < n; ++k) take[k] = true;
  }
  for (size_t k = 0; k < 64; ++k) take[n * k / 64] = true;
  for (size_t i = 0; i < n; ++i) {
    if (take[i]) points.push_back(i);
  }
  return points;
}

void CheckCompleteHead(std::string_view data, const RequestHead& h) {
  Require(h.head_bytes >= 4 && h.head_bytes <= data.size(), "head_bytes within the input");
  Require(h.head_bytes <= limits::kMaxHeadBytes, "head_bytes within kMaxHeadBytes");
  Require(data.substr(h.head_bytes - 4, 4) == "\r\n\r\n", "head ends with an empty line");
  Require(IsToken(h.method), "method is a token");
  Require(!h.target.empty() && (h.target[0] == '/' || h.target == "*"), "target is '/...' or '*'");
  Require(h.target != "*" || h.method == "OPTIONS", "'*' only for OPTIONS");
  for (char c : h.target) {
    auto u = static_cast<unsigned char>(c);
    Require(u > 0x20 && u < 0x7f, "target is visible ASCII");
  }
  Require(h.minor_version == 0 || h.minor_version == 1, "HTTP/1.0 or 1.1");
  Require(h.headers.size() <= limits::kMaxHeaderFields, "at most kMaxHeaderFields fields");
  int hosts = 0, lengths = 0, codings = 0;
  for (const auto& [name, value] : h.headers) {
    Require(IsToken(name), "field name is a token");
    for (char c : value) {
      auto u = static_cast<unsigned char>(c);
      Require(c == '\t' || (u >= 0x20 && u != 0x7f), "field value has no control bytes");
    }
    Require(value.empty() || (value.front() != ' ' && value.front() != '\t' && value.back() != ' ' &&
                              value.back() != '\t'),
            "field value trimmed");
    hosts += IEquals(name, "host");
    lengths += IEquals(name, "content-length");
    codings += IEquals(name, "transfer-encoding");
  }
  Require(h.minor_version == 0 ? hosts <= 1 : hosts == 1, "Host count");
  switch (h.framing) {
    case BodyFraming::kNone:
      Require(h.content_length == 0 && codings == 0, "no framing: no length, no coding");
      break;
    case BodyFraming::kLength:
      Require(h.content_length > 0 && h.content_length <= limits::kMaxBodyBytes, "length within limit");
      Require(lengths > 0 && codings == 0, "length framing from Content-Length alone");
      break;
    case BodyFraming::kChunked:
      Require(h.minor_version == 1 && lengths == 0 && codings > 0, "chunked only on 1.1, alone");
      Require(h.content_length == 0, "chunked: no content_length");
      break;
  }
  Require(!h.expect_continue || (h.framing != BodyFraming::kNone && h.minor_version == 1),
          "100-continue only on 1.1 with a body");
}

void CheckError(const ParseResult& r) {
  static constexpr int kStatuses[] = {400, 413, 417, 431, 501, 505};
  bool known = false;
  for (int s : kStatuses) known |= r.status == s;
  Require(known, "error status is one of the documented ones", static_cast<size_t>(r.status));
  Require(!r.message.empty(), "error has a message");
}

// The whole input against its prefixes: NeedMore* then Complete* or Error*.
void CheckPrefixes(std::string_view data, const ParseResult& whole, const RequestHead& head) {
  size_t n = whole.state == ParseState::kComplete ? head.head_bytes : data.size();
  RequestHead part;
  for (size_t cut : SplitPoints(data, n)) {
    ParseResult r = ParseRequestHead(data.substr(0, cut), part);
    switch (whole.state) {
      case ParseState::kComplete:
        Require(r.state == ParseState::kNeedMore, "every strict prefix of a complete head needs more", cut);
        break;
      case ParseState::kNeedMore:
        Require(r.state == ParseState::kNeedMore, "a prefix of an unfinished head needs more", cut);
        break;
      case ParseState::kError:
        Require(r.state != ParseState::kComplete, "a prefix of a refused head is not complete", cut);
        break;
    }
  }
  if (whole.state == ParseState::kComplete) {
    ParseResult r = ParseRequestHead(data.substr(0, head.head_bytes), part);
    Require(r.state == ParseState::kComplete && SameHead(part, head), "the head alone parses the same");
  }
}

// Feeds `input` to a decoder in pieces whose sizes come from `step` (0 means
// all at once), dropping consumed bytes as a connection would.
ParseResult Decode(std::string_view input, size_t max_body, size_t (*step)(size_t), std::string& body,
                   size_t& total_consumed) {
  ChunkedDecoder decoder(max_body);
  std::string pending;
  size_t fed = 0, round = 0;
  total_consumed = 0;
  while (true) {
    size_t n = step ? step(round++) : input.size();
    if (n > input.size() - fed) n = input.size() - fed;
    pending.append(input.substr(fed, n));
    fed += n;
    size_t consumed = 0;
    size_t before = body.size();
    ParseResult r = decoder.Feed(pending, consumed, body);
    Require(consumed <= pending.size(), "decoder consumed no more than it was given");
    Require(body.size() - before <= consumed, "decoded bytes come from consumed bytes");
    Require(body.size() <= max_body, "decoded body within max_body", body.size());
    pending.erase(0, consumed);
    total_consumed += consumed;
    if (r.state == ParseState::kComplete) {
      size_t again = 1;
      ParseResult r2 = decoder.Feed(pending, again, body);
      Require(r2.state == ParseState::kComplete && again == 0, "a finished decoder stays finished");
    }
    if (r.state == ParseState::kError) {
      Require(r.status == 400 || r.status == 413 || r.status == 431, "chunked error status", r.status);
    }
    if (r.state != ParseState::kNeedMore || fed == input.size()) return r;
  }
}

size_t OneByte(size_t) {
  return 1;
}
size_t Uneven(size_t round) {
  static constexpr size_t kSteps[] = {3, 1, 7, 2, 64, 5, 1, 300, 13, 2};
  return kSteps[round % std::size(kSteps)];
}

void CheckChunked(std::string_view input, size_t max_body) {
  std::string body;
  size_t consumed = 0;
  ParseResult whole = Decode(input, max_body, nullptr, body, consumed);
  std::vector<size_t (*)(size_t)> steps = {Uneven};
  if (input.size() <= 4096) steps.push_back(OneByte);
  for (auto step : steps) {
    std::string body2;
    size_t consumed2 = 0;
    ParseResult r = Decode(input, max_body, step, body2, consumed2);
    Require(r.state == whole.state, "chunked: split input reaches the same state");
    if (r.state != ParseState::kError) {
      Require(body2 == body && consumed2 == consumed, "chunked: split input decodes the same");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  RequestHead head;
  ParseResult whole = ParseRequestHead(data, head);
  if (whole.state == ParseState::kComplete) CheckCompleteHead(data, head);
  if (whole.state == ParseState::kError) CheckError(whole);

  // A head object reused from another request must not leak into this one.
  RequestHead reused;
  ParseRequestHead("POST http://h/x?y HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", reused);
  ParseResult again = ParseRequestHead(data, reused);
  Require(again.state == whole.state && again.status == whole.status, "same result into a reused head");
  if (whole.state == ParseState::kComplete) Require(SameHead(reused, head), "same head into a reused head");

  CheckPrefixes(data, whole, head);

  if (whole.state == ParseState::kComplete && head.framing == BodyFraming::kChunked) {
    CheckChunked(data.substr(head.head_bytes), limits::kMaxBodyBytes);
  } else {
    CheckChunked(data, limits::kMaxBodyBytes);
    CheckChunked(data, size % 97);  // a small limit, to reach the 413 edge
  }
  return 0;
}
