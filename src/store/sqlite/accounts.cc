// The SQLite backend's accounts and sessions (store/accounts.h; tables of
// migration 5).
#include <mutex>

#include "store/sqlite/db.h"
#include "store/sqlite/store_impl.h"

namespace vetted::store::sqlite {
namespace {

constexpr const char* kAccountColumns =
    "SELECT id, email, roles, person_id, disabled, password_hash, must_change_password, totp_secret, "
    "created_at FROM accounts ";

AccountRecord ReadAccount(const Query& q) {
  AccountRecord r;
  r.id = q.Int(0);
  r.email = q.Text(1);
  r.roles = static_cast<uint8_t>(q.Int(2));
  r.person_id = q.Text(3);
  r.disabled = q.Int(4) != 0;
  r.password_hash = q.Text(5);
  r.must_change_password = q.Int(6) != 0;
  r.totp_secret = q.Text(7);
  r.created_at = q.Int(8);
  return r;
}

// The one account a query selects; kNotFound naming `what` when none.
Result<AccountRecord> OneAccount(Query& q, const std::string& what) {
  if (q.Next()) return ReadAccount(q);
  if (!q.status().ok()) return q.status();
  return Status::NotFound("accounts: no account " + what);
}

Status ChangedOne(sqlite3* db, Status run, const std::string& what) {
  if (!run.ok()) return run;
  if (sqlite3_changes(db) == 0) return Status::NotFound("accounts: no " + what);
  return Status::Ok();
}

}  // namespace

Result<int64_t> SqliteAccounts::AddAccount(const AccountRecord& r) {
  std::lock_guard lock(*writer_mu_);
  {
    Query exists(writer_, "SELECT 1 FROM accounts WHERE email = ?1");
    exists.Bind(r.email);
    if (exists.Next()) return Status::Error(Code::kConflict, "accounts: " + r.email + " exists");
    if (!exists.status().ok()) return exists.status();
  }
  Query q(writer_,
          "INSERT INTO accounts(email, roles, person_id, disabled, password_hash, must_change_password, "
          "totp_secret, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  q.Bind(r.email, static_cast<int64_t>(r.roles), r.person_id, r.disabled, r.password_hash,
         r.must_change_password, r.totp_secret, static_cast<int64_t>(r.created_at));
  if (Status s = q.Run(); !s.ok()) return s;
  return static_cast<int64_t>(sqlite3_last_insert_rowid(writer_));
}

Result<AccountRecord> SqliteAccounts::FindAccount(const std::string& email) {
  Result<ReaderPool::Lease> lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  Query q(lease->get(), (std::string(kAccountColumns) + "WHERE email = ?1").c_str());
  q.Bind(email);
  return OneAccount(q, email);
}

Result<AccountRecord> SqliteAccounts::GetAccount(int64_t id) {
  Result<ReaderPool::Lease> lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  Query q(lease->get(), (std::string(kAccountColumns) + "WHERE id = ?1").c_str());
  q.Bind(id);
  return OneAccount(q, std::to_string(id));
}

Result<std::vector<AccountRecord>> SqliteAccounts::ListAccounts() {
  Result<ReaderPool::Lease> lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  Query q(lease->get(), (std::string(kAccountColumns) + "ORDER BY id").c_str());
  std::vector<AccountRecord> out;
  while (q.Next()) out.push_back(ReadAccount(q));
  if (!q.status().ok()) return q.status();
  return out;
}

Status SqliteAccounts::UpdateAccount(const AccountRecord& r) {
  std::lock_guard lock(*writer_mu_);
  Query q(writer_,
          "UPDATE accounts SET roles = ?2, person_id = ?3, disabled = ?4, password_hash = ?5, "
          "must_change_password = ?6, totp_secret = ?7 WHERE id = ?1");
  q.Bind(r.id, static_cast<int64_t>(r.roles), r.person_id, r.disabled, r.password_hash,
         r.must_change_password, r.totp_secret);
  return ChangedOne(writer_, q.Run(), "account " + std::to_string(r.id));
}

Status SqliteAccounts::AddSession(const SessionRecord& s) {
  std::lock_guard lock(*writer_mu_);
  {
    Query account(writer_, "SELECT 1 FROM accounts WHERE id = ?1");
    account.Bind(s.account_id);
    if (!account.Next())
      return account.status().ok() ? Status::NotFound("accounts: no account " + std::to_string(s.account_id))
                                   : account.status();
  }
  {
    Query exists(writer_, "SELECT 1 FROM sessions WHERE id_hash = ?1");
    exists.Bind(s.id_hash);
    if (exists.Next()) return Status::Error(Code::kConflict, "accounts: session exists");
    if (!exists.status().ok()) return exists.status();
  }
  Query q(
      writer_,
      "INSERT INTO sessions(id_hash, account_id, csrf, created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?5)");
  q.Bind(s.id_hash, s.account_id, s.csrf, static_cast<int64_t>(s.created_at),
         static_cast<int64_t>(s.last_seen));
  return q.Run();
}

Result<SessionRecord> SqliteAccounts::FindSession(const std::string& id_hash) {
  Result<ReaderPool::Lease> lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  Query q(lease->get(), "SELECT account_id, csrf, created_at, last_seen FROM sessions WHERE id_hash = ?1");
  q.Bind(id_hash);
  if (!q.Next()) return q.status().ok() ? Status::NotFound("accounts: no such session") : q.status();
  SessionRecord s;
  s.id_hash = id_hash;
  s.account_id = q.Int(0);
  s.csrf = q.Text(1);
  s.created_at = q.Int(2);
  s.last_seen = q.Int(3);
  return s;
}

Status SqliteAccounts::TouchSession(const std::string& id_hash, long long last_seen) {
  std::lock_guard lock(*writer_mu_);
  Query q(writer_, "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1");
  q.Bind(id_hash, static_cast<int64_t>(last_seen));
  return ChangedOne(writer_, q.Run(), "such session");
}

Status SqliteAccounts::DeleteSession(const std::string& id_hash) {
  std::lock_guard lock(*writer_mu_);
  Query q(writer_, "DELETE FROM sessions WHERE id_hash = ?1");
  q.Bind(id_hash);
  return q.Run();
}

Status SqliteAccounts::DeleteAccountSessions(int64_t account_id) {
  std::lock_guard lock(*writer_mu_);
  Query q(writer_, "DELETE FROM sessions WHERE account_id = ?1");
  q.Bind(account_id);
  return q.Run();
}

Result<int64_t> SqliteAccounts::DeleteExpiredSessions(long long seen_before, long long created_before) {
  std::lock_guard lock(*writer_mu_);
  Query q(writer_, "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2");
  q.Bind(static_cast<int64_t>(seen_before), static_cast<int64_t>(created_before));
  if (Status s = q.Run(); !s.ok()) return s;
  return static_cast<int64_t>(sqlite3_changes(writer_));
}

}  // namespace vetted::store::sqlite
