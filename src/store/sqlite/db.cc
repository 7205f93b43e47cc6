#include "store/sqlite/db.h"

#include <cerrno>
#include <mutex>
#include <unordered_map>

#include "store/sqlite/internal.h"

namespace vetted::store {
namespace {

// Statements cached per connection, keyed by SQL text. A connection is used by
// one thread at a time, so only the registry itself needs the lock.
struct StatementRegistry {
  std::mutex mu;
  std::unordered_map<sqlite3*, std::unordered_map<std::string, sqlite3_stmt*>> by_db;
};

StatementRegistry& Registry() {
  static StatementRegistry* registry = new StatementRegistry();
  return *registry;
}

// The flags of WatchSpace, by connection; looked up on errors only.
struct SpaceWatch {
  std::mutex mu;
  std::unordered_map<sqlite3*, std::atomic<bool>*> flags;
};

SpaceWatch& Watches() {
  static SpaceWatch* watch = new SpaceWatch();
  return *watch;
}

// The error of `db` as a Status: kExhausted (and the watcher told) when the
// disk is full, else kIo.
Status ErrorStatus(sqlite3* db, std::string message) {
  if (!sqlite::OutOfSpace(db)) return Status::Io(std::move(message));
  SpaceWatch& watch = Watches();
  {
    std::lock_guard lock(watch.mu);
    auto it = watch.flags.find(db);
    if (it != watch.flags.end()) it->second->store(true, std::memory_order_release);
  }
  return Status::Exhausted(message + " (SQLITE_FULL: no space left on the database's disk)");
}

}  // namespace

sqlite3_stmt* CachedStatement(sqlite3* db, const char* sql) {
  StatementRegistry& reg = Registry();
  {
    std::lock_guard lock(reg.mu);
    auto& cache = reg.by_db[db];
    auto it = cache.find(sql);
    if (it != cache.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return nullptr;
  }
  std::lock_guard lock(reg.mu);
  reg.by_db[db].emplace(sql, stmt);
  return stmt;
}

namespace sqlite {

Status SqlError(sqlite3* db, std::string_view what) {
  return ErrorStatus(db, "sqlite: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

bool OutOfSpace(sqlite3* db) {
  int code = sqlite3_extended_errcode(db);
  if ((code & 0xff) == SQLITE_FULL) return true;
  if ((code & 0xff) != SQLITE_IOERR) return false;
  int err = sqlite3_system_errno(db);
  return err == ENOSPC || err == EDQUOT;
}

void WatchSpace(sqlite3* db, std::atomic<bool>* flag) {
  SpaceWatch& watch = Watches();
  std::lock_guard lock(watch.mu);
  if (flag != nullptr)
    watch.flags[db] = flag;
  else
    watch.flags.erase(db);
}

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err != nullptr ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    return ErrorStatus(db, std::string("sqlite: ") + message);
  }
  return Status::Ok();
}

Result<sqlite3*> OpenConnection(const std::string& path, bool durable, bool create) {
  if (path.empty() || path == ":memory:" || path.starts_with("file::memory:")) {
    return Status::Invalid("sqlite: an in-memory database is not supported");
  }
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Status status = Status::Io("sqlite: cannot open " + path + ": " + sqlite3_errmsg(db));
    sqlite3_close(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  Status status = Exec(db, "PRAGMA foreign_keys = ON");
  if (status.ok() && RegisterSpellingTokenizer(db) != SQLITE_OK)
    status = SqlError(db, "register the spelling tokenizer");
  if (status.ok()) status = Exec(db, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  if (!status.ok()) {
    sqlite3_close(db);
    return status;
  }
  return db;
}

void CloseConnection(sqlite3* db) {
  if (db == nullptr) return;
  StatementRegistry& reg = Registry();
  std::unordered_map<std::string, sqlite3_stmt*> cache;
  {
    std::lock_guard lock(reg.mu);
    auto it = reg.by_db.find(db);
    if (it != reg.by_db.end()) {
      cache = std::move(it->second);
      reg.by_db.erase(it);
    }
  }
  for (auto& [sql, stmt] : cache) sqlite3_finalize(stmt);
  WatchSpace(db, nullptr);
  sqlite3_close_v2(db);
}

Query::Query(sqlite3* db, const char* sql) : db_(db), stmt_(CachedStatement(db, sql)) {
  if (stmt_ == nullptr) status_ = SqlError(db, std::string("prepare ") + std::string(sql).substr(0, 60));
}

Query::~Query() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Query::Check(int rc) {
  if (rc != SQLITE_OK && status_.ok()) status_ = SqlError(db_, "bind");
}

void Query::BindOne(int i, std::string_view v) {
  if (stmt_ != nullptr) Check(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8));
}

void Query::BindOne(int i, Blob v) {
  if (stmt_ != nullptr) Check(sqlite3_bind_blob64(stmt_, i, v.bytes.data(), v.bytes.size(), SQLITE_STATIC));
}

void Query::BindOne(int i, int64_t v) {
  if (stmt_ != nullptr) Check(sqlite3_bind_int64(stmt_, i, v));
}

void Query::BindOne(int i, double v) {
  if (stmt_ != nullptr) Check(sqlite3_bind_double(stmt_, i, v));
}

void Query::BindOne(int i, std::nullptr_t) {
  if (stmt_ != nullptr) Check(sqlite3_bind_null(stmt_, i));
}

bool Query::Next() {
  if (!status_.ok()) return false;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE)
    status_ = SqlError(db_, std::string("step ") + std::string(sqlite3_sql(stmt_)).substr(0, 60));
  return false;
}

Status Query::Run() {
  while (Next()) {
  }
  Status result = status_;
  Reset();
  return result;
}

void Query::Reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  status_ = Status::Ok();
}

std::string_view Query::View(int col) const {
  const char* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p == nullptr ? std::string_view() : std::string_view(p, static_cast<size_t>(n));
}

Transaction::Transaction(sqlite3* db, bool write) : db_(db) {
  status_ = Exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN");
  open_ = status_.ok();
}

Transaction::~Transaction() {
  if (open_) Exec(db_, "ROLLBACK");
}

Status Transaction::Commit() {
  if (!open_) return status_.ok() ? Status::Internal("sqlite: transaction not open") : status_;
  Status status = Exec(db_, "COMMIT");
  if (!status.ok()) return status;
  open_ = false;
  return Status::Ok();
}

}  // namespace sqlite
}  // namespace vetted::store
