#include "server/http_parse.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vetted::server {
namespace {

std::string StateName(ParseState s) {
  switch (s) {
    case ParseState::kNeedMore:
      return "need-more";
    case ParseState::kError:
      return "error";
    case ParseState::kComplete:
      return "complete";
  }
  return "?";
}

struct HeadCase {
  std::string name;
  std::string input;
  ParseState state;
  int status = 0;  // for kError
};

TEST(ParseRequestHeadTest, AcceptsAndRefuses) {
  const std::string big_field = "X-Big: " + std::string(kMaxHeadBytes, 'a') + "\r\n";
  std::string many_fields;
  for (size_t i = 0; i <= kMaxHeaderFields; ++i) many_fields += "X-" + std::to_string(i) + ": 1\r\n";
  const HeadCase cases[] = {
      {"simple GET", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", ParseState::kComplete},
      {"HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", ParseState::kComplete},
      {"leading blank line", "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", ParseState::kComplete},
      {"empty input", "", ParseState::kNeedMore},
      {"partial line", "GET / HT", ParseState::kNeedMore},
      {"partial head", "GET / HTTP/1.1\r\nHost: x\r\n", ParseState::kNeedMore},
      {"partial CR at end", "GET / HTTP/1.1\r\nHost: x\r\n\r", ParseState::kNeedMore},
      {"value with tab and obs-text", "GET / HTTP/1.1\r\nHost: x\r\nX: a\tb \xc3\xa9\r\n\r\n",
       ParseState::kComplete},
      {"empty value", "GET / HTTP/1.1\r\nHost: x\r\nX:\r\n\r\n", ParseState::kComplete},
      {"asterisk OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", ParseState::kComplete},
      {"absolute-form", "GET http://example.org/a?b HTTP/1.1\r\nHost: example.org\r\n\r\n",
       ParseState::kComplete},
      {"chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", ParseState::kComplete},
      {"chunked any case", "POST / HTTP/1.1\r\nHost: x\r\ntransfer-encoding: ChUnKeD\r\n\r\n",
       ParseState::kComplete},
      {"same Content-Length twice", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\n",
       ParseState::kComplete},
      {"same Content-Length in two fields",
       "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 003\r\n\r\n",
       ParseState::kComplete},
      // Ambiguous framing.
      {"CL and TE", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
       ParseState::kError, 400},
      {"TE and CL", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
       ParseState::kError, 400},
      {"TE not ending in chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
       ParseState::kError, 400},
      {"TE gzip only", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", ParseState::kError,
       400},
      {"TE chunked then gzip field",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
       ParseState::kError, 400},
      {"TE chunked twice", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
       ParseState::kError, 400},
      {"TE empty", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \r\n\r\n", ParseState::kError, 400},
      {"TE chunked with parameter", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;a=1\r\n\r\n",
       ParseState::kError, 400},
      {"TE xchunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n", ParseState::kError,
       400},
      {"TE gzip then chunked (not implemented)",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", ParseState::kError, 501},
      {"TE on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", ParseState::kError, 400},
      {"space before colon", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\n", ParseState::kError,
       400},
      {"tab before colon", "GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", ParseState::kError, 400},
      {"obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  continued\r\n\r\n", ParseState::kError, 400},
      {"obs-fold tab", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\tcontinued\r\n\r\n", ParseState::kError, 400},
      {"CL differing list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\n", ParseState::kError,
       400},
      {"CL differing fields", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
       ParseState::kError, 400},
      {"CL not digits", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3a\r\n\r\n", ParseState::kError, 400},
      {"CL signed", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\n", ParseState::kError, 400},
      {"CL negative", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", ParseState::kError, 400},
      {"CL empty", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n", ParseState::kError, 400},
      {"CL empty element", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3,\r\n\r\n", ParseState::kError,
       400},
      {"CL overflow", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
       ParseState::kError, 400},
      {"CL over any route's limit", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10485761\r\n\r\n",
       ParseState::kError, 413},
      // Line ends and characters.
      {"bare LF in head", "GET / HTTP/1.1\nHost: x\r\n\r\n", ParseState::kError, 400},
      {"bare LF ending head", "GET / HTTP/1.1\r\nHost: x\r\n\n", ParseState::kError, 400},
      {"bare CR in value", "GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n", ParseState::kError, 400},
      {"NUL in value", std::string("GET / HTTP/1.1\r\nHost: x\r\nX: a") + '\0' + "b\r\n\r\n",
       ParseState::kError, 400},
      {"DEL in value", "GET / HTTP/1.1\r\nHost: x\r\nX: a\x7f\r\n\r\n", ParseState::kError, 400},
      {"no colon", "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", ParseState::kError, 400},
      {"empty field name", "GET / HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n", ParseState::kError, 400},
      {"bad field name", "GET / HTTP/1.1\r\nHost: x\r\nX(y): v\r\n\r\n", ParseState::kError, 400},
      {"bad method", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", ParseState::kError, 400},
      {"binary noise fails fast", std::string("\x16\x03\x01\x02\x00", 5), ParseState::kError, 400},
      {"garbage line", "GARBAGE\r\n\r\n", ParseState::kError, 400},
      {"double space", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", ParseState::kError, 400},
      {"trailing space", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", ParseState::kError, 400},
      {"space in target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", ParseState::kError, 400},
      {"relative target", "GET a/b HTTP/1.1\r\nHost: x\r\n\r\n", ParseState::kError, 400},
      {"asterisk GET", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", ParseState::kError, 400},
      {"authority-form", "CONNECT example.org:443 HTTP/1.1\r\nHost: x\r\n\r\n", ParseState::kError, 400},
      {"ftp absolute-form", "GET ftp://example.org/ HTTP/1.1\r\nHost: x\r\n\r\n", ParseState::kError, 400},
      {"lower-case version", "GET / http/1.1\r\nHost: x\r\n\r\n", ParseState::kError, 400},
      {"HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", ParseState::kError, 505},
      {"HTTP/1.2", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", ParseState::kError, 505},
      {"HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", ParseState::kError, 505},
      {"missing Host", "GET / HTTP/1.1\r\nX: y\r\n\r\n", ParseState::kError, 400},
      {"two Hosts", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", ParseState::kError, 400},
      {"head too large", "GET / HTTP/1.1\r\nHost: x\r\n" + big_field + "\r\n", ParseState::kError, 431},
      {"head too large, incomplete", "GET / HTTP/1.1\r\nHost: x\r\n" + big_field, ParseState::kError, 431},
      {"request line too large", "GET /" + std::string(kMaxHeadBytes, 'a'), ParseState::kError, 431},
      {"too many fields", "GET / HTTP/1.1\r\nHost: x\r\n" + many_fields + "\r\n", ParseState::kError, 431},
      {"Expect other", "POST / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 1\r\n\r\n",
       ParseState::kError, 417},
  };
  for (const HeadCase& c : cases) {
    SCOPED_TRACE(c.name);
    RequestHead head;
    ParseResult r = ParseRequestHead(c.input, head);
    EXPECT_EQ(StateName(r.state), StateName(c.state)) << r.message;
    if (c.state == ParseState::kError) {
      EXPECT_EQ(r.status, c.status) << r.message;
      EXPECT_FALSE(r.message.empty());
    }
  }
}

TEST(ParseRequestHeadTest, FillsTheHead) {
  std::string input =
      "\r\nPOST /a/b?q=1 HTTP/1.1\r\nHost: example.org\r\nContent-Length:  12 \r\nX-Empty:\r\n"
      "Expect: 100-continue\r\n\r\nbody follows";
  RequestHead head;
  ParseResult r = ParseRequestHead(input, head);
  ASSERT_EQ(r.state, ParseState::kComplete) << r.message;
  EXPECT_EQ(head.method, "POST");
  EXPECT_EQ(head.target, "/a/b?q=1");
  EXPECT_EQ(head.minor_version, 1);
  ASSERT_EQ(head.headers.size(), 4u);
  EXPECT_EQ(head.headers[0].first, "Host");
  EXPECT_EQ(head.headers[0].second, "example.org");
  EXPECT_EQ(head.headers[1].second, "12");
  EXPECT_EQ(head.headers[2].second, "");
  EXPECT_EQ(head.framing, BodyFraming::kLength);
  EXPECT_EQ(head.content_length, 12u);
  EXPECT_TRUE(head.keep_alive);
  EXPECT_TRUE(head.expect_continue);
  EXPECT_EQ(input.substr(head.head_bytes), "body follows");

  // The same object is reused for the next request.
  r = ParseRequestHead("GET http://h HTTP/1.1\r\nHost: h\r\n\r\n", head);
  ASSERT_EQ(r.state, ParseState::kComplete);
  EXPECT_EQ(head.target, "/");
  EXPECT_EQ(head.headers.size(), 1u);
  EXPECT_EQ(head.framing, BodyFraming::kNone);
  EXPECT_FALSE(head.expect_continue);
  r = ParseRequestHead("GET https://h?x=1 HTTP/1.1\r\nHost: h\r\n\r\n", head);
  ASSERT_EQ(r.state, ParseState::kComplete);
  EXPECT_EQ(head.target, "/?x=1");
}

TEST(ParseRequestHeadTest, KeepAlive) {
  struct {
    std::string version, connection;
    bool keep_alive;
  } cases[] = {
      {"1.1", "", true},           {"1.1", "close", false},     {"1.1", "Keep-Alive, CLOSE", false},
      {"1.1", "keep-alive", true}, {"1.1", "upgrade", true},    {"1.0", "", false},
      {"1.0", "keep-alive", true}, {"1.0", "Keep-Alive", true}, {"1.0", "keep-alive, close", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.version + " " + c.connection);
    std::string input = "GET / HTTP/" + c.version + "\r\nHost: x\r\n";
    if (!c.connection.empty()) input += "Connection: " + c.connection + "\r\n";
    RequestHead head;
    ASSERT_EQ(ParseRequestHead(input + "\r\n", head).state, ParseState::kComplete);
    EXPECT_EQ(head.keep_alive, c.keep_alive);
  }
}

// Every prefix of a valid request needs more; the whole is complete.
TEST(ParseRequestHeadTest, EveryPrefixNeedsMore) {
  std::string input = "GET /x HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";
  for (size_t n = 0; n < input.size(); ++n) {
    RequestHead head;
    EXPECT_EQ(ParseRequestHead(input.substr(0, n), head).state, ParseState::kNeedMore) << n;
  }
  RequestHead head;
  EXPECT_EQ(ParseRequestHead(input, head).state, ParseState::kComplete);
}

struct ChunkCase {
  std::string name;
  std::string input;
  ParseState state;
  int status = 0;
  std::string body = "";  // expected when complete
};

// Feeds the input to a decoder in pieces of `step` bytes, as a socket would.
ParseResult Decode(const std::string& input, size_t step, std::string& body, std::string& left) {
  ChunkedDecoder decoder;
  std::string buffer;
  size_t fed = 0;
  while (true) {
    size_t n = std::min(step, input.size() - fed);
    buffer.append(input, fed, n);
    fed += n;
    size_t consumed = 0;
    ParseResult r = decoder.Feed(buffer, consumed, body);
    buffer.erase(0, consumed);
    if (r.state != ParseState::kNeedMore || fed == input.size()) {
      left = buffer;
      return r;
    }
  }
}

TEST(ChunkedDecoderTest, Decodes) {
  std::string many_small;
  for (int i = 0; i < 4000; ++i) many_small += "1\r\na\r\n";
  std::string big_chunk = "4001\r\n" + std::string(0x4001, 'x') + "\r\n0\r\n\r\n";
  const ChunkCase cases[] = {
      {"two chunks", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", ParseState::kComplete, 0, "hello world"},
      {"upper-case hex", "A\r\n0123456789\r\n0\r\n\r\n", ParseState::kComplete, 0, "0123456789"},
      {"extensions ignored", "5;name=value;x\r\nhello\r\n0;end\r\n\r\n", ParseState::kComplete, 0, "hello"},
      {"trailers", "5\r\nhello\r\n0\r\nX-Sum: 1\r\nY: 2\r\n\r\n", ParseState::kComplete, 0, "hello"},
      {"empty body", "0\r\n\r\n", ParseState::kComplete, 0, ""},
      {"unfinished", "5\r\nhel", ParseState::kNeedMore},
      {"no final CRLF", "5\r\nhello\r\n0\r\n", ParseState::kNeedMore},
      {"no hex", "x\r\nhello\r\n0\r\n\r\n", ParseState::kError, 400},
      {"empty size", "\r\nhello\r\n0\r\n\r\n", ParseState::kError, 400},
      {"negative size", "-5\r\nhello\r\n0\r\n\r\n", ParseState::kError, 400},
      {"size overflow", "1000000000000000\r\n", ParseState::kError, 400},
      {"junk after size", "5 x\r\nhello\r\n0\r\n\r\n", ParseState::kError, 400},
      {"data longer than size", "5\r\nhello!\r\n0\r\n\r\n", ParseState::kError, 400},
      {"bare LF after size", "5\nhello\r\n0\r\n\r\n", ParseState::kError, 400},
      {"bare LF after data", "5\r\nhello\n0\r\n\r\n", ParseState::kError, 400},
      {"bare LF at end", "0\r\n\n", ParseState::kError, 400},
      {"trailer with space before colon", "0\r\nX : 1\r\n\r\n", ParseState::kError, 400},
      {"trailer obs-fold", "0\r\nX: 1\r\n 2\r\n\r\n", ParseState::kError, 400},
      {"control char in extension", "5;\x01\r\nhello\r\n0\r\n\r\n", ParseState::kError, 400},
      {"body over limit", big_chunk, ParseState::kError, 413},
      {"trailers over limit", "0\r\nX: " + std::string(kMaxTrailerBytes, 't') + "\r\n\r\n",
       ParseState::kError, 431},
      {"size line too long", "5;" + std::string(kMaxChunkLineBytes, 'e'), ParseState::kError, 400},
      {"too much framing", many_small + "0\r\n\r\n", ParseState::kError, 413},
  };
  for (const ChunkCase& c : cases) {
    for (size_t step : {size_t{1}, size_t{7}, c.input.size()}) {
      SCOPED_TRACE(c.name + ", pieces of " + std::to_string(step));
      std::string body, left;
      ParseResult r = Decode(c.input, step, body, left);
      EXPECT_EQ(StateName(r.state), StateName(c.state)) << r.message;
      if (c.state == ParseState::kError) {
        EXPECT_EQ(r.status, c.status) << r.message;
      }
      if (c.state == ParseState::kComplete) {
        EXPECT_EQ(body, c.body);
      }
    }
  }
}

TEST(ChunkedDecoderTest, LeavesTheNextRequest) {
  std::string input = "3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n";
  std::string body, left;
  ParseResult r = Decode(input, input.size(), body, left);
  ASSERT_EQ(r.state, ParseState::kComplete);
  EXPECT_EQ(body, "abc");
  EXPECT_EQ(left, "GET / HTTP/1.1\r\n");
}

TEST(ChunkedDecoderTest, BodyExactlyAtLimit) {
  std::string input = "4000\r\n" + std::string(kMaxBodyBytes, 'y') + "\r\n0\r\n\r\n";
  std::string body, left;
  ASSERT_EQ(Decode(input, 1000, body, left).state, ParseState::kComplete);
  EXPECT_EQ(body.size(), kMaxBodyBytes);
}

TEST(ReasonPhraseTest, Known) {
  EXPECT_EQ(ReasonPhrase(200), "OK");
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(ReasonPhrase(799), "Unknown");
}

}  // namespace
}  // namespace vetted::server
