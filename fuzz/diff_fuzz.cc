// The review pages' word diff (src/server/admin/word_diff.*, libdtl) on two
// texts: the input split at its first NUL byte (old text, new text).
// Invariants: the HTML is the new text with the removed runs in <del> and the
// added ones in <ins>, so dropping every <del>...</del> (and the <ins> tags)
// and unescaping gives the new text byte for byte, and dropping every
// <ins>...</ins> (and the <del> tags) gives the old one; the counts are the
// words (runs of non-space bytes) inside them; identical texts are "no
// change"; DiffSummary never fails.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "server/admin/word_diff.h"

using vetted::fuzz::Require;

namespace {

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      size_t semi = s.find(';', i);
      std::string_view e = s.substr(i, semi == std::string_view::npos ? 1 : semi - i + 1);
      const char* c = e == "&amp;"    ? "&"
                      : e == "&lt;"   ? "<"
                      : e == "&gt;"   ? ">"
                      : e == "&quot;" ? "\""
                      : e == "&#39;"  ? "'"
                                      : nullptr;
      Require(c != nullptr, "diff_fuzz", "only the five escapes appear");
      out += c;
      i += e.size();
    } else {
      Require(s[i] != '<' && s[i] != '>' && s[i] != '"', "diff_fuzz", "no raw < > \" in the text");
      out += s[i++];
    }
  }
  return out;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
size_t CountWords(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if (!IsSpace(s[i]) && (i == 0 || IsSpace(s[i - 1]))) ++n;
  return n;
}

// The text of `html` keeping the runs inside <keep> and dropping those inside
// <drop>; the words inside the kept runs go to *kept_words.
std::string Side(std::string_view html, std::string_view keep, std::string_view drop) {
  std::string out;
  const std::string ko = "<" + std::string(keep) + ">", kc = "</" + std::string(keep) + ">";
  const std::string dro = "<" + std::string(drop) + ">", drc = "</" + std::string(drop) + ">";
  size_t i = 0;
  while (i < html.size()) {
    size_t lt = html.find('<', i);
    out += Unescape(html.substr(i, lt == std::string_view::npos ? lt : lt - i));
    if (lt == std::string_view::npos) break;
    std::string_view rest = html.substr(lt);
    if (rest.substr(0, ko.size()) == ko) {
      size_t end = html.find(kc, lt);
      Require(end != std::string_view::npos, "diff_fuzz", "a run is closed");
      out += Unescape(html.substr(lt + ko.size(), end - lt - ko.size()));
      i = end + kc.size();
    } else if (rest.substr(0, dro.size()) == dro) {
      size_t end = html.find(drc, lt);
      Require(end != std::string_view::npos, "diff_fuzz", "a run is closed");
      i = end + drc.size();
    } else {
      Require(false, "diff_fuzz", "only <del> and <ins> tags");
    }
  }
  return out;
}

size_t RunWords(std::string_view html, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  size_t n = 0;
  for (size_t at = html.find(open); at != std::string_view::npos; at = html.find(open, at + 1)) {
    size_t end = html.find(close, at);
    n += CountWords(Unescape(html.substr(at + open.size(), end - at - open.size())));
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [from, to] = vetted::fuzz::SplitAtNul(std::string_view(reinterpret_cast<const char*>(data), size));
  vetted::server::admin::WordDiff d = vetted::server::admin::DiffWords(from, to);
  Require(Side(d.html, "ins", "del") == to, "diff_fuzz", "dropping <del> runs gives the new text");
  Require(Side(d.html, "del", "ins") == from, "diff_fuzz", "dropping <ins> runs gives the old text");
  Require(RunWords(d.html, "ins") == d.added, "diff_fuzz", "added counts the words in <ins>");
  Require(RunWords(d.html, "del") == d.removed, "diff_fuzz", "removed counts the words in <del>");
  if (from == to) Require(d.Same(), "diff_fuzz", "the same text is no change");
  Require(!vetted::server::admin::DiffSummary(d).empty(), "diff_fuzz", "a summary");
  return 0;
}
