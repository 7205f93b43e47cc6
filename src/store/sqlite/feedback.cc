// Store::AddFeedback and ListFeedback on SQLite.
#include "store/sqlite/db.h"
#include "store/sqlite/store_impl.h"

namespace vetted::store::sqlite {
namespace {

struct Target {
  int64_t article_id = 0;
  int64_t revision_id = 0;
};

// The published article at `url` and the revision the reader saw: `revision`
// when given (revision_id 0 when the article has no such revision), else the
// current one. Zero ids when not published.
Result<Target> FindTarget(sqlite3* db, const std::string& url, const std::string& revision) {
  Target target;
  {
    Query q(db, "SELECT id, current_revision FROM articles WHERE url = ? AND published = 1");
    q.Bind(url);
    if (q.Next()) target = {q.Int(0), q.Int(1)};
    if (!q.status().ok()) return q.status();
  }
  if (target.article_id == 0 || revision.empty()) return target;
  Query q(db, "SELECT id FROM revisions WHERE article_id = ? AND hash = ? ORDER BY id DESC LIMIT 1");
  q.Bind(target.article_id, revision);
  target.revision_id = q.Next() ? q.Int(0) : 0;
  if (!q.status().ok()) return q.status();
  return target;
}

}  // namespace

Status AddFeedbackLocked(sqlite3* db, const std::vector<NewFeedback>& batch,
                         std::vector<Result<int64_t>>& results) {
  results.clear();
  results.reserve(batch.size());
  for (const NewFeedback& f : batch) {
    Result<Target> target = FindTarget(db, f.article_url, f.revision);
    if (!target.ok()) return target.status();
    if (target->article_id == 0) {
      results.push_back(Status::NotFound("feedback: no published article at " + f.article_url));
      continue;
    }
    if (target->revision_id == 0) {
      results.push_back(Status::Invalid("feedback: " + f.article_url + " has no revision " + f.revision));
      continue;
    }
    Query insert(db,
                 "INSERT INTO feedback(article_id, revision_id, created_at, helpful, category, comment) "
                 "VALUES (?,?,?,?,?,?)");
    Status status =
        insert.Bind(target->article_id, target->revision_id, f.created_at, f.helpful, f.category, f.comment)
            .Run();
    if (!status.ok()) return status;
    results.push_back(sqlite3_last_insert_rowid(db));
  }
  return Status::Ok();
}

Result<std::vector<FeedbackRecord>> ListFeedbackOn(sqlite3* db, const FeedbackFilter& filter) {
  std::vector<FeedbackRecord> records;
  Query q(db,
          "SELECT f.id, a.url, a.path, r.hash, f.helpful, f.category, f.comment, f.created_at "
          "FROM feedback f JOIN articles a ON a.id = f.article_id JOIN revisions r ON r.id = f.revision_id "
          "WHERE f.id > ? AND (? = '' OR a.url = ?) AND (? = '' OR f.category = ?) "
          "ORDER BY f.id");
  q.Bind(filter.after_id, filter.article_url, filter.article_url, filter.category, filter.category);
  while (q.Next()) {
    records.push_back({.id = q.Int(0),
                       .article_url = q.Text(1),
                       .article_path = q.Text(2),
                       .revision = q.Text(3),
                       .helpful = q.Int(4) != 0,
                       .category = q.Text(5),
                       .comment = q.Text(6),
                       .created_at = q.Text(7)});
  }
  if (!q.status().ok()) return q.status();
  return records;
}

}  // namespace vetted::store::sqlite
