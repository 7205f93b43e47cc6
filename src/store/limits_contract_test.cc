// The limits shared by every node (store/limits.h): part of the Store
// contract, run against every backend (see contract_test.h).
#include <gmock/gmock.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store/contract_test.h"

namespace vetted::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A key with a NUL and high bytes, as a raw hash is.
const std::string kKey("k\0\xff\x01", 4);
const std::string kOther("other\0", 6);

TEST_P(StoreContract, LimitsSecretIsStoredOnceAndKept) {
  LimitStore* limits = store_->Limits();
  ASSERT_NE(limits, nullptr);
  EXPECT_EQ(limits->LimitsSecret("").status().code(), Code::kInvalid);
  const std::string first("s\0cret\xfe", 7);
  Result<std::string> secret = limits->LimitsSecret(first);
  ASSERT_TRUE(secret.ok()) << secret.status().message();
  EXPECT_EQ(*secret, first);
  EXPECT_EQ(*limits->LimitsSecret("another"), first);
  EXPECT_EQ(*limits->LimitsSecret(""), first);
  Reopen();
  EXPECT_EQ(*store_->Limits()->LimitsSecret("yet another"), first);
}

TEST_P(StoreContract, LimitsFailuresAreCountedPerKeySinceATime) {
  LimitStore* limits = store_->Limits();
  ASSERT_NE(limits, nullptr);
  EXPECT_THAT(*limits->FailuresSince(kKey, 0), IsEmpty());
  for (long long at : {100, 105, 105, 110}) ASSERT_TRUE(limits->AddFailure(kKey, at, 10, 0).ok());
  ASSERT_TRUE(limits->AddFailure(kOther, 107, 10, 0).ok());
  EXPECT_THAT(*limits->FailuresSince(kKey, 0), ElementsAre(100, 105, 105, 110));
  EXPECT_THAT(*limits->FailuresSince(kKey, 100), ElementsAre(105, 105, 110));  // after, not at
  EXPECT_THAT(*limits->FailuresSince(kKey, 110), IsEmpty());
  EXPECT_THAT(*limits->FailuresSince(kOther, 0), ElementsAre(107));
  EXPECT_THAT(*limits->FailuresSince(std::string("k"), 0), IsEmpty());  // a prefix is another key
  // Survives a reopen (another process on the same database sees them).
  Reopen();
  limits = store_->Limits();
  EXPECT_THAT(*limits->FailuresSince(kKey, 0), ElementsAre(100, 105, 105, 110));
  ASSERT_TRUE(limits->ClearFailures(kKey).ok());
  EXPECT_THAT(*limits->FailuresSince(kKey, 0), IsEmpty());
  EXPECT_THAT(*limits->FailuresSince(kOther, 0), ElementsAre(107));
  EXPECT_TRUE(limits->ClearFailures("never seen").ok());
}

TEST_P(StoreContract, LimitsFailuresKeepOnlyTheNewestAndOldOnesArePruned) {
  LimitStore* limits = store_->Limits();
  ASSERT_NE(limits, nullptr);
  for (long long at = 1; at <= 20; ++at) ASSERT_TRUE(limits->AddFailure(kKey, at, 3, 0).ok());
  EXPECT_THAT(*limits->FailuresSince(kKey, 0), ElementsAre(18, 19, 20));
  ASSERT_TRUE(limits->AddFailure(kOther, 50, 3, 0).ok());
  // A failure of any key prunes every key's failures at or before prune_before.
  ASSERT_TRUE(limits->AddFailure("third", 60, 3, /*prune_before=*/50).ok());
  EXPECT_THAT(*limits->FailuresSince(kKey, -1), IsEmpty());
  EXPECT_THAT(*limits->FailuresSince(kOther, -1), IsEmpty());
  EXPECT_THAT(*limits->FailuresSince("third", -1), ElementsAre(60));
  // keep below 1 counts as 1.
  ASSERT_TRUE(limits->AddFailure("third", 61, 0, 0).ok());
  EXPECT_THAT(*limits->FailuresSince("third", -1), ElementsAre(61));
}

TEST_P(StoreContract, LimitsTokenBucketTakesRefillsAndRefuses) {
  LimitStore* limits = store_->Limits();
  ASSERT_NE(limits, nullptr);
  const double t0 = 1'800'000'000.25;  // a real unix time with a fraction
  // burst 3, one token a second.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(*limits->TakeToken(kKey, 1, 3, t0, 0)) << i;
  EXPECT_FALSE(*limits->TakeToken(kKey, 1, 3, t0, 0));
  EXPECT_FALSE(*limits->TakeToken(kKey, 1, 3, t0 + 0.5, 0));  // half a token
  EXPECT_TRUE(*limits->TakeToken(kKey, 1, 3, t0 + 1.0, 0));   // 1.0 since t0: one token
  EXPECT_FALSE(*limits->TakeToken(kKey, 1, 3, t0 + 1.0, 0));
  // An earlier time counts as no time passed (another node's clock).
  EXPECT_FALSE(*limits->TakeToken(kKey, 1, 3, t0 - 100, 0));
  // Refills up to burst only.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(*limits->TakeToken(kKey, 1, 3, t0 + 1000, 0)) << i;
  EXPECT_FALSE(*limits->TakeToken(kKey, 1, 3, t0 + 1000, 0));
  // Keys are independent; the state survives a reopen.
  EXPECT_TRUE(*limits->TakeToken(kOther, 1, 3, t0 + 1000, 0));
  Reopen();
  limits = store_->Limits();
  EXPECT_FALSE(*limits->TakeToken(kKey, 1, 3, t0 + 1000, 0));
  // No refill (<= 0) and a burst below 1 (counts as 1).
  EXPECT_TRUE(*limits->TakeToken("no refill", 0, 0.2, t0, 0));
  EXPECT_FALSE(*limits->TakeToken("no refill", 0, 0.2, t0 + 1e6, 0));
  EXPECT_FALSE(*limits->TakeToken("no refill", -5, 1, t0 + 2e6, 0));
}

TEST_P(StoreContract, LimitsIdleBucketsArePruned) {
  LimitStore* limits = store_->Limits();
  ASSERT_NE(limits, nullptr);
  // Empty kKey's bucket with no refill: only pruning can give it back.
  EXPECT_TRUE(*limits->TakeToken(kKey, 0, 1, 100, 0));
  EXPECT_FALSE(*limits->TakeToken(kKey, 0, 1, 101, 0));
  EXPECT_TRUE(*limits->TakeToken(kOther, 0, 1, 200, /*prune_before=*/150));  // prunes kKey (last 101)
  EXPECT_TRUE(*limits->TakeToken(kKey, 0, 1, 202, 0));                       // a new bucket
  EXPECT_FALSE(*limits->TakeToken(kOther, 0, 1, 203, 0));                    // kept: last 200
}

TEST_P(StoreContract, LimitsHoldUnderConcurrentCallers) {
  LimitStore* limits = store_->Limits();
  ASSERT_NE(limits, nullptr);
  constexpr int kThreads = 6, kEach = 40, kBurst = 100;
  std::atomic<int> taken{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Result<bool> ok = limits->TakeToken(kKey, 0, kBurst, 1000 + i, 0);
        if (!ok.ok()) {
          ADD_FAILURE() << ok.status().message();
        } else {
          ++(*ok ? taken : refused);
        }
        Status s = limits->AddFailure(kOther, 1000 + t * kEach + i, 1000, 0);
        if (!s.ok()) ADD_FAILURE() << s.message();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(taken.load(), kBurst);  // never more than the burst, none lost
  EXPECT_EQ(refused.load(), kThreads * kEach - kBurst);
  EXPECT_EQ(limits->FailuresSince(kOther, 0)->size(), static_cast<size_t>(kThreads * kEach));
}

}  // namespace
}  // namespace vetted::store
