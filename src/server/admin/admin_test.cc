// The admin group through App (server/app.h) over a memory store: sign-in,
// sessions, CSRF and origin checks, throttling, roles.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "load/load.h"
#include "newsroom/newsroom.h"
#include "server/admin/internal.h"
#include "server/admin/routes.h"
#include "server/app.h"
#include "store/open.h"

namespace vetted::server {
namespace {

using nlohmann::json;

const std::string kHost = "127.0.0.1:8080";
const std::string kOrigin = "http://127.0.0.1:8080";
const std::string kPassword = "tram-lamp-orbit";

store::ImportInput TinySite() {
  std::string front = "title: Sleep\ndescription: About sleep.\nauthors: [wendy]\npublished: 2026-01-10\n";
  std::string body = "\nSleep matters.\n";
  std::vector<Diagnostic> diagnostics;
  std::string file = "---\n" + front + "---\n" + body;
  store::ImportInput in;
  in.files = {{"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
              {"people/wendy.md",
               "---\nname: Wendy Writer\nroles: [writer]\nsummary: A fictional writer.\n---\nBio.\n"}};
  store::ArticleSource a;
  a.path = "content/sleep.md";
  a.url = "/sleep/";
  a.revision = load::ParseArticle(file, "content/sleep.md", diagnostics).revision;
  a.bytes = file;
  a.search.title = "Sleep";
  in.articles.push_back(a);
  return in;
}

// Form encoding of a few ASCII values (tests use no reserved characters but '@').
std::string Form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k + '=';
    for (char c : v) out += c == '@' ? std::string("%40") : std::string(1, c);
  }
  return out;
}

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> s = store::Open("memory:");
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Import(TinySite()).ok());
    AppOptions options;
    options.reload_poll = std::chrono::hours(1);
    options.clock = &clock_;
    options.password_cost = newsroom::kTestPasswordCost;
    auto app = App::Open(*store_, options, nullptr, nullptr);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
    newsroom::AccountsOptions ao;
    ao.clock = &clock_;
    ao.cost = newsroom::kTestPasswordCost;
    accounts_ = std::make_unique<newsroom::Accounts>(*store_->Accounts(), ao);
    ASSERT_TRUE(accounts_->Add("writer@x.org", newsroom::kWriter, "wendy", kPassword).ok());
    ASSERT_TRUE(accounts_->Add("admin@x.org", newsroom::kAdmin, "", kPassword).ok());
  }

  Response Call(Request req) {
    Response out;
    out.status = 0;
    req.client = req.client.empty() ? "192.0.2.1" : req.client;
    app_->Handle(std::move(req), [&out](Response res) { out = std::move(res); });
    return out;
  }
  Response Get(const std::string& target, const std::string& cookie = "") {
    Request req;
    req.method = "GET";
    req.target = target;
    req.headers = {{"Host", kHost}};
    if (!cookie.empty()) req.headers.emplace_back("Cookie", cookie);
    return Call(std::move(req));
  }
  Response Post(const std::string& target, const std::string& body, Fields headers,
                const std::string& client = "192.0.2.1") {
    Request req;
    req.method = "POST";
    req.target = target;
    req.headers = {{"Host", kHost}, {"Content-Type", "application/x-www-form-urlencoded"}};
    for (auto& h : headers) req.headers.push_back(h);
    req.body = body;
    req.client = client;
    return Call(std::move(req));
  }
  Response Login(const std::string& email, const std::string& password,
                 const std::string& client = "192.0.2.1") {
    return Post("/admin/login", Form({{"email", email}, {"password", password}}), {{"Origin", kOrigin}},
                client);
  }
  // Signs in; the "name=value" of the session cookie ("" on failure).
  std::string SignIn(const std::string& email) {
    Response res = Login(email, kPassword);
    EXPECT_EQ(res.status, 303) << res.Body();
    for (const auto& [k, v] : res.headers)
      if (k == "Set-Cookie" && v.rfind("vetted-session=", 0) == 0) return v.substr(0, v.find(';'));
    return "";
  }
  std::string Csrf(const std::string& cookie) {
    Response res = Get("/admin/api/session", cookie);
    EXPECT_EQ(res.status, 200) << res.Body();
    return json::parse(res.Body()).value("csrf", "");
  }

  util::FixedClock clock_{1'800'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<App> app_;
  std::unique_ptr<newsroom::Accounts> accounts_;
};

TEST_F(AdminTest, LoginFormIsLabelledAndStrict) {
  Response res = Get("/admin/login");
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.Body().find("<label for=\"email\">"), std::string::npos);
  EXPECT_NE(res.Body().find("name=\"password\""), std::string::npos);
  EXPECT_NE(res.Body().find("name=\"csrf\""), std::string::npos);
  EXPECT_EQ(res.Body().find("<script"), std::string::npos);
  EXPECT_EQ(res.Header("Cache-Control"), "no-store");
  EXPECT_NE(res.Header("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(res.Header("Content-Security-Policy").find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(res.Header("X-Frame-Options"), "DENY");
}

TEST_F(AdminTest, LoginSetsANewSessionCookieEachTime) {
  Response res = Login("Writer@x.org", kPassword);
  ASSERT_EQ(res.status, 303) << res.Body();
  EXPECT_EQ(res.Header("Location"), "/admin/");
  std::string cookie = std::string(res.Header("Set-Cookie"));
  for (const auto& [k, v] : res.headers)
    if (k == "Set-Cookie" && v.rfind("vetted-session=", 0) == 0) cookie = v;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  std::string one = SignIn("writer@x.org"), two = SignIn("writer@x.org");
  EXPECT_GE(one.size(), std::string("vetted-session=").size() + 32);  // 128+ bits
  EXPECT_NE(one, two);
  Response home = Get("/admin/", one);
  ASSERT_EQ(home.status, 200);
  EXPECT_NE(home.Body().find("writer@x.org"), std::string::npos);
  EXPECT_NE(home.Body().find("Roles: writer"), std::string::npos);
  json session = json::parse(Get("/admin/api/session", two).Body());
  EXPECT_EQ(session["email"], "writer@x.org");
  EXPECT_EQ(session["roles"], json::array({"writer"}));
  EXPECT_EQ(session["csrf"].get<std::string>().size(), 64u);
}

TEST_F(AdminTest, WrongPasswordIs401WithTheFormAndAnAlert) {
  Response res = Login("writer@x.org", "not-the-password");
  EXPECT_EQ(res.status, 401);
  EXPECT_NE(res.Body().find("role=\"alert\""), std::string::npos);
  EXPECT_NE(res.Body().find("value=\"writer@x.org\""), std::string::npos);
  EXPECT_EQ(Login("nobody@x.org", kPassword).status, 401);
}

TEST_F(AdminTest, EleventhFailureIs429WithRetryAfter) {
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(Login("writer@x.org", "guess-" + std::to_string(i)).status, 401) << i;
  Response res = Login("writer@x.org", kPassword);
  EXPECT_EQ(res.status, 429);
  EXPECT_GT(std::stoll(std::string(res.Header("Retry-After"))), 0);
  EXPECT_NE(res.Body().find("Too many failed sign-ins"), std::string::npos);
  // The account's owner from another address is not locked out.
  EXPECT_EQ(Login("writer@x.org", kPassword, "198.51.100.7").status, 303);
}

TEST_F(AdminTest, NotSignedInIs401ForTheApiAndARedirectForPages) {
  Response api = Get("/admin/api/session");
  EXPECT_EQ(api.status, 401);
  EXPECT_TRUE(json::parse(api.Body()).contains("error"));
  Response page = Get("/admin/");
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(page.Header("Location"), "/admin/login");
  EXPECT_EQ(Get("/admin/api/session", "vetted-session=" + std::string(64, 'a')).status, 401);
}

TEST_F(AdminTest, CrossSiteAndMissingCsrfPostsAre403) {
  std::string cookie = SignIn("writer@x.org");
  std::string csrf = Csrf(cookie);
  // Cross-site, even with the right token.
  Response cross =
      Post("/admin/logout", Form({{"csrf", csrf}}), {{"Cookie", cookie}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(cross.status, 403);
  EXPECT_NE(cross.Body().find("another site"), std::string::npos);
  Response fetch_site =
      Post("/admin/logout", Form({{"csrf", csrf}}), {{"Cookie", cookie}, {"Sec-Fetch-Site", "cross-site"}});
  EXPECT_EQ(fetch_site.status, 403);
  // Same origin, no token / a wrong token.
  EXPECT_EQ(Post("/admin/logout", "", {{"Cookie", cookie}, {"Origin", kOrigin}}).status, 403);
  EXPECT_EQ(Post("/admin/logout", Form({{"csrf", "x"}}), {{"Cookie", cookie}, {"Origin", kOrigin}}).status,
            403);
  EXPECT_EQ(Get("/admin/api/session", cookie).status, 200);  // still signed in
  // A cross-site sign-in form is refused too (login CSRF).
  Response login = Post("/admin/login", Form({{"email", "writer@x.org"}, {"password", kPassword}}),
                        {{"Origin", "https://evil.example"}});
  EXPECT_EQ(login.status, 403);
}

TEST_F(AdminTest, LogoutRevokesTheSessionServerSide) {
  std::string cookie = SignIn("writer@x.org");
  std::string csrf = Csrf(cookie);
  Response out = Post("/admin/logout", Form({{"csrf", csrf}}), {{"Cookie", cookie}, {"Origin", kOrigin}});
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(out.Header("Location"), "/admin/login");
  // The old cookie, replayed, no longer works.
  EXPECT_EQ(Get("/admin/api/session", cookie).status, 401);
}

TEST_F(AdminTest, ExpiredSessionIsRefused) {
  std::string cookie = SignIn("writer@x.org");
  clock_.Advance(newsroom::kSessionIdleSeconds + 1);
  EXPECT_EQ(Get("/admin/api/session", cookie).status, 401);
  std::string busy = SignIn("writer@x.org");
  for (long long t = 0; t < newsroom::kSessionMaxSeconds; t += 25 * 60) {
    clock_.Advance(25 * 60);
    if (t + 25 * 60 <= newsroom::kSessionMaxSeconds)
      ASSERT_EQ(Get("/admin/api/session", busy).status, 200) << t;
  }
  EXPECT_EQ(Get("/admin/api/session", busy).status, 401);
}

TEST_F(AdminTest, DisabledAccountIsRefusedAtOnce) {
  std::string cookie = SignIn("writer@x.org");
  ASSERT_TRUE(accounts_->Disable("writer@x.org").ok());
  EXPECT_EQ(Get("/admin/api/session", cookie).status, 401);
  Response again = Login("writer@x.org", kPassword);
  EXPECT_EQ(again.status, 403);
  EXPECT_NE(again.Body().find("disabled"), std::string::npos);
}

TEST(AdminRefuse, ARefusalPageLinksFromItsOwnFolder) {
  EXPECT_EQ(admin::UpToAdmin("/admin/"), "");
  EXPECT_EQ(admin::UpToAdmin("/admin/due"), "");
  EXPECT_EQ(admin::UpToAdmin("/admin/articles/new"), "../");
  EXPECT_EQ(admin::UpToAdmin("/admin/articles/7/edit"), "../../");
  Request req;
  req.method = "GET";
  req.target = "/admin/articles/new?x=1";
  Response res = admin::Refuse(req, 403, "Forbidden: needs the role writer", "forbidden");
  EXPECT_EQ(res.status, 403);
  EXPECT_NE(res.body.find("href=\"../admin.css\""), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("href=\"admin.css\""), std::string::npos);
  req.target = "/admin/api/articles/7";
  EXPECT_EQ(admin::Refuse(req, 403, "no", "forbidden").body.find("<html"), std::string::npos);
}

TEST_F(AdminTest, RoleRoutesNeedTheRole) {
  std::string writer = SignIn("writer@x.org");
  Response refused = Get("/admin/api/accounts", writer);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(json::parse(refused.Body())["error"].get<std::string>().find("admin"), std::string::npos);
  std::string admin = SignIn("admin@x.org");
  Response ok = Get("/admin/api/accounts", admin);
  ASSERT_EQ(ok.status, 200) << ok.Body();
  EXPECT_EQ(json::parse(ok.Body())["accounts"].size(), 2u);
  EXPECT_EQ(ok.Body().find("argon2"), std::string::npos);  // no secrets
}

TEST_F(AdminTest, OneTimePasswordMustBeChangedFirst) {
  Result<newsroom::Accounts::Added> added = accounts_->Add("new@x.org", newsroom::kEditor, "", std::nullopt);
  ASSERT_TRUE(added.ok());
  std::string otp = added->one_time_password;
  Response in = Login("new@x.org", otp);
  ASSERT_EQ(in.status, 303);
  EXPECT_EQ(in.Header("Location"), "/admin/password");
  std::string cookie;
  for (const auto& [k, v] : in.headers)
    if (k == "Set-Cookie" && v.rfind("vetted-session=", 0) == 0) cookie = v.substr(0, v.find(';'));
  EXPECT_EQ(Get("/admin/", cookie).Header("Location"), "/admin/password");
  std::string csrf = Csrf(cookie);
  Fields h = {{"Cookie", cookie}, {"Origin", kOrigin}};
  Response weak =
      Post("/admin/password",
           Form({{"csrf", csrf}, {"current", otp}, {"new", "password1"}, {"confirm", "password1"}}), h);
  EXPECT_EQ(weak.status, 400);
  EXPECT_NE(weak.Body().find("common"), std::string::npos);
  Response done = Post(
      "/admin/password",
      Form(
          {{"csrf", csrf}, {"current", otp}, {"new", "quiet-river-stone"}, {"confirm", "quiet-river-stone"}}),
      h);
  EXPECT_EQ(done.status, 303) << done.Body();
  EXPECT_EQ(Get("/admin/", cookie).status, 200);
}

TEST_F(AdminTest, TwoStepSignIn) {
  std::string cookie = SignIn("writer@x.org");
  Response page = Get("/admin/two-factor", cookie);
  ASSERT_EQ(page.status, 200) << page.Body();
  EXPECT_NE(page.Body().find("<svg class=\"admin-qr\""), std::string::npos);
  EXPECT_NE(page.Body().find("aria-label="), std::string::npos);
  EXPECT_EQ(page.Body().find("<script"), std::string::npos);
  size_t at = page.Body().find("name=\"secret\" value=\"");
  ASSERT_NE(at, std::string::npos);
  at += std::string("name=\"secret\" value=\"").size();
  std::string secret = page.Body().substr(at, page.Body().find('"', at) - at);
  std::string key = *newsroom::Base32Decode(secret);
  Fields h = {{"Cookie", cookie}, {"Origin", kOrigin}};
  std::string csrf = Csrf(cookie);
  EXPECT_EQ(
      Post("/admin/two-factor", Form({{"csrf", csrf}, {"secret", secret}, {"code", "000000"}}), h).status,
      400);
  std::string code = newsroom::TotpCode(key, clock_.NowSeconds());
  ASSERT_EQ(Post("/admin/two-factor", Form({{"csrf", csrf}, {"secret", secret}, {"code", code}}), h).status,
            303);
  // Now the password alone is not enough.
  EXPECT_EQ(Login("writer@x.org", kPassword).status, 401);
  clock_.Advance(30);
  Response in = Post("/admin/login",
                     Form({{"email", "writer@x.org"},
                           {"password", kPassword},
                           {"code", newsroom::TotpCode(key, clock_.NowSeconds())}}),
                     {{"Origin", kOrigin}});
  EXPECT_EQ(in.status, 303) << in.Body();
}

TEST_F(AdminTest, RequiredTwoStepSignInForAdmins) {
  AppOptions options;
  options.reload_poll = std::chrono::hours(1);
  options.clock = &clock_;
  options.password_cost = newsroom::kTestPasswordCost;
  options.require_totp = true;
  app_.reset();
  auto app = App::Open(*store_, options, nullptr, nullptr);
  ASSERT_TRUE(app.ok());
  app_ = std::move(*app);
  Response in = Login("admin@x.org", kPassword);
  ASSERT_EQ(in.status, 303);
  EXPECT_EQ(in.Header("Location"), "/admin/two-factor");
  std::string admin = SignIn("admin@x.org");
  EXPECT_EQ(Get("/admin/", admin).Header("Location"), "/admin/two-factor");
  EXPECT_EQ(Get("/admin/api/accounts", admin).status, 403);
  EXPECT_EQ(Get("/admin/two-factor", admin).status, 200);
  // A writer is not asked.
  EXPECT_EQ(Get("/admin/", SignIn("writer@x.org")).status, 200);
}

TEST_F(AdminTest, SecureCookieNames) {
  EXPECT_EQ(SessionCookieName(true), "__Host-vetted-session");
  EXPECT_EQ(SessionCookieName(false), "vetted-session");
  EXPECT_EQ(CookieValue("a=1; vetted-session=abc; b=2", "vetted-session"), "abc");
  EXPECT_EQ(CookieValue("xvetted-session=abc", "vetted-session"), "");
}

}  // namespace
}  // namespace vetted::server

namespace vetted::server {
namespace {

// The newsroom's whole path over HTTP through App, with the sign-in gate:
// a writer drafts and submits, the writer cannot approve, a reviewer
// approves, neither writer nor reviewer can publish, an editor publishes,
// and the page readers get names the reviewer; a scheduled unpublication is
// carried out by the server's poller on its own.
class NewsroomPathTest : public AdminTest {
 protected:
  void AddReviewerAndEditor(const std::string& toml_extra = "") {
    store::ImportInput in = TinySite();
    in.files[0].bytes += toml_extra;
    in.files.push_back({"people/sam.md",
                        "---\nname: Sam Second\ncredentials: MD\nroles: [medical-reviewer]\nsummary: Another "
                        "fictional doctor.\n---\nBio.\n"});
    in.files.push_back({"people/rita.md",
                        "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
                        "fictional doctor.\n---\nBio.\n"});
    in.files.push_back(
        {"pages/editorial-process.md", "---\ntitle: Process\ndescription: How.\n---\nWe check.\n"});
    ASSERT_TRUE(store_->Import(in).ok());
    ASSERT_TRUE(app_->Reload().ok());
    ASSERT_TRUE(accounts_->Add("reviewer@x.org", newsroom::kReviewer, "rita", kPassword).ok());
    ASSERT_TRUE(accounts_->Add("editor@x.org", newsroom::kEditor, "", kPassword).ok());
    ASSERT_TRUE(accounts_->Add("second@x.org", newsroom::kReviewer, "sam", kPassword).ok());
  }
  // A JSON call as the account whose session cookie is `cookie`.
  Response Api(const std::string& method, const std::string& target, const json& body,
               const std::string& cookie) {
    Request req;
    req.method = method;
    req.target = target;
    req.headers = {{"Host", kHost},
                   {"Origin", kOrigin},
                   {"Content-Type", "application/json"},
                   {"Cookie", cookie},
                   {"X-CSRF-Token", Csrf(cookie)}};
    req.body = body.dump();
    return Call(std::move(req));
  }
};

TEST_F(NewsroomPathTest, DraftReviewPublishAndAScheduledUnpublish) {
  AddReviewerAndEditor();
  std::string writer = SignIn("writer@x.org"), reviewer = SignIn("reviewer@x.org"),
              editor = SignIn("editor@x.org");
  ASSERT_FALSE(writer.empty());
  // A long article: more than the 16 KiB other routes take.
  std::string body;
  while (body.size() < 40 * 1024) body += "Figs are a fruit that many people enjoy in late summer.\n\n";
  std::string source = "---\ntitle: Figs\ndescription: About figs.\nauthors: [wendy]\n---\n" + body;
  Response created =
      Api("POST", "/admin/api/articles", {{"path", "content/figs.md"}, {"source", source}}, writer);
  ASSERT_EQ(created.status, 201) << created.Body();
  json c = json::parse(created.Body());
  const std::string id = std::to_string(c["id"].get<int64_t>()), revision = c["revision"];
  const std::string base = "/admin/api/articles/" + id;
  EXPECT_EQ(Api("POST", base + "/submit", {{"revision", revision}}, writer).status, 200);
  EXPECT_EQ(Api("POST", base + "/approve", {{"revision", revision}}, writer).status, 403);  // a writer
  Response approved =
      Api("POST", base + "/approve", {{"revision", revision}, {"note", "Checked."}}, reviewer);
  ASSERT_EQ(approved.status, 200) << approved.Body();
  EXPECT_EQ(Api("POST", base + "/publish", {{"revision", revision}}, writer).status, 403);
  EXPECT_EQ(Api("POST", base + "/publish", {{"revision", revision}}, reviewer).status, 403);
  Response published = Api("POST", base + "/publish", {{"revision", revision}}, editor);
  ASSERT_EQ(published.status, 200) << published.Body();
  ASSERT_TRUE(app_->Reload().ok());
  Response page = Get("/figs/");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.Body().find("Rita Reviewer"), std::string::npos);
  EXPECT_NE(page.Body().find("Medically reviewed"), std::string::npos);
  EXPECT_NE(page.Body().find("late summer"), std::string::npos);

  // An unpublication an hour from now, carried out by a second App's poller
  // once the clock passes it (no request asks for it).
  Response scheduled =
      Api("POST", base + "/unpublish", {{"at", util::FormatIsoUtc(clock_.NowSeconds() + 3600)}}, editor);
  ASSERT_EQ(scheduled.status, 200) << scheduled.Body();
  AppOptions options;
  options.reload_poll = std::chrono::milliseconds(10);
  options.clock = &clock_;
  options.password_cost = newsroom::kTestPasswordCost;
  auto polling = App::Open(*store_, options, nullptr, nullptr);
  ASSERT_TRUE(polling.ok()) << polling.status().message();
  auto get = [&](const std::string& target) {
    Request req;
    req.method = "GET";
    req.target = target;
    req.headers = {{"Host", kHost}};
    Response out;
    (*polling)->Handle(std::move(req), [&out](Response res) { out = std::move(res); });
    return out.status;
  };
  EXPECT_EQ(get("/figs/"), 200);
  clock_.Advance(3601);
  int status = 200;
  for (int i = 0; i < 500 && status == 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    status = get("/figs/");
  }
  EXPECT_EQ(status, 404) << "the scheduled unpublication was not carried out";
}

// site.toml's approvals_for_new_or_major = 2: one approval is not enough to
// publish a new article; a second reviewer's is.
TEST_F(NewsroomPathTest, TheSiteCanAskForTwoReviewersOfANewArticle) {
  AddReviewerAndEditor("approvals_for_new_or_major = 2\n");
  std::string writer = SignIn("writer@x.org"), reviewer = SignIn("reviewer@x.org"),
              second = SignIn("second@x.org"), editor = SignIn("editor@x.org");
  std::string source = "---\ntitle: Figs\ndescription: About figs.\nauthors: [wendy]\n---\nFigs are fruit.\n";
  Response created =
      Api("POST", "/admin/api/articles", {{"path", "content/figs.md"}, {"source", source}}, writer);
  ASSERT_EQ(created.status, 201) << created.Body();
  json c = json::parse(created.Body());
  const std::string revision = c["revision"],
                    base = "/admin/api/articles/" + std::to_string(c["id"].get<int64_t>());
  EXPECT_EQ(Api("POST", base + "/submit", {{"revision", revision}}, writer).status, 200);
  EXPECT_EQ(Api("POST", base + "/approve", {{"revision", revision}}, reviewer).status, 200);
  Response early = Api("POST", base + "/publish", {{"revision", revision}}, editor);
  EXPECT_EQ(early.status, 403) << early.Body();
  EXPECT_EQ(Api("POST", base + "/approve", {{"revision", revision}}, second).status, 200);
  Response published = Api("POST", base + "/publish", {{"revision", revision}}, editor);
  EXPECT_EQ(published.status, 200) << published.Body();
}

}  // namespace
}  // namespace vetted::server
