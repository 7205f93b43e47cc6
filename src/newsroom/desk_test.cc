// The desk (what waits for each person) and readers' tickets over a memory
// store: the rules as a table, the lists, and the link from a publication.
#include <gtest/gtest.h>

#include "newsroom/newsroom.h"
#include "store/open.h"

namespace vetted::newsroom {
namespace {

const Actor kWendy{1, "wendy@x.org", "wendy", kWriter};
const Actor kRita{2, "rita@x.org", "rita", kReviewer};
const Actor kEd{5, "ed@x.org", "ed", kEditor};
const Actor kRoot{6, "root@x.org", "", kAdmin};

const char kPath[] = "content/health/figs.md";

std::string Figs(const std::string& body) {
  return "---\ntitle: Figs\ndescription: About figs.\nauthors: [wendy]\npublished: 2026-01-10\n---\n" + body +
         "\n";
}

store::ImportInput SiteFiles() {
  store::ImportInput in;
  in.files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"content/health/_section.md", "---\ntitle: Health\ndescription: About health.\n---\nIntro.\n"},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
      {"people/rita.md",
       "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
       "doctor.\n---\nBio.\n"},
      {"pages/editorial-process.md",
       "---\ntitle: Our editorial process\ndescription: How.\n---\nWe check.\n"},
  };
  return in;
}

TEST(TicketRules, WhoMayDoWhat) {
  store::Ticket open;
  store::Ticket assigned;
  assigned.state = "assigned";
  assigned.assignee = kWendy.account_id;
  store::Ticket done;
  done.state = "resolved";
  struct Case {
    const Actor& actor;
    const store::Ticket& ticket;
    TicketAction action;
    const char* note;
    Code want;
  } cases[] = {
      {kWendy, open, TicketAction::kAssign, "", Code::kOk},
      {kEd, open, TicketAction::kAssign, "", Code::kOk},
      {kRita, open, TicketAction::kAssign, "", Code::kForbidden},
      {kWendy, assigned, TicketAction::kAssign, "", Code::kForbidden},  // hers already
      {kEd, assigned, TicketAction::kAssign, "", Code::kOk},
      {kEd, open, TicketAction::kResolve, "fixed the dose", Code::kOk},
      {kEd, assigned, TicketAction::kDismiss, "the reader misread", Code::kOk},
      {kEd, open, TicketAction::kResolve, "  ", Code::kInvalid},  // a note is needed
      {kWendy, assigned, TicketAction::kResolve, "fixed", Code::kForbidden},
      {kRoot, open, TicketAction::kDismiss, "no", Code::kForbidden},
      {kRita, open, TicketAction::kResolve, "fixed", Code::kForbidden},
      {kEd, done, TicketAction::kDismiss, "again", Code::kForbidden},
      {kEd, done, TicketAction::kAssign, "", Code::kForbidden},
  };
  for (const Case& c : cases)
    EXPECT_EQ(MayChangeTicket(c.actor, c.ticket, c.action, c.note).code(), c.want)
        << c.actor.email << " " << c.ticket.state << " " << static_cast<int>(c.action);
  EXPECT_EQ(ParseTicketAction("resolve"), TicketAction::kResolve);
  EXPECT_FALSE(ParseTicketAction("reopen").has_value());
}

class DeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> s = store::Open("memory:");
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Import(SiteFiles()).ok());
    ArticleOptions options;
    options.clock = &clock_;
    articles_ = std::make_unique<Articles>(*store_, options);
    tickets_ = std::make_unique<Tickets>(*store_, &clock_);
  }
  Created PublishFigs() {
    Result<Created> c = articles_->Create(kWendy, kPath, Figs("Figs are fruit."));
    EXPECT_TRUE(c.ok());
    EXPECT_TRUE(articles_->Submit(kWendy, c->id, c->revision).ok());
    EXPECT_TRUE(articles_->Approve(kRita, c->id, c->revision, "").ok());
    Result<Published> p = articles_->Publish(kEd, c->id, {c->revision, "", ""});
    EXPECT_TRUE(p.ok()) << p.status().message();
    return *c;
  }
  int64_t Report(const std::string& category, const std::string& comment) {
    std::vector<Result<int64_t>> ids =
        store_->AddFeedback({{"/health/figs/", "", false, category, comment, "2026-12-07T09:00:00Z"}});
    EXPECT_TRUE(ids[0].ok()) << ids[0].status().message();
    return ids[0].ok() ? *ids[0] : 0;
  }
  std::vector<std::string> Actions() {
    std::vector<std::string> out;
    // A named Result: a range-for over *articles_->Audit() would iterate a
    // vector inside a temporary already destroyed (found under ASan).
    Result<std::vector<store::AuditEntry>> audit = articles_->Audit();
    if (!audit.ok()) return out;
    for (const store::AuditEntry& e : *audit) out.push_back(e.action);
    return out;
  }

  util::FixedClock clock_{1796688000};  // 2026-12-08T00:00:00Z
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Articles> articles_;
  std::unique_ptr<Tickets> tickets_;
};

TEST_F(DeskTest, ReviewQueueAndChangesRequested) {
  Result<Created> c = articles_->Create(kWendy, kPath, Figs("Figs are fruit."));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(DeskOf(*store_, kRita)->to_review.empty());  // a draft waits for nobody
  ASSERT_TRUE(articles_->Submit(kWendy, c->id, c->revision).ok());
  Result<Desk> rita = DeskOf(*store_, kRita);
  ASSERT_TRUE(rita.ok());
  ASSERT_EQ(rita->to_review.size(), 1u);
  EXPECT_EQ(rita->to_review[0].title, "Figs");
  // The author's own reviewer account may not review it: not in its queue.
  const Actor wendy_reviewer{4, "w2@x.org", "wendy", kReviewer};
  EXPECT_TRUE(DeskOf(*store_, wendy_reviewer)->to_review.empty());
  EXPECT_TRUE(DeskOf(*store_, kWendy)->changes_requested.empty());

  ASSERT_TRUE(articles_->RequestChanges(kRita, c->id, c->revision, "Cite a source.").ok());
  EXPECT_TRUE(DeskOf(*store_, kRita)->to_review.empty());
  Result<Desk> wendy = DeskOf(*store_, kWendy);
  ASSERT_EQ(wendy->changes_requested.size(), 1u);
  EXPECT_EQ(wendy->changes_requested[0].article.id, c->id);
  EXPECT_TRUE(DeskOf(*store_, kEd)->changes_requested.empty());  // not his article
  // A new revision answers the request: no longer waiting.
  ASSERT_TRUE(articles_->Save(kWendy, c->id, Figs("Figs are fruit [1]."), c->revision, false).ok());
  EXPECT_TRUE(DeskOf(*store_, kWendy)->changes_requested.empty());
}

TEST_F(DeskTest, ErrorReportsBecomeTicketsOnce) {
  PublishFigs();
  Report("helpful", "");
  int64_t error = Report("error", "The dose is wrong.");
  Result<std::vector<store::Ticket>> list = tickets_->List();
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].feedback_id, error);
  EXPECT_EQ((*list)[0].state, "open");
  EXPECT_EQ((*list)[0].article_path, kPath);
  EXPECT_FALSE((*list)[0].revision.empty());
  EXPECT_EQ(*tickets_->Sync(), 0);  // not twice
  Report("error", "A typo.");
  EXPECT_EQ(tickets_->List()->size(), 2u);
  EXPECT_EQ(tickets_->List()->front().feedback_id, error + 1);  // newest first
}

TEST_F(DeskTest, ChangesAreAuditedAndOnlyEditorsResolve) {
  PublishFigs();
  Report("error", "The dose is wrong.");
  int64_t id = tickets_->List()->front().id;
  ASSERT_TRUE(tickets_->Change(kWendy, id, TicketAction::kAssign, "").ok());
  EXPECT_EQ(tickets_->Get(id)->assignee, kWendy.account_id);
  EXPECT_EQ(tickets_->Get(id)->state, "assigned");
  Status refused = tickets_->Change(kWendy, id, TicketAction::kResolve, "done");
  EXPECT_EQ(refused.code(), Code::kForbidden);
  EXPECT_EQ(tickets_->Get(id)->state, "assigned");  // unchanged
  ASSERT_TRUE(tickets_->Change(kEd, id, TicketAction::kDismiss, "The dose is right.").ok());
  EXPECT_EQ(tickets_->Get(id)->state, "dismissed");
  EXPECT_EQ(tickets_->Get(id)->note, "The dose is right.");
  std::vector<std::string> actions = Actions();
  EXPECT_EQ(actions.back(), "ticket-dismiss");
  EXPECT_EQ(actions[actions.size() - 2], "ticket-assign");
  EXPECT_EQ(articles_->Audit().value().back().article_id, 1);
  EXPECT_TRUE(articles_->VerifyAudit()->intact);
  EXPECT_EQ(tickets_->Change(kEd, id + 5, TicketAction::kAssign, "").code(), Code::kNotFound);
}

TEST_F(DeskTest, APublicationFromATicketResolvesIt) {
  Created c = PublishFigs();
  Report("error", "Figs are not vegetables.");
  int64_t id = tickets_->List()->front().id;
  // Nothing is fixed until an editor publishes.
  EXPECT_EQ(tickets_->LinkPublication(kWendy, id, c.id).code(), Code::kForbidden);
  Result<Saved> fixed = articles_->Save(kEd, c.id, Figs("Figs are fruit, sweet ones."), c.revision, false);
  ASSERT_TRUE(fixed.ok());
  ASSERT_TRUE(articles_->Publish(kEd, c.id, {fixed->revision, "Wording only.", ""}).ok());
  ASSERT_TRUE(tickets_->LinkPublication(kEd, id, c.id).ok());
  store::Ticket t = *tickets_->Get(id);
  EXPECT_EQ(t.state, "resolved");
  EXPECT_GT(t.publication_id, 0);
  EXPECT_NE(t.note.find(fixed->revision), std::string::npos);
  EXPECT_EQ(Actions().back(), "ticket-resolve");
  // Twice: the ticket is closed.
  EXPECT_EQ(tickets_->LinkPublication(kEd, id, c.id).code(), Code::kForbidden);
  // Another article: refused.
  Result<Created> other = articles_->Create(kWendy, "content/health/pears.md", Figs("Pears."));
  Report("error", "Another.");
  int64_t second = tickets_->List()->front().id;
  EXPECT_EQ(tickets_->LinkPublication(kEd, second, other->id).code(), Code::kInvalid);
  EXPECT_EQ(tickets_->Get(second)->state, "open");
}

}  // namespace
}  // namespace vetted::newsroom
