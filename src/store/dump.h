// store/: a backend-neutral view of a SQL store's rows, for copying a whole
// site between backends (store::CopyStore in open.h, `vetted db copy`). Not
// part of the front door: the SQL backends implement it, copy.cc drives it.
//
// The SQLite and PostgreSQL schemas have the same tables and column names by
// design; values travel as null, integer, text or bytes (a PostgreSQL boolean
// is an integer 0/1 here, as in SQLite). The search index is not copied as
// rows: each backend reads its indexed fields and the destination indexes
// them through its own indexing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/status.h"
#include "store/store.h"

namespace vetted::store {

// One value of a row.
struct Cell {
  enum class Kind { kNull, kInt, kText, kBytes };
  Kind kind = Kind::kNull;
  int64_t i = 0;
  std::string s;  // kText, kBytes

  static Cell Null() { return {}; }
  static Cell Int(int64_t v) { return {Kind::kInt, v, {}}; }
  static Cell Text(std::string v) { return {Kind::kText, 0, std::move(v)}; }
  static Cell Bytes(std::string v) { return {Kind::kBytes, 0, std::move(v)}; }
  bool operator==(const Cell&) const = default;
};

// A table's rows: every row has one Cell per column.
struct TableRows {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

// One row of the search index: an article's indexed fields.
struct IndexedArticle {
  int64_t article_id = 0;
  std::string url;
  SearchDocument doc;
};

// Reads from one consistent snapshot of the store (a read transaction held
// until destroyed).
class RowReader {
 public:
  virtual ~RowReader() = default;
  // Every table of the store's schema, the backend's internal ones included
  // (the copy refuses a table it does not know).
  virtual Result<std::vector<std::string>> TableNames() = 0;
  // Every row of `table` (every column), in primary key order.
  virtual Result<TableRows> Read(const std::string& table) = 0;
  // The search index's rows, by article id.
  virtual Result<std::vector<IndexedArticle>> ReadSearch() = 0;
};

// Writes in one transaction on the store, held (with the backend's writer
// lock) until Commit or destruction (rolled back unless committed). Reads
// see the transaction's own writes.
class RowWriter : public RowReader {
 public:
  // Rows of `table` (the search index included).
  virtual Result<int64_t> Count(const std::string& table) = 0;
  // Removes every row of `table` (meta and audit_head: a migrated store
  // starts with rows of its own there).
  virtual Status Clear(const std::string& table) = 0;
  // Inserts `rows` as they are (ids included).
  virtual Status Insert(const std::string& table, const TableRows& rows) = 0;
  // UPDATE table SET column = value WHERE key_column = key, for each pair.
  virtual Status Update(const std::string& table, const std::string& key_column, const std::string& column,
                        const std::vector<std::pair<Cell, Cell>>& key_values) = 0;
  // Indexes `articles` through the backend's own indexing.
  virtual Status Index(const std::vector<IndexedArticle>& articles) = 0;
  // After the inserts: ids generated later continue after the copied ones
  // (PostgreSQL sequences, SQLite AUTOINCREMENT).
  virtual Status ContinueSequences() = 0;
  virtual Status Commit() = 0;
};

// What a SQL store offers besides Store (SqliteStore and PostgresStore
// implement it; copy.cc finds it with dynamic_cast).
class RowAccess {
 public:
  virtual ~RowAccess() = default;
  virtual Result<std::unique_ptr<RowReader>> BeginRowRead() = 0;
  virtual Result<std::unique_ptr<RowWriter>> BeginRowWrite() = 0;
  // "sqlite" | "postgresql"
  virtual std::string BackendName() const = 0;
};

}  // namespace vetted::store
