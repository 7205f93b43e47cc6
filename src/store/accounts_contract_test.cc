// The AccountStore contract (store/accounts.h), run on every backend through
// StoreContract (contract_test.h).
#include <gtest/gtest.h>

#include "store/contract_test.h"

namespace vetted::store {
namespace {

AccountRecord Account(const std::string& email, uint8_t roles) {
  AccountRecord r;
  r.email = email;
  r.roles = roles;
  r.password_hash = "$argon2id$v=19$m=8,t=1,p=1$x$y";
  r.created_at = 1000;
  return r;
}

SessionRecord Session(const std::string& id_hash, int64_t account, long long created, long long seen) {
  return SessionRecord{id_hash, account, "csrf-" + id_hash, created, seen};
}

TEST_P(StoreContract, AccountsAreUniqueIgnoringCase) {
  AccountStore* accounts = store_->Accounts();
  ASSERT_NE(accounts, nullptr);
  Result<int64_t> ana = accounts->AddAccount(Account("Ana@Example.org", 1 | 4));
  ASSERT_TRUE(ana.ok()) << ana.status().message();
  Result<int64_t> again = accounts->AddAccount(Account("ana@example.ORG", 2));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kConflict);
  Result<int64_t> ben = accounts->AddAccount(Account("ben@example.org", 2));
  ASSERT_TRUE(ben.ok());
  EXPECT_GT(*ben, *ana);

  Result<AccountRecord> found = accounts->FindAccount("ANA@example.org");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, *ana);
  EXPECT_EQ(found->email, "Ana@Example.org");  // as first written
  EXPECT_EQ(found->roles, 5);
  EXPECT_EQ(found->created_at, 1000);
  EXPECT_EQ(accounts->FindAccount("nobody@example.org").status().code(), Code::kNotFound);
  EXPECT_EQ(accounts->GetAccount(9999).status().code(), Code::kNotFound);

  Result<std::vector<AccountRecord>> all = accounts->ListAccounts();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].email, "Ana@Example.org");
  EXPECT_EQ((*all)[1].email, "ben@example.org");
}

TEST_P(StoreContract, AccountUpdateKeepsEveryFieldAcrossReopen) {
  Result<int64_t> id = store_->Accounts()->AddAccount(Account("ana@example.org", 1));
  ASSERT_TRUE(id.ok());
  AccountRecord r = *store_->Accounts()->GetAccount(*id);
  r.roles = 8 | 2;
  r.person_id = "ana";
  r.disabled = true;
  r.password_hash = "$argon2id$new";
  r.must_change_password = true;
  r.totp_secret = "JBSWY3DPEHPK3PXP";
  ASSERT_TRUE(store_->Accounts()->UpdateAccount(r).ok());
  Reopen();
  Result<AccountRecord> got = store_->Accounts()->GetAccount(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->roles, 10);
  EXPECT_EQ(got->person_id, "ana");
  EXPECT_TRUE(got->disabled);
  EXPECT_EQ(got->password_hash, "$argon2id$new");
  EXPECT_TRUE(got->must_change_password);
  EXPECT_EQ(got->totp_secret, "JBSWY3DPEHPK3PXP");
  r.id = 9999;
  EXPECT_EQ(store_->Accounts()->UpdateAccount(r).code(), Code::kNotFound);
}

TEST_P(StoreContract, SessionsAddFindTouchDelete) {
  AccountStore* a = store_->Accounts();
  int64_t ana = *a->AddAccount(Account("ana@example.org", 1));
  int64_t ben = *a->AddAccount(Account("ben@example.org", 1));
  ASSERT_TRUE(a->AddSession(Session("h1", ana, 100, 100)).ok());
  ASSERT_TRUE(a->AddSession(Session("h2", ana, 100, 100)).ok());
  ASSERT_TRUE(a->AddSession(Session("h3", ben, 100, 100)).ok());
  EXPECT_EQ(a->AddSession(Session("h1", ben, 1, 1)).code(), Code::kConflict);
  EXPECT_EQ(a->AddSession(Session("h9", 9999, 1, 1)).code(), Code::kNotFound);

  Result<SessionRecord> h1 = a->FindSession("h1");
  ASSERT_TRUE(h1.ok());
  EXPECT_EQ(h1->account_id, ana);
  EXPECT_EQ(h1->csrf, "csrf-h1");
  EXPECT_EQ(h1->created_at, 100);
  ASSERT_TRUE(a->TouchSession("h1", 250).ok());
  EXPECT_EQ(a->FindSession("h1")->last_seen, 250);
  EXPECT_EQ(a->TouchSession("nope", 1).code(), Code::kNotFound);

  ASSERT_TRUE(a->DeleteSession("h1").ok());
  EXPECT_EQ(a->FindSession("h1").status().code(), Code::kNotFound);
  EXPECT_TRUE(a->DeleteSession("h1").ok());
  ASSERT_TRUE(a->DeleteAccountSessions(ana).ok());
  EXPECT_EQ(a->FindSession("h2").status().code(), Code::kNotFound);
  EXPECT_TRUE(a->FindSession("h3").ok());
  Reopen();
  EXPECT_TRUE(store_->Accounts()->FindSession("h3").ok());
}

TEST_P(StoreContract, ExpiredSessionsAreDeleted) {
  AccountStore* a = store_->Accounts();
  int64_t ana = *a->AddAccount(Account("ana@example.org", 1));
  ASSERT_TRUE(a->AddSession(Session("idle", ana, 500, 100)).ok());
  ASSERT_TRUE(a->AddSession(Session("old", ana, 50, 900)).ok());
  ASSERT_TRUE(a->AddSession(Session("fresh", ana, 500, 900)).ok());
  Result<int64_t> n = a->DeleteExpiredSessions(/*seen_before=*/200, /*created_before=*/100);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_TRUE(a->FindSession("fresh").ok());
  EXPECT_FALSE(a->FindSession("idle").ok());
  EXPECT_FALSE(a->FindSession("old").ok());
}

}  // namespace
}  // namespace vetted::store
