// Private preview links (store/workflow.h WfPreviewLink): part of the Store
// contract, run against every backend (see contract_test.h).
#include <gtest/gtest.h>

#include "store/contract_test.h"

namespace vetted::store {
namespace {

const std::string kRev = "sha256:" + std::string(64, 'c');

WfPreviewLink Link(int64_t article, const std::string& hash, const std::string& expires) {
  return {hash, article, kRev, 7, "2026-12-01T10:00:00Z", expires};
}

}  // namespace

TEST_P(StoreContract, PreviewLinksAreKeptByTokenHashAcrossReopen) {
  WorkflowStore* wf = store_->Workflow();
  ASSERT_NE(wf, nullptr);
  int64_t id = 0;
  Status made = wf->Write([&](WorkflowTx& tx) {
    WfArticle a;
    a.path = "content/sleep/p.md";
    a.created_at = "2026-12-01T10:00:00Z";
    Status s = tx.AddArticle(a);
    id = a.id;
    if (!s.ok()) return s;
    if (s = tx.AddPreviewLink(Link(id, "sha256:one", "2026-12-08T10:00:00Z")); !s.ok()) return s;
    return tx.AddPreviewLink(Link(id, "sha256:two", "2026-12-31T10:00:00Z"));
  });
  ASSERT_TRUE(made.ok()) << made.message();
  // The same token hash twice is a conflict and rolls back the transaction.
  Status dup = wf->Write([&](WorkflowTx& tx) { return tx.AddPreviewLink(Link(id, "sha256:one", "x")); });
  EXPECT_EQ(dup.code(), Code::kConflict);

  Reopen();
  wf = store_->Workflow();
  Status read = wf->Read([&](WorkflowTx& tx) {
    Result<WfPreviewLink> one = tx.PreviewLink("sha256:one");
    EXPECT_TRUE(one.ok());
    if (!one.ok()) return one.status();
    EXPECT_EQ(one->article_id, id);
    EXPECT_EQ(one->revision, kRev);
    EXPECT_EQ(one->created_by, 7);
    EXPECT_EQ(one->created_at, "2026-12-01T10:00:00Z");
    EXPECT_EQ(one->expires_at, "2026-12-08T10:00:00Z");
    EXPECT_EQ(tx.PreviewLink("sha256:nope").status().code(), Code::kNotFound);
    Result<std::vector<WfPreviewLink>> all = tx.PreviewLinks(id);
    EXPECT_TRUE(all.ok());
    if (!all.ok()) return all.status();
    EXPECT_EQ(all->size(), 2u);
    if (all->size() == 2) {
      EXPECT_EQ((*all)[0].token_hash, "sha256:one");
      EXPECT_EQ((*all)[1].token_hash, "sha256:two");
    }
    EXPECT_TRUE(tx.PreviewLinks(id + 1)->empty());
    // A read-only view refuses writes.
    EXPECT_FALSE(tx.AddPreviewLink(Link(id, "sha256:three", "x")).ok());
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
}

}  // namespace vetted::store
