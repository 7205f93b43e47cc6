// The newsroom's accounts and sessions on PostgreSQL (store/accounts.h;
// schema step 3).
//
// Every method is one statement, so one implicit transaction on a pooled
// connection; no lock of ours is needed between nodes: the database's unique
// indexes (accounts' lower(email), sessions' id_hash) and the sessions'
// foreign key decide a race, and their violations become kConflict and
// kNotFound.
#include <string>

#include "store/postgres/store_impl.h"

namespace vetted::store::postgres {
namespace {

constexpr const char* kForeignKeyViolation = "23503";

#define ACCOUNT_COLUMNS \
  "id, email, roles, person_id, disabled, password_hash, must_change_password, totp_secret, created_at"

AccountRecord AccountRow(const pg::Rows& rows, int i) {
  AccountRecord r;
  r.id = rows.Int(i, 0);
  r.email = rows.Text(i, 1);
  r.roles = static_cast<uint8_t>(rows.Int(i, 2));
  r.person_id = rows.Text(i, 3);
  r.disabled = rows.Int(i, 4) != 0;
  r.password_hash = rows.Text(i, 5);
  r.must_change_password = rows.Int(i, 6) != 0;
  r.totp_secret = rows.Text(i, 7);
  r.created_at = rows.Int(i, 8);
  return r;
}

class PostgresAccounts : public AccountStore {
 public:
  explicit PostgresAccounts(pg::Pool* pool) : pool_(pool) {}

  Result<int64_t> AddAccount(const AccountRecord& r) override {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    // The unique index on lower(email) refuses a second account, also one
    // added by another node at the same moment.
    Result<pg::Rows> rows = (*conn)->Query(
        "INSERT INTO accounts(email, roles, person_id, disabled, password_hash, must_change_password, "
        "totp_secret, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        r.email, static_cast<int64_t>(r.roles), r.person_id, r.disabled, r.password_hash,
        r.must_change_password, r.totp_secret, static_cast<int64_t>(r.created_at));
    if (!rows.ok()) {
      if (pg::IsUniqueViolation(rows.status()))
        return Status::Error(Code::kConflict, "accounts: " + r.email + " exists");
      return rows.status();
    }
    return rows->Int(0, 0);
  }

  Result<AccountRecord> FindAccount(const std::string& email) override {
    return One("SELECT " ACCOUNT_COLUMNS
               " FROM accounts WHERE lower(email COLLATE \"C\") = lower($1::text COLLATE \"C\")",
               email, email);
  }

  Result<AccountRecord> GetAccount(int64_t id) override {
    return One("SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = $1::bigint", id, std::to_string(id));
  }

  Result<std::vector<AccountRecord>> ListAccounts() override {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    Result<pg::Rows> rows = (*conn)->Query("SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY id");
    if (!rows.ok()) return rows.status();
    std::vector<AccountRecord> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) out.push_back(AccountRow(*rows, i));
    return out;
  }

  Status UpdateAccount(const AccountRecord& r) override {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    Result<pg::Rows> rows = (*conn)->Query(
        "UPDATE accounts SET roles = $2, person_id = $3, disabled = $4, password_hash = $5, "
        "must_change_password = $6, totp_secret = $7 WHERE id = $1::bigint",
        r.id, static_cast<int64_t>(r.roles), r.person_id, r.disabled, r.password_hash, r.must_change_password,
        r.totp_secret);
    if (!rows.ok()) return rows.status();
    if (rows->affected() == 0) return Status::NotFound("accounts: no account " + std::to_string(r.id));
    return Status::Ok();
  }

  Status AddSession(const SessionRecord& s) override {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    Result<pg::Rows> rows = (*conn)->Query(
        "INSERT INTO sessions(id_hash, account_id, csrf, created_at, last_seen) VALUES ($1, $2, $3, $4, $5)",
        s.id_hash, s.account_id, s.csrf, static_cast<int64_t>(s.created_at),
        static_cast<int64_t>(s.last_seen));
    if (rows.ok()) return Status::Ok();
    if (pg::IsUniqueViolation(rows.status()))
      return Status::Error(Code::kConflict, "accounts: session exists");
    if (pg::SqlState(rows.status()) == kForeignKeyViolation)
      return Status::NotFound("accounts: no account " + std::to_string(s.account_id));
    return rows.status();
  }

  Result<SessionRecord> FindSession(const std::string& id_hash) override {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    Result<pg::Rows> rows = (*conn)->Query(
        "SELECT account_id, csrf, created_at, last_seen FROM sessions WHERE id_hash = $1", id_hash);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("accounts: no such session");
    SessionRecord s;
    s.id_hash = id_hash;
    s.account_id = rows->Int(0, 0);
    s.csrf = rows->Text(0, 1);
    s.created_at = rows->Int(0, 2);
    s.last_seen = rows->Int(0, 3);
    return s;
  }

  Status TouchSession(const std::string& id_hash, long long last_seen) override {
    Result<int64_t> changed = Change("UPDATE sessions SET last_seen = $2 WHERE id_hash = $1", id_hash,
                                     static_cast<int64_t>(last_seen));
    if (!changed.ok()) return changed.status();
    if (*changed == 0) return Status::NotFound("accounts: no such session");
    return Status::Ok();
  }

  Status DeleteSession(const std::string& id_hash) override {
    return Change("DELETE FROM sessions WHERE id_hash = $1", id_hash).status();
  }

  Status DeleteAccountSessions(int64_t account_id) override {
    return Change("DELETE FROM sessions WHERE account_id = $1::bigint", account_id).status();
  }

  Result<int64_t> DeleteExpiredSessions(long long seen_before, long long created_before) override {
    return Change("DELETE FROM sessions WHERE last_seen < $1::bigint OR created_at < $2::bigint",
                  static_cast<int64_t>(seen_before), static_cast<int64_t>(created_before));
  }

 private:
  // The one account `sql` selects; kNotFound naming `what` when none.
  template <typename Arg>
  Result<AccountRecord> One(const char* sql, const Arg& arg, const std::string& what) {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    Result<pg::Rows> rows = (*conn)->Query(sql, arg);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("accounts: no account " + what);
    return AccountRow(*rows, 0);
  }

  // Runs one UPDATE or DELETE; how many rows it changed.
  template <typename... Args>
  Result<int64_t> Change(const char* sql, const Args&... args) {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    Result<pg::Rows> rows = (*conn)->Query(sql, args...);
    if (!rows.ok()) return rows.status();
    return rows->affected();
  }

  pg::Pool* pool_;
};

}  // namespace

std::unique_ptr<AccountStore> MakePostgresAccounts(pg::Pool* pool) {
  return std::make_unique<PostgresAccounts>(pool);
}

}  // namespace vetted::store::postgres
