// The SQLite backend's limits (store/limits.h; tables of migration 9). Each
// write runs in one IMMEDIATE transaction on the writer connection under the
// store's writer lock, so a token is taken by exactly one caller.
//
// The counts are not worth an fsync each (with synchronous=FULL one costs
// about 3.5 ms here, and every feedback post takes a token): their
// transactions commit with synchronous=NORMAL (in WAL mode the database
// stays consistent; a power cut may forget the last few counts, never
// anything else), and the next FULL commit syncs them anyway.
#include <algorithm>
#include <mutex>
#include <string>

#include "store/sqlite/db.h"
#include "store/sqlite/store_impl.h"

namespace vetted::store::sqlite {
namespace {

// synchronous=NORMAL on the writer while alive (declare it before the
// Transaction); the connection's setting is restored when it goes.
class Unsynced {
 public:
  explicit Unsynced(sqlite3* db) : db_(db) {
    {
      Query q(db_, "PRAGMA synchronous");
      if (q.Next()) old_ = q.Int(0);
    }
    if (old_ > 1) sqlite3_exec(db_, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
  }
  ~Unsynced() {
    if (old_ > 1)
      sqlite3_exec(db_, ("PRAGMA synchronous=" + std::to_string(old_)).c_str(), nullptr, nullptr, nullptr);
  }
  Unsynced(const Unsynced&) = delete;
  Unsynced& operator=(const Unsynced&) = delete;

 private:
  sqlite3* db_;
  int64_t old_ = 0;
};

}  // namespace

Result<std::string> SqliteLimits::LimitsSecret(const std::string& candidate) {
  std::lock_guard lock(*writer_mu_);
  Transaction tx(writer_, /*write=*/true);
  if (!tx.status().ok()) return tx.status();
  std::string secret;
  {
    Query q(writer_, "SELECT secret FROM limit_secret WHERE id = 1");
    if (q.Next()) secret = q.Text(0);
    if (!q.status().ok()) return q.status();
  }
  if (secret.empty()) {
    if (candidate.empty()) return Status::Invalid("limits: empty secret");
    Query q(writer_, "INSERT INTO limit_secret(id, secret) VALUES (1, ?1)");
    q.Bind(Blob{candidate});
    if (Status s = q.Run(); !s.ok()) return s;
    secret = candidate;
  }
  if (Status s = tx.Commit(); !s.ok()) return s;
  return secret;
}

Status SqliteLimits::AddFailure(const std::string& key, long long at, int keep, long long prune_before) {
  std::lock_guard lock(*writer_mu_);
  Unsynced unsynced(writer_);
  Transaction tx(writer_, /*write=*/true);
  if (!tx.status().ok()) return tx.status();
  {
    Query q(writer_, "INSERT INTO limit_failures(key, at) VALUES (?1, ?2)");
    q.Bind(Blob{key}, static_cast<int64_t>(at));
    if (Status s = q.Run(); !s.ok()) return s;
  }
  {
    Query q(writer_,
            "DELETE FROM limit_failures WHERE id IN (SELECT id FROM limit_failures WHERE key = ?1 "
            "ORDER BY at DESC, id DESC LIMIT -1 OFFSET ?2)");
    q.Bind(Blob{key}, static_cast<int64_t>(std::max(1, keep)));
    if (Status s = q.Run(); !s.ok()) return s;
  }
  {
    Query q(writer_, "DELETE FROM limit_failures WHERE at <= ?1");
    q.Bind(static_cast<int64_t>(prune_before));
    if (Status s = q.Run(); !s.ok()) return s;
  }
  return tx.Commit();
}

Result<std::vector<long long>> SqliteLimits::FailuresSince(const std::string& key, long long since) {
  Result<ReaderPool::Lease> lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  Query q(lease->get(), "SELECT at FROM limit_failures WHERE key = ?1 AND at > ?2 ORDER BY at, id");
  q.Bind(Blob{key}, static_cast<int64_t>(since));
  std::vector<long long> times;
  while (q.Next()) times.push_back(q.Int(0));
  if (!q.status().ok()) return q.status();
  return times;
}

Status SqliteLimits::ClearFailures(const std::string& key) {
  std::lock_guard lock(*writer_mu_);
  Query q(writer_, "DELETE FROM limit_failures WHERE key = ?1");
  q.Bind(Blob{key});
  return q.Run();
}

Result<bool> SqliteLimits::TakeToken(const std::string& key, double per_second, double burst, double now,
                                     double prune_before) {
  burst = std::max(1.0, burst);
  per_second = std::max(0.0, per_second);
  std::lock_guard lock(*writer_mu_);
  Unsynced unsynced(writer_);
  Transaction tx(writer_, /*write=*/true);
  if (!tx.status().ok()) return tx.status();
  bool taken = false;
  {
    // ?5 is the bucket refilled up to now; every SET expression sees the old row.
    Query q(writer_,
            "INSERT INTO limit_buckets(key, tokens, last, taken) VALUES (?1, ?3 - 1, ?4, 1) "
            "ON CONFLICT(key) DO UPDATE SET "
            "tokens = min(?3, tokens + max(0, ?4 - last) * ?2) - "
            "  (min(?3, tokens + max(0, ?4 - last) * ?2) >= 1), "
            "taken = (min(?3, tokens + max(0, ?4 - last) * ?2) >= 1), "
            "last = max(last, ?4) "
            "RETURNING taken");
    q.Bind(Blob{key}, per_second, burst, now);
    if (!q.Next()) return q.status().ok() ? Status::Error(Code::kIo, "limits: no bucket row") : q.status();
    taken = q.Int(0) != 0;
  }
  {
    Query q(writer_, "DELETE FROM limit_buckets WHERE last <= ?1");
    q.Bind(prune_before);
    if (Status s = q.Run(); !s.ok()) return s;
  }
  if (Status s = tx.Commit(); !s.ok()) return s;
  return taken;
}

}  // namespace vetted::store::sqlite
