// store/postgres/: RowAccess (store/dump.h) on PostgreSQL, for copying a site
// between backends. Reads run in one REPEATABLE READ READ ONLY transaction
// (one snapshot, other nodes keep writing); writes in one transaction that
// first locks the generation row (SELECT ... FOR UPDATE, as every import
// does), so no import from another node interleaves with the copy.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "store/dump.h"
#include "store/postgres/store_impl.h"

namespace vetted::store::postgres {
namespace {

std::string Quote(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Column names and types (information_schema's data_type) of a table.
struct Columns {
  std::vector<std::string> names;
  std::vector<std::string> types;
  const std::string* TypeOf(const std::string& name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return &types[i];
    return nullptr;
  }
};

class Reads {
 public:
  explicit Reads(pg::Conn* conn) : conn_(conn) {}

  Result<std::vector<std::string>> TableNames() {
    Result<pg::Rows> r =
        conn_->Query("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1");
    if (!r.ok()) return r.status();
    std::vector<std::string> names;
    for (int i = 0; i < r->size(); ++i) names.push_back(r->Text(i, 0));
    return names;
  }

  Result<const Columns*> ColumnsOf(const std::string& table) {
    auto it = columns_.find(table);
    if (it != columns_.end()) return &it->second;
    Result<pg::Rows> r = conn_->Query(
        "SELECT column_name::text, data_type::text FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        table);
    if (!r.ok()) return r.status();
    if (r->empty()) return Status::NotFound("postgresql: no table " + table);
    Columns& c = columns_[table];
    for (int i = 0; i < r->size(); ++i) {
      c.names.push_back(r->Text(i, 0));
      c.types.push_back(r->Text(i, 1));
    }
    return &c;
  }

  // Rows in the order of the first column (every table's primary key, or
  // changes' generation).
  Result<TableRows> Read(const std::string& table) {
    Result<const Columns*> columns = ColumnsOf(table);
    if (!columns.ok()) return columns.status();
    std::string list;
    for (size_t c = 0; c < (*columns)->names.size(); ++c)
      list += (c ? "," : "") + Quote((*columns)->names[c]);
    std::string sql = "SELECT " + list + " FROM " + Quote(table) + " ORDER BY 1";
    Result<pg::Rows> r = conn_->Query(sql.c_str());
    if (!r.ok()) return r.status();
    TableRows out;
    out.columns = (*columns)->names;
    const std::vector<std::string>& types = (*columns)->types;
    out.rows.reserve(r->size());
    for (int i = 0; i < r->size(); ++i) {
      std::vector<Cell>& row = out.rows.emplace_back();
      row.reserve(types.size());
      for (int c = 0; c < static_cast<int>(types.size()); ++c) {
        const std::string& type = types[c];
        if (r->IsNull(i, c)) {
          row.push_back(Cell::Null());
        } else if (type == "bigint" || type == "integer" || type == "smallint" || type == "boolean") {
          row.push_back(Cell::Int(r->Int(i, c)));
        } else if (type == "text" || type == "character varying") {
          row.push_back(Cell::Text(r->Text(i, c)));
        } else if (type == "bytea") {
          row.push_back(Cell::Bytes(r->Text(i, c)));
        } else {
          return Status::Invalid("postgresql: " + table + "." + out.columns[c] + " has type " + type +
                                 ", which the copy does not know");
        }
      }
    }
    return out;
  }

  Result<std::vector<IndexedArticle>> ReadSearch() {
    Result<pg::Rows> r = conn_->Query(
        "SELECT article_id, url, section, title, description, headings, tags, body, glossary FROM search "
        "ORDER BY article_id");
    if (!r.ok()) return r.status();
    std::vector<IndexedArticle> out;
    out.reserve(r->size());
    for (int i = 0; i < r->size(); ++i) {
      IndexedArticle& a = out.emplace_back();
      a.article_id = r->Int(i, 0);
      a.url = r->Text(i, 1);
      a.doc.section = r->Text(i, 2);
      a.doc.title = r->Text(i, 3);
      a.doc.description = r->Text(i, 4);
      a.doc.headings = r->Text(i, 5);
      a.doc.tags = r->Text(i, 6);
      a.doc.body = r->Text(i, 7);
      a.doc.glossary = r->Text(i, 8);
    }
    return out;
  }

 protected:
  pg::Conn* conn_;
  std::map<std::string, Columns> columns_;
};

class PostgresRowRead : public RowReader, private Reads {
 public:
  explicit PostgresRowRead(pg::Pool::Lease lease)
      : Reads(&*lease),
        lease_(std::move(lease)),
        tx_(*conn_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {}
  const Status& status() const { return tx_.status(); }
  Result<std::vector<std::string>> TableNames() override { return Reads::TableNames(); }
  Result<TableRows> Read(const std::string& table) override { return Reads::Read(table); }
  Result<std::vector<IndexedArticle>> ReadSearch() override { return Reads::ReadSearch(); }

 private:
  pg::Pool::Lease lease_;
  pg::Transaction tx_;
};

class PostgresRowWriter : public RowWriter, private Reads {
 public:
  explicit PostgresRowWriter(pg::Pool::Lease lease) : Reads(&*lease), lease_(std::move(lease)), tx_(*conn_) {
    if (!tx_.status().ok()) return;
    Result<pg::Rows> lock = conn_->Query("SELECT value FROM meta WHERE key = 'generation' FOR UPDATE");
    if (!lock.ok()) status_ = lock.status();
  }
  Status status() const { return tx_.status().ok() ? status_ : tx_.status(); }

  Result<std::vector<std::string>> TableNames() override { return Reads::TableNames(); }
  Result<TableRows> Read(const std::string& table) override { return Reads::Read(table); }
  Result<std::vector<IndexedArticle>> ReadSearch() override { return Reads::ReadSearch(); }

  Result<int64_t> Count(const std::string& table) override {
    std::string sql = "SELECT count(*) FROM " + Quote(table);
    Result<pg::Rows> r = conn_->Query(sql.c_str());
    if (!r.ok()) return r.status();
    return r->Int(0, 0);
  }

  Status Clear(const std::string& table) override {
    std::string sql = "DELETE FROM " + Quote(table);
    Result<pg::Rows> r = conn_->Query(sql.c_str());
    return r.ok() ? Status::Ok() : r.status();
  }

  // Multi-row INSERTs of up to kBatch rows, each value bound by the
  // destination column's type (an integer 0/1 into a boolean column).
  Status Insert(const std::string& table, const TableRows& rows) override {
    if (rows.rows.empty()) return Status::Ok();
    Result<const Columns*> columns = ColumnsOf(table);
    if (!columns.ok()) return columns.status();
    std::vector<const std::string*> types;
    std::string head = "INSERT INTO " + Quote(table) + "(";
    for (size_t c = 0; c < rows.columns.size(); ++c) {
      const std::string* type = (*columns)->TypeOf(rows.columns[c]);
      if (type == nullptr)
        return Status::Invalid("postgresql: " + table + " has no column " + rows.columns[c]);
      types.push_back(type);
      head += (c ? "," : "") + Quote(rows.columns[c]);
    }
    head += ") VALUES ";
    const size_t width = rows.columns.size();
    const size_t batch = std::max<size_t>(1, std::min<size_t>(500, 30000 / std::max<size_t>(1, width)));
    for (size_t start = 0; start < rows.rows.size(); start += batch) {
      size_t end = std::min(rows.rows.size(), start + batch);
      std::string sql = head;
      pg::Params params;
      int n = 0;
      for (size_t i = start; i < end; ++i) {
        sql += i == start ? "(" : ",(";
        for (size_t c = 0; c < width; ++c) {
          sql += (c ? ",$" : "$") + std::to_string(++n);
          if (Status s = Bind(params, rows.rows[i][c], *types[c], table, rows.columns[c]); !s.ok()) return s;
        }
        sql += ")";
      }
      Result<pg::Rows> r = conn_->Run(sql.c_str(), params);
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  }

  Status Update(const std::string& table, const std::string& key_column, const std::string& column,
                const std::vector<std::pair<Cell, Cell>>& key_values) override {
    Result<const Columns*> columns = ColumnsOf(table);
    if (!columns.ok()) return columns.status();
    const std::string* key_type = (*columns)->TypeOf(key_column);
    const std::string* type = (*columns)->TypeOf(column);
    if (key_type == nullptr || type == nullptr)
      return Status::Invalid("postgresql: " + table + " has no column " + key_column + " or " + column);
    std::string sql =
        "UPDATE " + Quote(table) + " SET " + Quote(column) + " = $1 WHERE " + Quote(key_column) + " = $2";
    for (const auto& [key, value] : key_values) {
      pg::Params params;
      if (Status s = Bind(params, value, *type, table, column); !s.ok()) return s;
      if (Status s = Bind(params, key, *key_type, table, key_column); !s.ok()) return s;
      Result<pg::Rows> r = conn_->Run(sql.c_str(), params);
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  }

  // Through the backend's own indexing (search.cc).
  Status Index(const std::vector<IndexedArticle>& articles) override {
    for (const IndexedArticle& a : articles) {
      if (Status s = IndexArticle(*conn_, a.article_id, a.url, a.doc); !s.ok()) return s;
    }
    return Status::Ok();
  }

  // Every serial column's sequence continues after the largest copied id.
  Status ContinueSequences() override {
    Result<pg::Rows> serials = conn_->Query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%' ORDER BY 1");
    if (!serials.ok()) return serials.status();
    for (int i = 0; i < serials->size(); ++i) {
      std::string table = serials->Text(i, 0), column = serials->Text(i, 1);
      std::string sql = "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(" +
                        Quote(column) + ") FROM " + Quote(table) + "), 0) + 1, false)";
      Result<pg::Rows> r = conn_->Query(sql.c_str(), Quote(table), column);
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  }

  // Nodes already listening on this database hear of the copied generation
  // when the copy commits, as after an import (content.cc).
  Status Commit() override {
    Result<pg::Rows> r = conn_->Query(
        "SELECT pg_notify('vetted_generation', current_schema() || ' ' || value::text) FROM meta "
        "WHERE key = 'generation'");
    if (!r.ok()) return r.status();
    return tx_.Commit();
  }

 private:
  static Status Bind(pg::Params& params, const Cell& cell, const std::string& type, const std::string& table,
                     const std::string& column) {
    auto bad = [&] {
      return Status::Invalid("postgresql: a value of " + table + "." + column + " does not fit its type " +
                             type);
    };
    if (cell.kind == Cell::Kind::kNull) {
      params.Add(nullptr);
    } else if (type == "boolean") {
      if (cell.kind != Cell::Kind::kInt) return bad();
      params.Add(cell.i != 0);
    } else if (type == "bigint" || type == "integer" || type == "smallint") {
      if (cell.kind != Cell::Kind::kInt) return bad();
      params.Add(cell.i);
    } else if (type == "bytea") {
      if (cell.kind == Cell::Kind::kInt) return bad();
      params.Add(pg::Bytes{cell.s});
    } else if (type == "text" || type == "character varying") {
      if (cell.kind == Cell::Kind::kInt) return bad();
      params.Add(std::string_view(cell.s));
    } else {
      return bad();
    }
    return Status::Ok();
  }

  pg::Pool::Lease lease_;
  pg::Transaction tx_;
  Status status_;
};

}  // namespace

Result<std::unique_ptr<RowReader>> PostgresStore::BeginRowRead() {
  Result<pg::Pool::Lease> lease = pool_.Acquire();
  if (!lease.ok()) return lease.status();
  auto reader = std::make_unique<PostgresRowRead>(std::move(*lease));
  if (!reader->status().ok()) return reader->status();
  return std::unique_ptr<RowReader>(std::move(reader));
}

Result<std::unique_ptr<RowWriter>> PostgresStore::BeginRowWrite() {
  Result<pg::Pool::Lease> lease = pool_.Acquire();
  if (!lease.ok()) return lease.status();
  auto writer = std::make_unique<PostgresRowWriter>(std::move(*lease));
  if (Status s = writer->status(); !s.ok()) return s;
  return std::unique_ptr<RowWriter>(std::move(writer));
}

}  // namespace vetted::store::postgres
