// Internal to server/admin/: a word-level diff of two texts for the review
// pages and the tickets (libdtl's shortest edit script over words and the spaces between
// them). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vetted::server::admin {

struct WordDiff {
  // The new text, escaped for HTML, with removed words in <del> and added
  // ones in <ins> (each run of changes one element); line breaks kept (for
  // a <pre> or white-space: pre-wrap).
  std::string html;
  size_t added = 0;    // words (runs of non-space characters) added
  size_t removed = 0;  // words removed
  bool Same() const { return added == 0 && removed == 0; }
};

WordDiff DiffWords(std::string_view from, std::string_view to);

// "3 words added, 1 word removed", or "no change".
std::string DiffSummary(const WordDiff& diff);

}  // namespace vetted::server::admin
