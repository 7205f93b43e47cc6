#include "store/postgres/postgres_store.h"

#include <algorithm>

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

PostgresStore::PostgresStore(const std::string& conninfo, const PostgresOptions& options)
    : clock_(options.clock),
      pool_(conninfo, kMaxConnections, options.durable ? "" : "SET synchronous_commit = off"),
      accounts_(MakePostgresAccounts(&pool_)),
      workflow_(MakePostgresWorkflow(&pool_, clock_)),
      limits_(MakePostgresLimits(&pool_)) {}

PostgresStore::~PostgresStore() = default;

Result<int64_t> PostgresStore::Generation() {
  Result<pg::Pool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  Result<pg::Rows> rows = (*conn)->Query("SELECT value FROM meta WHERE key = 'generation'");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::Io("postgresql: generation missing");
  return rows->Int(0, 0);
}

Result<Snapshot> PostgresStore::Load() {
  Result<pg::Pool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  // One consistent view for all three reads.
  pg::Transaction tx(**conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!tx.status().ok()) return tx.status();
  Result<Snapshot> snapshot = LoadOn(**conn);
  if (snapshot.ok()) {
    if (Status s = tx.Commit(); !s.ok()) return s;
  }
  return snapshot;
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
