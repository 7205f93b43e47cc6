// The static search index: words per article on the render threads, then
// postings, bm25 parts, shards and the document table at the end.
#include "render/search_index.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <unordered_map>

#include "render/search_words.h"
#include "util/util.h"

namespace vetted::render {
namespace {

constexpr std::array<uint32_t, 5> kWeights = {10, 5, 4, 4, 1};  // title, description, headings, tags, body
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

}  // namespace

uint32_t SearchHash(std::string_view s) {
  uint32_t h = kSearchHashBasis;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * kSearchHashPrime;
  return h;
}

// One thread's words: word -> local stem id in an open-addressing table (the
// hot path: one lookup per word of every article), stems by local id.
struct SearchIndexBuilder::Words {
  struct Slot {
    uint32_t hash = 0;
    uint32_t stem = 0;
    uint32_t offset = 0;  // of the word in `arena`
    uint32_t size = 0;    // 0: empty slot
  };
  std::vector<Slot> slots = std::vector<Slot>(1024);
  size_t used = 0;
  std::string arena;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> stem_ids;
  std::vector<std::string> stems;  // by local id
  std::vector<uint32_t> count;     // scratch: weighted count per local id, zero between Adds
  std::string buffer;

  // `h` is SearchHash(word).
  uint32_t StemId(std::string_view word, uint32_t h) {
    size_t mask = slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots[i];
      if (slot.size == 0) break;
      if (slot.hash == h && slot.size == word.size() &&
          std::memcmp(arena.data() + slot.offset, word.data(), word.size()) == 0)
        return slot.stem;
    }
    std::string stem = PorterStem(word);
    auto [at, added] = stem_ids.emplace(stem, static_cast<uint32_t>(stems.size()));
    if (added) {
      stems.push_back(std::move(stem));
      count.push_back(0);
    }
    if (2 * (used + 1) > slots.size()) Grow();
    Insert({h, at->second, static_cast<uint32_t>(arena.size()), static_cast<uint32_t>(word.size())});
    arena.append(word);
    return at->second;
  }

  void Insert(const Slot& slot) {
    size_t mask = slots.size() - 1;
    size_t i = slot.hash & mask;
    while (slots[i].size != 0) i = (i + 1) & mask;
    slots[i] = slot;
    ++used;
  }

  void Grow() {
    std::vector<Slot> old(slots.size() * 2);
    old.swap(slots);
    used = 0;
    for (const Slot& slot : old)
      if (slot.size != 0) Insert(slot);
  }
};

SearchIndexBuilder::SearchIndexBuilder(size_t articles) : docs_(articles) {}
SearchIndexBuilder::~SearchIndexBuilder() = default;

SearchIndexBuilder::Words* SearchIndexBuilder::Lease() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!free_.empty()) {
    Words* w = free_.back();
    free_.pop_back();
    return w;
  }
  all_.push_back(std::make_unique<Words>());
  return all_.back().get();
}

void SearchIndexBuilder::Return(Words* words) {
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(words);
}

void SearchIndexBuilder::Add(size_t i, const SearchFields& fields) {
  if (i >= docs_.size()) return;
  Words* w = Lease();
  Doc doc;
  doc.words = w;
  const std::string* texts[] = {&fields.title, &fields.description, &fields.headings, &fields.tags,
                                &fields.body};
  for (size_t f = 0; f < kWeights.size(); ++f) {
    ForEachSearchWord(*texts[f], w->buffer, [&](std::string_view word, uint32_t hash) {
      uint32_t id = w->StemId(word, hash);
      if (w->count[id] == 0) doc.terms.emplace_back(id, 0);
      w->count[id] += kWeights[f];
      ++doc.length;
    });
  }
  for (auto& [id, count] : doc.terms) {
    count = w->count[id];
    w->count[id] = 0;
  }
  docs_[i] = std::move(doc);
  Return(w);
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
  std::vector<std::string> shards(m.buckets);
  for (const auto& [stem, list] : postings) {
    std::string& out = shards[SearchHash(stem) & (m.buckets - 1)];
    out += out.empty() ? "{" : ",\n";
    util::AppendJsonString(out, stem);
    out += ":[";
    double hits = static_cast<double>(list.size());
    double idf = std::log((static_cast<double>(n) - hits + 0.5) / (hits + 0.5));
    AppendNumber(out, idf <= 0 ? 1e-6 : idf);
    uint32_t prev = 0;
    for (const auto& [doc, count] : list) {
      double f = count;
      double length = docs_[doc].length;
      double tf = f * (kK1 + 1) / (f + kK1 * (1 - kB + kB * length / avgdl));
      out += ',';
      out += std::to_string(doc - prev);
      out += ',';
      out += std::to_string(static_cast<long>(std::lround(tf * kTfScale)));
      prev = doc;
    }
    out += ']';
  }
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
  if (meta) *meta = m;
  return files;
}

}  // namespace vetted::render
