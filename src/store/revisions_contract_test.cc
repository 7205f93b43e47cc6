// Store::Revisions and Store::RevisionBytes: part of the Store contract, run
// against every backend (see contract_test.h).
#include <gmock/gmock.h>

#include "store/contract_test.h"

namespace vetted::store {
namespace {

const char kTrust[] = "content/relationships/trust.md";

std::vector<std::string> Hashes(const std::vector<RevisionInfo>& revisions) {
  std::vector<std::string> out;
  for (const RevisionInfo& r : revisions) out.push_back(r.revision + (r.current ? " current" : ""));
  return out;
}

}  // namespace

TEST_P(StoreContract, RevisionsOldestFirstWithBytes) {
  ImportInput in = SmallSite();
  ASSERT_TRUE(store_->Import(in).ok());
  ArticleSource* trust = nullptr;
  for (ArticleSource& a : in.articles) trust = a.path == kTrust ? &a : trust;
  ASSERT_NE(trust, nullptr);
  const std::string first = trust->revision, first_bytes = trust->bytes;
  const std::string second = "sha256:" + std::string(64, '2');
  trust->revision = second;
  trust->bytes = "second version\n";
  ASSERT_TRUE(store_->Import(in).ok());

  Result<std::vector<RevisionInfo>> revisions = store_->Revisions(kTrust);
  ASSERT_TRUE(revisions.ok()) << revisions.status().message();
  EXPECT_THAT(Hashes(*revisions), ::testing::ElementsAre(first, second + " current"));
  for (const RevisionInfo& r : *revisions) {
    EXPECT_EQ(r.created_at.size(), 20u) << r.created_at;  // "2026-11-26T06:01:02Z"
    EXPECT_EQ(r.created_at.back(), 'Z') << r.created_at;
  }
  Result<std::string> bytes = store_->RevisionBytes(kTrust, first);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, first_bytes);
  bytes = store_->RevisionBytes(kTrust, second);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "second version\n");

  // Back to the first revision: no new revision, the old one is current again.
  trust->revision = first;
  trust->bytes = first_bytes;
  ASSERT_TRUE(store_->Import(in).ok());
  revisions = store_->Revisions(kTrust);
  ASSERT_TRUE(revisions.ok());
  EXPECT_THAT(Hashes(*revisions), ::testing::ElementsAre(first + " current", second));

  // Unpublished articles keep their revisions.
  in.articles.erase(in.articles.begin() + 1);
  ASSERT_TRUE(store_->Import(in).ok());
  revisions = store_->Revisions(kTrust);
  ASSERT_TRUE(revisions.ok());
  EXPECT_EQ(revisions->size(), 2u);
}

TEST_P(StoreContract, RevisionsOfUnknownAreNotFound) {
  ASSERT_TRUE(store_->Import(SmallSite()).ok());
  EXPECT_EQ(store_->Revisions("content/nope.md").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->Revisions("site.toml").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->RevisionBytes(kTrust, "sha256:nope").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->RevisionBytes("content/nope.md", SmallSite().articles[1].revision).status().code(),
            Code::kNotFound);
}

}  // namespace vetted::store
