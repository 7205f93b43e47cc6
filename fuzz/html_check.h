// A strict reader of the HTML fragments markup/ and cite/ emit, for the fuzz
// targets: every '<' must open or close a tag from the renderer's short list,
// attributes must be from an allow-list and double-quoted, no event handler
// or style attribute, no "<script" anywhere, and href/src values (decoded the
// way a browser decodes them) must not name a script-capable scheme.
#pragma once

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

namespace vetted::fuzz {

inline bool InList(std::string_view s, std::initializer_list<std::string_view> list) {
  for (std::string_view x : list)
    if (x == s) return true;
  return false;
}

inline bool EmittedTag(std::string_view name) {
  return InList(name, {"p",   "h1",   "h2",    "h3",    "h4",    "h5", "h6", "em", "strong",
                       "del", "code", "pre",   "a",     "img",   "ul", "ol", "li", "blockquote",
                       "hr",  "br",   "table", "thead", "tbody", "tr", "th", "td", "sup",
                       "sub", "span", "dfn",   "aside", "u",     "i",  "b"});
}

inline bool EmittedAttribute(std::string_view name) {
  return InList(name, {"href", "src", "alt", "title", "id", "class", "loading", "start", "tabindex",
                       "aria-describedby", "aria-label", "role"});
}

inline char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

inline bool ContainsNoCase(std::string_view hay, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && Lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// Decodes the character references a browser would (named ones we emit and
// numeric ones), then drops ASCII whitespace and controls as the URL parser
// does, lower-cased: what decides the scheme.
inline std::string UrlAsBrowserSeesIt(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '&') {
      size_t semi = v.find(';', i);
      std::string_view e = semi == std::string_view::npos ? v.substr(i) : v.substr(i, semi - i + 1);
      long code = -1;
      if (e == "&amp;")
        code = '&';
      else if (e == "&lt;")
        code = '<';
      else if (e == "&gt;")
        code = '>';
      else if (e == "&quot;")
        code = '"';
      else if (e == "&colon;")
        code = ':';
      else if (e == "&Tab;" || e == "&NewLine;")
        code = ' ';
      else if (e.size() > 3 && e[1] == '#')
        code = (e[2] == 'x' || e[2] == 'X') ? std::strtol(std::string(e.substr(3)).c_str(), nullptr, 16)
                                            : std::strtol(std::string(e.substr(2)).c_str(), nullptr, 10);
      if (code >= 0 && semi != std::string_view::npos) {
        c = code < 128 ? static_cast<char>(code) : 'x';
        i = semi;
      }
    }
    if (static_cast<unsigned char>(c) <= 0x20) continue;
    out.push_back(Lower(c));
  }
  return out;
}

// Only http, https, mailto and scheme-less URLs; any other scheme (javascript:,
// data:, vbscript:...) fails. "javascript:" later in an http URL is harmless
// text and passes.
inline bool SafeUrl(std::string_view value) {
  std::string u = UrlAsBrowserSeesIt(value);
  size_t colon = u.find(':');
  if (colon == std::string::npos) return true;
  std::string_view scheme(u.data(), colon);
  // Not a scheme by the URL standard (letter, then letters, digits, + - .):
  // the browser resolves the whole value as a relative path.
  if (scheme.empty() || !std::isalpha(static_cast<unsigned char>(scheme[0]))) return true;
  for (char c : scheme)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return true;
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

// "" when `html` passes, else what is wrong.
inline std::string AuditHtml(std::string_view html) {
  if (ContainsNoCase(html, "<script")) return "contains <script";
  for (size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i)) {
    size_t j = i + 1;
    bool closing = j < html.size() && html[j] == '/';
    if (closing) ++j;
    size_t name_end = j;
    while (name_end < html.size() && std::isalnum(static_cast<unsigned char>(html[name_end]))) ++name_end;
    std::string_view name = html.substr(j, name_end - j);
    if (!EmittedTag(name)) return "stray '<' or unknown tag at " + std::to_string(i);
    size_t k = name_end;
    for (;;) {
      while (k < html.size() && html[k] == ' ') ++k;
      if (k >= html.size()) return "unterminated tag at " + std::to_string(i);
      if (html[k] == '>') break;
      if (closing) return "attribute on a closing tag at " + std::to_string(i);
      size_t a = k;
      while (k < html.size() && (std::isalnum(static_cast<unsigned char>(html[k])) || html[k] == '-')) ++k;
      std::string_view attr = html.substr(a, k - a);
      if (attr.empty()) return "junk inside tag at " + std::to_string(k);
      if (attr.size() > 2 && Lower(attr[0]) == 'o' && Lower(attr[1]) == 'n') return "event handler attribute";
      if (!EmittedAttribute(attr)) return "unexpected attribute " + std::string(attr);
      if (html.substr(k, 2) != "=\"") return "unquoted attribute " + std::string(attr);
      size_t end = html.find('"', k + 2);
      if (end == std::string_view::npos) return "unterminated attribute value";
      std::string_view value = html.substr(k + 2, end - k - 2);
      if (value.find_first_of("<>") != std::string_view::npos) return "raw < or > in attribute value";
      if ((attr == "href" || attr == "src") && !SafeUrl(value)) return "unsafe url " + std::string(value);
      k = end + 1;
    }
    i = k + 1;
  }
  return "";
}

// Aborts (so libFuzzer records the input) when `html` fails the audit.
inline void RequireSafeHtml(std::string_view html, const char* what) {
  std::string problem = AuditHtml(html);
  if (problem.empty()) return;
  std::fprintf(stderr, "%s: %s\n--- html ---\n%.*s\n", what, problem.c_str(), static_cast<int>(html.size()),
               html.data());
  std::abort();
}

}  // namespace vetted::fuzz
