// store/postgres/: the Store on PostgreSQL (libpq; versioned forward-only
// migrations under an advisory lock; full-text search on tsvector). Usually
// reached through store::Open("postgresql://...") (store/open.h); this is the
// only target that links libpq.
//
// Durability: every write is one transaction committed before the method
// returns, with the server's synchronous_commit on (it survives a crash of
// the server or of vetted), unless PostgresOptions::durable is off.
// Several vetted processes may share one database: every write is a
// transaction of its own and the content generation lives in the database.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "store/store.h"
#include "util/util.h"

namespace vetted::store {

struct PostgresOptions {
  // false: synchronous_commit = off (a commit may be lost if the server
  // crashes). Only benchmarks that measure the difference turn it off.
  bool durable = true;
  // false: a database that vetted never migrated is kNotFound instead of
  // being given the schema.
  bool create = true;
  // What "now" is for a revision's created_at; must outlive the store.
  const util::Clock* clock = &util::SystemClock();
  // A streaming replica of the same database (a libpq address), or empty.
  // Page loads (Load, ChangesSince), searches and related articles are read
  // there once it has replayed every generation this store has seen (from its
  // own writes, Generation() or a notification), so a reader never sees older
  // content than the node served before; the store waits up to
  // `replica_wait` for it to catch up, then reads the primary. Everything
  // else (writes, the newsroom, accounts) goes to the primary.
  std::string read_conninfo{};
  std::chrono::milliseconds replica_wait{250};
};

// Opens the database at `conninfo` (a libpq connection URI or key=value
// string, e.g. "postgresql://vetted@db.example/site" or
// "postgresql:///site?host=/run/postgresql") and migrates it to the newest
// schema version, holding an advisory lock so that nodes starting together
// migrate once. kIo when it cannot connect; kNotFound when !options.create
// and the database has no vetted schema; kInvalid when the database's schema
// is newer than this program.
Result<std::unique_ptr<Store>> OpenPostgres(const std::string& conninfo, const PostgresOptions& options = {});

// The schema version this binary migrates to.
int PostgresSchemaVersion();

// The schema version of the database at `conninfo` (0: never migrated),
// without changing it. kIo when it cannot connect.
Result<int> PostgresDatabaseVersion(const std::string& conninfo);

}  // namespace vetted::store
