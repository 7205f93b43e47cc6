// Porter's stemmer, step by step as FTS5's porter tokenizer runs it (the
// conditions are Porter's: m is the number of vowel-consonant runs of the
// stem; 'y' is a vowel after a consonant).
#include "render/search_words.h"

#include <array>

namespace vetted::render {
namespace {

bool Vowel(char c, bool y_is_vowel) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || (y_is_vowel && c == 'y');
}

// Past the first vowel-consonant pair of s[0, n) (one past the consonant), or 0.
size_t GobbleVC(const char* s, size_t n, bool prev_consonant) {
  bool consonant = prev_consonant;
  size_t i = 0;
  for (; i < n; ++i) {
    consonant = !Vowel(s[i], consonant);
    if (!consonant) break;
  }
  for (++i; i < n; ++i) {
    consonant = !Vowel(s[i], consonant);
    if (consonant) return i + 1;
  }
  return 0;
}

bool MGt0(const std::string& w, size_t n) {
  return GobbleVC(w.data(), n, false) != 0;
}
bool MGt1(const std::string& w, size_t n) {
  size_t k = GobbleVC(w.data(), n, false);
  return k != 0 && GobbleVC(w.data() + k, n - k, true) != 0;
}
bool MEq1(const std::string& w, size_t n) {
  size_t k = GobbleVC(w.data(), n, false);
  return k != 0 && GobbleVC(w.data() + k, n - k, true) == 0;
}
// *o: the stem ends consonant-vowel-consonant, the last not w, x or y.
bool Ostar(const std::string& w, size_t n) {
  char last = w[n - 1];
  if (last == 'w' || last == 'x' || last == 'y') return false;
  unsigned mask = 0;
  bool consonant = false;
  for (size_t i = 0; i < n; ++i) {
    consonant = !Vowel(w[i], consonant);
    mask = (mask << 1) + (consonant ? 1 : 0);
  }
  return (mask & 7) == 5;
}
// *v*: the stem has a vowel ('y' counts after the first letter).
bool HasVowel(const std::string& w, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (Vowel(w[i], i > 0)) return true;
  return false;
}

bool EndsWith(const std::string& w, std::string_view s) {
  return w.size() > s.size() && std::string_view(w).substr(w.size() - s.size()) == s;
}

enum Cond { kM0, kM1, kM1ST };

struct Rule {
  std::string_view suffix, replacement;
  Cond cond;
};

bool Holds(Cond c, const std::string& w, size_t n) {
  switch (c) {
    case kM0:
      return MGt0(w, n);
    case kM1:
      return MGt1(w, n);
    case kM1ST:
      return n > 0 && (w[n - 1] == 's' || w[n - 1] == 't') && MGt1(w, n);
  }
  return false;
}

// The first rule whose suffix ends `w` (leaving a stem of one byte or more)
// applies when its condition holds on the stem; later rules are not tried.
template <size_t N>
void Apply(std::string& w, const std::array<Rule, N>& rules) {
  for (const Rule& r : rules) {
    if (!EndsWith(w, r.suffix)) continue;
    size_t stem = w.size() - r.suffix.size();
    if (Holds(r.cond, w, stem)) {
      w.resize(stem);
      w.append(r.replacement);
    }
    return;
  }
}

constexpr std::array<Rule, 21> kStep2 = {{
    {"ational", "ate", kM0}, {"tional", "tion", kM0}, {"enci", "ence", kM0}, {"anci", "ance", kM0},
    {"izer", "ize", kM0},    {"logi", "log", kM0},    {"bli", "ble", kM0},   {"alli", "al", kM0},
    {"entli", "ent", kM0},   {"eli", "e", kM0},       {"ousli", "ous", kM0}, {"ization", "ize", kM0},
    {"ation", "ate", kM0},   {"ator", "ate", kM0},    {"alism", "al", kM0},  {"iveness", "ive", kM0},
    {"fulness", "ful", kM0}, {"ousness", "ous", kM0}, {"aliti", "al", kM0},  {"iviti", "ive", kM0},
    {"biliti", "ble", kM0},
}};
constexpr std::array<Rule, 7> kStep3 = {{
    {"icate", "ic", kM0},
    {"ative", "", kM0},
    {"alize", "al", kM0},
    {"iciti", "ic", kM0},
    {"ical", "ic", kM0},
    {"ful", "", kM0},
    {"ness", "", kM0},
}};
constexpr std::array<Rule, 19> kStep4 = {{
    {"al", "", kM1},   {"ance", "", kM1},  {"ence", "", kM1}, {"er", "", kM1},    {"ic", "", kM1},
    {"able", "", kM1}, {"ible", "", kM1},  {"ant", "", kM1},  {"ement", "", kM1}, {"ment", "", kM1},
    {"ent", "", kM1},  {"ion", "", kM1ST}, {"ou", "", kM1},   {"ism", "", kM1},   {"ate", "", kM1},
    {"iti", "", kM1},  {"ous", "", kM1},   {"ive", "", kM1},  {"ize", "", kM1},
}};

void Step1a(std::string& w) {
  size_t n = w.size();
  if (w[n - 1] != 's') return;
  if (w[n - 2] == 'e') {
    bool sses = n > 4 && w[n - 4] == 's' && w[n - 3] == 's';
    bool ies = n > 3 && w[n - 3] == 'i';
    w.resize(sses || ies ? n - 2 : n - 1);
  } else if (w[n - 2] != 's') {
    w.resize(n - 1);
  }
}

// -eed, -ed, -ing; true when -ed or -ing was removed.
bool Step1b(std::string& w) {
  size_t n = w.size();
  if (EndsWith(w, "eed")) {
    if (MGt0(w, n - 3)) w.resize(n - 1);
    return false;
  }
  if (w[n - 2] == 'e' && w[n - 1] == 'd' && n > 2) {
    if (!HasVowel(w, n - 2)) return false;
    w.resize(n - 2);
    return true;
  }
  if (EndsWith(w, "ing")) {
    if (!HasVowel(w, n - 3)) return false;
    w.resize(n - 3);
    return true;
  }
  return false;
}

void AfterEdIng(std::string& w) {
  for (auto [from, to] :
       {std::pair<std::string_view, std::string_view>{"at", "ate"}, {"bl", "ble"}, {"iz", "ize"}}) {
    if (EndsWith(w, from)) {
      w.resize(w.size() - from.size());
      w.append(to);
      return;
    }
  }
  size_t n = w.size();
  char c = w[n - 1];
  if (n >= 2 && !Vowel(c, false) && c != 'l' && c != 's' && c != 'z' && c == w[n - 2]) {
    w.pop_back();
  } else if (MEq1(w, n) && Ostar(w, n)) {
    w.push_back('e');
  }
}

}  // namespace

bool IsSearchWordChar(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c == 0xFFFD) return false;
  if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;
  if (c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;
  if (c >= 0x3000 && c <= 0x303F) return false;
  if (c >= 0xFE30 && c <= 0xFE4F) return false;
  if (c >= 0xFF00 && c <= 0xFF0F) return false;
  return !(c >= 0xE000 && c <= 0xF8FF);
}

size_t SearchDecodeUtf8(std::string_view s, size_t i, char32_t& cp) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    cp = 0xFFFD;
    return 1;
  }
  cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) {
      cp = 0xFFFD;
      return 1;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  return n;
}

std::string PorterStem(std::string_view word) {
  std::string w(word);
  if (w.size() < 3 || w.size() > kMaxStemmedBytes) return w;
  Step1a(w);
  if (Step1b(w)) AfterEdIng(w);
  if (w.back() == 'y' && HasVowel(w, w.size() - 1)) w.back() = 'i';
  Apply(w, kStep2);
  Apply(w, kStep3);
  Apply(w, kStep4);
  size_t n = w.size();
  if (w[n - 1] == 'e' && (MGt1(w, n - 1) || (MEq1(w, n - 1) && !Ostar(w, n - 1)))) w.pop_back();
  n = w.size();
  if (n > 1 && w[n - 1] == 'l' && w[n - 2] == 'l' && MGt1(w, n - 1)) w.pop_back();
  return w;
}

}  // namespace vetted::render
