// render::SnippetHtml: a search hit's plain-text snippet as escaped HTML with
// its matches in <mark>. The store never builds HTML (store/store.h).
#include <algorithm>

#include "render/render.h"
#include "util/util.h"

namespace vetted::render {
namespace {

bool Continuation(std::string_view text, size_t i) {
  return i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
}

}  // namespace

std::string SnippetHtml(std::string_view text, const std::vector<std::pair<size_t, size_t>>& ranges) {
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 13 * ranges.size());
  size_t done = 0;  // text[0, done) is written
  for (auto [begin, end] : ranges) {
    begin = std::min(begin, text.size());
    end = std::min(end, text.size());
    while (begin > 0 && Continuation(text, begin)) --begin;  // the whole first character
    while (Continuation(text, end)) ++end;                   // the whole last character
    begin = std::max(begin, done);
    if (begin >= end) continue;
    util::AppendEscaped(out, text.substr(done, begin - done));
    out += "<mark>";
    util::AppendEscaped(out, text.substr(begin, end - begin));
    out += "</mark>";
    done = end;
  }
  util::AppendEscaped(out, text.substr(done));
  return out;
}

}  // namespace vetted::render
