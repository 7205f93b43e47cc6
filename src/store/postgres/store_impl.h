// store/postgres/: the PostgresStore class behind OpenPostgres, visible to
// the backend's own files and tests only. Each part of the Store lives in its
// own file: postgres_store.cc (open, migrate, Generation, Load), content.cc
// (Import, ImportArticles, ChangesSince, Revisions, RevisionBytes),
// feedback.cc, search.cc (Search, Related), accounts.cc, workflow.cc.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/dump.h"
#include "store/postgres/pg.h"
#include "store/postgres/postgres_store.h"

namespace vetted::store::postgres {

// Migrates the database on `conn` from its version up to
// PostgresSchemaVersion(), in one transaction holding an advisory lock.
// kInvalid when the database is newer than this program.
Status Migrate(pg::Conn& conn);

// The database's schema version (0 when vetted never migrated it).
Result<int> DatabaseVersion(pg::Conn& conn);

// Hears of new content generations from any node through LISTEN/NOTIFY
// (ImportOn notifies channel vetted_generation with "<schema> <generation>"
// when its transaction commits; a listener heeds only its own schema's, as
// sites in other schemas of the database notify the same channel), on a connection and a thread of its own.
// While connected it knows the current generation without a query; when the connection is lost it says so
// (Current() is empty) and reconnects by itself, reading the generation again so that nothing missed
// meanwhile is lost.
class GenerationListener {
 public:
  explicit GenerationListener(std::string conninfo);
  ~GenerationListener();
  GenerationListener(const GenerationListener&) = delete;
  GenerationListener& operator=(const GenerationListener&) = delete;

  // Waits until a generation newer than `generation` is heard of, or
  // `timeout` passed: true; false at once while not listening.
  bool Wait(int64_t generation, std::chrono::milliseconds timeout);
  // A generation read or committed by this process (wakes Wait).
  void Saw(int64_t generation);
  // The newest generation heard of or seen (-1: none yet).
  int64_t Known();

 private:
  void Run();
  bool Sleep(int ms);  // false when asked to stop

  const std::string conninfo_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> live_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t generation_ = -1;  // guarded by mu_
  int wake_[2] = {-1, -1};   // a pipe: the destructor writes to end poll() at once
  std::thread thread_;
};

class PostgresStore : public Store, public RowAccess {
 public:
  PostgresStore(const std::string& conninfo, const PostgresOptions& options);
  ~PostgresStore() override;

  Result<ImportReport> Import(const ImportInput& input) override;
  Result<ImportReport> ImportArticles(const std::vector<ArticleSource>& articles) override;
  Result<Snapshot> Load() override;
  Result<int64_t> Generation() override;
  Result<Changes> ChangesSince(int64_t generation) override;
  Result<SearchResults> Search(const SearchQuery& query) override;
  Result<std::vector<std::string>> Related(const std::string& url, size_t limit) override;
  bool WaitForChange(int64_t generation, std::chrono::milliseconds timeout) override {
    return listener_.Wait(generation, timeout);
  }
  std::vector<Result<int64_t>> AddFeedback(const std::vector<NewFeedback>& batch) override;
  Result<std::vector<FeedbackRecord>> ListFeedback() override;
  Result<std::vector<FeedbackRecord>> FindFeedback(const FeedbackFilter& filter) override;
  Result<std::vector<RevisionInfo>> Revisions(const std::string& path) override;
  Result<std::string> RevisionBytes(const std::string& path, const std::string& revision) override;
  AccountStore* Accounts() override { return accounts_.get(); }
  WorkflowStore* Workflow() override { return workflow_.get(); }
  LimitStore* Limits() override { return limits_.get(); }

  // Rows for copying a site between backends (rows.cc).
  Result<std::unique_ptr<RowReader>> BeginRowRead() override;
  Result<std::unique_ptr<RowWriter>> BeginRowWrite() override;
  std::string BackendName() const override { return "postgresql"; }
  bool ReplicaCounts(ReplicaReads* out) const override;
  // A write on the primary failed for lack of space (SQLSTATE 53100) and the
  // statement that failed so last has not succeeded since (pg::SpaceWatch).
  bool OutOfSpace() const override { return pool_.space().Full(); }
  std::string OutOfSpaceCause() const override { return "the PostgreSQL server's disk_full, SQLSTATE 53100"; }

  pg::Pool& pool() { return pool_; }
  const util::Clock& clock() const { return *clock_; }

 private:
  // Store::Search, Related, Load and ChangesSince on `conn` (the primary or the replica).
  Result<SearchResults> SearchOn(pg::Conn& conn, const SearchQuery& query);
  Result<std::vector<std::string>> RelatedOn(pg::Conn& conn, const std::string& url, size_t limit);
  Result<Changes> ChangesOn(pg::Conn& conn, int64_t generation);

  // Runs `read` (a read that may go to the replica: Result<T>(pg::Conn&)) on
  // the read replica when there is one and it has replayed every generation
  // this store knows of (waiting up to replica_wait_ for it), else on the
  // primary; a replica that fails mid-read is left alone for a second and the
  // read done again on the primary (reads are safe to repeat).
  template <typename T, typename Fn>
  Result<T> Read(Fn read) {
    if (read_pool_ != nullptr) {
      if (std::optional<pg::Pool::Lease> replica = CaughtUpReplica()) {
        Result<T> out = read(**replica);
        if (out.ok() || out.status().code() != Code::kIo) return out;
        ReplicaFailed();
      }
    }
    Result<pg::Pool::Lease> conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    return read(**conn);
  }
  // A replica connection whose generation is at least listener_.Known(), or
  // nothing (counted as a primary read): read the primary.
  std::optional<pg::Pool::Lease> CaughtUpReplica();
  void ReplicaFailed();

  const util::Clock* clock_;
  pg::Pool pool_;
  GenerationListener listener_;
  std::unique_ptr<pg::Pool> read_pool_;  // the read replica's connections, or null
  const std::chrono::milliseconds replica_wait_;
  std::atomic<int64_t> replica_reads_{0};
  std::atomic<int64_t> replica_waited_{0};
  std::atomic<int64_t> primary_reads_{0};
  std::atomic<int64_t> replica_retry_at_{0};  // steady-clock ms: the replica is skipped until then
  std::atomic<bool> replica_reachable_{true};
  std::unique_ptr<AccountStore> accounts_;
  std::unique_ptr<WorkflowStore> workflow_;
  std::unique_ptr<LimitStore> limits_;
};

// Store::Load's reads on `conn`, inside the caller's transaction.
Result<Snapshot> LoadOn(pg::Conn& conn);

// Import's work inside the caller's open transaction on `conn` (content.cc):
// takes the generation's row lock first, so that imports from several nodes
// run one after another. `now` is the new revisions' created_at. Also what
// WorkflowTx::ImportContent runs (a publication).
Result<ImportReport> ImportOn(pg::Conn& conn, const ImportInput& input, const std::string& now);

// The search index (search.cc), inside the caller's transaction: writes or
// replaces the row of article `article_id` (published at `url`), or removes
// it (an unpublished article).
Status IndexArticle(pg::Conn& conn, int64_t article_id, const std::string& url, const SearchDocument& doc);
Status UnindexArticle(pg::Conn& conn, int64_t article_id);

// The AccountStore and WorkflowStore of a PostgresStore (accounts.cc,
// workflow.cc); nullptr until built. `pool` and `clock` outlive them.
std::unique_ptr<AccountStore> MakePostgresAccounts(pg::Pool* pool);
std::unique_ptr<WorkflowStore> MakePostgresWorkflow(pg::Pool* pool, const util::Clock* clock);
// The LimitStore of a PostgresStore (limits.cc).
std::unique_ptr<LimitStore> MakePostgresLimits(pg::Pool* pool);

}  // namespace vetted::store::postgres
