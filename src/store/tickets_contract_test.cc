// Readers' tickets (store/tickets.h) and FindFeedback: part of the Store
// contract, run against every backend (see contract_test.h).
#include <gmock/gmock.h>

#include "store/contract_test.h"

namespace vetted::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Ticket NewTicket(int64_t feedback_id) {
  Ticket t;
  t.feedback_id = feedback_id;
  t.article_url = "/sleep/insomnia/";
  t.article_path = "content/sleep/insomnia.md";
  t.revision = "sha256:" + std::string(64, 'c');
  t.created_at = "2026-12-01T10:00:00Z";
  t.updated_at = t.created_at;
  return t;
}

FeedbackFilter Filter(const std::string& url, const std::string& category, int64_t after_id = 0) {
  FeedbackFilter f;
  f.article_url = url;
  f.category = category;
  f.after_id = after_id;
  return f;
}

std::vector<int64_t> Ids(const std::vector<FeedbackRecord>& records) {
  std::vector<int64_t> out;
  for (const FeedbackRecord& f : records) out.push_back(f.id);
  return out;
}

}  // namespace

TEST_P(StoreContract, TicketsAddGetUpdate) {
  WorkflowStore* wf = store_->Workflow();
  ASSERT_NE(wf, nullptr);
  int64_t id = 0;
  Status s = wf->Write([&](WorkflowTx& tx) {
    TicketTx* tickets = tx.Tickets();
    if (tickets == nullptr) return Status::Internal("no tickets");
    Ticket t = NewTicket(5);
    if (Status s = tickets->AddTicket(t); !s.ok()) return s;
    id = t.id;
    Ticket again = NewTicket(5);  // one ticket per report
    EXPECT_EQ(tickets->AddTicket(again).code(), Code::kConflict);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_GT(id, 0);

  // A rolled-back write leaves nothing behind.
  Status refused = wf->Write([&](WorkflowTx& tx) {
    Ticket t = NewTicket(6);
    if (Status s = tx.Tickets()->AddTicket(t); !s.ok()) return s;
    return Status::Invalid("changed my mind");
  });
  EXPECT_EQ(refused.code(), Code::kInvalid);

  s = wf->Write([&](WorkflowTx& tx) {
    Result<Ticket> t = tx.Tickets()->GetTicket(id);
    if (!t.ok()) return t.status();
    t->state = "resolved";
    t->assignee = 3;
    t->note = "fixed the dose";
    t->publication_id = 9;
    t->updated_at = "2026-12-02T10:00:00Z";
    t->article_url = "/ignored/";  // fixed fields stay as stored
    if (Status s = tx.Tickets()->UpdateTicket(*t); !s.ok()) return s;
    Ticket unknown = *t;
    unknown.id = id + 100;
    EXPECT_EQ(tx.Tickets()->UpdateTicket(unknown).code(), Code::kNotFound);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();

  Reopen();
  s = store_->Workflow()->Read([&](WorkflowTx& tx) {
    Result<std::vector<Ticket>> all = tx.Tickets()->Tickets();
    if (!all.ok()) return all.status();
    EXPECT_EQ(all->size(), 1u);
    Result<Ticket> t = tx.Tickets()->GetTicket(id);
    if (!t.ok()) return t.status();
    EXPECT_EQ(t->feedback_id, 5);
    EXPECT_EQ(t->article_url, "/sleep/insomnia/");
    EXPECT_EQ(t->article_path, "content/sleep/insomnia.md");
    EXPECT_EQ(t->state, "resolved");
    EXPECT_EQ(t->assignee, 3);
    EXPECT_EQ(t->note, "fixed the dose");
    EXPECT_EQ(t->publication_id, 9);
    EXPECT_EQ(t->created_at, "2026-12-01T10:00:00Z");
    EXPECT_EQ(t->updated_at, "2026-12-02T10:00:00Z");
    EXPECT_EQ(tx.Tickets()->GetTicket(id + 1).status().code(), Code::kNotFound);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
}

TEST_P(StoreContract, FindFeedbackFilters) {
  ImportInput site = SmallSite();
  ASSERT_TRUE(store_->Import(site).ok());
  auto entry = [](const std::string& url, const std::string& category) {
    return NewFeedback{.article_url = url,
                       .revision = "",
                       .helpful = category == "helpful",
                       .category = category,
                       .comment = category == "helpful" ? "" : "see the dose",
                       .created_at = "2026-11-26T06:01:02Z"};
  };
  std::vector<Result<int64_t>> ids =
      store_->AddFeedback({entry("/sleep/insomnia/", "helpful"), entry("/sleep/insomnia/", "error"),
                           entry("/relationships/trust/", "error"), entry("/sleep/insomnia/", "other")});
  ASSERT_EQ(ids.size(), 4u);
  for (const auto& id : ids) ASSERT_TRUE(id.ok());

  Result<std::vector<FeedbackRecord>> all = store_->FindFeedback({});
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(Ids(*all), ElementsAre(*ids[0], *ids[1], *ids[2], *ids[3]));
  Result<std::vector<FeedbackRecord>> one = store_->FindFeedback(Filter("/sleep/insomnia/", ""));
  ASSERT_TRUE(one.ok());
  EXPECT_THAT(Ids(*one), ElementsAre(*ids[0], *ids[1], *ids[3]));
  EXPECT_EQ((*one)[1].article_path, "content/sleep/insomnia.md");
  EXPECT_EQ((*one)[1].comment, "see the dose");
  EXPECT_FALSE((*one)[1].revision.empty());
  Result<std::vector<FeedbackRecord>> errors = store_->FindFeedback(Filter("", "error"));
  ASSERT_TRUE(errors.ok());
  EXPECT_THAT(Ids(*errors), ElementsAre(*ids[1], *ids[2]));
  Result<std::vector<FeedbackRecord>> later = store_->FindFeedback(Filter("", "error", *ids[1]));
  ASSERT_TRUE(later.ok());
  EXPECT_THAT(Ids(*later), ElementsAre(*ids[2]));
  Result<std::vector<FeedbackRecord>> none = store_->FindFeedback(Filter("/nowhere/", ""));
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

}  // namespace vetted::store
