// Import, ImportArticles, ChangesSince, Revisions and RevisionBytes on PostgreSQL.
//
// An import compares the input with what is stored by hash and writes only
// what changed, in a handful of statements whatever the number of articles:
// the stored state of the input's paths is read in one query, and the rows to
// write go to the server as arrays (unnest) rather than one statement each.
// Imports from several nodes are serialized by the row lock on
// meta('generation') (SELECT ... FOR UPDATE), taken first and held until the
// caller's transaction ends.
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "store/backend.h"
#include "store/postgres/pg_array.h"
#include "store/postgres/store_impl.h"
#include "util/util.h"

namespace vetted::store::postgres {
namespace {

// How many generations ChangesSince can look back (as the other backends).
constexpr int64_t kChangesKept = 64;
// Rows whose bytes go to the server in one statement: at most this many bytes
// (one statement's parameters are held in memory on both sides).
constexpr size_t kChunkBytes = size_t{32} << 20;

using pg::Array;

// Calls fn(begin, end) over [0, n) in ranges whose bytes (size(i)) stay under
// kChunkBytes (a range has at least one element); stops at the first error.
template <typename Size, typename Fn>
Status ForChunks(size_t n, Size size, Fn fn) {
  size_t begin = 0;
  while (begin < n) {
    size_t end = begin;
    size_t bytes = 0;
    while (end < n && (end == begin || bytes + size(end) <= kChunkBytes)) bytes += size(end++);
    if (Status s = fn(begin, end); !s.ok()) return s;
    begin = end;
  }
  return Status::Ok();
}

// What is stored for one article path.
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

// The stored articles this import may touch, in one query: those at the
// input's paths, and the published ones (a whole import unpublishes those
// missing from the input; ImportArticles checks their URLs).
Result<ExistingMap> ReadArticles(pg::Conn& conn, const ImportInput& input, bool whole) {
  Array paths(Array::kText), urls(Array::kText);
  for (const ArticleSource& a : input.articles) {
    paths.AddBytes(a.path);
    urls.AddBytes(a.url);
  }
  const char* sql = whole
                        ? "SELECT a.path, a.id, a.url, a.published, r.hash, r.bytes_hash, a.search_glossary "
                          "FROM articles a LEFT JOIN revisions r ON r.id = a.current_revision "
                          "WHERE a.published OR a.path = ANY($1::text[])"
                        : "SELECT a.path, a.id, a.url, a.published, r.hash, r.bytes_hash, a.search_glossary "
                          "FROM articles a LEFT JOIN revisions r ON r.id = a.current_revision "
                          "WHERE a.path = ANY($1::text[]) OR (a.published AND a.url = ANY($2::text[]))";
  Result<pg::Rows> rows =
      whole ? conn.Query(sql, paths.Encoded()) : conn.Query(sql, paths.Encoded(), urls.Encoded());
  if (!rows.ok()) return rows.status();
  ExistingMap map;
  map.reserve(static_cast<size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i) {
    map.emplace(rows->Text(i, 0), Existing{rows->Int(i, 1), rows->Text(i, 2), rows->Int(i, 3) != 0,
                                           rows->Text(i, 4), rows->Text(i, 5), rows->Text(i, 6)});
  }
  return map;
}

// An article of the input that gets a new current revision.
struct NewRevision {
  int64_t article_id = 0;
  const ArticleSource* source = nullptr;
  const std::string* bytes_hash = nullptr;
};

// Makes (hash, bytes) current for each article of `revisions`, reusing an
// identical older revision of the same article when there is one (SQLite's
// SetCurrentRevision), one statement per chunk of bytes.
Status SetCurrentRevisions(pg::Conn& conn, const std::vector<NewRevision>& revisions,
                           const std::string& now) {
  return ForChunks(
      revisions.size(), [&](size_t i) { return revisions[i].source->bytes.size() + 128; },
      [&](size_t begin, size_t end) -> Status {
        Array ids(Array::kInt8), hashes(Array::kText), bytes(Array::kBytea), bytes_hashes(Array::kText);
        for (size_t i = begin; i < end; ++i) {
          ids.AddInt(revisions[i].article_id);
          hashes.AddBytes(revisions[i].source->revision);
          bytes.AddBytes(revisions[i].source->bytes);
          bytes_hashes.AddBytes(*revisions[i].bytes_hash);
        }
        Result<pg::Rows> r = conn.Query(
            "WITH input AS ("
            "  SELECT * FROM unnest($1::int8[], $2::text[], $3::bytea[], $4::text[]) "
            "  AS t(article_id, hash, bytes, bytes_hash)), "
            "found AS ("
            "  SELECT i.article_id, min(r.id) AS id FROM input i JOIN revisions r "
            "  ON r.article_id = i.article_id AND r.hash = i.hash AND r.bytes_hash = i.bytes_hash "
            "  GROUP BY i.article_id), "
            "added AS ("
            "  INSERT INTO revisions(article_id, hash, bytes, bytes_hash, created_at) "
            "  SELECT i.article_id, i.hash, i.bytes, i.bytes_hash, $5 FROM input i "
            "  WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.article_id = i.article_id) "
            "  RETURNING id, article_id) "
            "UPDATE articles a SET current_revision = c.id "
            "FROM (SELECT article_id, id FROM found UNION ALL SELECT article_id, id FROM added) c "
            "WHERE a.id = c.article_id",
            ids.Encoded(), hashes.Encoded(), bytes.Encoded(), bytes_hashes.Encoded(), now);
        if (!r.ok()) return r.status();
        if (r->affected() != static_cast<int64_t>(end - begin))
          return Status::Io("postgresql: import set " + std::to_string(r->affected()) +
                            " current revisions of " + std::to_string(end - begin));
        return Status::Ok();
      });
}

// Makes the files table match `files`; returns how many were added, changed or removed.
Result<size_t> WriteFiles(pg::Conn& conn, const std::vector<SourceFile>& files) {
  Result<pg::Rows> rows = conn.Query("SELECT path, hash FROM files");
  if (!rows.ok()) return rows.status();
  std::unordered_map<std::string, std::string> stored;  // path -> hash
  stored.reserve(static_cast<size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i) stored.emplace(rows->Text(i, 0), rows->Text(i, 1));
  std::vector<std::string> hashes(files.size());
  util::ParallelFor(files.size(), [&](size_t i) { hashes[i] = util::Sha256Hex(files[i].bytes); });
  std::vector<size_t> write;  // indexes into files
  for (size_t i = 0; i < files.size(); ++i) {
    auto it = stored.find(files[i].path);
    if (it != stored.end()) {
      bool same = it->second == hashes[i];
      stored.erase(it);
      if (same) continue;
    }
    write.push_back(i);
  }
  Status status = ForChunks(
      write.size(), [&](size_t i) { return files[write[i]].bytes.size() + 128; },
      [&](size_t begin, size_t end) -> Status {
        Array paths(Array::kText), bytes(Array::kBytea), file_hashes(Array::kText);
        for (size_t i = begin; i < end; ++i) {
          paths.AddBytes(files[write[i]].path);
          bytes.AddBytes(files[write[i]].bytes);
          file_hashes.AddBytes(hashes[write[i]]);
        }
        return conn
            .Query(
                "INSERT INTO files(path, bytes, hash) "
                "SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[]) "
                "ON CONFLICT (path) DO UPDATE SET bytes = EXCLUDED.bytes, hash = EXCLUDED.hash",
                paths.Encoded(), bytes.Encoded(), file_hashes.Encoded())
            .status();
      });
  if (!status.ok()) return status;
  if (!stored.empty()) {
    Array gone(Array::kText);
    for (const auto& [path, hash] : stored) gone.AddBytes(path);
    Result<pg::Rows> r = conn.Query("DELETE FROM files WHERE path = ANY($1::text[])", gone.Encoded());
    if (!r.ok()) return r.status();
  }
  return write.size() + stored.size();
}

// The generation row, locked until the caller's transaction ends: imports
// (from this node or another) run one after another from here on.
Result<int64_t> LockGeneration(pg::Conn& conn) {
  Result<pg::Rows> rows = conn.Query("SELECT value FROM meta WHERE key = 'generation' FOR UPDATE");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::Io("postgresql: generation missing");
  return rows->Int(0, 0);
}

// Sets the new generation and records what changed for ChangesSince (path ''
// for other files), dropping what is older than kChangesKept generations.
Status RecordChanges(pg::Conn& conn, int64_t generation, const ImportReport& report) {
  Array paths(Array::kText);
  for (const auto* list : {&report.added, &report.changed, &report.removed})
    for (const std::string& path : *list) paths.AddBytes(path);
  if (report.files_changed > 0) paths.AddBytes(std::string_view());
  return conn
      .Query(
          "WITH g AS (UPDATE meta SET value = $1::int8 WHERE key = 'generation'), "
          "c AS (INSERT INTO changes(generation, path) SELECT $1::int8, unnest($2::text[])), "
          "d AS (DELETE FROM changes WHERE generation < $3::int8) "
          "UPDATE meta SET value = greatest(value, $3::int8) WHERE key = 'changes_from'",
          generation, paths.Encoded(), generation - kChangesKept)
      .status();
}

// Import (whole: the input is the whole site; missing articles are unpublished
// and the files replaced) or ImportArticles (!whole: only the input's articles).
Result<ImportReport> ImportContent(pg::Conn& conn, const ImportInput& input, const std::string& now,
                                   bool whole) {
  Result<int64_t> generation = LockGeneration(conn);
  if (!generation.ok()) return generation.status();
  Result<ExistingMap> read = ReadArticles(conn, input, whole);
  if (!read.ok()) return read.status();
  ExistingMap& existing = *read;

  if (!whole) {  // a URL another published article has: nothing is changed
    std::unordered_map<std::string_view, std::string_view> url_paths;
    for (const ArticleSource& a : input.articles) url_paths.emplace(a.url, a.path);
    for (const auto& [path, e] : existing) {
      if (!e.published) continue;
      auto it = url_paths.find(e.url);
      if (it != url_paths.end() && it->second != path)
        return Status::Invalid("import: URL " + e.url + " is already " + path + "'s");
    }
  }

  // The bytes' hashes the caller did not give, on several threads.
  std::vector<std::string> hashes(input.articles.size());
  util::ParallelFor(hashes.size(), [&](size_t i) {
    if (input.articles[i].bytes_sha256.empty()) hashes[i] = util::Sha256Hex(input.articles[i].bytes);
  });
  auto bytes_hash = [&](size_t i) -> const std::string& {
    return input.articles[i].bytes_sha256.empty() ? hashes[i] : input.articles[i].bytes_sha256;
  };

  ImportReport report;
  size_t reindexed = 0;
  // Phase 1 (as SQLite's UnpublishFirst): unpublish the articles missing from
  // the input, and for now those whose URL changes, so that no statement below
  // meets a published URL clash (articles_published_url).
  Array unpublish(Array::kInt8);
  std::vector<int64_t> unindex;
  for (const ArticleSource& a : input.articles) {
    auto it = existing.find(a.path);
    if (it == existing.end()) continue;
    it->second.seen = true;
    if (it->second.published && it->second.url != a.url) unpublish.AddInt(it->second.id);
  }
  if (whole) {
    for (const auto& [path, e] : existing) {
      if (!e.published || e.seen) continue;
      unpublish.AddInt(e.id);
      unindex.push_back(e.id);
      report.removed.push_back(path);
    }
  }
  if (!unpublish.empty()) {
    Result<pg::Rows> r =
        conn.Query("UPDATE articles SET published = false WHERE id = ANY($1::int8[])", unpublish.Encoded());
    if (!r.ok()) return r.status();
  }

  // Phase 2: classify the input's articles.
  std::vector<size_t> fresh;  // not stored yet
  Array update_ids(Array::kInt8), update_urls(Array::kText), update_glossaries(Array::kText);
  std::vector<NewRevision> revisions;                           // article ids of fresh ones filled in below
  std::vector<std::pair<int64_t, const ArticleSource*>> index;  // search rows written last
  for (size_t i = 0; i < input.articles.size(); ++i) {
    const ArticleSource& a = input.articles[i];
    auto it = existing.find(a.path);
    if (it == existing.end()) {
      fresh.push_back(i);
      report.added.push_back(a.path);
      continue;
    }
    const Existing& e = it->second;
    bool same_revision = e.hash == a.revision && e.bytes_hash == bytes_hash(i);
    if (e.published && e.url == a.url && same_revision) {
      ++report.unchanged;
      if (e.glossary != a.search.glossary) {  // only the search row changes
        update_ids.AddInt(e.id);
        update_urls.AddBytes(a.url);
        update_glossaries.AddBytes(a.search.glossary);
        index.emplace_back(e.id, &a);
        ++reindexed;
      }
      continue;
    }
    update_ids.AddInt(e.id);
    update_urls.AddBytes(a.url);
    update_glossaries.AddBytes(a.search.glossary);
    if (!same_revision) revisions.push_back({e.id, &a, &bytes_hash(i)});
    index.emplace_back(e.id, &a);
    (e.published ? report.changed : report.added).push_back(a.path);
  }

  if (!fresh.empty()) {
    Array paths(Array::kText), urls(Array::kText), glossaries(Array::kText);
    for (size_t i : fresh) {
      paths.AddBytes(input.articles[i].path);
      urls.AddBytes(input.articles[i].url);
      glossaries.AddBytes(input.articles[i].search.glossary);
    }
    Result<pg::Rows> rows = conn.Query(
        "INSERT INTO articles(path, url, published, search_glossary) "
        "SELECT p, u, true, g FROM unnest($1::text[], $2::text[], $3::text[]) AS t(p, u, g) RETURNING path, "
        "id",
        paths.Encoded(), urls.Encoded(), glossaries.Encoded());
    if (!rows.ok()) return rows.status();
    std::unordered_map<std::string_view, int64_t> ids;
    ids.reserve(fresh.size());
    for (int r = 0; r < rows->size(); ++r) ids.emplace(rows->View(r, 0), rows->Int(r, 1));
    for (size_t i : fresh) {
      auto it = ids.find(input.articles[i].path);
      if (it == ids.end())
        return Status::Io("postgresql: import lost the new article " + input.articles[i].path);
      revisions.push_back({it->second, &input.articles[i], &bytes_hash(i)});
      index.emplace_back(it->second, &input.articles[i]);
    }
  }
  if (!update_ids.empty()) {
    Result<pg::Rows> r = conn.Query(
        "UPDATE articles a SET url = t.u, published = true, search_glossary = t.g "
        "FROM unnest($1::int8[], $2::text[], $3::text[]) AS t(id, u, g) WHERE a.id = t.id",
        update_ids.Encoded(), update_urls.Encoded(), update_glossaries.Encoded());
    if (!r.ok()) return r.status();
  }
  if (Status s = SetCurrentRevisions(conn, revisions, now); !s.ok()) return s;

  if (whole) {
    Result<size_t> files_changed = WriteFiles(conn, input.files);
    if (!files_changed.ok()) return files_changed.status();
    report.files_changed = *files_changed;
  }

  // The search index, where SQLite's ApplySearchChanges writes it: removed
  // articles' rows go, added, changed and re-glossaried ones are (re)written.
  for (int64_t id : unindex) {
    if (Status s = UnindexArticle(conn, id); !s.ok()) return s;
  }
  for (const auto& [id, a] : index) {
    if (Status s = IndexArticle(conn, id, a->url, a->search); !s.ok()) return s;
  }

  std::sort(report.added.begin(), report.added.end());
  std::sort(report.changed.begin(), report.changed.end());
  std::sort(report.removed.begin(), report.removed.end());
  report.generation = *generation;
  if (!report.added.empty() || !report.changed.empty() || !report.removed.empty() ||
      report.files_changed > 0 || reindexed > 0) {
    report.generation = *generation + 1;
    if (Status s = RecordChanges(conn, report.generation, report); !s.ok()) return s;
    // Every node listening (GenerationListener) hears of it when this transaction commits. Channels are
    // per database, not per schema: the payload names the schema, "<schema> <generation>".
    if (Result<pg::Rows> n =
            conn.Query("SELECT pg_notify('vetted_generation', current_schema() || ' ' || $1::int8::text)",
                       report.generation);
        !n.ok())
      return n.status();
  }
  return report;
}

// Runs `work` in a transaction of its own on a pooled connection.
template <typename T, typename Fn>
Result<T> InTransaction(pg::Pool& pool, const char* begin, Fn work) {
  Result<pg::Pool::Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  pg::Transaction tx(**conn, begin);
  if (!tx.status().ok()) return tx.status();
  Result<T> out = work(**conn);
  if (!out.ok()) return out.status();
  if (Status s = tx.Commit(); !s.ok()) return s;
  return out;
}

}  // namespace

Result<ImportReport> ImportOn(pg::Conn& conn, const ImportInput& input, const std::string& now) {
  if (Status s = ValidateImport(input); !s.ok()) return s;
  return ImportContent(conn, input, now, /*whole=*/true);
}

Result<ImportReport> PostgresStore::Import(const ImportInput& input) {
  if (Status s = ValidateImport(input); !s.ok()) return s;  // before taking a connection
  const std::string now = UtcNow(clock());
  Result<ImportReport> report = InTransaction<ImportReport>(
      pool(), "BEGIN", [&](pg::Conn& conn) { return ImportContent(conn, input, now, true); });
  if (report.ok()) listener_.Saw(report->generation);
  return report;
}

Result<ImportReport> PostgresStore::ImportArticles(const std::vector<ArticleSource>& articles) {
  ImportInput input;
  input.articles = articles;  // ValidateImport checks paths and URLs within them
  if (Status s = ValidateImport(input); !s.ok()) return s;
  const std::string now = UtcNow(clock());
  Result<ImportReport> report = InTransaction<ImportReport>(
      pool(), "BEGIN", [&](pg::Conn& conn) { return ImportContent(conn, input, now, false); });
  if (report.ok()) listener_.Saw(report->generation);
  return report;
}

Result<Changes> PostgresStore::ChangesSince(int64_t generation) {
  return Read<Changes>([&](pg::Conn& conn) { return ChangesOn(conn, generation); });
}

Result<Changes> PostgresStore::ChangesOn(pg::Conn& conn, int64_t generation) {
  // One consistent view for the generation and the changed articles' bytes.
  pg::Transaction tx(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!tx.status().ok()) return tx.status();
  Result<Changes> out = [&]() -> Result<Changes> {
    Changes changes;
    Result<pg::Rows> meta =
        conn.Query("SELECT key, value FROM meta WHERE key IN ('generation', 'changes_from')");
    if (!meta.ok()) return meta.status();
    int64_t from = 0;
    for (int i = 0; i < meta->size(); ++i)
      (meta->View(i, 0) == "generation" ? changes.generation : from) = meta->Int(i, 1);
    if (generation < from || generation > changes.generation) return changes;
    changes.complete = true;
    Result<pg::Rows> rows = conn.Query(
        "SELECT c.path, coalesce(a.published, false), r.bytes "
        "FROM (SELECT DISTINCT path FROM changes WHERE generation > $1::int8) c "
        "LEFT JOIN articles a ON a.path = c.path LEFT JOIN revisions r ON r.id = a.current_revision "
        "ORDER BY c.path COLLATE \"C\"",
        generation);
    if (!rows.ok()) return rows.status();
    for (int i = 0; i < rows->size(); ++i) {
      std::string path = rows->Text(i, 0);
      if (path.empty())
        changes.files_changed = true;
      else if (rows->Int(i, 1) != 0)
        changes.articles.push_back({std::move(path), rows->Text(i, 2)});
      else
        changes.removed.push_back(std::move(path));
    }
    return changes;
  }();
  if (!out.ok()) return out.status();
  if (Status s = tx.Commit(); !s.ok()) return s;
  return out;
}

Result<std::vector<RevisionInfo>> PostgresStore::Revisions(const std::string& path) {
  Result<pg::Pool::Lease> conn = pool().Acquire();
  if (!conn.ok()) return conn.status();
  // One statement, one view: the article, its current hash and each hash
  // once from the row that first stored it.
  Result<pg::Rows> rows = (*conn)->Query(
      "SELECT f.hash, f.created_at, f.hash = cur.hash, f.id IS NULL "
      "FROM articles a LEFT JOIN revisions cur ON cur.id = a.current_revision "
      "LEFT JOIN LATERAL (SELECT DISTINCT ON (hash) id, hash, created_at FROM revisions "
      "  WHERE article_id = a.id ORDER BY hash, id) f ON true "
      "WHERE a.path = $1 ORDER BY f.id",
      path);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("store: no article at " + path);
  std::vector<RevisionInfo> out;
  for (int i = 0; i < rows->size(); ++i) {
    if (rows->Int(i, 3) != 0) continue;  // an article without revisions
    out.push_back({rows->Text(i, 0), rows->Text(i, 1), rows->Int(i, 2) != 0});
  }
  return out;
}

Result<std::string> PostgresStore::RevisionBytes(const std::string& path, const std::string& revision) {
  Result<pg::Pool::Lease> conn = pool().Acquire();
  if (!conn.ok()) return conn.status();
  Result<pg::Rows> rows = (*conn)->Query(
      "SELECT r.bytes FROM revisions r JOIN articles a ON a.id = r.article_id "
      "WHERE a.path = $1 AND r.hash = $2 "
      "ORDER BY (r.id = a.current_revision) IS TRUE DESC, r.id DESC LIMIT 1",
      path, revision);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("store: " + path + " has no revision " + revision);
  return rows->Text(0, 0);
}

}  // namespace vetted::store::postgres
