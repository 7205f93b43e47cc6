// store/sqlite/: the Store on SQLite (WAL mode, versioned migrations, FTS5).
// Usually reached through store::Open("sqlite:PATH") or a plain path
// (store/open.h); this is the only target that links SQLite.
//
// Durability: every write (Import, AddFeedback) is one transaction committed
// with synchronous=FULL before the method returns, so it survives a crash or
// power loss (unless SqliteOptions::durable is off).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"
#include "util/util.h"

namespace vetted::store {

struct SqliteOptions {
  // synchronous=FULL: a committed transaction survives power loss. Only
  // benchmarks and tests that measure the difference turn it off.
  bool durable = true;
  // false: a missing database file is kNotFound instead of being created.
  bool create = true;
  // What "now" is for a revision's created_at; must outlive the store.
  const util::Clock* clock = &util::SystemClock();
};

// Opens (creating when missing, if options.create) the database at `path`
// (":memory:" is not supported: the server needs several connections) and
// migrates it to the newest schema version. kNotFound when the file is
// missing and !options.create; kIo when it cannot be opened or written;
// kInvalid when its schema version is newer than this binary knows.
Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const SqliteOptions& options = {});

// The schema version this binary migrates to.
int SqliteSchemaVersion();

// The schema version of the database file at `path` (0: never migrated),
// read without changing it. kNotFound when there is no such file; kIo when
// it cannot be read.
Result<int> SqliteDatabaseVersion(const std::string& path);

}  // namespace vetted::store
