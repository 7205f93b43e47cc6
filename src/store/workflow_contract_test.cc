// The WorkflowStore (store/workflow.h): part of the Store contract, run
// against every backend (see contract_test.h).
#include <gmock/gmock.h>

#include "store/contract_test.h"

namespace vetted::store {
namespace {

const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kB = "sha256:" + std::string(64, 'b');

// Runs fn in a write transaction and expects it to commit.
void MustWrite(WorkflowStore& wf, const std::function<Status(WorkflowTx&)>& fn) {
  Status s = wf.Write(fn);
  ASSERT_TRUE(s.ok()) << s.message();
}

int64_t NewArticle(WorkflowStore& wf, const std::string& path) {
  int64_t id = 0;
  MustWrite(wf, [&](WorkflowTx& tx) {
    WfArticle a;
    a.path = path;
    a.created_at = "2026-12-01T10:00:00Z";
    a.created_by = 7;
    Status s = tx.AddArticle(a);
    id = a.id;
    return s;
  });
  return id;
}

WfRevision Rev(int64_t article, const std::string& hash, const std::string& parent) {
  return {article, hash, "source of " + hash.substr(7, 4) + "\n\x01\xff", parent, 7, "2026-12-01T10:00:00Z",
          false};
}

}  // namespace

TEST_P(StoreContract, WorkflowArticlesAndRevisions) {
  WorkflowStore* wf = store_->Workflow();
  ASSERT_NE(wf, nullptr);
  int64_t id = NewArticle(*wf, "content/sleep/a.md");
  ASSERT_GT(id, 0);
  // The same path twice is a conflict.
  Status dup = wf->Write([&](WorkflowTx& tx) {
    WfArticle a;
    a.path = "content/sleep/a.md";
    return tx.AddArticle(a);
  });
  EXPECT_EQ(dup.code(), Code::kConflict);

  MustWrite(*wf, [&](WorkflowTx& tx) {
    Result<SaveResult> r = tx.SaveRevision(Rev(id, kA, ""));
    if (!r.ok()) return r.status();
    EXPECT_FALSE(r->conflict);
    EXPECT_TRUE(r->added);
    // A save on top of a revision that is not the latest: conflict, nothing stored.
    r = tx.SaveRevision(Rev(id, kB, ""));
    if (!r.ok()) return r.status();
    EXPECT_TRUE(r->conflict);
    EXPECT_EQ(r->latest_revision, kA);
    r = tx.SaveRevision(Rev(id, kB, kA));
    if (!r.ok()) return r.status();
    EXPECT_FALSE(r->conflict);
    // The same text again: the same revision, not a new one.
    r = tx.SaveRevision(Rev(id, kA, kB));
    if (!r.ok()) return r.status();
    EXPECT_FALSE(r->added);
    EXPECT_EQ(r->latest_revision, kA);
    return Status::Ok();
  });
  Reopen();
  wf = store_->Workflow();
  Status read = wf->Read([&](WorkflowTx& tx) {
    Result<std::vector<WfRevision>> revs = tx.Revisions(id);
    if (!revs.ok()) return revs.status();
    EXPECT_EQ(revs->size(), 2u);
    if (revs->size() == 2) {
      EXPECT_EQ((*revs)[0].hash, kA);
      EXPECT_EQ((*revs)[0].source, "source of aaaa\n\x01\xff");  // every byte kept
      EXPECT_EQ((*revs)[1].parent, kA);
    }
    Result<WfArticle> a = tx.Article(id);
    if (!a.ok()) return a.status();
    EXPECT_EQ(a->latest_revision, kA);
    EXPECT_EQ(tx.Article(id + 100).status().code(), Code::kNotFound);
    // One revision by its hash, as Revisions has it.
    Result<WfRevision> b = tx.Revision(id, kB);
    if (!b.ok()) return b.status();
    EXPECT_EQ(b->hash, kB);
    EXPECT_EQ(b->parent, kA);
    EXPECT_EQ(b->article_id, id);
    Result<WfRevision> first = tx.Revision(id, kA);
    if (!first.ok()) return first.status();
    EXPECT_EQ(first->source, "source of aaaa\n\x01\xff");
    EXPECT_EQ(tx.Revision(id, "sha256:none").status().code(), Code::kNotFound);
    EXPECT_EQ(tx.Revision(id + 100, kA).status().code(), Code::kNotFound);
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
}

// The hash covers what readers see; the rest of a file (old addresses, say)
// may change under the same hash: the stored source follows the newest save.
TEST_P(StoreContract, WorkflowSameRevisionWithOtherBytesReplacesItsSource) {
  WorkflowStore* wf = store_->Workflow();
  ASSERT_NE(wf, nullptr);
  int64_t id = NewArticle(*wf, "content/sleep/a.md");
  WfRevision first = Rev(id, kA, "");
  first.source = "---\ntitle: A\n---\nBody.\n";
  WfRevision again = first;
  again.parent = kA;
  again.source = "---\ntitle: A\naliases: [/old/]\n---\nBody.\n";
  again.author = 9;
  again.created_at = "2026-12-03T10:00:00Z";
  MustWrite(*wf, [&](WorkflowTx& tx) {
    Result<SaveResult> r = tx.SaveRevision(first);
    if (!r.ok()) return r.status();
    EXPECT_TRUE(r->added);
    EXPECT_FALSE(r->replaced);
    r = tx.SaveRevision(again);
    if (!r.ok()) return r.status();
    EXPECT_FALSE(r->conflict);
    EXPECT_FALSE(r->added);
    EXPECT_TRUE(r->replaced);
    EXPECT_EQ(r->replaced_source, first.source);
    EXPECT_EQ(r->latest_revision, kA);
    // The same bytes once more: nothing replaced.
    r = tx.SaveRevision(again);
    if (!r.ok()) return r.status();
    EXPECT_FALSE(r->added);
    EXPECT_FALSE(r->replaced);
    EXPECT_TRUE(r->replaced_source.empty());
    return Status::Ok();
  });
  // A replacement inside a transaction that fails is undone.
  Status failed = wf->Write([&](WorkflowTx& tx) {
    WfRevision other = again;
    other.source = "---\ntitle: A\ntoc: false\n---\nBody.\n";
    Result<SaveResult> r = tx.SaveRevision(other);
    if (!r.ok()) return r.status();
    EXPECT_TRUE(r->replaced);
    return Status::Forbidden("changed my mind");
  });
  EXPECT_EQ(failed.code(), Code::kForbidden);
  Reopen();
  wf = store_->Workflow();
  Status read = wf->Read([&](WorkflowTx& tx) {
    Result<std::vector<WfRevision>> revs = tx.Revisions(id);
    if (!revs.ok()) return revs.status();
    EXPECT_EQ(revs->size(), 1u);
    if (revs->size() == 1) {
      EXPECT_EQ((*revs)[0].source, again.source);
      // Who first saved it and when stays as it was.
      EXPECT_EQ((*revs)[0].author, first.author);
      EXPECT_EQ((*revs)[0].created_at, first.created_at);
      EXPECT_EQ((*revs)[0].parent, "");
    }
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
}

TEST_P(StoreContract, WorkflowWriteIsAllOrNothing) {
  WorkflowStore* wf = store_->Workflow();
  ASSERT_NE(wf, nullptr);
  int64_t id = NewArticle(*wf, "content/a.md");
  Status failed = wf->Write([&](WorkflowTx& tx) {
    WfApproval ap{id, kA, 3, "ana", "fine", "2026-12-02T10:00:00Z"};
    if (Status s = tx.AddApproval(ap); !s.ok()) return s;
    AuditEntry e{0, "2026-12-02T10:00:00Z", 3, "approve", id, kA, "in_review", "approved", "", ""};
    if (Status s = tx.AppendAudit(e); !s.ok()) return s;
    return Status::Forbidden("changed my mind");
  });
  EXPECT_EQ(failed.code(), Code::kForbidden);
  Status read = wf->Read([&](WorkflowTx& tx) {
    EXPECT_TRUE(tx.Approvals(id)->empty());
    EXPECT_TRUE(tx.Audit(0)->empty());
    EXPECT_EQ(tx.Head()->count, 0);
    // A read-only view refuses writes.
    WfChangeRequest c{id, kA, 3, "no", "t"};
    EXPECT_FALSE(tx.AddChangeRequest(c).ok());
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
}

TEST_P(StoreContract, WorkflowReviewsPublicationsAndStates) {
  WorkflowStore* wf = store_->Workflow();
  ASSERT_NE(wf, nullptr);
  int64_t id = NewArticle(*wf, "content/a.md");
  int64_t other = NewArticle(*wf, "content/b.md");
  int64_t pub_id = 0;
  MustWrite(*wf, [&](WorkflowTx& tx) {
    EXPECT_TRUE(tx.AddApproval({id, kA, 3, "ana", "fine", "2026-12-02T10:00:00Z"}).ok());
    EXPECT_TRUE(tx.AddApproval({other, kB, 4, "bo", "", "2026-12-02T11:00:00Z"}).ok());
    EXPECT_TRUE(tx.AddChangeRequest({id, kB, 4, "line 3 is wrong", "2026-12-02T12:00:00Z"}).ok());
    WfPublication p;
    p.article_id = id;
    p.revision = kA;
    p.by = 9;
    p.created_at = "2026-12-03T00:00:00Z";
    p.scheduled_at = "2026-12-04T00:00:00Z";
    EXPECT_TRUE(tx.AddPublication(p).ok());
    pub_id = p.id;
    Result<WfArticle> a = tx.Article(id);
    if (!a.ok()) return a.status();
    a->state = "published";
    a->live_revision = kA;
    a->submitted_revision = kA;
    return tx.UpdateArticle(*a);
  });
  Reopen();
  wf = store_->Workflow();
  MustWrite(*wf, [&](WorkflowTx& tx) {
    EXPECT_TRUE(tx.FinishPublication(pub_id, "2026-12-04T00:00:01Z").ok());
    EXPECT_EQ(tx.FinishPublication(pub_id, "2026-12-04T00:00:02Z").code(), Code::kNotFound);  // once
    return Status::Ok();
  });
  Status read = wf->Read([&](WorkflowTx& tx) {
    Result<std::vector<WfApproval>> ap = tx.Approvals(id);
    EXPECT_EQ(ap->size(), 1u);
    EXPECT_EQ(ap->front().reviewer_person, "ana");
    EXPECT_EQ(ap->front().note, "fine");
    EXPECT_EQ(tx.ChangeRequests(id)->front().comments, "line 3 is wrong");
    Result<std::vector<WfPublication>> pubs = tx.Publications(0);
    EXPECT_EQ(pubs->size(), 1u);
    EXPECT_EQ(pubs->front().done_at, "2026-12-04T00:00:01Z");
    EXPECT_EQ(pubs->front().scheduled_at, "2026-12-04T00:00:00Z");
    EXPECT_TRUE(tx.Publications(other)->empty());
    Result<WfArticle> a = tx.Article(id);
    EXPECT_EQ(a->state, "published");
    EXPECT_EQ(a->live_revision, kA);
    EXPECT_EQ(tx.Articles()->size(), 2u);
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
}

TEST_P(StoreContract, WorkflowAuditIsAChain) {
  WorkflowStore* wf = store_->Workflow();
  ASSERT_NE(wf, nullptr);
  for (int i = 0; i < 3; ++i) {
    MustWrite(*wf, [&](WorkflowTx& tx) {
      AuditEntry e{0,       "2026-12-02T10:00:0" + std::to_string(i) + "Z", 3, "save", 1 + i % 2, kA, "draft",
                   "draft", "entry \"" + std::to_string(i) + "\"\n",        ""};
      return tx.AppendAudit(e);
    });
  }
  // Other actions for AuditActions: only the named ones of that article come back, by seq.
  for (const char* action : {"publish", "save-settings", "publish-x"}) {
    MustWrite(*wf, [&](WorkflowTx& tx) {
      AuditEntry e{0, "2026-12-02T10:01:00Z", 3, action, 1, kA, "draft", "published", "", ""};
      return tx.AppendAudit(e);
    });
  }
  MustWrite(*wf, [&](WorkflowTx& tx) {
    AuditEntry e{0, "2026-12-02T10:02:00Z", 3, "publish", 2, kA, "draft", "published", "", ""};
    return tx.AppendAudit(e);
  });
  Reopen();
  wf = store_->Workflow();
  std::vector<AuditEntry> all;
  Status read = wf->Read([&](WorkflowTx& tx) {
    all = *tx.Audit(0);
    EXPECT_EQ(tx.Audit(2)->size(), 2u);
    std::vector<AuditEntry> some = *tx.AuditActions(1, {"publish", "save-settings"});
    EXPECT_EQ(some.size(), 2u);
    if (some.size() == 2) {
      EXPECT_EQ(some[0].action, "publish");
      EXPECT_EQ(some[0].seq, 4);
      EXPECT_EQ(some[1].action, "save-settings");
    }
    EXPECT_EQ(tx.AuditActions(1, {"save"})->size(), 2u);
    EXPECT_TRUE(tx.AuditActions(1, {})->empty());
    EXPECT_TRUE(tx.AuditActions(1, {"publis"})->empty());
    EXPECT_EQ(tx.AuditActions(2, {"publish"})->size(), 1u);
    EXPECT_EQ(tx.Head()->count, 7);
    EXPECT_EQ(tx.Head()->hash, AuditHash(all.back()));
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.message();
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all[0].seq, 1);
  EXPECT_EQ(all[0].prev_hash, "");
  EXPECT_EQ(all[1].prev_hash, AuditHash(all[0]));
  EXPECT_EQ(all[2].prev_hash, AuditHash(all[1]));
  EXPECT_EQ(all[2].detail, "entry \"2\"\n");
  Result<AuditCheck> check = wf->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->intact) << check->problem;
  EXPECT_EQ(check->entries, 7u);
}

TEST_P(StoreContract, WorkflowContentInsideTheTransaction) {
  WorkflowStore* wf = store_->Workflow();
  ASSERT_NE(wf, nullptr);
  ASSERT_TRUE(store_->Import(SmallSite()).ok());
  ImportInput in = SmallSite();
  in.articles.pop_back();
  MustWrite(*wf, [&](WorkflowTx& tx) {
    Result<Snapshot> snap = tx.LoadContent();
    if (!snap.ok()) return snap.status();
    EXPECT_EQ(snap->files.size(), 6u);
    Result<ImportReport> report = tx.ImportContent(in);
    if (!report.ok()) return report.status();
    EXPECT_EQ(report->removed.size(), 1u);
    return Status::Ok();
  });
  Result<Snapshot> after = store_->Load();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->files.size(), 5u);
}

}  // namespace vetted::store
