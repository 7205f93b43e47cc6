// store/: CopyStore (open.h), driving the backends' row access (dump.h).
#include <algorithm>
#include <string>
#include <vector>

#include "store/dump.h"
#include "store/open.h"

namespace vetted::store {
namespace {

// The tables copied, in an order that satisfies every foreign key. A new
// table in either backend's schema belongs here (or in NotCopied): until it
// is, the copy refuses every source, by the table's name, and tests/db_copy fails.
struct TableSpec {
  const char* name;
  // A column written NULL at first and set once every table is in
  // (articles.current_revision and revisions.article_id refer to each other).
  const char* deferred = nullptr;
  // A migrated store starts with rows of its own here (the generation, the
  // audit head): replaced by the source's.
  bool replace = false;
};
constexpr TableSpec kTables[] = {
    {"meta", nullptr, true},
    {"files"},
    {"articles", "current_revision"},
    {"revisions"},
    {"feedback"},
    {"changes"},
    {"accounts"},
    {"sessions"},
    {"wf_articles"},
    {"wf_revisions"},
    {"wf_approvals"},
    {"wf_change_requests"},
    {"wf_publications"},
    {"audit"},
    {"audit_head", nullptr, true},
    {"wf_preview_links"},
    {"tickets"},
};

// Tables not copied as rows: the search index (rebuilt on the destination),
// SQLite's FTS5 shadow tables and AUTOINCREMENT counters, the PostgreSQL
// schema version and its search cache's database id (each database its own),
// and the limits (store/limits.h: recent sign-in failures and feedback token
// buckets, keyed with the database's own secret; short-lived counters that
// start afresh on the destination).
bool NotCopied(const std::string& name) {
  static const char* const kNames[] = {"search",          "search_config",  "search_content",
                                       "search_data",     "search_docsize", "search_idx",
                                       "sqlite_sequence", "vetted_schema",  "search_instance",
                                       "limit_secret",    "limit_failures", "limit_buckets"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

bool Copied(const std::string& name) {
  return std::any_of(std::begin(kTables), std::end(kTables),
                     [&](const TableSpec& t) { return name == t.name; });
}

// Columns one backend has and the other need not: PostgreSQL numbers preview
// links (wf_preview_links.id) where SQLite keeps its hidden rowid; nothing
// refers to that number, so it is left out when the destination has none.
bool MayDrop(const std::string& table, const std::string& column) {
  return table == "wf_preview_links" && column == "id";
}

int ColumnOf(const TableRows& rows, const std::string& name) {
  for (size_t c = 0; c < rows.columns.size(); ++c)
    if (rows.columns[c] == name) return static_cast<int>(c);
  return -1;
}

// The destination holds nothing but what its migrations put there: every
// copied table empty, the generation 0 and an empty audit chain.
Status CheckEmpty(RowWriter& to) {
  auto refuse = [](const std::string& what) {
    return Status::Invalid("the destination store is not empty (" + what +
                           "); copy only into a new, empty store");
  };
  for (const TableSpec& t : kTables) {
    if (t.replace) continue;
    Result<int64_t> n = to.Count(t.name);
    if (!n.ok()) return n.status();
    if (*n > 0) return refuse(std::string(t.name) + " has " + std::to_string(*n) + " rows");
  }
  Result<int64_t> indexed = to.Count("search");
  if (!indexed.ok()) return indexed.status();
  if (*indexed > 0) return refuse("search has " + std::to_string(*indexed) + " rows");
  Result<TableRows> meta = to.Read("meta");
  if (!meta.ok()) return meta.status();
  int value = ColumnOf(*meta, "value"), key = ColumnOf(*meta, "key");
  for (const std::vector<Cell>& row : meta->rows) {
    if (value < 0 || key < 0 || row[value] != Cell::Int(0)) return refuse("meta " + row[key].s + " is not 0");
  }
  Result<TableRows> head = to.Read("audit_head");
  if (!head.ok()) return head.status();
  int count = ColumnOf(*head, "count");
  for (const std::vector<Cell>& row : head->rows) {
    if (count < 0 || row[count] != Cell::Int(0)) return refuse("the audit log has entries");
  }
  return Status::Ok();
}

}  // namespace

Result<CopyReport> CopyStore(Store& from, Store& to) {
  auto* source = dynamic_cast<RowAccess*>(&from);
  auto* destination = dynamic_cast<RowAccess*>(&to);
  if (source == nullptr || destination == nullptr) {
    return Status::Invalid(std::string("copy: the ") + (source == nullptr ? "source" : "destination") +
                           " is not a SQLite or PostgreSQL store (a memory: store cannot be copied)");
  }
  if (&from == &to) return Status::Invalid("copy: the source and the destination are the same store");

  Result<std::unique_ptr<RowReader>> reader = source->BeginRowRead();
  if (!reader.ok()) return reader.status();
  Result<std::vector<std::string>> names = (*reader)->TableNames();
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    if (!Copied(name) && !NotCopied(name))
      return Status::Invalid("copy: the source has a table this program does not know how to copy: " + name);
  }

  Result<std::unique_ptr<RowWriter>> writer = destination->BeginRowWrite();
  if (!writer.ok()) return writer.status();
  RowWriter& w = **writer;
  if (Status s = CheckEmpty(w); !s.ok()) return s;

  CopyReport report;
  std::vector<std::pair<const char*, std::vector<std::pair<Cell, Cell>>>> deferred;  // table, (id, value)
  for (const TableSpec& t : kTables) {
    Result<TableRows> rows = (*reader)->Read(t.name);
    if (!rows.ok()) return rows.status();
    if (t.deferred != nullptr) {
      int column = ColumnOf(*rows, t.deferred), id = ColumnOf(*rows, "id");
      if (column < 0 || id < 0)
        return Status::Internal(std::string("copy: ") + t.name + " lacks its columns");
      std::vector<std::pair<Cell, Cell>> later;
      for (std::vector<Cell>& row : rows->rows) {
        if (row[column].kind == Cell::Kind::kNull) continue;
        later.emplace_back(row[id], std::move(row[column]));
        row[column] = Cell::Null();
      }
      deferred.emplace_back(t.deferred, std::move(later));
    }
    Result<TableRows> destination_rows = w.Read(t.name);
    if (!destination_rows.ok()) return destination_rows.status();
    for (size_t c = rows->columns.size(); c-- > 0;) {
      if (ColumnOf(*destination_rows, rows->columns[c]) >= 0) continue;
      if (!MayDrop(t.name, rows->columns[c])) {
        return Status::Invalid("copy: the destination's table " + std::string(t.name) + " has no column " +
                               rows->columns[c] + " (is it older than the source?)");
      }
      rows->columns.erase(rows->columns.begin() + c);
      for (std::vector<Cell>& row : rows->rows) row.erase(row.begin() + c);
    }
    if (t.replace) {
      if (Status s = w.Clear(t.name); !s.ok()) return s;
    }
    if (Status s = w.Insert(t.name, *rows); !s.ok()) return Status::Error(s.code(), "copy: " + s.message());
    report.tables.emplace_back(t.name, static_cast<int64_t>(rows->rows.size()));
  }
  size_t d = 0;
  for (const TableSpec& t : kTables) {
    if (t.deferred == nullptr) continue;
    if (Status s = w.Update(t.name, "id", t.deferred, deferred[d++].second); !s.ok()) return s;
  }
  Result<std::vector<IndexedArticle>> search = (*reader)->ReadSearch();
  if (!search.ok()) return search.status();
  if (Status s = w.Index(*search); !s.ok()) return s;
  report.indexed = static_cast<int64_t>(search->size());
  if (Status s = w.ContinueSequences(); !s.ok()) return s;
  if (Status s = w.Commit(); !s.ok()) return s;
  return report;
}

}  // namespace vetted::store
