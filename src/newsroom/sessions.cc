// The Accounts service (sign-in, sessions, password changes) and the sign-in
// throttle (accounts.h).
#include <sodium.h>

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

SignInThrottle::SignInThrottle(const util::Clock& clock, Options options, store::LimitStore* shared)
    : clock_(clock), options_(options), shared_(shared) {}

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

Result<std::string> SignInThrottle::SharedKey(char kind, std::string_view value) {
  std::string secret;
  {
    std::lock_guard lock(mu_);
    secret = secret_;
  }
  if (secret.empty()) {
    if (sodium_init() < 0) return Status::Internal("libsodium failed to initialize");
    std::string candidate(crypto_generichash_KEYBYTES, '\0');
    randombytes_buf(candidate.data(), candidate.size());
    Result<std::string> stored = shared_->LimitsSecret(candidate);
    if (!stored.ok()) return stored.status();
    secret = *stored;
    std::lock_guard lock(mu_);
    secret_ = secret;
  }
  // "a" + lower-cased email or "c" + address, hashed with the shared key.
  std::string input(1, kind);
  input += kind == 'a' ? util::ToLower(value) : std::string(value);
  unsigned char out[crypto_generichash_BYTES_MIN];  // 16 bytes
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                     reinterpret_cast<const unsigned char*>(secret.data()),
                     std::min<size_t>(secret.size(), crypto_generichash_KEYBYTES_MAX));
  return std::string(1, kind) + std::string(reinterpret_cast<const char*>(out), sizeof out);
}

Result<long long> SignInThrottle::Wait(std::string_view account, std::string_view client) {
  long long now = clock_.NowSeconds();
  if (shared_ != nullptr) {
    const long long since = now - options_.window_seconds;
    Result<std::string> client_key = SharedKey('c', client);
    if (!client_key.ok()) return client_key.status();
    Result<std::vector<long long>> by_client = shared_->FailuresSince(*client_key, since);
    if (!by_client.ok()) return by_client.status();
    Times times(by_client->begin(), by_client->end());
    long long wait = Blocked(times, now);
    if (!times.empty()) {
      Result<std::string> account_key = SharedKey('a', account);
      if (!account_key.ok()) return account_key.status();
      Result<std::vector<long long>> by_account = shared_->FailuresSince(*account_key, since);
      if (!by_account.ok()) return by_account.status();
      Times account_times(by_account->begin(), by_account->end());
      wait = std::max(wait, Blocked(account_times, now));
    }
    return wait;
  }
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

long long SignInThrottle::RetryAfter(std::string_view account, std::string_view client) {
  Result<long long> wait = Wait(account, client);
  return wait.ok() ? *wait : 0;
}

Status SignInThrottle::Failed(std::string_view account, std::string_view client) {
  long long now = clock_.NowSeconds();
  if (shared_ != nullptr) {
    // Only the last max_failures of a key matter; older than the window, none.
    for (char kind : {'a', 'c'}) {
      Result<std::string> key = SharedKey(kind, kind == 'a' ? account : client);
      if (!key.ok()) return key.status();
      if (Status s = shared_->AddFailure(*key, now, options_.max_failures, now - options_.window_seconds);
          !s.ok())
        return s;
    }
    return Status::Ok();
  }
  std::lock_guard lock(mu_);
  if (by_account_.size() + by_client_.size() >= options_.max_keys) Forget(now);
  for (Times* times : {&by_account_[util::ToLower(account)], &by_client_[std::string(client)]}) {
    Prune(*times, now);
    times->push_back(now);
    // Only the last max_failures matter.
    while (times->size() > static_cast<size_t>(options_.max_failures)) times->pop_front();
  }
  return Status::Ok();
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
    : store_(store), options_(options), throttle_(*options.clock, options.throttle, options.limits) {}

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
                                      const std::optional<std::string>& password, int64_t by) {
  Result<std::string> checked = CheckEmail(email);
  if (!checked.ok()) return checked.status();
  if (!person_id.empty() && options_.person_exists && !options_.person_exists(person_id))
    return Status::Invalid("there is no person profile \"" + person_id + "\" in the site's people (people/" +
                           person_id + ".md)");
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
  if (Status s = Record(by != 0 ? by : r.id, "account-add",
                        r.email + (person_id.empty() ? "" : " (person " + person_id + ")"), RoleList(roles));
      !s.ok())
    return s;
  return added;
}

Result<std::vector<store::AccountRecord>> Accounts::List() {
  return store_.ListAccounts();
}

Result<store::AccountRecord> Accounts::Get(int64_t id) {
  Result<store::AccountRecord> account = store_.GetAccount(id);
  if (!account.ok() && account.status().code() == Code::kNotFound)
    return Status::NotFound("no account with the id " + std::to_string(id));
  return account;
}

Result<store::AccountRecord> Accounts::Find(const std::string& email) {
  Result<store::AccountRecord> account = store_.FindAccount(std::string(util::Trim(email)));
  if (!account.ok() && account.status().code() == Code::kNotFound)
    return Status::NotFound("no account with the email " + std::string(util::Trim(email)));
  return account;
}

Result<std::unordered_map<int64_t, std::string>> Accounts::LastSignIns() {
  std::unordered_map<int64_t, std::string> out;
  if (options_.audit == nullptr) return out;
  Status read = options_.audit->Read([&out](store::WorkflowTx& tx) {
    Result<std::vector<store::AuditEntry>> all = tx.Audit(0);
    if (!all.ok()) return all.status();
    for (const store::AuditEntry& e : *all) {
      if (e.action != "sign-in" || e.account == 0) continue;
      std::string& last = out[e.account];
      last = std::max(last, e.at);  // ISO times in UTC sort as text
    }
    return Status::Ok();
  });
  if (!read.ok()) return read;
  return out;
}

Status Accounts::ChangeAccount(int64_t by, int64_t id, const char* action,
                               const std::function<Status(store::AccountRecord&, std::string&)>& change,
                               bool end_sessions) {
  std::lock_guard lock(change_mu_);
  Result<store::AccountRecord> account = Get(id);
  if (!account.ok()) return account.status();
  store::AccountRecord before = *account;
  std::string detail = account->email;
  if (Status s = change(*account, detail); !s.ok()) return s;
  if (account->roles != before.roles || account->disabled != before.disabled) {
    Result<std::vector<store::AccountRecord>> all = store_.ListAccounts();
    if (!all.ok()) return all.status();
    if (std::string problem = LastAdminProblem(*all, id, account->roles, account->disabled); !problem.empty())
      return Status::Forbidden(problem);
  }
  if (Status s = store_.UpdateAccount(*account); !s.ok()) return s;
  if (end_sessions)
    if (Status s = store_.DeleteAccountSessions(id); !s.ok()) return s;
  return Record(by != 0 ? by : id, action, std::move(detail), RoleList(account->roles));
}

Status Accounts::SetRoles(int64_t by, int64_t id, uint8_t roles) {
  if ((roles & (kWriter | kReviewer | kEditor | kAdmin)) == 0)
    return Status::Invalid("an account needs at least one role (writer, reviewer, editor, admin)");
  return ChangeAccount(by, id, "account-roles", [roles](store::AccountRecord& a, std::string& detail) {
    detail += ": " + RoleList(a.roles) + " -> " + RoleList(roles);
    a.roles = roles;
    return Status::Ok();
  });
}

Status Accounts::LinkPerson(int64_t by, int64_t id, const std::string& person_id) {
  std::string person(util::Trim(person_id));
  if (!person.empty() && options_.person_exists && !options_.person_exists(person))
    return Status::Invalid("there is no person profile \"" + person + "\" in the site's people (people/" +
                           person + ".md)");
  return ChangeAccount(by, id, "account-person", [&person](store::AccountRecord& a, std::string& detail) {
    detail += ": person " + (a.person_id.empty() ? std::string("none") : a.person_id) + " -> " +
              (person.empty() ? std::string("none") : person);
    a.person_id = person;
    return Status::Ok();
  });
}

Status Accounts::SetDisabled(int64_t by, int64_t id, bool disabled) {
  return ChangeAccount(
      by, id, disabled ? "account-disable" : "account-enable",
      [disabled](store::AccountRecord& a, std::string&) {
        a.disabled = disabled;
        return Status::Ok();
      },
      /*end_sessions=*/disabled);
}

Status Accounts::Disable(const std::string& email) {
  Result<store::AccountRecord> account = Find(email);
  if (!account.ok()) return account.status();
  return SetDisabled(0, account->id, true);
}

Status Accounts::ResetTotp(int64_t by, int64_t id) {
  Status s = ChangeAccount(
      by, id, "second-factor-reset",
      [](store::AccountRecord& a, std::string&) {
        a.totp_secret.clear();
        return Status::Ok();
      },
      /*end_sessions=*/true);
  if (s.ok()) {
    std::lock_guard lock(steps_mu_);
    last_step_.erase(id);
  }
  return s;
}

Result<std::string> Accounts::ResetPassword(int64_t by, int64_t id) {
  std::string password = OneTimePassword();
  Result<std::string> hash = HashPassword(password, options_.cost);
  if (!hash.ok()) return hash.status();
  Status s = ChangeAccount(
      by, id, "password-reset",
      [&hash](store::AccountRecord& a, std::string&) {
        a.password_hash = *hash;
        a.must_change_password = true;
        return Status::Ok();
      },
      /*end_sessions=*/true);
  if (!s.ok()) return s;
  return password;
}

std::string LastAdminProblem(const std::vector<store::AccountRecord>& accounts, int64_t id, uint8_t roles,
                             bool disabled) {
  auto admin = [](uint8_t r, bool off) { return (r & kAdmin) != 0 && !off; };
  int now = 0, after = 0;
  for (const store::AccountRecord& a : accounts) {
    now += admin(a.roles, a.disabled);
    after += a.id == id ? admin(roles, disabled) : admin(a.roles, a.disabled);
  }
  if (now > 0 && after == 0)
    return "Refused: this is the last enabled admin account, and the site needs one to manage accounts. "
           "Make another account an admin first.";
  return "";
}

Result<SignInResult> Accounts::SignIn(std::string_view email, std::string_view password,
                                      std::string_view client, std::string_view code) {
  SignInResult result;
  Result<long long> wait = throttle_.Wait(email, client);
  if (!wait.ok()) return wait.status();
  if (*wait > 0) {
    result.outcome = SignInResult::kThrottled;
    result.retry_after = *wait;
    return result;
  }
  Result<store::AccountRecord> account = store_.FindAccount(std::string(util::Trim(email)));
  if (!account.ok() && account.status().code() != Code::kNotFound) return account.status();
  // An unknown email costs one verification too, so that timing does not tell.
  bool match = VerifyPassword(account.ok() ? account->password_hash : DummyHash(), password) && account.ok();
  if (!match) {
    (void)throttle_.Failed(email, client);  // refused whether or not it could be counted
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
      (void)throttle_.Failed(email, client);  // refused whether or not it could be counted
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
    // A full disk leaves last_seen as it was: the session goes on (reads work; writes say why not).
    Status s = store_.TouchSession(hash, now);
    if (!s.ok() && s.code() != Code::kNotFound && s.code() != Code::kExhausted) return s;
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
