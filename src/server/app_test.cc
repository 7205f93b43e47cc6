// App (server/app.h) without sockets: a small site imported by hand into an
// in-memory store (store::Open("memory:")), answered through App::Handle. The listener's
// part (framing, Content-Length on the wire, HEAD bodies dropped, access log,
// request metrics) is tested in serve_test.cc and tests/serve_test.cc.
#include "server/app.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "load/load.h"
#include "model/model.h"
#include "server/metrics.h"
#include "store/open.h"

namespace vetted::server {
namespace encode_testing {  // defined in encode_test.cc (same test binary)
std::optional<std::string> Gunzip(std::string_view data);
std::optional<std::string> Unbrotli(std::string_view data, size_t max_size);
}  // namespace encode_testing

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

const std::string kCrying = "/relationships/crying/";
const std::string kOther = "/relationships/other/";
const std::string kCryingPath = "content/relationships/crying.md";
const std::string kCryingBody =
    "\nCrying after sex is common and has a name: postcoital dysphoria.\n\n"
    "## What it means\n\nUsually nothing serious. See [the other page](other.md).\n\n"
    "## What to do\n\nTalk to your partner about how you feel.\n";
const std::string kCryingFront =
    "title: Why you might cry during sex\ndescription: Common reasons and what helps.\n"
    "authors: [wendy]\npublished: 2026-01-10\nupdated: 2026-03-01\naliases: [/old-crying/]\n"
    "tags: [sex, emotions]\n";
const std::string kOpsToken = "test-ops-token";
const Fields kOpsAuth = {{"Authorization", "Bearer " + kOpsToken}};
const std::string kSecurityHeaders[] = {"Content-Security-Policy", "X-Content-Type-Options",
                                        "Referrer-Policy", "Permissions-Policy", "X-Frame-Options"};

// The revision of an article file, as load/ computes it.
std::string FileRevision(const std::string& front, const std::string& body) {
  std::vector<Diagnostic> diagnostics;
  return load::ParseArticle("---\n" + front + "---\n" + body, "content/x.md", diagnostics).revision;
}

store::ArticleSource MakeArticle(const std::string& path, const std::string& url, const std::string& front,
                                 const std::string& body, store::SearchDocument search) {
  return {path, url, FileRevision(front, body), "---\n" + front + "---\n" + body, std::move(search)};
}

// The test site: two articles in one section, one person, one static file;
// `extra` more articles that all mention "zebra" (for paging).
store::ImportInput SmallSite(const std::string& crying_body = kCryingBody,
                             const std::string& crying_front = kCryingFront, int extra = 0) {
  store::ImportInput in;
  in.files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"content/relationships/_section.md",
       "---\ntitle: Relationships\ndescription: About relationships.\n---\n"},
      {"people/wendy.md",
       "---\nname: Wendy Writer\nroles: [writer]\nsummary: A fictional writer.\n---\nBio.\n"},
      {"static/files/note.txt", std::string(400, 'n') + "\n"},
  };
  in.articles.push_back(
      MakeArticle(kCryingPath, kCrying, crying_front, crying_body,
                  {"Why you might cry during sex", "Common reasons and what helps.",
                   "What it means\nWhat to do\n", crying_body, "/relationships/", "sex emotions"}));
  const std::string other = "\nSee [crying](crying.md). Partners can help each other.\n";
  in.articles.push_back(
      MakeArticle("content/relationships/other.md", kOther,
                  "title: Another page\ndescription: Something else.\nauthors: [wendy]\npublished: "
                  "2026-01-01\ntags: [sex]\n",
                  other, {"Another page", "Something else.", "", other, "/relationships/", "sex"}));
  for (int i = 0; i < extra; ++i) {
    std::string n = std::to_string(i);
    std::string body = "\nA zebra fact, number " + n + ".\n";
    in.articles.push_back(
        MakeArticle("content/relationships/zebra-" + n + ".md", "/relationships/zebra-" + n + "/",
                    "title: Zebra " + n +
                        "\ndescription: About zebras.\nauthors: [wendy]\n"
                        "published: 2026-01-01\n",
                    body, {"Zebra " + n, "About zebras.", "", body, "/relationships/", ""}));
  }
  return in;
}

// Every header of a response: its fields, then the lines of its header_block.
Fields AllHeaders(const Response& res) {
  Fields out = res.headers;
  if (!res.header_block) return out;
  std::string_view block = *res.header_block;
  while (!block.empty()) {
    size_t end = block.find("\r\n");
    if (end == std::string_view::npos) {
      ADD_FAILURE() << "header block does not end in CRLF: " << block;
      break;
    }
    std::string_view line = block.substr(0, end);
    size_t colon = line.find(": ");
    if (colon == std::string_view::npos || colon == 0) {
      ADD_FAILURE() << "bad header line: " << line;
    } else {
      out.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
    block.remove_prefix(end + 2);
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Value of header `name` (any case) in fields and header_block; "" when absent.
std::string HeaderOf(const Response& res, std::string_view name) {
  for (const auto& [n, v] : AllHeaders(res))
    if (Lower(n) == Lower(name)) return v;
  return "";
}

// Header names sent more than once (fields and block together).
std::set<std::string> Duplicates(const Response& res) {
  std::set<std::string> seen, twice;
  for (const auto& field : AllHeaders(res))
    if (!seen.insert(Lower(field.first)).second) twice.insert(Lower(field.first));
  return twice;
}

void ExpectSecurityHeaders(const Response& res, const std::string& what) {
  for (const std::string& name : kSecurityHeaders) EXPECT_NE(HeaderOf(res, name), "") << what << ": " << name;
  EXPECT_EQ(HeaderOf(res, "X-Content-Type-Options"), "nosniff") << what;
}

bool Has(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

Request MakeRequest(std::string method, std::string target, Fields headers = {}, std::string body = "",
                    std::string client = "192.0.2.1") {
  Request req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.headers = std::move(headers);
  req.body = std::move(body);
  req.client = std::move(client);
  return req;
}

std::string FeedbackJson(const std::string& article, const std::string& comment = "",
                         const std::string& category = "helpful") {
  return json{{"article", article}, {"helpful", true}, {"category", category}, {"comment", comment}}.dump();
}

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("vetted-app-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Result<std::unique_ptr<store::Store>> s = store::Open("memory:");
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    Result<store::ImportReport> report = store_->Import(SmallSite());
    ASSERT_TRUE(report.ok()) << report.status().message();
    ASSERT_NO_FATAL_FAILURE(Reopen());
  }
  void TearDown() override {
    app_.reset();
    metrics_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  // A new App (and Metrics) with `options`; the poller is kept out of the way.
  void Reopen(AppOptions options = {}) {
    app_.reset();
    metrics_ = std::make_unique<Metrics>();
    options.reload_poll = std::chrono::hours(1);  // tests call Reload themselves
    options.ops_token = kOpsToken;                // /metrics is the operator's
    auto app = App::Open(*store_, options, metrics_.get(), [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_.push_back(line);
    });
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
    // The search index's word lists are read on the poller thread after start-up.
    for (int i = 0; i < 500 && !app_->ready(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(app_->ready());
  }

  // Handle, waiting for the one answer (feedback answers from another thread).
  Response Call(Request req) {
    struct Answer {
      std::promise<Response> promise;
      std::atomic<int> calls{0};
    };
    auto answer = std::make_shared<Answer>();
    std::future<Response> future = answer->promise.get_future();
    app_->Handle(std::move(req), [answer](Response res) {
      if (answer->calls.fetch_add(1) == 0) answer->promise.set_value(std::move(res));
    });
    if (future.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "no response within 10 s";
      Response none;
      none.status = 0;
      return none;
    }
    Response res = future.get();
    EXPECT_EQ(answer->calls.load(), 1) << "respond called more than once";
    return res;
  }
  Response Get(const std::string& target, Fields headers = {}) {
    return Call(MakeRequest("GET", target, std::move(headers)));
  }
  Response Post(const std::string& target, const std::string& type, const std::string& body,
                const std::string& client = "192.0.2.1") {
    return Call(MakeRequest("POST", target, {{"Content-Type", type}}, body, client));
  }
  Response PostJson(const std::string& body, const std::string& client = "192.0.2.1") {
    return Post("/api/feedback", "application/json", body, client);
  }
  Response PostForm(const std::string& body, const std::string& client = "192.0.2.1") {
    return Post("/feedback", "application/x-www-form-urlencoded", body, client);
  }

  std::vector<store::FeedbackRecord> Stored() {
    Result<std::vector<store::FeedbackRecord>> records = store_->ListFeedback();
    EXPECT_TRUE(records.ok()) << records.status().message();
    return records.ok() ? *records : std::vector<store::FeedbackRecord>{};
  }

  std::string MetricsText() { return Get("/metrics", kOpsAuth).Body(); }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<App> app_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_F(AppTest, ArticleHasValidatorsCacheControlAndSecurityHeaders) {
  Response res = Get(kCrying);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.route, "page");
  const std::string& html = res.Body();
  for (const char* needle : {"<!doctype html>", "Why you might cry during sex", "postcoital dysphoria",
                             "Wendy Writer", "id=\"feedback\"", "href=\"/relationships/other/\""})
    EXPECT_TRUE(Has(html, needle)) << "missing " << needle;
  EXPECT_EQ(HeaderOf(res, "Content-Type"), "text/html; charset=utf-8");
  std::string etag = HeaderOf(res, "ETag");
  ASSERT_EQ(etag.size(), 22u) << etag;  // a quoted 20-hex-digit hash
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_EQ(etag.find_first_not_of("0123456789abcdef", 1), 21u) << etag;
  std::string modified = HeaderOf(res, "Last-Modified");
  EXPECT_EQ(modified.size(), 29u) << modified;  // "Thu, 26 Nov 2026 06:01:02 GMT"
  EXPECT_TRUE(modified.size() > 4 && modified.substr(modified.size() - 4) == " GMT") << modified;
  EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(res, "Vary"), "Accept-Encoding");
  EXPECT_EQ(HeaderOf(res, "Content-Encoding"), "");
  ExpectSecurityHeaders(res, "page");
  EXPECT_TRUE(Duplicates(res).empty()) << *Duplicates(res).begin();

  // The second request is a cache hit: the same bytes, not rendered again.
  Response again = Get(kCrying);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.shared_body.get(), res.shared_body.get());
  EXPECT_EQ(HeaderOf(again, "ETag"), etag);
  EXPECT_EQ(HeaderOf(again, "Last-Modified"), modified);
}

TEST_F(AppTest, EncodingsAndConditionalRequests) {
  Response plain = Get(kCrying);
  ASSERT_EQ(plain.status, 200);
  const std::string identity = plain.Body();
  const std::string e = HeaderOf(plain, "ETag");
  ASSERT_FALSE(e.empty());
  const std::string e_gz = e.substr(0, e.size() - 1) + "-gz\"";
  const std::string e_br = e.substr(0, e.size() - 1) + "-br\"";
  struct Case {
    std::string accept, if_none_match;
    int status;
    std::string encoding, etag;
  };
  const Case cases[] = {
      {"", "", 200, "", e},
      {"identity", "", 200, "", e},
      {"gzip", "", 200, "gzip", e_gz},
      {"x-gzip", "", 200, "gzip", e_gz},
      {"br", "", 200, "br", e_br},
      {"gzip, deflate, br", "", 200, "br", e_br},
      {"br;q=0, gzip", "", 200, "gzip", e_gz},
      {"*", "", 200, "br", e_br},
      {"gzip;q=0, br;q=0", "", 200, "", e},
      {"", e, 304, "", e},
      {"", "W/" + e, 304, "", e},
      {"", "\"0000\", " + e, 304, "", e},
      {"", "*", 304, "", e},
      {"", "\"0000\"", 200, "", e},
      {"gzip", e_gz, 304, "gzip", e_gz},
      {"br", e_br, 304, "br", e_br},
      {"br", e, 304, "br", e_br},  // any encoding's variant of the same page matches
  };
  for (const Case& c : cases) {
    std::string what = "Accept-Encoding '" + c.accept + "', If-None-Match '" + c.if_none_match + "'";
    Fields headers;
    if (!c.accept.empty()) headers.emplace_back("Accept-Encoding", c.accept);
    if (!c.if_none_match.empty()) headers.emplace_back("If-None-Match", c.if_none_match);
    Response res = Get(kCrying, headers);
    ASSERT_EQ(res.status, c.status) << what;
    EXPECT_EQ(HeaderOf(res, "Content-Encoding"), c.encoding) << what;
    EXPECT_EQ(HeaderOf(res, "ETag"), c.etag) << what;
    EXPECT_EQ(HeaderOf(res, "Vary"), "Accept-Encoding") << what;
    ExpectSecurityHeaders(res, what);
    if (c.status == 304) {
      EXPECT_TRUE(res.Body().empty()) << what;
      continue;
    }
    std::optional<std::string> decoded = c.encoding == "gzip" ? encode_testing::Gunzip(res.Body())
                                         : c.encoding == "br"
                                             ? encode_testing::Unbrotli(res.Body(), identity.size())
                                             : std::optional<std::string>(res.Body());
    ASSERT_TRUE(decoded.has_value()) << what << " (for br: is libbrotlidec installed?)";
    EXPECT_EQ(*decoded, identity) << what;
    if (!c.encoding.empty()) {
      EXPECT_LT(res.Body().size(), identity.size()) << what;
    }
  }
}

TEST_F(AppTest, HeadAnnouncesTheLengthOfTheGetBody) {
  struct Case {
    std::string target, accept;
    int status;
  };
  const Case cases[] = {
      {kCrying, "", 200},
      {kCrying, "gzip", 200},
      {kCrying, "br", 200},
      {"/nope/", "", 404},
      {"/", "", 200},
      {"/api/search?q=partner", "", 200},
      {"/search?q=partner", "", 200},
      {"/healthz", "", 200},
  };
  for (const Case& c : cases) {
    Fields headers;
    if (!c.accept.empty()) headers.emplace_back("Accept-Encoding", c.accept);
    Response get = Get(c.target, headers);
    Response head = Call(MakeRequest("HEAD", c.target, headers));
    ASSERT_EQ(get.status, c.status) << c.target;
    ASSERT_EQ(head.status, c.status) << c.target;
    EXPECT_EQ(HeaderOf(head, "Content-Length"), std::to_string(get.Body().size()))
        << c.target << " " << c.accept;
    EXPECT_EQ(HeaderOf(head, "Content-Encoding"), HeaderOf(get, "Content-Encoding")) << c.target;
    EXPECT_EQ(HeaderOf(head, "Content-Type"), HeaderOf(get, "Content-Type")) << c.target;
    EXPECT_EQ(Duplicates(head).count("content-length"), 0u) << c.target;
  }
}

TEST_F(AppTest, RoutesRedirectsAndRefusals) {
  struct Case {
    std::string method, target;
    int status;
    std::string location_or_allow;  // Location for 3xx, Allow for 405
    std::string_view route;
  };
  const Case cases[] = {
      {"GET", "/", 200, "", "page"},
      {"GET", kOther, 200, "", "page"},
      {"GET", "/relationships/", 200, "", "page"},
      {"GET", "/relationships/crying", 301, kCrying, "redirect"},
      {"GET", "/relationships", 301, "/relationships/", "redirect"},
      {"HEAD", "/relationships/crying", 301, kCrying, "redirect"},
      {"GET", "/old-crying/", 301, kCrying, "redirect"},
      {"GET", "/old-crying/?utm=x", 301, kCrying, "redirect"},
      {"GET", "/nope/", 404, "", "not_found"},
      {"GET", "/relationships/crying/extra", 404, "", "not_found"},
      {"GET", "/relationships/crying/index.html", 404, "", "not_found"},
      // The site's source files are never served.
      {"GET", "/site.toml", 404, "", "not_found"},
      {"GET", "/content/relationships/crying.md", 404, "", "not_found"},
      {"GET", "/people/wendy.md", 404, "", "not_found"},
      {"GET", "/static/files/note.txt", 404, "", "not_found"},
      {"GET", "/files/note.txt", 200, "", "static"},
      // Hostile or malformed paths.
      {"GET", "/%2e%2e/site.toml", 400, "", "bad_request"},
      {"GET", "/relationships/%2E%2E/crying/", 400, "", "bad_request"},
      {"GET", "/a/../b/", 400, "", "bad_request"},
      {"GET", "/a/./b/", 400, "", "bad_request"},
      {"GET", "/..", 400, "", "bad_request"},
      {"GET", "/a%00b", 400, "", "bad_request"},
      {"GET", "/a\\b", 400, "", "bad_request"},
      {"GET", "/a%5cb", 400, "", "bad_request"},
      {"GET", "//", 400, "", "bad_request"},
      {"GET", "//etc/passwd", 400, "", "bad_request"},
      {"GET", "/relationships//crying/", 400, "", "bad_request"},
      {"GET", "/%zz", 400, "", "bad_request"},
      {"GET", "/%2", 400, "", "bad_request"},
      {"GET", "/a%0d%0aSet-Cookie:%20x", 400, "", "bad_request"},
      {"GET", "/a%7f", 400, "", "bad_request"},
      {"GET", "relative", 400, "", "bad_request"},
      {"GET", "", 400, "", "bad_request"},
      {"POST", "/api/feedback/..", 400, "", "bad_request"},
      // Methods.
      {"POST", kCrying, 405, "GET, HEAD", "method_not_allowed"},
      {"DELETE", "/", 405, "GET, HEAD", "method_not_allowed"},
      {"PUT", "/api/search?q=x", 405, "GET, HEAD", "method_not_allowed"},
      {"PUT", "/api/feedback", 405, "POST, OPTIONS", "method_not_allowed"},
      {"DELETE", "/feedback", 405, "POST", "method_not_allowed"},
  };
  for (const Case& c : cases) {
    std::string what = c.method + " " + c.target;
    Response res = Call(MakeRequest(c.method, c.target));
    EXPECT_EQ(res.status, c.status) << what;
    EXPECT_EQ(res.route, c.route) << what;
    if (c.status == 301) {
      EXPECT_EQ(HeaderOf(res, "Location"), c.location_or_allow) << what;
    } else if (c.status == 405) {
      EXPECT_EQ(HeaderOf(res, "Allow"), c.location_or_allow) << what;
    } else if (c.status == 400) {
      EXPECT_FALSE(res.Body().empty()) << what;
    }
    ExpectSecurityHeaders(res, what);
    EXPECT_TRUE(Duplicates(res).empty()) << what << ": " << *Duplicates(res).begin();
  }
}

TEST_F(AppTest, UnknownPagesGetThe404PageWithASearchBox) {
  for (const std::string target : {"/nope/", "/nope", "/relationships/nope/"}) {
    Response res = Get(target);
    ASSERT_EQ(res.status, 404) << target;
    EXPECT_EQ(HeaderOf(res, "Content-Type"), "text/html; charset=utf-8") << target;
    EXPECT_TRUE(Has(res.Body(), "Page not found")) << target;
    EXPECT_TRUE(Has(res.Body(), "action=\"/search/\"")) << target;
    ExpectSecurityHeaders(res, target);
  }
  // A 404 is never turned into a 304.
  Response first = Get("/nope/");
  Response again = Get("/nope/", {{"If-None-Match", HeaderOf(first, "ETag")}});
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.Body(), first.Body());
}

TEST_F(AppTest, SiteFilesHaveTheirTypes) {
  struct Case {
    std::string target, type, cache_control;
  };
  std::string html = Get("/").Body();
  size_t at = html.find("/assets/style.");
  ASSERT_NE(at, std::string::npos) << "no fingerprinted stylesheet on the home page";
  std::string css = html.substr(at, html.find('"', at) - at);
  const Case cases[] = {
      {"/sitemap.xml", "application/xml; charset=utf-8", "no-cache"},
      {"/feed.xml", "application/atom+xml; charset=utf-8", "no-cache"},
      {"/robots.txt", "text/plain; charset=utf-8", "no-cache"},
      {"/files/note.txt", "text/plain; charset=utf-8", "no-cache"},
      {css, "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
  };
  for (const Case& c : cases) {
    Response res = Get(c.target, {{"Accept-Encoding", "gzip"}});
    ASSERT_EQ(res.status, 200) << c.target;
    EXPECT_EQ(HeaderOf(res, "Content-Type"), c.type) << c.target;
    EXPECT_EQ(HeaderOf(res, "Cache-Control"), c.cache_control) << c.target;
    EXPECT_FALSE(HeaderOf(res, "ETag").empty()) << c.target;
    std::optional<std::string> body = HeaderOf(res, "Content-Encoding") == "gzip"
                                          ? encode_testing::Gunzip(res.Body())
                                          : std::optional<std::string>(res.Body());
    ASSERT_TRUE(body.has_value()) << c.target;
    EXPECT_FALSE(body->empty()) << c.target;
  }
  EXPECT_TRUE(Has(Get("/sitemap.xml").Body(), "https://test.example/relationships/crying/"));
  EXPECT_EQ(Get("/files/note.txt").Body(), std::string(400, 'n') + "\n");
}

TEST_F(AppTest, SearchPageIsFreshHtml) {
  struct Case {
    std::string target;
    bool finds_crying;
  };
  const Case cases[] = {
      {"/search?q=partner", true},
      {"/search/?q=dysphoria", true},
      {"/search?q=dysphoria&section=/relationships/", true},
      {"/search?q=dysphoria&section=/nosuch/", true},  // unknown section: ignored
      {"/search?q=", false},
      {"/search", false},
      {"/search?q=%22%29+OR+*+NEAR%28", false},  // operators are words, never an error
      {"/search?q=partner&page=junk", true},
  };
  for (const Case& c : cases) {
    Response res = Get(c.target);
    ASSERT_EQ(res.status, 200) << c.target;
    EXPECT_EQ(res.route, "search") << c.target;
    EXPECT_EQ(HeaderOf(res, "Content-Type"), "text/html; charset=utf-8") << c.target;
    EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-store") << c.target;
    EXPECT_EQ(HeaderOf(res, "ETag"), "") << c.target;
    EXPECT_TRUE(Has(res.Body(), "<form")) << c.target;
    EXPECT_EQ(Has(res.Body(), "href=\"" + kCrying + "\""), c.finds_crying) << c.target;
    ExpectSecurityHeaders(res, c.target);
  }
  // What was typed comes back escaped.
  Response res = Get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  EXPECT_FALSE(Has(res.Body(), "<script>alert(1)"));
  EXPECT_TRUE(Has(res.Body(), "&lt;script&gt;"));
}

TEST_F(AppTest, ApiSearchAnswersJson) {
  struct Case {
    std::string target;
    std::string query, section;
    size_t page;
    bool finds_crying;
  };
  const Case cases[] = {
      {"/api/search?q=dysphoria", "dysphoria", "", 1, true},
      {"/api/search?q=Dysphoria+partner", "Dysphoria partner", "", 1, true},
      {"/api/search?q=dysphoria&section=%2Frelationships%2F", "dysphoria", "/relationships/", 1, true},
      {"/api/search?q=dysphoria&section=/nosuch/", "dysphoria", "", 1, true},
      {"/api/search?q=dysphoria&page=0", "dysphoria", "", 1, true},
      {"/api/search?q=dysphoria&page=-3", "dysphoria", "", 1, true},
      {"/api/search?q=dysphoria&page=1000", "dysphoria", "", 100, false},
      {"/api/search?q=", "", "", 1, false},
      {"/api/search", "", "", 1, false},
      {"/api/search?q=%22%27%3B--", "\"';--", "", 1, false},
  };
  for (const Case& c : cases) {
    Response res = Get(c.target);
    ASSERT_EQ(res.status, 200) << c.target;
    EXPECT_EQ(HeaderOf(res, "Content-Type"), "application/json") << c.target;
    EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-store") << c.target;
    json j = json::parse(res.Body(), nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << c.target << ": " << res.Body();
    EXPECT_EQ(j.value("query", "?"), c.query) << c.target;
    EXPECT_EQ(j.value("section", "?"), c.section) << c.target;
    EXPECT_EQ(j.value("page", size_t{0}), c.page) << c.target;
    EXPECT_EQ(j.value("per_page", size_t{0}), 10u) << c.target;
    ASSERT_TRUE(j["results"].is_array()) << c.target;
    bool found = false;
    for (const json& hit : j["results"]) {
      for (const char* key : {"url", "title", "snippet", "section"})
        EXPECT_TRUE(hit[key].is_string()) << c.target << ": " << key;
      if (hit.value("url", "") == kCrying) {
        found = true;
        EXPECT_EQ(hit.value("title", ""), "Why you might cry during sex");
        EXPECT_EQ(hit.value("section", ""), "/relationships/");
        EXPECT_TRUE(Has(hit.value("snippet", ""), "<mark>")) << hit.dump();
      }
    }
    EXPECT_EQ(found, c.finds_crying) << c.target << ": " << res.Body();
    if (c.finds_crying) {
      EXPECT_GE(j.value("total", size_t{0}), 1u) << c.target;
    }
  }
}

TEST_F(AppTest, ApiSearchPagesThroughResults) {
  ASSERT_TRUE(store_->Import(SmallSite(kCryingBody, kCryingFront, 13)).ok());
  ASSERT_TRUE(app_->Reload().ok());
  std::set<std::string> seen;
  const size_t sizes[] = {10, 3, 0};
  for (size_t page = 1; page <= 3; ++page) {
    Response res = Get("/api/search?q=zebra&page=" + std::to_string(page));
    ASSERT_EQ(res.status, 200);
    json j = json::parse(res.Body());
    EXPECT_EQ(j["total"], 13) << page;
    EXPECT_EQ(j["page"], page);
    ASSERT_EQ(j["results"].size(), sizes[page - 1]) << "page " << page;
    for (const json& hit : j["results"])
      EXPECT_TRUE(seen.insert(hit["url"].get<std::string>()).second) << "on two pages: " << hit["url"];
  }
  EXPECT_EQ(seen.size(), 13u);
  // The HTML page links to the next page.
  EXPECT_TRUE(Has(Get("/search?q=zebra").Body(), "page=2"));
}

TEST_F(AppTest, FeedbackApiStoresAndAnswersWithTheId) {
  for (const std::string type : {"application/json", "application/json; charset=utf-8", "Application/JSON"}) {
    Response res = Post("/api/feedback", type, FeedbackJson(kCrying, "Clear, thanks.", "helpful"));
    ASSERT_EQ(res.status, 201) << type << ": " << res.Body();
    EXPECT_EQ(res.route, "api_feedback");
    EXPECT_EQ(HeaderOf(res, "Content-Type"), "application/json");
    EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-store");
    ExpectSecurityHeaders(res, type);
    json j = json::parse(res.Body(), nullptr, false);
    ASSERT_TRUE(j.is_object()) << res.Body();
    EXPECT_GT(j.value("id", 0), 0);
  }
  Response error = PostJson(FeedbackJson(kOther, "A typo.", "error"));
  ASSERT_EQ(error.status, 201) << error.Body();
  std::vector<store::FeedbackRecord> stored = Stored();
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored[0].article_url, kCrying);
  EXPECT_EQ(stored[0].article_path, kCryingPath);
  EXPECT_EQ(stored[0].revision, FileRevision(kCryingFront, kCryingBody));
  EXPECT_TRUE(stored[0].helpful);
  EXPECT_EQ(stored[0].category, "helpful");
  EXPECT_EQ(stored[0].comment, "Clear, thanks.");
  EXPECT_EQ(stored[0].created_at.size(), 20u) << stored[0].created_at;  // 2026-11-26T06:01:02Z
  EXPECT_EQ(stored[3].article_url, kOther);
  EXPECT_EQ(stored[3].category, "error");
  EXPECT_EQ(json::parse(error.Body())["id"], stored[3].id);
}

// "Now" comes from AppOptions::clock: a feedback row's created_at and the
// pages' Last-Modified.
TEST_F(AppTest, ClockStampsFeedbackAndLastModified) {
  static util::FixedClock clock(1795672862);  // 2026-11-26T06:01:02Z; outlives the fixture's App
  AppOptions options;
  options.clock = &clock;
  ASSERT_NO_FATAL_FAILURE(Reopen(options));
  EXPECT_EQ(HeaderOf(Get(kCrying), "Last-Modified"), "Thu, 26 Nov 2026 06:01:02 GMT");
  clock.Advance(61);
  Response res = PostJson(FeedbackJson(kCrying, "Clear, thanks.", "helpful"));
  ASSERT_EQ(res.status, 201) << res.Body();
  std::vector<store::FeedbackRecord> stored = Stored();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].created_at, "2026-11-26T06:02:03Z");
  app_.reset();
}

TEST_F(AppTest, FeedbackApiRefusals) {
  struct Case {
    const char* name;
    std::string type, body;
    int status;
  };
  const Case cases[] = {
      {"text/plain", "text/plain", FeedbackJson(kCrying), 415},
      {"no content type", "", FeedbackJson(kCrying), 415},
      {"form type", "application/x-www-form-urlencoded", FeedbackJson(kCrying), 415},
      {"json prefix only", "application/jsonx", FeedbackJson(kCrying), 415},
      {"not json", "application/json", "helpful=yes", 400},
      {"empty body", "application/json", "", 400},
      {"array", "application/json", "[]", 400},
      {"no article", "application/json", R"({"helpful":true,"category":"helpful"})", 400},
      {"no helpful", "application/json", R"({"article":"/relationships/crying/","category":"other"})", 400},
      {"helpful as string", "application/json",
       R"({"article":"/relationships/crying/","helpful":"yes","category":"other"})", 400},
      {"bad category", "application/json", FeedbackJson(kCrying, "", "praise"), 400},
      {"relative article", "application/json", FeedbackJson("relationships/crying/"), 400},
      {"long comment", "application/json", FeedbackJson(kCrying, std::string(2001, 'x')), 400},
      {"unknown article", "application/json", FeedbackJson("/nope/"), 404},
      {"alias is no article", "application/json", FeedbackJson("/old-crying/"), 404},
      {"unknown article without slash", "application/json", FeedbackJson("/nope"), 404},
  };
  for (const Case& c : cases) {
    Response res = Post("/api/feedback", c.type, c.body);
    EXPECT_EQ(res.status, c.status) << c.name << ": " << res.Body();
    EXPECT_EQ(HeaderOf(res, "Content-Type"), "application/json") << c.name;
    json j = json::parse(res.Body(), nullptr, false);
    ASSERT_TRUE(j.is_object()) << c.name << ": " << res.Body();
    EXPECT_TRUE(j["error"].is_string() && !j["error"].get<std::string>().empty()) << c.name;
    ExpectSecurityHeaders(res, c.name);
  }
  EXPECT_TRUE(Stored().empty());
  std::string text = MetricsText();
  EXPECT_TRUE(Has(text, "vetted_feedback_total{result=\"rejected\",reason=\"media_type\"} 4\n")) << text;
  EXPECT_TRUE(Has(text, "vetted_feedback_total{result=\"rejected\",reason=\"invalid\"} 9\n")) << text;
  EXPECT_TRUE(Has(text, "vetted_feedback_total{result=\"rejected\",reason=\"unknown_article\"} 3\n")) << text;
}

TEST_F(AppTest, HoneypotIsAnsweredButNotStored) {
  json bot = {{"article", kCrying}, {"helpful", true}, {"category", "helpful"}, {"website", "http://spam/"}};
  Response api = PostJson(bot.dump());
  EXPECT_EQ(api.status, 201);
  EXPECT_EQ(json::parse(api.Body(), nullptr, false).value("id", -1), 0);
  Response form = PostForm("article=%2Frelationships%2Fcrying%2F&helpful=yes&website=spam");
  EXPECT_EQ(form.status, 303);
  EXPECT_EQ(HeaderOf(form, "Location"), "/feedback/thanks/?article=%2Frelationships%2Fcrying%2F");
  EXPECT_TRUE(Stored().empty());
  EXPECT_TRUE(Has(MetricsText(), "vetted_feedback_total{result=\"rejected\",reason=\"honeypot\"} 2\n"));
}

TEST_F(AppTest, FeedbackIsRateLimitedPerClient) {
  AppOptions options;
  options.feedback_burst = 2;
  options.feedback_per_minute = 1;
  ASSERT_NO_FATAL_FAILURE(Reopen(options));
  EXPECT_EQ(PostJson(FeedbackJson(kCrying), "198.51.100.7").status, 201);
  EXPECT_EQ(PostJson(FeedbackJson(kCrying), "198.51.100.7").status, 201);
  Response limited = PostJson(FeedbackJson(kCrying), "198.51.100.7");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(HeaderOf(limited, "Retry-After"), "60");
  EXPECT_EQ(HeaderOf(limited, "Content-Type"), "application/json");
  EXPECT_TRUE(json::parse(limited.Body(), nullptr, false)["error"].is_string()) << limited.Body();
  // The form gets a page for readers, with a link back to the article.
  Response form = PostForm("article=%2Frelationships%2Fcrying%2F&helpful=yes", "198.51.100.7");
  EXPECT_EQ(form.status, 429);
  EXPECT_EQ(HeaderOf(form, "Retry-After"), "60");
  EXPECT_EQ(HeaderOf(form, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_TRUE(Has(form.Body(), "href=\"" + kCrying + "\"")) << form.Body();
  // Another client has its own bucket.
  EXPECT_EQ(PostJson(FeedbackJson(kCrying), "198.51.100.8").status, 201);
  EXPECT_EQ(Stored().size(), 3u);
  EXPECT_TRUE(Has(MetricsText(), "vetted_feedback_total{result=\"rejected\",reason=\"rate_limited\"} 2\n"));
}

TEST_F(AppTest, PersonalDataIsMaskedBeforeStorage) {
  const std::string comment =
      "Write to jane.doe@example.com or call +44 20 7946 0958 about the 500 mg dose from 2024.";
  ASSERT_EQ(PostJson(FeedbackJson(kCrying, comment, "other")).status, 201);
  ASSERT_EQ(
      PostForm("article=%2Frelationships%2Fcrying%2F&helpful=no&comment=mail+me%3A+a%40b.org+please").status,
      303);
  std::vector<store::FeedbackRecord> stored = Stored();
  ASSERT_EQ(stored.size(), 2u);
  const std::string& masked = stored[0].comment;
  EXPECT_TRUE(Has(masked, "[email removed]")) << masked;
  EXPECT_TRUE(Has(masked, "[phone removed]")) << masked;
  EXPECT_TRUE(Has(masked, "500 mg")) << masked;
  EXPECT_TRUE(Has(masked, "2024")) << masked;
  EXPECT_FALSE(Has(masked, "jane.doe")) << masked;
  EXPECT_FALSE(Has(masked, "example.com")) << masked;
  EXPECT_FALSE(Has(masked, "7946")) << masked;
  EXPECT_EQ(stored[1].comment, "mail me: [email removed] please");
}

TEST_F(AppTest, FeedbackFormRedirectsToTheThankYouPage) {
  struct Case {
    std::string target, body;
    bool helpful;
    std::string category;
  };
  const Case cases[] = {
      {"/feedback", "article=%2Frelationships%2Fcrying%2F&helpful=yes&category=error&comment=Typo", true,
       "error"},
      {"/feedback/", "article=%2Frelationships%2Fcrying%2F&helpful=no&category=", false, "other"},
      {"/feedback", "helpful=yes&article=%2Frelationships%2Fcrying%2F&unknown=1", true, "helpful"},
  };
  for (const Case& c : cases) {
    Response res = Post(c.target, "application/x-www-form-urlencoded", c.body);
    ASSERT_EQ(res.status, 303) << c.body << ": " << res.Body();
    EXPECT_EQ(res.route, "feedback");
    EXPECT_EQ(HeaderOf(res, "Location"), "/feedback/thanks/?article=%2Frelationships%2Fcrying%2F");
    EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-store");
    std::vector<store::FeedbackRecord> stored = Stored();
    ASSERT_FALSE(stored.empty());
    EXPECT_EQ(stored.back().helpful, c.helpful) << c.body;
    EXPECT_EQ(stored.back().category, c.category) << c.body;
  }
  Response thanks = Get("/feedback/thanks/?article=%2Frelationships%2Fcrying%2F");
  ASSERT_EQ(thanks.status, 200);
  EXPECT_EQ(HeaderOf(thanks, "Cache-Control"), "no-store");
  EXPECT_TRUE(Has(thanks.Body(), "href=\"" + kCrying + "\"")) << thanks.Body();
  EXPECT_TRUE(Has(thanks.Body(), "noindex"));
  // A link back only to articles of the site.
  Response foreign = Get("/feedback/thanks/?article=https%3A%2F%2Fevil.example%2F");
  ASSERT_EQ(foreign.status, 200);
  EXPECT_FALSE(Has(foreign.Body(), "evil.example"));
}

TEST_F(AppTest, FeedbackFormErrorsAreHtmlWithALinkBack) {
  struct Case {
    const char* name;
    std::string body;
    int status;
    std::string message;
  };
  const Case cases[] = {
      {"no choice", "article=%2Frelationships%2Fcrying%2F&comment=hi", 400, "Please choose Yes or No"},
      {"bad helpful", "article=%2Frelationships%2Fcrying%2F&helpful=maybe", 400, "Please choose Yes or No"},
      {"long comment", "article=%2Frelationships%2Fcrying%2F&helpful=yes&comment=" + std::string(2001, 'x'),
       400, "longer than 2,000 characters"},
      {"bad escape", "article=%2Frelationships%2Fcrying%2F&helpful=yes&comment=%zz", 400, "Please go back"},
      {"unknown article", "article=%2Fnope%2F&helpful=yes", 404, "There is no article at /nope/."},
  };
  for (const Case& c : cases) {
    Response res = PostForm(c.body);
    EXPECT_EQ(res.status, c.status) << c.name;
    EXPECT_EQ(HeaderOf(res, "Content-Type"), "text/html; charset=utf-8") << c.name;
    EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-store") << c.name;
    EXPECT_TRUE(Has(res.Body(), c.message)) << c.name << ": " << res.Body();
    if (c.status == 400) {
      EXPECT_TRUE(Has(res.Body(), "href=\"" + kCrying + "\"")) << c.name;
    }
    ExpectSecurityHeaders(res, c.name);
  }
  // A hostile "article" is not linked to.
  Response evil = PostForm("article=javascript%3Aalert(1)&helpful=maybe");
  EXPECT_EQ(evil.status, 400);
  EXPECT_FALSE(Has(evil.Body(), "href=\"javascript:")) << evil.Body();
  EXPECT_TRUE(Stored().empty());
}

// The category error must not be mistaken for the Yes/No one (its message
// also quotes "helpful").
TEST_F(AppTest, FeedbackFormNamesTheCategoryError) {
  Response res = PostForm("article=%2Frelationships%2Fcrying%2F&helpful=yes&category=x");
  EXPECT_EQ(res.status, 400);
  EXPECT_TRUE(Has(res.Body(), "Please choose what kind of feedback this is.")) << res.Body();
  EXPECT_FALSE(Has(res.Body(), "Please choose Yes or No")) << res.Body();
}

// An alias typed without its trailing slash reaches the article, as the
// folder URL of any page does.
TEST_F(AppTest, AliasWithoutTrailingSlashRedirects) {
  Response res = Get("/old-crying");
  EXPECT_EQ(res.status, 301);
  std::string location = HeaderOf(res, "Location");
  EXPECT_TRUE(location == kCrying || location == "/old-crying/") << location;
}

TEST_F(AppTest, ReloadServesANewImportAndKeepsTheOldOnFailure) {
  Response before = Get(kCrying);  // cached now
  ASSERT_EQ(before.status, 200);
  const int64_t generation = app_->generation();
  EXPECT_EQ(app_->Reload().code(), Code::kOk);  // nothing changed
  EXPECT_EQ(app_->generation(), generation);

  const std::string body = "\nNew advice: eat oranges after a long cry.\n";
  Result<store::ImportReport> report = store_->Import(SmallSite(body));
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->changed, std::vector<std::string>{kCryingPath});
  ASSERT_TRUE(app_->Reload().ok());
  EXPECT_GT(app_->generation(), generation);
  Response after = Get(kCrying);
  ASSERT_EQ(after.status, 200);
  EXPECT_TRUE(Has(after.Body(), "eat oranges")) << "still the old page";
  EXPECT_FALSE(Has(after.Body(), "postcoital dysphoria"));
  EXPECT_NE(HeaderOf(after, "ETag"), HeaderOf(before, "ETag"));
  EXPECT_EQ(Get(kCrying, {{"If-None-Match", HeaderOf(before, "ETag")}}).status, 200);
  json health = json::parse(Get("/healthz").Body());
  EXPECT_EQ(health["generation"], app_->generation());
  // Feedback on the new revision is tied to it.
  ASSERT_EQ(PostJson(FeedbackJson(kCrying)).status, 201);
  EXPECT_EQ(Stored().back().revision, FileRevision(kCryingFront, body));

  // An import that does not load (no description) is not served.
  const int64_t good = app_->generation();
  const std::string broken_front = "title: Broken\nauthors: [wendy]\npublished: 2026-01-10\n";
  ASSERT_TRUE(store_->Import(SmallSite("\nBroken text.\n", broken_front)).ok());
  Status failed = app_->Reload();
  EXPECT_FALSE(failed.ok());
  EXPECT_TRUE(Has(failed.message(), "crying.md")) << failed.message();
  EXPECT_EQ(app_->generation(), good);
  EXPECT_TRUE(Has(Get(kCrying).Body(), "eat oranges"));
  {
    std::lock_guard<std::mutex> lock(log_mu_);
    bool logged = false;
    for (const std::string& line : log_) logged = logged || Has(line, "reload failed");
    EXPECT_TRUE(logged);
  }
}

// Every page an App serves for `urls` (status and body), through Handle.
std::vector<std::pair<int, std::string>> Pages(App& app, const std::vector<std::string>& urls) {
  std::vector<std::pair<int, std::string>> out;
  for (const std::string& url : urls) {
    std::promise<Response> promise;
    std::future<Response> future = promise.get_future();
    app.Handle(MakeRequest("GET", url), [&promise](Response res) { promise.set_value(std::move(res)); });
    if (future.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "no response for " << url;
      out.emplace_back(0, "");
      continue;
    }
    Response res = future.get();
    out.emplace_back(res.status, res.Body());
  }
  return out;
}

// The URL paths in a sitemap.
std::vector<std::string> SitemapUrls(const std::string& xml) {
  std::vector<std::string> out;
  for (size_t at = xml.find("<loc>"); at != std::string::npos; at = xml.find("<loc>", at + 5)) {
    size_t end = xml.find("</loc>", at);
    std::string loc = xml.substr(at + 5, end - at - 5);
    size_t path = loc.find('/', loc.find("//") + 2);
    out.push_back(path == std::string::npos ? "/" : loc.substr(path));
  }
  return out;
}

// After each import, a reload that applies only what changed serves, for
// every page, the very bytes a fresh App loaded from scratch serves; and it
// refuses what a fresh load refuses.
TEST_F(AppTest, IncrementalReloadServesWhatAFreshLoadServes) {
  store::ImportInput site = SmallSite("\nA zebra note. " + kCryingBody, kCryingFront, 3);
  ASSERT_TRUE(store_->Import(site).ok());
  ASSERT_TRUE(app_->Reload().ok());
  auto find = [&](const std::string& path) -> store::ArticleSource& {
    for (store::ArticleSource& a : site.articles)
      if (a.path == path) return a;
    ADD_FAILURE() << path;
    return site.articles[0];
  };
  auto rewrite = [&](const std::string& path, const std::string& front, const std::string& body) {
    store::ArticleSource& a = find(path);
    a = MakeArticle(a.path, a.url, front, body, a.search);
  };
  const std::string zebra_front =
      "title: Zebra 1\ndescription: About zebras.\nauthors: [wendy]\npublished: 2026-01-01\n";
  struct Step {
    std::string name;
    std::function<void()> edit;
    bool loads;        // a fresh App loads it
    bool incremental;  // the reload applies only the changed articles
  };
  const std::vector<Step> steps = {
      {"body changed",
       [&] { rewrite("content/relationships/zebra-1.md", zebra_front, "\nStriped, mostly.\n"); }, true, true},
      {"title and tags changed (lists, feed, related)",
       [&] {
         rewrite("content/relationships/zebra-1.md",
                 "title: Zebras at night\ndescription: Where they sleep.\nauthors: [wendy]\npublished: "
                 "2026-02-01\nupdated: 2026-04-01\ntags: [sleep, sex]\n",
                 "\nStriped, mostly.\n");
         find("content/relationships/zebra-1.md").search.title = "Zebras at night";
       },
       true, true},
      {"article added",
       [&] {
         site.articles.push_back(
             MakeArticle("content/sleep/naps.md", "/sleep/naps/",
                         "title: Naps\ndescription: Short sleep.\nauthors: [wendy]\npublished: 2026-05-01\n",
                         "\nSee [crying](/relationships/crying/).\n",
                         {"Naps", "Short sleep.", "", "See crying.", "/sleep/", ""}));
       },
       true, true},
      {"article removed",
       [&] {
         std::erase_if(site.articles,
                       [](const auto& a) { return a.path == "content/relationships/zebra-2.md"; });
       },
       true, true},
      {"link to a missing page (refused)",
       [&] {
         rewrite("content/relationships/zebra-0.md", zebra_front, "\nSee [gone](/relationships/zebra-2/).\n");
       },
       false, true},
      {"fixed again", [&] { rewrite("content/relationships/zebra-0.md", zebra_front, "\nFine now.\n"); },
       true, true},
      {"removing a linked article (refused)",
       [&] {
         std::erase_if(site.articles,
                       [](const auto& a) { return a.path == "content/relationships/other.md"; });
       },
       false, true},
      {"other file changed (full reload)",
       [&] {
         site.articles = SmallSite("\nA zebra note. " + kCryingBody, kCryingFront, 3).articles;
         site.files[0].bytes = "title = \"Test Health Again\"\nbase_url = \"https://test.example/\"\n";
       },
       true, false},
  };
  for (const Step& step : steps) {
    SCOPED_TRACE(step.name);
    step.edit();
    Result<store::ImportReport> report = store_->Import(site);
    ASSERT_TRUE(report.ok()) << report.status().message();
    {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_.clear();
    }
    Status reloaded = app_->Reload();
    AppOptions options;
    options.reload_poll = std::chrono::hours(1);
    options.incremental = false;
    Result<std::unique_ptr<App>> fresh = App::Open(*store_, options, nullptr, {});
    EXPECT_EQ(reloaded.ok(), step.loads) << reloaded.message();
    ASSERT_EQ(fresh.ok(), step.loads) << fresh.status().message();
    {
      std::lock_guard<std::mutex> lock(log_mu_);
      bool incremental = false;
      for (const std::string& line : log_) incremental = incremental || Has(line, "(incremental");
      if (step.loads) EXPECT_EQ(incremental, step.incremental);
    }
    if (!step.loads) continue;
    EXPECT_EQ(app_->generation(), report->generation);
    std::vector<std::string> urls = SitemapUrls(Get("/sitemap.xml").Body());
    for (const char* more : {"/", "/feed.xml", "/sitemap.xml", "/relationships/", "/sleep/", "/people/wendy/",
                             "/search?q=zebra", "/search?q=naps", "/relationships/zebra-2/", "/sleep/naps/"})
      urls.push_back(more);
    for (const store::ArticleSource& a : SmallSite("", kCryingFront, 3).articles) urls.push_back(a.url);
    ASSERT_GT(urls.size(), 12u);
    std::vector<std::pair<int, std::string>> want = Pages(**fresh, urls);
    std::vector<std::pair<int, std::string>> got = Pages(*app_, urls);
    for (size_t i = 0; i < urls.size(); ++i) {
      EXPECT_EQ(got[i].first, want[i].first) << urls[i];
      EXPECT_EQ(got[i].second, want[i].second) << urls[i];
    }
  }
}

TEST_F(AppTest, WithoutTheCacheTheSameBytesAreServed) {
  const std::string cached = Get(kCrying).Body();
  const std::string cached_404 = Get("/nope/").Body();
  AppOptions options;
  options.cache = false;
  ASSERT_NO_FATAL_FAILURE(Reopen(options));
  Response first = Get(kCrying);
  Response second = Get(kCrying);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.Body(), cached);
  EXPECT_EQ(second.Body(), cached);
  EXPECT_NE(first.shared_body.get(), second.shared_body.get()) << "rendered once only";
  Response gz = Get(kCrying, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(HeaderOf(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(encode_testing::Gunzip(gz.Body()).value_or(""), cached);
  EXPECT_EQ(Get(kCrying, {{"If-None-Match", HeaderOf(first, "ETag")}}).status, 304);
  EXPECT_EQ(Get("/nope/").Body(), cached_404);
  std::string text = MetricsText();
  EXPECT_TRUE(Has(text, "vetted_cache_hits_total 0\n")) << text;
  EXPECT_TRUE(Has(text, "vetted_cache_misses_total 4\n")) << text;
}

TEST_F(AppTest, MetricsCountCacheHitsAndFeedback) {
  std::string text = MetricsText();  // declared at zero before anything happened
  EXPECT_TRUE(Has(text, "vetted_cache_hits_total 0\n")) << text;
  EXPECT_TRUE(Has(text, "vetted_feedback_total{result=\"accepted\"} 0\n")) << text;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Get(kCrying).status, 200);
  ASSERT_EQ(Get(kOther).status, 200);
  ASSERT_EQ(PostJson(FeedbackJson(kCrying)).status, 201);
  ASSERT_EQ(PostForm("article=%2Frelationships%2Fother%2F&helpful=yes").status, 303);
  ASSERT_EQ(Post("/api/feedback", "text/plain", "x").status, 415);
  ASSERT_EQ(Get("/api/search?q=partner").status, 200);
  Response res = Get("/metrics", kOpsAuth);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.route, "metrics");
  EXPECT_EQ(HeaderOf(res, "Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-store");
  text = res.Body();
  for (const std::string line : {"vetted_cache_hits_total 2\n", "vetted_cache_misses_total 2\n",
                                 "vetted_feedback_total{result=\"accepted\"} 2\n",
                                 "vetted_feedback_total{result=\"rejected\",reason=\"media_type\"} 1\n",
                                 "vetted_searches_total{kind=\"api\"} 1\n", "vetted_articles 2\n",
                                 "vetted_cache_entries 2\n", "# TYPE vetted_cache_hits_total counter\n"})
    EXPECT_TRUE(Has(text, line)) << "missing " << line << " in\n" << text;
  EXPECT_TRUE(Has(text, "vetted_content_generation " + std::to_string(app_->generation()) + "\n")) << text;
  // Hits are added once: scraping again does not count them twice.
  EXPECT_TRUE(Has(MetricsText(), "vetted_cache_hits_total 2\n"));
}

// The value of a metric line "name value" in /metrics text (-1 when absent).
double MetricValue(const std::string& text, const std::string& name) {
  size_t at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

// Bounded memory (docs/reliability.md): a site much larger than the page
// cache's budget is served page after page, in every encoding and again after
// an import: the cache holds at most its budget at every step, pages go and
// come back, and every answer is the very page an App without a cache renders.
TEST_F(AppTest, TheCacheStaysWithinItsBudgetAndServesTheSamePagesAfterEviction) {
  store::ImportInput site = SmallSite(kCryingBody, kCryingFront, 150);
  ASSERT_TRUE(store_->Import(site).ok());
  AppOptions options;
  options.cache_bytes = 128 * 1024;
  ASSERT_NO_FATAL_FAILURE(Reopen(options));
  AppOptions uncached;
  uncached.cache = false;
  uncached.reload_poll = std::chrono::hours(1);
  Result<std::unique_ptr<App>> fresh = App::Open(*store_, uncached, nullptr, {});
  ASSERT_TRUE(fresh.ok()) << fresh.status().message();
  std::vector<std::string> urls = SitemapUrls(Get("/sitemap.xml").Body());
  ASSERT_GT(urls.size(), 150u);
  urls.push_back("/no-such-page/");
  std::vector<std::pair<int, std::string>> want = Pages(**fresh, urls);
  size_t total = 0;
  for (const auto& [status, body] : want) total += body.size();
  ASSERT_GT(total, 4 * options.cache_bytes) << "the site must not fit";

  const Fields encodings[] = {{}, {{"Accept-Encoding", "gzip"}}, {{"Accept-Encoding", "br, gzip"}}};
  double most = 0;
  for (int round = 0; round < 2; ++round) {
    if (round == 1) {  // an import between the rounds: a changed page is never served from before it
      site.articles[2] = MakeArticle(site.articles[2].path, site.articles[2].url,
                                     "title: Zebra 0\ndescription: About zebras.\nauthors: [wendy]\n"
                                     "published: 2026-01-01\n",
                                     "\nA changed zebra fact.\n", site.articles[2].search);
      ASSERT_TRUE(store_->Import(site).ok());
      ASSERT_TRUE(app_->Reload().ok());
      ASSERT_TRUE((*fresh)->Reload().ok());
      want = Pages(**fresh, urls);
      ASSERT_TRUE(Has(want[std::find(urls.begin(), urls.end(), site.articles[2].url) - urls.begin()].second,
                      "A changed zebra fact."));
    }
    for (size_t i = 0; i < urls.size(); ++i) {
      const Fields& accept = encodings[(i + round) % 3];
      Response res = Get(urls[i], accept);
      ASSERT_EQ(res.status, want[i].first) << urls[i];
      std::string body = res.Body();
      std::string encoding = HeaderOf(res, "Content-Encoding");
      if (encoding == "gzip") body = encode_testing::Gunzip(body).value_or("");
      if (encoding == "br") body = encode_testing::Unbrotli(body, 1 << 20).value_or("");
      EXPECT_EQ(body, want[i].second) << urls[i] << " (" << encoding << ")";
      if (i % 10 == 0 || i + 1 == urls.size()) {
        std::string text = MetricsText();
        double bytes = MetricValue(text, "vetted_cache_bytes");
        ASSERT_GT(bytes, 0) << text;
        EXPECT_LE(bytes, options.cache_bytes) << urls[i];
        most = std::max(most, bytes);
      }
    }
  }
  std::string text = MetricsText();
  EXPECT_EQ(MetricValue(text, "vetted_cache_budget_bytes"), options.cache_bytes) << text;
  EXPECT_GT(MetricValue(text, "vetted_cache_evictions_total"), 100) << text;
  EXPECT_LT(MetricValue(text, "vetted_cache_entries"), urls.size() / 2) << text;
  EXPECT_GT(most, options.cache_bytes / 2) << "the budget is used, not left empty";
  // Pages evicted long ago are rendered again, the same bytes.
  std::vector<std::pair<int, std::string>> again = Pages(*app_, urls);
  for (size_t i = 0; i < urls.size(); ++i) EXPECT_EQ(again[i], want[i]) << urls[i];
  EXPECT_LE(MetricValue(MetricsText(), "vetted_cache_bytes"), options.cache_bytes);
}

TEST_F(AppTest, HealthzReportsTheGeneration) {
  Response res = Get("/healthz");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.route, "healthz");
  EXPECT_EQ(HeaderOf(res, "Content-Type"), "application/json");
  EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-store");
  ExpectSecurityHeaders(res, "healthz");
  json j = json::parse(res.Body(), nullptr, false);
  ASSERT_TRUE(j.is_object()) << res.Body();
  EXPECT_EQ(j.value("status", ""), "ok");
  EXPECT_EQ(j.value("generation", int64_t{-1}), app_->generation());
  EXPECT_GT(app_->generation(), 0);
  EXPECT_EQ(j.value("articles", 0), 2);
}

TEST_F(AppTest, OpenFailsOnAnEmptyStoreAndOnABrokenSite) {
  Result<std::unique_ptr<store::Store>> empty = store::Open("memory:");
  ASSERT_TRUE(empty.ok());
  Result<std::unique_ptr<App>> app = App::Open(**empty, {}, nullptr, nullptr);
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.status().code(), Code::kNotFound);

  Result<std::unique_ptr<store::Store>> broken = store::Open("memory:");
  ASSERT_TRUE(broken.ok());
  ASSERT_TRUE((*broken)->Import(SmallSite("\nx\n", "title: No description\nauthors: [wendy]\n")).ok());
  app = App::Open(**broken, {}, nullptr, nullptr);
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.status().code(), Code::kInvalid);
  EXPECT_TRUE(Has(app.status().message(), "crying.md")) << app.status().message();
}

TEST_F(AppTest, MetricsAreForTheOperatorHealthzForAnyone) {
  struct Case {
    std::string name;
    Fields headers;
    int status;
  };
  const Case cases[] = {
      {"no token", {}, 401},
      {"wrong token", {{"Authorization", "Bearer wrong"}}, 401},
      {"token", kOpsAuth, 200},
  };
  for (const Case& c : cases) {
    Response res = Get("/metrics", c.headers);
    EXPECT_EQ(res.status, c.status) << c.name;
    ExpectSecurityHeaders(res, c.name);
    if (c.status != 200) {
      EXPECT_EQ(res.route, "forbidden") << c.name;
      EXPECT_FALSE(Has(res.Body(), "vetted_")) << c.name;
    }
  }
  EXPECT_EQ(Get("/healthz").status, 200);
  // Without a token configured, /metrics is closed to every request but the ops listener's.
  AppOptions closed;
  app_.reset();
  closed.reload_poll = std::chrono::hours(1);
  auto app = App::Open(*store_, closed, metrics_.get(), nullptr);
  ASSERT_TRUE(app.ok());
  app_ = std::move(*app);
  EXPECT_EQ(Get("/metrics", kOpsAuth).status, 403);
  Request from_ops = MakeRequest("GET", "/metrics");
  from_ops.ops_listener = true;
  EXPECT_EQ(Call(std::move(from_ops)).status, 200);
  Request page_from_ops = MakeRequest("GET", kCrying);
  page_from_ops.ops_listener = true;
  EXPECT_EQ(Call(std::move(page_from_ops)).status, 404);
}

TEST_F(AppTest, BodyLimitsPerRoute) {
  struct Case {
    std::string method, target;
    size_t limit;
  };
  const Case cases[] = {
      {"POST", "/api/feedback", 16 * 1024},
      {"POST", "/feedback", 16 * 1024},
      {"POST", "/feedback/", 16 * 1024},
      {"GET", "/", 0},
      {"GET", kCrying, 0},
      {"HEAD", kCrying, 0},
      {"GET", "/search?q=x", 0},
      {"GET", "/api/search", 0},
      {"GET", "/metrics", 0},
      {"GET", "/healthz", 0},
      {"GET", "/feedback/thanks/", 0},
      {"POST", kCrying, 16 * 1024},  // no route takes it (405 follows): the listener's default
  };
  for (const Case& c : cases) EXPECT_EQ(app_->BodyLimit(c.method, c.target), c.limit) << c.method << c.target;
  Response get_with_body = Call(MakeRequest("GET", kCrying, {}, "x"));
  EXPECT_EQ(get_with_body.status, 413);
  Response feedback_get = Get("/api/feedback");
  EXPECT_EQ(feedback_get.status, 405);
  EXPECT_EQ(HeaderOf(feedback_get, "Allow"), "POST, OPTIONS");  // OPTIONS: the CORS preflight
}

TEST_F(AppTest, FeedbackTakesAnArticleUrlWithoutItsSlash) {
  ASSERT_EQ(PostJson(FeedbackJson("/relationships/crying")).status, 201);
  Response form = PostForm("article=%2Frelationships%2Fother&helpful=yes");
  ASSERT_EQ(form.status, 303);
  EXPECT_EQ(HeaderOf(form, "Location"), "/feedback/thanks/?article=%2Frelationships%2Fother%2F");
  std::vector<store::FeedbackRecord> stored = Stored();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].article_url, kCrying);
  EXPECT_EQ(stored[1].article_url, kOther);
}

TEST_F(AppTest, FeedbackForARevisionTheArticleNeverHad) {
  json j = json::parse(FeedbackJson(kCrying, "Old page."));
  j["revision"] = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
  Response res = PostJson(j.dump());
  // The store refuses it (kInvalid from AddFeedback): 400 naming the revision, nothing stored.
  ASSERT_EQ(res.status, 400) << res.Body();
  EXPECT_TRUE(Has(json::parse(res.Body())["error"].get<std::string>(), "unknown revision")) << res.Body();
  EXPECT_TRUE(Stored().empty());
  EXPECT_TRUE(Has(MetricsText(), "reason=\"unknown_revision\"} 1\n"));
}

}  // namespace
}  // namespace vetted::server
