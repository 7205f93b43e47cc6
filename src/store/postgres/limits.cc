// The limits shared by every node on PostgreSQL (store/limits.h; schema
// step 5).
//
// Every statement runs in its own implicit transaction on a pooled
// connection. What serializes writers between nodes is the database's row
// lock: TakeToken is one INSERT ... ON CONFLICT DO UPDATE, which locks the
// bucket's row, so two nodes taking from one bucket run one after the other
// and each sees the other's token gone; LimitsSecret's INSERT ... ON CONFLICT
// DO NOTHING waits for a concurrent first insert and then keeps it.
// Failures are plain inserts (nothing to lose in a race). Pruning deletes
// only rows it can lock at once (FOR UPDATE SKIP LOCKED), so prunes from
// several nodes never wait for or deadlock with each other.
#include <algorithm>
#include <string>
#include <vector>

#include "store/postgres/store_impl.h"

namespace vetted::store::postgres {
namespace {

class PostgresLimits : public LimitStore {
 public:
  explicit PostgresLimits(pg::Pool* pool) : pool_(pool) {}

  Result<std::string> LimitsSecret(const std::string& candidate) override {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    Result<pg::Rows> rows = (*conn)->Query("SELECT secret FROM limit_secret WHERE id = 1");
    if (!rows.ok()) return rows.status();
    if (!rows->empty()) return rows->Text(0, 0);
    if (candidate.empty()) return Status::Invalid("limits: empty secret");
    Result<pg::Rows> insert =
        (*conn)->Query("INSERT INTO limit_secret(id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
                       pg::Bytes{candidate});
    if (!insert.ok()) return insert.status();
    rows = (*conn)->Query("SELECT secret FROM limit_secret WHERE id = 1");
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Io("limits: the secret was not stored");
    return rows->Text(0, 0);
  }

  Status AddFailure(const std::string& key, long long at, int keep, long long prune_before) override {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    Result<pg::Rows> rows = (*conn)->Query("INSERT INTO limit_failures(key, at) VALUES ($1, $2::bigint)",
                                           pg::Bytes{key}, static_cast<int64_t>(at));
    if (!rows.ok()) return rows.status();
    rows = (*conn)->Query(
        "DELETE FROM limit_failures WHERE id IN (SELECT id FROM limit_failures WHERE key = $1 "
        "ORDER BY at DESC, id DESC OFFSET $2::bigint FOR UPDATE SKIP LOCKED)",
        pg::Bytes{key}, static_cast<int64_t>(std::max(1, keep)));
    if (!rows.ok()) return rows.status();
    rows = (*conn)->Query(
        "DELETE FROM limit_failures WHERE id IN (SELECT id FROM limit_failures WHERE at <= $1::bigint "
        "FOR UPDATE SKIP LOCKED)",
        static_cast<int64_t>(prune_before));
    if (!rows.ok()) return rows.status();
    return Status::Ok();
  }

  Result<std::vector<long long>> FailuresSince(const std::string& key, long long since) override {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    Result<pg::Rows> rows =
        (*conn)->Query("SELECT at FROM limit_failures WHERE key = $1 AND at > $2::bigint ORDER BY at, id",
                       pg::Bytes{key}, static_cast<int64_t>(since));
    if (!rows.ok()) return rows.status();
    std::vector<long long> times;
    times.reserve(static_cast<size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) times.push_back(rows->Int(i, 0));
    return times;
  }

  Status ClearFailures(const std::string& key) override {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    Result<pg::Rows> rows = (*conn)->Query("DELETE FROM limit_failures WHERE key = $1", pg::Bytes{key});
    if (!rows.ok()) return rows.status();
    return Status::Ok();
  }

  Result<bool> TakeToken(const std::string& key, double per_second, double burst, double now,
                         double prune_before) override {
    burst = std::max(1.0, burst);
    per_second = std::max(0.0, per_second);
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
      // One statement: the conflicting row is locked while its SET expressions
      // (all of which see the old row) refill it up to now and take a token.
#define REFILLED \
  "least($3::float8, limit_buckets.tokens + greatest(0, $4::float8 - limit_buckets.last) * $2::float8)"
    Result<pg::Rows> rows = (*conn)->Query(
        "INSERT INTO limit_buckets AS limit_buckets(key, tokens, last, taken) "
        "VALUES ($1, $3::float8 - 1, $4::float8, true) "
        "ON CONFLICT (key) DO UPDATE SET "
        "tokens = CASE WHEN " REFILLED " >= 1 THEN " REFILLED " - 1 ELSE " REFILLED
        " END, "
        "taken = " REFILLED
        " >= 1, "
        "last = greatest(limit_buckets.last, $4::float8) "
        "RETURNING taken",
        pg::Bytes{key}, per_second, burst, now);
#undef REFILLED
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Io("limits: no bucket row");
    const bool taken = rows->Int(0, 0) != 0;
    Result<pg::Rows> pruned = (*conn)->Query(
        "DELETE FROM limit_buckets WHERE key IN (SELECT key FROM limit_buckets WHERE last <= $1::float8 "
        "FOR UPDATE SKIP LOCKED)",
        prune_before);
    if (!pruned.ok()) return pruned.status();
    return taken;
  }

 private:
  pg::Pool* pool_;
};

}  // namespace

std::unique_ptr<LimitStore> MakePostgresLimits(pg::Pool* pool) {
  return std::make_unique<PostgresLimits>(pool);
}

}  // namespace vetted::store::postgres
