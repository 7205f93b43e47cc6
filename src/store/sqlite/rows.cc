// store/sqlite/: RowAccess (store/dump.h) on SQLite, for copying a site
// between backends. Reads hold one read transaction on a pooled reader (one
// snapshot); writes hold the store's writer lock and one BEGIN IMMEDIATE
// transaction until Commit.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/dump.h"
#include "store/sqlite/db.h"
#include "store/sqlite/store_impl.h"

namespace vetted::store::sqlite {
namespace {

// A statement prepared for one use (the copy's SQL is built per table, so it
// stays out of the connection's statement cache).
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
      status_ = SqlError(db, "prepare " + sql.substr(0, 80));
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  const Status& status() const { return status_; }
  sqlite3_stmt* get() const { return stmt_; }
  // One step: SQLITE_ROW, SQLITE_DONE, or an error (then status()).
  int Step() {
    int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) status_ = SqlError(db_, "step");
    return rc;
  }
  Status Bind(int i, const Cell& c) {
    int rc = SQLITE_OK;
    switch (c.kind) {
      case Cell::Kind::kNull:
        rc = sqlite3_bind_null(stmt_, i);
        break;
      case Cell::Kind::kInt:
        rc = sqlite3_bind_int64(stmt_, i, c.i);
        break;
      case Cell::Kind::kText:
        rc = sqlite3_bind_text(stmt_, i, c.s.data(), static_cast<int>(c.s.size()), SQLITE_TRANSIENT);
        break;
      case Cell::Kind::kBytes:
        rc = sqlite3_bind_blob(stmt_, i, c.s.data(), static_cast<int>(c.s.size()), SQLITE_TRANSIENT);
        break;
    }
    return rc == SQLITE_OK ? Status::Ok() : SqlError(db_, "bind");
  }
  Status Run() {
    if (!status_.ok()) return status_;
    int rc = Step();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return rc == SQLITE_DONE ? Status::Ok() : status_;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

// Table names come from our own list or from sqlite_master; quoted anyway.
std::string Quote(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The reads, shared by the reader and the writer.
class Reads {
 public:
  explicit Reads(sqlite3* db) : db_(db) {}

  Result<std::vector<std::string>> TableNames() {
    Stmt q(db_, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    std::vector<std::string> names;
    while (q.Step() == SQLITE_ROW)
      names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 0)));
    if (!q.status().ok()) return q.status();
    return names;
  }

  Result<TableRows> Read(const std::string& table) {
    // WITHOUT ROWID tables have no rowid: their primary key orders them.
    Stmt kind(db_, "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE type = 'table' AND name = ?");
    if (!kind.status().ok()) return kind.status();
    sqlite3_bind_text(kind.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
    if (kind.Step() != SQLITE_ROW) {
      if (!kind.status().ok()) return kind.status();
      return Status::NotFound("sqlite: no table " + table);
    }
    bool without_rowid = sqlite3_column_int(kind.get(), 0) != 0;
    Stmt q(db_, "SELECT * FROM " + Quote(table) + (without_rowid ? " ORDER BY 1" : " ORDER BY rowid"));
    if (!q.status().ok()) return q.status();
    TableRows out;
    int n = sqlite3_column_count(q.get());
    for (int c = 0; c < n; ++c) out.columns.emplace_back(sqlite3_column_name(q.get(), c));
    while (q.Step() == SQLITE_ROW) {
      std::vector<Cell>& row = out.rows.emplace_back();
      row.reserve(n);
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(q.get(), c)) {
          case SQLITE_NULL:
            row.push_back(Cell::Null());
            break;
          case SQLITE_INTEGER:
            row.push_back(Cell::Int(sqlite3_column_int64(q.get(), c)));
            break;
          case SQLITE_TEXT: {
            const char* p = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), c));
            row.push_back(Cell::Text(std::string(p, sqlite3_column_bytes(q.get(), c))));
            break;
          }
          case SQLITE_BLOB: {
            const char* p = static_cast<const char*>(sqlite3_column_blob(q.get(), c));
            int size = sqlite3_column_bytes(q.get(), c);
            row.push_back(Cell::Bytes(size == 0 ? std::string() : std::string(p, size)));
            break;
          }
          default:
            return Status::Invalid("sqlite: " + table + "." + out.columns[c] +
                                   " holds a floating-point value, which no vetted column has");
        }
      }
    }
    if (!q.status().ok()) return q.status();
    return out;
  }

  Result<std::vector<IndexedArticle>> ReadSearch() {
    Stmt q(db_,
           "SELECT rowid, url, section, title, description, headings, tags, body, glossary FROM search "
           "ORDER BY rowid");
    if (!q.status().ok()) return q.status();
    std::vector<IndexedArticle> out;
    auto text = [&](int c) {
      const char* p = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), c));
      return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(q.get(), c));
    };
    while (q.Step() == SQLITE_ROW) {
      IndexedArticle& a = out.emplace_back();
      a.article_id = sqlite3_column_int64(q.get(), 0);
      a.url = text(1);
      a.doc.section = text(2);
      a.doc.title = text(3);
      a.doc.description = text(4);
      a.doc.headings = text(5);
      a.doc.tags = text(6);
      a.doc.body = text(7);
      a.doc.glossary = text(8);
    }
    if (!q.status().ok()) return q.status();
    return out;
  }

 protected:
  sqlite3* db_;
};

class SqliteRowRead : public RowReader, private Reads {
 public:
  explicit SqliteRowRead(ReaderPool::Lease lease)
      : Reads(lease.get()), lease_(std::move(lease)), tx_(db_, /*write=*/false) {}
  const Status& status() const { return tx_.status(); }
  Result<std::vector<std::string>> TableNames() override { return Reads::TableNames(); }
  Result<TableRows> Read(const std::string& table) override { return Reads::Read(table); }
  Result<std::vector<IndexedArticle>> ReadSearch() override { return Reads::ReadSearch(); }

 private:
  ReaderPool::Lease lease_;
  Transaction tx_;
};

class SqliteRowWriter : public RowWriter, private Reads {
 public:
  SqliteRowWriter(std::mutex* mu, sqlite3* db) : Reads(db), lock_(*mu), tx_(db, /*write=*/true) {}
  const Status& status() const { return tx_.status(); }

  Result<std::vector<std::string>> TableNames() override { return Reads::TableNames(); }
  Result<TableRows> Read(const std::string& table) override { return Reads::Read(table); }
  Result<std::vector<IndexedArticle>> ReadSearch() override { return Reads::ReadSearch(); }

  Result<int64_t> Count(const std::string& table) override {
    Stmt q(db_, "SELECT count(*) FROM " + Quote(table));
    if (q.Step() != SQLITE_ROW) return q.status().ok() ? Status::Io("sqlite: count " + table) : q.status();
    return static_cast<int64_t>(sqlite3_column_int64(q.get(), 0));
  }

  Status Clear(const std::string& table) override { return Stmt(db_, "DELETE FROM " + Quote(table)).Run(); }

  Status Insert(const std::string& table, const TableRows& rows) override {
    if (rows.rows.empty()) return Status::Ok();
    std::string sql = "INSERT INTO " + Quote(table) + "(", values;
    for (size_t c = 0; c < rows.columns.size(); ++c) {
      sql += (c ? "," : "") + Quote(rows.columns[c]);
      values += c ? ",?" : "?";
    }
    sql += ") VALUES (" + values + ")";
    Stmt q(db_, sql);
    if (!q.status().ok()) return q.status();
    for (const std::vector<Cell>& row : rows.rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        if (Status s = q.Bind(static_cast<int>(c + 1), row[c]); !s.ok()) return s;
      }
      if (Status s = q.Run(); !s.ok()) return Status::Io("sqlite: insert into " + table + ": " + s.message());
    }
    return Status::Ok();
  }

  Status Update(const std::string& table, const std::string& key_column, const std::string& column,
                const std::vector<std::pair<Cell, Cell>>& key_values) override {
    Stmt q(db_,
           "UPDATE " + Quote(table) + " SET " + Quote(column) + " = ? WHERE " + Quote(key_column) + " = ?");
    if (!q.status().ok()) return q.status();
    for (const auto& [key, value] : key_values) {
      if (Status s = q.Bind(1, value); !s.ok()) return s;
      if (Status s = q.Bind(2, key); !s.ok()) return s;
      if (Status s = q.Run(); !s.ok()) return s;
    }
    return Status::Ok();
  }

  // The same statement the import writes the index with (import.cc): FTS5
  // tokenizes each row itself.
  Status Index(const std::vector<IndexedArticle>& articles) override {
    Stmt q(db_,
           "INSERT INTO search(rowid, title, description, headings, tags, body, url, section, glossary) "
           "VALUES (?,?,?,?,?,?,?,?,?)");
    if (!q.status().ok()) return q.status();
    for (const IndexedArticle& a : articles) {
      const SearchDocument& d = a.doc;
      const Cell cells[] = {Cell::Int(a.article_id), Cell::Text(d.title),   Cell::Text(d.description),
                            Cell::Text(d.headings),  Cell::Text(d.tags),    Cell::Text(d.body),
                            Cell::Text(a.url),       Cell::Text(d.section), Cell::Text(d.glossary)};
      for (int i = 0; i < 9; ++i) {
        if (Status s = q.Bind(i + 1, cells[i]); !s.ok()) return s;
      }
      if (Status s = q.Run(); !s.ok()) return s;
    }
    return Status::Ok();
  }

  // An AUTOINCREMENT table (feedback) never reuses an id up to its
  // sqlite_sequence entry: make that entry at least the largest copied id.
  Status ContinueSequences() override {
    Stmt tables(db_, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'");
    std::vector<std::string> names;
    while (tables.Step() == SQLITE_ROW)
      names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(tables.get(), 0)));
    if (!tables.status().ok()) return tables.status();
    for (const std::string& name : names) {
      Stmt max(db_, "SELECT max(rowid) FROM " + Quote(name));
      if (max.Step() != SQLITE_ROW) return max.status();
      if (sqlite3_column_type(max.get(), 0) == SQLITE_NULL) continue;
      int64_t top = sqlite3_column_int64(max.get(), 0);
      Stmt del(db_, "DELETE FROM sqlite_sequence WHERE name = ?");
      if (Status s = del.Bind(1, Cell::Text(name)); !s.ok()) return s;
      if (Status s = del.Run(); !s.ok()) return s;
      Stmt ins(db_, "INSERT INTO sqlite_sequence(name, seq) VALUES (?, ?)");
      if (Status s = ins.Bind(1, Cell::Text(name)); !s.ok()) return s;
      if (Status s = ins.Bind(2, Cell::Int(top)); !s.ok()) return s;
      if (Status s = ins.Run(); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status Commit() override { return tx_.Commit(); }

 private:
  std::unique_lock<std::mutex> lock_;
  Transaction tx_;
};

}  // namespace

Result<std::unique_ptr<RowReader>> SqliteStore::BeginRowRead() {
  Result<ReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  auto reader = std::make_unique<SqliteRowRead>(std::move(*lease));
  if (!reader->status().ok()) return reader->status();
  return std::unique_ptr<RowReader>(std::move(reader));
}

Result<std::unique_ptr<RowWriter>> SqliteStore::BeginRowWrite() {
  auto writer = std::make_unique<SqliteRowWriter>(&writer_mu_, writer_);
  if (!writer->status().ok()) return writer->status();
  return std::unique_ptr<RowWriter>(std::move(writer));
}

}  // namespace vetted::store::sqlite
