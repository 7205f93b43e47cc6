// Pandoc citation syntax inside square brackets.
#include "markup/internal.h"
#include "util/util.h"

namespace vetted::markup {
namespace {

bool IsKeyStart(unsigned char c) {
  return IsWordByte(c) || c == '_';
}
bool IsKeyInner(unsigned char c) {
  if (IsKeyStart(c)) return true;
  switch (c) {
    case ':':
    case '.':
    case '#':
    case '$':
    case '%':
    case '&':
    case '-':
    case '+':
    case '?':
    case '<':
    case '>':
    case '~':
    case '/':
      return true;
    default:
      return false;
  }
}

// Parses one "[prefix] @key[, locator]" item; `base` is its offset in the citation.
bool ParseItem(std::string_view item, size_t base, CiteItem& out) {
  size_t at = std::string_view::npos;
  for (size_t i = 0; i < item.size(); ++i) {
    if (item[i] != '@') continue;
    bool boundary = i == 0 || item[i - 1] == ' ' || item[i - 1] == '\n' || item[i - 1] == '-';
    if (boundary && i + 1 < item.size() && IsKeyStart(static_cast<unsigned char>(item[i + 1]))) {
      at = i;
      break;
    }
  }
  if (at == std::string_view::npos) return false;
  size_t end = at + 1;
  while (end < item.size() && IsKeyInner(static_cast<unsigned char>(item[end]))) ++end;
  // Punctuation is only allowed inside a key, never at its end.
  while (end > at + 1 && !IsKeyStart(static_cast<unsigned char>(item[end - 1]))) --end;
  out.key.assign(item.substr(at + 1, end - at - 1));
  out.key_pos = base + at;
  std::string_view rest = util::Trim(item.substr(end));
  if (!rest.empty() && rest[0] == ',') rest = util::Trim(rest.substr(1));
  bool has_text = false;
  for (char c : rest) has_text = has_text || IsWordByte(static_cast<unsigned char>(c));
  if (has_text) out.locator = AmaLocator(rest);
  return true;
}

}  // namespace

bool ParseCitation(std::string_view inner, std::vector<CiteItem>& items) {
  items.clear();
  size_t start = 0;
  for (;;) {
    size_t semi = inner.find(';', start);
    std::string_view item = inner.substr(start, semi == std::string_view::npos ? semi : semi - start);
    CiteItem parsed;
    if (!ParseItem(item, start, parsed)) return false;
    items.push_back(std::move(parsed));
    if (semi == std::string_view::npos) return true;
    start = semi + 1;
  }
}

std::string AmaLocator(std::string_view loc) {
  loc = util::Trim(loc);
  for (std::string_view label : {"pp.", "pp", "p.", "p"}) {
    if (!util::StartsWith(loc, label)) continue;
    std::string_view num = util::Trim(loc.substr(label.size()));
    if (num.empty() || num[0] < '0' || num[0] > '9') continue;
    std::string out(util::StartsWith(label, "pp") ? "pp" : "p");
    for (char c : num)
      if (c != ' ') out.push_back(c);
    return out;
  }
  return std::string(loc);
}

}  // namespace vetted::markup
