// store/sqlite/: the Store on SQLite (WAL mode, versioned migrations, FTS5).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace vetted::store {

struct SqliteOptions {
  // synchronous=FULL: a committed transaction survives power loss. Only
  // benchmarks and tests that measure the difference turn it off.
  bool durable = true;
};

// Opens (creating when missing) the database at `path` (":memory:" is not
// supported: the server needs several connections) and migrates it to the
// newest schema version. kIo when it cannot be opened or written; kInvalid
// when its schema version is newer than this binary knows.
Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const SqliteOptions& options = {});

// The schema version this binary migrates to.
int SqliteSchemaVersion();

}  // namespace vetted::store
