#include "store/postgres/pg.h"

#include <cstdio>
#include <cstring>

namespace vetted::store::pg {
namespace {

// Type OIDs (pg_type.h), fixed since PostgreSQL 7.
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701;

uint64_t BigEndian(const char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string FirstLine(std::string_view sql) {
  size_t start = sql.find_first_not_of(" \n\t");
  if (start == std::string_view::npos) return "";
  sql.remove_prefix(start);
  size_t nl = sql.find('\n');
  std::string line(sql.substr(0, nl));
  if (line.size() > 80) line = line.substr(0, 77) + "...";
  return line;
}

std::string Trimmed(const char* message) {
  std::string m = message != nullptr ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

Status ResultError(PGconn* conn, PGresult* result, std::string_view sql) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = Trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  if (message.empty()) message = Trimmed(PQerrorMessage(conn));
  std::string out = "postgresql: " + FirstLine(sql) + ": " + message;
  if (state != nullptr && *state != '\0') out += std::string(" [") + state + "]";
  // disk_full: the database server has no room for the write (HTTP 503 with the newsroom's message).
  if (state != nullptr && std::string_view(state) == "53100") return Status::Exhausted(out);
  return Status::Io(out);
}

}  // namespace

void Params::Push(const char* data, int length, int format, Oid type) {
  values_.push_back(data);
  lengths_.push_back(length);
  formats_.push_back(format);
  types_.push_back(type);
}

void Params::Add(std::string_view v) {
  // Binary format: the exact bytes, with their length (an empty string needs a non-null pointer).
  Push(v.data() != nullptr ? v.data() : "", static_cast<int>(v.size()), 1, 0);
}

void Params::Add(Bytes v) {
  Push(v.bytes.data() != nullptr ? v.bytes.data() : "", static_cast<int>(v.bytes.size()), 1, kBytea);
}

void Params::Add(int64_t v) {
  owned_.push_back(std::make_unique<std::string>(std::to_string(v)));
  Push(owned_.back()->c_str(), 0, 0, 0);
}

void Params::Add(bool v) {
  Push(v ? "true" : "false", 0, 0, 0);
}

void Params::Add(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  owned_.push_back(std::make_unique<std::string>(buf));
  Push(owned_.back()->c_str(), 0, 0, 0);
}

void Params::Add(std::nullptr_t) {
  Push(nullptr, 0, 0, 0);
}

int64_t Rows::affected() const {
  const char* n = result_ ? PQcmdTuples(result_.get()) : "";
  return n != nullptr && *n != '\0' ? std::strtoll(n, nullptr, 10) : 0;
}

int64_t Rows::Int(int row, int col) const {
  PGresult* r = result_.get();
  if (PQgetisnull(r, row, col)) return 0;
  const char* p = PQgetvalue(r, row, col);
  switch (PQftype(r, col)) {
    case kBool:
      return p[0] != 0 ? 1 : 0;
    case kInt2:
      return static_cast<int16_t>(BigEndian(p, 2));
    case kInt4:
      return static_cast<int32_t>(BigEndian(p, 4));
    case kInt8:
      return static_cast<int64_t>(BigEndian(p, 8));
    default:
      return 0;
  }
}

double Rows::Double(int row, int col) const {
  PGresult* r = result_.get();
  if (PQgetisnull(r, row, col)) return 0;
  const char* p = PQgetvalue(r, row, col);
  switch (PQftype(r, col)) {
    case kFloat4: {
      uint32_t bits = static_cast<uint32_t>(BigEndian(p, 4));
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return f;
    }
    case kFloat8: {
      uint64_t bits = BigEndian(p, 8);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return d;
    }
    default:
      return static_cast<double>(Int(row, col));
  }
}

std::string_view Rows::View(int row, int col) const {
  PGresult* r = result_.get();
  if (PQgetisnull(r, row, col)) return {};
  return std::string_view(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
}

Result<std::unique_ptr<Conn>> Conn::Open(const std::string& conninfo) {
  // A connect_timeout unless the address sets one (later parameters win: the
  // expanded address comes last): a server that is unreachable must not
  // hold a request (or the reload poller) forever.
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"5", conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status::Io("postgresql: out of memory opening a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    Status s = Status::Io("postgresql: cannot connect: " + Trimmed(PQerrorMessage(conn)));
    PQfinish(conn);
    return s;
  }
  std::unique_ptr<Conn> out(new Conn(conn));
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  if (Status s = out->Exec("SET client_min_messages = warning"); !s.ok()) return s;
  return out;
}

Conn::~Conn() {
  PQfinish(conn_);
}

Status Conn::Exec(const std::string& sql) {
  PGresult* result = PQexec(conn_, sql.c_str());
  ExecStatusType st = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  Status out = Status::Ok();
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) out = ResultError(conn_, result, sql);
  if (space_ != nullptr) Saw(sql, result, out);
  PQclear(result);
  return out;
}

Result<Rows> Conn::Run(const char* sql, const Params& params) {
  PGresult* result = PQexecParams(conn_, sql, params.size(), params.types(), params.values(),
                                  params.lengths(), params.formats(), /*resultFormat=*/1);
  ExecStatusType st = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    Status s = ResultError(conn_, result, sql);
    if (space_ != nullptr) Saw(sql, result, s);
    PQclear(result);
    return s;
  }
  if (space_ != nullptr) Saw(sql, result, Status::Ok());
  return Rows(result);
}

void Conn::Saw(std::string_view sql, PGresult* result, const Status& status) {
  if (!status.ok()) {
    if (status.code() == Code::kExhausted) space_->Failed(sql);
  } else if (space_->Full()) {
    const char* tag = result != nullptr ? PQcmdStatus(result) : nullptr;
    if (tag != nullptr && std::string_view(tag).starts_with("ROLLBACK"))  // also a COMMIT of a failed block
      room_for_ = 0;
    else if (uint64_t failure = space_->Awaited(sql); failure != 0)
      room_for_ = failure;
  }
  if (InTransaction()) return;
  // Idle again: the statement alone, or its transaction, has ended.
  if (status.ok() && room_for_ != 0) space_->Committed(room_for_);
  room_for_ = 0;
}

bool Conn::Broken() const {
  return PQstatus(conn_) != CONNECTION_OK;
}

bool Conn::InTransaction() const {
  return PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

void SpaceWatch::Failed(std::string_view sql) {
  std::lock_guard lock(mu_);
  ++failures_;
  last_.assign(sql);
  full_.store(true, std::memory_order_release);
}

uint64_t SpaceWatch::Awaited(std::string_view sql) {
  std::lock_guard lock(mu_);
  return full_.load(std::memory_order_relaxed) && sql == last_ ? failures_ : 0;
}

void SpaceWatch::Committed(uint64_t failure) {
  std::lock_guard lock(mu_);
  if (failure == failures_) full_.store(false, std::memory_order_release);
}

std::string SqlState(const Status& status) {
  const std::string& m = status.message();
  if (m.size() < 8 || m.back() != ']') return "";
  size_t open = m.rfind('[');
  if (open == std::string::npos || m.size() - open != 7) return "";
  return m.substr(open + 1, 5);
}

Transaction::Transaction(Conn& conn, const char* begin) : conn_(conn) {
  status_ = conn_.Exec(begin);
  open_ = status_.ok();
}

Transaction::~Transaction() {
  if (open_) (void)conn_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (!open_) return status_.ok() ? Status::Internal("postgresql: transaction already ended") : status_;
  open_ = false;
  status_ = conn_.Exec("COMMIT");
  if (status_.ok() && conn_.InTransaction())
    status_ = Status::Io("postgresql: COMMIT left a transaction open");
  return status_;
}

Pool::Pool(std::string conninfo, size_t max_open, std::string on_connect)
    : conninfo_(std::move(conninfo)), max_open_(max_open), on_connect_(std::move(on_connect)) {}

Pool::~Pool() {
  for (Conn* c : idle_) delete c;
}

Result<Pool::Lease> Pool::Acquire() {
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_open_; });
    if (!idle_.empty()) {
      Conn* c = idle_.back();
      idle_.pop_back();
      return Lease(this, c);
    }
    ++open_;
  }
  Result<std::unique_ptr<Conn>> conn = Conn::Open(conninfo_);
  if (conn.ok()) (*conn)->Watch(&space_);
  if (conn.ok() && !on_connect_.empty()) {
    if (Status s = (*conn)->Exec(on_connect_); !s.ok()) conn = s;
  }
  if (!conn.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    cv_.notify_one();
    return conn.status();
  }
  return Lease(this, conn->release());
}

void Pool::Release(Conn* conn) {
  bool keep = !conn->Broken() && !conn->InTransaction();
  std::lock_guard lock(mu_);
  if (keep) {
    idle_.push_back(conn);
  } else {
    delete conn;
    --open_;
  }
  cv_.notify_one();
}

void Pool::DropIdle() {
  std::vector<Conn*> idle;
  {
    std::lock_guard lock(mu_);
    idle.swap(idle_);
    open_ -= idle.size();
  }
  for (Conn* conn : idle) delete conn;
  cv_.notify_all();
}

}  // namespace vetted::store::pg
