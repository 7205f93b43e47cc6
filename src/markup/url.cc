// The URL policy: which link and image targets may reach the output.
#include <array>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "markup/internal.h"
#include "util/util.h"

namespace vetted::markup {

namespace {

#ifdef __SSE2__
// Bit k set when at[k] is one of & < > " '.
unsigned SpecialMask16(const char* at) {
  const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
                quot = _mm_set1_epi8('"'), apos = _mm_set1_epi8('\'');
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  __m128i m = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot)), _mm_cmpeq_epi8(v, apos)));
  return static_cast<unsigned>(_mm_movemask_epi8(m));
}
#endif

// Index of the first byte of s[from..] needing escape, or s.size().
size_t NextSpecial(std::string_view s, size_t from) {
  size_t i = from;
#ifdef __SSE2__
  for (; i + 16 <= s.size(); i += 16) {
    unsigned bits = SpecialMask16(s.data() + i);
    if (bits != 0) return i + static_cast<size_t>(__builtin_ctz(bits));
  }
  if (i < s.size() && s.size() >= 16) {
    // The last partial block: test the final 16 bytes, ignoring those already
    // tested. Most escaped texts are short (a few dozen bytes), so a byte loop
    // over the tail cost more than the blocks.
    size_t at = s.size() - 16;
    unsigned bits = SpecialMask16(s.data() + at) >> (i - at);
    return bits != 0 ? i + static_cast<size_t>(__builtin_ctz(bits)) : s.size();
  }
#endif
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'') return i;
  }
  return i;
}

}  // namespace

void AppendHtml(std::string& out, std::string_view s) {
  size_t start = 0;
  for (;;) {
    size_t i = NextSpecial(s, start);
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
