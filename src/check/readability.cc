// Flesch-Kincaid grade level: word, sentence and syllable counting in one
// pass over the text, without allocating per word.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "check/check.h"

namespace vetted::check {
namespace {

// Byte classes, looked up once per byte.
enum ByteClass : unsigned char { kOther, kLetter, kDigit, kHigh };

enum LetterKind : unsigned char { kNotLetter, kConsonant, kVowel };

struct Tables {
  unsigned char cls[256] = {};
  unsigned char letter[256] = {};  // LetterKind, either case
  bool vowel[256] = {};            // lower case only
  constexpr Tables() {
    for (int c = 'a'; c <= 'z'; ++c) {
      cls[c] = cls[c - 'a' + 'A'] = kLetter;
      letter[c] = letter[c - 'a' + 'A'] = kConsonant;
    }
    for (char v : {'a', 'e', 'i', 'o', 'u', 'y'})
      letter[v - 'a' + 'A'] = letter[static_cast<unsigned char>(v)] = kVowel;
    for (int c = '0'; c <= '9'; ++c) cls[c] = kDigit;
    for (int c = 0x80; c < 256; ++c) cls[c] = kHigh;
    for (char v : {'a', 'e', 'i', 'o', 'u', 'y'}) vowel[static_cast<unsigned char>(v)] = true;
  }
};
constexpr Tables kTables;

bool IsAsciiLetter(unsigned char c) {
  return kTables.cls[c] == kLetter;
}
bool IsDigit(unsigned char c) {
  return kTables.cls[c] == kDigit;
}
bool IsVowel(char c) {
  return kTables.vowel[static_cast<unsigned char>(c)];
}
char Lower(unsigned char c) {
  return static_cast<char>(c | 0x20);
}  // ASCII letters only

uint32_t LowerByte(char c) {
  return static_cast<unsigned char>(c) | 0x20u;
}  // ASCII letters only

// UTF-8 "general punctuation" (U+2000..U+206F: dashes, curly quotes, ellipsis)
// starts with E2 80 or E2 81; those separate words rather than belong to them.
bool IsUtf8Punctuation(std::string_view t, size_t i) {
  return i + 2 < t.size() && static_cast<unsigned char>(t[i]) == 0xE2 &&
         (static_cast<unsigned char>(t[i + 1]) == 0x80 || static_cast<unsigned char>(t[i + 1]) == 0x81);
}

// Counts the syllables of one word, fed its runs of ASCII letters in order.
class SyllableCounter {
 public:
  // Counts the run of ASCII letters starting at p (a letter) and ending at
  // the first non-letter or `limit`; returns the run's end.
  const char* ScanRun(const char* p, const char* limit) {
    const char* begin = p;
    int groups = groups_;
    bool previous = previous_vowel_;
    if (letters_ == 0 && Lower(static_cast<unsigned char>(*p)) == 'y') {
      previous = false;  // a first y is a consonant ("yes")
      ++p;
    }
    for (; p < limit; ++p) {  // the hot loop: one table look-up a letter
      unsigned char kind = kTables.letter[static_cast<unsigned char>(*p)];
      if (kind == kNotLetter) break;
      bool vowel = kind == kVowel;
      groups += vowel && !previous;
      previous = vowel;
    }
    groups_ = groups;
    previous_vowel_ = previous;
    letters_ += static_cast<int>(p - begin);
    if (p - begin >= 4) {
      last_ = static_cast<uint32_t>(LowerByte(p[-4])) << 24 | static_cast<uint32_t>(LowerByte(p[-3])) << 16 |
              static_cast<uint32_t>(LowerByte(p[-2])) << 8 | LowerByte(p[-1]);
    } else {
      for (const char* q = begin; q < p; ++q) last_ = (last_ << 8) | LowerByte(*q);
    }
    return p;
  }
  int Count() const {
    int groups = groups_;
    if (groups > 1 && letters_ >= 3) {
      char last = Last(0), before = Last(1), third = Last(2);
      if (last == 'e') {
        bool consonant_le = before == 'l' && !IsVowel(third);  // "table", "little"
        if (!consonant_le && !IsVowel(before)) --groups;       // "make", "whole"
      } else if (last == 's' && before == 'e') {
        bool consonant_les = third == 'l' && letters_ >= 4 && !IsVowel(Last(3));  // "tables"
        bool sibilant = std::strchr("sxzcgh", third) != nullptr;                  // "boxes", "pages"
        if (!consonant_les && !IsVowel(third) && !sibilant) --groups;             // "makes"
      } else if (last == 'd' && before == 'e') {
        if (!IsVowel(third) && third != 't' && third != 'd') --groups;  // "jumped", not "wanted"
      }
    }
    return std::max(1, groups);
  }

 private:
  char Last(int k) const { return static_cast<char>((last_ >> (8 * k)) & 0xff); }
  int groups_ = 0, letters_ = 0;
  bool previous_vowel_ = false;
  uint32_t last_ = 0;  // the last four letters, the latest in the low byte
};

// Scans the word starting at t[i] (a letter, digit or non-punctuation
// non-ASCII byte) and returns its length. Inside a word: an apostrophe (' or
// ’) followed by a letter, '.' or ',' between digits ("2.5", "10,000") and
// '.' between letters ("e.g", "U.S").
size_t ScanWord(std::string_view t, size_t i, SyllableCounter& syllables) {
  const size_t n = t.size();
  size_t j = i;
  while (j < n) {
    unsigned char c = static_cast<unsigned char>(t[j]);
    unsigned char cls = kTables.cls[c];
    if (cls == kLetter) {
      j = static_cast<size_t>(syllables.ScanRun(t.data() + j, t.data() + n) - t.data());
      continue;
    }
    if (c == ' ' || c == '\n') break;  // the commonest word ends
    if (cls == kDigit || (cls == kHigh && !IsUtf8Punctuation(t, j))) {
      ++j;
      continue;
    }
    size_t skip =
        c == '\'' ? 1 : (IsUtf8Punctuation(t, j) && static_cast<unsigned char>(t[j + 2]) == 0x99 ? 3 : 0);
    if (skip && j + skip < n && IsAsciiLetter(t[j + skip])) {
      j += skip;
      continue;
    }
    bool inner = j > i && j + 1 < n && (c == '.' || c == ',');
    bool between_digits = inner && IsDigit(t[j - 1]) && IsDigit(t[j + 1]);
    bool between_letters = inner && c == '.' && IsAsciiLetter(t[j - 1]) && IsAsciiLetter(t[j + 1]);
    if (!between_digits && !between_letters) break;
    ++j;
  }
  return j - i;
}

// A '.' after these words does not end a sentence ("e.g.", "Dr.", "p. 12").
bool IsAbbreviation(std::string_view word) {
  static const char* const kAbbreviations[] = {"e.g",  "i.e",    "dr",  "mr", "mrs", "ms", "vs",
                                               "prof", "approx", "fig", "p",  "pp",  "cf", "al"};
  if (word.empty() || word.size() > 6) return false;
  char buf[8];
  for (size_t k = 0; k < word.size(); ++k)
    buf[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(word[k])));
  std::string_view lower(buf, word.size());
  for (const char* a : kAbbreviations)
    if (lower == a) return true;
  return false;
}

// At the start of a line (i just after '\n'): is it blank, or a list item?
bool LineEndsSentence(std::string_view t, size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r')) ++i;
  if (i >= t.size() || t[i] == '\n') return true;  // blank line
  if ((t[i] == '-' || t[i] == '*' || t[i] == '+') && i + 1 < t.size() && t[i + 1] == ' ') return true;
  size_t d = i;
  while (d < t.size() && IsDigit(t[d])) ++d;
  return d > i && d + 1 < t.size() && (t[d] == '.' || t[d] == ')') && t[d + 1] == ' ';
}

}  // namespace

int CountSyllables(std::string_view word) {
  SyllableCounter counter;
  const char* p = word.data();
  const char* end = p + word.size();
  while (p < end) p = IsAsciiLetter(static_cast<unsigned char>(*p)) ? counter.ScanRun(p, end) : p + 1;
  return counter.Count();
}

double FleschKincaidGrade(std::string_view text) {
  long words = 0, sentences = 0, syllables = 0;
  bool open = false;  // words seen since the last sentence end
  std::string_view last_word;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ') {  // the commonest separator: skip the dispatch below
      ++i;
      continue;
    }
    unsigned char cls = kTables.cls[static_cast<unsigned char>(c)];
    if (cls == kLetter || cls == kDigit || (cls == kHigh && !IsUtf8Punctuation(text, i))) {
      SyllableCounter counter;
      size_t len = ScanWord(text, i, counter);
      last_word = text.substr(i, len);
      ++words;
      syllables += counter.Count();
      open = true;
      i += len;
    } else if (c == '.' || c == '!' || c == '?') {
      size_t j = i;
      while (j < text.size() && (text[j] == '.' || text[j] == '!' || text[j] == '?')) ++j;
      bool abbreviation = c == '.' && j == i + 1 && IsAbbreviation(last_word);
      if (open && !abbreviation) {
        ++sentences;
        open = false;
      }
      i = j;
    } else if (c == '\n') {
      if (open && LineEndsSentence(text, i + 1)) {
        ++sentences;
        open = false;
      }
      ++i;
    } else {
      i += IsUtf8Punctuation(text, i) ? 3 : 1;
    }
  }
  if (open) ++sentences;
  if (words == 0) return 0;
  return 0.39 * static_cast<double>(words) / static_cast<double>(sentences) +
         11.8 * static_cast<double>(syllables) / static_cast<double>(words) - 15.59;
}

}  // namespace vetted::check
