// render/: the words of the static search index (render/search_index.h),
// cut and stemmed the way the server's search index does it (SQLite FTS5,
// tokenize = 'porter unicode61 remove_diacritics 2'; see
// src/store/sqlite/sqlite_store.cc), so that a static search ranks as the
// served one. The one JavaScript port of these rules is
// themes/default/search.js (it stems the reader's words); keep both in step,
// the static-search browser test (e2e/static-search.mjs) compares them with
// the server. Internal to render/. Pure functions, thread-safe.
//
// Limits, compared with FTS5: only ASCII letters are lower-cased and nothing
// is folded (FTS5 also lower-cases other scripts and removes diacritics), so
// a word with non-ASCII letters matches only as written, lower-cased.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vetted::render {

inline constexpr size_t kMaxStemmedBytes = 64;  // longer words are kept as they are (FTS5's limit)

// Letters and digits: ASCII alphanumerics and any non-ASCII code point
// outside the common punctuation, space, symbol and private-use blocks (the
// server's store/search_text.h IsWordChar).
bool IsSearchWordChar(char32_t c);

// Porter's stemmer as FTS5's "porter" tokenizer applies it to one lower-case
// token: tokens shorter than 3 or longer than kMaxStemmedBytes bytes are
// returned as they are; other bytes than [a-z] count as consonants.
std::string PorterStem(std::string_view word);

// Calls fn(word, hash) for every word of `text` (runs of IsSearchWordChar,
// ASCII lower-cased), in order, with hash = FNV-1a 32 of the word's bytes
// (render/search_index.h SearchHash); `word` is valid during the call only.
// Invalid UTF-8 bytes separate words.
template <typename Fn>
void ForEachSearchWord(std::string_view text, std::string& buffer, Fn&& fn);

// ---- implementation ---------------------------------------------------------

// The length of the UTF-8 sequence at s[i] and its code point (0xFFFD and 1
// for an invalid byte).
size_t SearchDecodeUtf8(std::string_view s, size_t i, char32_t& cp);

inline constexpr uint32_t kSearchHashBasis = 2166136261u;
inline constexpr uint32_t kSearchHashPrime = 16777619u;

template <typename Fn>
void ForEachSearchWord(std::string_view text, std::string& buffer, Fn&& fn) {
  buffer.clear();
  uint32_t hash = kSearchHashBasis;
  auto push = [&](char c) {
    buffer.push_back(c);
    hash = (hash ^ static_cast<unsigned char>(c)) * kSearchHashPrime;
  };
  auto flush = [&] {
    if (buffer.empty()) return;
    fn(std::string_view(buffer), hash);
    buffer.clear();
    hash = kSearchHashBasis;
  };
  for (size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      if ((b >= '0' && b <= '9') || (b >= 'a' && b <= 'z')) {
        push(static_cast<char>(b));
      } else if (b >= 'A' && b <= 'Z') {
        push(static_cast<char>(b - 'A' + 'a'));
      } else {
        flush();
      }
      ++i;
      continue;
    }
    char32_t cp;
    size_t n = SearchDecodeUtf8(text, i, cp);
    if (IsSearchWordChar(cp)) {
      for (size_t k = 0; k < n; ++k) push(text[i + k]);
    } else {
      flush();
    }
    i += n;
  }
  flush();
}

}  // namespace vetted::render
