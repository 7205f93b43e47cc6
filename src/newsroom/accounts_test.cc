#include <gtest/gtest.h>

#include "newsroom/newsroom.h"
#include "store/open.h"

namespace vetted::newsroom {
namespace {

TEST(PasswordPolicy, Table) {
  struct Case {
    std::string password;
    bool ok;
    const char* reason;  // part of the message when refused
  } cases[] = {
      {"", false, "too short"},
      {"abc1234", false, "too short"},         // 7
      {"correct horse", true, ""},             // 13
      {"ñandú-ñandú", true, ""},               // 11 code points, more bytes
      {"ééééééé", false, "too short"},         // 7 code points, 14 bytes
      {std::string(128, 'x') + "", true, ""},  // 128: the limit
      {std::string(129, 'x'), false, "too long"},
      {std::string(64, 'e') + std::string(65, 'x'), false, "too long"},
      {"password", false, "common"},
      {"PassWord123", false, "common"},  // lower-cased before the lookup
      {"qwertyuiop", false, "common"},
      {"12345678", false, "common"},
      {"iloveyou!", false, "common"},
      {"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", false, "UTF-8"},
      {"tram-lamp-orbit", true, ""},
  };
  for (const Case& c : cases) {
    std::string problem = PasswordProblem(c.password);
    EXPECT_EQ(problem.empty(), c.ok) << c.password << ": " << problem;
    if (!c.ok) {
      EXPECT_NE(problem.find(c.reason), std::string::npos) << c.password << ": " << problem;
    }
  }
}

TEST(Passwords, HashVerifyAndRehash) {
  Result<std::string> hash = HashPassword("tram-lamp-orbit", kTestPasswordCost);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(*hash, "tram-lamp-orbit"));
  EXPECT_FALSE(VerifyPassword(*hash, "tram-lamp-orbiT"));
  EXPECT_FALSE(VerifyPassword("", "x"));
  // An empty password (a view whose data() is null) is refused, never passed on as a null pointer
  // (auth_fuzz under UBSan; the ASan build of this test is the regression check).
  EXPECT_FALSE(VerifyPassword(*hash, std::string_view()));
  Result<std::string> empty = HashPassword(std::string_view(), kTestPasswordCost);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(VerifyPassword(*empty, std::string_view()));
  EXPECT_FALSE(NeedsRehash(*hash, kTestPasswordCost));
  EXPECT_TRUE(NeedsRehash(*hash, kPasswordCost));
  // The production cost is at least OWASP's minimum for argon2id.
  EXPECT_GE(kPasswordCost.ops, 2u);
  EXPECT_GE(kPasswordCost.mem_bytes, size_t{19} << 20);
}

TEST(Passwords, OneTimePasswordsPassThePolicyAndDiffer) {
  std::string a = OneTimePassword(), b = OneTimePassword();
  EXPECT_EQ(a.size(), 19u);
  EXPECT_EQ(PasswordProblem(a), "");
  EXPECT_NE(a, b);
  EXPECT_EQ(RandomHex(16).size(), 32u);
}

TEST(Email, Checks) {
  EXPECT_EQ(*CheckEmail("  ana@example.org "), "ana@example.org");
  for (const char* bad : {"", "ana", "@example.org", "ana@", "a@b@c", "ana @example.org", "ana\t@x.org"})
    EXPECT_FALSE(CheckEmail(bad).ok()) << bad;
}

TEST(Csrf, TokenComparison) {
  EXPECT_TRUE(CsrfMatches("abc123", "abc123"));
  EXPECT_FALSE(CsrfMatches("abc123", "abc124"));
  EXPECT_FALSE(CsrfMatches("abc123", "abc12"));
  EXPECT_FALSE(CsrfMatches("", ""));
}

TEST(SameOrigin, Decisions) {
  struct Case {
    const char* origin;
    const char* fetch_site;
    const char* host;
    bool secure;
    bool ok;
  } cases[] = {
      {"http://127.0.0.1:8080", "", "127.0.0.1:8080", false, true},
      {"https://news.example.org", "", "news.example.org", true, true},
      {"http://news.example.org", "", "news.example.org", true, false},   // TLS site: http origin refused
      {"https://news.example.org", "", "news.example.org", false, true},  // behind a TLS proxy
      {"https://evil.example", "", "news.example.org", false, false},
      {"http://127.0.0.1:8081", "", "127.0.0.1:8080", false, false},  // another port is another origin
      {"null", "", "news.example.org", false, false},
      {"http://news.example.org", "", "", false, false},
      {"", "same-origin", "news.example.org", false, true},
      {"", "none", "news.example.org", false, true},  // typed in the address bar
      {"", "cross-site", "news.example.org", false, false},
      {"", "same-site", "news.example.org", false, false},
      {"", "", "news.example.org", false, true},  // not a browser: the CSRF token decides
  };
  for (const Case& c : cases)
    EXPECT_EQ(SameOrigin(c.origin, c.fetch_site, c.host, c.secure), c.ok)
        << c.origin << " | " << c.fetch_site << " | " << c.host;
}

TEST(Throttle, PerClientAndPerAccount) {
  util::FixedClock clock(1'000'000);
  SignInThrottle t(clock);
  // Ten failures from one client: the eleventh attempt waits for the window.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(t.RetryAfter("ana@x.org", "1.1.1.1"), 0) << i;
    t.Failed("ana@x.org", "1.1.1.1");
    clock.Advance(10);
  }
  long long wait = t.RetryAfter("ana@x.org", "1.1.1.1");
  EXPECT_EQ(wait, 15 * 60 - 100);
  // The same client is blocked for other accounts too.
  EXPECT_GT(t.RetryAfter("ben@x.org", "1.1.1.1"), 0);
  // The account's owner, from a client with no failures, still gets in.
  EXPECT_EQ(t.RetryAfter("ANA@x.org", "2.2.2.2"), 0);
  // A second client that has failed once is held back on this account.
  t.Failed("ben@x.org", "3.3.3.3");
  EXPECT_GT(t.RetryAfter("ana@x.org", "3.3.3.3"), 0);
  EXPECT_EQ(t.RetryAfter("ben@x.org", "3.3.3.3"), 0);
  // After the window, everyone may try again.
  clock.Advance(wait);
  EXPECT_EQ(t.RetryAfter("ana@x.org", "1.1.1.1"), 0);
}

TEST(Throttle, OldFailuresLeaveTheWindow) {
  util::FixedClock clock(0);
  SignInThrottle t(clock);
  for (int i = 0; i < 9; ++i) t.Failed("a@x.org", "c");
  clock.Advance(15 * 60);  // those nine leave the window
  t.Failed("a@x.org", "c");
  EXPECT_EQ(t.RetryAfter("a@x.org", "c"), 0);
}

// The same policy with the failures kept in a store (Store::Limits()).
TEST(Throttle, SharedPerClientAndPerAccount) {
  auto opened = store::Open("memory:");
  ASSERT_TRUE(opened.ok());
  util::FixedClock clock(1'000'000);
  SignInThrottle t(clock, {}, (*opened)->Limits());
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(*t.Wait("ana@x.org", "1.1.1.1"), 0) << i;
    ASSERT_TRUE(t.Failed("ana@x.org", "1.1.1.1").ok());
    clock.Advance(10);
  }
  long long wait = *t.Wait("ana@x.org", "1.1.1.1");
  EXPECT_EQ(wait, 15 * 60 - 100);
  EXPECT_GT(*t.Wait("ben@x.org", "1.1.1.1"), 0);
  EXPECT_EQ(*t.Wait("ANA@x.org", "2.2.2.2"), 0);
  ASSERT_TRUE(t.Failed("ben@x.org", "3.3.3.3").ok());
  EXPECT_GT(*t.Wait("Ana@X.org", "3.3.3.3"), 0);  // the account's key ignores ASCII case
  EXPECT_EQ(*t.Wait("ben@x.org", "3.3.3.3"), 0);
  clock.Advance(wait);
  EXPECT_EQ(*t.Wait("ana@x.org", "1.1.1.1"), 0);
}

// Two nodes (two throttles, each with its own process memory) on one
// database count the same failures; the store holds no raw address or email.
TEST(Throttle, SharedByEveryNodeOnTheStore) {
  auto opened = store::Open("memory:");
  ASSERT_TRUE(opened.ok());
  store::LimitStore* limits = (*opened)->Limits();
  util::FixedClock clock(5'000);
  SignInThrottle a(clock, {}, limits), b(clock, {}, limits);
  for (int i = 0; i < 10; ++i) {
    SignInThrottle& node = i % 2 == 0 ? a : b;
    EXPECT_EQ(*node.Wait("ana@x.org", "198.51.100.7"), 0) << i;
    ASSERT_TRUE(node.Failed("ana@x.org", "198.51.100.7").ok());
  }
  EXPECT_EQ(*a.Wait("ana@x.org", "198.51.100.7"), 15 * 60);
  EXPECT_EQ(*b.Wait("ana@x.org", "198.51.100.7"), 15 * 60);
  // A throttle made later (a node started now) sees them too.
  SignInThrottle c(clock, {}, limits);
  EXPECT_EQ(*c.Wait("ana@x.org", "198.51.100.7"), 15 * 60);
  for (const char* raw : {"198.51.100.7", "c198.51.100.7", "ana@x.org", "aana@x.org"})
    EXPECT_TRUE(limits->FailuresSince(raw, 0)->empty()) << raw;
  // The in-memory throttle of a node knows nothing of them.
  SignInThrottle alone(clock);
  EXPECT_EQ(alone.RetryAfter("ana@x.org", "198.51.100.7"), 0);
}

// RFC 6238 appendix B: the SHA-1 key "12345678901234567890", 8 digits.
TEST(Totp, Rfc6238Vectors) {
  const std::string key = "12345678901234567890";
  struct Case {
    long long time;
    const char* code;
  } cases[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
               {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const Case& c : cases) EXPECT_EQ(TotpCode(key, c.time, 8), c.code) << c.time;
  // RFC 4226 appendix D: HOTP, 6 digits.
  const char* hotp[] = {"755224", "287082", "359152", "969429", "338314",
                        "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(HotpCode(key, i, 6), hotp[i]) << i;
}

TEST(Totp, MatchAllowsOneStepEitherSide) {
  const std::string key = "12345678901234567890";
  long long now = 1111111111;
  std::string code = TotpCode(key, now);
  EXPECT_EQ(TotpMatch(key, code, now), now / 30);
  EXPECT_TRUE(TotpMatch(key, code, now + 30).has_value());
  EXPECT_TRUE(TotpMatch(key, code, now - 30).has_value());
  EXPECT_FALSE(TotpMatch(key, code, now + 90).has_value());
  EXPECT_FALSE(TotpMatch(key, "12345", now).has_value());
  EXPECT_TRUE(TotpMatch(key, code.substr(0, 3) + " " + code.substr(3), now).has_value());
}

TEST(Totp, Base32RoundTripAndRfc4648Vectors) {
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(*Base32Decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(*Base32Decode("mzxw 6ytb oi"), "foobar");
  EXPECT_FALSE(Base32Decode("MZ1W").has_value());
  std::string secret = NewTotpSecret();
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_EQ(Base32Decode(secret)->size(), 20u);
  EXPECT_EQ(TotpUri("ABC", "ana@x.org", "vetted newsroom"),
            "otpauth://totp/"
            "vetted%20newsroom:ana@x.org?secret=ABC&issuer=vetted%20newsroom&algorithm=SHA1&digits=6&"
            "period=30");
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Open("memory:");
    ASSERT_TRUE(opened.ok());
    store_ = std::move(*opened);
    AccountsOptions o;
    o.clock = &clock_;
    o.cost = kTestPasswordCost;
    accounts_ = std::make_unique<Accounts>(*store_->Accounts(), o);
  }
  util::FixedClock clock_{1'800'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, AddRefusesBadInputAndDuplicates) {
  EXPECT_EQ(accounts_->Add("ana", kWriter, "", std::nullopt).status().code(), Code::kInvalid);
  EXPECT_EQ(accounts_->Add("ana@x.org", 0, "", std::nullopt).status().code(), Code::kInvalid);
  Result<Accounts::Added> weak = accounts_->Add("ana@x.org", kWriter, "", std::string("password1"));
  ASSERT_FALSE(weak.ok());
  EXPECT_NE(weak.status().message().find("common"), std::string::npos);
  Result<Accounts::Added> ana = accounts_->Add("Ana@x.org", kWriter | kEditor, "ana", std::nullopt);
  ASSERT_TRUE(ana.ok()) << ana.status().message();
  EXPECT_FALSE(ana->one_time_password.empty());
  EXPECT_TRUE(ana->record.must_change_password);
  EXPECT_EQ(accounts_->Add("ana@X.org", kWriter, "", std::nullopt).status().code(), Code::kConflict);
  Result<Accounts::Added> ben = accounts_->Add("ben@x.org", kReviewer, "", std::string("tram-lamp-orbit"));
  ASSERT_TRUE(ben.ok());
  EXPECT_TRUE(ben->one_time_password.empty());
  EXPECT_FALSE(ben->record.must_change_password);
  EXPECT_EQ(accounts_->List()->size(), 2u);
}

TEST_F(AccountsTest, SignInMakesANewSessionEachTime) {
  ASSERT_TRUE(accounts_->Add("ana@x.org", kWriter, "ana", std::string("tram-lamp-orbit")).ok());
  Result<SignInResult> wrong = accounts_->SignIn("ana@x.org", "tram-lamp-orbiT", "c");
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->outcome, SignInResult::kWrongPassword);
  EXPECT_EQ(accounts_->SignIn("nobody@x.org", "tram-lamp-orbit", "c")->outcome, SignInResult::kWrongPassword);
  Result<SignInResult> one = accounts_->SignIn("ANA@x.org", "tram-lamp-orbit", "c");
  Result<SignInResult> two = accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "c");
  ASSERT_EQ(one->outcome, SignInResult::kOk);
  ASSERT_EQ(two->outcome, SignInResult::kOk);
  EXPECT_EQ(one->session.token.size(), 64u);  // 256 bits
  EXPECT_NE(one->session.token, two->session.token);
  EXPECT_NE(one->session.csrf, two->session.csrf);
  Result<Session> resolved = accounts_->Resolve(one->session.token);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->email, "ana@x.org");
  EXPECT_EQ(resolved->person_id, "ana");
  EXPECT_EQ(resolved->csrf, one->session.csrf);
  EXPECT_EQ(ActorOf(*resolved).roles, kWriter);
  // The store has only the token's hash.
  EXPECT_FALSE(store_->Accounts()->FindSession(one->session.token).ok());
}

TEST_F(AccountsTest, SessionsExpireIdleAndAbsolute) {
  ASSERT_TRUE(accounts_->Add("ana@x.org", kWriter, "", std::string("tram-lamp-orbit")).ok());
  std::string idle = accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "c")->session.token;
  std::string busy = accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "c")->session.token;
  clock_.Advance(kSessionIdleSeconds);  // exactly 30 minutes idle: still live
  EXPECT_TRUE(accounts_->Resolve(busy).ok());
  clock_.Advance(1);
  EXPECT_FALSE(accounts_->Resolve(idle).ok());  // 30 min 1 s idle
  // Used every 20 minutes, a session still ends 12 hours after sign-in.
  long long elapsed = kSessionIdleSeconds + 1;
  for (; elapsed + 20 * 60 <= kSessionMaxSeconds; elapsed += 20 * 60) {
    clock_.Advance(20 * 60);
    ASSERT_TRUE(accounts_->Resolve(busy).ok()) << elapsed;
  }
  clock_.Advance(kSessionMaxSeconds + 1 - elapsed);  // 12 h and 1 s after sign-in, seen moments ago
  EXPECT_FALSE(accounts_->Resolve(busy).ok());
  EXPECT_FALSE(accounts_->Resolve("not-a-token").ok());
}

TEST_F(AccountsTest, SignOutAndDisableEndSessions) {
  ASSERT_TRUE(accounts_->Add("ana@x.org", kWriter, "", std::string("tram-lamp-orbit")).ok());
  std::string a = accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "c")->session.token;
  std::string b = accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "c")->session.token;
  ASSERT_TRUE(accounts_->SignOut(a).ok());
  EXPECT_FALSE(accounts_->Resolve(a).ok());
  EXPECT_TRUE(accounts_->Resolve(b).ok());
  ASSERT_TRUE(accounts_->Disable("ANA@x.org").ok());
  EXPECT_FALSE(accounts_->Resolve(b).ok());
  EXPECT_EQ(accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "c")->outcome, SignInResult::kDisabled);
  EXPECT_EQ(accounts_->Disable("nobody@x.org").code(), Code::kNotFound);
}

TEST_F(AccountsTest, EleventhFailureIsThrottled) {
  ASSERT_TRUE(accounts_->Add("ana@x.org", kWriter, "", std::string("tram-lamp-orbit")).ok());
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(accounts_->SignIn("ana@x.org", "guess" + std::to_string(i), "9.9.9.9")->outcome,
              SignInResult::kWrongPassword);
  Result<SignInResult> r = accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "9.9.9.9");
  EXPECT_EQ(r->outcome, SignInResult::kThrottled);
  EXPECT_GT(r->retry_after, 0);
  // The owner from elsewhere is not locked out.
  EXPECT_EQ(accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "1.2.3.4")->outcome, SignInResult::kOk);
}

TEST_F(AccountsTest, ChangePassword) {
  Result<Accounts::Added> ana = accounts_->Add("ana@x.org", kWriter, "", std::nullopt);
  ASSERT_TRUE(ana.ok());
  std::string otp = ana->one_time_password;
  Result<SignInResult> in = accounts_->SignIn("ana@x.org", otp, "c");
  ASSERT_EQ(in->outcome, SignInResult::kOk);
  EXPECT_TRUE(in->session.must_change_password);
  std::string other = accounts_->SignIn("ana@x.org", otp, "c")->session.token;
  int64_t id = in->session.account_id;
  EXPECT_EQ(accounts_->ChangePassword(id, "wrong-password", "tram-lamp-orbit", in->session.token).code(),
            Code::kInvalid);
  EXPECT_EQ(accounts_->ChangePassword(id, otp, "password", in->session.token).code(), Code::kInvalid);
  EXPECT_EQ(accounts_->ChangePassword(id, otp, otp, in->session.token).code(), Code::kInvalid);
  ASSERT_TRUE(accounts_->ChangePassword(id, otp, "tram-lamp-orbit", in->session.token).ok());
  Result<Session> kept = accounts_->Resolve(in->session.token);
  ASSERT_TRUE(kept.ok());
  EXPECT_FALSE(kept->must_change_password);
  EXPECT_FALSE(accounts_->Resolve(other).ok());
  EXPECT_EQ(accounts_->SignIn("ana@x.org", otp, "d")->outcome, SignInResult::kWrongPassword);
  EXPECT_EQ(accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "d")->outcome, SignInResult::kOk);
}

}  // namespace
}  // namespace vetted::newsroom

namespace vetted::newsroom {
namespace {

TEST_F(AccountsTest, SecondFactor) {
  Result<Accounts::Added> ana = accounts_->Add("ana@x.org", kEditor, "", std::string("tram-lamp-orbit"));
  ASSERT_TRUE(ana.ok());
  int64_t id = ana->record.id;
  std::string secret = NewTotpSecret();
  std::string key = *Base32Decode(secret);
  EXPECT_EQ(accounts_->EnableTotp(id, secret, "000000").code(), Code::kInvalid);
  ASSERT_TRUE(accounts_->EnableTotp(id, secret, TotpCode(key, clock_.NowSeconds())).ok());
  EXPECT_EQ(accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "c")->outcome, SignInResult::kNeedCode);
  EXPECT_EQ(accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "c", "123456")->outcome,
            SignInResult::kWrongCode);
  // The code used to turn it on is spent; the next step's code works once.
  EXPECT_EQ(
      accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "c", TotpCode(key, clock_.NowSeconds()))->outcome,
      SignInResult::kWrongCode);
  clock_.Advance(kTotpStepSeconds);
  std::string code = TotpCode(key, clock_.NowSeconds());
  Result<SignInResult> in = accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "c", code);
  ASSERT_EQ(in->outcome, SignInResult::kOk);
  EXPECT_TRUE(in->session.has_totp);
  EXPECT_EQ(accounts_->SignIn("ana@x.org", "tram-lamp-orbit", "d", code)->outcome, SignInResult::kWrongCode);
  // A wrong password with a right code is still a wrong password.
  clock_.Advance(kTotpStepSeconds);
  EXPECT_EQ(
      accounts_->SignIn("ana@x.org", "nope-nope-nope", "c", TotpCode(key, clock_.NowSeconds()))->outcome,
      SignInResult::kWrongPassword);
}

TEST(AccountsRequireTotp, EditorsMustSetItUp) {
  auto opened = store::Open("memory:");
  ASSERT_TRUE(opened.ok());
  util::FixedClock clock(1'800'000'000);
  AccountsOptions o;
  o.clock = &clock;
  o.cost = kTestPasswordCost;
  o.require_totp_roles = kEditor | kAdmin;
  Accounts accounts(*(*opened)->Accounts(), o);
  ASSERT_TRUE(accounts.Add("ed@x.org", kEditor, "", std::string("tram-lamp-orbit")).ok());
  ASSERT_TRUE(accounts.Add("wri@x.org", kWriter, "", std::string("tram-lamp-orbit")).ok());
  EXPECT_TRUE(accounts.SignIn("ed@x.org", "tram-lamp-orbit", "c")->session.must_set_up_totp);
  EXPECT_FALSE(accounts.SignIn("wri@x.org", "tram-lamp-orbit", "c")->session.must_set_up_totp);
}

}  // namespace
}  // namespace vetted::newsroom

namespace vetted::newsroom {
namespace {

// Sign-ins, refusals, sign-outs and account changes go into the hash-chained
// audit log when the Accounts are given one.
TEST(AccountsAudit, SignInsAndAccountChangesAreOnRecord) {
  auto opened = store::Open("memory:");
  ASSERT_TRUE(opened.ok());
  std::unique_ptr<store::Store> store = std::move(*opened);
  ASSERT_NE(store->Workflow(), nullptr);
  util::FixedClock clock{1'800'000'000};
  AccountsOptions o;
  o.clock = &clock;
  o.cost = kTestPasswordCost;
  o.audit = store->Workflow();
  Accounts accounts(*store->Accounts(), o);
  ASSERT_TRUE(accounts.Add("ana@x.org", kWriter | kEditor, "ana", std::string("tram-lamp-orbit")).ok());
  EXPECT_EQ(accounts.SignIn("ana@x.org", "wrong-password-1", "192.0.2.1")->outcome,
            SignInResult::kWrongPassword);
  EXPECT_EQ(accounts.SignIn("bob@x.org", "wrong-password-1", "192.0.2.1")->outcome,
            SignInResult::kWrongPassword);
  Result<SignInResult> in = accounts.SignIn("ana@x.org", "tram-lamp-orbit", "192.0.2.1");
  ASSERT_TRUE(in.ok());
  ASSERT_EQ(in->outcome, SignInResult::kOk);
  ASSERT_TRUE(accounts.SignOut(in->session.token).ok());
  ASSERT_TRUE(accounts.Disable("ana@x.org").ok());
  EXPECT_EQ(accounts.SignIn("ana@x.org", "tram-lamp-orbit", "192.0.2.2")->outcome, SignInResult::kDisabled);

  std::vector<std::string> actions;
  ASSERT_TRUE(store->Workflow()
                  ->Read([&](store::WorkflowTx& tx) {
                    Result<std::vector<store::AuditEntry>> all = tx.Audit(0);
                    if (!all.ok()) return all.status();
                    for (const auto& e : *all) actions.push_back(e.action + ":" + e.detail);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(actions, (std::vector<std::string>{
                         "account-add:ana@x.org (person ana)", "sign-in-refused:wrong password",
                         "sign-in-refused:unknown email bob@x.org", "sign-in:ana@x.org",
                         "sign-out:", "account-disable:ana@x.org", "sign-in-refused:account disabled"}));
  Result<store::AuditCheck> check = store->Workflow()->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->intact) << check->problem;
  EXPECT_EQ(check->entries, 7u);
}

// The site keeps at least one enabled admin.
TEST(LastAdminRule, Table) {
  auto acct = [](int64_t id, uint8_t roles, bool disabled) {
    store::AccountRecord a;
    a.id = id;
    a.roles = roles;
    a.disabled = disabled;
    return a;
  };
  struct Case {
    const char* name;
    std::vector<store::AccountRecord> accounts;
    int64_t id;
    uint8_t roles;
    bool disabled;
    bool refused;
  } cases[] = {
      {"the only admin loses the role",
       {acct(1, kAdmin, false), acct(2, kWriter, false)},
       1,
       kWriter,
       false,
       true},
      {"the only admin is disabled", {acct(1, kAdmin | kEditor, false)}, 1, kAdmin | kEditor, true, true},
      {"the only admin keeps the role among others",
       {acct(1, kAdmin, false)},
       1,
       kAdmin | kEditor,
       false,
       false},
      {"one of two admins loses the role",
       {acct(1, kAdmin, false), acct(2, kAdmin, false)},
       1,
       kEditor,
       false,
       false},
      {"the other admin is disabled, so this one is the last",
       {acct(1, kAdmin, false), acct(2, kAdmin, true)},
       1,
       kEditor,
       false,
       true},
      {"a disabled admin loses the role",
       {acct(1, kAdmin, false), acct(2, kAdmin, true)},
       2,
       kWriter,
       true,
       false},
      {"a writer is disabled", {acct(1, kAdmin, false), acct(2, kWriter, false)}, 2, kWriter, true, false},
      {"no enabled admin before: anything goes",
       {acct(1, kAdmin, true), acct(2, kWriter, false)},
       2,
       kEditor,
       false,
       false},
      {"a disabled admin is enabled", {acct(1, kAdmin, true)}, 1, kAdmin, false, false},
      {"a writer becomes an admin, the admin steps down",
       {acct(1, kAdmin, false), acct(2, kWriter | kAdmin, false)},
       1,
       kWriter,
       false,
       false},
  };
  for (const Case& c : cases) {
    std::string problem = LastAdminProblem(c.accounts, c.id, c.roles, c.disabled);
    EXPECT_EQ(!problem.empty(), c.refused) << c.name << ": " << problem;
    if (c.refused) {
      EXPECT_NE(problem.find("last enabled admin"), std::string::npos) << c.name;
    }
  }
}

// Roles, person links, disabling and two-step resets through the service:
// each recorded, the last admin kept, a refused change changes nothing.
TEST(AccountsAdmin, ChangesAreCheckedAndRecorded) {
  auto opened = store::Open("memory:");
  ASSERT_TRUE(opened.ok());
  std::unique_ptr<store::Store> store = std::move(*opened);
  util::FixedClock clock{1'800'000'000};
  AccountsOptions o;
  o.clock = &clock;
  o.cost = kTestPasswordCost;
  o.audit = store->Workflow();
  o.person_exists = [](const std::string& id) { return id == "rita" || id == "wendy"; };
  Accounts accounts(*store->Accounts(), o);
  const std::string pw = "tram-lamp-orbit";
  Result<Accounts::Added> admin = accounts.Add("admin@x.org", kAdmin, "", pw);
  ASSERT_TRUE(admin.ok());
  const int64_t a = admin->record.id;
  EXPECT_EQ(accounts.Add("nobody@x.org", kWriter, "ghost", pw).status().code(), Code::kInvalid);
  Result<Accounts::Added> wendy = accounts.Add("wendy@x.org", kWriter, "wendy", pw);
  ASSERT_TRUE(wendy.ok()) << wendy.status().message();
  const int64_t w = wendy->record.id;

  // The last admin may not step down or be disabled, not even by themself.
  Status down = accounts.SetRoles(a, a, kEditor);
  EXPECT_EQ(down.code(), Code::kForbidden);
  EXPECT_NE(down.message().find("last enabled admin"), std::string::npos);
  EXPECT_EQ(accounts.SetDisabled(a, a, true).code(), Code::kForbidden);
  EXPECT_EQ(accounts.Get(a)->roles, kAdmin);
  EXPECT_FALSE(accounts.Get(a)->disabled);
  // Once there is a second admin, the first may.
  ASSERT_TRUE(accounts.SetRoles(a, w, kWriter | kAdmin).ok());
  EXPECT_TRUE(accounts.SetRoles(a, a, kEditor).ok());
  EXPECT_EQ(accounts.SetRoles(w, w, kWriter).code(), Code::kForbidden);
  EXPECT_EQ(accounts.SetRoles(w, w, 0).code(), Code::kInvalid);
  EXPECT_EQ(accounts.SetRoles(w, 999, kWriter).code(), Code::kNotFound);

  // Person links must name one of the site's people; "" unlinks.
  EXPECT_EQ(accounts.LinkPerson(w, a, "ghost").code(), Code::kInvalid);
  EXPECT_TRUE(accounts.LinkPerson(w, a, "rita").ok());
  EXPECT_EQ(accounts.Get(a)->person_id, "rita");
  EXPECT_TRUE(accounts.LinkPerson(w, a, "").ok());
  EXPECT_EQ(accounts.Get(a)->person_id, "");

  // Disabling ends the sessions at once; enabling lets the account in again.
  Result<SignInResult> in = accounts.SignIn("admin@x.org", pw, "192.0.2.1");
  ASSERT_EQ(in->outcome, SignInResult::kOk);
  ASSERT_TRUE(accounts.SetDisabled(w, a, true).ok());
  EXPECT_EQ(accounts.Resolve(in->session.token).status().code(), Code::kNotFound);
  EXPECT_EQ(accounts.SignIn("admin@x.org", pw, "192.0.2.1")->outcome, SignInResult::kDisabled);
  ASSERT_TRUE(accounts.SetDisabled(w, a, false).ok());
  EXPECT_EQ(accounts.SignIn("admin@x.org", pw, "192.0.2.1")->outcome, SignInResult::kOk);

  // A reset second factor: the password alone signs in again.
  std::string secret = NewTotpSecret();
  ASSERT_TRUE(accounts.EnableTotp(a, secret, TotpCode(*Base32Decode(secret), clock.NowSeconds())).ok());
  EXPECT_EQ(accounts.SignIn("admin@x.org", pw, "192.0.2.1")->outcome, SignInResult::kNeedCode);
  ASSERT_TRUE(accounts.ResetTotp(w, a).ok());
  EXPECT_EQ(accounts.Get(a)->totp_secret, "");
  EXPECT_EQ(accounts.SignIn("admin@x.org", pw, "192.0.2.1")->outcome, SignInResult::kOk);

  // A forgotten password: a new one-time one; the old one no longer works.
  Result<SignInResult> before = accounts.SignIn("admin@x.org", pw, "192.0.2.1");
  ASSERT_EQ(before->outcome, SignInResult::kOk);
  Result<std::string> fresh = accounts.ResetPassword(w, a);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(accounts.Resolve(before->session.token).status().code(), Code::kNotFound);
  EXPECT_EQ(accounts.SignIn("admin@x.org", pw, "192.0.2.1")->outcome, SignInResult::kWrongPassword);
  Result<SignInResult> again = accounts.SignIn("admin@x.org", *fresh, "192.0.2.1");
  ASSERT_EQ(again->outcome, SignInResult::kOk);
  EXPECT_TRUE(again->session.must_change_password);
  ASSERT_TRUE(accounts.ChangePassword(a, *fresh, pw, again->session.token).ok());
  EXPECT_EQ(accounts.ResetPassword(w, 999).status().code(), Code::kNotFound);

  Result<std::unordered_map<int64_t, std::string>> last = accounts.LastSignIns();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ((*last)[a], util::FormatIsoUtc(clock.NowSeconds()));
  EXPECT_EQ(last->count(w), 0u);

  std::vector<std::string> actions;
  ASSERT_TRUE(store->Workflow()
                  ->Read([&](store::WorkflowTx& tx) {
                    Result<std::vector<store::AuditEntry>> all = tx.Audit(0);
                    if (!all.ok()) return all.status();
                    for (const auto& e : *all)
                      if (e.action.rfind("account-", 0) == 0 || e.action == "second-factor-reset" ||
                          e.action == "password-reset")
                        actions.push_back(std::to_string(e.account) + " " + e.action + ":" + e.detail);
                    return Status::Ok();
                  })
                  .ok());
  const std::string as = std::to_string(a), ws = std::to_string(w);
  EXPECT_EQ(actions, (std::vector<std::string>{
                         as + " account-add:admin@x.org",
                         ws + " account-add:wendy@x.org (person wendy)",
                         as + " account-roles:wendy@x.org: writer -> writer, admin",
                         as + " account-roles:admin@x.org: admin -> editor",
                         ws + " account-person:admin@x.org: person none -> rita",
                         ws + " account-person:admin@x.org: person rita -> none",
                         ws + " account-disable:admin@x.org",
                         ws + " account-enable:admin@x.org",
                         ws + " second-factor-reset:admin@x.org",
                         ws + " password-reset:admin@x.org",
                     }));
}

}  // namespace
}  // namespace vetted::newsroom
