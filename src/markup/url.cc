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

namespace {

bool IsAsciiAlpha(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsHex(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Bytes a URL keeps as they are, as in CommonMark's reference renderer:
// letters, digits and - _ . + ! * ' ( ) , % # @ ? = ; : / & $ ~. Everything
// else (backslash, space, controls, quotes, brackets, non-ASCII) is
// percent-encoded.
constexpr std::array<bool, 256> kUrlKeep = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  for (unsigned char c : std::string_view("-_.+!*'(),%#@?=;:/&$~")) t[c] = true;
  return t;
}();

}  // namespace

// The WHATWG URL parser, as far as it decides where a link goes: leading and
// trailing C0 controls and spaces are stripped, tabs and newlines removed
// anywhere; a scheme is an ASCII letter, then letters, digits, '+', '-' or
// '.', up to ':' (any length); without one, a URL starting with two slashes
// ('\' counts as '/' on an http(s) page) names another host.
UrlKind ClassifyUrl(std::string_view url) {
  size_t begin = 0, end = url.size();
  while (begin < end && static_cast<unsigned char>(url[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(url[end - 1]) <= 0x20) --end;
  auto next = [&](size_t i) {  // the next byte the URL parser sees, from i on
    while (i < end && (url[i] == '\t' || url[i] == '\n' || url[i] == '\r')) ++i;
    return i;
  };
  size_t first = next(begin);
  if (first == end) return UrlKind::kRelative;  // empty: this page
  if (IsAsciiAlpha(static_cast<unsigned char>(url[first]))) {
    char scheme[6];
    size_t n = 0;
    bool too_long = false;
    for (size_t i = first; i < end; i = next(i + 1)) {
      unsigned char c = static_cast<unsigned char>(url[i]);
      if (c == ':') {
        if (too_long) return UrlKind::kUnsafe;
        std::string_view s(scheme, n);
        return (s == "http" || s == "https" || s == "mailto") ? UrlKind::kExternal : UrlKind::kUnsafe;
      }
      if (!IsAsciiAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') break;
      if (n < sizeof scheme) {
        scheme[n++] = static_cast<char>(LowerAscii(c));
      } else {
        too_long = true;
      }
    }
  }
  auto is_slash = [](char c) { return c == '/' || c == '\\'; };
  if (!is_slash(url[first])) return UrlKind::kRelative;
  size_t second = next(first + 1);
  return second < end && is_slash(url[second]) ? UrlKind::kExternal : UrlKind::kRelative;
}

std::string NormalizeUrl(std::string_view url) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(url.size() + 8);
  size_t start = 0;
  for (size_t i = 0; i < url.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(url[i]);
    if (kUrlKeep[c] && (c != '%' || (i + 2 < url.size() && IsHex(static_cast<unsigned char>(url[i + 1])) &&
                                     IsHex(static_cast<unsigned char>(url[i + 2])))))
      continue;
    out.append(url.data() + start, i - start);
    out.push_back('%');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
    start = i + 1;
  }
  out.append(url.data() + start, url.size() - start);
  return out;
}

UrlKind JudgeUrl(std::string_view url, std::string_view href) {
  UrlKind written = ClassifyUrl(url);
  UrlKind sent = ClassifyUrl(href);
  return written == UrlKind::kUnsafe ? UrlKind::kUnsafe : sent;
}

void AppendUrlAttribute(std::string& out, std::string_view url) {
  AppendHtml(out, NormalizeUrl(url));
}

}  // namespace vetted::markup
