// The Accounts service (sign-in, sessions, password changes) and the sign-in
// throttle (accounts.h).
#include <algorithm>

#include "newsroom/newsroom.h"

namespace vetted::newsroom {
namespace {

// 32 random bytes: 256 bits, as hex in the cookie.
constexpr size_t kTokenBytes = 32;

std::string TokenHash(std::string_view token) {
  return util::Sha256Hex(token);
}

}  // namespace

// ---- SignInThrottle ----------------------------------------------------------

SignInThrottle::SignInThrottle(const util::Clock& clock, Options options)
    : clock_(clock), options_(options) {}

void SignInThrottle::Prune(Times& times, long long now) const {
  while (!times.empty() && times.front() <= now - options_.window_seconds) times.pop_front();
}

// Seconds until `times` holds fewer than max_failures entries in the window; 0 = now.
long long SignInThrottle::Blocked(Times& times, long long now) const {
  Prune(times, now);
  if (times.size() < static_cast<size_t>(options_.max_failures)) return 0;
  size_t oldest_that_counts = times.size() - static_cast<size_t>(options_.max_failures);
  return std::max(1LL, times[oldest_that_counts] + options_.window_seconds - now);
}

long long SignInThrottle::RetryAfter(std::string_view account, std::string_view client) {
  long long now = clock_.NowSeconds();
  std::lock_guard lock(mu_);
  long long wait = 0;
  bool client_failed = false;
  if (auto it = by_client_.find(std::string(client)); it != by_client_.end()) {
    wait = Blocked(it->second, now);
    client_failed = !it->second.empty();
  }
  if (client_failed) {
    if (auto it = by_account_.find(util::ToLower(account)); it != by_account_.end())
      wait = std::max(wait, Blocked(it->second, now));
  }
  return wait;
}

void SignInThrottle::Failed(std::string_view account, std::string_view client) {
  long long now = clock_.NowSeconds();
  std::lock_guard lock(mu_);
  if (by_account_.size() + by_client_.size() >= options_.max_keys) Forget(now);
  for (Times* times : {&by_account_[util::ToLower(account)], &by_client_[std::string(client)]}) {
    Prune(*times, now);
    times->push_back(now);
    // Only the last max_failures matter.
    while (times->size() > static_cast<size_t>(options_.max_failures)) times->pop_front();
  }
}

// Drops keys with nothing in the window; when that is not enough, everything.
void SignInThrottle::Forget(long long now) {
  for (auto* map : {&by_account_, &by_client_}) {
    for (auto it = map->begin(); it != map->end();) {
      Prune(it->second, now);
      it = it->second.empty() ? map->erase(it) : std::next(it);
    }
  }
  if (by_account_.size() + by_client_.size() >= options_.max_keys) {
    by_account_.clear();
    by_client_.clear();
  }
}

// ---- Accounts ----------------------------------------------------------------

Accounts::Accounts(store::AccountStore& store, AccountsOptions options)
    : store_(store), options_(options), throttle_(*options.clock, options.throttle) {}

Status Accounts::Record(int64_t account_id, const char* action, std::string detail, std::string after) {
  if (options_.audit == nullptr) return Status::Ok();
  store::AuditEntry e;
  e.at = util::FormatIsoUtc(options_.clock->NowSeconds());
  e.account = account_id;
  e.action = action;
  e.detail = std::move(detail);
  e.after = std::move(after);
  return options_.audit->Write([&e](store::WorkflowTx& tx) { return tx.AppendAudit(e); });
}

const std::string& Accounts::DummyHash() {
  std::call_once(dummy_once_, [this] {
    Result<std::string> hash = HashPassword(RandomHex(16), options_.cost);
    dummy_hash_ = hash.ok() ? *hash : "";
  });
  return dummy_hash_;
}

Session Accounts::MakeSession(const store::AccountRecord& account, std::string token,
                              std::string csrf) const {
  Session s;
  s.token = std::move(token);
  s.csrf = std::move(csrf);
  s.account_id = account.id;
  s.email = account.email;
  s.person_id = account.person_id;
  s.roles = account.roles;
  s.must_change_password = account.must_change_password;
  s.has_totp = !account.totp_secret.empty();
  s.must_set_up_totp = !s.has_totp && (account.roles & options_.require_totp_roles) != 0;
  return s;
}

bool Accounts::AcceptCode(const store::AccountRecord& account, std::string_view code) {
  std::optional<std::string> key = Base32Decode(account.totp_secret);
  if (!key) return false;
  std::optional<long long> step = TotpMatch(*key, code, options_.clock->NowSeconds());
  if (!step) return false;
  std::lock_guard lock(steps_mu_);
  auto [it, added] = last_step_.emplace(account.id, *step);
  if (!added) {
    if (*step <= it->second) return false;  // a code is good once
    it->second = *step;
  }
  return true;
}

Status Accounts::EnableTotp(int64_t account_id, const std::string& secret, std::string_view code) {
  Result<store::AccountRecord> account = store_.GetAccount(account_id);
  if (!account.ok()) return account.status();
  std::optional<std::string> key = Base32Decode(secret);
  if (!key || key->size() < 10) return Status::Invalid("The set-up key is not valid: start again.");
  account->totp_secret = secret;
  if (!AcceptCode(*account, code))
    return Status::Invalid(
        "The code does not match. Check the time on your phone and enter the newest code.");
  if (Status s = store_.UpdateAccount(*account); !s.ok()) return s;
  return Record(account_id, "second-factor-on", account->email);
}

Result<Accounts::Added> Accounts::Add(std::string_view email, uint8_t roles, const std::string& person_id,
                                      const std::optional<std::string>& password) {
  Result<std::string> checked = CheckEmail(email);
  if (!checked.ok()) return checked.status();
  if ((roles & (kWriter | kReviewer | kEditor | kAdmin)) == 0)
    return Status::Invalid("an account needs at least one role (writer, reviewer, editor, admin)");
  Added added;
  std::string secret = password ? *password : OneTimePassword();
  if (std::string problem = PasswordProblem(secret); !problem.empty()) return Status::Invalid(problem);
  if (!password) added.one_time_password = secret;
  Result<std::string> hash = HashPassword(secret, options_.cost);
  if (!hash.ok()) return hash.status();
  store::AccountRecord& r = added.record;
  r.email = *checked;
  r.roles = roles;
  r.person_id = person_id;
  r.password_hash = *hash;
  r.must_change_password = !password.has_value();
  r.created_at = options_.clock->NowSeconds();
  Result<int64_t> id = store_.AddAccount(r);
  if (!id.ok()) {
    if (id.status().code() == Code::kConflict)
      return Status::Error(Code::kConflict, "an account with the email " + r.email + " exists already");
    return id.status();
  }
  r.id = *id;
  if (Status s = Record(r.id, "account-add",
                        r.email + (person_id.empty() ? "" : " (person " + person_id + ")"), RoleList(roles));
      !s.ok())
    return s;
  return added;
}

Result<std::vector<store::AccountRecord>> Accounts::List() {
  return store_.ListAccounts();
}

Status Accounts::Disable(const std::string& email) {
  Result<store::AccountRecord> account = store_.FindAccount(email);
  if (!account.ok()) {
    if (account.status().code() == Code::kNotFound)
      return Status::NotFound("no account with the email " + email);
    return account.status();
  }
  account->disabled = true;
  if (Status s = store_.UpdateAccount(*account); !s.ok()) return s;
  if (Status s = store_.DeleteAccountSessions(account->id); !s.ok()) return s;
  return Record(account->id, "account-disable", account->email);
}

Result<SignInResult> Accounts::SignIn(std::string_view email, std::string_view password,
                                      std::string_view client, std::string_view code) {
  SignInResult result;
  if (long long wait = throttle_.RetryAfter(email, client); wait > 0) {
    result.outcome = SignInResult::kThrottled;
    result.retry_after = wait;
    return result;
  }
  Result<store::AccountRecord> account = store_.FindAccount(std::string(util::Trim(email)));
  if (!account.ok() && account.status().code() != Code::kNotFound) return account.status();
  // An unknown email costs one verification too, so that timing does not tell.
  bool match = VerifyPassword(account.ok() ? account->password_hash : DummyHash(), password) && account.ok();
  if (!match) {
    throttle_.Failed(email, client);
    result.outcome = SignInResult::kWrongPassword;
    // Best effort: a refusal is answered whether or not it could be recorded.
    (void)Record(account.ok() ? account->id : 0, "sign-in-refused",
                 account.ok() ? "wrong password" : "unknown email " + std::string(util::Trim(email)));
    return result;
  }
  if (account->disabled) {
    result.outcome = SignInResult::kDisabled;
    (void)Record(account->id, "sign-in-refused", "account disabled");
    return result;
  }
  if (!account->totp_secret.empty()) {
    if (util::Trim(code).empty()) {
      result.outcome = SignInResult::kNeedCode;
      return result;
    }
    if (!AcceptCode(*account, code)) {
      throttle_.Failed(email, client);
      result.outcome = SignInResult::kWrongCode;
      (void)Record(account->id, "sign-in-refused", "wrong second-factor code");
      return result;
    }
  }
  if (NeedsRehash(account->password_hash, options_.cost)) {
    Result<std::string> hash = HashPassword(password, options_.cost);
    if (hash.ok()) {
      account->password_hash = *hash;
      if (Status s = store_.UpdateAccount(*account); !s.ok()) return s;
    }
  }
  long long now = options_.clock->NowSeconds();
  // Expired sessions of everyone are swept at each sign-in.
  (void)store_.DeleteExpiredSessions(now - kSessionIdleSeconds, now - kSessionMaxSeconds);
  std::string token = RandomHex(kTokenBytes);
  std::string csrf = RandomHex(kTokenBytes);
  store::SessionRecord record{TokenHash(token), account->id, csrf, now, now};
  if (Status s = Record(account->id, "sign-in", account->email); !s.ok()) return s;
  if (Status s = store_.AddSession(record); !s.ok()) return s;
  result.outcome = SignInResult::kOk;
  result.session = MakeSession(*account, std::move(token), std::move(csrf));
  return result;
}

Result<Session> Accounts::Resolve(std::string_view token) {
  if (token.size() != kTokenBytes * 2) return Status::NotFound("no such session");
  std::string hash = TokenHash(token);
  Result<store::SessionRecord> record = store_.FindSession(hash);
  if (!record.ok()) return record.status();
  long long now = options_.clock->NowSeconds();
  if (now - record->last_seen > kSessionIdleSeconds || now - record->created_at > kSessionMaxSeconds) {
    (void)store_.DeleteSession(hash);
    return Status::NotFound("the session has expired");
  }
  Result<store::AccountRecord> account = store_.GetAccount(record->account_id);
  if (!account.ok()) return account.status();
  if (account->disabled) {
    (void)store_.DeleteAccountSessions(account->id);
    return Status::NotFound("the account is disabled");
  }
  if (record->last_seen != now) {
    if (Status s = store_.TouchSession(hash, now); !s.ok() && s.code() != Code::kNotFound) return s;
  }
  return MakeSession(*account, "", record->csrf);
}

Status Accounts::SignOut(std::string_view token) {
  Result<store::SessionRecord> session = store_.FindSession(TokenHash(token));
  if (Status s = store_.DeleteSession(TokenHash(token)); !s.ok()) return s;
  return session.ok() ? Record(session->account_id, "sign-out", "") : Status::Ok();
}

Status Accounts::ChangePassword(int64_t account_id, std::string_view current, std::string_view next,
                                std::string_view keep_token) {
  Result<store::AccountRecord> account = store_.GetAccount(account_id);
  if (!account.ok()) return account.status();
  if (!VerifyPassword(account->password_hash, current))
    return Status::Invalid("The current password is not right.");
  if (std::string problem = PasswordProblem(next); !problem.empty()) return Status::Invalid(problem);
  if (current == next) return Status::Invalid("The new password must differ from the current one.");
  Result<std::string> hash = HashPassword(next, options_.cost);
  if (!hash.ok()) return hash.status();
  account->password_hash = *hash;
  account->must_change_password = false;
  if (Status s = store_.UpdateAccount(*account); !s.ok()) return s;
  // Every other session of the account ends; the one in use stays.
  Result<store::SessionRecord> keep = store_.FindSession(TokenHash(keep_token));
  if (Status s = store_.DeleteAccountSessions(account_id); !s.ok()) return s;
  if (keep.ok() && keep->account_id == account_id)
    if (Status s = store_.AddSession(*keep); !s.ok()) return s;
  return Record(account_id, "password-change", account->email);
}

}  // namespace vetted::newsroom
