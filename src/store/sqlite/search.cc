// Search and Related over the FTS5 table `search` (see internal.h).
//
// Why not just "ORDER BY bm25(...) LIMIT n": FTS5 computes bm25 for every
// matching row before it can sort, about 1 us per row and term. Common words
// match most of a corpus (every article of the 10,000-article benchmark
// corpus), so that costs 10-35 ms per query. FTS5's bm25 is a sum over the
// query's phrases of a per-phrase part that depends only on that phrase and
// the row, so we compute it per word instead: the first query that uses a
// word asks FTS5 once for bm25 of that word alone on every row it matches,
// and keeps the (rowid, score) list in a process-wide cache shared by every
// connection to the same database file, dropped when the content generation
// (meta.generation) changes. A query then merges a few sorted lists in
// memory: the same order and scores as FTS5's bm25 on the whole query, in
// tens of microseconds. Snippets tokenize the hit's text with the index's own
// tokenizer, only as far as the chosen window, and come out as plain text with
// match ranges (store/search_text.h): no HTML here.
#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "store/search_text.h"
#include "store/sqlite/internal.h"

namespace vetted::store {
namespace {

constexpr size_t kMaxWords = 12;         // per search query
constexpr size_t kMaxRelatedWords = 24;  // title, tags, description words of the article
constexpr int kWindow = static_cast<int>(kSnippetTokens);
constexpr size_t kMaxCachedPostings = 4'000'000;  // ~64 MB; the cache is emptied beyond it
constexpr size_t kMaxCachedRelated = 20'000;

// bm25 with the column weights title 10, description 5, headings 4, tags 4,
// body 1, glossary 0.5 (url and section are not indexed).
constexpr const char* kTermSql =
    "SELECT rowid, bm25(search, 10.0, 5.0, 4.0, 4.0, 1.0, 0.0, 0.0, 0.5) FROM search WHERE search MATCH ?1";
constexpr const char* kHitSql = "SELECT url, title, section, body, description FROM search WHERE rowid = ?1";
constexpr const char* kSectionsSql = "SELECT rowid, section FROM search";
constexpr const char* kGenerationSql = "SELECT value FROM meta WHERE key = 'generation'";
constexpr const char* kArticleIdSql = "SELECT id FROM articles WHERE url = ?1 AND published = 1";
constexpr const char* kRelatedTextSql = "SELECT title, tags, description FROM search WHERE rowid = ?1";
constexpr const char* kUrlSql = "SELECT url FROM search WHERE rowid = ?1";

// ---------------------------------------------------------------- the cache

struct Posting {
  int64_t rowid;
  double score;  // -bm25 of the word alone on this row: higher is better
};
using PostingList = std::vector<Posting>;  // sorted by rowid
using PostingPtr = std::shared_ptr<const PostingList>;

struct DbCache {
  int64_t generation = -1;
  std::unordered_map<std::string, PostingPtr> words;
  size_t postings = 0;
  std::unordered_map<std::string, PostingPtr> sections;  // section -> its rowids (score 0)
  bool sections_loaded = false;
  std::unordered_map<std::string, std::vector<std::string>> related;  // "limit url" -> urls
};

struct Caches {
  std::mutex mu;
  std::unordered_map<std::string, DbCache> by_file;
};

Caches& GlobalCaches() {
  static Caches* caches = new Caches();  // never destroyed: used until exit by any thread
  return *caches;
}

// The cache of one database file at one generation. Lookups and stores on an
// older generation than the cache's pass through (no caching).
class CacheView {
 public:
  CacheView(sqlite3* db, int64_t generation) : generation_(generation) {
    const char* file = sqlite3_db_filename(db, "main");
    key_ = file != nullptr ? file : "";
  }

  template <typename Fn>
  void With(Fn&& fn) {
    Caches& caches = GlobalCaches();
    std::lock_guard lock(caches.mu);
    DbCache& cache = caches.by_file[key_];
    if (generation_ > cache.generation) {
      cache = DbCache();
      cache.generation = generation_;
    }
    if (generation_ == cache.generation) fn(cache);
  }

 private:
  std::string key_;
  int64_t generation_;
};

// ---------------------------------------------------------------- database reads

// One read transaction around a whole search, so that the generation and the
// rows read agree; nothing when the caller already has one open.
class ReadTransaction {
 public:
  explicit ReadTransaction(sqlite3* db) : db_(db) {
    if (sqlite3_get_autocommit(db) == 0) return;
    sqlite3_stmt* begin = CachedStatement(db, "BEGIN");
    ScopedReset reset(begin);
    open_ = begin != nullptr && sqlite3_step(begin) == SQLITE_DONE;
  }
  ~ReadTransaction() {
    if (!open_) return;
    sqlite3_stmt* commit = CachedStatement(db_, "COMMIT");
    ScopedReset reset(commit);
    if (commit == nullptr || sqlite3_step(commit) != SQLITE_DONE) sqlite3_exec(db_, "ROLLBACK", 0, 0, 0);
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  sqlite3* db_;
  bool open_ = false;
};

Status SqlStatus(sqlite3* db, std::string_view what) {
  return Status::Io("sqlite search: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

std::string ColumnText(sqlite3_stmt* stmt, int col) {
  const unsigned char* p = sqlite3_column_text(stmt, col);
  return p == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(p),
                                    static_cast<size_t>(sqlite3_column_bytes(stmt, col)));
}

Result<int64_t> ReadGeneration(sqlite3* db) {
  sqlite3_stmt* stmt = CachedStatement(db, kGenerationSql);
  if (stmt == nullptr) return SqlStatus(db, "prepare generation");
  ScopedReset reset(stmt);
  if (sqlite3_step(stmt) != SQLITE_ROW) return SqlStatus(db, "read generation");
  return static_cast<int64_t>(sqlite3_column_int64(stmt, 0));
}

Result<PostingPtr> ReadWord(sqlite3* db, const std::string& word) {
  sqlite3_stmt* stmt = CachedStatement(db, kTermSql);
  if (stmt == nullptr) return SqlStatus(db, "prepare");
  ScopedReset reset(stmt);
  std::string expr = '"' + word + '"';
  sqlite3_bind_text(stmt, 1, expr.data(), static_cast<int>(expr.size()), SQLITE_STATIC);
  auto list = std::make_shared<PostingList>();
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    list->push_back({sqlite3_column_int64(stmt, 0), -sqlite3_column_double(stmt, 1)});
  }
  if (rc != SQLITE_DONE) return SqlStatus(db, "match");
  if (!std::is_sorted(list->begin(), list->end(),
                      [](const Posting& a, const Posting& b) { return a.rowid < b.rowid; })) {
    std::sort(list->begin(), list->end(),
              [](const Posting& a, const Posting& b) { return a.rowid < b.rowid; });
  }
  return PostingPtr(std::move(list));
}

// The posting list of every word, from the cache or the index.
Result<std::vector<PostingPtr>> WordLists(sqlite3* db, CacheView& cache,
                                          const std::vector<std::string>& words) {
  std::vector<PostingPtr> lists(words.size());
  cache.With([&](DbCache& c) {
    for (size_t i = 0; i < words.size(); ++i) {
      auto it = c.words.find(words[i]);
      if (it != c.words.end()) lists[i] = it->second;
    }
  });
  for (size_t i = 0; i < words.size(); ++i) {
    if (lists[i] != nullptr) continue;
    Result<PostingPtr> list = ReadWord(db, words[i]);
    if (!list.ok()) return list.status();
    lists[i] = *list;
    cache.With([&](DbCache& c) {
      if (c.postings + lists[i]->size() > kMaxCachedPostings) {
        c.words.clear();
        c.postings = 0;
      }
      if (c.words.emplace(words[i], lists[i]).second) c.postings += lists[i]->size();
    });
  }
  return lists;
}

// The rowids of one section (as a posting list with zero scores).
Result<PostingPtr> SectionList(sqlite3* db, CacheView& cache, const std::string& section) {
  PostingPtr found;
  bool loaded = false;
  cache.With([&](DbCache& c) {
    loaded = c.sections_loaded;
    auto it = c.sections.find(section);
    if (it != c.sections.end()) found = it->second;
  });
  if (loaded) return found != nullptr ? found : std::make_shared<const PostingList>();
  sqlite3_stmt* stmt = CachedStatement(db, kSectionsSql);
  if (stmt == nullptr) return SqlStatus(db, "prepare sections");
  ScopedReset reset(stmt);
  std::unordered_map<std::string, std::shared_ptr<PostingList>> all;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    auto& list = all[ColumnText(stmt, 1)];
    if (list == nullptr) list = std::make_shared<PostingList>();
    list->push_back({sqlite3_column_int64(stmt, 0), 0.0});
  }
  if (rc != SQLITE_DONE) return SqlStatus(db, "read sections");
  for (auto& [name, list] : all) {
    std::sort(list->begin(), list->end(),
              [](const Posting& a, const Posting& b) { return a.rowid < b.rowid; });
  }
  auto it = all.find(section);
  found = it != all.end() ? PostingPtr(it->second) : std::make_shared<const PostingList>();
  cache.With([&](DbCache& c) {
    c.sections.clear();
    for (auto& [name, list] : all) c.sections.emplace(name, list);
    c.sections_loaded = true;
  });
  return found;
}

// ---------------------------------------------------------------- merging

struct Scored {
  double score;
  int64_t rowid;
};

// Rows in all of `words` (or, when `any`, in at least one), and in every
// `required` list; score = the sum of their word scores. Rows equal to
// `exclude` are left out. `out` is reused: no allocation once it has grown.
void Merge(const std::vector<PostingPtr>& words, const std::vector<PostingPtr>& required, bool any,
           std::vector<Scored>& out, int64_t exclude = -1) {
  out.clear();
  std::vector<const PostingList*> all, need;
  for (const auto& l : words) all.push_back(l.get());
  for (const auto& l : required) need.push_back(l.get());
  if (!any) need.insert(need.end(), all.begin(), all.end());
  if (all.empty()) return;
  // Walk the shortest list that every row needs (or, for `any`, every row of
  // every word list); look the row up in the others, whose cursors only move forward.
  const PostingList* driver = nullptr;
  for (const PostingList* l : need) {
    if (driver == nullptr || l->size() < driver->size()) driver = l;
  }
  std::vector<size_t> pos(all.size() + need.size(), 0);
  auto seek = [&](const PostingList& l, size_t& p, int64_t rowid) {
    while (p < l.size() && l[p].rowid < rowid) ++p;
    return p < l.size() && l[p].rowid == rowid;
  };
  auto visit = [&](int64_t rowid) {
    for (size_t i = 0; i < need.size(); ++i) {
      if (!seek(*need[i], pos[all.size() + i], rowid)) return;
    }
    double score = 0;
    bool found = false;
    for (size_t i = 0; i < all.size(); ++i) {
      if (seek(*all[i], pos[i], rowid)) {
        score += (*all[i])[pos[i]].score;
        found = true;
      }
    }
    if (found && rowid != exclude) out.push_back({score, rowid});
  };
  if (driver != nullptr && (!any || need.size() > 0)) {
    out.reserve(driver->size());
    for (const Posting& p : *driver) visit(p.rowid);
    return;
  }
  // Any word, no filter: the union of the word lists, smallest rowid first.
  std::vector<size_t> cur(all.size(), 0);
  while (true) {
    int64_t next = INT64_MAX;
    for (size_t i = 0; i < all.size(); ++i) {
      if (cur[i] < all[i]->size()) next = std::min(next, (*all[i])[cur[i]].rowid);
    }
    if (next == INT64_MAX) return;
    visit(next);
    for (size_t i = 0; i < all.size(); ++i) {
      if (cur[i] < all[i]->size() && (*all[i])[cur[i]].rowid == next) ++cur[i];
    }
  }
}

// Sorts the best `n` first (score descending, then rowid) and drops the rest.
void KeepBest(std::vector<Scored>& rows, size_t n) {
  auto better = [](const Scored& a, const Scored& b) {
    return a.score != b.score ? a.score > b.score : a.rowid < b.rowid;
  };
  n = std::min(n, rows.size());
  std::partial_sort(rows.begin(), rows.begin() + static_cast<ptrdiff_t>(n), rows.end(), better);
  rows.resize(n);
}

// ---------------------------------------------------------------- snippets
//
// A hit's snippet is made from its row read by rowid, tokenized with the
// index's own tokenizer (porter over spelling over unicode61): a per-hit "MATCH ... AND
// rowid = ?" would seek every word's long doclist again, 30-40 us per word.

using Token = SnippetToken;

// The index's tokenizer, made once per search.
class Tokenizer {
 public:
  explicit Tokenizer(sqlite3* db) {
    fts5_api* api = nullptr;
    sqlite3_stmt* stmt = CachedStatement(db, "SELECT fts5(?1)");
    if (stmt == nullptr) return;
    ScopedReset reset(stmt);
    sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
    void* ctx = nullptr;
    if (api == nullptr || api->xFindTokenizer(api, "porter", &ctx, &impl_) != SQLITE_OK) return;
    const char* args[] = {kSpellingTokenizer, "unicode61", "remove_diacritics", "2"};
    if (impl_.xCreate(ctx, args, 4, &tokenizer_) != SQLITE_OK) tokenizer_ = nullptr;
  }
  ~Tokenizer() {
    if (tokenizer_ != nullptr) impl_.xDelete(tokenizer_);
  }
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;
  bool ok() const { return tokenizer_ != nullptr; }

  // Calls fn(token, start, end) for each token until it returns false.
  template <typename Fn>
  void Run(std::string_view text, int flags, Fn&& fn) {
    auto cb = [](void* p, int tflags, const char* token, int size, int start, int end) -> int {
      if (tflags & FTS5_TOKEN_COLOCATED) return SQLITE_OK;
      return (*static_cast<Fn*>(p))(std::string_view(token, size), start, end) ? SQLITE_OK : SQLITE_DONE;
    };
    impl_.xTokenize(tokenizer_, &fn, flags, text.data(), static_cast<int>(text.size()), cb);
  }

 private:
  fts5_tokenizer impl_{};
  Fts5Tokenizer* tokenizer_ = nullptr;
};

// The query's words as index tokens: terms[i] belongs to word phrase[i].
struct QueryTerms {
  std::vector<std::string> terms;
  std::vector<int> phrase;
  int phrases = 0;
};

QueryTerms TermsOf(Tokenizer& tok, const std::vector<std::string>& words) {
  QueryTerms q;
  q.phrases = static_cast<int>(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    tok.Run(words[i], FTS5_TOKENIZE_QUERY, [&](std::string_view t, int, int) {
      q.terms.emplace_back(t);
      q.phrase.push_back(static_cast<int>(i));
      return true;
    });
  }
  return q;
}

// Tokens of `text` up to a window of kSnippetTokens that holds every query
// word (then it stops), else to the end. Returns the best window's first token.
int ScanText(Tokenizer& tok, const QueryTerms& q, std::string_view text, std::vector<Token>& tokens) {
  tokens.clear();
  int best = -1, best_score = 0;
  auto score_window = [&](int first) {
    uint64_t seen = 0;
    int hits = 0;
    int last = std::min<int>(static_cast<int>(tokens.size()), first + kWindow);
    for (int i = first; i < last; ++i) {
      if (tokens[i].phrase >= 0) seen |= uint64_t{1} << (tokens[i].phrase & 63), ++hits;
    }
    return std::popcount(seen) * 1000 + hits;
  };
  int full = q.phrases * 1000;
  int pending = -1;  // a match whose window is not yet complete
  tok.Run(text, FTS5_TOKENIZE_DOCUMENT, [&](std::string_view t, int start, int end) {
    int phrase = -1;
    for (size_t i = 0; i < q.terms.size(); ++i) {
      if (q.terms[i] == t) phrase = q.phrase[i];
    }
    tokens.push_back({static_cast<size_t>(start), static_cast<size_t>(end), phrase});
    int n = static_cast<int>(tokens.size());
    if (phrase >= 0 && pending < 0) pending = n - 1;
    if (pending >= 0 && n - pending >= kWindow) {
      int s = score_window(pending);
      if (s > best_score) best_score = s, best = pending;
      int from = pending + 1;
      pending = -1;
      for (int i = from; i < n && best_score < full; ++i) {
        if (tokens[i].phrase >= 0) {
          pending = i;
          break;
        }
      }
    }
    if (best_score >= full) return n <= best + kWindow;  // one token more tells "…"
    return true;
  });
  if (pending >= 0 && score_window(pending) > best_score) best = pending;
  return best;
}

// The body around its best matches; else the description around its
// matches; else the start of the description (or of the body).
void Snippet(Tokenizer& tok, const QueryTerms& q, std::string_view body, std::string_view description,
             SearchHit& hit) {
  thread_local std::vector<Token> tokens;
  if (!tok.ok()) return;
  int first = ScanText(tok, q, body, tokens);
  if (first >= 0) return MakeSnippet(body, tokens, first, hit);
  std::string_view text = description.empty() ? body : description;
  first = ScanText(tok, q, text, tokens);
  MakeSnippet(text, tokens, std::max(first, 0), hit);
}

Result<SearchHit> ReadHit(sqlite3* db, Tokenizer& tok, const QueryTerms& q, const Scored& row) {
  sqlite3_stmt* stmt = CachedStatement(db, kHitSql);
  if (stmt == nullptr) return SqlStatus(db, "prepare hit");
  ScopedReset reset(stmt);
  sqlite3_bind_int64(stmt, 1, row.rowid);
  if (sqlite3_step(stmt) != SQLITE_ROW) return SqlStatus(db, "read hit");
  SearchHit hit;
  hit.url = ColumnText(stmt, 0);
  hit.title = ColumnText(stmt, 1);
  hit.section = ColumnText(stmt, 2);
  auto view = [&](int col) {
    const unsigned char* p = sqlite3_column_text(stmt, col);
    return p == nullptr ? std::string_view()
                        : std::string_view(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt, col));
  };
  Snippet(tok, q, view(3), view(4), hit);
  hit.score = row.score;
  return hit;
}

// ---------------------------------------------------------------- search

Result<SearchResults> SearchIn(sqlite3* db, const SearchQuery& query, const std::vector<std::string>& words) {
  Result<int64_t> generation = ReadGeneration(db);
  if (!generation.ok()) return generation.status();
  CacheView cache(db, *generation);
  Result<std::vector<PostingPtr>> lists = WordLists(db, cache, words);
  if (!lists.ok()) return lists.status();
  std::vector<PostingPtr> required;
  if (!query.section.empty()) {
    Result<PostingPtr> section = SectionList(db, cache, query.section);
    if (!section.ok()) return section.status();
    required.push_back(*section);
  }
  bool any = false;
  thread_local std::vector<Scored> rows;  // reused: large, and searches are frequent
  Merge(*lists, required, any, rows);
  if (rows.empty() && words.size() > 1) {
    any = true;
    Merge(*lists, required, any, rows);
  }
  SearchResults results;
  results.total = rows.size();
  size_t limit = std::min(query.limit, kMaxSearchLimit);
  if (query.offset >= rows.size() || limit == 0) return results;
  KeepBest(rows, query.offset + limit);
  Tokenizer tok(db);
  QueryTerms terms = TermsOf(tok, words);
  for (size_t i = query.offset; i < rows.size(); ++i) {
    Result<SearchHit> hit = ReadHit(db, tok, terms, rows[i]);
    if (!hit.ok()) return hit.status();
    results.hits.push_back(std::move(*hit));
  }
  return results;
}

Result<std::vector<std::string>> RelatedIn(sqlite3* db, const std::string& url, size_t limit) {
  int64_t id;
  {
    sqlite3_stmt* stmt = CachedStatement(db, kArticleIdSql);
    if (stmt == nullptr) return SqlStatus(db, "prepare related");
    ScopedReset reset(stmt);
    sqlite3_bind_text(stmt, 1, url.data(), static_cast<int>(url.size()), SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return Status::NotFound("no published article at " + url);
    if (rc != SQLITE_ROW) return SqlStatus(db, "find article");
    id = sqlite3_column_int64(stmt, 0);
  }
  Result<int64_t> generation = ReadGeneration(db);
  if (!generation.ok()) return generation.status();
  CacheView cache(db, *generation);
  std::string key = std::to_string(limit) + " " + url;
  std::vector<std::string> urls;
  bool cached = false;
  cache.With([&](DbCache& c) {
    auto it = c.related.find(key);
    if (it != c.related.end()) urls = it->second, cached = true;
  });
  if (cached || limit == 0) return urls;
  std::string text;
  {
    sqlite3_stmt* stmt = CachedStatement(db, kRelatedTextSql);
    if (stmt == nullptr) return SqlStatus(db, "prepare related text");
    ScopedReset reset(stmt);
    sqlite3_bind_int64(stmt, 1, id);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      text = ColumnText(stmt, 0) + " " + ColumnText(stmt, 1) + " " + ColumnText(stmt, 2);
    }
  }
  std::vector<std::string> words = QueryWords(text, kMaxRelatedWords);
  Result<std::vector<PostingPtr>> lists = WordLists(db, cache, words);
  if (!lists.ok()) return lists.status();
  thread_local std::vector<Scored> rows;
  Merge(*lists, {}, /*any=*/true, rows, id);
  KeepBest(rows, limit);
  for (const Scored& row : rows) {
    sqlite3_stmt* stmt = CachedStatement(db, kUrlSql);
    if (stmt == nullptr) return SqlStatus(db, "prepare url");
    ScopedReset reset(stmt);
    sqlite3_bind_int64(stmt, 1, row.rowid);
    if (sqlite3_step(stmt) != SQLITE_ROW) return SqlStatus(db, "read url");
    urls.push_back(ColumnText(stmt, 0));
  }
  cache.With([&](DbCache& c) {
    if (c.related.size() >= kMaxCachedRelated) c.related.clear();
    c.related.emplace(key, urls);
  });
  return urls;
}

}  // namespace

Result<SearchResults> SqliteSearch(sqlite3* db, const SearchQuery& query) {
  std::vector<std::string> words = QueryWords(query.text, kMaxWords);
  if (words.empty()) return SearchResults();
  ReadTransaction tx(db);
  return SearchIn(db, query, words);
}

Result<std::vector<std::string>> SqliteRelated(sqlite3* db, const std::string& url, size_t limit) {
  ReadTransaction tx(db);
  return RelatedIn(db, url, limit);
}

}  // namespace vetted::store
