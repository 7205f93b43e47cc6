// store/: opening a Store by its address. Part of the store's front door
// (with store.h); built as its own target (vetted_store_open) because it links
// every backend.
//
// Addresses:
//   sqlite:PATH        the SQLite database file at PATH (store/sqlite/)
//   PATH               the same (a plain path: anything without a scheme)
//   memory:            a new, empty in-memory store of its own (store/memory/)
//   memory:NAME        the process-wide in-memory store NAME, shared by every
//                      Open of that name until the process exits
//   postgresql://...   (also postgres://) a PostgreSQL database, as a libpq
//                      connection URI (store/postgres/)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"
#include "util/util.h"

namespace vetted::store {

struct OpenOptions {
  // true: a missing store is created (empty). false: it must exist already
  // (what `serve`, `export` and `feedback export` want): kNotFound otherwise.
  bool create = true;
  // Each write is durable when it returns (store.h). Only benchmarks and
  // tests that measure the difference turn it off (SQLite: synchronous=NORMAL
  // instead of FULL). The memory backend ignores it.
  bool durable = true;
  // What "now" is for the store's timestamps (a revision's created_at). Must
  // outlive the store; tests pass a util::FixedClock.
  const util::Clock* clock = &util::SystemClock();
  // A read replica's address (`vetted serve --db-read`): only for a
  // postgresql:// store (kInvalid otherwise); see PostgresOptions::read_conninfo.
  std::string read_address{};
};

// Opens the store at `address` (see above). kInvalid for an empty or
// malformed address, an unknown scheme (the message names the accepted
// forms) or a backend that is not built in; kNotFound when `options.create`
// is false and the store does not exist; otherwise the backend's own errors
// (SQLite: kIo when the file cannot be opened, kInvalid when its schema is
// newer than this program). Thread-safe.
Result<std::unique_ptr<Store>> Open(const std::string& address, const OpenOptions& options = {});

// The schema of the store at an address, as `vetted migrate --status` shows it.
struct SchemaVersions {
  std::string backend;  // "sqlite" | "postgresql"
  int database = 0;     // the store's schema version (0: never migrated)
  int program = 0;      // the version this program migrates to
};

// Reads the schema version of the store at `address` without changing
// anything. kInvalid for a memory: address (it has no schema) or a bad
// address; kNotFound when there is no SQLite file; kIo when it cannot be read.
Result<SchemaVersions> SchemaStatus(const std::string& address);

}  // namespace vetted::store

namespace vetted::store {

// What CopyStore copied: rows per table, in the order copied.
struct CopyReport {
  std::vector<std::pair<std::string, int64_t>> tables;
  int64_t indexed = 0;  // articles indexed for search on the destination
};

// Copies the whole site in `from` into `to` (SQLite or PostgreSQL, either
// direction): content and its revisions, feedback, accounts and sessions, the
// newsroom's workflow and audit log, row ids included; the search index is
// rebuilt on `to` through its own indexing; sequences continue after the
// copied ids. Reads one snapshot of `from`; writes in one transaction on `to`
// (all or nothing). kInvalid when either store is not a SQL store (memory:),
// when `from` has a table this program does not know how to copy, or when
// `to` is not empty (nothing is changed); kIo when a backend fails.
Result<CopyReport> CopyStore(Store& from, Store& to);

}  // namespace vetted::store
