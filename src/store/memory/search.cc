// Search and Related over the memory store's published articles: BM25 per
// field with the SQLite backend's weights (title 10, description 5, headings
// 4, tags 4, body 1, glossary 0.5), every query word required, then any word
// when no article has them all. Words are spelled by util::SearchSpelling,
// then stemmed by step 1 of Porter's algorithm.
#include <algorithm>
#include <cmath>
#include <string_view>

#include "store/memory/internal.h"
#include "store/search_text.h"
#include "util/util.h"

namespace vetted::store {
namespace {

constexpr size_t kMaxWords = 12;         // per search query
constexpr size_t kMaxRelatedWords = 24;  // title, tags, description words of the article
constexpr std::array<double, memory::kFields> kWeights = {10.0, 5.0, 4.0, 4.0, 1.0, 0.5};
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

// ---------------------------------------------------------------- stemming

bool Consonant(const std::string& w, size_t i) {
  switch (w[i]) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
      return false;
    case 'y':
      return i == 0 || !Consonant(w, i - 1);
    default:
      return true;
  }
}

// Porter's m: the number of vowel-consonant sequences in w[0, n).
int Measure(const std::string& w, size_t n) {
  int m = 0;
  size_t i = 0;
  while (i < n && Consonant(w, i)) ++i;
  while (i < n) {
    while (i < n && !Consonant(w, i)) ++i;
    if (i >= n) break;
    while (i < n && Consonant(w, i)) ++i;
    ++m;
  }
  return m;
}

bool HasVowel(const std::string& w, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!Consonant(w, i)) return true;
  }
  return false;
}

// Consonant-vowel-consonant at the end of w[0, n), the last not w, x or y.
bool Cvc(const std::string& w, size_t n) {
  if (n < 3 || !Consonant(w, n - 3) || Consonant(w, n - 2) || !Consonant(w, n - 1)) return false;
  char c = w[n - 1];
  return c != 'w' && c != 'x' && c != 'y';
}

bool Ends(const std::string& w, std::string_view suffix) {
  return w.size() >= suffix.size() && std::string_view(w).substr(w.size() - suffix.size()) == suffix;
}

// Step 1b's tidy-up after removing -ed or -ing.
void AfterEdIng(std::string& w) {
  if (Ends(w, "at") || Ends(w, "bl") || Ends(w, "iz")) {
    w += 'e';
  } else if (w.size() >= 2 && w[w.size() - 1] == w[w.size() - 2] && Consonant(w, w.size() - 1) &&
             w.back() != 'l' && w.back() != 's' && w.back() != 'z') {
    w.pop_back();
  } else if (Measure(w, w.size()) == 1 && Cvc(w, w.size())) {
    w += 'e';
  }
}

// Porter step 1 (plurals, -ed, -ing, final y) on a lower-case ASCII word.
std::string PorterStep1(std::string w) {
  if (w.size() <= 2) return w;
  if (Ends(w, "sses") || Ends(w, "ies")) {
    w.resize(w.size() - 2);
  } else if (!Ends(w, "ss") && Ends(w, "s")) {
    w.pop_back();
  }
  if (Ends(w, "eed")) {
    if (Measure(w, w.size() - 3) > 0) w.pop_back();
  } else if (Ends(w, "ed") && HasVowel(w, w.size() - 2)) {
    w.resize(w.size() - 2);
    AfterEdIng(w);
  } else if (Ends(w, "ing") && HasVowel(w, w.size() - 3)) {
    w.resize(w.size() - 3);
    AfterEdIng(w);
  }
  if (Ends(w, "y") && HasVowel(w, w.size() - 1)) w.back() = 'i';
  return w;
}

// Calls fn(start, end, stem) for every word of `text`.
template <typename Fn>
void ForEachWord(std::string_view text, Fn&& fn) {
  size_t start = 0;
  bool in_word = false;
  for (size_t i = 0; i <= text.size();) {
    char32_t cp = 0;
    size_t n = i < text.size() ? util::DecodeUtf8(text, i, &cp) : 1;
    bool word = i < text.size() && IsWordChar(cp);
    if (word && !in_word) start = i;
    if (!word && in_word) fn(start, i, MemoryStem(text.substr(start, i - start)));
    in_word = word;
    i += n;
  }
}

}  // namespace

std::string MemoryStem(std::string_view word) {
  std::string w(word);
  for (char& c : w)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  w = util::SearchSpelling(w);
  bool letters = !w.empty();
  for (char c : w) letters = letters && c >= 'a' && c <= 'z';
  return letters ? PorterStep1(std::move(w)) : w;
}

namespace memory {
namespace {

struct Scored {
  double score;
  int64_t id;
  const Article* article;
};

// Scores every published article (in `section` when not empty) against the
// stems: all of them required unless `any`. `exclude` is left out.
std::vector<Scored> Score(const Data& data, const std::vector<std::string>& stems, const std::string& section,
                          bool any, const Article* exclude = nullptr) {
  std::vector<const Article*> docs;
  std::array<double, kFields> avg{};
  for (const auto& [path, article] : data.articles) {
    if (!article.published) continue;
    docs.push_back(&article);
    for (size_t f = 0; f < kFields; ++f) avg[f] += article.index->length[f];
  }
  for (double& a : avg) a = docs.empty() ? 1 : std::max(1.0, a / static_cast<double>(docs.size()));
  std::vector<double> idf;
  for (const std::string& stem : stems) {
    double n = 0;
    for (const Article* a : docs) n += a->index->tf.contains(stem) ? 1 : 0;
    double total = static_cast<double>(docs.size());
    idf.push_back(std::log(1.0 + (total - n + 0.5) / (n + 0.5)));
  }
  std::vector<Scored> out;
  for (const Article* a : docs) {
    if (a == exclude || (!section.empty() && a->index->doc.section != section)) continue;
    double score = 0;
    size_t found = 0;
    for (size_t t = 0; t < stems.size(); ++t) {
      auto it = a->index->tf.find(stems[t]);
      if (it == a->index->tf.end()) continue;
      ++found;
      for (size_t f = 0; f < kFields; ++f) {
        double tf = it->second[f];
        double norm = kK1 * (1 - kB + kB * a->index->length[f] / avg[f]);
        score += kWeights[f] * idf[t] * tf * (kK1 + 1) / (tf + norm);
      }
    }
    if (found > 0 && (any || found == stems.size())) out.push_back({score, a->id, a});
  }
  std::sort(out.begin(), out.end(), [](const Scored& x, const Scored& y) {
    return x.score != y.score ? x.score > y.score : x.id < y.id;
  });
  return out;
}

std::vector<std::string> Stems(const std::vector<std::string>& words) {
  std::vector<std::string> stems;
  for (const std::string& w : words) stems.push_back(MemoryStem(w));
  return stems;
}

// The body around its best matches; else the description around its
// matches; else the start of the description (or of the body).
void Snippet(const SearchDocument& doc, const std::vector<std::string>& stems, SearchHit& hit) {
  std::vector<SnippetToken> tokens;
  auto tokenize = [&](std::string_view text) {
    tokens.clear();
    ForEachWord(text, [&](size_t start, size_t end, const std::string& stem) {
      int phrase = -1;
      for (size_t i = 0; i < stems.size(); ++i) {
        if (stems[i] == stem) phrase = static_cast<int>(i);
      }
      tokens.push_back({start, end, phrase});
    });
  };
  const int phrases = static_cast<int>(stems.size());
  tokenize(doc.body);
  int first = BestSnippetWindow(tokens, phrases);
  if (first >= 0) return MakeSnippet(doc.body, tokens, first, hit);
  std::string_view text = doc.description.empty() ? std::string_view(doc.body) : doc.description;
  tokenize(text);
  MakeSnippet(text, tokens, std::max(BestSnippetWindow(tokens, phrases), 0), hit);
}

}  // namespace

std::shared_ptr<const IndexedDoc> IndexDocument(const std::string& url, const SearchDocument& doc) {
  auto index = std::make_shared<IndexedDoc>();
  index->url = url;
  index->doc = doc;
  const std::string* fields[kFields] = {&doc.title, &doc.description, &doc.headings,
                                        &doc.tags,  &doc.body,        &doc.glossary};
  for (size_t f = 0; f < kFields; ++f) {
    ForEachWord(*fields[f], [&](size_t, size_t, const std::string& stem) {
      ++index->tf[stem][f];
      ++index->length[f];
    });
  }
  return index;
}

SearchResults SearchIn(const Data& data, const SearchQuery& query) {
  std::vector<std::string> stems = Stems(QueryWords(query.text, kMaxWords));
  SearchResults results;
  if (stems.empty()) return results;
  std::vector<Scored> rows = Score(data, stems, query.section, /*any=*/false);
  if (rows.empty() && stems.size() > 1) rows = Score(data, stems, query.section, /*any=*/true);
  results.total = rows.size();
  size_t limit = std::min(query.limit, kMaxSearchLimit);
  for (size_t i = query.offset; i < rows.size() && i - query.offset < limit; ++i) {
    const IndexedDoc& index = *rows[i].article->index;
    SearchHit hit;
    hit.url = rows[i].article->url;
    hit.title = index.doc.title;
    hit.section = index.doc.section;
    hit.score = rows[i].score;
    Snippet(index.doc, stems, hit);
    results.hits.push_back(std::move(hit));
  }
  return results;
}

Result<std::vector<std::string>> RelatedIn(const Data& data, const std::string& url, size_t limit) {
  auto at = data.published_paths.find(url);
  if (at == data.published_paths.end()) return Status::NotFound("no published article at " + url);
  const Article& article = data.articles.at(at->second);
  const SearchDocument& doc = article.index->doc;
  std::vector<std::string> urls;
  if (limit == 0) return urls;
  std::vector<std::string> words =
      QueryWords(doc.title + " " + doc.tags + " " + doc.description, kMaxRelatedWords);
  std::vector<Scored> rows = Score(data, Stems(words), "", /*any=*/true, &article);
  for (size_t i = 0; i < rows.size() && i < limit; ++i) urls.push_back(rows[i].article->url);
  return urls;
}

}  // namespace memory
}  // namespace vetted::store
