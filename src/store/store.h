// store/: where a served site lives. The Store interface is the only thing the
// server and the CLI see; store::Open (store/open.h) picks a backend from an
// address. Each backend lives in its own folder and build target
// (store/sqlite/, store/memory/; store/postgres/ later) and passes the same
// contract tests (store/contract_test.h).
//
// What the store holds:
//   - the site's source files (site.toml, people, glossary, bibliographies,
//     pages, callouts, static files, theme overrides) as path -> bytes;
//   - articles by source path, each with its revisions (the whole file text,
//     identified by the revision hash a reviewer signs: model RevisionOf), one
//     of them current, and a published flag;
//   - the search index (one document per published article);
//   - reader feedback, tied to the article and the revision the reader saw.
// The store never builds HTML and never parses Markdown: callers hand it
// bytes and search text (see cli/import) and read bytes back.
//
// Durability: a write (Import, AddFeedback) is durable when it returns, as
// durable as its backend makes anything; each backend's header says how
// (SQLite: committed with synchronous=FULL; memory: until the process exits).
// Errors are values: every method returns Status/Result, never throws.
// Thread safety: every method may be called from any number of threads at
// once (backends serialize writes internally).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/status.h"
#include "store/accounts.h"
#include "store/limits.h"
#include "store/workflow.h"

namespace vetted::store {

// One file of a site folder; path relative to the site root, '/' separated
// ("site.toml", "people/ana.yaml", "static/img/x.jpg").
struct SourceFile {
  std::string path;
  std::string bytes;
};

// What the search index holds for one article. Plain text only.
struct SearchDocument {
  std::string title;
  std::string description;
  std::string headings;  // heading texts, one per line
  std::string body;      // visible body text
  std::string section;   // URL of the article's top-level section, e.g. "/relationships/"; "/" when none
  std::string tags;      // tags, space separated
  // The glossary's other names for the terms the article mentions (a term
  // and its aliases, one per line, leaving out those its text already has):
  // "sleep apnoea" makes an article found by "OSA". Weighs least of all
  // fields (0.5, body 1), so an article that uses the reader's own words ranks first.
  std::string glossary;
};

// One article file as imported.
struct ArticleSource {
  std::string path;      // "content/relationships/x.md"
  std::string url;       // "/relationships/x/"
  std::string revision;  // "sha256:<hex>" of what a reader sees (model RevisionOf)
  std::string bytes;     // the whole file: front matter and body
  SearchDocument search;
  // Optional: util::Sha256Hex(bytes) when the caller has it already (an
  // import hashes each article's bytes once); "" and the store computes it.
  // A wrong value is the caller's bug: the store trusts it.
  std::string bytes_sha256;
};

// Everything a site folder holds, as one import.
struct ImportInput {
  std::vector<ArticleSource> articles;
  std::vector<SourceFile> files;  // every other file of the site folder
};

// What an import changed. Paths are article source paths, sorted.
struct ImportReport {
  std::vector<std::string> added;    // new article, or a previously unpublished one back
  std::vector<std::string> changed;  // a new revision (different revision hash or file bytes)
  std::vector<std::string> removed;  // no longer in the folder: unpublished (rows and revisions kept)
  size_t unchanged = 0;              // articles left exactly as they were
  size_t files_changed = 0;          // other files added, changed or removed
  int64_t generation = 0;            // content generation after the import
};

// The published content, as the server loads it.
struct Snapshot {
  int64_t generation = 0;
  // Every non-article file plus the current revision's bytes of every
  // published article at its source path: exactly a site folder's files.
  std::vector<SourceFile> files;
};

// What changed in the published content since an earlier generation (Store::ChangesSince).
struct Changes {
  int64_t generation = 0;  // the generation these changes lead to (the current one)
  // false: the store cannot say what changed since that generation (older
  // than what it keeps, or from before this database recorded changes); the
  // caller must Load() everything. The fields below are then empty.
  bool complete = false;
  bool files_changed = false;  // some non-article file was added, changed or removed
  // Published articles added or changed since, with their current bytes
  // (source path, file bytes), sorted by path. An article changed and changed
  // back may appear although its bytes are as before.
  std::vector<SourceFile> articles;
  // Source paths of articles no longer published (sorted). May name an article
  // added and removed again within the range (not in the older snapshot).
  std::vector<std::string> removed;
};

struct SearchQuery {
  std::string text;     // what the reader typed; any bytes (never an error: junk matches nothing)
  std::string section;  // "" = everywhere; else a top-level section URL ("/relationships/")
  size_t offset = 0;
  size_t limit = 10;  // at most 50
};

// [begin, end) byte offsets into SearchHit::snippet.
using MatchRange = std::pair<size_t, size_t>;

struct SearchHit {
  std::string url;
  std::string title;
  // Plain text (NOT escaped: it may hold '<' or '&' as written), a window of
  // the body (else the description) around the matches; whitespace runs are
  // one space; "…" marks a cut at either end. The store never builds HTML:
  // render::SnippetHtml escapes it and marks the ranges.
  std::string snippet;
  // Where the query's words (as written, stemmed matches included) are in
  // `snippet`: sorted, not overlapping, within the snippet, on UTF-8
  // character boundaries.
  std::vector<MatchRange> match_ranges;
  std::string section;
  double score = 0;  // higher is better
};

struct SearchResults {
  std::vector<SearchHit> hits;
  size_t total = 0;  // matches in all (hits is one page of them)
};

// A reader's feedback as the server accepts it (already validated and with
// personal data masked by the caller).
struct NewFeedback {
  std::string article_url;  // "/relationships/x/"
  std::string revision;     // revision hash of the page the reader saw; "" = the current one
  bool helpful = false;
  std::string category;    // "helpful" | "error" | "other"
  std::string comment;     // may be empty
  std::string created_at;  // UTC, "2026-11-26T06:01:02Z", set by the caller's clock
};

struct FeedbackRecord {
  int64_t id = 0;
  std::string article_url;
  std::string article_path;  // source path of the article
  std::string revision;      // revision hash the reader saw
  bool helpful = false;
  std::string category;
  std::string comment;
  std::string created_at;
};

// Which feedback FindFeedback returns; every field narrows it.
struct FeedbackFilter {
  std::string article_url;  // "" = every article
  std::string category;     // "" = any ("helpful", "error", "other")
  int64_t after_id = 0;     // only entries with a larger id
};

// One revision of an article as the store first saw it.
struct RevisionInfo {
  std::string revision;    // "sha256:<hex>"
  std::string created_at;  // UTC "2026-11-26T06:01:02Z", when the store first saw it
  bool current = false;    // the article's current revision
};

// Where a store's reads went, when it has a read replica (PostgreSQL with
// --db-read): page loads and searches are read from the replica once it has
// replayed every generation this store has seen, else from the primary.
struct ReplicaReads {
  int64_t replica = 0;    // reads answered by the replica
  int64_t waited = 0;     // of those, how many waited for it to replay first
  int64_t primary = 0;    // reads sent to the primary: the replica was behind or unreachable
  bool reachable = true;  // the last attempt to use the replica found it answering
};

class Store {
 public:
  virtual ~Store() = default;

  // Replaces the content with `input` in one transaction (all or nothing):
  // articles whose revision hash and bytes are unchanged are left alone
  // (only re-indexed when their SearchDocument::glossary changed); a
  // changed one gets a new revision that becomes current; an article missing
  // from input is unpublished (its revisions and feedback are kept); other
  // files are replaced to match input.files exactly. The generation goes up
  // by one when anything changed. kInvalid for duplicate paths or URLs in
  // input (nothing is changed); kIo when the backend fails.
  virtual Result<ImportReport> Import(const ImportInput& input) = 0;

  // Imports some articles only, leaving every other article and every other
  // file as it is (`vetted dev` after a writer saved one article): each
  // article of `articles` is added, gets a new current revision, or is left
  // unchanged exactly as Import would with the stored content plus it; the
  // report and the generation follow Import's rules, and ChangesSince reports
  // the articles changed. kInvalid for an empty path or URL, or a path or
  // URL twice in `articles`, or a URL another published article has
  // (nothing is changed). kConflict when the backend cannot import single
  // articles (the default): the caller imports everything with Import.
  virtual Result<ImportReport> ImportArticles(const std::vector<ArticleSource>& articles);

  // The published content; cheap enough to call on every reload.
  virtual Result<Snapshot> Load() = 0;

  // The content generation: changes whenever an import changes anything
  // (also when done by another process on the same database). Cheap: the
  // server polls it a few times per second.
  virtual Result<int64_t> Generation() = 0;

  // Waits until the generation may have moved past `generation` (an import
  // by this or another process), or `timeout` passed, and returns true; or
  // returns false at once when the backend is not told of changes (the
  // default; PostgreSQL is, through LISTEN/NOTIFY, while connected): the
  // caller then polls Generation() itself.
  virtual bool WaitForChange(int64_t generation, std::chrono::milliseconds timeout) {
    (void)generation;
    (void)timeout;
    return false;
  }

  // What changed since `generation` (an earlier value of Generation()), read
  // in one consistent view: applying `articles` and `removed` to the snapshot
  // Load() returned at `generation` gives the snapshot Load() would return
  // now (when !files_changed). complete=false when the store does not know
  // (see Changes); the default implementation always says so. kIo when the
  // backend fails.
  virtual Result<Changes> ChangesSince(int64_t generation);

  // Full-text search over published articles: title, description, headings
  // and tags weigh more than the body, the glossary field less; words are
  // stemmed (English) after util::SearchSpelling, so British and American
  // spellings match each other ("anaemia", "anemia"); best first. Never fails on odd input (quotes,
  // operators, control bytes): it is treated as words.
  virtual Result<SearchResults> Search(const SearchQuery& query) = 0;

  // Up to `limit` published articles most like the article at `url` by the
  // same index (excluding itself), best first, as URLs. kNotFound for an
  // unknown URL.
  virtual Result<std::vector<std::string>> Related(const std::string& url, size_t limit) = 0;

  // Stores a batch of feedback in ONE transaction (all the accepted entries or
  // none) and returns only once it is durable: as durable as the backend
  // makes anything (its header says how; SQLite: committed with
  // synchronous=FULL; memory: kept until the process exits). One result per
  // entry, in order: the new id (ids grow); kNotFound when the article URL
  // is not published; kInvalid when `revision` is non-empty and is not one of
  // that article's revisions. A refused entry is skipped, the others are
  // stored. When the transaction fails every entry gets the error (kIo).
  virtual std::vector<Result<int64_t>> AddFeedback(const std::vector<NewFeedback>& batch) = 0;

  // All feedback, oldest first.
  virtual Result<std::vector<FeedbackRecord>> ListFeedback() = 0;
  // The feedback that matches `filter`, oldest first (ListFeedback narrowed;
  // the default filters ListFeedback). kIo when the backend fails.
  virtual Result<std::vector<FeedbackRecord>> FindFeedback(const FeedbackFilter& filter);

  // The revisions of the article at source path `path` ("content/a/b.md"), oldest first.
  // kNotFound when the store has no such article.
  // One entry per distinct revision hash (imports of the same hash with other
  // bytes, e.g. after a review was signed into the front matter, are the same
  // revision), ordered by when the hash was first stored; created_at is that
  // first time; current is true for the hash of the article's current
  // revision (also while the article is unpublished). kIo when the database fails.
  virtual Result<std::vector<RevisionInfo>> Revisions(const std::string& path) = 0;
  // The whole file bytes of one revision of that article. kNotFound when unknown.
  // When one hash was stored with several byte strings: the current
  // revision's bytes if it has that hash, else the most recently stored ones.
  // kIo when the database fails.
  virtual Result<std::string> RevisionBytes(const std::string& path, const std::string& revision) = 0;

  // The newsroom's tables in the same database (store/accounts.h,
  // store/workflow.h); nullptr when the backend has none. Owned by the store.
  virtual AccountStore* Accounts() { return nullptr; }
  virtual WorkflowStore* Workflow() { return nullptr; }
  // The shared state of the sign-in throttle and the feedback rate limit
  // (store/limits.h); nullptr when the backend has none. Owned by the store.
  virtual LimitStore* Limits() { return nullptr; }

  // Counts of the reads sent to a read replica and to the primary; false
  // when the store has no read replica (the default).
  virtual bool ReplicaCounts(ReplicaReads* out) const {
    (void)out;
    return false;
  }

  // True after a write failed for lack of space (kExhausted: the disk holding
  // the database is full) until a write commits again. Cheap (an atomic
  // load); any thread. Backends that cannot tell say false.
  virtual bool OutOfSpace() const { return false; }
  // The backend's own name for that failure, for the log line that says
  // writes are refused ("SQLITE_FULL, no space left on the device").
  virtual std::string OutOfSpaceCause() const { return "no space left on the device"; }
};

}  // namespace vetted::store
