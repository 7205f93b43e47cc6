// The accounts pages through App over a memory store: admins only, the
// one-time password shown once, the last admin kept, disabling ends sessions
// at once, CSRF, every change in the audit log.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "load/load.h"
#include "newsroom/newsroom.h"
#include "server/app.h"
#include "store/open.h"

namespace vetted::server {
namespace {

using nlohmann::json;

const std::string kHost = "127.0.0.1:8080";
const std::string kOrigin = "http://127.0.0.1:8080";
const std::string kPassword = "tram-lamp-orbit";

store::ImportInput Site() {
  store::ImportInput in;
  in.files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
      {"people/rita.md",
       "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
       "doctor.\n---\nBio.\n"}};
  std::string file =
      "---\ntitle: Sleep\ndescription: About sleep.\nauthors: [wendy]\npublished: 2026-01-10\n---\nSleep "
      "matters.\n";
  std::vector<Diagnostic> ignored;
  store::ArticleSource a;
  a.path = "content/sleep.md";
  a.url = "/sleep/";
  a.revision = load::ParseArticle(file, a.path, ignored).revision;
  a.bytes = file;
  a.search.title = "Sleep";
  in.articles.push_back(a);
  return in;
}

// Form encoding (tests use no reserved characters but '@').
std::string Form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k + '=';
    for (char c : v) out += c == '@' ? std::string("%40") : std::string(1, c);
  }
  return out;
}

bool Has(const Response& res, const std::string& text) {
  return res.Body().find(text) != std::string::npos;
}

class AccountsPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> s = store::Open("memory:");
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    Result<store::ImportReport> imported = store_->Import(Site());
    ASSERT_TRUE(imported.ok()) << imported.status().message();
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
    writer_id_ = accounts_->Add("writer@x.org", newsroom::kWriter, "wendy", kPassword)->record.id;
    admin_id_ = accounts_->Add("admin@x.org", newsroom::kAdmin, "", kPassword)->record.id;
    admin_ = SignIn("admin@x.org");
    csrf_ = Csrf(admin_);
  }

  Response Call(Request req) {
    Response out;
    out.status = 0;
    req.client = "192.0.2.1";
    app_->Handle(std::move(req), [&out](Response res) { out = std::move(res); });
    return out;
  }
  Response Get(const std::string& target, const std::string& cookie) {
    Request req;
    req.method = "GET";
    req.target = target;
    req.headers = {{"Host", kHost}, {"Cookie", cookie}};
    return Call(std::move(req));
  }
  Response Post(const std::string& target, const std::string& body, const std::string& cookie,
                const std::string& origin = kOrigin) {
    Request req;
    req.method = "POST";
    req.target = target;
    req.headers = {{"Host", kHost}, {"Content-Type", "application/x-www-form-urlencoded"}};
    if (!origin.empty()) req.headers.emplace_back("Origin", origin);
    if (!cookie.empty()) req.headers.emplace_back("Cookie", cookie);
    req.body = body;
    return Call(std::move(req));
  }
  Response Login(const std::string& email, const std::string& password) {
    return Post("/admin/login", Form({{"email", email}, {"password", password}}), "");
  }
  std::string SignIn(const std::string& email, const std::string& password = kPassword) {
    Response res = Login(email, password);
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
  std::string Page(int64_t id) { return "/admin/accounts/" + std::to_string(id); }
  std::vector<std::string> AuditOf(const std::string& prefix) {
    std::vector<std::string> out;
    EXPECT_TRUE(store_->Workflow()
                    ->Read([&](store::WorkflowTx& tx) {
                      Result<std::vector<store::AuditEntry>> all = tx.Audit(0);
                      if (!all.ok()) return all.status();
                      for (const auto& e : *all)
                        if (e.action.rfind(prefix, 0) == 0)
                          out.push_back(std::to_string(e.account) + " " + e.action + ":" + e.detail);
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  util::FixedClock clock_{1'800'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<App> app_;
  std::unique_ptr<newsroom::Accounts> accounts_;
  int64_t writer_id_ = 0, admin_id_ = 0;
  std::string admin_, csrf_;
};

TEST_F(AccountsPagesTest, OnlyAdminsGetIn) {
  std::string writer = SignIn("writer@x.org");
  std::string csrf = Csrf(writer);
  EXPECT_EQ(Get("/admin/accounts", writer).status, 403);
  EXPECT_EQ(Get(Page(writer_id_), writer).status, 403);
  Response add =
      Post("/admin/accounts", Form({{"csrf", csrf}, {"email", "x@x.org"}, {"roles", "admin"}}), writer);
  EXPECT_EQ(add.status, 403);
  EXPECT_TRUE(Has(add, "admin")) << add.Body();
  EXPECT_EQ(Post(Page(writer_id_) + "/roles", Form({{"csrf", csrf}, {"roles", "admin"}}), writer).status,
            403);
  EXPECT_EQ(accounts_->Find("x@x.org").status().code(), Code::kNotFound);
  EXPECT_EQ(accounts_->Get(writer_id_)->roles, newsroom::kWriter);
  // Not signed in: to the sign-in page.
  EXPECT_EQ(Get("/admin/accounts", "").Header("Location"), "/admin/login");
}

TEST_F(AccountsPagesTest, TheTableAndTheAddForm) {
  Response res = Get("/admin/accounts", admin_);
  ASSERT_EQ(res.status, 200) << res.Body();
  EXPECT_TRUE(Has(res, "<h1>Accounts</h1>"));
  EXPECT_TRUE(Has(res, "<a href=\"accounts/" + std::to_string(writer_id_) + "\">writer@x.org</a>"));
  EXPECT_TRUE(Has(res, "<td>Writer</td><td>wendy</td><td>Active</td><td>Off</td><td>never</td>"))
      << res.Body();
  // The admin signed in just now.
  EXPECT_TRUE(Has(res, "<td>Admin</td><td>none</td><td>Active</td><td>Off</td><td>" +
                           util::FormatIsoUtc(clock_.NowSeconds()) + "</td>"))
      << res.Body();
  EXPECT_TRUE(Has(res, "name=\"csrf\" value=\"" + csrf_ + "\""));
  for (const char* label :
       {"Email</label>", ">Writer</label>", ">Medical reviewer</label>", ">Editor</label>", ">Admin</label>",
        ">Person profile (optional)</label>", ">Add account</button>"})
    EXPECT_TRUE(Has(res, label)) << label;
  EXPECT_TRUE(Has(res, "<option value=\"rita\">Rita Reviewer</option>"));
  EXPECT_FALSE(Has(res, "argon2"));
  EXPECT_FALSE(Has(res, "<script"));
}

TEST_F(AccountsPagesTest, TheOneTimePasswordIsShownOnce) {
  Response added = Post("/admin/accounts",
                        Form({{"csrf", csrf_},
                              {"email", "rita@x.org"},
                              {"roles", "reviewer"},
                              {"roles", "editor"},
                              {"person", "rita"}}),
                        admin_);
  ASSERT_EQ(added.status, 201) << added.Body();
  EXPECT_EQ(added.Header("Cache-Control"), "no-store");
  EXPECT_TRUE(Has(added, "role=\"status\">Added rita@x.org (Medical reviewer, Editor).</p>")) << added.Body();
  const std::string start = "<code class=\"admin-key\">";
  size_t at = added.Body().find(start);
  ASSERT_NE(at, std::string::npos);
  at += start.size();
  std::string otp = added.Body().substr(at, added.Body().find('<', at) - at);
  EXPECT_EQ(otp.size(), 19u) << otp;
  Result<store::AccountRecord> rita = accounts_->Find("rita@x.org");
  ASSERT_TRUE(rita.ok());
  EXPECT_EQ(rita->roles, newsroom::kReviewer | newsroom::kEditor);
  EXPECT_EQ(rita->person_id, "rita");
  EXPECT_TRUE(rita->must_change_password);

  // Never again: not in the list, not on the account's page, not on a second post.
  EXPECT_FALSE(Has(Get("/admin/accounts", admin_), otp));
  EXPECT_FALSE(Has(Get(Page(rita->id), admin_), otp));
  Response twice =
      Post("/admin/accounts", Form({{"csrf", csrf_}, {"email", "Rita@x.org"}, {"roles", "writer"}}), admin_);
  EXPECT_EQ(twice.status, 409);
  EXPECT_TRUE(Has(twice, "exists already"));
  EXPECT_FALSE(Has(twice, "admin-key"));
  // It signs in once, straight to the password change.
  Response in = Login("rita@x.org", otp);
  EXPECT_EQ(in.status, 303);
  EXPECT_EQ(in.Header("Location"), "/admin/password");
  EXPECT_EQ(AuditOf("account-add").back(),
            std::to_string(admin_id_) + " account-add:rita@x.org (person rita)");
}

TEST_F(AccountsPagesTest, AddRefusesBadInputAndChangesNothing) {
  struct Case {
    std::string body;
    int status;
    const char* reason;
  } cases[] = {
      {Form({{"csrf", csrf_}, {"email", "new@x.org"}}), 400, "at least one role"},
      {Form({{"csrf", csrf_}, {"email", "new@x.org"}, {"roles", "boss"}}), 400, "Unknown role"},
      {Form({{"csrf", csrf_}, {"email", "not-an-email"}, {"roles", "writer"}}), 400, "not an email address"},
      {Form({{"csrf", csrf_}, {"email", "new@x.org"}, {"roles", "writer"}, {"person", "ghost"}}), 400,
       "no person profile"},
  };
  for (const Case& c : cases) {
    Response res = Post("/admin/accounts", c.body, admin_);
    EXPECT_EQ(res.status, c.status) << c.body;
    EXPECT_TRUE(Has(res, "role=\"alert\"")) << c.body;
    EXPECT_TRUE(Has(res, c.reason)) << c.body << "\n" << res.Body();
    EXPECT_FALSE(Has(res, "admin-key")) << c.body;
  }
  // The form keeps what was typed.
  Response kept = Post("/admin/accounts", cases[3].body, admin_);
  EXPECT_TRUE(Has(kept, "value=\"new@x.org\""));
  EXPECT_TRUE(Has(kept, "value=\"ghost\""));
  EXPECT_EQ(accounts_->List()->size(), 2u);
}

TEST_F(AccountsPagesTest, ChangesNeedTheCsrfTokenAndTheSameOrigin) {
  std::string target = Page(writer_id_) + "/disable";
  EXPECT_EQ(Post(target, "", admin_).status, 403);
  EXPECT_EQ(Post(target, Form({{"csrf", "0123"}}), admin_).status, 403);
  EXPECT_EQ(Post(target, Form({{"csrf", csrf_}}), admin_, "https://evil.example").status, 403);
  EXPECT_EQ(Post("/admin/accounts", Form({{"email", "x@x.org"}, {"roles", "admin"}}), admin_).status, 403);
  EXPECT_FALSE(accounts_->Get(writer_id_)->disabled);
  EXPECT_EQ(accounts_->List()->size(), 2u);
  EXPECT_TRUE(AuditOf("account-disable").empty());
}

TEST_F(AccountsPagesTest, TheLastAdminStays) {
  Response down = Post(Page(admin_id_) + "/roles", Form({{"csrf", csrf_}, {"roles", "editor"}}), admin_);
  EXPECT_EQ(down.status, 403);
  EXPECT_TRUE(Has(down, "role=\"alert\">Not changed: Refused: this is the last enabled admin account"))
      << down.Body();
  EXPECT_TRUE(Has(down, "<h1>admin@x.org</h1>"));  // the account's page again
  Response off = Post(Page(admin_id_) + "/disable", Form({{"csrf", csrf_}}), admin_);
  EXPECT_EQ(off.status, 403);
  EXPECT_EQ(accounts_->Get(admin_id_)->roles, newsroom::kAdmin);
  EXPECT_FALSE(accounts_->Get(admin_id_)->disabled);
  EXPECT_EQ(Get("/admin/accounts", admin_).status, 200);  // still signed in, still an admin

  // With a second admin, the first may step down, and its session loses the pages at once.
  Response up = Post(Page(writer_id_) + "/roles",
                     Form({{"csrf", csrf_}, {"roles", "writer"}, {"roles", "admin"}}), admin_);
  EXPECT_EQ(up.status, 303);
  EXPECT_EQ(up.Header("Location"), Page(writer_id_) + "?done=roles");
  EXPECT_EQ(Post(Page(admin_id_) + "/roles", Form({{"csrf", csrf_}, {"roles", "editor"}}), admin_).status,
            303);
  EXPECT_EQ(Get("/admin/accounts", admin_).status, 403);
  EXPECT_EQ(AuditOf("account-roles"),
            (std::vector<std::string>{
                std::to_string(admin_id_) + " account-roles:writer@x.org: writer -> writer, admin",
                std::to_string(admin_id_) + " account-roles:admin@x.org: admin -> editor"}));
}

TEST_F(AccountsPagesTest, DisablingEndsTheSessionAtOnce) {
  std::string writer = SignIn("writer@x.org");
  ASSERT_EQ(Get("/admin/api/session", writer).status, 200);
  Response page = Get(Page(writer_id_), admin_);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page, ">Disable account</button>"));
  EXPECT_FALSE(Has(page, ">Enable account</button>"));
  Response off = Post(Page(writer_id_) + "/disable", Form({{"csrf", csrf_}}), admin_);
  ASSERT_EQ(off.status, 303) << off.Body();
  EXPECT_EQ(off.Header("Location"), Page(writer_id_) + "?done=disable");
  EXPECT_EQ(Get("/admin/api/session", writer).status, 401);
  EXPECT_EQ(Login("writer@x.org", kPassword).status, 403);
  Response after = Get(off.Header("Location").data(), admin_);
  EXPECT_TRUE(Has(after, "<p class=\"admin-note\" role=\"status\">Account disabled."));
  EXPECT_TRUE(Has(after, ">Enable account</button>"));
  // Enabled again, the password works again.
  ASSERT_EQ(Post(Page(writer_id_) + "/enable", Form({{"csrf", csrf_}}), admin_).status, 303);
  EXPECT_EQ(Login("writer@x.org", kPassword).status, 303);
  EXPECT_EQ(AuditOf("account-"),
            (std::vector<std::string>{std::to_string(admin_id_) + " account-disable:writer@x.org",
                                      std::to_string(admin_id_) + " account-enable:writer@x.org"}));
}

TEST_F(AccountsPagesTest, PersonProfilesMustExist) {
  Response ghost = Post(Page(admin_id_) + "/person", Form({{"csrf", csrf_}, {"person", "ghost"}}), admin_);
  EXPECT_EQ(ghost.status, 400);
  EXPECT_TRUE(Has(ghost, "no person profile"));
  EXPECT_EQ(accounts_->Get(admin_id_)->person_id, "");
  Response rita = Post(Page(admin_id_) + "/person", Form({{"csrf", csrf_}, {"person", "rita"}}), admin_);
  EXPECT_EQ(rita.status, 303);
  EXPECT_EQ(accounts_->Get(admin_id_)->person_id, "rita");
  EXPECT_EQ(json::parse(Get("/admin/api/session", admin_).Body())["person"], "rita");
  EXPECT_TRUE(Has(Get(Page(admin_id_) + "?done=person", admin_), "Person profile saved."));
}

TEST_F(AccountsPagesTest, ResetTwoStepSignIn) {
  std::string secret = newsroom::NewTotpSecret();
  ASSERT_TRUE(accounts_
                  ->EnableTotp(writer_id_, secret,
                               newsroom::TotpCode(*newsroom::Base32Decode(secret), clock_.NowSeconds()))
                  .ok());
  EXPECT_EQ(Login("writer@x.org", kPassword).status, 401);  // a code is needed
  Response page = Get(Page(writer_id_), admin_);
  EXPECT_TRUE(Has(page, "<dt>Two-step sign-in</dt><dd>On</dd>"));
  ASSERT_TRUE(Has(page, ">Reset two-step sign-in</button>"));
  Response reset = Post(Page(writer_id_) + "/reset-2fa", Form({{"csrf", csrf_}}), admin_);
  ASSERT_EQ(reset.status, 303);
  EXPECT_EQ(Login("writer@x.org", kPassword).status, 303);
  EXPECT_TRUE(Has(Get(Page(writer_id_), admin_), "<dt>Two-step sign-in</dt><dd>Off</dd>"));
  EXPECT_EQ(AuditOf("second-factor-reset"),
            (std::vector<std::string>{std::to_string(admin_id_) + " second-factor-reset:writer@x.org"}));
}

TEST_F(AccountsPagesTest, AForgottenPasswordGetsANewOneTimePassword) {
  std::string writer = SignIn("writer@x.org");
  Response page = Get(Page(writer_id_), admin_);
  ASSERT_TRUE(Has(page, ">Set a new one-time password</button>"));
  Response reset = Post(Page(writer_id_) + "/reset-password", Form({{"csrf", csrf_}}), admin_);
  ASSERT_EQ(reset.status, 200) << reset.Body();
  EXPECT_EQ(reset.Header("Cache-Control"), "no-store");
  EXPECT_TRUE(Has(reset, "role=\"status\">New one-time password set."));
  const std::string start = "<code class=\"admin-key\">";
  size_t at = reset.Body().find(start);
  ASSERT_NE(at, std::string::npos);
  at += start.size();
  std::string otp = reset.Body().substr(at, reset.Body().find('<', at) - at);
  EXPECT_FALSE(Has(Get(Page(writer_id_), admin_), otp));     // shown once
  EXPECT_EQ(Get("/admin/api/session", writer).status, 401);  // sessions ended
  EXPECT_EQ(Login("writer@x.org", kPassword).status, 401);   // the old password is gone
  Response in = Login("writer@x.org", otp);
  EXPECT_EQ(in.status, 303);
  EXPECT_EQ(in.Header("Location"), "/admin/password");
  EXPECT_EQ(AuditOf("password-reset"),
            (std::vector<std::string>{std::to_string(admin_id_) + " password-reset:writer@x.org"}));
  // Without the CSRF token nothing happens.
  EXPECT_EQ(Post(Page(writer_id_) + "/reset-password", "", admin_).status, 403);
  EXPECT_EQ(AuditOf("password-reset").size(), 1u);
  EXPECT_EQ(Post("/admin/accounts/999/reset-password", Form({{"csrf", csrf_}}), admin_).status, 404);
}

TEST_F(AccountsPagesTest, UnknownAccountsAre404) {
  EXPECT_EQ(Get("/admin/accounts/999", admin_).status, 404);
  EXPECT_EQ(Get("/admin/accounts/abc", admin_).status, 404);
  EXPECT_EQ(Post("/admin/accounts/999/disable", Form({{"csrf", csrf_}}), admin_).status, 404);
}

}  // namespace
}  // namespace vetted::server
