// The static search index: words per article on the render threads, then
// postings, bm25 parts, shards and the document table at the end.
//
// The hot path is Add: every word of every article. Each thread keeps a table
// from each distinct word it has seen (as written, lower-cased) to its stem
// (spelled, then stemmed, once) and its glossary word; a word is found by its
// first 16 bytes held in the slot, so most words cost a table look-up a byte
// to cut, a multiply-and-shift hash and two compares.
#include "render/search_index.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <unordered_map>

#include "render/search_words.h"
#include "util/util.h"

namespace vetted::render {
namespace {

static_assert(std::endian::native == std::endian::little, "word keys are read as little-endian integers");

// Twice the server's column weights (title 10, description 5, headings 4,
// tags 4, body 1, glossary 0.5), so that they are whole numbers.
constexpr std::array<uint32_t, 5> kWeights2 = {20, 10, 8, 8, 2};
constexpr uint32_t kGlossaryWeight2 = 1;
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr double kTfScale = 10000;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return SearchHash(s); }
};

void AppendNumber(std::string& out, double v) {
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.6g", v);
  out.append(buf, static_cast<size_t>(n));
}

void AppendInt(std::string& out, long v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<size_t>(end - buf));
}

size_t BucketCount(size_t bytes) {
  size_t b = 1;
  while (b < kMaxBuckets && b * kTargetBucketBytes < bytes) b *= 2;
  return b;
}

std::string Hex(size_t v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%zx", v);
  return std::string(buf, static_cast<size_t>(n));
}

// The first 16 bytes of a word, zero-padded, as two integers.
struct Key {
  uint64_t a = 0, b = 0;
};

// The key of [p, p + n) (n > 0), reading only bytes inside [lo, hi).
[[gnu::always_inline]] inline Key KeyOf(const char* p, size_t n, const char* lo, const char* hi) {
  Key k;
  if (n >= 8) {
    std::memcpy(&k.a, p, 8);
    if (n >= 16) {
      std::memcpy(&k.b, p + 8, 8);
    } else if (n > 8) {
      std::memcpy(&k.b, p + n - 8, 8);
      k.b >>= 8 * (16 - n);
    }
  } else if (hi - p >= 8) {
    std::memcpy(&k.a, p, 8);
    k.a &= (uint64_t{1} << (8 * n)) - 1;
  } else if (p + n - lo >= 8) {
    std::memcpy(&k.a, p + n - 8, 8);
    k.a >>= 8 * (8 - n);
  } else {
    std::memcpy(&k.a, p, n);
  }
  return k;
}

inline uint32_t HashOf(const Key& k, std::string_view word) {
  uint64_t h = (k.a * 0x9E3779B97F4A7C15ull) ^ ((k.b + word.size()) * 0xC2B2AE3D27D4EB4Full);
  if (word.size() > 16) h ^= SearchHash(word.substr(16));
  h = (h ^ (h >> 31)) * 0x94D049BB133111EBull;  // every bit of the key reaches the top bits
  return static_cast<uint32_t>(h >> 32);
}

}  // namespace

uint32_t SearchHash(std::string_view s) {
  uint32_t h = kSearchHashBasis;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * kSearchHashPrime;
  return h;
}

// The glossary's names (each term and its aliases) as the glossary field
// needs them: each name's spelled words, numbered ("ids"), to tell whether an
// article's text already holds the name, and its words to index when not.
struct SearchIndexBuilder::Glossary {
  struct Name {
    std::string spelled;             // util::SpelledWords(name): " w1 w2 "; " " when it has no word
    std::vector<uint32_t> ids;       // of the spelled words (empty when `exotic`)
    bool exotic = false;             // a spelled word with non-ASCII bytes: compared on the spelled text
    std::vector<std::string> words;  // the name's search words, indexed when the text lacks it
  };
  std::unordered_map<std::string, std::vector<Name>> terms;  // by term key; the first of equal keys
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> ids;  // spelled word -> id
  std::vector<char> multi;  // by id: the word is in a name of several words

  explicit Glossary(const std::vector<GlossaryTerm>& glossary) {
    std::string buffer;
    for (const GlossaryTerm& t : glossary) {
      auto [at, added] = terms.try_emplace(t.term);
      if (!added) continue;
      std::vector<const std::string*> names = {&t.term};
      for (const std::string& alias : t.aliases) names.push_back(&alias);
      for (const std::string* name : names) at->second.push_back(Cut(*name, buffer));
    }
  }

  Name Cut(const std::string& name, std::string& buffer) {
    Name n;
    n.spelled = util::SpelledWords(name);
    std::vector<std::string_view> spelled;
    for (size_t i = 1; i < n.spelled.size();) {
      size_t end = n.spelled.find(' ', i);
      spelled.push_back(std::string_view(n.spelled).substr(i, end - i));
      i = end + 1;
    }
    for (std::string_view word : spelled)
      for (char c : word) n.exotic |= static_cast<unsigned char>(c) >= 0x80;
    if (!n.exotic) {
      for (std::string_view word : spelled) {
        auto [at, added] = ids.emplace(std::string(word), static_cast<uint32_t>(ids.size()));
        if (added) multi.push_back(0);
        n.ids.push_back(at->second);
      }
      if (n.ids.size() > 1)
        for (uint32_t id : n.ids) multi[id] = 1;
    }
    ForEachSearchWord(name, buffer, [&](std::string_view w, size_t, size_t) { n.words.emplace_back(w); });
    return n;
  }

  int32_t Id(std::string_view spelled) const {
    auto at = ids.find(spelled);
    return at == ids.end() ? -1 : static_cast<int32_t>(at->second);
  }
};

// One thread's words: word -> (local stem id, glossary word id) in an
// open-addressing table, stems by local id, and per-article scratch.
struct SearchIndexBuilder::Words {
  struct Slot {
    Key key;
    uint32_t hash = 0;
    uint32_t size = 0;    // 0: empty slot
    uint32_t offset = 0;  // of the word in `arena` (words over 16 bytes)
    uint32_t stem = 0;
    int32_t gloss = -1;  // Glossary id of the spelled word, or -1
  };
  const Glossary* glossary = nullptr;
  std::vector<Slot> slots = std::vector<Slot>(1024);
  size_t mask = 1023;  // slots.size() - 1
  size_t used = 0;
  std::string arena;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> stem_ids;
  std::vector<std::string> stems;  // by local id
  std::vector<uint32_t> count;     // scratch: weighted count per local id, zero between Adds
  std::string buffer;
  // Glossary scratch: seen[id] == stamp when the article's text has the
  // glossary word as a whole word; (position, id) of those in names of
  // several words.
  std::vector<uint32_t> seen;
  uint32_t stamp = 0;
  std::vector<std::pair<uint32_t, uint32_t>> placed;

  // `word` lies in [lo, hi); `capital`: its first letter is an upper-case
  // ASCII letter, looked up as lower-case (the rest is lower-case already).
  [[gnu::always_inline]] inline const Slot& Find(std::string_view word, const char* lo, const char* hi,
                                                 bool capital = false) {
    Key k = KeyOf(word.data(), word.size(), lo, hi);
    k.a |= capital ? 0x20 : 0;  // 'A'..'Z' -> 'a'..'z'
    uint32_t h = HashOf(k, word);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots[i];
      if (slot.size == 0) break;
      if (slot.hash == h && slot.size == word.size() && slot.key.a == k.a && slot.key.b == k.b &&
          (word.size() <= 16 ||
           std::memcmp(arena.data() + slot.offset + 16, word.data() + 16, word.size() - 16) == 0))
        return slot;
    }
    if (!capital) return Insert(word, k, h);
    std::string lower(word);
    lower[0] = static_cast<char>(lower[0] | 0x20);
    return Insert(lower, k, h);
  }

  [[gnu::noinline]] const Slot& Insert(std::string_view word, const Key& k, uint32_t h) {
    std::string spelled = util::SearchSpelling(word);
    std::string stem = PorterStem(spelled);
    auto [at, added] = stem_ids.emplace(stem, static_cast<uint32_t>(stems.size()));
    if (added) {
      stems.push_back(std::move(stem));
      count.push_back(0);
    }
    Slot slot;
    slot.key = k;
    slot.hash = h;
    slot.size = static_cast<uint32_t>(word.size());
    slot.offset = static_cast<uint32_t>(arena.size());
    slot.stem = at->second;
    slot.gloss = glossary ? glossary->Id(spelled) : -1;
    if (word.size() > 16) arena.append(word);
    if (2 * (used + 1) > slots.size()) Grow();
    return slots[Place(slot)];
  }

  size_t Place(const Slot& slot) {
    size_t i = slot.hash & mask;
    while (slots[i].size != 0) i = (i + 1) & mask;
    slots[i] = slot;
    ++used;
    return i;
  }

  void Grow() {
    std::vector<Slot> old(slots.size() * 2);
    old.swap(slots);
    mask = slots.size() - 1;
    used = 0;
    for (const Slot& slot : old)
      if (slot.size != 0) Place(slot);
  }

  // Counts one word of weight `weight2` into `doc`.
  void Count(uint32_t stem, uint32_t weight2, Doc& doc) {
    if (count[stem] == 0) doc.terms.emplace_back(stem, 0);
    count[stem] += weight2;
    ++doc.length;
  }
};

SearchIndexBuilder::SearchIndexBuilder(size_t articles, const std::vector<GlossaryTerm>& glossary)
    : docs_(articles), glossary_(glossary.empty() ? nullptr : std::make_unique<Glossary>(glossary)) {}
SearchIndexBuilder::~SearchIndexBuilder() = default;

SearchIndexBuilder::Words* SearchIndexBuilder::Lease() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!free_.empty()) {
    Words* w = free_.back();
    free_.pop_back();
    return w;
  }
  all_.push_back(std::make_unique<Words>());
  all_.back()->glossary = glossary_.get();
  if (glossary_) all_.back()->seen.assign(glossary_->ids.size(), 0);
  return all_.back().get();
}

void SearchIndexBuilder::Return(Words* words) {
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(words);
}

// Where an article's text (title, description, headings, body; not tags) has
// glossary words, as publish::SearchText cuts that text: a word next to a
// non-ASCII byte that is not a letter belongs to a longer word there, and
// such bytes between two words are a word of their own.
struct SearchIndexBuilder::Placing {
  uint32_t position = 0;
  bool between = false;  // a non-ASCII byte since the last word
};

// Counts the words of one field into `doc`; with `placing`, also notes the
// glossary words of the text (Words::seen, Words::placed).
template <bool kPlace>
void SearchIndexBuilder::Scan(Words& w, std::string_view text, uint32_t weight, Doc& doc, Placing* placing) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const char* lo = text.data();
  const char* hi = lo + text.size();
  const size_t n = text.size();
  size_t glued = std::string_view::npos;  // the end of the last non-ASCII non-letter
  auto word = [&](std::string_view word, size_t begin, size_t end, const char* a, const char* b, bool capital)
      __attribute__((always_inline)) {
    const Words::Slot& slot = w.Find(word, a, b, capital);
    uint32_t& count = w.count[slot.stem];
    if (count == 0) doc.terms.emplace_back(slot.stem, 0);
    count += weight;
    ++doc.length;
    if constexpr (kPlace) {
      placing->position += placing->between ? 2 : 1;
      placing->between = false;
      if (slot.gloss < 0 || begin == glued || (end < n && bytes[end] >= 0x80)) return;
      w.seen[slot.gloss] = w.stamp;
      if (glossary_->multi[slot.gloss]) w.placed.emplace_back(placing->position, slot.gloss);
    }
  };
  for (size_t i = 0; i < n;) {
    unsigned c = kSearchBytes.of[bytes[i]];
    if (c == 0) {
      ++i;
      continue;
    }
    if (c <= 2) {  // the common cases: lower-case letters and digits (after a capital), then ASCII
      size_t end = SkipLowerAndDigits(bytes, i + 1, n);
      if (end == n || kSearchBytes.of[bytes[end]] == 0) {
        word(std::string_view(lo + i, end - i), i, end, lo, hi, c == 2);
        i = end;
        continue;
      }
    }
    std::string_view cut;
    size_t end = CutSearchWord(text, i, w.buffer, &cut);
    if (cut.empty()) {
      if constexpr (kPlace) placing->between = true;
      glued = end;
    } else if (cut.data() == w.buffer.data()) {
      word(cut, i, end, w.buffer.data(), w.buffer.data() + w.buffer.size(), false);
    } else {
      word(cut, i, end, lo, hi, false);
    }
    i = end;
  }
}

void SearchIndexBuilder::Add(size_t i, const SearchFields& fields) {
  if (i >= docs_.size()) return;
  Words* w = Lease();
  Doc doc;
  doc.words = w;
  const std::string* texts[] = {&fields.title, &fields.description, &fields.headings, &fields.tags,
                                &fields.body};
  const bool names = glossary_ && fields.glossary_terms && !fields.glossary_terms->empty();
  if (names) {
    if (++w->stamp == 0) {
      std::fill(w->seen.begin(), w->seen.end(), 0);
      w->stamp = 1;
    }
    w->placed.clear();
  }
  Placing placing;
  for (size_t f = 0; f < kWeights2.size(); ++f) {
    if (names && f != 3) {
      Scan<true>(*w, *texts[f], kWeights2[f], doc, &placing);
    } else {
      Scan<false>(*w, *texts[f], kWeights2[f], doc, nullptr);
    }
  }
  if (names) AddGlossary(*w, fields, doc);
  for (auto& [id, count] : doc.terms) {
    count = w->count[id];
    w->count[id] = 0;
  }
  docs_[i] = std::move(doc);
  Return(w);
}

// The glossary field: the names of the article's glossary terms that its
// text lacks, at the glossary's weight.
void SearchIndexBuilder::AddGlossary(Words& w, const SearchFields& fields, Doc& doc) {
  std::string spelled_text;  // SpelledWords of the text, for exotic names only
  auto has = [&](const Glossary::Name& name) {
    if (name.exotic) {
      if (spelled_text.empty())
        spelled_text = util::SpelledWords(fields.title + "\n" + fields.description + "\n" + fields.headings +
                                          "\n" + fields.body);
      return spelled_text.find(name.spelled) != std::string::npos;
    }
    for (uint32_t id : name.ids)
      if (w.seen[id] != w.stamp) return false;
    if (name.ids.size() == 1) return true;
    for (size_t p = 0; p + name.ids.size() <= w.placed.size(); ++p) {
      size_t k = 0;
      while (k < name.ids.size() && w.placed[p + k].second == name.ids[k] &&
             w.placed[p + k].first == w.placed[p].first + k)
        ++k;
      if (k == name.ids.size()) return true;
    }
    return false;
  };
  for (const std::string& key : *fields.glossary_terms) {
    auto term = glossary_->terms.find(key);
    if (term == glossary_->terms.end()) continue;
    for (const Glossary::Name& name : term->second) {
      if (name.spelled.size() <= 1 || has(name)) continue;
      for (const std::string& word : name.words)
        w.Count(w.Find(word, word.data(), word.data() + word.size()).stem, kGlossaryWeight2, doc);
    }
  }
}

std::vector<std::pair<std::string, std::string>> SearchIndexBuilder::Finish(
    const std::vector<SearchDocInfo>& infos, SearchIndexMeta* meta) {
  // Stems of every thread under one id; postings in article order.
  std::map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> postings;
  std::unordered_map<const Words*, std::vector<std::vector<std::pair<uint32_t, uint32_t>>*>> global;
  for (const auto& w : all_) {
    auto& map = global[w.get()];
    for (const std::string& stem : w->stems) map.push_back(&postings[stem]);
  }
  size_t n = 0;
  double total = 0;
  for (size_t i = 0; i < docs_.size(); ++i) {
    const Doc& d = docs_[i];
    if (d.words == nullptr) continue;
    ++n;
    total += d.length;
    const auto& map = global[d.words];
    for (const auto& [id, count] : d.terms) map[id]->emplace_back(static_cast<uint32_t>(i), count);
  }
  const double avgdl = n == 0 ? 1 : total / static_cast<double>(n);

  size_t bytes = 0;
  for (const auto& [stem, list] : postings) bytes += stem.size() + 16 + 8 * list.size();
  SearchIndexMeta m;
  m.docs = docs_.size();
  m.buckets = BucketCount(bytes);
  m.spelling = util::SearchSpellingTable();
  // Each document's bm25 length factor, once.
  std::vector<double> norm(docs_.size());
  for (size_t i = 0; i < docs_.size(); ++i)
    norm[i] = kK1 * (1 - kB + kB * static_cast<double>(docs_[i].length) / avgdl);
  // The shards, each on its own (in parallel): stems in order within one.
  using Entry = std::pair<const std::string, std::vector<std::pair<uint32_t, uint32_t>>>;
  std::vector<std::vector<const Entry*>> in_bucket(m.buckets);
  for (const Entry& entry : postings) in_bucket[SearchHash(entry.first) & (m.buckets - 1)].push_back(&entry);
  std::vector<std::string> shards(m.buckets);
  util::ParallelFor(m.buckets, [&](size_t b) {
    std::string& out = shards[b];
    for (const Entry* entry : in_bucket[b]) {
      const auto& [stem, list] = *entry;
      out += out.empty() ? "{" : ",\n";
      util::AppendJsonString(out, stem);
      out += ":[";
      double hits = static_cast<double>(list.size());
      double idf = std::log((static_cast<double>(n) - hits + 0.5) / (hits + 0.5));
      AppendNumber(out, idf <= 0 ? 1e-6 : idf);
      uint32_t prev = 0;
      for (const auto& [doc, count] : list) {
        double f = count / 2.0;
        double tf = f * (kK1 + 1) / (f + norm[doc]);
        out += ',';
        AppendInt(out, static_cast<long>(doc - prev));
        out += ',';
        AppendInt(out, std::lround(tf * kTfScale));
        prev = doc;
      }
      out += ']';
    }
  });
  std::vector<std::pair<std::string, std::string>> files;
  for (size_t b = 0; b < shards.size(); ++b) {
    if (shards[b].empty()) continue;
    files.emplace_back("search/t/" + Hex(b) + ".json", std::move(shards[b] += "}\n"));
  }
  // The document table, in chunks; the sections of every article.
  std::vector<std::string> sections;
  std::string of = "[";
  for (size_t c = 0; c * m.chunk < infos.size(); ++c) {
    std::string out = "[";
    for (size_t i = c * m.chunk; i < infos.size() && i < (c + 1) * m.chunk; ++i) {
      const SearchDocInfo& d = infos[i];
      if (i > c * m.chunk) out += ",\n";
      out += '[';
      for (const std::string* s : {&d.url, &d.title, &d.section, &d.description}) {
        if (s != &d.url) out += ',';
        util::AppendJsonString(out, *s);
      }
      out += ']';
      auto at = std::find(sections.begin(), sections.end(), d.section);
      if (at == sections.end()) at = sections.insert(sections.end(), d.section);
      if (i > 0) of += ',';
      of += std::to_string(at - sections.begin());
    }
    files.emplace_back("search/d/" + std::to_string(c) + ".json", out + "]\n");
  }
  std::string table = "{\"sections\":[";
  for (size_t k = 0; k < sections.size(); ++k) {
    if (k > 0) table += ',';
    util::AppendJsonString(table, sections[k]);
  }
  files.emplace_back("search/sections.json", table + "],\"of\":" + of + "]}\n");
  std::sort(files.begin(), files.end());
  if (meta) *meta = std::move(m);
  return files;
}

}  // namespace vetted::render
