// The URL policy: which link and image targets may reach the output.
#include <array>

#include "markup/internal.h"
#include "util/util.h"

namespace vetted::markup {

void AppendHtml(std::string& out, std::string_view s) {
  size_t start = 0;
  for (;;) {
    size_t i = util::NextToEscape(s, start);
    out.append(s.data() + start, i - start);
    if (i == s.size()) return;
    switch (s[i]) {
      case '&':
        out.append("&amp;", 5);
        break;
      case '<':
        out.append("&lt;", 4);
        break;
      case '>':
        out.append("&gt;", 4);
        break;
      case '"':
        out.append("&quot;", 6);
        break;
      default:
        out.append("&#39;", 5);
        break;
    }
    start = i + 1;
  }
}

UrlKind ClassifyUrl(std::string_view url) {
  size_t i = 0;
  // Browsers strip leading C0 controls and spaces, and drop tabs and newlines anywhere.
  while (i < url.size() && static_cast<unsigned char>(url[i]) <= 0x20) ++i;
  auto is_dropped = [](char c) { return c == '\t' || c == '\n' || c == '\r'; };
  auto is_slash = [](char c) { return c == '/' || c == '\\'; };
  // Protocol-relative "//host" (backslashes count as slashes) is an external http(s) link.
  size_t first = i;
  while (first < url.size() && is_dropped(url[first])) ++first;
  if (first < url.size() && is_slash(url[first])) {
    size_t second = first + 1;
    while (second < url.size() && is_dropped(url[second])) ++second;
    return second < url.size() && is_slash(url[second]) ? UrlKind::kExternal : UrlKind::kRelative;
  }
  char scheme[8];
  size_t n = 0;
  bool too_long = false;
  for (; i < url.size(); ++i) {
    char c = url[i];
    if (is_dropped(c)) continue;
    if (c == ':') {
      if (too_long) return UrlKind::kUnsafe;
      std::string_view s(scheme, n);
      return (s == "http" || s == "https" || s == "mailto") ? UrlKind::kExternal : UrlKind::kUnsafe;
    }
    if (is_slash(c) || c == '?' || c == '#') return UrlKind::kRelative;
    if (n < sizeof scheme) {
      scheme[n++] = static_cast<char>(LowerAscii(static_cast<unsigned char>(c)));
    } else {
      too_long = true;
    }
  }
  return UrlKind::kRelative;
}

void AppendUrlAttribute(std::string& out, std::string_view url) {
  static const char* kHex = "0123456789ABCDEF";
  size_t start = 0;
  for (size_t i = 0; i < url.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(url[i]);
    if (c > 0x20 && c != 0x7F) continue;
    AppendHtml(out, url.substr(start, i - start));
    out.push_back('%');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
    start = i + 1;
  }
  AppendHtml(out, url.substr(start));
}

}  // namespace vetted::markup
