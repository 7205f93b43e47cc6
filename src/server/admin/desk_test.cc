// The desk through App over a memory store: the home page's lists per person,
// the review-due lists, the feedback inbox, tickets (only editors resolve,
// CSRF, 404s) and the daily mail command.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

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

// Today is 2027-01-15 (the fixed clock); the site's interval is 2 years.
store::ArticleSource Source(const std::string& slug, const std::string& title, const std::string& reviewers,
                            const std::string& body) {
  std::string file = "---\ntitle: " + title + "\ndescription: About " + slug +
                     ".\nauthors: [wendy]\npublished: 2024-01-10\n" + reviewers + "---\n\n" + body + "\n";
  std::vector<Diagnostic> diagnostics;
  store::ArticleSource a;
  a.path = "content/" + slug + ".md";
  a.url = "/" + slug + "/";
  a.revision = load::ParseArticle(file, a.path, diagnostics).revision;
  a.bytes = file;
  a.search.title = title;
  return a;
}

store::ImportInput Site(const std::string& sleep_body = "Sleep matters at night.") {
  store::ImportInput in;
  in.files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
      {"people/rita.md",
       "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
       "doctor.\n---\nBio.\n"},
      {"pages/editorial-process.md", "---\ntitle: Process\ndescription: How.\n---\nWe check.\n"}};
  in.articles = {
      Source("sleep", "Sleep", "reviewers:\n  - {by: rita, date: 2024-12-01}\n", sleep_body),
      Source("naps", "Naps", "reviewers:\n  - {by: rita, date: 2025-02-01}\n", "Naps help."),
      Source("dreams", "Dreams", "", "Dreams are odd."),
      // Its own interval: due 2027-02-10, not 2028 as the site's two years would say.
      Source("stress", "Stress", "review_interval: 1 year\nreviewers:\n  - {by: rita, date: 2026-02-10}\n",
             "Stress is common.")};
  return in;
}

std::string Form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k + '=';
    for (char c : v) out += c == '@' ? std::string("%40") : c == ' ' ? std::string("+") : std::string(1, c);
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Has(const Response& res, const std::string& text) {
  return res.Body().find(text) != std::string::npos;
}

// The part of a page from heading `h2` to the next <h2> (or the end).
std::string SectionOf(const std::string& page, const std::string& h2) {
  size_t at = page.find("<h2>" + h2 + "</h2>");
  if (at == std::string::npos) return "";
  size_t end = page.find("<h2>", at + 4);
  return page.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

class DeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> s = store::Open("memory:");
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Import(Site()).ok());
    newsroom::AccountsOptions ao;
    ao.clock = &clock_;
    ao.cost = newsroom::kTestPasswordCost;
    accounts_ = std::make_unique<newsroom::Accounts>(*store_->Accounts(), ao);
    wendy_ = Add("writer@x.org", newsroom::kWriter, "wendy");
    rita_ = Add("reviewer@x.org", newsroom::kReviewer, "rita");
    ed_ = Add("editor@x.org", newsroom::kEditor, "");
    Add("admin@x.org", newsroom::kAdmin, "");
    newsroom::ArticleOptions options;
    options.clock = &clock_;
    articles_ = std::make_unique<newsroom::Articles>(*store_, options);
  }
  void Open(const std::string& mail_command = "") {
    AppOptions options;
    options.reload_poll = std::chrono::hours(1);
    options.clock = &clock_;
    options.password_cost = newsroom::kTestPasswordCost;
    options.mail_command = mail_command;
    auto app = App::Open(*store_, options, nullptr, [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_ += line + "\n";
    });
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
  }
  newsroom::Actor Add(const std::string& email, uint8_t roles, const std::string& person) {
    Result<newsroom::Accounts::Added> added = accounts_->Add(email, roles, person, kPassword);
    EXPECT_TRUE(added.ok()) << added.status().message();
    return {added->record.id, email, person, roles};
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
                bool with_csrf = true) {
    Request req;
    req.method = "POST";
    req.target = target;
    req.headers = {{"Host", kHost},
                   {"Origin", kOrigin},
                   {"Content-Type", "application/x-www-form-urlencoded"},
                   {"Cookie", cookie}};
    req.body = body + (with_csrf ? "&csrf=" + Csrf(cookie) : "");
    return Call(std::move(req));
  }
  std::string SignIn(const std::string& email) {
    Request req;
    req.method = "POST";
    req.target = "/admin/login";
    req.headers = {
        {"Host", kHost}, {"Origin", kOrigin}, {"Content-Type", "application/x-www-form-urlencoded"}};
    req.body = Form({{"email", email}, {"password", kPassword}});
    Response res = Call(std::move(req));
    EXPECT_EQ(res.status, 303) << res.Body();
    for (const auto& [k, v] : res.headers)
      if (k == "Set-Cookie" && v.rfind("vetted-session=", 0) == 0) return v.substr(0, v.find(';'));
    return "";
  }
  std::string Csrf(const std::string& cookie) {
    return json::parse(Get("/admin/api/session", cookie).Body()).value("csrf", "");
  }
  int64_t Feedback(const std::string& url, bool helpful, const std::string& category,
                   const std::string& comment, const std::string& at) {
    std::vector<Result<int64_t>> ids = store_->AddFeedback({{url, "", helpful, category, comment, at}});
    EXPECT_TRUE(ids[0].ok());
    return ids[0].ok() ? *ids[0] : 0;
  }
  // A newsroom article by wendy, submitted for review.
  newsroom::Created Submitted() {
    std::string source =
        "---\ntitle: Figs\ndescription: About figs.\nauthors: [wendy]\n---\nFigs are fruit.\n";
    Result<newsroom::Created> c = articles_->Create(wendy_, "content/figs.md", source);
    EXPECT_TRUE(c.ok()) << c.status().message();
    EXPECT_TRUE(articles_->Submit(wendy_, c->id, c->revision).ok());
    return *c;
  }

  util::FixedClock clock_{1'800'000'000};  // 2027-01-15T08:00:00Z
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<newsroom::Accounts> accounts_;
  std::unique_ptr<newsroom::Articles> articles_;
  std::unique_ptr<App> app_;
  newsroom::Actor wendy_, rita_, ed_;
  std::mutex log_mu_;
  std::string log_;
};

TEST_F(DeskTest, HomeShowsEachPersonsLists) {
  Open();
  newsroom::Created figs = Submitted();
  std::string link = "href=\"articles/" + std::to_string(figs.id) + "\"";

  Response rita = Get("/admin/", SignIn("reviewer@x.org"));
  ASSERT_EQ(rita.status, 200) << rita.Body();
  EXPECT_TRUE(Has(rita, "Roles: reviewer"));
  EXPECT_TRUE(Has(rita, "href=\"password\"") && Has(rita, "href=\"two-factor\""));
  EXPECT_NE(SectionOf(rita.Body(), "Waiting for your review").find(link), std::string::npos);
  // Rita reviewed sleep last (overdue) and naps (due in 17 days).
  std::string due = SectionOf(rita.Body(), "Due soon");
  EXPECT_NE(due.find("Sleep"), std::string::npos);
  EXPECT_NE(due.find("Naps"), std::string::npos);
  EXPECT_EQ(due.find("Dreams"), std::string::npos);

  std::string writer = SignIn("writer@x.org");
  Response wendy = Get("/admin/", writer);
  EXPECT_TRUE(Has(wendy, "Roles: writer"));
  // Her own article never waits for her review, and nothing was sent back yet.
  EXPECT_NE(SectionOf(wendy.Body(), "Waiting for your review").find("Nothing here."), std::string::npos);
  EXPECT_NE(SectionOf(wendy.Body(), "Changes requested").find("Nothing here."), std::string::npos);

  ASSERT_TRUE(articles_->RequestChanges(rita_, figs.id, figs.revision, "Cite a source.").ok());
  EXPECT_NE(SectionOf(Get("/admin/", writer).Body(), "Changes requested").find(link), std::string::npos);
  EXPECT_EQ(SectionOf(Get("/admin/", SignIn("reviewer@x.org")).Body(), "Waiting for your review").find(link),
            std::string::npos);
  // An account with no person and no roles in the workflow: every list empty.
  Response admin = Get("/admin/", SignIn("admin@x.org"));
  EXPECT_EQ(admin.status, 200);
  EXPECT_NE(SectionOf(admin.Body(), "Due soon").find("Nothing here."), std::string::npos);
  // Not signed in: to the sign-in page.
  EXPECT_EQ(Get("/admin/", "").status, 303);
}

TEST_F(DeskTest, ReviewDueListsEveryPublishedArticle) {
  Open();
  newsroom::Created figs = Submitted();
  Response res = Get("/admin/due", SignIn("writer@x.org"));
  ASSERT_EQ(res.status, 200) << res.Body();
  EXPECT_TRUE(Has(res, "<h1>Review due</h1>"));
  std::string overdue = SectionOf(res.Body(), "Overdue");
  EXPECT_NE(overdue.find("Sleep"), std::string::npos);
  EXPECT_NE(overdue.find("1 December 2026"), std::string::npos);  // 2024-12-01 + 2 years
  EXPECT_EQ(overdue.find("Naps"), std::string::npos);
  std::string soon = SectionOf(res.Body(), "Due within 30 days");
  EXPECT_NE(soon.find("Naps"), std::string::npos);
  EXPECT_NE(soon.find("in 17 days"), std::string::npos);
  EXPECT_NE(soon.find("Stress"), std::string::npos);
  EXPECT_NE(soon.find("10 February 2027"), std::string::npos);
  EXPECT_NE(SectionOf(res.Body(), "Never reviewed").find("Dreams"), std::string::npos);
  std::string queues = SectionOf(res.Body(), "Reviewers' queues");
  EXPECT_NE(queues.find("reviewer@x.org"), std::string::npos);
  EXPECT_NE(queues.find("articles/" + std::to_string(figs.id)), std::string::npos);
  EXPECT_NE(queues.find("Sleep"), std::string::npos);  // rita reviewed it last

  // Once published from the newsroom with a fresh approval, figs is due in two years: in no list.
  ASSERT_TRUE(articles_->Approve(rita_, figs.id, figs.revision, "").ok());
  ASSERT_TRUE(articles_->Publish(ed_, figs.id, {figs.revision, "", ""}).ok()) << "publish";
  ASSERT_TRUE(app_->Reload().ok());
  Response after = Get("/admin/due", SignIn("editor@x.org"));
  EXPECT_EQ(SectionOf(after.Body(), "Never reviewed").find("Figs"), std::string::npos);
  EXPECT_EQ(SectionOf(after.Body(), "Due within 30 days").find("Figs"), std::string::npos);
}

TEST_F(DeskTest, FeedbackInboxAndOneArticlesShareByWeek) {
  Feedback("/sleep/", true, "helpful", "", "2027-01-04T10:00:00Z");  // week of 2027-01-04
  Feedback("/sleep/", false, "other", "Too <short>", "2027-01-05T10:00:00Z");
  Feedback("/sleep/", true, "helpful", "", "2027-01-12T10:00:00Z");  // week of 2027-01-11
  Feedback("/naps/", false, "error", "The dose is wrong.", "2027-01-12T11:00:00Z");
  Open();
  std::string writer = SignIn("writer@x.org");
  Response inbox = Get("/admin/feedback", writer);
  ASSERT_EQ(inbox.status, 200) << inbox.Body();
  EXPECT_TRUE(Has(inbox, "<h1>Feedback</h1>"));
  EXPECT_TRUE(
      Has(inbox, "href=\"feedback/article?url=/sleep/\">Sleep</a></td><td>67%</td><td>3</td><td>0</td>"));
  EXPECT_TRUE(
      Has(inbox, "href=\"feedback/article?url=/naps/\">Naps</a></td><td>0%</td><td>1</td><td>1</td>"));

  Response page = Get("/admin/feedback/article?url=%2Fsleep%2F", writer);
  ASSERT_EQ(page.status, 200) << page.Body();
  EXPECT_TRUE(Has(page, "<svg"));
  EXPECT_TRUE(Has(page, "<title id=\"chart-title\">"));
  EXPECT_TRUE(Has(page, "aria-labelledby=\"chart-title\""));
  EXPECT_TRUE(Has(page, "<tr><td>2027-01-04</td><td>50%</td><td>2</td></tr>"));
  EXPECT_TRUE(Has(page, "<tr><td>2027-01-11</td><td>100%</td><td>1</td></tr>"));
  EXPECT_TRUE(Has(page, "Too &lt;short&gt;"));
  EXPECT_FALSE(Has(page, "Too <short>"));

  EXPECT_EQ(Get("/admin/feedback/article?url=/nowhere/", writer).status, 404);
  EXPECT_EQ(Get("/admin/feedback/article", writer).status, 400);
  EXPECT_EQ(Get("/admin/feedback", SignIn("admin@x.org")).status, 403);  // not one of the newsroom's makers
}

TEST_F(DeskTest, TicketsOnlyEditorsResolve) {
  int64_t report = Feedback("/sleep/", false, "error", "It says 20 hours.", "2027-01-12T11:00:00Z");
  ASSERT_GT(report, 0);
  Open();
  // The article changed since the reader saw it.
  ASSERT_TRUE(store_->Import(Site("Sleep matters at night and by day.")).ok());
  ASSERT_TRUE(app_->Reload().ok());
  std::string writer = SignIn("writer@x.org"), editor = SignIn("editor@x.org");

  Response list = Get("/admin/tickets", writer);
  ASSERT_EQ(list.status, 200) << list.Body();
  EXPECT_TRUE(Has(list, "<h1>Tickets</h1>"));
  EXPECT_TRUE(Has(list, "href=\"tickets/1\""));
  EXPECT_TRUE(Has(list, "<td>open</td>"));

  Response page = Get("/admin/tickets/1", editor);
  ASSERT_EQ(page.status, 200) << page.Body();
  EXPECT_TRUE(Has(page, "It says 20 hours."));
  EXPECT_TRUE(Has(page, "<ins>"));  // the word diff to today's text
  EXPECT_TRUE(Has(page, "and by day."));
  EXPECT_TRUE(Has(page, "value=\"resolve\">Resolve</button>"));
  EXPECT_TRUE(Has(page, "<label for=\"note\">Note</label>"));
  EXPECT_FALSE(Has(Get("/admin/tickets/1", writer), "value=\"resolve\""));  // not offered to a writer

  // A writer may not resolve: 403 with the reason, nothing changed.
  Response refused = Post("/admin/tickets/1", Form({{"action", "resolve"}, {"note", "fixed"}}), writer);
  EXPECT_EQ(refused.status, 403);
  EXPECT_TRUE(Has(refused, "role=\"alert\""));
  EXPECT_TRUE(Has(Get("/admin/tickets", writer), "<td>open</td>"));
  // Without the CSRF token: refused by the gate.
  EXPECT_EQ(Post("/admin/tickets/1", Form({{"action", "assign"}}), writer, false).status, 403);
  EXPECT_TRUE(Has(Get("/admin/tickets", writer), "<td>open</td>"));

  Response assigned = Post("/admin/tickets/1", Form({{"action", "assign"}}), writer);
  EXPECT_EQ(assigned.status, 303);
  EXPECT_EQ(assigned.Header("Location"), "/admin/tickets/1?done=assign");
  EXPECT_TRUE(Has(Get("/admin/tickets/1?done=assign", writer), "role=\"status\""));
  EXPECT_TRUE(Has(Get("/admin/tickets", writer), "assigned to writer@x.org"));

  EXPECT_EQ(Post("/admin/tickets/1", Form({{"action", "resolve"}}), editor).status, 400);  // no note
  EXPECT_EQ(Post("/admin/tickets/1", Form({{"action", "reopen"}}), editor).status, 400);
  EXPECT_EQ(
      Post("/admin/tickets/1", Form({{"action", "resolve"}, {"note", "Fixed the hours."}}), editor).status,
      303);
  Response done = Get("/admin/tickets/1", editor);
  EXPECT_TRUE(Has(done, "resolved"));
  EXPECT_TRUE(Has(done, "Fixed the hours."));
  EXPECT_FALSE(Has(done, "value=\"assign\""));  // closed: no form

  std::vector<std::string> actions;
  Result<std::vector<store::AuditEntry>> audit = articles_->Audit();  // named: see newsroom/desk_test.cc
  ASSERT_TRUE(audit.ok());
  for (const store::AuditEntry& e : *audit) actions.push_back(e.action);
  ASSERT_GE(actions.size(), 2u);
  EXPECT_EQ(actions[actions.size() - 2], "ticket-assign");
  EXPECT_EQ(actions.back(), "ticket-resolve");

  EXPECT_EQ(Get("/admin/tickets/99", editor).status, 404);
  EXPECT_EQ(Get("/admin/tickets/x1", editor).status, 404);
  EXPECT_EQ(Post("/admin/tickets/99", Form({{"action", "assign"}}), editor).status, 404);
  EXPECT_EQ(Get("/admin/tickets", SignIn("admin@x.org")).status, 403);
}

TEST_F(DeskTest, TheMailCommandGetsADigestPerAccount) {
  std::string file =
      (std::filesystem::temp_directory_path() / ("desk-mail-" + std::to_string(getpid()))).string();
  std::filesystem::remove(file);
  Open("cat >> '" + file + "'; echo >> '" + file + "'");
  std::string mail;
  for (int i = 0; i < 200 && mail.find("To: reviewer@x.org") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    mail = ReadFile(file);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // its last line
  mail = ReadFile(file);
  EXPECT_NE(mail.find("To: reviewer@x.org\nSubject: "), std::string::npos) << mail;
  EXPECT_NE(mail.find("To: writer@x.org\nSubject: "), std::string::npos) << mail;
  EXPECT_NE(mail.find("Due soon:\n- Sleep (/sleep/): next review overdue since 2026-12-01"),
            std::string::npos);
  EXPECT_EQ(mail.find("admin@x.org"), std::string::npos);  // nothing waits for the admin
  app_.reset();
  std::filesystem::remove(file);

  // A failing command is logged; the server goes on.
  Open("exit 3");
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard<std::mutex> lock(log_mu_);
      if (log_.find("failed") != std::string::npos) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  {
    std::lock_guard<std::mutex> lock(log_mu_);
    EXPECT_NE(log_.find("exited with status 3"), std::string::npos) << log_;
  }
  EXPECT_EQ(Get("/admin/", SignIn("writer@x.org")).status, 200);
  // A command that never reads its input does not take the server down (SIGPIPE).
  app_.reset();
  Open("exec 0<&-; sleep 0.1");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Get("/admin/", SignIn("writer@x.org")).status, 200);
}

}  // namespace
}  // namespace vetted::server
