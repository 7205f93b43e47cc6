// The review pages (review_routes.h) through App over a memory store: signed
// in as each role, with the gate's session, CSRF and origin checks.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "newsroom/newsroom.h"
#include "server/admin/word_diff.h"
#include "server/app.h"
#include "store/open.h"

namespace vetted::server {
namespace {

using nlohmann::json;

const std::string kHost = "127.0.0.1:8080";
const std::string kOrigin = "http://127.0.0.1:8080";
const std::string kPassword = "tram-lamp-orbit";
const std::string kSource =
    "---\ntitle: Figs\ndescription: About figs.\nauthors: [wendy]\n---\nFigs are fruit.\n";
const std::string kSweeter =
    "---\ntitle: Figs\ndescription: About figs.\nauthors: [wendy]\n---\nFigs are sweet fruit.\n";

std::string Form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + util::UrlEncode(v);
  return out;
}

bool Has(const Response& res, std::string_view text) {
  return res.Body().find(text) != std::string::npos;
}

class ReviewPages : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::Open("memory:")).value();
    store::ImportInput in;
    in.files = {
        {"site.toml",
         "title = \"T\"\nbase_url = \"https://t.example/\"\nfeedback_report = \"mailto:e@t.example\"\n"},
        {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
        {"people/rita.md",
         "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
         "doctor.\n---\nB.\n"},
        {"pages/editorial-process.md", "---\ntitle: Process\ndescription: How.\n---\nWe check.\n"},
    };
    ASSERT_TRUE(store_->Import(in).ok());
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
    for (auto [email, roles, person] : {std::tuple{"writer@x.org", newsroom::kWriter, "wendy"},
                                        std::tuple{"rita@x.org", newsroom::kReviewer, "rita"},
                                        std::tuple{"wendyrev@x.org", newsroom::kReviewer, "wendy"},
                                        std::tuple{"ed@x.org", newsroom::kEditor, ""}}) {
      ASSERT_TRUE(accounts_->Add(email, roles, person, kPassword).ok()) << email;
      Response res = Post("/admin/login", Form({{"email", email}, {"password", kPassword}}), "");
      ASSERT_EQ(res.status, 303) << res.Body();
      for (const auto& [k, v] : res.headers)
        if (k == "Set-Cookie" && v.rfind("vetted-session=", 0) == 0)
          cookie_[email] = v.substr(0, v.find(';'));
      Response session = Get("/admin/api/session", email);
      csrf_[email] = json::parse(session.Body()).value("csrf", "");
    }
    newsroom::ArticleOptions options_articles;
    options_articles.clock = &clock_;
    articles_ = std::make_unique<newsroom::Articles>(*store_, options_articles);
    newsroom::Actor wendy{1, "writer@x.org", "wendy", newsroom::kWriter};
    Result<newsroom::Created> c = articles_->Create(wendy, "content/health/figs.md", kSource);
    ASSERT_TRUE(c.ok()) << c.status().message();
    id_ = std::to_string(c->id);
    rev1_ = c->revision;
  }

  Response Call(Request req) {
    Response out;
    out.status = 0;
    req.client = "192.0.2.1";
    app_->Handle(std::move(req), [&out](Response res) { out = std::move(res); });
    return out;
  }
  // GET as the account `email` ("" = nobody signed in).
  Response Get(const std::string& target, const std::string& email = "") {
    Request req;
    req.method = "GET";
    req.target = target;
    req.headers = {{"Host", kHost}};
    if (!email.empty()) req.headers.emplace_back("Cookie", cookie_[email]);
    return Call(std::move(req));
  }
  // A form POST as `email`, with its CSRF token.
  Response Post(const std::string& target, std::string body, const std::string& email) {
    Request req;
    req.method = "POST";
    req.target = target;
    req.headers = {
        {"Host", kHost}, {"Origin", kOrigin}, {"Content-Type", "application/x-www-form-urlencoded"}};
    if (!email.empty()) {
      req.headers.emplace_back("Cookie", cookie_[email]);
      body += "&csrf=" + csrf_[email];
    }
    req.body = std::move(body);
    return Call(std::move(req));
  }
  Response Step(const std::string& step, const std::string& email,
                std::initializer_list<std::pair<std::string, std::string>> fields) {
    return Post("/admin/articles/" + id_ + "/" + step, Form(fields), email);
  }
  newsroom::ArticleRecord Record() { return articles_->Get(std::stoll(id_)).value(); }
  std::string Page(const std::string& email) {
    Response res = Get("/admin/articles/" + id_, email);
    EXPECT_EQ(res.status, 200) << res.Body();
    return res.Body();
  }
  void Submit() {
    Response res = Step("submit", "writer@x.org", {{"revision", Record().article.latest_revision}});
    ASSERT_EQ(res.status, 303) << res.Body();
  }
  void Approve() {
    Response res = Step("approve", "rita@x.org", {{"revision", Record().article.submitted_revision}});
    ASSERT_EQ(res.status, 303) << res.Body();
  }

  util::FixedClock clock_{1'800'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<App> app_;
  std::unique_ptr<newsroom::Accounts> accounts_;
  std::unique_ptr<newsroom::Articles> articles_;
  std::map<std::string, std::string> cookie_, csrf_;
  std::string id_, rev1_;
};

TEST_F(ReviewPages, PageShowsOnlyTheStepsTheAccountMayTake) {
  std::string writer = Page("writer@x.org");
  EXPECT_NE(writer.find("<h1>Figs</h1>"), std::string::npos);
  EXPECT_NE(writer.find("Draft: being written"), std::string::npos);
  EXPECT_NE(writer.find(">Submit for review</button>"), std::string::npos);
  EXPECT_EQ(writer.find(">Approve this revision</button>"), std::string::npos);
  EXPECT_EQ(writer.find(">Publish</button>"), std::string::npos);
  EXPECT_NE(writer.find("href=\"" + id_ + "/revisions\">Revisions</a>"), std::string::npos);
  EXPECT_NE(writer.find("name=\"csrf\" value=\"" + csrf_["writer@x.org"] + "\""), std::string::npos);
  // Nothing to review yet.
  EXPECT_EQ(Page("rita@x.org").find(">Approve this revision</button>"), std::string::npos);

  Response submitted = Step("submit", "writer@x.org", {{"revision", rev1_}});
  ASSERT_EQ(submitted.status, 303) << submitted.Body();
  EXPECT_EQ(submitted.Header("Location"), "/admin/articles/" + id_ + "?done=submit");
  Response noted = Get("/admin/articles/" + id_ + "?done=submit", "writer@x.org");
  EXPECT_TRUE(Has(noted, "<p class=\"admin-note\" role=\"status\">Submitted for review.</p>"));

  std::string rita = Page("rita@x.org");
  EXPECT_NE(rita.find("In review: revision"), std::string::npos);
  EXPECT_NE(rita.find(">Approve this revision</button>"), std::string::npos);
  EXPECT_NE(rita.find("<label for=\"note\">Note (optional)</label>"), std::string::npos);
  EXPECT_NE(rita.find(">Request changes</button>"), std::string::npos);
  EXPECT_NE(rita.find("<label for=\"comments\">What should change</label>"), std::string::npos);
  EXPECT_EQ(rita.find(">Submit for review</button>"), std::string::npos);
  EXPECT_NE(rita.find("Figs are fruit."), std::string::npos);  // the exact text under review
  // The author, though a reviewer, is offered no approval.
  EXPECT_EQ(Page("wendyrev@x.org").find(">Approve this revision</button>"), std::string::npos);
  // The editor: unapproved, so no publication yet.
  std::string ed = Page("ed@x.org");
  EXPECT_EQ(ed.find(">Publish</button>"), std::string::npos);
  EXPECT_EQ(ed.find(">Approve this revision</button>"), std::string::npos);

  Approve();
  ed = Page("ed@x.org");
  EXPECT_NE(ed.find(">Publish</button>"), std::string::npos);
  EXPECT_NE(ed.find("<label for=\"publish-at\">Publish at (optional)</label>"), std::string::npos);
  EXPECT_NE(ed.find("type=\"datetime-local\""), std::string::npos);
  EXPECT_NE(ed.find("<label for=\"reason\">Reason, for a non-clinical change only</label>"),
            std::string::npos);
  EXPECT_EQ(ed.find(">Unpublish</button>"), std::string::npos);
  Response from_ticket = Get("/admin/articles/" + id_ + "?ticket=12", "ed@x.org");
  EXPECT_TRUE(Has(from_ticket, "<input type=\"hidden\" name=\"ticket\" value=\"12\">"));
  EXPECT_EQ(Get("/admin/articles/999", "ed@x.org").status, 404);
  EXPECT_EQ(Get("/admin/articles/x1", "ed@x.org").status, 404);
  EXPECT_EQ(Get("/admin/articles/" + id_).status, 303);  // not signed in: to the sign-in page
}

TEST_F(ReviewPages, ApprovalByAnAuthorIs403AndChangesNothing) {
  Submit();
  size_t audit = Record().audit.size();
  Response res = Step("approve", "wendyrev@x.org", {{"revision", rev1_}, {"note", "fine"}});
  EXPECT_EQ(res.status, 403);
  EXPECT_TRUE(Has(res, "role=\"alert\""));
  EXPECT_TRUE(Has(res, "you are an author of this article"));
  newsroom::ArticleRecord r = Record();
  EXPECT_EQ(r.article.state, "in_review");
  EXPECT_TRUE(r.approvals.empty());
  EXPECT_EQ(r.audit.size(), audit);
  // A writer cannot reach the step at all (the gate: no reviewer role).
  EXPECT_EQ(Step("approve", "writer@x.org", {{"revision", rev1_}}).status, 403);
  // Not signed in: the gate sends the form to the sign-in page.
  EXPECT_EQ(
      Post("/admin/articles/" + id_ + "/approve", Form({{"revision", rev1_}}) + "&csrf=nope", "").status,
      303);
  EXPECT_TRUE(Record().approvals.empty());
}

TEST_F(ReviewPages, RequestChangesNeedsComments) {
  Submit();
  Response empty = Step("request-changes", "rita@x.org", {{"revision", rev1_}, {"comments", "  "}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(Has(empty, "the comments are empty"));
  EXPECT_EQ(Record().article.state, "in_review");
  Response ok = Step("request-changes", "rita@x.org",
                     {{"revision", rev1_}, {"comments", "Say which figs <b>and</b> cite a source."}});
  ASSERT_EQ(ok.status, 303) << ok.Body();
  EXPECT_EQ(Record().article.state, "draft");
  std::string page = Page("writer@x.org");
  EXPECT_NE(page.find("Changes requested</strong> to revision"), std::string::npos);
  EXPECT_NE(page.find("Say which figs &lt;b&gt;and&lt;/b&gt; cite a source."), std::string::npos);
}

TEST_F(ReviewPages, PublishIsRefusedUntilApprovedThenNonClinicalNeedsAReason) {
  Submit();
  Response early = Step("publish", "ed@x.org", {{"revision", rev1_}, {"at", ""}, {"reason", ""}});
  EXPECT_EQ(early.status, 403);
  EXPECT_TRUE(Has(early, "medical approval"));
  EXPECT_EQ(Record().article.state, "in_review");
  EXPECT_TRUE(Record().publications.empty());
  Approve();
  Response published = Step("publish", "ed@x.org", {{"revision", rev1_}, {"at", ""}, {"reason", ""}});
  ASSERT_EQ(published.status, 303) << published.Body();
  EXPECT_EQ(Record().article.state, "published");
  EXPECT_NE(Page("ed@x.org").find(">Unpublish</button>"), std::string::npos);

  // A typo fix: published without a new review, with a reason.
  newsroom::Actor wendy{1, "writer@x.org", "wendy", newsroom::kWriter};
  std::string rev2 = articles_->Save(wendy, std::stoll(id_), kSweeter, rev1_, false)->revision;
  std::string ed = Page("ed@x.org");
  EXPECT_NE(ed.find("only be published as a non-clinical change"), std::string::npos);
  EXPECT_EQ(Step("publish", "ed@x.org", {{"revision", rev2}, {"reason", ""}}).status, 403);
  Response fix = Step("publish", "ed@x.org", {{"revision", rev2}, {"reason", "typo"}});
  ASSERT_EQ(fix.status, 303) << fix.Body();
  EXPECT_EQ(Record().article.live_revision, rev2);

  // Scheduled unpublication (datetime-local, UTC).
  Response later = Step("unpublish", "ed@x.org", {{"at", "2030-01-01T08:00"}});
  ASSERT_EQ(later.status, 303) << later.Body();
  EXPECT_EQ(later.Header("Location"), "/admin/articles/" + id_ + "?done=schedule-unpublish");
  EXPECT_EQ(Record().publications.back().scheduled_at, "2030-01-01T08:00:00Z");
}

// A settings-only save of the live revision (a new old address): the editor
// may publish that revision again, without a new review, and readers get it.
TEST_F(ReviewPages, TheLiveRevisionWithChangedSettingsCanBePublishedAgain) {
  Submit();
  Approve();
  ASSERT_EQ(Step("publish", "ed@x.org", {{"revision", rev1_}, {"reason", ""}}).status, 303);
  EXPECT_EQ(Page("ed@x.org").find(">Publish</button>"), std::string::npos);  // nothing to publish
  newsroom::Actor wendy{1, "writer@x.org", "wendy", newsroom::kWriter};
  std::string with_alias = util::ReplaceAll(kSource, "---\nFigs", "aliases: [/old-figs/]\n---\nFigs");
  Result<newsroom::Saved> saved = articles_->Save(wendy, std::stoll(id_), with_alias, rev1_, false);
  ASSERT_TRUE(saved.ok());
  ASSERT_TRUE(saved->settings_only);
  EXPECT_EQ(Record().article.state, "published");
  std::string ed = Page("ed@x.org");
  EXPECT_NE(ed.find(">Publish</button>"), std::string::npos) << ed;
  EXPECT_NE(ed.find("publish it again to bring them to readers"), std::string::npos);
  Response again = Step("publish", "ed@x.org", {{"revision", rev1_}, {"reason", ""}});
  ASSERT_EQ(again.status, 303) << again.Body();
  std::string live;
  Result<store::Snapshot> snapshot = store_->Load();
  ASSERT_TRUE(snapshot.ok());
  for (const store::SourceFile& f : snapshot->files)
    if (f.path == "content/health/figs.md") live = f.bytes;
  EXPECT_NE(live.find("aliases: [/old-figs/]"), std::string::npos) << live;
  EXPECT_EQ(Record().publications.size(), 2u);
  EXPECT_TRUE(Record().publications.back().base_revision.empty());  // on its own approval
  EXPECT_EQ(Page("ed@x.org").find(">Publish</button>"), std::string::npos);
}

TEST_F(ReviewPages, APublicationFromATicketResolvesAndLinksIt) {
  Submit();
  Approve();
  ASSERT_EQ(Step("publish", "ed@x.org", {{"revision", rev1_}}).status, 303);
  ASSERT_TRUE(app_->Reload().ok());
  // A reader reports an error on the live page; it becomes ticket 1.
  ASSERT_TRUE(
      store_->AddFeedback({{"/health/figs/", "", false, "error", "Not sweet.", "2026-12-07T09:00:00Z"}})[0]
          .ok());
  newsroom::Tickets tickets(*store_, &clock_);
  ASSERT_EQ(tickets.List()->size(), 1u);
  const int64_t ticket = tickets.List()->front().id;
  newsroom::Actor wendy{1, "writer@x.org", "wendy", newsroom::kWriter};
  std::string rev2 = articles_->Save(wendy, std::stoll(id_), kSweeter, rev1_, false)->revision;
  // The ticket's link to the article page carries it into the publish form.
  EXPECT_NE(Get("/admin/articles/" + id_ + "?ticket=" + std::to_string(ticket), "ed@x.org")
                .Body()
                .find("name=\"ticket\" value=\"" + std::to_string(ticket) + "\""),
            std::string::npos);
  Response fix = Step("publish", "ed@x.org",
                      {{"revision", rev2}, {"reason", "wording"}, {"ticket", std::to_string(ticket)}});
  ASSERT_EQ(fix.status, 303) << fix.Body();
  EXPECT_EQ(fix.Header("Location"), "/admin/articles/" + id_ + "?done=publish-ticket");
  store::Ticket t = *tickets.Get(ticket);
  EXPECT_EQ(t.state, "resolved");
  EXPECT_GT(t.publication_id, 0);
  EXPECT_EQ(Record().article.live_revision, rev2);
  // The production record shows the report and what was done about it.
  Response record = Get("/admin/articles/" + id_ + "/record", "ed@x.org");
  ASSERT_EQ(record.status, 200);
  EXPECT_TRUE(Has(record, "<h2 id=\"reports\">Reader reports</h2>"));
  EXPECT_TRUE(Has(record, "Not sweet."));
  EXPECT_TRUE(Has(record, "ticket " + std::to_string(ticket) + ": resolved, fixed by publication"));
  nlohmann::json j = nlohmann::json::parse(Get("/admin/articles/" + id_ + "/record.json", "ed@x.org").Body());
  ASSERT_EQ(j["reader_reports"].size(), 1u);
  EXPECT_EQ(j["reader_reports"][0]["comment"], "Not sweet.");
  EXPECT_EQ(j["reader_reports"][0]["ticket"]["state"], "resolved");
  EXPECT_EQ(j["reader_reports"][0]["ticket"]["publication_id"], t.publication_id);
}

TEST_F(ReviewPages, DiffMarksWordsAndRestoreMakesANewRevision) {
  newsroom::Actor wendy{1, "writer@x.org", "wendy", newsroom::kWriter};
  std::string rev2 = articles_->Save(wendy, std::stoll(id_), kSweeter, rev1_, false)->revision;
  Response diff =
      Get("/admin/articles/" + id_ + "/diff?from=" + util::UrlEncode(rev1_) + "&to=" + util::UrlEncode(rev2),
          "rita@x.org");
  ASSERT_EQ(diff.status, 200) << diff.Body();
  EXPECT_TRUE(Has(diff, "Figs are <ins>sweet </ins>fruit."));
  EXPECT_TRUE(Has(diff, "1 word added, 0 words removed"));
  EXPECT_EQ(Get("/admin/articles/" + id_ + "/diff?from=" + util::UrlEncode(rev1_), "rita@x.org").status, 400);
  EXPECT_EQ(
      Get("/admin/articles/" + id_ + "/diff?from=" + util::UrlEncode(rev1_) + "&to=sha256:00", "rita@x.org")
          .status,
      404);

  Response list = Get("/admin/articles/" + id_ + "/revisions", "writer@x.org");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(Has(list, ">Compare</button>"));
  EXPECT_TRUE(Has(list, ">Restore as a new revision</button>"));
  EXPECT_TRUE(Has(list, "(latest)"));

  size_t audit = Record().audit.size();
  Response restored =
      Post("/admin/articles/" + id_ + "/restore", Form({{"revision", rev1_}}), "writer@x.org");
  ASSERT_EQ(restored.status, 303) << restored.Body();
  EXPECT_EQ(restored.Header("Location"), "/admin/articles/" + id_ + "/revisions?done=restore");
  newsroom::ArticleRecord r = Record();
  EXPECT_EQ(r.article.latest_revision, rev1_);  // the old text, saved on top of rev2
  EXPECT_EQ(r.article.state, "draft");
  ASSERT_EQ(r.audit.size(), audit + 1);
  EXPECT_EQ(r.audit.back().action, "save");
  EXPECT_EQ(r.audit.back().revision, rev1_);
  EXPECT_EQ(r.audit.back().detail, "from " + rev2);
  EXPECT_EQ(
      Post("/admin/articles/" + id_ + "/restore", Form({{"revision", "sha256:00"}}), "writer@x.org").status,
      404);
}

TEST_F(ReviewPages, RestoringAnApprovedTextBringsBackItsApproval) {
  Submit();
  Approve();
  newsroom::Actor wendy{1, "writer@x.org", "wendy", newsroom::kWriter};
  std::string rev2 = articles_->Save(wendy, std::stoll(id_), kSweeter, rev1_, false)->revision;
  EXPECT_NE(Page("ed@x.org").find("only be published as a non-clinical change"), std::string::npos);
  ASSERT_EQ(Post("/admin/articles/" + id_ + "/restore", Form({{"revision", rev1_}}), "writer@x.org").status,
            303);
  std::string ed = Page("ed@x.org");
  EXPECT_NE(ed.find("has its medical approval"), std::string::npos);
  ASSERT_EQ(Step("publish", "ed@x.org", {{"revision", rev1_}}).status, 303);
  EXPECT_EQ(Record().article.live_revision, rev1_);
  EXPECT_NE(rev2, rev1_);
}

TEST_F(ReviewPages, PreviewLinkWorksWithoutSignInUntilItExpires) {
  Response bad = Post("/admin/articles/" + id_ + "/preview-link", Form({{"revision", rev1_}, {"days", "31"}}),
                      "writer@x.org");
  EXPECT_EQ(bad.status, 400);
  Response made = Post("/admin/articles/" + id_ + "/preview-link", Form({{"revision", rev1_}, {"days", "2"}}),
                       "writer@x.org");
  ASSERT_EQ(made.status, 200) << made.Body();
  // At the address the newsroom was reached at (not the site's base_url, another host here).
  size_t at = made.Body().find(">http://127.0.0.1:8080/preview/");
  ASSERT_NE(at, std::string::npos) << made.Body();
  std::string token = made.Body().substr(at + 31, 64);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(Record().audit.back().action, "preview-link");

  Response preview = Get("/preview/" + token);
  ASSERT_EQ(preview.status, 200) << preview.Body();
  EXPECT_EQ(preview.Header("Cache-Control"), "no-store");
  EXPECT_EQ(preview.Header("X-Robots-Tag"), "noindex");
  EXPECT_TRUE(Has(preview, "Draft preview, not published"));
  EXPECT_TRUE(Has(preview, "Figs are fruit."));
  EXPECT_EQ(Get("/preview/" + std::string(64, 'a')).status, 404);
  EXPECT_EQ(Get("/health/figs/").status, 404);  // still not published

  clock_.Advance(2 * 86400);
  Response expired = Get("/preview/" + token);
  EXPECT_EQ(expired.status, 404);
  EXPECT_EQ(expired.Header("X-Robots-Tag"), "noindex");
}

TEST_F(ReviewPages, RecordListsRevisionsApprovalsAndPublications) {
  Submit();
  Response noted = Step("approve", "rita@x.org", {{"revision", rev1_}, {"note", "Checked against NICE."}});
  ASSERT_EQ(noted.status, 303);
  ASSERT_EQ(Step("publish", "ed@x.org", {{"revision", rev1_}}).status, 303);
  Response res = Get("/admin/articles/" + id_ + "/record.json", "ed@x.org");
  ASSERT_EQ(res.status, 200) << res.Body();
  json j = json::parse(res.Body());
  ASSERT_EQ(j["revisions"].size(), 1u);
  EXPECT_EQ(j["revisions"][0]["revision"], rev1_);
  EXPECT_EQ(j["revisions"][0]["author_email"], "writer@x.org");
  ASSERT_EQ(j["approvals"].size(), 1u);
  EXPECT_EQ(j["approvals"][0]["note"], "Checked against NICE.");
  EXPECT_EQ(j["approvals"][0]["person"], "rita");
  ASSERT_EQ(j["publications"].size(), 1u);
  EXPECT_EQ(j["publications"][0]["action"], "publish");
  EXPECT_EQ(j["publications"][0]["non_clinical"], false);
  EXPECT_GE(j["audit"].size(), 4u);  // create, submit, approve, publish

  Response html = Get("/admin/articles/" + id_ + "/record", "writer@x.org");
  ASSERT_EQ(html.status, 200);
  EXPECT_TRUE(Has(html, "<h1>Production record: Figs</h1>"));
  EXPECT_TRUE(Has(html, "Checked against NICE."));
  EXPECT_TRUE(Has(html, "href=\"../../review.css\""));
  EXPECT_NE(Get("/admin/review.css").Body().find("@media print"), std::string::npos);
}

TEST(WordDiff, MarksChangedWordsAndCountsThem) {
  admin::WordDiff d = admin::DiffWords("Take one tablet daily <now>.", "Take two tablets daily <now>.");
  EXPECT_EQ(d.html, "Take <del>one tablet</del><ins>two tablets</ins> daily &lt;now&gt;.");
  EXPECT_EQ(d.added, 2u);
  EXPECT_EQ(d.removed, 2u);
  EXPECT_EQ(admin::DiffSummary(d), "2 words added, 2 words removed");
  EXPECT_TRUE(admin::DiffWords("same\ntext", "same\ntext").Same());
  EXPECT_EQ(admin::DiffSummary(admin::DiffWords("a", "a")), "no change");
  EXPECT_EQ(admin::DiffWords("a b", "a").html, "a<del> b</del>");
}

// diff_fuzz's invariant (dropping the <del> runs gives the new text): an
// unchanged space between a deletion and an addition went into the <del> run
// only, so the new text lost it (" x b" read "x b").
TEST(WordDiff, AnUnchangedSpaceBetweenChangesStaysInBothTexts) {
  admin::WordDiff d = admin::DiffWords("a b c", " x b c d");
  EXPECT_EQ(d.html, "<del>a</del> <ins>x </ins>b c<ins> d</ins>");
  EXPECT_EQ(d.added, 2u);
  EXPECT_EQ(d.removed, 1u);
  EXPECT_EQ(admin::DiffWords("Take one tablet", "Take two tablets").html,
            "Take <del>one tablet</del><ins>two tablets</ins>");
}

}  // namespace
}  // namespace vetted::server
