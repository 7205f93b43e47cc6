// store/: search helpers shared by the backends: the reader's words, and a
// snippet (plain text + match ranges) from a tokenized text. Not part of the
// front door: only store/*/ backends and their tests include it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace vetted::store {

inline constexpr size_t kMaxQueryTextBytes = 1024;  // of the reader's text, the rest is ignored
inline constexpr size_t kMaxQueryWordBytes = 64;    // longer "words" are junk: skipped
inline constexpr size_t kMaxSearchLimit = 50;       // SearchQuery::limit is capped here
inline constexpr size_t kSnippetTokens = 24;        // words in a snippet

// Letters and digits: ASCII alphanumerics and non-ASCII code points other than
// the common punctuation, space and symbol blocks.
bool IsWordChar(char32_t c);

// The reader's words (runs of IsWordChar), lower-cased (ASCII), without
// duplicates, in order, at most `max_words`; only the first
// kMaxQueryTextBytes of `text` are read and words longer than
// kMaxQueryWordBytes are skipped. Any bytes are fine.
std::vector<std::string> QueryWords(std::string_view text, size_t max_words);

// One token of a text being cut into a snippet.
struct SnippetToken {
  size_t start = 0;  // byte offsets in the text, on character boundaries
  size_t end = 0;
  int phrase = -1;  // index of the query word it matches, or -1
};

// The first token of the best window of kSnippetTokens tokens: the most
// distinct query words, then the most matches, then the earliest; -1 when no
// token matches. `phrases` is the number of query words.
int BestSnippetWindow(const std::vector<SnippetToken>& tokens, int phrases);

// Sets hit.snippet and hit.match_ranges to the kSnippetTokens tokens of
// `text` around `first` (a few tokens of context before it): the text
// between tokens squeezed to one space, "…" where the window cuts the text,
// a range for every matched token. Nothing when `tokens` is empty.
void MakeSnippet(std::string_view text, const std::vector<SnippetToken>& tokens, int first, SearchHit& hit);

}  // namespace vetted::store
