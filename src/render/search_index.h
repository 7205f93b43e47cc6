// render/: the static search index that `vetted build` and `vetted export`
// write beside the pages, for themes/default/search.js to search a site
// served by any static host. Internal to render/ (RenderSite uses it when
// Options::search_text is set).
//
// Files, under the output root (all JSON, UTF-8):
//   search/t/<bucket>.json  {"<stem>": [idf, doc, tf, doc, tf, ...], ...}: the
//       stems whose FNV-1a 32-bit hash (of their UTF-8 bytes) modulo `buckets`
//       is <bucket> (lower-case hex). Docs are article numbers, delta-coded
//       (the first as is, then the difference with the one before), in
//       increasing order; tf is the per-document part of FTS5's bm25 for the
//       stem, x10000, rounded: round(10000 * f*(k1+1) / (f + k1*(1-b+b*D/avgdl)))
//       with f the stem's weighted count (title 10, description 5, headings 4,
//       tags 4, body 1, glossary 0.5), D the document's words and avgdl their
//       mean; k1 1.2, b 0.75. A document's score for a query is the sum over
//       its words of idf * tf / 10000: FTS5's bm25 with the server's weights,
//       so both rank alike. Words are spelled by util::SearchSpelling before
//       they are stemmed, as the server's tokenizer does.
//   search/d/<chunk>.json   [[url, title, section url, description], ...]:
//       articles chunk*kDocsPerChunk ... in article order.
//   search/sections.json    {"sections": [url, ...], "of": [i, ...]}: the
//       top-level section of every article (an index into "sections"), for
//       the section filter.
// The bucket count and the article count go in the search page's
// data-buckets, data-docs and data-chunk attributes, and SearchSpelling's
// lists (util::SearchSpellingTable) in its data-spelling (SearchIndexMeta),
// so that the script spells the reader's words as the index's.
//
// The glossary field: for every glossary term the article mentions
// (SearchFields::glossary_terms), the term and its aliases that the title,
// description, headings and body do not already hold (compared word by word
// after SearchSpelling, as publish::SearchText does for the server) are
// indexed at weight 0.5.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "render/render.h"

namespace vetted::render {

inline constexpr size_t kDocsPerChunk = 16;
inline constexpr size_t kTargetBucketBytes = 8 * 1024;  // the bucket count aims at shards about this size
inline constexpr size_t kMaxBuckets = 4096;

// FNV-1a, 32 bits, of the bytes of `s` (search.js computes the same).
uint32_t SearchHash(std::string_view s);

struct SearchIndexMeta {
  size_t docs = 0;     // articles indexed
  size_t buckets = 1;  // term shards (a power of two)
  size_t chunk = kDocsPerChunk;
  std::string spelling;  // util::SearchSpellingTable()
};

// What each article contributes besides its words.
struct SearchDocInfo {
  std::string url, title, section, description;
};

// Collects the words of every article (Add, from any thread), then writes the
// index (Finish). Articles never added are left out of every list.
class SearchIndexBuilder {
 public:
  // `glossary`: the site's, for the glossary field (read here, not kept).
  explicit SearchIndexBuilder(size_t articles, const std::vector<GlossaryTerm>& glossary = {});
  ~SearchIndexBuilder();
  SearchIndexBuilder(const SearchIndexBuilder&) = delete;
  SearchIndexBuilder& operator=(const SearchIndexBuilder&) = delete;

  // Cuts, spells and stems the fields of article `i` (< articles), each
  // distinct word once. Thread-safe for distinct `i`; adding the same `i`
  // twice keeps the last.
  void Add(size_t i, const SearchFields& fields);

  // The index files as (path, bytes), paths relative to the output root,
  // sorted; `docs` (one per article) fills the document table. Call once,
  // after every Add has returned.
  std::vector<std::pair<std::string, std::string>> Finish(const std::vector<SearchDocInfo>& docs,
                                                          SearchIndexMeta* meta);

 private:
  struct Words;     // one thread's word and stem dictionary
  struct Glossary;  // the glossary's names, cut and spelled
  struct Placing;   // where an article's text has glossary words
  struct Doc {
    const Words* words = nullptr;                      // whose local stem ids `terms` uses
    uint32_t length = 0;                               // words in all fields
    std::vector<std::pair<uint32_t, uint32_t>> terms;  // (local stem id, weighted count x2)
  };
  Words* Lease();
  void Return(Words* words);
  void AddGlossary(Words& w, const SearchFields& fields, Doc& doc);
  template <bool kPlace>
  void Scan(Words& w, std::string_view text, uint32_t weight, Doc& doc, Placing* placing);

  std::vector<Doc> docs_;
  std::unique_ptr<Glossary> glossary_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Words>> all_;
  std::vector<Words*> free_;
};

}  // namespace vetted::render
