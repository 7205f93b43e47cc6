#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <array>
#include <filesystem>

#include "store/backend.h"
#include "store/sqlite/db.h"
#include "store/sqlite/internal.h"
#include "store/sqlite/store_impl.h"
#include "store/sqlite/workflow.h"

namespace vetted::store {
namespace {

using sqlite::Exec;
using sqlite::Query;
using sqlite::Transaction;

constexpr size_t kMaxReaders = 8;

// Schema steps; step i (0-based) brings the database to user_version i + 1.
// Append only: a released step never changes.
constexpr std::array<const char*, 9> kMigrations = {
    // 1: content and feedback.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('generation', 0);
CREATE TABLE files(
  path TEXT PRIMARY KEY,
  bytes BLOB NOT NULL,
  hash TEXT NOT NULL);
CREATE TABLE articles(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  published INTEGER NOT NULL,
  current_revision INTEGER REFERENCES revisions(id));
CREATE UNIQUE INDEX articles_published_url ON articles(url) WHERE published = 1;
CREATE TABLE revisions(
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id),
  hash TEXT NOT NULL,
  bytes BLOB NOT NULL,
  bytes_hash TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX revisions_article_hash ON revisions(article_id, hash);
CREATE TABLE feedback(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  article_id INTEGER NOT NULL REFERENCES articles(id),
  revision_id INTEGER NOT NULL REFERENCES revisions(id),
  created_at TEXT NOT NULL,
  helpful INTEGER NOT NULL,
  category TEXT NOT NULL,
  comment TEXT NOT NULL);
CREATE INDEX feedback_article ON feedback(article_id);
)sql",
    // 2: the search index, one row per published article (rowid = articles.id).
    R"sql(
CREATE VIRTUAL TABLE search USING fts5(title, description, headings, tags, body,
  url UNINDEXED, section UNINDEXED,
  tokenize = 'porter unicode61 remove_diacritics 2');
)sql",
    // 3: what each import changed, for ChangesSince: one row per article source
    // path added, changed or removed, and path '' when other files changed.
    // meta.changes_from: the oldest generation ChangesSince answers for.
    R"sql(
CREATE TABLE changes(generation INTEGER NOT NULL, path TEXT NOT NULL);
CREATE INDEX changes_generation ON changes(generation);
INSERT INTO meta(key, value) SELECT 'changes_from', value FROM meta WHERE key = 'generation';
)sql",
    // 4: the search index again, through the "spelling" tokenizer (British and
    // American spellings alike) and with a low-weight glossary column; each
    // article keeps the glossary text it was indexed with.
    R"sql(
CREATE VIRTUAL TABLE search_v3 USING fts5(title, description, headings, tags, body,
  url UNINDEXED, section UNINDEXED, glossary,
  tokenize = 'porter spelling unicode61 remove_diacritics 2');
INSERT INTO search_v3(rowid, title, description, headings, tags, body, url, section, glossary)
  SELECT rowid, title, description, headings, tags, body, url, section, '' FROM search;
DROP TABLE search;
ALTER TABLE search_v3 RENAME TO search;
ALTER TABLE articles ADD COLUMN search_glossary TEXT NOT NULL DEFAULT '';
)sql",
    // 5: the newsroom's accounts and their sessions (store/accounts.h).
    R"sql(
CREATE TABLE accounts(
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  roles INTEGER NOT NULL,
  person_id TEXT NOT NULL DEFAULT '',
  disabled INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  totp_secret TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL);
CREATE TABLE sessions(
  id_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX sessions_account ON sessions(account_id);
)sql",
    // 6: the newsroom's workflow (store/workflow.h, sqlite/workflow.cc).
    sqlite::kWorkflowSchema,
    // 7: the newsroom's private preview links (store/workflow.h WfPreviewLink).
    R"sql(
CREATE TABLE wf_preview_links(
  token_hash TEXT NOT NULL UNIQUE,
  article_id INTEGER NOT NULL REFERENCES wf_articles(id),
  revision TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL);
CREATE INDEX wf_preview_links_article ON wf_preview_links(article_id);
)sql",
    // 8: readers' error reports as tickets (store/tickets.h, sqlite/tickets.cc).
    R"sql(
CREATE TABLE tickets(
  id INTEGER PRIMARY KEY,
  feedback_id INTEGER NOT NULL UNIQUE,
  article_url TEXT NOT NULL,
  article_path TEXT NOT NULL,
  revision TEXT NOT NULL,
  state TEXT NOT NULL,
  assignee INTEGER NOT NULL,
  note TEXT NOT NULL,
  publication_id INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
)sql",
    // 9: the state of the sign-in throttle and the feedback rate limit, shared
    // by every process on the database (store/limits.h, sqlite/limits.cc).
    // Keys are the callers' keyed hashes, never raw addresses.
    R"sql(
CREATE TABLE limit_secret(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  secret BLOB NOT NULL);
CREATE TABLE limit_failures(
  id INTEGER PRIMARY KEY,
  key BLOB NOT NULL,
  at INTEGER NOT NULL);
CREATE INDEX limit_failures_key ON limit_failures(key, at);
CREATE INDEX limit_failures_at ON limit_failures(at);
CREATE TABLE limit_buckets(
  key BLOB PRIMARY KEY,
  tokens REAL NOT NULL,
  last REAL NOT NULL,
  taken INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX limit_buckets_last ON limit_buckets(last);
)sql",
};

Result<int64_t> UserVersion(sqlite3* db) {
  Query q(db, "PRAGMA user_version");
  if (!q.Next()) return q.status().ok() ? Status::Io("sqlite: no user_version") : q.status();
  return q.Int(0);
}

}  // namespace

int SqliteSchemaVersion() {
  return static_cast<int>(kMigrations.size());
}

Result<int> SqliteDatabaseVersion(const std::string& path) {
  std::error_code ec;
  if (path.empty() || !std::filesystem::exists(path, ec)) return Status::NotFound("no database at " + path);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    Status status = Status::Io("sqlite: cannot open " + path + ": " + sqlite3_errmsg(db));
    sqlite3_close(db);
    return status;
  }
  Result<int64_t> version = UserVersion(db);
  sqlite3_close(db);
  if (!version.ok()) return version.status();
  return static_cast<int>(*version);
}

namespace sqlite {

Status Migrate(sqlite3* db, int target) {
  for (int step = 1; step <= target; ++step) {
    Transaction tx(db, /*write=*/true);
    if (!tx.status().ok()) return tx.status();
    Result<int64_t> version = UserVersion(db);
    if (!version.ok()) return version.status();
    if (*version > SqliteSchemaVersion()) {
      return Status::Invalid("sqlite: database schema version " + std::to_string(*version) +
                             " is newer than this program's " + std::to_string(SqliteSchemaVersion()));
    }
    if (*version >= step) continue;
    if (*version != step - 1) return Status::Internal("sqlite: migration steps out of order");
    Status status = Exec(db, kMigrations[step - 1]);
    if (status.ok()) status = Exec(db, ("PRAGMA user_version = " + std::to_string(step)).c_str());
    if (status.ok()) status = tx.Commit();
    if (!status.ok())
      return Status::Io("sqlite: migration " + std::to_string(step) + ": " + status.message());
  }
  return Status::Ok();
}

ReaderPool::ReaderPool(std::string path, bool durable, size_t max_open)
    : path_(std::move(path)), durable_(durable), max_open_(max_open) {}

ReaderPool::~ReaderPool() {
  for (sqlite3* db : idle_) CloseConnection(db);
}

Result<ReaderPool::Lease> ReaderPool::Acquire() {
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_open_; });
    if (!idle_.empty()) {
      sqlite3* db = idle_.back();
      idle_.pop_back();
      return Lease(this, db);
    }
    ++open_;
  }
  Result<sqlite3*> db = OpenConnection(path_, durable_, /*create=*/false);
  if (!db.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    cv_.notify_one();
    return db.status();
  }
  Exec(*db, "PRAGMA query_only = ON");
  // Readers map the database file instead of copying each page through a
  // read(2) (Store::Load of the 10,000-article benchmark site: about 570 -> 500 ms).
  Exec(*db, "PRAGMA mmap_size = 1073741824");
  return Lease(this, *db);
}

void ReaderPool::Release(sqlite3* db) {
  std::lock_guard lock(mu_);
  idle_.push_back(db);
  cv_.notify_one();
}

SqliteStore::SqliteStore(const std::string& path, const SqliteOptions& options, sqlite3* writer)
    : clock_(options.clock),
      writer_(writer),
      readers_(path, options.durable, kMaxReaders),
      accounts_(&writer_mu_, writer_, &readers_),
      limits_(&writer_mu_, writer_, &readers_),
      workflow_(MakeSqliteWorkflow(&writer_mu_, writer_, &readers_, clock_)) {
  WatchSpace(writer_, &out_of_space_);
  // Any commit of the writer (a transaction or a single statement) means
  // there was room again. The hook runs before the commit is final; a commit
  // that then fails for lack of space sets the flag again (SqlError).
  sqlite3_commit_hook(
      writer_,
      [](void* flag) {
        static_cast<std::atomic<bool>*>(flag)->store(false, std::memory_order_release);
        return 0;
      },
      &out_of_space_);
}

SqliteStore::~SqliteStore() {
  sqlite3_commit_hook(writer_, nullptr, nullptr);
  CloseConnection(writer_);
}

Result<int64_t> SqliteStore::Generation() {
  Result<ReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  Query q(lease->get(), "SELECT value FROM meta WHERE key = 'generation'");
  if (!q.Next()) return q.status().ok() ? Status::Io("sqlite: generation missing") : q.status();
  return q.Int(0);
}

Result<Snapshot> SqliteStore::Load() {
  Result<ReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  sqlite3* db = lease->get();
  Transaction tx(db, /*write=*/false);  // one consistent view for all three reads
  if (!tx.status().ok()) return tx.status();
  return LoadOn(db);
}

Result<Snapshot> LoadOn(sqlite3* db) {
  Snapshot snapshot;
  {
    Query q(db, "SELECT value FROM meta WHERE key = 'generation'");
    if (!q.Next()) return q.status().ok() ? Status::Io("sqlite: generation missing") : q.status();
    snapshot.generation = q.Int(0);
  }
  Query files(db, "SELECT path, bytes FROM files ORDER BY path");
  while (files.Next()) snapshot.files.push_back({files.Text(0), files.Text(1)});
  if (!files.status().ok()) return files.status();
  Query articles(db,
                 "SELECT a.path, r.bytes FROM articles a JOIN revisions r ON r.id = a.current_revision "
                 "WHERE a.published = 1 ORDER BY a.path");
  while (articles.Next()) snapshot.files.push_back({articles.Text(0), articles.Text(1)});
  if (!articles.status().ok()) return articles.status();
  std::sort(snapshot.files.begin(), snapshot.files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return snapshot;
}

Result<Changes> SqliteStore::ChangesSince(int64_t generation) {
  Result<ReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  sqlite3* db = lease->get();
  Transaction tx(db, /*write=*/false);  // one consistent view
  if (!tx.status().ok()) return tx.status();
  Changes changes;
  int64_t from = 0;
  {
    Query q(db, "SELECT key, value FROM meta WHERE key IN ('generation', 'changes_from')");
    while (q.Next()) (q.Text(0) == "generation" ? changes.generation : from) = q.Int(1);
    if (!q.status().ok()) return q.status();
  }
  if (generation < from || generation > changes.generation) return changes;
  changes.complete = true;
  Query q(
      db,
      "SELECT c.path, a.published, r.bytes FROM (SELECT DISTINCT path FROM changes WHERE generation > ?) c "
      "LEFT JOIN articles a ON a.path = c.path LEFT JOIN revisions r ON r.id = a.current_revision "
      "ORDER BY c.path");
  q.Bind(generation);
  while (q.Next()) {
    std::string path = q.Text(0);
    if (path.empty())
      changes.files_changed = true;
    else if (q.Int(1) == 1)
      changes.articles.push_back({std::move(path), q.Text(2)});
    else
      changes.removed.push_back(std::move(path));
  }
  if (!q.status().ok()) return q.status();
  return changes;
}

Result<SearchResults> SqliteStore::Search(const SearchQuery& query) {
  Result<ReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  return SqliteSearch(lease->get(), query);
}

Result<std::vector<std::string>> SqliteStore::Related(const std::string& url, size_t limit) {
  Result<ReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  return SqliteRelated(lease->get(), url, limit);
}

Result<ImportReport> SqliteStore::Import(const ImportInput& input) {
  std::lock_guard lock(writer_mu_);
  Transaction tx(writer_, /*write=*/true);
  if (!tx.status().ok()) return tx.status();
  Result<ImportReport> report = ImportLocked(writer_, input, UtcNow(*clock_));
  if (!report.ok()) return report.status();
  Status status = tx.Commit();
  if (!status.ok()) return status;
  return report;
}

std::vector<Result<int64_t>> SqliteStore::AddFeedback(const std::vector<NewFeedback>& batch) {
  std::vector<Result<int64_t>> results;
  if (batch.empty()) return results;
  std::lock_guard lock(writer_mu_);
  Transaction tx(writer_, /*write=*/true);
  Status status = tx.status();
  if (status.ok()) status = AddFeedbackLocked(writer_, batch, results);
  if (status.ok()) status = tx.Commit();
  if (!status.ok()) {
    Status io = status.code() == Code::kIo || status.code() == Code::kExhausted
                    ? status
                    : Status::Io(status.message());
    results.assign(batch.size(), io);
  }
  return results;
}

Result<std::vector<FeedbackRecord>> SqliteStore::ListFeedback() {
  Result<ReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  return ListFeedbackOn(lease->get());
}

Result<std::vector<FeedbackRecord>> SqliteStore::FindFeedback(const FeedbackFilter& filter) {
  Result<ReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  return ListFeedbackOn(lease->get(), filter);
}

Result<std::vector<RevisionInfo>> SqliteStore::Revisions(const std::string& path) {
  Result<ReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  return RevisionsOn(lease->get(), path);
}

Result<std::string> SqliteStore::RevisionBytes(const std::string& path, const std::string& revision) {
  Result<ReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  return RevisionBytesOn(lease->get(), path, revision);
}

Result<int64_t> SqliteStore::WriterPragma(const std::string& name) {
  std::lock_guard lock(writer_mu_);
  sqlite3_stmt* stmt = nullptr;
  std::string sql = "PRAGMA " + name;
  if (sqlite3_prepare_v2(writer_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqlError(writer_, sql);
  }
  Result<int64_t> value = Status::Io("sqlite: " + sql + " returned no row");
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return value;
}

}  // namespace sqlite

Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const SqliteOptions& options) {
  std::error_code ec;
  if (!options.create && !path.empty() && path != ":memory:" && !std::filesystem::exists(path, ec)) {
    return Status::NotFound("no database at " + path);
  }
  Result<sqlite3*> writer = sqlite::OpenConnection(path, options.durable, options.create);
  if (!writer.ok()) return writer.status();
  Status status = Exec(*writer, "PRAGMA journal_mode = WAL");
  if (status.ok()) status = sqlite::Migrate(*writer, SqliteSchemaVersion());
  if (!status.ok()) {
    sqlite::CloseConnection(*writer);
    return status;
  }
  return std::unique_ptr<Store>(std::make_unique<sqlite::SqliteStore>(path, options, *writer));
}

}  // namespace vetted::store
