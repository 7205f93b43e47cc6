// store/sqlite/: small RAII helpers over the sqlite3 C API used by the SQLite
// backend's own files (not by search.cc, which sees only internal.h).
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/status.h"

namespace vetted::store::sqlite {

// kIo "sqlite: <what>: <sqlite message>"; kExhausted when the last error of
// `db` was for lack of space (see OutOfSpace).
Status SqlError(sqlite3* db, std::string_view what);

// Whether the last error of `db` says the disk is full: SQLITE_FULL, or an
// I/O error whose errno is ENOSPC or EDQUOT (growing the WAL index, an fsync).
bool OutOfSpace(sqlite3* db);

// Sets *flag whenever an error of `db` is OutOfSpace (SqlError, Exec); the
// flag must outlive the connection, or be unwatched (flag nullptr) before it
// goes (CloseConnection unwatches). Clearing it is the owner's business.
void WatchSpace(sqlite3* db, std::atomic<bool>* flag);

// Runs one or more statements that return no rows.
Status Exec(sqlite3* db, const char* sql);

// Opens a connection in multi-thread mode and sets its per-connection pragmas
// (busy_timeout 5 s, foreign_keys on, synchronous FULL or NORMAL).
Result<sqlite3*> OpenConnection(const std::string& path, bool durable, bool create);

// Finalizes the connection's cached statements and closes it.
void CloseConnection(sqlite3* db);

// Bytes bound as a BLOB rather than TEXT.
struct Blob {
  std::string_view bytes;
};

// A cached statement (see CachedStatement) with typed binding and reading;
// reset when the Query goes out of scope. Bound strings must outlive Next/Run.
class Query {
 public:
  Query(sqlite3* db, const char* sql);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Binds parameters 1..n in order.
  template <typename... Args>
  Query& Bind(const Args&... args) {
    int i = 0;
    (BindOne(++i, args), ...);
    return *this;
  }
  // Steps once: true with a row; false when done or failed (then status()).
  bool Next();
  // Steps to completion and resets, ready for new bindings.
  Status Run();
  // Resets to run again with new bindings.
  void Reset();
  const Status& status() const { return status_; }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string_view View(int col) const;
  std::string Text(int col) const { return std::string(View(col)); }

 private:
  void BindOne(int i, std::string_view v);
  void BindOne(int i, const std::string& v) { BindOne(i, std::string_view(v)); }
  void BindOne(int i, const char* v) { BindOne(i, std::string_view(v)); }
  void BindOne(int i, Blob v);
  void BindOne(int i, int64_t v);
  void BindOne(int i, double v);
  void BindOne(int i, int v) { BindOne(i, static_cast<int64_t>(v)); }
  void BindOne(int i, bool v) { BindOne(i, static_cast<int64_t>(v ? 1 : 0)); }
  void BindOne(int i, std::nullptr_t);
  void Check(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

// A transaction on one connection: BEGIN (IMMEDIATE for writers) now,
// ROLLBACK in the destructor unless Commit succeeded.
class Transaction {
 public:
  Transaction(sqlite3* db, bool write);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  const Status& status() const { return status_; }
  Status Commit();

 private:
  sqlite3* db_;
  bool open_ = false;
  Status status_;
};

}  // namespace vetted::store::sqlite
