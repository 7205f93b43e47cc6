// Word-level diff (word_diff.h) with libdtl.
#include "server/admin/word_diff.h"

#include <dtl/dtl.hpp>
#include <vector>

#include "util/util.h"

namespace vetted::server::admin {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Runs of spaces and runs of everything else, in order; together they are the text.
std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    bool space = IsSpace(text[i]);
    size_t j = i + 1;
    while (j < text.size() && IsSpace(text[j]) == space) ++j;
    out.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsWord(const std::string& token) {
  return !token.empty() && !IsSpace(token[0]);
}

std::string Words(size_t n, const char* what) {
  return std::to_string(n) + (n == 1 ? " word " : " words ") + what;
}

}  // namespace

WordDiff DiffWords(std::string_view from, std::string_view to) {
  std::vector<std::string> a = Tokens(from), b = Tokens(to);
  dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
  diff.onHuge();
  diff.compose();
  WordDiff out;
  // Consecutive deletions and additions are gathered, so that "a b" -> "c d"
  // reads <del>a b</del><ins>c d</ins>; spaces between two changes join them.
  std::string del, ins, pending_space;
  auto flush = [&] {
    if (!del.empty()) out.html += "<del>" + util::Escape(del) + "</del>";
    if (!ins.empty()) out.html += "<ins>" + util::Escape(ins) + "</ins>";
    del.clear();
    ins.clear();
  };
  for (const auto& [token, info] : diff.getSes().getSequence()) {
    if (info.type == dtl::SES_COMMON) {
      if (!IsWord(token) && (!del.empty() || !ins.empty())) {
        pending_space += token;  // may sit between two changes
        continue;
      }
      flush();
      out.html += util::Escape(pending_space) + util::Escape(token);
      pending_space.clear();
      continue;
    }
    std::string& run = info.type == dtl::SES_DELETE ? del : ins;
    if (!pending_space.empty()) {
      // The space is in both texts: inside the runs only when both go on
      // (each keeps it), else shown as unchanged between them.
      if (!del.empty() && !ins.empty()) {
        del += pending_space;
        ins += pending_space;
      } else {
        flush();
        out.html += util::Escape(pending_space);
      }
      pending_space.clear();
    }
    run += token;
    if (IsWord(token)) ++(info.type == dtl::SES_DELETE ? out.removed : out.added);
  }
  flush();
  out.html += util::Escape(pending_space);
  return out;
}

std::string DiffSummary(const WordDiff& diff) {
  if (diff.Same()) return "no change";
  return Words(diff.added, "added") + ", " + Words(diff.removed, "removed");
}

}  // namespace vetted::server::admin
