// AddFeedback, ListFeedback and FindFeedback on PostgreSQL.
#include <algorithm>

#include "store/postgres/pg_array.h"
#include "store/postgres/store_impl.h"

namespace vetted::store::postgres {
namespace {

// pg_advisory_xact_lock key serializing AddFeedback across nodes: "vetted" + 2.
// Ids are taken and committed under it, so they become visible in increasing
// order: a reader that remembers the largest id it saw (FeedbackFilter::after_id,
// the desk's ticket sync) never skips one committed later with a smaller id.
constexpr int64_t kFeedbackLock = 0x766574746564'02;

// The batch inside the caller's transaction; one result per entry, or the
// database's error for the whole batch.
Status AddFeedbackOn(pg::Conn& conn, const std::vector<NewFeedback>& batch,
                     std::vector<Result<int64_t>>& results) {
  if (Result<pg::Rows> r = conn.Query("SELECT pg_advisory_xact_lock($1)", kFeedbackLock); !r.ok())
    return r.status();
  // Each entry's published article and the revision the reader saw (the given
  // hash's latest row, else the current one), in one query, in batch order.
  pg::Array urls(pg::Array::kText), revisions(pg::Array::kText);
  for (const NewFeedback& f : batch) {
    urls.AddBytes(f.article_url);
    revisions.AddBytes(f.revision);
  }
  Result<pg::Rows> targets = conn.Query(
      "SELECT a.id, CASE WHEN t.rev = '' THEN a.current_revision ELSE "
      "  (SELECT r.id FROM revisions r WHERE r.article_id = a.id AND r.hash = t.rev ORDER BY r.id DESC LIMIT "
      "1) "
      "END "
      "FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(url, rev, n) "
      "LEFT JOIN articles a ON a.url = t.url AND a.published "
      "ORDER BY t.n",
      urls.Encoded(), revisions.Encoded());
  if (!targets.ok()) return targets.status();
  if (targets->size() != static_cast<int>(batch.size()))
    return Status::Io("postgresql: feedback targets: " + std::to_string(targets->size()) + " rows for " +
                      std::to_string(batch.size()) + " entries");
  results.clear();
  std::vector<size_t> accepted;  // indexes into batch
  for (size_t i = 0; i < batch.size(); ++i) {
    const int row = static_cast<int>(i);
    if (targets->IsNull(row, 0)) {
      results.push_back(Status::NotFound("feedback: no published article at " + batch[i].article_url));
    } else if (targets->IsNull(row, 1)) {
      results.push_back(
          Status::Invalid("feedback: " + batch[i].article_url + " has no revision " + batch[i].revision));
    } else {
      results.push_back(int64_t{0});  // its id below
      accepted.push_back(i);
    }
  }
  if (accepted.empty()) return Status::Ok();
  // The new ids in batch order (taken under the lock, so they grow).
  Result<pg::Rows> next =
      conn.Query("SELECT nextval(pg_get_serial_sequence('feedback', 'id')) FROM generate_series(1, $1::int8)",
                 static_cast<int64_t>(accepted.size()));
  if (!next.ok()) return next.status();
  std::vector<int64_t> ids;
  for (int i = 0; i < next->size(); ++i) ids.push_back(next->Int(i, 0));
  std::sort(ids.begin(), ids.end());
  if (ids.size() != accepted.size()) return Status::Io("postgresql: feedback ids: too few");
  pg::Array id(pg::Array::kInt8), article(pg::Array::kInt8), revision(pg::Array::kInt8),
      created_at(pg::Array::kText), helpful(pg::Array::kBool), category(pg::Array::kText),
      comment(pg::Array::kText);
  for (size_t k = 0; k < accepted.size(); ++k) {
    const size_t i = accepted[k];
    const NewFeedback& f = batch[i];
    id.AddInt(ids[k]);
    article.AddInt(targets->Int(static_cast<int>(i), 0));
    revision.AddInt(targets->Int(static_cast<int>(i), 1));
    created_at.AddBytes(f.created_at);
    helpful.AddBool(f.helpful);
    category.AddBytes(f.category);
    comment.AddBytes(f.comment);
    results[i] = ids[k];
  }
  return conn
      .Query(
          "INSERT INTO feedback(id, article_id, revision_id, created_at, helpful, category, comment) "
          "SELECT * FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::text[], $5::bool[], $6::text[], "
          "$7::text[])",
          id.Encoded(), article.Encoded(), revision.Encoded(), created_at.Encoded(), helpful.Encoded(),
          category.Encoded(), comment.Encoded())
      .status();
}

}  // namespace

std::vector<Result<int64_t>> PostgresStore::AddFeedback(const std::vector<NewFeedback>& batch) {
  std::vector<Result<int64_t>> results;
  if (batch.empty()) return results;
  Status status = [&]() -> Status {
    Result<pg::Pool::Lease> conn = pool().Acquire();
    if (!conn.ok()) return conn.status();
    pg::Transaction tx(**conn);
    if (!tx.status().ok()) return tx.status();
    if (Status s = AddFeedbackOn(**conn, batch, results); !s.ok()) return s;
    return tx.Commit();
  }();
  if (!status.ok()) {
    Status io = status.code() == Code::kIo || status.code() == Code::kExhausted
                    ? status
                    : Status::Io(status.message());
    results.assign(batch.size(), io);
  }
  return results;
}

Result<std::vector<FeedbackRecord>> PostgresStore::ListFeedback() {
  return FindFeedback({});
}

Result<std::vector<FeedbackRecord>> PostgresStore::FindFeedback(const FeedbackFilter& filter) {
  Result<pg::Pool::Lease> conn = pool().Acquire();
  if (!conn.ok()) return conn.status();
  Result<pg::Rows> rows = (*conn)->Query(
      "SELECT f.id, a.url, a.path, r.hash, f.helpful, f.category, f.comment, f.created_at "
      "FROM feedback f JOIN articles a ON a.id = f.article_id JOIN revisions r ON r.id = f.revision_id "
      "WHERE f.id > $1::int8 AND ($2::text = '' OR a.url = $2::text) "
      "AND ($3::text = '' OR f.category = $3::text) "
      "ORDER BY f.id",
      filter.after_id, filter.article_url, filter.category);
  if (!rows.ok()) return rows.status();
  std::vector<FeedbackRecord> records;
  records.reserve(static_cast<size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i) {
    records.push_back({.id = rows->Int(i, 0),
                       .article_url = rows->Text(i, 1),
                       .article_path = rows->Text(i, 2),
                       .revision = rows->Text(i, 3),
                       .helpful = rows->Int(i, 4) != 0,
                       .category = rows->Text(i, 5),
                       .comment = rows->Text(i, 6),
                       .created_at = rows->Text(i, 7)});
  }
  return records;
}

}  // namespace vetted::store::postgres
