// App (server/app.h) for a site whose base_url has a path (served under
// /health/), and the cross-origin feedback of a static build: the CORS
// preflight and headers on /api/feedback, and the form posted from another
// origin. Without sockets, as app_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "load/load.h"
#include "server/app.h"
#include "store/open.h"

namespace vetted::server {
namespace {

using namespace std::chrono_literals;

const std::string kArticle = "/sleep/naps/";
const std::string kBody = "\nShort naps help. Long ones can keep you awake.\n";
const std::string kFront =
    "title: Naps\ndescription: When a nap helps.\nauthors: [wendy]\npublished: 2026-01-10\n"
    "aliases: [/old-naps/]\n";

store::ImportInput Site(const std::string& base_url) {
  store::ImportInput in;
  in.files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"" + base_url + "\"\n"},
      {"content/sleep/_section.md", "---\ntitle: Sleep\ndescription: About sleep.\n---\n"},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
      {"static/files/note.txt", "a note\n"},
  };
  std::vector<Diagnostic> ignored;
  std::string text = "---\n" + kFront + "---\n" + kBody;
  std::string revision = load::ParseArticle(text, "content/sleep/naps.md", ignored).revision;
  in.articles.push_back({"content/sleep/naps.md",
                         kArticle,
                         revision,
                         text,
                         {"Naps", "When a nap helps.", "", kBody, "/sleep/", ""},
                         ""});
  return in;
}

std::string HeaderOf(const Response& res, std::string_view name) {
  for (const auto& [n, v] : res.headers)
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return v;
  if (res.header_block) {  // cached pages: "Name: value\r\n" lines
    std::string needle = std::string(name) + ": ";
    size_t at = res.header_block->find(needle);
    if (at != std::string::npos) {
      at += needle.size();
      return res.header_block->substr(at, res.header_block->find("\r\n", at) - at);
    }
  }
  return "";
}

bool Has(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

class AppBaseTest : public ::testing::Test {
 protected:
  void Open(const std::string& base_url, AppOptions options = {}) {
    app_.reset();
    auto s = store::Open("memory:");
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Import(Site(base_url)).ok());
    options.reload_poll = std::chrono::hours(1);
    auto app = App::Open(*store_, options, nullptr, nullptr);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
    for (int i = 0; i < 500 && !app_->ready(); ++i) std::this_thread::sleep_for(10ms);  // /healthz: "ok"
    ASSERT_TRUE(app_->ready());
  }
  void TearDown() override {
    app_.reset();
    store_.reset();
  }

  Response Call(std::string method, std::string target, Fields headers = {}, std::string body = "") {
    Request req;
    req.method = std::move(method);
    req.target = std::move(target);
    req.headers = std::move(headers);
    req.body = std::move(body);
    req.client = "192.0.2.9";
    auto promise = std::make_shared<std::promise<Response>>();
    std::future<Response> future = promise->get_future();
    app_->Handle(std::move(req), [promise](Response res) { promise->set_value(std::move(res)); });
    if (future.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "no response within 10 s";
      return Response{.status = 0};
    }
    return future.get();
  }
  Response Get(const std::string& target) { return Call("GET", target); }

  size_t StoredFeedback() {
    auto rows = store_->ListFeedback();
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? rows->size() : 0;
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<App> app_;
};

// Every route of a site served under /health/: pages, assets, files, search,
// feedback, aliases and the 404 page; outside it, redirects to it or 404.
TEST_F(AppBaseTest, PrefixedSiteIsServedUnderItsPath) {
  ASSERT_NO_FATAL_FAILURE(Open("https://example.org/health/"));
  struct Case {
    std::string method, target;
    int status;
    std::string location;  // expected Location; "" = none
    std::string body;      // a needle in the body; "" = not checked
  };
  const std::string form = "article=%2Fsleep%2Fnaps%2F&helpful=yes&category=helpful";
  const Case cases[] = {
      {"GET", "/health/", 200, "", "href=\"/health/sleep/naps/\""},
      {"GET", "/health/sleep/naps/", 200, "", "action=\"/health/feedback\""},
      {"GET", "/health/sleep/naps", 301, "/health/sleep/naps/", ""},
      {"GET", "/health/old-naps/", 301, "/health/sleep/naps/", ""},
      {"GET", "/health/old-naps", 301, "/health/sleep/naps/", ""},
      {"GET", "/health/files/note.txt", 200, "", "a note"},
      {"GET", "/health/search?q=naps", 200, "", "href=\"/health/sleep/naps/\""},
      {"GET", "/health/api/search?q=naps", 200, "", "\"url\":\"/health/sleep/naps/\""},
      {"GET", "/health/feedback/thanks/?article=%2Fsleep%2Fnaps%2F", 200, "", "href=\"/health/sleep/naps/\""},
      {"GET", "/health/nothing-here/", 404, "", "href=\"/health/"},
      {"GET", "/", 301, "/health/", ""},
      {"GET", "/health", 301, "/health/", ""},
      {"GET", "/?q=1", 301, "/health/?q=1", ""},
      {"GET", "/sleep/naps/", 404, "", "href=\"/health/"},
      {"GET", "/healthy/", 404, "", ""},
      {"POST", "/feedback", 404, "", ""},
      {"GET", "/healthz", 200, "", "\"status\""},
  };
  for (const Case& c : cases) {
    Response res = Call(c.method, c.target);
    EXPECT_EQ(res.status, c.status) << c.method << " " << c.target << ": " << res.Body().substr(0, 200);
    EXPECT_EQ(HeaderOf(res, "Location"), c.location) << c.target;
    if (!c.body.empty())
      EXPECT_TRUE(Has(res.Body(), c.body)) << c.target << ": " << res.Body().substr(0, 400);
  }
  // An asset the page links to, under the prefix.
  std::string page = Get("/health/sleep/naps/").Body();
  size_t at = page.find("href=\"/health/assets/");
  ASSERT_NE(at, std::string::npos);
  std::string asset = page.substr(at + 6, page.find('"', at + 6) - at - 6);
  EXPECT_EQ(Get(asset).status, 200) << asset;
  // Feedback under the prefix: the form's 303 and the JSON API.
  Response posted =
      Call("POST", "/health/feedback", {{"Content-Type", "application/x-www-form-urlencoded"}}, form);
  EXPECT_EQ(posted.status, 303) << posted.Body();
  EXPECT_EQ(HeaderOf(posted, "Location"), "/health/feedback/thanks/?article=%2Fsleep%2Fnaps%2F");
  Response api = Call("POST", "/health/api/feedback", {{"Content-Type", "application/json"}},
                      "{\"article\":\"/sleep/naps/\",\"helpful\":true,\"category\":\"helpful\"}");
  EXPECT_EQ(api.status, 201) << api.Body();
  EXPECT_EQ(StoredFeedback(), 2u);
  EXPECT_EQ(app_->BodyLimit("POST", "/health/api/feedback"), 16u * 1024);
  EXPECT_EQ(app_->BodyLimit("GET", "/health/sleep/naps/"), 0u);
}

// A site at the root is served as before: no redirect of "/".
TEST_F(AppBaseTest, RootSiteIsUnchanged) {
  ASSERT_NO_FATAL_FAILURE(Open("https://example.org/"));
  EXPECT_EQ(Get("/").status, 200);
  EXPECT_EQ(Get("/sleep/naps/").status, 200);
  EXPECT_EQ(Get("/health/").status, 404);
}

// The preflight answers only the allowed origins; the post's answer carries
// the same header, so that the static page's script can read it.
TEST_F(AppBaseTest, CorsForTheAllowedOriginsOnly) {
  struct Case {
    std::vector<std::string> allowed;  // AppOptions::cors_origins
    std::string origin;
    bool ok;
  };
  const Case cases[] = {
      {{}, "https://example.org", true},  // default: base_url's origin
      {{}, "https://static.example.org", false},
      {{"https://static.example.org", "http://127.0.0.1:8000"}, "http://127.0.0.1:8000", true},
      {{"https://static.example.org"}, "https://example.org", false},
      {{"https://static.example.org"}, "https://static.example.org.evil.example", false},
  };
  const std::string body = "{\"article\":\"/sleep/naps/\",\"helpful\":true,\"category\":\"helpful\"}";
  for (const Case& c : cases) {
    AppOptions options;
    options.cors_origins = c.allowed;
    ASSERT_NO_FATAL_FAILURE(Open("https://example.org/", options));
    Response pre = Call("OPTIONS", "/api/feedback",
                        {{"Origin", c.origin},
                         {"Access-Control-Request-Method", "POST"},
                         {"Access-Control-Request-Headers", "content-type"}});
    EXPECT_EQ(pre.status, 204) << c.origin;
    EXPECT_EQ(HeaderOf(pre, "Access-Control-Allow-Origin"), c.ok ? c.origin : "") << c.origin;
    EXPECT_EQ(HeaderOf(pre, "Access-Control-Allow-Methods"), c.ok ? "POST" : "") << c.origin;
    EXPECT_EQ(HeaderOf(pre, "Access-Control-Allow-Headers"), c.ok ? "Content-Type" : "") << c.origin;
    EXPECT_EQ(HeaderOf(pre, "Access-Control-Max-Age"), c.ok ? "86400" : "") << c.origin;
    Response post =
        Call("POST", "/api/feedback", {{"Content-Type", "application/json"}, {"Origin", c.origin}}, body);
    EXPECT_EQ(post.status, 201) << post.Body();
    EXPECT_EQ(HeaderOf(post, "Access-Control-Allow-Origin"), c.ok ? c.origin : "") << c.origin;
    Response bad =
        Call("POST", "/api/feedback", {{"Content-Type", "text/plain"}, {"Origin", c.origin}}, body);
    EXPECT_EQ(bad.status, 415) << bad.Body();
    EXPECT_EQ(HeaderOf(bad, "Access-Control-Allow-Origin"), c.ok ? c.origin : "") << c.origin;
  }
  // Only the JSON API is for scripts.
  EXPECT_EQ(Call("OPTIONS", "/feedback", {{"Origin", "https://example.org"}}).status, 405);
}

// The no-JavaScript form posted from the static site (another origin): the
// thank-you page links back to the article at its absolute URL.
TEST_F(AppBaseTest, FormFromAnotherOriginLinksBackAbsolutely) {
  ASSERT_NO_FATAL_FAILURE(Open("https://example.org/health/"));
  const std::string form = "article=%2Fsleep%2Fnaps%2F&helpful=yes&category=helpful";
  struct Case {
    std::string origin, host;
    bool foreign;
  };
  const Case cases[] = {
      {"https://example.org", "example.org", false},
      {"", "example.org", false},
      {"https://static.example.net", "feedback.example.org", true},
      {"null", "feedback.example.org", true},
  };
  for (const Case& c : cases) {
    Fields headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Host", c.host}};
    if (!c.origin.empty()) headers.emplace_back("Origin", c.origin);
    Response res = Call("POST", "/health/feedback", headers, form);
    ASSERT_EQ(res.status, 303) << c.origin << ": " << res.Body();
    std::string location = HeaderOf(res, "Location");
    EXPECT_EQ(Has(location, "&from=site"), c.foreign) << location;
    Response thanks = Get(location);
    ASSERT_EQ(thanks.status, 200) << location;
    EXPECT_EQ(Has(thanks.Body(), "href=\"https://example.org/health/sleep/naps/\""), c.foreign)
        << thanks.Body();
    EXPECT_EQ(Has(thanks.Body(), "href=\"/health/sleep/naps/\""), !c.foreign) << thanks.Body();
  }
  // An error page for a foreign form links back absolutely too.
  Response error = Call("POST", "/health/feedback",
                        {{"Content-Type", "application/x-www-form-urlencoded"},
                         {"Host", "feedback.example.org"},
                         {"Origin", "https://static.example.net"}},
                        "article=%2Fsleep%2Fnaps%2F&category=helpful");
  EXPECT_EQ(error.status, 400) << error.Body();
  EXPECT_TRUE(Has(error.Body(), "href=\"https://example.org/health/sleep/naps/\"")) << error.Body();
}

}  // namespace
}  // namespace vetted::server
