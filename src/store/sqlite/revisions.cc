// Store::Revisions and Store::RevisionBytes for the SQLite backend: reads of
// the `articles` and `revisions` tables on a reader connection.
#include "store/sqlite/db.h"
#include "store/sqlite/store_impl.h"

namespace vetted::store::sqlite {
namespace {

// The article's id and current revision id; kNotFound when no such path.
Result<std::pair<int64_t, int64_t>> ArticleIds(sqlite3* db, const std::string& path) {
  Query q(db, "SELECT id, current_revision FROM articles WHERE path = ?");
  q.Bind(path);
  if (!q.Next()) {
    if (!q.status().ok()) return q.status();
    return Status::NotFound("store: no article at " + path);
  }
  return std::make_pair(q.Int(0), q.IsNull(1) ? int64_t{0} : q.Int(1));
}

}  // namespace

Result<std::vector<RevisionInfo>> RevisionsOn(sqlite3* db, const std::string& path) {
  Transaction tx(db, /*write=*/false);  // the article row and its revisions from one view
  if (!tx.status().ok()) return tx.status();
  Result<std::pair<int64_t, int64_t>> ids = ArticleIds(db, path);
  if (!ids.ok()) return ids.status();
  std::string current;
  {
    Query q(db, "SELECT hash FROM revisions WHERE id = ?");
    q.Bind(ids->second);
    if (q.Next()) current = q.Text(0);
    if (!q.status().ok()) return q.status();
  }
  // Each hash once, from the row that first stored it.
  Query q(db,
          "SELECT r.hash, r.created_at FROM revisions r JOIN "
          "(SELECT MIN(id) AS first FROM revisions WHERE article_id = ? GROUP BY hash) f ON r.id = f.first "
          "ORDER BY r.id");
  q.Bind(ids->first);
  std::vector<RevisionInfo> out;
  while (q.Next()) out.push_back({q.Text(0), q.Text(1), q.Text(0) == current});
  if (!q.status().ok()) return q.status();
  return out;
}

Result<std::string> RevisionBytesOn(sqlite3* db, const std::string& path, const std::string& revision) {
  Query q(db,
          "SELECT r.bytes FROM revisions r JOIN articles a ON a.id = r.article_id "
          "WHERE a.path = ? AND r.hash = ? "
          "ORDER BY r.id = a.current_revision DESC, r.id DESC LIMIT 1");
  q.Bind(path, revision);
  if (q.Next()) return q.Text(0);
  if (!q.status().ok()) return q.status();
  return Status::NotFound("store: " + path + " has no revision " + revision);
}

}  // namespace vetted::store::sqlite
