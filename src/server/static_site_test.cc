#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "server/server.h"

namespace vetted::server {
namespace {

namespace fs = std::filesystem;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kIndex =
    "<!doctype html><title>Home</title>" + Repeat("<p>Compressible home text.</p>", 40);
const std::string kCry = "<!doctype html><title>Crying</title>" + Repeat("<p>Why people cry.</p>", 40);
const std::string kCss = "body{margin:0}" + Repeat(".a{color:#123456}", 40);
const std::string kPng = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + Repeat("\x01\x02", 300);
const std::string k404 = "<!doctype html><title>Not found</title><p>Sorry.</p>";
const std::string kSitemap = "<?xml version=\"1.0\"?><urlset></urlset>";
const std::string kFeed = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>";
const std::string kSecret = "TOP SECRET outside the root";
const std::string kCafe = "<!doctype html><title>Cafe</title>";

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(in.size() * 20 + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  EXPECT_EQ(rc, Z_STREAM_END);
  return out;
}

class StaticSiteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    base_ = fs::temp_directory_path() / ("vetted-static-site-" + std::to_string(getpid()));
    fs::remove_all(base_);
    fs::path root = base_ / "site";
    Write(root / "index.html", kIndex);
    Write(root / "guide/cry/index.html", kCry);
    Write(root / "assets/site.0123456789.css", kCss);
    Write(root / "assets/plain.css", kCss);
    Write(root / "assets/logo.png", kPng);
    Write(root / "404.html", k404);
    Write(root / "sitemap.xml", kSitemap);
    Write(root / "feed.xml", kFeed);
    Write(root / "robots.txt", "User-agent: *\n");
    Write(root / "caf\xc3\xa9/index.html", kCafe);
    Write(root / ".git/config", kSecret);
    Write(base_ / "secret.txt", kSecret);
    fs::create_symlink(base_ / "secret.txt", root / "link.txt");
    auto site = StaticSite::Open(root.string());
    ASSERT_TRUE(site.ok()) << site.status().message();
    site_ = new StaticSite(*site);
  }
  static void TearDownTestSuite() {
    delete site_;
    site_ = nullptr;
    fs::remove_all(base_);
  }
  static void Write(const fs::path& p, const std::string& data) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << data;
  }
  static Response Get(const std::string& target, Fields headers = {}, const std::string& method = "GET") {
    return site_->Handle(Request{method, target, std::move(headers), "", ""});
  }

  static fs::path base_;
  static StaticSite* site_;
};
fs::path StaticSiteTest::base_;
StaticSite* StaticSiteTest::site_ = nullptr;

TEST_F(StaticSiteTest, OpenLoadsRegularFilesOnly) {
  // index, cry, 2 css, png, 404, sitemap, feed, robots, cafe; not .git/config, not the symlink.
  EXPECT_EQ(site_->file_count(), 10u);
  EXPECT_EQ(StaticSite::Open((base_ / "missing").string()).status().code(), Code::kNotFound);
}

struct Case {
  std::string method, target;
  int status;
  std::string content_type;  // "" = not checked
  std::string body;          // expected body for 200/404/301 pages; "*" = not checked
  std::string location;
};

TEST_F(StaticSiteTest, Routes) {
  const std::string html = "text/html; charset=utf-8";
  const Case cases[] = {
      {"GET", "/", 200, html, kIndex, ""},
      {"GET", "/index.html", 200, html, kIndex, ""},
      {"GET", "/?utm=1", 200, html, kIndex, ""},
      {"GET", "/guide/cry/", 200, html, kCry, ""},
      {"GET", "/guide/%63ry/", 200, html, kCry, ""},
      {"GET", "/caf%C3%A9/", 200, html, kCafe, ""},
      {"GET", "/guide/cry", 301, "", "*", "/guide/cry/"},
      {"GET", "/guide/cry?x=1&y=2", 301, "", "*", "/guide/cry/?x=1&y=2"},
      {"GET", "/guide", 404, html, k404, ""},  // no guide/index.html
      {"GET", "/assets", 404, html, k404, ""},
      {"GET", "/nope/", 404, html, k404, ""},
      {"GET", "/index.htm", 404, html, k404, ""},
      {"GET", "/assets/site.0123456789.css", 200, "text/css; charset=utf-8", kCss, ""},
      {"GET", "/assets/logo.png", 200, "image/png", kPng, ""},
      {"GET", "/sitemap.xml", 200, "application/xml; charset=utf-8", kSitemap, ""},
      {"GET", "/feed.xml", 200, "application/atom+xml; charset=utf-8", kFeed, ""},
      {"GET", "/robots.txt", 200, "text/plain; charset=utf-8", "User-agent: *\n", ""},
      {"GET", "/link.txt", 404, html, k404, ""},
      {"GET", "/.git/config", 404, html, k404, ""},
      {"POST", "/", 405, "", "*", ""},
      {"DELETE", "/index.html", 405, "", "*", ""},
      {"get", "/", 405, "", "*", ""},
      {"GET", "", 400, "", "*", ""},
      {"GET", "index.html", 400, "", "*", ""},
      {"GET", "http://example.com/", 400, "", "*", ""},
      {"GET", "/%zz", 400, "", "*", ""},
      {"GET", "/%4", 400, "", "*", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target);
    Response res = Get(c.target, {}, c.method);
    EXPECT_EQ(res.status, c.status);
    if (!c.content_type.empty()) {
      EXPECT_EQ(res.Header("Content-Type"), c.content_type);
    }
    if (c.body != "*") {
      EXPECT_EQ(res.Body(), c.body);
    }
    EXPECT_EQ(res.Header("Location"), c.location);
    EXPECT_EQ(res.Header("Content-Length"), std::to_string(res.Body().size()));
    if (c.status == 405) {
      EXPECT_EQ(res.Header("Allow"), "GET, HEAD");
    }
  }
}

TEST_F(StaticSiteTest, HeadHasNoBodyButSameLength) {
  for (const std::string target :
       {"/", "/guide/cry/", "/assets/logo.png", "/missing", "/guide/cry", "/%zz"}) {
    SCOPED_TRACE(target);
    Response get = Get(target), head = Get(target, {}, "HEAD");
    EXPECT_EQ(head.status, get.status);
    EXPECT_TRUE(head.Body().empty());
    EXPECT_FALSE(get.Body().empty());
    EXPECT_EQ(head.Header("Content-Length"), std::to_string(get.Body().size()));
    EXPECT_EQ(head.Header("Content-Type"), get.Header("Content-Type"));
    EXPECT_EQ(head.Header("ETag"), get.Header("ETag"));
  }
}

TEST_F(StaticSiteTest, ConditionalGet) {
  Response first = Get("/guide/cry/");
  std::string etag(first.Header("ETag"));
  ASSERT_GE(etag.size(), 3u);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_NE(etag, Get("/").Header("ETag"));
  struct {
    std::string if_none_match;
    int status;
  } cases[] = {
      {etag, 304}, {"W/" + etag, 304}, {"\"other\", " + etag, 304},
      {"*", 304},  {"\"other\"", 200}, {etag.substr(1, etag.size() - 2), 200},  // unquoted does not match
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.if_none_match);
    Response res = Get("/guide/cry/", {{"if-none-match", c.if_none_match}});
    EXPECT_EQ(res.status, c.status);
    EXPECT_EQ(res.Header("ETag"), etag);
    if (c.status == 304) {
      EXPECT_TRUE(res.Body().empty());
      EXPECT_EQ(res.Header("Content-Length"), "");
      EXPECT_EQ(res.Header("Cache-Control"), "no-cache");
    }
  }
}

TEST_F(StaticSiteTest, GzipNegotiation) {
  struct {
    std::string accept_encoding;
    bool gzip;
  } cases[] = {
      {"gzip", true},
      {"gzip, deflate, br", true},
      {"br;q=1.0, GZIP;q=0.5", true},
      {"*", true},
      {"", false},
      {"br", false},
      {"gzip;q=0", false},
      {"gzip;q=0, *", false},
      {"identity", false},
      {"*;q=0", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.accept_encoding);
    Fields headers;
    if (!c.accept_encoding.empty()) headers.emplace_back("Accept-Encoding", c.accept_encoding);
    Response res = Get("/", headers);
    ASSERT_EQ(res.status, 200);
    EXPECT_EQ(res.Header("Vary"), "Accept-Encoding");
    EXPECT_EQ(res.Header("Content-Length"), std::to_string(res.Body().size()));
    if (c.gzip) {
      EXPECT_EQ(res.Header("Content-Encoding"), "gzip");
      EXPECT_LT(res.Body().size(), kIndex.size());
      EXPECT_EQ(Gunzip(res.Body()), kIndex);
    } else {
      EXPECT_EQ(res.Header("Content-Encoding"), "");
      EXPECT_EQ(res.Body(), kIndex);
    }
  }
  // The gzip copy has its own validator, and it revalidates.
  Response gz = Get("/", {{"Accept-Encoding", "gzip"}});
  EXPECT_NE(gz.Header("ETag"), Get("/").Header("ETag"));
  EXPECT_EQ(Get("/", {{"Accept-Encoding", "gzip"}, {"If-None-Match", std::string(gz.Header("ETag"))}}).status,
            304);
  // Binary types are never compressed and do not vary.
  Response png = Get("/assets/logo.png", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(png.Body(), kPng);
  EXPECT_EQ(png.Header("Content-Encoding"), "");
  EXPECT_EQ(png.Header("Vary"), "");
  // Compressed CSS decompresses to the file.
  Response css = Get("/assets/site.0123456789.css", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(Gunzip(css.Body()), kCss);
}

TEST_F(StaticSiteTest, ConcurrentHandleSharesOneGzipCopy) {
  // Gzip copies are made lazily; many threads asking at once must all get the same, valid bytes.
  std::vector<std::string> bodies(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < bodies.size(); ++i) {
    threads.emplace_back([&bodies, i] {
      bodies[i] = Get("/guide/cry/", {{"Accept-Encoding", "gzip"}}).Body();
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& b : bodies) EXPECT_EQ(b, bodies[0]);
  EXPECT_EQ(Gunzip(bodies[0]), kCry);
}

TEST_F(StaticSiteTest, CacheControl) {
  struct {
    std::string target, cache_control;
  } cases[] = {
      {"/assets/site.0123456789.css", "public, max-age=31536000, immutable"},
      {"/assets/plain.css", "no-cache"},
      {"/assets/logo.png", "no-cache"},
      {"/", "no-cache"},
      {"/guide/cry/", "no-cache"},
      {"/sitemap.xml", "no-cache"},
      {"/missing", "no-cache"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.target);
    EXPECT_EQ(Get(c.target).Header("Cache-Control"), c.cache_control);
  }
}

TEST_F(StaticSiteTest, TraversalNeverLeavesRoot) {
  const std::string targets[] = {
      "/../secret.txt",
      "/..%2fsecret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/.%2e/secret.txt",
      "/guide/../../secret.txt",
      "/guide/%2e%2e/index.html",
      "/%2e%2e%2fsecret.txt",
      "/..\\secret.txt",
      "/%5c..%5csecret.txt",
      "/index.html%00.png",
      "/%00",
      "/a%0d%0aSet-Cookie:x=1",
      "/guide/./cry/",
      "/%2e/index.html",
      std::string("/\0", 2),
      "/guide/cry/..",
      "/link.txt",
      "//secret.txt",
      "/\x01",
      "/caf\xc3\xa9/",
  };
  for (const std::string& t : targets) {
    SCOPED_TRACE(t);
    for (const std::string method : {"GET", "HEAD"}) {
      Response res = Get(t, {}, method);
      EXPECT_TRUE(res.status == 400 || res.status == 404) << res.status;
      EXPECT_EQ(res.Body().find("SECRET"), std::string::npos);
    }
  }
  EXPECT_EQ(Get("/%2e%2e/secret.txt").status, 400);
  EXPECT_EQ(Get("/index.html%00.png").status, 400);
  EXPECT_EQ(Get("/%5c..%5csecret.txt").status, 400);
}

TEST_F(StaticSiteTest, SecurityHeadersOnEveryResponse) {
  const Request requests[] = {
      {"GET", "/", {}, "", ""},
      {"HEAD", "/guide/cry/", {}, "", ""},
      {"GET", "/guide/cry", {}, "", ""},
      {"GET", "/assets/logo.png", {}, "", ""},
      {"GET", "/", {{"If-None-Match", "*"}}, "", ""},
      {"GET", "/missing", {}, "", ""},
      {"GET", "/%2e%2e/x", {}, "", ""},
      {"PUT", "/", {}, "data", ""},
  };
  int seen[600] = {};
  for (const Request& req : requests) {
    SCOPED_TRACE(req.method + " " + req.target);
    Response res = site_->Handle(req);
    ++seen[res.status];
    EXPECT_EQ(res.Header("Content-Security-Policy"),
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'");
    EXPECT_EQ(res.Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(res.Header("Referrer-Policy"), "strict-origin-when-cross-origin");
    EXPECT_EQ(res.Header("Permissions-Policy"),
              "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    EXPECT_EQ(res.Header("X-Frame-Options"), "DENY");
  }
  for (int status : {200, 301, 304, 400, 404, 405}) EXPECT_GT(seen[status], 0) << status;
  Response plain = PlainResponse(400, "Bad Request");
  EXPECT_EQ(plain.Header("X-Frame-Options"), "DENY");
  EXPECT_EQ(plain.Header("Content-Length"), std::to_string(plain.Body().size()));
}

}  // namespace
}  // namespace vetted::server
