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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
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

// Calls fn(word, begin, end) for every word of `text` (runs of
// IsSearchWordChar, ASCII lower-cased), in order, with [begin, end) the
// word's bytes in `text`; `word` is valid during the call only. Invalid
// UTF-8 bytes separate words.
template <typename Fn>
void ForEachSearchWord(std::string_view text, std::string& buffer, Fn&& fn);

// ---- implementation ---------------------------------------------------------

// The length of the UTF-8 sequence at s[i] and its code point (0xFFFD and 1
// for an invalid byte).
size_t SearchDecodeUtf8(std::string_view s, size_t i, char32_t& cp);

inline constexpr uint32_t kSearchHashBasis = 2166136261u;
inline constexpr uint32_t kSearchHashPrime = 16777619u;

// Byte classes of the word scanner: 0 ends a word (ASCII other than letters
// and digits), 1 lower-case letter or digit, 2 upper-case letter, 3 a byte of
// a non-ASCII code point.
struct SearchByteClasses {
  unsigned char of[256];
  constexpr SearchByteClasses() : of() {
    for (int c = 0; c < 256; ++c)
      of[c] = c >= 0x80                                          ? 3
              : (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? 1
              : (c >= 'A' && c <= 'Z')                           ? 2
                                                                 : 0;
  }
};
inline constexpr SearchByteClasses kSearchBytes;

// The first position from `i` that is not a lower-case ASCII letter or digit
// (or n): sixteen bytes a step where SSE2 is available.
inline size_t SkipLowerAndDigits(const unsigned char* bytes, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i a = _mm_set1_epi8('a' - 1), z = _mm_set1_epi8('z' + 1);
  const __m128i d0 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1);
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i));
    // Signed compares: bytes >= 0x80 are negative, so neither letters nor digits.
    __m128i lower = _mm_and_si128(_mm_cmpgt_epi8(v, a), _mm_cmplt_epi8(v, z));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, d0), _mm_cmplt_epi8(v, d9));
    unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(lower, digit))) & 0xFFFFu;
    if (other != 0) return i + static_cast<size_t>(__builtin_ctz(other));
    i += 16;
  }
#endif
  while (i < n && kSearchBytes.of[bytes[i]] == 1) ++i;
  return i;
}

// One step of the word cutter at text[i], a byte other than ASCII
// punctuation or space: returns the end of the word that starts there
// (*word = the word, lower-cased: a view of `text`, or of `buffer` when it
// has upper-case letters), or of the code point there when it is not a
// letter or digit (*word empty).
inline size_t CutSearchWord(std::string_view text, size_t i, std::string& buffer, std::string_view* word) {
  const size_t n = text.size(), start = i;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  if (kSearchBytes.of[bytes[i]] == 3) {
    char32_t cp;
    size_t len = SearchDecodeUtf8(text, i, cp);
    if (!IsSearchWordChar(cp)) {
      *word = {};
      return i + len;
    }
  }
  i = SkipLowerAndDigits(bytes, i, n);
  bool copy = false;
  while (i < n) {
    unsigned c = kSearchBytes.of[bytes[i]];
    if (c == 0) break;
    if (c == 3) {
      char32_t cp;
      size_t len = SearchDecodeUtf8(text, i, cp);
      if (!IsSearchWordChar(cp)) break;
      if (copy) buffer.append(text.substr(i, len));
      i += len;
      continue;
    }
    if (c == 2 && !copy) {
      copy = true;
      buffer.assign(text.data() + start, i - start);
    }
    if (copy)
      buffer.push_back(c == 2 ? static_cast<char>(bytes[i] - 'A' + 'a') : static_cast<char>(bytes[i]));
    ++i;
  }
  *word = copy ? std::string_view(buffer) : text.substr(start, i - start);
  return i;
}

// A word of lower-case ASCII letters, digits and other letters is passed as
// a view of `text`; one with upper-case letters is copied, lower-cased, into
// `buffer` (the common case copies nothing).
template <typename Fn>
void ForEachSearchWord(std::string_view text, std::string& buffer, Fn&& fn) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (size_t i = 0; i < text.size();) {
    if (kSearchBytes.of[bytes[i]] == 0) {
      ++i;
      continue;
    }
    std::string_view word;
    size_t end = CutSearchWord(text, i, buffer, &word);
    if (!word.empty()) fn(word, i, end);
    i = end;
  }
}

}  // namespace vetted::render
