// store/sqlite/ internals shared by the files of the SQLite backend. Not a
// front door: only store/sqlite/*.cc and their tests include it.
//
// The search index (created by migration 2, remade by migration 3 in sqlite_store.cc):
//   CREATE VIRTUAL TABLE search USING fts5(title, description, headings, tags, body,
//       url UNINDEXED, section UNINDEXED, glossary,
//       tokenize = 'porter spelling unicode61 remove_diacritics 2');
// "spelling" is our tokenizer (spelling_tokenizer.cc): every connection
// registers it before touching the table.
// rowid = articles.id; exactly one row per PUBLISHED article, kept in step by
// Import (insert on add, replace on change, delete on unpublish).
#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

#include "store/store.h"

namespace vetted::store {

// The FTS5 tokenizer that maps British spellings to American ones
// (util::SearchSpelling) before the porter stemmer sees a token.
inline constexpr const char* kSpellingTokenizer = "spelling";
// Registers it on `db`; SQLITE_OK or the error code.
int RegisterSpellingTokenizer(sqlite3* db);

// Store::Search on `db` (a reader connection checked out by the caller for the
// duration of the call; the function may prepare statements on it and must
// finalize or reset them before returning).
Result<SearchResults> SqliteSearch(sqlite3* db, const SearchQuery& query);

// Store::Related on `db` (same rules as SqliteSearch).
Result<std::vector<std::string>> SqliteRelated(sqlite3* db, const std::string& url, size_t limit);

// A statement for `sql` prepared on `db` once and kept until the store closes
// the connection (implemented in db.cc); nullptr when preparing fails
// (sqlite3_errmsg(db) says why). It comes reset with no bindings. Hold it in a
// ScopedReset so it is reset again, ending its read, before the connection goes
// back to the pool. `sql` is the cache key: pass the same literal every time.
sqlite3_stmt* CachedStatement(sqlite3* db, const char* sql);

// Resets a statement (and clears its bindings) when leaving the scope.
class ScopedReset {
 public:
  explicit ScopedReset(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~ScopedReset() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace vetted::store
