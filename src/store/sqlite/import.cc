// Store::Import on SQLite: compares the input with the stored articles and
// files by hash and writes only what changed, inside the caller's transaction.
#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "store/backend.h"
#include "store/sqlite/db.h"
#include "store/sqlite/store_impl.h"
#include "util/util.h"

namespace vetted::store::sqlite {
namespace {

struct Existing {
  int64_t id = 0;
  std::string url;
  bool published = false;
  std::string hash;        // current revision's hash
  std::string bytes_hash;  // current revision's sha256 of the bytes
  std::string glossary;    // SearchDocument::glossary it was indexed with
  bool seen = false;       // in this import's input
};

using ExistingMap = std::unordered_map<std::string, Existing>;

Result<ExistingMap> ReadArticles(sqlite3* db) {
  ExistingMap map;
  Query q(db,
          "SELECT a.path, a.id, a.url, a.published, r.hash, r.bytes_hash, a.search_glossary "
          "FROM articles a LEFT JOIN revisions r ON r.id = a.current_revision");
  while (q.Next()) {
    map.emplace(q.Text(0), Existing{q.Int(1), q.Text(2), q.Int(3) != 0, q.Text(4), q.Text(5), q.Text(6)});
  }
  if (!q.status().ok()) return q.status();
  return map;
}

// Makes the revision with (hash, bytes) current for `article_id`, reusing an
// identical older revision when there may be one (`known`: the article existed).
Status SetCurrentRevision(sqlite3* db, int64_t article_id, const ArticleSource& a,
                          const std::string& bytes_hash, const std::string& now, bool known) {
  int64_t revision_id = 0;
  if (known) {
    Query find(db, "SELECT id FROM revisions WHERE article_id = ? AND hash = ? AND bytes_hash = ? LIMIT 1");
    find.Bind(article_id, a.revision, bytes_hash);
    if (find.Next()) revision_id = find.Int(0);
    if (!find.status().ok()) return find.status();
  }
  if (revision_id == 0) {
    Query insert(db,
                 "INSERT INTO revisions(article_id, hash, bytes, bytes_hash, created_at) VALUES (?,?,?,?,?)");
    Status status = insert.Bind(article_id, a.revision, Blob{a.bytes}, bytes_hash, now).Run();
    if (!status.ok()) return status;
    revision_id = sqlite3_last_insert_rowid(db);
  }
  return Query(db, "UPDATE articles SET current_revision = ? WHERE id = ?")
      .Bind(revision_id, article_id)
      .Run();
}

// The search index changes of one import, applied last: SQLite 3.40's FTS5
// flushes its pending terms to disk at every statement savepoint, and any
// write statement with foreign keys opens one, so index writes interleaved
// with relational writes would write one tiny segment per article.
struct SearchChanges {
  std::vector<int64_t> deletes;                                   // rowids whose row goes
  std::vector<std::pair<int64_t, const ArticleSource*>> inserts;  // rows written (after the deletes)
};

Status ApplySearchChanges(sqlite3* db, const SearchChanges& changes) {
  for (int64_t id : changes.deletes) {
    Status status = Query(db, "DELETE FROM search WHERE rowid = ?").Bind(id).Run();
    if (!status.ok()) return status;
  }
  for (const auto& [id, a] : changes.inserts) {
    const SearchDocument& s = a->search;
    Query q(db,
            "INSERT INTO search(rowid, title, description, headings, tags, body, url, section, glossary) "
            "VALUES (?,?,?,?,?,?,?,?,?)");
    Status status =
        q.Bind(id, s.title, s.description, s.headings, s.tags, s.body, a->url, s.section, s.glossary).Run();
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

Result<int64_t> AddArticle(sqlite3* db, const ArticleSource& a, const std::string& bytes_hash,
                           const std::string& now) {
  Status status =
      Query(db, "INSERT INTO articles(path, url, published) VALUES (?,?,1)").Bind(a.path, a.url).Run();
  if (!status.ok()) return status;
  int64_t id = sqlite3_last_insert_rowid(db);
  status = SetCurrentRevision(db, id, a, bytes_hash, now, /*known=*/false);
  if (!status.ok()) return status;
  return id;
}

// Publishes `e` again or changes it.
Status UpdateArticle(sqlite3* db, const Existing& e, const ArticleSource& a, const std::string& bytes_hash,
                     const std::string& now) {
  if (e.hash != a.revision || e.bytes_hash != bytes_hash) {
    Status status = SetCurrentRevision(db, e.id, a, bytes_hash, now, /*known=*/true);
    if (!status.ok()) return status;
  }
  return Query(db, "UPDATE articles SET url = ?, published = 1 WHERE id = ?").Bind(a.url, e.id).Run();
}

Status Unpublish(sqlite3* db, int64_t id) {
  return Query(db, "UPDATE articles SET published = 0 WHERE id = ?").Bind(id).Run();
}

// Phase 1: unpublishes articles missing from the input, and (for now) those
// whose URL changes, so that phase 2 never meets a published URL clash.
Status UnpublishFirst(sqlite3* db, const ImportInput& input, ExistingMap& existing, ImportReport& report,
                      SearchChanges& search) {
  for (const ArticleSource& a : input.articles) {
    auto it = existing.find(a.path);
    if (it == existing.end()) continue;
    it->second.seen = true;
    if (it->second.published && it->second.url != a.url) {
      Status status = Unpublish(db, it->second.id);
      if (!status.ok()) return status;
    }
  }
  for (auto& [path, e] : existing) {
    if (!e.published || e.seen) continue;
    Status status = Unpublish(db, e.id);
    if (!status.ok()) return status;
    search.deletes.push_back(e.id);
    report.removed.push_back(path);
  }
  return Status::Ok();
}

Status SetGlossary(sqlite3* db, int64_t id, const std::string& glossary) {
  return Query(db, "UPDATE articles SET search_glossary = ? WHERE id = ?").Bind(glossary, id).Run();
}

// Phase 2: adds and changes articles. *reindexed counts unchanged articles
// whose search row is rewritten for a new SearchDocument::glossary.
Status WriteArticles(sqlite3* db, const ImportInput& input, const ExistingMap& existing, ImportReport& report,
                     SearchChanges& search, const std::string& now, size_t* reindexed) {
  // The bytes' hashes the caller did not give, on several threads (10,000
  // articles: about 0.2 s on one).
  std::vector<std::string> hashes(input.articles.size());
  util::ParallelFor(hashes.size(), [&](size_t i) {
    if (input.articles[i].bytes_sha256.empty()) hashes[i] = util::Sha256Hex(input.articles[i].bytes);
  });
  for (size_t i = 0; i < input.articles.size(); ++i) {
    const ArticleSource& a = input.articles[i];
    const std::string& bytes_hash = a.bytes_sha256.empty() ? hashes[i] : a.bytes_sha256;
    auto it = existing.find(a.path);
    if (it == existing.end()) {
      Result<int64_t> id = AddArticle(db, a, bytes_hash, now);
      if (!id.ok()) return id.status();
      if (!a.search.glossary.empty()) {
        if (Status status = SetGlossary(db, *id, a.search.glossary); !status.ok()) return status;
      }
      search.inserts.emplace_back(*id, &a);
      report.added.push_back(a.path);
      continue;
    }
    const Existing& e = it->second;
    if (e.glossary != a.search.glossary) {
      if (Status status = SetGlossary(db, e.id, a.search.glossary); !status.ok()) return status;
    }
    if (e.published && e.url == a.url && e.hash == a.revision && e.bytes_hash == bytes_hash) {
      ++report.unchanged;
      if (e.glossary != a.search.glossary) {
        search.deletes.push_back(e.id);
        search.inserts.emplace_back(e.id, &a);
        ++*reindexed;
      }
      continue;
    }
    Status status = UpdateArticle(db, e, a, bytes_hash, now);
    if (!status.ok()) return status;
    if (e.published) search.deletes.push_back(e.id);  // its row is still there
    search.inserts.emplace_back(e.id, &a);
    (e.published ? report.changed : report.added).push_back(a.path);
  }
  return Status::Ok();
}

Result<size_t> WriteFiles(sqlite3* db, const std::vector<SourceFile>& files) {
  std::unordered_map<std::string, std::string> stored;  // path -> hash
  {
    Query q(db, "SELECT path, hash FROM files");
    while (q.Next()) stored.emplace(q.Text(0), q.Text(1));
    if (!q.status().ok()) return q.status();
  }
  size_t changed = 0;
  for (const SourceFile& f : files) {
    std::string hash = util::Sha256Hex(f.bytes);
    auto it = stored.find(f.path);
    if (it != stored.end()) {
      bool same = it->second == hash;
      stored.erase(it);
      if (same) continue;
    }
    Query q(db, "INSERT OR REPLACE INTO files(path, bytes, hash) VALUES (?,?,?)");
    Status status = q.Bind(f.path, Blob{f.bytes}, hash).Run();
    if (!status.ok()) return status;
    ++changed;
  }
  for (const auto& [path, hash] : stored) {
    Status status = Query(db, "DELETE FROM files WHERE path = ?").Bind(path).Run();
    if (!status.ok()) return status;
    ++changed;
  }
  return changed;
}

// How many generations ChangesSince can look back.
constexpr int64_t kChangesKept = 64;

// Rows of the changes table for the new generation; drops those older than kChangesKept.
Status RecordChanges(sqlite3* db, const ImportReport& report) {
  const char* kInsert =
      "INSERT INTO changes(generation, path) SELECT value, ? FROM meta WHERE key = 'generation'";
  for (const auto* list : {&report.added, &report.changed, &report.removed}) {
    for (const std::string& path : *list)
      if (Status s = Query(db, kInsert).Bind(path).Run(); !s.ok()) return s;
  }
  if (report.files_changed > 0)
    if (Status s = Query(db, kInsert).Bind(std::string()).Run(); !s.ok()) return s;
  const std::string keep =
      "(SELECT value - " + std::to_string(kChangesKept) + " FROM meta WHERE key = 'generation')";
  if (Status s = Query(db, ("DELETE FROM changes WHERE generation < " + keep).c_str()).Run(); !s.ok())
    return s;
  return Query(db, ("UPDATE meta SET value = max(value, " + keep + ") WHERE key = 'changes_from'").c_str())
      .Run();
}

}  // namespace

Result<ImportReport> ImportLocked(sqlite3* db, const ImportInput& input, const std::string& now) {
  Status status = ValidateImport(input);
  if (!status.ok()) return status;
  Result<ExistingMap> existing = ReadArticles(db);
  if (!existing.ok()) return existing.status();
  ImportReport report;
  SearchChanges search;
  size_t reindexed = 0;
  status = UnpublishFirst(db, input, *existing, report, search);
  if (status.ok()) status = WriteArticles(db, input, *existing, report, search, now, &reindexed);
  if (!status.ok()) return status;
  Result<size_t> files_changed = WriteFiles(db, input.files);
  if (!files_changed.ok()) return files_changed.status();
  report.files_changed = *files_changed;
  status = ApplySearchChanges(db, search);
  if (!status.ok()) return status;
  std::sort(report.added.begin(), report.added.end());
  std::sort(report.changed.begin(), report.changed.end());
  std::sort(report.removed.begin(), report.removed.end());
  if (!report.added.empty() || !report.changed.empty() || !report.removed.empty() ||
      report.files_changed > 0 || reindexed > 0) {
    status = Query(db, "UPDATE meta SET value = value + 1 WHERE key = 'generation'").Run();
    if (status.ok()) status = RecordChanges(db, report);
    if (!status.ok()) return status;
  }
  Query q(db, "SELECT value FROM meta WHERE key = 'generation'");
  if (!q.Next()) return q.status().ok() ? Status::Io("sqlite: generation missing") : q.status();
  report.generation = q.Int(0);
  return report;
}

}  // namespace vetted::store::sqlite
