// Search and Related on PostgreSQL full-text search.
//
// The index is the table `search` (schema step 2): one row per published
// article with its text and a tsvector `document` under a GIN index. The
// words of every field are found here, not by PostgreSQL's parser: runs of
// IsWordChar (store/search_text.h), lower-cased and spelled by
// util::SearchSpelling (so "anaemia" and "anemia" are one word), then stemmed
// by the database's dictionary `vetted_stem` (schema step 2: Snowball's
// Porter stemmer, the one SQLite's FTS5 uses, so both backends find and mark
// the same words; no stop words, so "does" or "not" are words like any
// other). The tsvector is then written out as text: each stem with its
// positions (at most 16) and a weight class: A title, B description, headings and tags, C body,
// D glossary. ts_rank weighs the classes 1, 0.45, 0.1 and 0.05: the SQLite
// backend's bm25 column weights (10, 5 and 4, 1, 0.5) as near as four classes
// allow.
//
// The query is built the same way: the reader's words (QueryWords, so junk
// is never an error and operators are words), spelled and stemmed, quoted as
// tsquery lexemes by us: every word required ('a' & 'b'), else any of them
// ('a' | 'b') when no article has them all.
//
// Snippets: the hit's body (else its description) is cut into the same words
// here, and a word is marked when its stem is one of the query's. Stems come
// from the dictionary through a process-wide cache (a word's stem never
// changes); only words that could stem to a query stem (same first two
// letters, see MayStemTo) are looked up, in one round trip for all the hits of a page.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/postgres/store_impl.h"
#include "store/search_text.h"
#include "util/util.h"

namespace vetted::store::postgres {
namespace {

constexpr size_t kMaxWords = 12;               // per search query, as the other backends
constexpr size_t kMaxRelatedWords = 24;        // title, tags and description words of the article
constexpr int64_t kRelatedRows = 3000;         // (article, word) pairs it ranks at most
constexpr size_t kRelatedTerms = 10;           // its rarest words (in other articles too) make the query
constexpr size_t kMaxPositions = 16;           // kept per stem and article: the first (best-weighted) ones
constexpr int kMaxPosition = 16383;            // tsvector positions stop there
constexpr size_t kMaxLexemeBytes = 1'000'000;  // a tsvector's lexemes and positions: under 1 MiB
constexpr size_t kMaxOffset = 1'000'000'000;   // beyond every result, and an int8
constexpr size_t kMaxCachedStems = 200'000;
constexpr size_t kMaxCachedRelated = 20'000;  // answers per database
constexpr size_t kMaxCachedSearches = 2'000;  // answers per database (up to 50 hits each)
constexpr char kSeparator = '\x01';           // between words sent as one text (never in a word)

// How Search and Related read: one snapshot, and never a sequential scan of
// `search`. The planner does not count the cost of reading (detoasting) a
// large tsvector: without statistics (just after an import) it filters
// every row's document with @@ rather than ask the GIN index, whose bitmap
// needs no document read at all. Without JIT: the penalty enable_seqscan
// puts on a (tiny) sequential scan's cost would make every plan look worth
// compiling (tens of milliseconds). Local to the transaction: the pooled
// connection is left as it was.
constexpr const char* kReadBegin =
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL enable_seqscan = off; SET LOCAL jit = off";

// ts_rank's weights of the classes D, C, B, A.
#define VETTED_RANK_WEIGHTS "'{0.05, 0.1, 0.45, 1.0}'"

// ---------------------------------------------------------------- words

// Valid UTF-8 without NUL bytes (what a PostgreSQL text holds): an invalid
// byte becomes U+FFFD, a NUL a space.
std::string Clean(std::string_view text) {
  if (util::ValidUtf8Length(text) >= 0 && text.find('\0') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    size_t n = util::DecodeUtf8(text, i, &cp);
    if (cp == 0) {
      out += ' ';
    } else if (cp == 0xFFFD) {
      util::AppendUtf8(out, cp);
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

// A word as indexed before stemming: ASCII lower case, then SearchSpelling.
std::string Spelled(std::string_view word) {
  std::string w(word);
  for (char& c : w)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return util::SearchSpelling(w);
}

// Calls fn(start, end) for every word (run of IsWordChar) of `text`.
template <typename Fn>
void ForEachWord(std::string_view text, Fn&& fn) {
  size_t start = 0;
  bool in_word = false;
  for (size_t i = 0; i <= text.size();) {
    char32_t cp = 0;
    size_t n = i < text.size() ? util::DecodeUtf8(text, i, &cp) : 1;
    bool word = i < text.size() && IsWordChar(cp);
    if (word && !in_word) start = i;
    if (!word && in_word) fn(start, i);
    in_word = word;
    i += n;
  }
}

// ---------------------------------------------------------------- stems

// Stems of spelled words by the dictionary, shared by every connection of the
// process (the dictionary is fixed by the schema, so a stem never changes).
struct StemCache {
  std::mutex mu;
  std::unordered_map<std::string, std::string> stems;
};

StemCache& Cache() {
  static StemCache* cache = new StemCache();  // never destroyed: used until exit by any thread
  return *cache;
}

// The stems of `words` (spelled words), in order.
Result<std::vector<std::string>> Stems(pg::Conn& conn, const std::vector<std::string>& words) {
  std::vector<std::string> stems(words.size());
  std::vector<size_t> missing;
  {
    StemCache& cache = Cache();
    std::lock_guard lock(cache.mu);
    for (size_t i = 0; i < words.size(); ++i) {
      auto it = cache.stems.find(words[i]);
      if (it != cache.stems.end()) {
        stems[i] = it->second;
      } else {
        missing.push_back(i);
      }
    }
  }
  if (missing.empty()) return stems;
  // Each missing word once, in one round trip.
  std::vector<std::string> ask;
  std::unordered_map<std::string, size_t> index;
  std::string joined;
  for (size_t i : missing) {
    if (!index.emplace(words[i], ask.size()).second) continue;
    if (!ask.empty()) joined += kSeparator;
    joined += words[i];
    ask.push_back(words[i]);
  }
  Result<pg::Rows> rows = conn.Query(
      "SELECT coalesce(array_to_string(ts_lexize('vetted_stem', w), ' '), '') "
      "FROM unnest(string_to_array($1, chr(1))) WITH ORDINALITY AS t(w, i) ORDER BY i",
      joined);
  if (!rows.ok()) return rows.status();
  if (rows->size() != static_cast<int>(ask.size())) return Status::Io("postgresql: stems: wrong row count");
  std::vector<std::string> found(ask.size());
  for (size_t k = 0; k < ask.size(); ++k) {
    std::string stem = rows->Text(static_cast<int>(k), 0);
    found[k] = stem.empty() || stem.find(' ') != std::string::npos ? ask[k] : std::move(stem);
  }
  for (size_t i : missing) stems[i] = found[index[words[i]]];
  StemCache& cache = Cache();
  std::lock_guard lock(cache.mu);
  if (cache.stems.size() + ask.size() > kMaxCachedStems) cache.stems.clear();
  for (size_t k = 0; k < ask.size(); ++k) cache.stems.emplace(ask[k], found[k]);
  return stems;
}

// Whether the Porter stemmer could turn spelled word `w` into `stem`: it
// changes only suffixes, so a stem keeps the word's first two letters (or is
// shorter) and is never longer ("hoping" -> "hope", "cried" -> "cri").
// Words starting with a non-ASCII letter are always candidates (the
// dictionary lower-cases those, we do not).
bool MayStemTo(std::string_view w, std::string_view stem) {
  if (w.empty() || stem.empty()) return false;
  if (static_cast<unsigned char>(w[0]) >= 0x80 || static_cast<unsigned char>(stem[0]) >= 0x80) return true;
  if (w[0] != stem[0] || w.size() < stem.size()) return false;
  return stem.size() < 2 || w[1] == stem[1] || w[1] == 'y';
}

// A lexeme quoted for tsvector or tsquery input.
void AppendLexeme(std::string& out, std::string_view lexeme) {
  out += '\'';
  for (char c : lexeme) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  out += '\'';
}

// ---------------------------------------------------------------- index

struct Field {
  const std::string* text;
  char weight;
};

}  // namespace

// Writes or replaces the article's row, in the caller's transaction (the
// import's, which holds the generation's row lock: index writes from several
// nodes never interleave). The caller also moves meta.generation on, as
// every import does: Search and Related cache their answers per generation.
Status IndexArticle(pg::Conn& conn, int64_t article_id, const std::string& url, const SearchDocument& doc) {
  const std::string title = Clean(doc.title), description = Clean(doc.description),
                    headings = Clean(doc.headings), tags = Clean(doc.tags), body = Clean(doc.body),
                    glossary = Clean(doc.glossary);
  const Field fields[] = {{&title, 'A'}, {&description, 'B'}, {&headings, 'B'},
                          {&tags, 'B'},  {&body, 'C'},        {&glossary, 'D'}};
  std::vector<std::string> words;
  std::vector<std::pair<int, char>> where;  // position, weight of each word
  int position = 0;
  for (const Field& f : fields) {
    ForEachWord(*f.text, [&](size_t start, size_t end) {
      position = std::min(position + 1, kMaxPosition);
      if (end - start > kMaxQueryWordBytes) return;  // junk no query can find
      words.push_back(Spelled(std::string_view(*f.text).substr(start, end - start)));
      where.emplace_back(position, f.weight);
    });
  }
  Result<std::vector<std::string>> stems = Stems(conn, words);
  if (!stems.ok()) return stems.status();
  std::map<std::string_view, std::vector<std::pair<int, char>>> lexemes;
  for (size_t i = 0; i < stems->size(); ++i) {
    auto& positions = lexemes[(*stems)[i]];
    if (positions.size() < kMaxPositions && (positions.empty() || positions.back().first != where[i].first))
      positions.push_back(where[i]);
  }
  // head: the A and B positions only. A tsvector holds under 1 MiB of
  // lexemes and positions: past kMaxLexemeBytes the rest of a huge text is
  // left out, the words of the title, description, headings and tags first.
  std::string vector, head;
  size_t lexeme_bytes = 0;
  auto is_head = [](char weight) { return weight == 'A' || weight == 'B'; };
  for (bool head_pass : {true, false}) {
    for (const auto& [lexeme, positions] : lexemes) {
      if (is_head(positions.front().second) != head_pass) continue;
      // As PostgreSQL counts: the lexeme aligned to 2 bytes, a count and 2 bytes per position.
      const size_t bytes = lexeme.size() + 1 + 2 + 2 * positions.size();
      if (lexeme_bytes + bytes > kMaxLexemeBytes) continue;
      lexeme_bytes += bytes;
      for (std::string* out : {&vector, &head}) {
        const bool all = out == &vector;
        if (!all && !head_pass) continue;
        if (!out->empty()) *out += ' ';
        AppendLexeme(*out, lexeme);
        char sep = ':';
        for (const auto& [pos, weight] : positions) {
          if (!all && !is_head(weight)) break;
          *out += sep;
          *out += std::to_string(pos);
          *out += weight;
          sep = ',';
        }
      }
    }
  }
  Result<pg::Rows> r = conn.Query(
      "INSERT INTO search(article_id, url, section, title, description, headings, tags, body, glossary, "
      "document, head) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::tsvector, $11::text::tsvector) "
      "ON CONFLICT (article_id) DO UPDATE SET url = excluded.url, section = excluded.section, "
      "title = excluded.title, description = excluded.description, headings = excluded.headings, "
      "tags = excluded.tags, body = excluded.body, glossary = excluded.glossary, "
      "document = excluded.document, head = excluded.head",
      article_id, Clean(url), Clean(doc.section), title, description, headings, tags, body, glossary, vector,
      head);
  return r.ok() ? Status::Ok() : r.status();
}

Status UnindexArticle(pg::Conn& conn, int64_t article_id) {
  Result<pg::Rows> r = conn.Query("DELETE FROM search WHERE article_id = $1", article_id);
  return r.ok() ? Status::Ok() : r.status();
}

namespace {

// ---------------------------------------------------------------- snippets

// The query's stems; a token's phrase is the index of the stem it has.
struct QueryStems {
  std::vector<std::string> stems;  // distinct
  int PhraseOf(std::string_view stem) const {
    for (size_t i = 0; i < stems.size(); ++i)
      if (stems[i] == stem) return static_cast<int>(i);
    return -1;
  }
  bool MayMatch(std::string_view word) const {
    for (const std::string& s : stems)
      if (MayStemTo(word, s)) return true;
    return false;
  }
};

// The words of a text cut into tokens: spelled words that might match are
// kept for a stem lookup (`ask`, `asked[i]` their token).
struct Tokenized {
  std::string_view text;
  std::vector<SnippetToken> tokens;
  std::vector<size_t> asked;
};

void Tokenize(std::string_view text, const QueryStems& q, Tokenized& out, std::vector<std::string>& ask) {
  out.text = text;
  ForEachWord(text, [&](size_t start, size_t end) {
    std::string_view word = text.substr(start, end - start);
    if (word.size() <= kMaxQueryWordBytes) {
      std::string spelled = Spelled(word);
      if (q.MayMatch(spelled)) {
        out.asked.push_back(out.tokens.size());
        ask.push_back(std::move(spelled));
      }
    }
    out.tokens.push_back({start, end, -1});
  });
}

// Marks the tokens whose stems (from `stems`, from index `next` on) are the query's.
void Mark(Tokenized& t, const QueryStems& q, const std::vector<std::string>& stems, size_t& next) {
  for (size_t token : t.asked) t.tokens[token].phrase = q.PhraseOf(stems[next++]);
}

struct Hit {
  SearchHit hit;
  std::string body, description;
};

// The body around its best matches; else the description around its
// matches; else the start of the description (or of the body).
Status MakeSnippets(pg::Conn& conn, const QueryStems& q, std::vector<Hit>& hits) {
  std::vector<Tokenized> bodies(hits.size()), descriptions(hits.size());
  std::vector<std::string> ask;
  for (size_t i = 0; i < hits.size(); ++i) {
    Tokenize(hits[i].body, q, bodies[i], ask);
    Tokenize(hits[i].description, q, descriptions[i], ask);
  }
  Result<std::vector<std::string>> stems = Stems(conn, ask);
  if (!stems.ok()) return stems.status();
  size_t next = 0;
  const int phrases = static_cast<int>(q.stems.size());
  for (size_t i = 0; i < hits.size(); ++i) {
    Mark(bodies[i], q, *stems, next);
    Mark(descriptions[i], q, *stems, next);
    int first = BestSnippetWindow(bodies[i].tokens, phrases);
    if (first >= 0) {
      MakeSnippet(bodies[i].text, bodies[i].tokens, first, hits[i].hit);
      continue;
    }
    const Tokenized& t = hits[i].description.empty() ? bodies[i] : descriptions[i];
    MakeSnippet(t.text, t.tokens, std::max(BestSnippetWindow(t.tokens, phrases), 0), hits[i].hit);
  }
  return Status::Ok();
}

// The distinct stems of the reader's words, in order.
Result<QueryStems> StemsOf(pg::Conn& conn, const std::vector<std::string>& words) {
  std::vector<std::string> spelled;
  for (const std::string& w : words) spelled.push_back(Spelled(Clean(w)));
  Result<std::vector<std::string>> stems = Stems(conn, spelled);
  if (!stems.ok()) return stems.status();
  QueryStems q;
  for (std::string& s : *stems) {
    if (!s.empty() && q.PhraseOf(s) < 0) q.stems.push_back(std::move(s));
  }
  return q;
}

// 'a' <op> 'b' <op> ...
std::string TsQuery(const std::vector<std::string>& stems, const char* op) {
  std::string out;
  for (const std::string& s : stems) {
    if (!out.empty()) out += op;
    AppendLexeme(out, s);
  }
  return out;
}

// Answers of Search and Related per database and generation, shared by
// every connection of the process: readers ask the same searches again, and
// the page cache asks Related again after each reload. An import on any node
// changes the generation, which drops them (a node reads the generation
// before each answer, so it never serves one older than the database).
template <typename T>
class AnswerCache {
 public:
  explicit AnswerCache(size_t max) : max_(max) {}
  struct Key {
    std::string database;  // conninfo and the index's random id (schema step 2)
    int64_t generation;
    std::string query;
  };
  bool Find(const Key& key, T& answer) {
    std::lock_guard lock(mu_);
    auto db = by_database_.find(key.database);
    if (db == by_database_.end() || db->second.generation != key.generation) return false;
    auto it = db->second.answers.find(key.query);
    if (it == db->second.answers.end()) return false;
    answer = it->second;
    return true;
  }
  void Store(const Key& key, const T& answer) {
    std::lock_guard lock(mu_);
    Entry& e = by_database_[key.database];
    if (key.generation < e.generation) return;  // computed before a newer import
    if (key.generation > e.generation || e.answers.size() >= max_) {
      e.answers.clear();
      e.generation = key.generation;
    }
    e.answers[key.query] = answer;
  }

 private:
  struct Entry {
    int64_t generation = -1;
    std::unordered_map<std::string, T> answers;
  };
  const size_t max_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> by_database_;
};

AnswerCache<std::vector<std::string>>& RelatedCaches() {
  static auto* cache = new AnswerCache<std::vector<std::string>>(kMaxCachedRelated);  // never destroyed
  return *cache;
}

// Document frequencies of stems (and the number of articles, under "") for Related.
AnswerCache<int64_t>& FrequencyCaches() {
  static auto* cache = new AnswerCache<int64_t>(kMaxCachedStems);  // never destroyed
  return *cache;
}

AnswerCache<SearchResults>& SearchCaches() {
  static auto* cache = new AnswerCache<SearchResults>(kMaxCachedSearches);  // never destroyed
  return *cache;
}

}  // namespace

// One statement reads the hits; the stem lookups read no rows. A search
// asked before at the database's current generation is answered from the
// cache (the generation is read first, one small query).
Result<SearchResults> PostgresStore::Search(const SearchQuery& query) {
  if (QueryWords(query.text, kMaxWords).empty()) return SearchResults();
  return Read<SearchResults>([&](pg::Conn& conn) { return SearchOn(conn, query); });
}

Result<SearchResults> PostgresStore::SearchOn(pg::Conn& conn, const SearchQuery& query) {
  std::vector<std::string> words = QueryWords(query.text, kMaxWords);
  Result<QueryStems> q = StemsOf(conn, words);
  if (!q.ok()) return q.status();
  if (q->stems.empty()) return SearchResults();
  const size_t limit = std::min(query.limit, kMaxSearchLimit);
  const size_t offset = std::min<size_t>(query.offset, kMaxOffset);
  const std::string section = Clean(query.section);
  // The section's length first: a section holding the separator cannot pass for other words.
  std::string cache_query = std::to_string(limit) + ' ' + std::to_string(offset) + ' ' +
                            std::to_string(section.size()) + ' ' + section;
  for (const std::string& stem : q->stems) cache_query += kSeparator + stem;
  Result<pg::Rows> now = conn.Query(
      "SELECT (SELECT value FROM meta WHERE key = 'generation'), (SELECT id FROM search_instance)");
  if (!now.ok()) return now.status();
  SearchResults results;
  if (SearchCaches().Find({pool_.conninfo() + '\n' + now->Text(0, 1), now->Int(0, 0), cache_query}, results))
    return results;
  pg::Transaction tx(conn, kReadBegin);
  if (!tx.status().ok()) return tx.status();
  // `every`: the articles with every word; `pick`: those, else the articles
  // with any word; ranked by ts_rank of the any-word query, then id.
  Result<pg::Rows> rows = conn.Query(
      "WITH every AS MATERIALIZED ("
      "  SELECT article_id FROM search WHERE document @@ $1::text::tsquery AND ($3 = '' OR section = $3)),"
      " pick AS MATERIALIZED ("
      "  SELECT article_id FROM every UNION ALL"
      "  SELECT article_id FROM search WHERE NOT EXISTS (SELECT 1 FROM every)"
      "   AND document @@ $2::text::tsquery AND ($3 = '' OR section = $3)),"
      " page AS ("
      "  SELECT s.article_id, ts_rank(" VETTED_RANK_WEIGHTS
      ", s.document, $2::text::tsquery) AS score"
      "  FROM pick JOIN search s USING (article_id) ORDER BY score DESC, s.article_id LIMIT $4 OFFSET $5)"
      " SELECT (SELECT count(*) FROM pick), s.url, s.title, s.section, s.body, s.description, page.score,"
      "  (SELECT value FROM meta WHERE key = 'generation'), (SELECT id FROM search_instance)"
      " FROM (SELECT 1) AS one LEFT JOIN (page JOIN search s USING (article_id)) ON true"
      " ORDER BY page.score DESC, page.article_id",
      TsQuery(q->stems, " & "), TsQuery(q->stems, " | "), section, limit, offset);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::Io("postgresql: search: no row");
  results.total = static_cast<size_t>(rows->Int(0, 0));
  std::vector<Hit> hits;
  for (int i = 0; i < rows->size(); ++i) {
    if (rows->IsNull(i, 1)) continue;  // no page: only the total
    Hit h;
    h.hit.url = rows->Text(i, 1);
    h.hit.title = rows->Text(i, 2);
    h.hit.section = rows->Text(i, 3);
    h.body = rows->Text(i, 4);
    h.description = rows->Text(i, 5);
    h.hit.score = rows->Double(i, 6);
    hits.push_back(std::move(h));
  }
  if (Status s = tx.Commit(); !s.ok()) return s;
  if (Status s = MakeSnippets(conn, *q, hits); !s.ok()) return s;
  for (Hit& h : hits) results.hits.push_back(std::move(h.hit));
  // Under the generation the rows were read at (the snapshot's).
  SearchCaches().Store({pool_.conninfo() + '\n' + rows->Text(0, 8), rows->Int(0, 7), cache_query}, results);
  return results;
}

// The article's title, tags and description words that other articles have
// too, the rarest kRelatedTerms of them, make an any-word query. An
// article's score is the sum over the words it has of the word's idf times
// 0.1 plus its ts_rank in `head` (title, description, headings, tags): a
// shared rare word counts more than a common one, and more in a title than
// in a body. Matching goes through the GIN index and ranking reads only the
// small `head`: the large `document` is never read (detoasted) here.
Result<std::vector<std::string>> PostgresStore::Related(const std::string& url, size_t limit) {
  return Read<std::vector<std::string>>([&](pg::Conn& conn) { return RelatedOn(conn, url, limit); });
}

Result<std::vector<std::string>> PostgresStore::RelatedOn(pg::Conn& conn, const std::string& url,
                                                          size_t limit) {
  // One snapshot: the generation the answer is cached under is the one it was computed at.
  pg::Transaction tx(conn, kReadBegin);
  if (!tx.status().ok()) return tx.status();
  Result<pg::Rows> article = conn.Query(
      "SELECT (SELECT value FROM meta WHERE key = 'generation'), (SELECT id FROM search_instance),"
      " s.article_id, s.title, s.tags, s.description"
      " FROM (SELECT 1) AS one LEFT JOIN search s ON s.url = $1",
      Clean(url));
  if (!article.ok()) return article.status();
  if (article->empty() || article->IsNull(0, 2)) return Status::NotFound("no published article at " + url);
  std::vector<std::string> urls;
  if (limit == 0) return urls;
  const std::string database = pool_.conninfo() + '\n' + article->Text(0, 1);
  const int64_t generation = article->Int(0, 0);
  const AnswerCache<std::vector<std::string>>::Key key{database, generation,
                                                       std::to_string(limit) + ' ' + url};
  if (RelatedCaches().Find(key, urls)) return urls;
  const int64_t id = article->Int(0, 2);
  std::vector<std::string> words = QueryWords(
      article->Text(0, 3) + " " + article->Text(0, 4) + " " + article->Text(0, 5), kMaxRelatedWords);
  Result<QueryStems> q = StemsOf(conn, words);
  if (!q.ok()) return q.status();
  const std::vector<std::string>& stems = q->stems;
  // Each word's document frequency and the number of articles (key ""),
  // from the cache or else counted (GIN bitmap counts), all in one query.
  AnswerCache<int64_t>& cache = FrequencyCaches();
  std::vector<int64_t> df(stems.size(), -1);
  int64_t articles = -1;
  cache.Find({database, generation, ""}, articles);
  std::string ask;
  std::vector<size_t> asked;
  for (size_t i = 0; i < stems.size(); ++i) {
    if (cache.Find({database, generation, stems[i]}, df[i])) continue;
    if (!asked.empty()) ask += kSeparator;
    AppendLexeme(ask, stems[i]);
    asked.push_back(i);
  }
  if (!asked.empty() || articles < 0) {
    Result<pg::Rows> counts = conn.Query(
        "SELECT (SELECT count(*) FROM search), (SELECT count(*) FROM search WHERE document @@ w::tsquery)"
        " FROM (SELECT 1) AS one LEFT JOIN"
        "  unnest(string_to_array($1, chr(1))) WITH ORDINALITY AS u(w, i) ON true ORDER BY i",
        ask);
    if (!counts.ok()) return counts.status();
    if (counts->size() != static_cast<int>(std::max<size_t>(asked.size(), 1)))
      return Status::Io("postgresql: related: wrong row count");
    articles = counts->Int(0, 0);
    cache.Store({database, generation, ""}, articles);
    for (size_t k = 0; k < asked.size(); ++k) {
      df[asked[k]] = counts->Int(static_cast<int>(k), 1);
      cache.Store({database, generation, stems[asked[k]]}, df[asked[k]]);
    }
  }
  // The rarest words another article has too, with their idf.
  std::vector<size_t> order;
  for (size_t i = 0; i < stems.size(); ++i)
    if (df[i] > 1) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return df[a] < df[b]; });
  // At most kRelatedTerms words, and no more than kRelatedRows (article,
  // word) pairs to rank: the commonest words, which say least, are left out.
  int64_t pairs = 0;
  size_t keep = 0;
  while (keep < order.size() && keep < kRelatedTerms &&
         (keep == 0 || pairs + df[order[keep]] <= kRelatedRows))
    pairs += df[order[keep++]];
  order.resize(keep);
  std::string terms, idfs;
  for (size_t i : order) {
    if (!terms.empty()) terms += kSeparator, idfs += kSeparator;
    AppendLexeme(terms, stems[i]);
    const double n = static_cast<double>(articles), f = static_cast<double>(df[i]);
    char idf[32];
    std::snprintf(idf, sizeof idf, "%.17g", std::log(1 + (n - f + 0.5) / (f + 0.5)));
    idfs += idf;
  }
  if (!order.empty()) {
    // The articles with any of the words, each word's rows read through the
    // index (LATERAL: one bitmap scan per word, never a scan of every document).
    Result<pg::Rows> rows = conn.Query(
        "WITH top AS (SELECT w::tsquery AS q, idf::float8 AS idf"
        "  FROM unnest(string_to_array($1, chr(1)), string_to_array($2, chr(1))) AS u(w, idf)),"
        " best AS (SELECT s.article_id,"
        "   sum(top.idf * (0.1 + ts_rank(" VETTED_RANK_WEIGHTS
        ", s.head, top.q))) AS score"
        "  FROM top, LATERAL (SELECT article_id, head FROM search WHERE document @@ top.q OFFSET 0) AS s"
        "  WHERE s.article_id <> $3 GROUP BY s.article_id ORDER BY score DESC, s.article_id LIMIT $4)"
        " SELECT s.url FROM best JOIN search s USING (article_id) ORDER BY best.score DESC, best.article_id",
        terms, idfs, id, limit);
    if (!rows.ok()) return rows.status();
    for (int i = 0; i < rows->size(); ++i) urls.push_back(rows->Text(i, 0));
  }
  if (Status s = tx.Commit(); !s.ok()) return s;
  RelatedCaches().Store(key, urls);
  return urls;
}

}  // namespace vetted::store::postgres
