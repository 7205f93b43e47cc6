// The limits on PostgreSQL shared by several vetted nodes: two stores opened
// on one schema (two "nodes") taking tokens and recording failures at the
// same time.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/postgres/testing/cluster.h"
#include "store/postgres/testing/schema_test.h"

namespace vetted::store {
namespace {

class PostgresLimits : public pg_testing::TwoNodesTest {};

TEST_F(PostgresLimits, TwoNodesAgreeOnTheSecret) {
  std::vector<std::string> seen(2);
  auto ask = [&](Store* node, int i, const std::string& candidate) {
    Result<std::string> secret = node->Limits()->LimitsSecret(candidate);
    seen[i] = secret.ok() ? *secret : "error: " + secret.status().message();
  };
  std::thread ta(ask, a_.get(), 0, "from a");
  std::thread tb(ask, b_.get(), 1, "from b");
  ta.join();
  tb.join();
  EXPECT_TRUE(seen[0] == "from a" || seen[0] == "from b") << seen[0];
  EXPECT_EQ(seen[0], seen[1]);
  EXPECT_EQ(*a_->Limits()->LimitsSecret("x"), seen[0]);
}

TEST_F(PostgresLimits, TwoNodesShareOneBucketAndLoseNoFailure) {
  constexpr int kThreadsPerNode = 3, kEach = 30, kBurst = 50;
  std::atomic<int> taken{0}, refused{0};
  std::vector<std::thread> threads;
  for (Store* node : {a_.get(), b_.get()}) {
    for (int t = 0; t < kThreadsPerNode; ++t) {
      threads.emplace_back([&, node, t] {
        for (int i = 0; i < kEach; ++i) {
          Result<bool> ok = node->Limits()->TakeToken("client", 0, kBurst, 1000.5 + i, 0);
          if (!ok.ok()) {
            ADD_FAILURE() << ok.status().message();
          } else {
            ++(*ok ? taken : refused);
          }
          // The same key and times from both nodes; prune and trim race too.
          Status s = node->Limits()->AddFailure("account", 2000 + t * kEach + i, 1000, 1000);
          if (!s.ok()) ADD_FAILURE() << s.message();
        }
      });
    }
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(taken.load(), kBurst);
  EXPECT_EQ(refused.load(), 2 * kThreadsPerNode * kEach - kBurst);
  EXPECT_EQ(a_->Limits()->FailuresSince("account", 0)->size(),
            static_cast<size_t>(2 * kThreadsPerNode * kEach));
  // A failure recorded on one node counts on the other at once.
  ASSERT_TRUE(a_->Limits()->AddFailure("late", 5000, 10, 0).ok());
  EXPECT_EQ(b_->Limits()->FailuresSince("late", 0)->size(), 1u);
  EXPECT_FALSE(*b_->Limits()->TakeToken("client", 0, kBurst, 9999, 0));
}

TEST_F(PostgresLimits, TwoNodesKeepTheFailureTableBounded) {
  // Each node trims its key to the newest `keep` and prunes old rows, also
  // while the other does the same.
  std::vector<std::thread> threads;
  for (Store* node : {a_.get(), b_.get()}) {
    threads.emplace_back([node] {
      for (int i = 0; i < 100; ++i) {
        Status s = node->Limits()->AddFailure("guessed", 10'000 + i, 10, 10'000 + i - 20);
        if (!s.ok()) ADD_FAILURE() << s.message();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  ASSERT_TRUE(a_->Limits()->AddFailure("guessed", 20'000, 10, 10'000).ok());  // a last trim, alone
  EXPECT_EQ(b_->Limits()->FailuresSince("guessed", 0)->size(), 10u);
}

}  // namespace
}  // namespace vetted::store
