// Content types, gzip and brotli bodies, and Accept-Encoding (server/encode.h).
//
// gzip bodies are decoded with zlib's inflate here. The server links only
// brotli's encoder (libbrotlienc); the decoder is loaded at run time with
// dlopen so that brotli bodies can be checked by a real round trip without a
// build change (linking PkgConfig libbrotlidec would make the dlopen unneeded).
#include "server/encode.h"

#include <brotli/decode.h>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace vetted::server {

// Decoders shared with app_test.cc (same test binary; declared there).
namespace encode_testing {

// Inflates a gzip stream (RFC 1952 wrapper only: a zlib or raw stream fails).
std::optional<std::string> Gunzip(std::string_view data) {
  z_stream zs{};
  constexpr int kGzipOnly = 15 + 16;
  if (inflateInit2(&zs, kGzipOnly) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // truncated input
  }
  bool whole = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  if (!whole) return std::nullopt;
  return out;
}

// BrotliDecoderDecompress from libbrotlidec, or null when it cannot be loaded.
using BrotliDecompressFn = decltype(&BrotliDecoderDecompress);
BrotliDecompressFn BrotliDecoder() {
  static BrotliDecompressFn fn = [] {
    for (const char* name : {"libbrotlidec.so.1", "libbrotlidec.so"}) {
      if (void* lib = dlopen(name, RTLD_NOW | RTLD_LOCAL))
        return reinterpret_cast<BrotliDecompressFn>(dlsym(lib, "BrotliDecoderDecompress"));
    }
    return static_cast<BrotliDecompressFn>(nullptr);
  }();
  return fn;
}

// Decodes a brotli stream whose decoded size is at most `max_size`.
std::optional<std::string> Unbrotli(std::string_view data, size_t max_size) {
  BrotliDecompressFn decode = BrotliDecoder();
  if (!decode) return std::nullopt;
  std::string out(max_size + 1, '\0');  // +1: never empty, and a too-long result fails
  size_t size = out.size();
  if (decode(data.size(), reinterpret_cast<const uint8_t*>(data.data()), &size,
             reinterpret_cast<uint8_t*>(out.data())) != BROTLI_DECODER_RESULT_SUCCESS)
    return std::nullopt;
  out.resize(size);
  return out;
}

}  // namespace encode_testing

namespace {

using encode_testing::BrotliDecoder;
using encode_testing::Gunzip;
using encode_testing::Unbrotli;

// Prose-like text that compresses well.
std::string Text(size_t bytes) {
  const std::string sentence =
      "Crying after sex is common and usually nothing serious; talk to your partner about it. ";
  std::string out;
  for (size_t i = 0; out.size() < bytes; ++i) out += sentence + std::to_string(i) + " ";
  out.resize(bytes);
  return out;
}

// Bytes that do not compress (fixed seed: the same every run).
std::string Noise(size_t bytes) {
  std::mt19937 gen(42);
  std::string out(bytes, '\0');
  for (char& c : out) c = static_cast<char>(gen() & 0xff);
  return out;
}

TEST(MimeFor, TypesByExtension) {
  struct Case {
    std::string_view path;
    std::string_view type;
    bool compressible;
  };
  const Case cases[] = {
      {"/", "text/html; charset=utf-8", true},
      {"", "text/html; charset=utf-8", true},
      {"/relationships/crying/", "text/html; charset=utf-8", true},
      {"/index.html", "text/html; charset=utf-8", true},
      {"/assets/style.0123abcd.css", "text/css; charset=utf-8", true},
      {"/assets/site.js", "text/javascript; charset=utf-8", true},
      {"/m.mjs", "text/javascript; charset=utf-8", true},
      {"/x/APP.JS", "text/javascript; charset=utf-8", true},  // extension case does not matter
      {"/Index.HtMl", "text/html; charset=utf-8", true},
      {"/feed.xml", "application/atom+xml; charset=utf-8", true},
      {"/blog/feed.xml", "application/atom+xml; charset=utf-8", true},
      {"feed.xml", "application/atom+xml; charset=utf-8", true},
      {"/sitemap.xml", "application/xml; charset=utf-8", true},
      {"/myfeed.xml", "application/xml; charset=utf-8", true},  // only a file named feed.xml is Atom
      {"/feed.xml/", "text/html; charset=utf-8", true},         // a folder URL
      {"robots.txt", "text/plain; charset=utf-8", true},
      {"/data.json", "application/json", true},
      {"/site.webmanifest", "application/manifest+json", true},
      {"/logo.svg", "image/svg+xml", true},
      {"/favicon.ico", "image/x-icon", true},
      {"/img/a.PNG", "image/png", false},
      {"/img/a.jpg", "image/jpeg", false},
      {"/img/a.jpeg", "image/jpeg", false},
      {"/img/a.webp", "image/webp", false},
      {"/img/a.avif", "image/avif", false},
      {"/img/a.gif", "image/gif", false},
      {"/f/x.woff2", "font/woff2", false},
      {"/f/x.woff", "font/woff", false},
      {"/doc.pdf", "application/pdf", false},
      {"/x.unknown", "application/octet-stream", false},
      {"/noext", "application/octet-stream", false},
      {"/dir.css/file", "application/octet-stream", false},  // a dot in a folder name is no extension
      {"/a.tar.gz", "application/octet-stream", false},
      {"/a.", "application/octet-stream", false},
      {"/.hidden", "application/octet-stream", false},
      {"/x.html.bak", "application/octet-stream", false},
  };
  for (const Case& c : cases) {
    MimeType m = MimeFor(c.path);
    EXPECT_EQ(m.type, c.type) << c.path;
    EXPECT_EQ(m.compressible, c.compressible) << c.path;
  }
}

TEST(EncodeGzip, RoundTripsThroughInflate) {
  struct Case {
    const char* name;
    std::string data;
    bool shrinks;
  };
  const Case cases[] = {
      {"empty", "", false},
      {"one byte", "a", false},
      {"NUL bytes", std::string("a\0b\0c", 5), false},
      {"a page of text", Text(20000), true},
      {"a megabyte of text", Text(1 << 20), true},
      {"incompressible", Noise(65536), false},
  };
  for (const Case& c : cases) {
    std::optional<std::string> gz = Gzip(c.data);
    ASSERT_TRUE(gz.has_value()) << c.name;
    ASSERT_GE(gz->size(), 18u) << c.name;  // 10-byte header + 8-byte trailer at least
    EXPECT_EQ(static_cast<unsigned char>((*gz)[0]), 0x1f) << c.name;
    EXPECT_EQ(static_cast<unsigned char>((*gz)[1]), 0x8b) << c.name;
    std::optional<std::string> back = Gunzip(*gz);
    ASSERT_TRUE(back.has_value()) << c.name;
    EXPECT_EQ(*back, c.data) << c.name;
    if (c.shrinks) {
      EXPECT_LT(gz->size(), c.data.size() / 3) << c.name;
    }
  }
}

TEST(EncodeGzip, TruncatedOutputIsNotAcceptedByTheTestDecoder) {
  // Guards the decoder used above (and by app_test): a cut stream must fail.
  std::optional<std::string> gz = Gzip(Text(5000));
  ASSERT_TRUE(gz.has_value());
  EXPECT_FALSE(Gunzip(std::string_view(*gz).substr(0, gz->size() - 4)).has_value());
  EXPECT_FALSE(Gunzip("not gzip at all").has_value());
}

TEST(EncodeBrotli, CompressesTextAtEveryQuality) {
  const std::string text = Text(30000);
  for (int quality : {0, 1, 5, 9, 11}) {
    std::optional<std::string> br = Brotli(text, quality);
    ASSERT_TRUE(br.has_value()) << "quality " << quality;
    EXPECT_LT(br->size(), text.size() / 3) << "quality " << quality;
  }
  // Higher quality is never worse on prose.
  EXPECT_LE(Brotli(text, 11)->size(), Brotli(text, 1)->size());
  for (const std::string& data : {std::string(), std::string("x"), Noise(100000), Text(1 << 20)})
    EXPECT_TRUE(Brotli(data).has_value()) << data.size() << " bytes";
}

TEST(EncodeBrotli, RoundTripsThroughTheDecoder) {
  if (!BrotliDecoder()) GTEST_SKIP() << "libbrotlidec could not be loaded";
  struct Case {
    const char* name;
    std::string data;
    int quality;
  };
  const Case cases[] = {
      {"empty", "", 9},
      {"one byte", "a", 9},
      {"NUL bytes", std::string("a\0b\0c", 5), 5},
      {"page, q0", Text(20000), 0},
      {"page, q9", Text(20000), 9},
      {"page, q11", Text(20000), 11},
      // Larger than the smallest window: the window grows with the input.
      {"1 MB, q5", Text(1 << 20), 5},
      {"incompressible", Noise(70000), 9},
  };
  for (const Case& c : cases) {
    std::optional<std::string> br = Brotli(c.data, c.quality);
    ASSERT_TRUE(br.has_value()) << c.name;
    std::optional<std::string> back = Unbrotli(*br, c.data.size());
    ASSERT_TRUE(back.has_value()) << c.name;
    EXPECT_EQ(*back, c.data) << c.name;
  }
  EXPECT_FALSE(Unbrotli("\xff\xff\xff junk", 100).has_value());
}

TEST(AcceptEncoding, ParsesCodingsAndWeights) {
  struct Case {
    std::string_view header;
    bool br, gzip;
  };
  const Case cases[] = {
      {"", false, false},
      {"identity", false, false},
      {"deflate", false, false},
      {"gzip", false, true},
      {"x-gzip", false, true},
      {"br", true, false},
      {"gzip, deflate, br", true, true},
      {"gzip, deflate, br, zstd", true, true},
      {"BR, GZip", true, true},              // codings are case-insensitive
      {"  gzip ,   br  ", true, true},       // spaces around items
      {"br;q=0.5, gzip;q=1.0", true, true},  // any weight above zero allows
      {"br;q=0.001", true, false},
      {"br;q=1", true, false},
      {"br;q=0", false, false},
      {"br;q=0.0, gzip", false, true},
      {"br;q=0.000, gzip", false, true},
      {"br;q=0., gzip", false, true},
      {"br; q=0, gzip", false, true},  // space after ';'
      {"br ;q=0, gzip", false, true},  // space before ';'
      {"br;Q=0, gzip", false, true},   // Q in upper case
      {"gzip;q=0, br", true, false},
      {"x-gzip;q=0", false, false},
      {"*", true, true},
      {"*;q=0.2", true, true},
      {"*;q=0", false, false},
      {"*, br;q=0", false, true},  // * allows what is not refused by name
      {"br;q=0, *", false, true},  // in any order
      {"*, gzip;q=0", true, false},
      {"gzip, *;q=0", false, true},  // a named coding wins over *;q=0
      {"gzip,,br", true, true},      // empty items are skipped
      {"brotli, gzipped", false, false},
  };
  for (const Case& c : cases) {
    AcceptedEncodings a = ParseAcceptEncoding(c.header);
    EXPECT_EQ(a.br, c.br) << "'" << c.header << "'";
    EXPECT_EQ(a.gzip, c.gzip) << "'" << c.header << "'";
  }
}

}  // namespace
}  // namespace vetted::server
