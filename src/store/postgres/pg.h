// store/postgres/: small RAII helpers over libpq used by the PostgreSQL
// backend's own files: a connection, parameterised queries with binary
// results, a transaction and a pool of connections.
//
// Parameters: strings are sent in binary format (their exact bytes; the
// server refuses invalid UTF-8 or a NUL byte with an error, never truncates),
// Bytes as bytea, integers and bools as text. Results come back in binary
// format and are read by the column's type (int2/4/8, bool, float4/8, text,
// varchar, bytea): cast anything else (numeric, timestamptz) in the SQL.
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace vetted::store::pg {

// Bytes bound as bytea rather than text.
struct Bytes {
  std::string_view bytes;
};

// The parameters of one query, kept alive until it has run.
class Params {
 public:
  template <typename... Args>
  explicit Params(const Args&... args) {
    (Add(args), ...);
  }
  void Add(std::string_view v);
  void Add(const std::string& v) { Add(std::string_view(v)); }
  void Add(const char* v) { Add(std::string_view(v)); }
  void Add(Bytes v);
  void Add(int64_t v);
  void Add(int v) { Add(static_cast<int64_t>(v)); }
  void Add(size_t v) { Add(static_cast<int64_t>(v)); }
  void Add(bool v);
  void Add(double v);
  void Add(std::nullptr_t);

  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }
  const Oid* types() const { return types_.data(); }

 private:
  void Push(const char* data, int length, int format, Oid type);

  std::vector<std::unique_ptr<std::string>> owned_;  // text forms of numbers
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<Oid> types_;
};

// The rows a query returned (binary format).
class Rows {
 public:
  Rows() = default;
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}
  int size() const { return result_ ? PQntuples(result_.get()) : 0; }
  bool empty() const { return size() == 0; }
  // Rows changed by an INSERT/UPDATE/DELETE.
  int64_t affected() const;
  bool IsNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  // int2/int4/int8/bool as an integer (0 for NULL).
  int64_t Int(int row, int col) const;
  // float4/float8 or any integer type as a double.
  double Double(int row, int col) const;
  // text, varchar or bytea as its bytes ("" for NULL).
  std::string_view View(int row, int col) const;
  std::string Text(int row, int col) const { return std::string(View(row, col)); }

 private:
  std::shared_ptr<PGresult> result_;
};

// Whether the server has had no room for a write: set when a statement
// fails with kExhausted (SQLSTATE 53100 disk_full), cleared when the
// statement that failed so most recently succeeds again and its transaction
// (or the statement alone) commits. Not any commit: while the disk is full a
// write that fits in a page's free space (an UPDATE, an INSERT into a page
// with room) still succeeds, so a commit alone does not say there is room.
// A statement is known by its SQL text. Thread-safe; Full is an atomic load.
class SpaceWatch {
 public:
  bool Full() const { return full_.load(std::memory_order_acquire); }
  // `sql` failed for lack of space.
  void Failed(std::string_view sql);
  // While Full: the number of the failure that `sql` succeeding answers (it is
  // the statement that failed last), or 0.
  uint64_t Awaited(std::string_view sql);
  // A transaction in which Awaited said `failure` has committed: clears Full
  // unless another statement has failed since.
  void Committed(uint64_t failure);

 private:
  std::atomic<bool> full_{false};
  std::mutex mu_;
  uint64_t failures_ = 0;  // guarded by mu_
  std::string last_;       // guarded by mu_: the SQL that failed last
};

// One connection. Not thread-safe: one user at a time (see Pool).
class Conn {
 public:
  // kIo naming the server's message when it cannot connect.
  static Result<std::unique_ptr<Conn>> Open(const std::string& conninfo);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Runs one or more statements without parameters (schema steps, BEGIN).
  Status Exec(const std::string& sql);

  // Runs one statement with parameters; kIo "postgresql: <first line of
  // sql>: <message> [SQLSTATE]" when it fails (kExhausted when the server
  // has no room for it: SQLSTATE 53100 disk_full).
  template <typename... Args>
  Result<Rows> Query(const char* sql, const Args&... args) {
    Params params(args...);
    return Run(sql, params);
  }
  Result<Rows> Run(const char* sql, const Params& params);

  // The connection is no longer usable (the server went away).
  bool Broken() const;
  // Not idle: inside a transaction block, or failed in one.
  bool InTransaction() const;
  PGconn* raw() const { return conn_; }
  // Reports failures for lack of space, and commits after them, to `watch`
  // (which outlives the connection); nullptr: to nobody (the default).
  void Watch(SpaceWatch* watch) { space_ = watch; }

 private:
  explicit Conn(PGconn* conn) : conn_(conn) {}
  // After each statement: tells space_ of a failure for lack of space, or of
  // a commit of a statement it awaited.
  void Saw(std::string_view sql, PGresult* result, const Status& status);

  PGconn* conn_;
  SpaceWatch* space_ = nullptr;
  uint64_t room_for_ = 0;  // this transaction ran the statement space_ awaits (its failure's number)
};

// The SQLSTATE a Conn error carries ("23505" for a unique violation), or "".
std::string SqlState(const Status& status);
inline bool IsUniqueViolation(const Status& status) {
  return SqlState(status) == "23505";
}
// A serialization failure or deadlock: the transaction may be retried.
inline bool IsRetryable(const Status& status) {
  std::string state = SqlState(status);
  return state == "40001" || state == "40P01";
}

// BEGIN (or `begin`, e.g. "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
// now; ROLLBACK in the destructor unless Commit succeeded.
class Transaction {
 public:
  explicit Transaction(Conn& conn, const char* begin = "BEGIN");
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  const Status& status() const { return status_; }
  Status Commit();

 private:
  Conn& conn_;
  bool open_ = false;
  Status status_;
};

// Connections opened on demand up to a maximum and reused; a broken one (the
// server restarted) is closed when returned, and a new one opened next time.
class Pool {
 public:
  // `on_connect`: statements run on each new connection (session settings).
  Pool(std::string conninfo, size_t max_open, std::string on_connect = "");
  ~Pool();

  class Lease {
   public:
    Lease(Pool* pool, Conn* conn) : pool_(pool), conn_(conn) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(other.conn_) { other.conn_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_ != nullptr) pool_->Release(conn_);
    }
    Conn& operator*() const { return *conn_; }
    Conn* operator->() const { return conn_; }

   private:
    Pool* pool_;
    Conn* conn_;
  };

  // Waits while all connections are checked out; kIo when a new connection
  // cannot be opened (the server is down).
  Result<Lease> Acquire();
  // Closes the idle connections (their server went away: the next Acquire opens a new one).
  void DropIdle();
  const std::string& conninfo() const { return conninfo_; }
  // Whether this pool's server has had no room for a write (see SpaceWatch).
  const SpaceWatch& space() const { return space_; }

 private:
  void Release(Conn* conn);

  const std::string conninfo_;
  const size_t max_open_;
  const std::string on_connect_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Conn*> idle_;
  size_t open_ = 0;
  SpaceWatch space_;  // every connection of the pool reports to it
};

}  // namespace vetted::store::pg
