// store/sqlite/: the SqliteStore class behind OpenSqlite, visible to the
// backend's own files and tests only.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/dump.h"
#include "store/sqlite/sqlite_store.h"

namespace vetted::store::sqlite {

// Migrates `db` (a writer connection) from its PRAGMA user_version up to
// `target` (<= SqliteSchemaVersion()), one transaction per step. kInvalid when
// the database is already newer than SqliteSchemaVersion().
Status Migrate(sqlite3* db, int target);

// Reader connections, opened on demand up to a maximum and reused.
class ReaderPool {
 public:
  ReaderPool(std::string path, bool durable, size_t max_open);
  ~ReaderPool();

  // A checked-out connection, returned to the pool when destroyed.
  class Lease {
   public:
    Lease(ReaderPool* pool, sqlite3* db) : pool_(pool), db_(db) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), db_(other.db_) { other.db_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (db_ != nullptr) pool_->Release(db_);
    }
    sqlite3* get() const { return db_; }

   private:
    ReaderPool* pool_;
    sqlite3* db_;
  };

  // Waits while all connections are checked out; kIo when opening one fails.
  Result<Lease> Acquire();

 private:
  void Release(sqlite3* db);

  const std::string path_;
  const bool durable_;
  const size_t max_open_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<sqlite3*> idle_;
  size_t open_ = 0;
};

// Store::Accounts() of the SQLite backend (accounts.cc): writes on the
// store's writer connection under its lock, reads on a pooled reader.
class SqliteAccounts : public AccountStore {
 public:
  SqliteAccounts(std::mutex* writer_mu, sqlite3* writer, ReaderPool* readers)
      : writer_mu_(writer_mu), writer_(writer), readers_(readers) {}
  Result<int64_t> AddAccount(const AccountRecord& record) override;
  Result<AccountRecord> FindAccount(const std::string& email) override;
  Result<AccountRecord> GetAccount(int64_t id) override;
  Result<std::vector<AccountRecord>> ListAccounts() override;
  Status UpdateAccount(const AccountRecord& record) override;
  Status AddSession(const SessionRecord& session) override;
  Result<SessionRecord> FindSession(const std::string& id_hash) override;
  Status TouchSession(const std::string& id_hash, long long last_seen) override;
  Status DeleteSession(const std::string& id_hash) override;
  Status DeleteAccountSessions(int64_t account_id) override;
  Result<int64_t> DeleteExpiredSessions(long long seen_before, long long created_before) override;

 private:
  std::mutex* writer_mu_;
  sqlite3* writer_;
  ReaderPool* readers_;
};

// Store::Limits() of the SQLite backend (limits.cc): writes on the store's
// writer connection under its lock (one process per database file, so that
// lock and SQLite's own write lock serialize every writer), reads on a
// pooled reader.
class SqliteLimits : public LimitStore {
 public:
  SqliteLimits(std::mutex* writer_mu, sqlite3* writer, ReaderPool* readers)
      : writer_mu_(writer_mu), writer_(writer), readers_(readers) {}
  Result<std::string> LimitsSecret(const std::string& candidate) override;
  Status AddFailure(const std::string& key, long long at, int keep, long long prune_before) override;
  Result<std::vector<long long>> FailuresSince(const std::string& key, long long since) override;
  Status ClearFailures(const std::string& key) override;
  Result<bool> TakeToken(const std::string& key, double per_second, double burst, double now,
                         double prune_before) override;

 private:
  std::mutex* writer_mu_;
  sqlite3* writer_;
  ReaderPool* readers_;
};

class SqliteStore : public Store, public RowAccess {
 public:
  // Takes ownership of `writer`, already migrated.
  SqliteStore(const std::string& path, const SqliteOptions& options, sqlite3* writer);
  ~SqliteStore() override;

  Result<ImportReport> Import(const ImportInput& input) override;
  Result<Snapshot> Load() override;
  Result<int64_t> Generation() override;
  Result<Changes> ChangesSince(int64_t generation) override;
  Result<SearchResults> Search(const SearchQuery& query) override;
  Result<std::vector<std::string>> Related(const std::string& url, size_t limit) override;
  std::vector<Result<int64_t>> AddFeedback(const std::vector<NewFeedback>& batch) override;
  Result<std::vector<FeedbackRecord>> ListFeedback() override;
  Result<std::vector<FeedbackRecord>> FindFeedback(const FeedbackFilter& filter) override;
  Result<std::vector<RevisionInfo>> Revisions(const std::string& path) override;
  Result<std::string> RevisionBytes(const std::string& path, const std::string& revision) override;
  AccountStore* Accounts() override { return &accounts_; }
  LimitStore* Limits() override { return &limits_; }
  WorkflowStore* Workflow() override { return workflow_.get(); }
  // Set by a write that failed for lack of space, cleared by the next commit
  // of the writer connection (its commit hook).
  bool OutOfSpace() const override { return out_of_space_.load(std::memory_order_acquire); }
  std::string OutOfSpaceCause() const override { return "SQLITE_FULL, no space left on the device"; }

  // Rows for copying a site between backends (rows.cc).
  Result<std::unique_ptr<RowReader>> BeginRowRead() override;
  Result<std::unique_ptr<RowWriter>> BeginRowWrite() override;
  std::string BackendName() const override { return "sqlite"; }

  // For tests: the integer value of `PRAGMA <name>` on the writer connection.
  Result<int64_t> WriterPragma(const std::string& name);

 private:
  const util::Clock* clock_;  // a revision's created_at
  std::mutex writer_mu_;
  sqlite3* writer_;  // guarded by writer_mu_
  ReaderPool readers_;
  SqliteAccounts accounts_;
  SqliteLimits limits_;
  std::unique_ptr<WorkflowStore> workflow_;  // shares writer_mu_, writer_ and readers_
  std::atomic<bool> out_of_space_{false};
};

// Store::Load's reads on `db`, inside the caller's transaction.
Result<Snapshot> LoadOn(sqlite3* db);

// Import's work inside the writer's open transaction (import.cc).
// `now` is the new revisions' created_at.
Result<ImportReport> ImportLocked(sqlite3* db, const ImportInput& input, const std::string& now);

// AddFeedback's work inside the writer's open transaction (feedback.cc);
// fills `results` and returns the first database error, if any.
Status AddFeedbackLocked(sqlite3* db, const std::vector<NewFeedback>& batch,
                         std::vector<Result<int64_t>>& results);

// ListFeedback (or FindFeedback, with a filter) on a reader connection (feedback.cc).
Result<std::vector<FeedbackRecord>> ListFeedbackOn(sqlite3* db, const FeedbackFilter& filter = {});

// Revisions and RevisionBytes on a reader connection (revisions.cc).
Result<std::vector<RevisionInfo>> RevisionsOn(sqlite3* db, const std::string& path);
Result<std::string> RevisionBytesOn(sqlite3* db, const std::string& path, const std::string& revision);

}  // namespace vetted::store::sqlite
