// Test support: a checker for whole HTML pages (public and admin) that reads
// the markup the way a browser's tokenizer does and fails on anything that
// could run script. fuzz/html_check.h is stricter and only for the fragments
// markup/ emits (a short list of tags); this one accepts any page the server
// builds (forms, inline SVG charts, <template>, ...) and looks only for
// executable sinks:
//   - <script> with an inline body, or whose src is not a same-origin path
//     (a JSON-LD data block is data, but may not hold "<!--" or "<script");
//   - <iframe>, <frame>, <frameset>, <object>, <embed>, <applet>, <base>,
//     <portal>; <meta http-equiv="refresh">; <link rel="import">;
//   - any on* attribute; srcdoc; style="..." with expression(, url(javascript,
//     behavior: or -moz-binding;
//   - javascript:, vbscript:, data: (other than a raster image) in a URL
//     attribute (href, src, action, formaction, xlink:href, poster, ...), as
//     the browser reads it (character references decoded, tab and newline
//     removed, leading controls and spaces trimmed), and in SVG animation
//     values (to, from, values);
//   - a tag or attribute whose name holds kMarker ("pwn"): the hostile corpus
//     names its own tags and attributes so, and one of them in the markup
//     means a payload broke out of text or out of an attribute value;
//   - an attribute name holding a quote or '<' (a value broken in two).
// Raw-text elements (script, style, textarea, title, xmp, noembed, noframes,
// noscript) end only at their own closing tag, as in a browser: a payload's
// "</textarea><script>" that was not escaped ends the textarea and is then
// read as a script.
#pragma once

#include <cctype>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace vetted::server::testing {

inline constexpr std::string_view kMarker = "pwn";

inline std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Character references decoded as a browser would for the cases that matter
// here (numeric ones and the named ones an attacker uses to hide a scheme).
inline std::string DecodeEntities(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '&') {
      out.push_back(v[i]);
      continue;
    }
    size_t end = i + 1;
    while (end < v.size() && end - i < 40 &&
           (std::isalnum(static_cast<unsigned char>(v[end])) || v[end] == '#'))
      ++end;
    std::string_view name = v.substr(i + 1, end - i - 1);
    bool semi = end < v.size() && v[end] == ';';
    long code = -1;
    if (!name.empty() && name[0] == '#') {
      bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      std::string digits(name.substr(hex ? 2 : 1));
      if (!digits.empty()) code = std::strtol(digits.c_str(), nullptr, hex ? 16 : 10);
    } else {
      static const std::pair<std::string_view, char> kNamed[] = {
          {"amp", '&'},   {"lt", '<'},     {"gt", '>'},       {"quot", '"'}, {"apos", '\''},
          {"colon", ':'}, {"Tab", '\t'},   {"NewLine", '\n'}, {"sol", '/'},  {"lpar", '('},
          {"rpar", ')'},  {"period", '.'}, {"equals", '='}};
      for (const auto& [n, c] : kNamed)
        if (name == n) code = static_cast<unsigned char>(c);
    }
    if (code < 0) {
      out.push_back('&');
      continue;
    }
    out.push_back(code < 128 ? static_cast<char>(code) : 'x');
    i = semi ? end : end - 1;
  }
  return out;
}

// The scheme a browser would use for the URL `raw` (an attribute's value as
// written), lower-case; "" for a relative URL.
inline std::string SchemeOf(std::string_view raw) {
  std::string v = DecodeEntities(raw);
  size_t b = 0, e = v.size();
  while (b < e && static_cast<unsigned char>(v[b]) <= 0x20) ++b;
  while (e > b && static_cast<unsigned char>(v[e - 1]) <= 0x20) --e;
  std::string s;
  for (size_t i = b; i < e; ++i)
    if (v[i] != '\t' && v[i] != '\n' && v[i] != '\r') s.push_back(v[i]);
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return "";
  size_t i = 1;
  while (i < s.size() &&
         (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
    ++i;
  if (i == s.size() || s[i] != ':') return "";
  return LowerAscii(s.substr(0, i)) + ":" + LowerAscii(s.substr(i + 1, 20));
}

// "" when the URL may sit in a link or a source, else why not.
inline std::string UnsafeUrl(std::string_view raw) {
  std::string s = SchemeOf(raw);
  if (s.empty()) return "";
  std::string scheme = s.substr(0, s.find(':'));
  if (scheme == "javascript" || scheme == "vbscript" || scheme == "livescript" || scheme == "mocha")
    return "script URL " + std::string(raw);
  if (scheme == "data") {
    std::string rest = s.substr(5);
    for (std::string_view ok : {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"})
      if (rest.rfind(ok, 0) == 0) return "";
    return "data: URL " + std::string(raw);
  }
  return "";
}

// A same-origin path for a script's src: "/x.js", "x.js", "../x.js"; not
// "//host/x.js" nor any scheme.
inline bool SameOriginPath(std::string_view raw) {
  std::string v = DecodeEntities(raw);
  if (v.empty() || !SchemeOf(v).empty()) return false;
  if (v.size() >= 2 && (v[0] == '/' || v[0] == '\\') && (v[1] == '/' || v[1] == '\\')) return false;
  return v.find_first_of("\\\t\n\r ") == std::string::npos;
}

struct Attribute {
  std::string name;   // lower-case
  std::string raw;    // the value as written
  std::string value;  // decoded
};

struct Tag {
  std::string name;  // lower-case
  std::vector<Attribute> attributes;
  const Attribute* Find(std::string_view n) const {
    for (const Attribute& a : attributes)
      if (a.name == n) return &a;
    return nullptr;
  }
};

inline bool IsUrlAttribute(std::string_view n) {
  for (std::string_view u :
       {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "lowsrc", "cite",
        "ping", "codebase", "dynsrc", "manifest", "icon", "longdesc"})
    if (n == u) return true;
  return false;
}

// A <script> whose type makes it data the browser never runs (JSON-LD).
inline bool IsDataBlock(const Tag& t) {
  const Attribute* type = t.Find("type");
  if (type == nullptr) return false;
  std::string v = LowerAscii(type->value);
  return v == "application/ld+json" || v == "application/json";
}

// "" when the tag and its attributes are harmless, else what is wrong.
inline std::string JudgeTag(const Tag& t) {
  for (std::string_view bad : {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"})
    if (t.name == bad) return "<" + t.name + ">";
  if (t.name.find(kMarker) != std::string::npos) return "payload tag <" + t.name + "> in the markup";
  if (t.name == "meta") {
    if (const Attribute* e = t.Find("http-equiv"); e != nullptr && LowerAscii(e->value) == "refresh")
      return "<meta http-equiv=refresh>";
  }
  if (t.name == "link") {
    if (const Attribute* r = t.Find("rel");
        r != nullptr && LowerAscii(r->value).find("import") != std::string::npos)
      return "<link rel=import>";
  }
  for (const Attribute& a : t.attributes) {
    if (a.name.find(kMarker) != std::string::npos)
      return "payload attribute " + a.name + " on <" + t.name + "> (broke out of a value)";
    if (a.name.find_first_of("\"'<`") != std::string::npos)
      return "attribute name " + a.name + " on <" + t.name + "> (a value broken in two?)";
    if (a.name.size() > 2 && a.name[0] == 'o' && a.name[1] == 'n')
      return "event handler " + a.name + " on <" + t.name + ">";
    if (a.name == "srcdoc") return "srcdoc on <" + t.name + ">";
    if (IsUrlAttribute(a.name) || (a.name == "srcset")) {
      if (std::string u = UnsafeUrl(a.raw); !u.empty()) return u + " in " + a.name + " of <" + t.name + ">";
    }
    if (a.name == "to" || a.name == "from" || a.name == "values") {
      std::string v = LowerAscii(a.value);
      if (v.find("javascript:") != std::string::npos || v.find("vbscript:") != std::string::npos)
        return "script URL in " + a.name + " of <" + t.name + ">";
    }
    if (a.name == "style") {
      std::string s;
      for (char c : LowerAscii(a.value))
        if (!IsSpace(c) && c != '\\') s.push_back(c);
      for (std::string_view bad : {"expression(", "url(javascript", "url(\"javascript", "url('javascript",
                                   "javascript:", "behavior:", "-moz-binding"})
        if (s.find(bad) != std::string::npos)
          return "style with " + std::string(bad) + " on <" + t.name + ">";
    }
  }
  if (t.name == "script" && IsDataBlock(t)) return "";
  if (t.name == "script") {
    const Attribute* src = t.Find("src");
    if (src == nullptr) return "inline <script>";
    if (!SameOriginPath(src->raw)) return "<script src=" + src->raw + "> not from the site's own files";
  }
  return "";
}

// Reads a start tag at html[i] == '<' (followed by a letter); returns the
// index just past '>' (html.size() when unterminated).
inline size_t ReadTag(std::string_view html, size_t i, Tag& tag) {
  size_t k = i + 1;
  size_t n = k;
  while (n < html.size() && !IsSpace(html[n]) && html[n] != '/' && html[n] != '>') ++n;
  tag.name = LowerAscii(html.substr(k, n - k));
  k = n;
  for (;;) {
    while (k < html.size() && (IsSpace(html[k]) || html[k] == '/')) ++k;
    if (k >= html.size()) return html.size();
    if (html[k] == '>') return k + 1;
    size_t a = k++;  // the first character may be '='
    while (k < html.size() && !IsSpace(html[k]) && html[k] != '/' && html[k] != '>' && html[k] != '=') ++k;
    Attribute attr;
    attr.name = LowerAscii(html.substr(a, k - a));
    size_t m = k;
    while (m < html.size() && IsSpace(html[m])) ++m;
    if (m < html.size() && html[m] == '=') {
      ++m;
      while (m < html.size() && IsSpace(html[m])) ++m;
      if (m < html.size() && (html[m] == '"' || html[m] == '\'')) {
        size_t end = html.find(html[m], m + 1);
        if (end == std::string_view::npos) end = html.size();
        attr.raw = std::string(html.substr(m + 1, end - m - 1));
        k = end + 1;
      } else {
        size_t end = m;
        while (end < html.size() && !IsSpace(html[end]) && html[end] != '>') ++end;
        attr.raw = std::string(html.substr(m, end - m));
        k = end;
      }
      attr.value = DecodeEntities(attr.raw);
    }
    tag.attributes.push_back(std::move(attr));
  }
}

inline bool IsRawText(std::string_view name) {
  for (std::string_view r :
       {"script", "style", "textarea", "title", "xmp", "noembed", "noframes", "noscript"})
    if (name == r) return true;
  return false;
}

// Every problem in `html` (empty when the page is safe), each with where it is.
inline std::vector<std::string> ExecutableSinks(std::string_view html) {
  std::vector<std::string> problems;
  auto where = [&](size_t at) {
    size_t from = at < 60 ? 0 : at - 60;
    std::string around(html.substr(from, 160));
    for (char& c : around)
      if (c == '\n') c = ' ';
    return " at " + std::to_string(at) + ": ..." + around + "...";
  };
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.substr(i, 4) == "<!--") {
      size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (i + 1 < html.size() && (html[i + 1] == '!' || html[i + 1] == '?')) {
      size_t end = html.find('>', i);
      i = end == std::string_view::npos ? html.size() : end + 1;
      continue;
    }
    if (i + 1 < html.size() && html[i + 1] == '/') {
      size_t end = html.find('>', i);
      i = end == std::string_view::npos ? html.size() : end + 1;
      continue;
    }
    if (i + 1 >= html.size() || !std::isalpha(static_cast<unsigned char>(html[i + 1]))) {
      ++i;
      continue;
    }
    Tag tag;
    size_t after = ReadTag(html, i, tag);
    if (std::string p = JudgeTag(tag); !p.empty()) problems.push_back(p + where(i));
    i = after;
    if (IsRawText(tag.name)) {
      std::string lower = LowerAscii(html.substr(i));
      size_t close = lower.find("</" + tag.name);
      std::string_view body = html.substr(i, close == std::string::npos ? std::string_view::npos : close);
      if (tag.name == "script" && IsDataBlock(tag)) {
        // Data, but "<!--" or "<script" inside would change where the
        // browser ends it.
        std::string lower_body = LowerAscii(body);
        if (lower_body.find("<!--") != std::string::npos || lower_body.find("<script") != std::string::npos)
          problems.push_back("markup inside a JSON data block" + where(i));
      } else if (tag.name == "script" && body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
        problems.push_back("inline script body" + where(i));
      }
      i = close == std::string::npos ? html.size() : i + close;
    }
  }
  return problems;
}

}  // namespace vetted::server::testing
