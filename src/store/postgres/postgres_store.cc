#include "store/postgres/postgres_store.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string_view>

#include "store/postgres/schema.h"
#include "store/postgres/store_impl.h"

namespace vetted::store {
namespace postgres {
namespace {

// pg_advisory_xact_lock key for migrations: "vetted" + 1, the same in every node.
constexpr int64_t kMigrationLock = 0x766574746564'01;
constexpr size_t kMaxConnections = 8;

Result<bool> HasSchemaTable(pg::Conn& conn) {
  Result<pg::Rows> rows = conn.Query("SELECT to_regclass('vetted_schema') IS NOT NULL");
  if (!rows.ok()) return rows.status();
  return rows->Int(0, 0) != 0;
}

}  // namespace

Result<int> DatabaseVersion(pg::Conn& conn) {
  Result<bool> has = HasSchemaTable(conn);
  if (!has.ok()) return has.status();
  if (!*has) return 0;
  Result<pg::Rows> rows = conn.Query("SELECT max(version) FROM vetted_schema");
  if (!rows.ok()) return rows.status();
  return static_cast<int>(rows->Int(0, 0));
}

Status Migrate(pg::Conn& conn) {
  pg::Transaction tx(conn);
  if (!tx.status().ok()) return tx.status();
  // Nodes starting together wait here for the first to finish.
  if (Result<pg::Rows> r = conn.Query("SELECT pg_advisory_xact_lock($1)", kMigrationLock); !r.ok())
    return r.status();
  if (Status s = conn.Exec("CREATE TABLE IF NOT EXISTS vetted_schema(version INTEGER NOT NULL, applied_at "
                           "TIMESTAMPTZ NOT NULL DEFAULT now())");
      !s.ok())
    return s;
  Result<int> version = DatabaseVersion(conn);
  if (!version.ok()) return version.status();
  const int newest = PostgresSchemaVersion();
  if (*version > newest) {
    return Status::Invalid("postgresql: database schema version " + std::to_string(*version) +
                           " is newer than this program's " + std::to_string(newest) +
                           ": run a vetted at least as new as the one that migrated it");
  }
  for (int step = *version + 1; step <= newest; ++step) {
    if (Status s = conn.Exec(kMigrations[step - 1]); !s.ok())
      return Status::Io("postgresql: migration " + std::to_string(step) + ": " + s.message());
    if (Result<pg::Rows> r = conn.Query("INSERT INTO vetted_schema(version) VALUES ($1)", step); !r.ok())
      return r.status();
  }
  return tx.Commit();
}

GenerationListener::GenerationListener(std::string conninfo) : conninfo_(std::move(conninfo)) {
  if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) wake_[0] = wake_[1] = -1;
  thread_ = std::thread([this] { Run(); });
}

GenerationListener::~GenerationListener() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (wake_[1] >= 0) (void)!write(wake_[1], "x", 1);
  thread_.join();
  for (int fd : wake_)
    if (fd >= 0) close(fd);
}

bool GenerationListener::Wait(int64_t generation, std::chrono::milliseconds timeout) {
  if (!live_.load(std::memory_order_acquire)) return false;
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return generation_ > generation || !live_ || stop_; });
  return true;
}

void GenerationListener::Saw(int64_t generation) {
  {
    std::lock_guard lock(mu_);
    if (generation <= generation_) return;
    generation_ = generation;
  }
  cv_.notify_all();
}

int64_t GenerationListener::Known() {
  std::lock_guard lock(mu_);
  return generation_;
}

bool GenerationListener::Sleep(int ms) {
  pollfd p{wake_[0], POLLIN, 0};
  (void)poll(&p, wake_[0] >= 0 ? 1 : 0, ms);
  return !stop_;
}

void GenerationListener::Run() {
  while (!stop_) {
    if (live_.exchange(false)) {
      std::lock_guard lock(mu_);  // waiters see !live_ and go back to polling
    }
    cv_.notify_all();
    Result<std::unique_ptr<pg::Conn>> conn = pg::Conn::Open(conninfo_);
    if (!conn.ok() || !(*conn)->Exec("LISTEN vetted_generation").ok()) {
      if (!Sleep(250)) return;
      continue;
    }
    // Read after LISTEN: a change committed in between is both read here and notified. Notifications
    // reach every listener of the database: only those naming this store's schema count.
    Result<pg::Rows> now =
        (*conn)->Query("SELECT value, current_schema()::text FROM meta WHERE key = 'generation'");
    if (!now.ok() || now->empty()) {
      if (!Sleep(250)) return;
      continue;
    }
    Saw(now->Int(0, 0));
    const std::string schema = now->Text(0, 1);
    live_ = true;
    PGconn* raw = (*conn)->raw();
    while (!stop_) {
      pollfd fds[2] = {{PQsocket(raw), POLLIN, 0}, {wake_[0], POLLIN, 0}};
      int n = poll(fds, wake_[0] >= 0 ? 2 : 1, 1000);
      if (stop_) return;
      if (n < 0 && errno != EINTR) break;
      if (PQconsumeInput(raw) == 0 || PQstatus(raw) != CONNECTION_OK) break;  // the server went away
      while (PGnotify* note = PQnotifies(raw)) {
        std::string_view payload = note->extra;  // "<schema> <generation>"
        size_t space = payload.rfind(' ');
        if (space != std::string_view::npos && payload.substr(0, space) == schema)
          Saw(std::strtoll(note->extra + space + 1, nullptr, 10));
        PQfreemem(note);
      }
      if (n == 0) {
        // Quiet for a second: make sure the connection still answers (a
        // server that vanished without closing it would otherwise look live).
        Result<pg::Rows> ping = (*conn)->Query("SELECT value FROM meta WHERE key = 'generation'");
        if (!ping.ok() || ping->empty()) break;
        Saw(ping->Int(0, 0));
      }
    }
  }
}

PostgresStore::PostgresStore(const std::string& conninfo, const PostgresOptions& options)
    : clock_(options.clock),
      pool_(conninfo, kMaxConnections, options.durable ? "" : "SET synchronous_commit = off"),
      listener_(conninfo),
      read_pool_(options.read_conninfo.empty()
                     ? nullptr
                     : std::make_unique<pg::Pool>(options.read_conninfo, kMaxConnections)),
      replica_wait_(options.replica_wait),
      accounts_(MakePostgresAccounts(&pool_)),
      workflow_(MakePostgresWorkflow(&pool_, clock_)),
      limits_(MakePostgresLimits(&pool_)) {}

PostgresStore::~PostgresStore() = default;

namespace {
int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

std::optional<pg::Pool::Lease> PostgresStore::CaughtUpReplica() {
  if (SteadyMs() < replica_retry_at_.load(std::memory_order_relaxed)) {
    primary_reads_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  // Every generation this process has served came through listener_ (its
  // own imports, Generation(), notifications): the replica must have it.
  const int64_t needed = listener_.Known();
  const int64_t deadline = SteadyMs() + replica_wait_.count();
  for (bool waited = false;; waited = true) {
    {
      Result<pg::Pool::Lease> lease = read_pool_->Acquire();
      if (!lease.ok()) {
        ReplicaFailed();
        break;
      }
      // A standby's view only moves forward: what this query sees, later reads on it see too.
      Result<pg::Rows> generation = (*lease)->Query("SELECT value FROM meta WHERE key = 'generation'");
      if (!generation.ok() || generation->empty()) {
        ReplicaFailed();
        break;
      }
      replica_reachable_.store(true, std::memory_order_relaxed);
      if (generation->Int(0, 0) >= needed) {
        replica_reads_.fetch_add(1, std::memory_order_relaxed);
        if (waited) replica_waited_.fetch_add(1, std::memory_order_relaxed);
        std::optional<pg::Pool::Lease> out;
        out.emplace(std::move(*lease));
        return out;
      }
    }
    if (SteadyMs() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  primary_reads_.fetch_add(1, std::memory_order_relaxed);
  return std::nullopt;
}

void PostgresStore::ReplicaFailed() {
  read_pool_->DropIdle();  // one failed: the others are to the same server
  replica_reachable_.store(false, std::memory_order_relaxed);
  replica_retry_at_.store(SteadyMs() + 1000, std::memory_order_relaxed);
}

bool PostgresStore::ReplicaCounts(ReplicaReads* out) const {
  if (read_pool_ == nullptr) return false;
  out->replica = replica_reads_.load(std::memory_order_relaxed);
  out->waited = replica_waited_.load(std::memory_order_relaxed);
  out->primary = primary_reads_.load(std::memory_order_relaxed);
  out->reachable = replica_reachable_.load(std::memory_order_relaxed);
  return true;
}

Result<int64_t> PostgresStore::Generation() {
  Result<pg::Pool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  Result<pg::Rows> rows = (*conn)->Query("SELECT value FROM meta WHERE key = 'generation'");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::Io("postgresql: generation missing");
  listener_.Saw(rows->Int(0, 0));
  return rows->Int(0, 0);
}

Result<Snapshot> PostgresStore::Load() {
  return Read<Snapshot>([](pg::Conn& conn) -> Result<Snapshot> {
    // One consistent view for all three reads.
    pg::Transaction tx(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!tx.status().ok()) return tx.status();
    Result<Snapshot> snapshot = LoadOn(conn);
    if (snapshot.ok()) {
      if (Status s = tx.Commit(); !s.ok()) return s;
    }
    return snapshot;
  });
}

Result<Snapshot> LoadOn(pg::Conn& conn) {
  Snapshot snapshot;
  Result<pg::Rows> generation = conn.Query("SELECT value FROM meta WHERE key = 'generation'");
  if (!generation.ok()) return generation.status();
  if (generation->empty()) return Status::Io("postgresql: generation missing");
  snapshot.generation = generation->Int(0, 0);
  Result<pg::Rows> files = conn.Query("SELECT path, bytes FROM files");
  if (!files.ok()) return files.status();
  Result<pg::Rows> articles = conn.Query(
      "SELECT a.path, r.bytes FROM articles a JOIN revisions r ON r.id = a.current_revision WHERE "
      "a.published");
  if (!articles.ok()) return articles.status();
  snapshot.files.reserve(static_cast<size_t>(files->size() + articles->size()));
  for (int i = 0; i < files->size(); ++i) snapshot.files.push_back({files->Text(i, 0), files->Text(i, 1)});
  for (int i = 0; i < articles->size(); ++i)
    snapshot.files.push_back({articles->Text(i, 0), articles->Text(i, 1)});
  // Sorted by bytes, as the other backends (a collation-independent order).
  std::sort(snapshot.files.begin(), snapshot.files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return snapshot;
}

}  // namespace postgres

int PostgresSchemaVersion() {
  return static_cast<int>(postgres::kMigrations.size());
}

Result<int> PostgresDatabaseVersion(const std::string& conninfo) {
  Result<std::unique_ptr<pg::Conn>> conn = pg::Conn::Open(conninfo);
  if (!conn.ok()) return conn.status();
  return postgres::DatabaseVersion(**conn);
}

Result<std::unique_ptr<Store>> OpenPostgres(const std::string& conninfo, const PostgresOptions& options) {
  Result<std::unique_ptr<pg::Conn>> conn = pg::Conn::Open(conninfo);
  if (!conn.ok()) return conn.status();
  if (!options.create) {
    Result<int> version = postgres::DatabaseVersion(**conn);
    if (!version.ok()) return version.status();
    if (*version == 0) return Status::NotFound("postgresql: the database has no vetted site yet");
  }
  if (Status s = postgres::Migrate(**conn); !s.ok()) return s;
  return std::unique_ptr<Store>(std::make_unique<postgres::PostgresStore>(conninfo, options));
}

}  // namespace vetted::store
