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

// A word of lower-case ASCII letters, digits and other letters is passed as
// a view of `text`; one with upper-case letters is copied, lower-cased, into
// `buffer` (the common case copies nothing).
template <typename Fn>
void ForEachSearchWord(std::string_view text, std::string& buffer, Fn&& fn) {
  constexpr size_t kNone = std::string_view::npos;
  buffer.clear();
  uint32_t hash = kSearchHashBasis;
  size_t start = kNone;
  bool copy = false;
  auto flush = [&](size_t end) {
    if (start == kNone) return;
    fn(copy ? std::string_view(buffer) : text.substr(start, end - start), hash);
    start = kNone;
    copy = false;
    buffer.clear();
    hash = kSearchHashBasis;
  };
  for (size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      bool upper = b >= 'A' && b <= 'Z';
      if (!upper && !((b >= '0' && b <= '9') || (b >= 'a' && b <= 'z'))) {
        flush(i);
        ++i;
        continue;
      }
      if (start == kNone) start = i;
      char c = static_cast<char>(upper ? b - 'A' + 'a' : b);
      if (upper && !copy) {
        copy = true;
        buffer.assign(text.data() + start, i - start);
      }
      if (copy) buffer.push_back(c);
      hash = (hash ^ static_cast<unsigned char>(c)) * kSearchHashPrime;
      ++i;
      continue;
    }
    char32_t cp;
    size_t n = SearchDecodeUtf8(text, i, cp);
    if (IsSearchWordChar(cp)) {
      if (start == kNone) start = i;
      if (copy) buffer.append(text.substr(i, n));
      for (size_t k = 0; k < n; ++k)
        hash = (hash ^ static_cast<unsigned char>(text[i + k])) * kSearchHashPrime;
    } else {
      flush(i);
    }
    i += n;
  }
  flush(text.size());
}

}  // namespace vetted::render
