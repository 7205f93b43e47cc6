#include "store/search_text.h"

#include <algorithm>
#include <bit>
#include <cstdint>

#include "util/util.h"

namespace vetted::store {

bool IsWordChar(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c == 0xFFFD) return false;
  if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;  // Latin-1 controls/punctuation
  if (c == 0xD7 || c == 0xF7) return false;                  // x and division signs
  if (c >= 0x2000 && c <= 0x2BFF) return false;              // punctuation, symbols, arrows
  if (c >= 0x3000 && c <= 0x303F) return false;              // CJK punctuation
  if (c >= 0xFE30 && c <= 0xFE4F) return false;
  if (c >= 0xFF00 && c <= 0xFF0F) return false;
  return !(c >= 0xE000 && c <= 0xF8FF);  // private use
}

std::vector<std::string> QueryWords(std::string_view text, size_t max_words) {
  text = text.substr(0, kMaxQueryTextBytes);
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && word.size() <= kMaxQueryWordBytes &&
        std::find(words.begin(), words.end(), word) == words.end() && words.size() < max_words) {
      words.push_back(word);
    }
    word.clear();
  };
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    size_t n = util::DecodeUtf8(text, i, &cp);
    if (IsWordChar(cp)) {
      for (size_t k = 0; k < n; ++k) {
        char c = text[i + k];
        word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      }
    } else {
      flush();
    }
    i += n;
  }
  flush();
  return words;
}

int BestSnippetWindow(const std::vector<SnippetToken>& tokens, int phrases) {
  const int n = static_cast<int>(tokens.size());
  int best = -1, best_score = 0;
  for (int first = 0; first < n; ++first) {
    if (tokens[first].phrase < 0) continue;  // a window starts at a match
    uint64_t seen = 0;
    int hits = 0;
    int last = std::min(n, first + static_cast<int>(kSnippetTokens));
    for (int i = first; i < last; ++i) {
      if (tokens[i].phrase >= 0) seen |= uint64_t{1} << (tokens[i].phrase & 63), ++hits;
    }
    int score = std::popcount(seen) * 1000 + hits;
    if (score > best_score) best_score = score, best = first;
    if (std::popcount(seen) >= phrases && phrases > 0) break;  // every word: the earliest such window
  }
  return best;
}

namespace {

// Whitespace runs become one space.
void AppendGap(std::string& out, std::string_view gap) {
  bool space = false;
  for (char c : gap) {
    bool ws = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (ws && !space) out += ' ';
    if (!ws) out += c;
    space = ws;
  }
}

}  // namespace

void MakeSnippet(std::string_view text, const std::vector<SnippetToken>& tokens, int first, SearchHit& hit) {
  hit.snippet.clear();
  hit.match_ranges.clear();
  const int n = static_cast<int>(tokens.size());
  const int window = static_cast<int>(kSnippetTokens);
  first = std::max(0, std::min(first - 3, n - window));  // some context before the match
  int last = std::min(n, first + window);
  if (first >= last) return;
  std::string& out = hit.snippet;
  if (first > 0) out += "\xE2\x80\xA6";  // …
  for (int i = first; i < last; ++i) {
    const SnippetToken& t = tokens[i];
    if (i > first) AppendGap(out, text.substr(tokens[i - 1].end, t.start - tokens[i - 1].end));
    size_t begin = out.size();
    out.append(text.substr(t.start, t.end - t.start));
    if (t.phrase >= 0 && out.size() > begin) hit.match_ranges.emplace_back(begin, out.size());
  }
  if (last < n) out += "\xE2\x80\xA6";
}

}  // namespace vetted::store
