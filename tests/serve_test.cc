// Whole-program tests of the served site: `vetted import` the demo into a
// fresh SQLite database, start `vetted serve` on a free loopback port, and
// speak HTTP to it over real sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "vetted_process.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using namespace vetted::testing;

namespace {

const std::string kFlagship = "/relationships/sex-and-relationships/why-you-might-cry-during-sex/";
const std::string kOpsToken = "whole-program-ops-token";

struct HttpResponse {
  int status = 0;
  std::string head;  // status line and headers, lower-cased names kept as sent
  std::string body;
  bool closed = false;  // the server closed the connection after this response
  std::string Header(const std::string& name) const {
    std::string lower_head = head;
    for (auto& c : lower_head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string key = "\r\n" + name + ":";
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t at = lower_head.find(key);
    if (at == std::string::npos) return "";
    size_t start = at + key.size();
    size_t end = head.find("\r\n", start);
    std::string v = head.substr(start, end - start);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    return v;
  }
};

// Reads one response (Content-Length framed; HEAD/304 have no body) from fd.
HttpResponse ReadResponse(int fd, std::string& buffer, bool head_request = false) {
  HttpResponse r;
  char chunk[16384];
  auto fill = [&]() {
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
    return true;
  };
  size_t end;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos)
    if (!fill()) {
      r.closed = true;
      return r;
    }
  r.head = buffer.substr(0, end + 2);
  buffer.erase(0, end + 4);
  r.status = std::atoi(r.head.c_str() + 9);
  size_t length = 0;
  std::string cl = r.Header("Content-Length");
  if (!cl.empty() && !head_request && r.status != 304) length = std::stoul(cl);
  while (buffer.size() < length)
    if (!fill()) break;
  r.body = buffer.substr(0, std::min(length, buffer.size()));
  buffer.erase(0, r.body.size());
  if (r.Header("Connection") == "close") {
    r.closed = !fill() && buffer.empty();
  }
  return r;
}

HttpResponse Send(int port, const std::string& raw, bool head_request = false) {
  int fd = Connect(port);
  if (fd < 0) return {};
  send(fd, raw.data(), raw.size(), MSG_NOSIGNAL);
  std::string buffer;
  HttpResponse r = ReadResponse(fd, buffer, head_request);
  close(fd);
  return r;
}

HttpResponse Get(int port, const std::string& target, const std::string& headers = "") {
  return Send(port, "GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" + headers + "\r\n");
}

HttpResponse Post(int port, const std::string& target, const std::string& type, const std::string& body) {
  return Send(port, "POST " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: " + type +
                        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

std::string FeedbackJson(const std::string& article, const std::string& comment = "",
                         const std::string& category = "helpful", bool helpful = true) {
  nlohmann::json j = {
      {"article", article}, {"helpful", helpful}, {"category", category}, {"comment", comment}};
  return j.dump();
}

// One database with the demo imported, shared by the tests of a suite.
class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(TempDir("serve"));
    db_ = new std::string((*dir_ / "v.db").string());
    std::string out;
    ASSERT_EQ(RunVetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + *db_, &out), 0) << out;
    server_ =
        new Server(*db_, {"--feedback-rate", "600", "--feedback-burst", "600", "--ops-token", kOpsToken});
    ASSERT_GT(server_->port(), 0) << server_->log();
  }
  static void TearDownTestSuite() {
    delete server_;
    fs::remove_all(*dir_);
    delete dir_;
    delete db_;
  }
  static int port() { return server_->port(); }
  static inline fs::path* dir_ = nullptr;
  static inline std::string* db_ = nullptr;
  static inline Server* server_ = nullptr;
};

TEST_F(ServeTest, ServesTheFlagshipWithValidatorsAndSecurityHeaders) {
  HttpResponse r = Get(port(), kFlagship);
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_NE(r.body.find("<h1"), std::string::npos);
  EXPECT_NE(r.body.find("Why you might cry during or after sex"), std::string::npos);
  EXPECT_NE(r.body.find("action=\"/search/\""), std::string::npos) << "search box in the header";
  EXPECT_NE(r.Header("ETag"), "");
  EXPECT_NE(r.Header("Last-Modified"), "");
  EXPECT_EQ(r.Header("Cache-Control"), "no-cache");
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(r.Header("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(r.Header("Content-Security-Policy").find("unsafe-inline"), std::string::npos);
  EXPECT_NE(r.Header("Referrer-Policy"), "");
  EXPECT_NE(r.Header("Permissions-Policy"), "");

  HttpResponse again = Get(port(), kFlagship, "If-None-Match: " + r.Header("ETag") + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  HttpResponse br = Get(port(), kFlagship, "Accept-Encoding: gzip, br\r\n");
  EXPECT_EQ(br.Header("Content-Encoding"), "br");
  EXPECT_LT(br.body.size(), r.body.size() / 2);
  HttpResponse gz = Get(port(), kFlagship, "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(gz.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(gz.body.substr(0, 2), std::string("\x1f\x8b"));
  EXPECT_NE(gz.Header("ETag"), r.Header("ETag")) << "each encoding has its own strong ETag";
  EXPECT_EQ(
      Get(port(), kFlagship, "If-None-Match: " + gz.Header("ETag") + "\r\nAccept-Encoding: gzip\r\n").status,
      304);
}

TEST_F(ServeTest, HeadAnnouncesTheLengthWithoutABody) {
  HttpResponse get = Get(port(), kFlagship);
  HttpResponse head =
      Send(port(), "HEAD " + kFlagship + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Length"), std::to_string(get.body.size()));
  EXPECT_TRUE(head.body.empty());
}

TEST_F(ServeTest, RedirectsAliasesAndFolderUrls) {
  HttpResponse alias = Get(port(), "/why-do-i-cry-during-sex/");
  EXPECT_EQ(alias.status, 301);
  EXPECT_EQ(alias.Header("Location"), kFlagship);
  HttpResponse slashless = Get(port(), kFlagship.substr(0, kFlagship.size() - 1));
  EXPECT_EQ(slashless.status, 301);
  EXPECT_EQ(slashless.Header("Location"), kFlagship);
}

TEST_F(ServeTest, UnknownPagesGetThe404PageWithASearchBox) {
  HttpResponse r = Get(port(), "/no/such/page/");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("name=\"q\""), std::string::npos);
  EXPECT_EQ(Get(port(), "/a/../etc/passwd").status, 400);
  EXPECT_EQ(Get(port(), "/%2e%2e/x").status, 400);
}

TEST_F(ServeTest, EveryBuiltFileIsServed) {
  fs::path out = *dir_ / "built";
  std::string text;
  ASSERT_EQ(RunVetted("build " + std::string(VETTED_SOURCE_DIR) + "/demo -o " + out.string() + " -q", &text),
            0)
      << text;
  size_t pages = 0;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (!e.is_regular_file()) continue;
    std::string rel = e.path().lexically_relative(out).generic_string();
    if (rel == ".vetted-output" || rel == "404.html") continue;
    // The static search's index is for static hosts; the server answers /search/ itself.
    if (rel.rfind("search/", 0) == 0 && rel != "search/index.html") continue;
    std::string url = "/" + rel;
    if (url.size() >= 10 && url.compare(url.size() - 10, 10, "index.html") == 0) url.resize(url.size() - 10);
    HttpResponse r = Get(port(), url);
    if (rel.find("why-do-i-cry") == 0) {
      EXPECT_EQ(r.status, 301) << url;  // the alias: a real redirect instead of the static redirect page
      continue;
    }
    EXPECT_EQ(r.status, 200) << url;
    ++pages;
  }
  EXPECT_GT(pages, 20u);
}

TEST_F(ServeTest, SearchPageAndApiFindTheFlagshipByAStemmedWord) {
  HttpResponse html = Get(port(), "/search?q=cried");
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("href=\"" + kFlagship + "\""), std::string::npos);
  EXPECT_NE(html.body.find("<mark>"), std::string::npos);
  EXPECT_EQ(html.Header("Cache-Control"), "no-store");

  HttpResponse api = Get(port(), "/api/search?q=crying+sex");
  ASSERT_EQ(api.status, 200);
  auto j = nlohmann::json::parse(api.body);
  ASSERT_FALSE(j["results"].empty());
  EXPECT_EQ(j["results"][0]["url"], kFlagship);
  EXPECT_GE(j["total"].get<int>(), 1);
  EXPECT_FALSE(j["results"][0]["snippet"].get<std::string>().empty());

  HttpResponse none = Get(port(), "/search?q=zzqxjv");
  EXPECT_EQ(none.status, 200);
  EXPECT_NE(none.body.find("/relationships/"), std::string::npos) << "no results: suggests sections";
  HttpResponse hostile = Get(port(), "/api/search?q=%22NEAR(%20title:*%20-%00");
  EXPECT_EQ(hostile.status, 200) << hostile.body;
}

TEST_F(ServeTest, FeedbackApiStoresDurablyAndValidates) {
  HttpResponse ok = Post(port(), "/api/feedback", "application/json",
                         FeedbackJson(kFlagship, "Call me on 07700 900123 or a@b.example", "error", false));
  ASSERT_EQ(ok.status, 201) << ok.body;
  int64_t id = nlohmann::json::parse(ok.body)["id"].get<int64_t>();
  EXPECT_GT(id, 0);

  EXPECT_EQ(Post(port(), "/api/feedback", "application/json", "{not json").status, 400);
  EXPECT_EQ(Post(port(), "/api/feedback", "application/json", FeedbackJson(kFlagship, "", "praise")).status,
            400);
  EXPECT_EQ(Post(port(), "/api/feedback", "application/json", FeedbackJson(kFlagship, std::string(2001, 'x')))
                .status,
            400);
  EXPECT_EQ(Post(port(), "/api/feedback", "application/json", FeedbackJson(kFlagship, std::string(2000, 'x')))
                .status,
            201);
  HttpResponse unknown = Post(port(), "/api/feedback", "application/json", FeedbackJson("/no/such/"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("error"), std::string::npos);
  EXPECT_EQ(Post(port(), "/api/feedback", "text/plain", FeedbackJson(kFlagship)).status, 415);

  std::string text;
  ASSERT_EQ(RunVetted("feedback export --db " + *db_ + " --format json", &text), 0) << text;
  auto rows = nlohmann::json::parse(text);
  bool found = false;
  for (const auto& row : rows) {
    if (row["id"].get<int64_t>() != id) continue;
    found = true;
    std::string comment = row["comment"];
    EXPECT_EQ(comment.find("07700"), std::string::npos) << comment;
    EXPECT_EQ(comment.find("a@b.example"), std::string::npos) << comment;
    EXPECT_EQ(row["article"], kFlagship);
    EXPECT_EQ(row["revision"].get<std::string>().rfind("sha256:", 0), 0u);
    EXPECT_EQ(row["category"], "error");
  }
  EXPECT_TRUE(found);
  ASSERT_EQ(RunVetted("feedback export --db " + *db_ + " --format csv", &text), 0);
  EXPECT_EQ(text.rfind("id,created_at,article_url", 0), 0u);
}

TEST_F(ServeTest, FeedbackFormWorksWithoutJavaScript) {
  std::string form = "article=" + kFlagship + "&helpful=yes&category=helpful&comment=Clear+and+kind&website=";
  HttpResponse r = Post(port(), "/feedback", "application/x-www-form-urlencoded", form);
  ASSERT_EQ(r.status, 303) << r.body;
  std::string location = r.Header("Location");
  EXPECT_EQ(location.rfind("/feedback/thanks/", 0), 0u);
  HttpResponse thanks = Get(port(), location);
  EXPECT_EQ(thanks.status, 200);
  EXPECT_NE(thanks.body.find("href=\"" + kFlagship + "\""), std::string::npos);

  HttpResponse bad = Post(port(), "/feedback", "application/x-www-form-urlencoded", "article=" + kFlagship);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("<html"), std::string::npos);
}

TEST_F(ServeTest, HoneypotIsAnsweredButNotStored) {
  std::string before, after;
  ASSERT_EQ(RunVetted("feedback export --db " + *db_ + " --format json", &before), 0);
  nlohmann::json j = nlohmann::json::parse(FeedbackJson(kFlagship, "buy now"));
  j["website"] = "http://spam.example";
  EXPECT_EQ(Post(port(), "/api/feedback", "application/json", j.dump()).status, 201);
  ASSERT_EQ(RunVetted("feedback export --db " + *db_ + " --format json", &after), 0);
  EXPECT_EQ(nlohmann::json::parse(before).size(), nlohmann::json::parse(after).size());
}

TEST_F(ServeTest, HealthAndMetrics) {
  HttpResponse h = Get(port(), "/healthz");
  for (int i = 0; i < 100 && h.status == 503; ++i) {  // "warming" just after start-up
    std::this_thread::sleep_for(20ms);
    h = Get(port(), "/healthz");
  }
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(nlohmann::json::parse(h.body)["status"], "ok");
  Get(port(), kFlagship);
  Get(port(), kFlagship);
  // /metrics is the operator's: refused without the token, served with it.
  EXPECT_EQ(Get(port(), "/metrics").status, 401);
  EXPECT_EQ(Get(port(), "/metrics", "Authorization: Bearer wrong\r\n").status, 401);
  HttpResponse m = Get(port(), "/metrics", "Authorization: Bearer " + kOpsToken + "\r\n");
  EXPECT_EQ(m.status, 200);
  for (const char* name : {"vetted_http_requests_total{", "vetted_http_request_duration_seconds_bucket{",
                           "vetted_cache_hits_total ", "vetted_feedback_total{result=\"accepted\"}",
                           "# TYPE vetted_http_requests_total counter"})
    EXPECT_NE(m.body.find(name), std::string::npos) << name;
}

TEST_F(ServeTest, AmbiguousFramingIsRefusedAndTheConnectionClosed) {
  const std::string post = "POST /api/feedback HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n";
  for (const std::string& raw : {
           post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
           post + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
           std::string("POST /api/feedback HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
           std::string("GET / HTTP/1.1\r\nHost : t\r\n\r\n"),
       }) {
    HttpResponse r = Send(port(), raw);
    EXPECT_EQ(r.status, 400) << raw;
    EXPECT_EQ(r.Header("Connection"), "close") << raw;
  }
  EXPECT_EQ(Send(port(), "GET / HTTP/1.1\r\nHost: t\r\nX: " + std::string(9000, 'a') + "\r\n\r\n").status,
            431);
  EXPECT_EQ(Post(port(), "/api/feedback", "application/json", std::string(17 * 1024, ' ')).status, 413);
}

// Bounded memory (docs/reliability.md): a body over its route's limit is
// answered 413 on its declared length, before any of it is read (only the
// heads are sent here: were the server waiting for the body, the connection
// would close at the body timeout without an answer), and a chunked body as
// soon as it passes the limit, without the rest being read.
TEST_F(ServeTest, OversizedBodiesAreRefusedBeforeTheyAreRead) {
  const std::string images =
      "POST /admin/library/images HTTP/1.1\r\nHost: t\r\n"
      "Content-Type: multipart/form-data; boundary=b\r\n";
  const std::string feedback = "POST /api/feedback HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n";
  struct Case {
    const char* name;
    std::string head;
  };
  const Case cases[] = {
      {"a gigabyte to the image upload", images + "Content-Length: 1073741824\r\n\r\n"},
      {"one byte over the image upload's 10 MiB", images + "Content-Length: 10485761\r\n\r\n"},
      {"a gigabyte of feedback", feedback + "Content-Length: 1073741824\r\n\r\n"},
      {"feedback one byte over 16 KiB", feedback + "Content-Length: 16385\r\n\r\n"},
      {"a body on a page", "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1073741824\r\n\r\n"},
      {"a chunk of 4 GB declared to the image upload",
       images + "Transfer-Encoding: chunked\r\n\r\nffffffff\r\n"},
      {"a chunk of 17 KiB declared to feedback", feedback + "Transfer-Encoding: chunked\r\n\r\n4400\r\n"},
  };
  for (const Case& c : cases) {
    HttpResponse r = Send(port(), c.head);
    EXPECT_EQ(r.status, 413) << c.name;
    EXPECT_EQ(r.Header("Connection"), "close") << c.name;
  }
  // Ten chunks of 1 MiB are read (the route's limit); the size line of one
  // more byte is answered at once, its data never sent.
  const std::string mib(1 << 20, 'x');
  std::string upload = images + "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 10; ++i) upload += "100000\r\n" + mib + "\r\n";
  HttpResponse over = Send(port(), upload + "1\r\n");
  EXPECT_EQ(over.status, 413);
  // At the limit the body is read whole and reaches the route, whose gate
  // refuses it (no session): the limit is the route's, not lower.
  HttpResponse at = Send(port(), upload + "0\r\n\r\n");
  EXPECT_NE(at.status, 413);
  EXPECT_GE(at.status, 300) << "refused by the sign-in gate";
  // The server still answers.
  EXPECT_EQ(Get(port(), kFlagship).status, 200);
}

TEST(ServeProcessTest, ReimportIsServedWithinASecondWithoutRestart) {
  fs::path dir = TempDir("reload");
  fs::path site = dir / "site";
  fs::copy(std::string(VETTED_SOURCE_DIR) + "/demo", site, fs::copy_options::recursive);
  std::string db = (dir / "v.db").string(), out;
  ASSERT_EQ(RunVetted("import " + site.string() + " --db " + db, &out), 0) << out;
  Server server(db);
  ASSERT_GT(server.port(), 0) << server.log();
  ASSERT_EQ(Get(server.port(), kFlagship).status, 200);
  fs::path article = site / "content/relationships/sex-and-relationships/why-you-might-cry-during-sex.md";
  std::ofstream(article, std::ios::binary | std::ios::app) << "\nA sentence added by the reload test.\n";
  ASSERT_EQ(RunVetted("import " + site.string() + " --db " + db, &out), 0) << out;
  EXPECT_NE(out.find("1 changed"), std::string::npos) << out;
  auto imported = std::chrono::steady_clock::now();
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() - imported < 1s) {
    seen = Get(server.port(), kFlagship).body.find("added by the reload test") != std::string::npos;
    if (!seen) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(seen) << server.log();
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  fs::remove_all(dir);
}

// An idle server stops at once on SIGTERM and says so.
TEST(ServeProcessTest, SigtermStopsAnIdleServerWithinASecond) {
  fs::path dir = TempDir("sigterm");
  std::string db = (dir / "v.db").string(), out;
  ASSERT_EQ(RunVetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + db + " -q", &out), 0)
      << out;
  Server server(db);
  ASSERT_GT(server.port(), 0) << server.log();
  ASSERT_EQ(Get(server.port(), kFlagship).status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  std::string log = server.log();
  EXPECT_NE(log.find("stopping: SIGTERM, "), std::string::npos) << log;
  EXPECT_NE(log.find("\nstopped after "), std::string::npos) << log;
  EXPECT_LT(log.find("stopping: SIGTERM"), log.find("\nstopped after ")) << log;
  fs::remove_all(dir);
}

TEST(ServeProcessTest, ImportReportsWhatChangedAndRefusesBrokenSites) {
  fs::path dir = TempDir("import");
  fs::path site = dir / "site";
  fs::copy(std::string(VETTED_SOURCE_DIR) + "/demo", site, fs::copy_options::recursive);
  std::string db = (dir / "v.db").string(), out;
  ASSERT_EQ(RunVetted("import " + site.string() + " --db " + db, &out), 0) << out;
  EXPECT_NE(out.find("6 added, 0 changed, 0 removed, 0 unchanged"), std::string::npos) << out;
  ASSERT_EQ(RunVetted("import " + site.string() + " --db " + db, &out), 0) << out;
  EXPECT_NE(out.find("0 added, 0 changed, 0 removed, 6 unchanged"), std::string::npos) << out;
  fs::path gone = site / "content/relationships/emotional-health/what-to-do-when-you-feel-emotional.md";
  std::string kept = Read(gone);
  fs::remove(gone);
  // Nothing links to it? If something does, the import must refuse instead.
  int code = RunVetted("import " + site.string() + " --db " + db, &out);
  if (code == 0) {
    EXPECT_NE(out.find("1 removed"), std::string::npos) << out;
    EXPECT_NE(
        out.find("removed content/relationships/emotional-health/what-to-do-when-you-feel-emotional.md"),
        std::string::npos)
        << out;
  } else {
    EXPECT_NE(out.find("nothing was imported"), std::string::npos) << out;
  }
  std::ofstream(gone, std::ios::binary) << kept;
  ASSERT_EQ(RunVetted("import " + site.string() + " --db " + db, &out), 0) << out;

  fs::path broken = site / "content/relationships/broken.md";
  std::ofstream(broken)
      << "---\ntitle: Broken\ndescription: x\nauthors: [nobody-at-all]\npublished: 2026-01-01\n---\n"
         "Text [@no-such-key].\n";
  EXPECT_EQ(RunVetted("import " + site.string() + " --db " + db, &out), 1) << out;
  EXPECT_NE(out.find("broken.md:"), std::string::npos) << out;
  EXPECT_NE(out.find("nothing was imported"), std::string::npos) << out;
  fs::remove_all(dir);
}

// Removes the "Related articles" block, the one part of an article page
// that comes from the search index when exported (and from section and tag
// scoring when built).
std::string WithoutRelated(std::string html) {
  size_t start = html.find("<section id=\"related\"");
  if (start == std::string::npos) return html;
  size_t end = html.find("</section>", start);
  return html.erase(start, end + 10 - start);
}

TEST(ServeProcessTest, ExportWritesTheSamePagesAsBuild) {
  fs::path dir = TempDir("export");
  std::string demo = std::string(VETTED_SOURCE_DIR) + "/demo", db = (dir / "v.db").string(), out;
  ASSERT_EQ(RunVetted("build " + demo + " -o " + (dir / "built").string() + " -q", &out), 0) << out;
  ASSERT_EQ(RunVetted("import " + demo + " --db " + db + " -q", &out), 0) << out;
  ASSERT_EQ(RunVetted("export --db " + db + " -o " + (dir / "exported").string() + " -q", &out), 0) << out;
  std::set<std::string> built, exported;
  for (const auto& e : fs::recursive_directory_iterator(dir / "built"))
    if (e.is_regular_file()) built.insert(e.path().lexically_relative(dir / "built").generic_string());
  for (const auto& e : fs::recursive_directory_iterator(dir / "exported"))
    if (e.is_regular_file()) exported.insert(e.path().lexically_relative(dir / "exported").generic_string());
  EXPECT_EQ(built, exported);
  size_t identical = 0;
  for (const auto& rel : built) {
    std::string a = Read(dir / "built" / rel), b = Read(dir / "exported" / rel);
    if (a == b) {
      ++identical;
      continue;
    }
    EXPECT_EQ(WithoutRelated(a), WithoutRelated(b)) << rel;
  }
  EXPECT_GT(identical, built.size() / 2);
  fs::remove_all(dir);
}

TEST(ServeProcessTest, OpsListenServesMetricsThereOnly) {
  fs::path dir = TempDir("serve-ops");
  std::string db = (dir / "v.db").string(), out;
  ASSERT_EQ(RunVetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + db, &out), 0) << out;
  Server server(db, {"--ops-listen", "127.0.0.1:0"});
  ASSERT_GT(server.port(), 0) << server.log();
  int ops_port = 0;
  for (int i = 0; i < 100 && ops_port == 0; ++i) {
    std::string log = server.log();
    size_t at = log.find("ops listening on http://127.0.0.1:");
    if (at != std::string::npos) ops_port = std::atoi(log.c_str() + at + 34);
    if (ops_port == 0) std::this_thread::sleep_for(20ms);
  }
  ASSERT_GT(ops_port, 0) << server.log();
  EXPECT_NE(ops_port, server.port());
  EXPECT_EQ(Get(server.port(), "/metrics").status, 403);  // no token configured: closed here
  EXPECT_EQ(Get(server.port(), "/").status, 200);
  HttpResponse m = Get(ops_port, "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("vetted_http_requests_total"), std::string::npos);
  EXPECT_EQ(Get(ops_port, "/").status, 404);  // the ops listener serves the ops routes only
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  fs::remove_all(dir);
}

TEST(ServeProcessTest, ServeWithoutADatabaseSaysHowToMakeOne) {
  std::string out;
  EXPECT_EQ(RunVetted("serve --db /nonexistent/v.db --listen 127.0.0.1:0", &out), 2);
  EXPECT_NE(out.find("vetted import"), std::string::npos) << out;
}

}  // namespace
