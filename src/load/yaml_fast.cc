// A fast path for the YAML that front matter is usually written in: block
// mappings and sequences of simple scalars and one-line flow collections.
// It accepts only a conservative subset whose tree is certain to equal the
// one libyaml builds (same texts, styles and lines); anything else (trailing comments,
// escapes, multi-line scalars, anchors, tags, odd characters...) is declined
// and ParseYaml falls back to libyaml. Saves libyaml's per-parser buffers,
// its event copies and most small allocations.
#include <cstdint>

#include "load/yaml.h"
#include "util/util.h"

namespace vetted::load {
namespace {

constexpr int kMaxDepth = 48;
constexpr size_t kMaxNodes = 100'000;
constexpr size_t kMaxKey = 1000;  // libyaml refuses simple keys over 1024 characters

struct Line {
  std::string_view text;  // without indentation and trailing spaces; never empty
  int indent = 0;
  int number = 0;  // file line
};

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Code points libyaml reads as printable non-break characters (U+0085,
// U+2028 and U+2029 are breaks to it, U+FEFF is refused inside a stream).
bool PrintableCodePoint(uint32_t c) {
  if (c < 0xA0) return false;
  if (c == 0x2028 || c == 0x2029 || c == 0xFEFF) return false;
  if (c >= 0xD800 && c <= 0xDFFF) return false;
  return c <= 0xFFFD || (c >= 0x10000 && c <= 0x10FFFF);
}

// Length of the well-formed, printable UTF-8 sequence at s[i] (lead byte >=
// 0x80), or 0.
size_t Utf8Printable(std::string_view s, size_t i) {
  char32_t c;
  bool valid;
  size_t n = util::DecodeUtf8(s, i, &c, &valid);
  return valid && PrintableCodePoint(c) ? n : 0;
}

class FastParser {
 public:
  explicit FastParser(int first_line) : first_line_(first_line) {}

  // False: outside the subset (not necessarily invalid YAML).
  bool Parse(std::string_view text, YamlNode& out) {
    if (!SplitLines(text) || lines_.empty()) return false;
    if (!IsMappingLine(lines_[0].text)) return false;
    size_t i = 0;
    if (!BlockMapping(i, lines_[0].indent, out, 0)) return false;
    return i == lines_.size();
  }

 private:
  // Lines without blank or comment lines. Declines tabs, CR, control bytes, trailing comments
  // and document markers; non-ASCII bytes only as printable UTF-8.
  bool SplitLines(std::string_view text) {
    int number = first_line_;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view l = text.substr(pos, end - pos);
      pos = end + 1;
      size_t indent = l.find_first_not_of(' ');
      int line = number++;
      if (indent == std::string_view::npos) continue;
      bool comment = l[indent] == '#';  // a whole-line comment is skipped; others are declined
      for (size_t k = 0; k < l.size(); ++k) {
        auto c = static_cast<unsigned char>(l[k]);
        if (c >= 0x80) {
          size_t n = Utf8Printable(l, k);
          if (n == 0) return false;
          k += n - 1;
        } else if (c < 0x20 || c == 0x7F || (c == '#' && !comment)) {
          return false;
        }
      }
      if (comment) continue;
      std::string_view body = l.substr(indent);
      while (body.back() == ' ') body.remove_suffix(1);
      if (indent == 0 && (body.starts_with("---") || body.starts_with("...") || body[0] == '%')) return false;
      lines_.push_back({body, static_cast<int>(indent), line});
    }
    return true;
  }

  static size_t KeyLength(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && (IsAlnum(s[i]) || s[i] == '_' || (i > 0 && s[i] == '-'))) ++i;
    return i;
  }

  // "key:" or "key: value" with a simple key.
  // (A key libyaml reads as null, or too long for a simple key, is declined.)
  static bool IsMappingLine(std::string_view s) {
    size_t k = KeyLength(s);
    if (k == 0 || k > kMaxKey || k == s.size() || s[k] != ':' || (k + 1 < s.size() && s[k + 1] != ' '))
      return false;
    std::string_view key = s.substr(0, k);
    return key != "null" && key != "Null" && key != "NULL";
  }

  bool Count(int depth) { return ++nodes_ <= kMaxNodes && depth <= kMaxDepth; }

  // Lines from lines_[i] at `indent`, each "key: ..." (the first may be
  // given as `first`, the rest of a "- key: v" line).
  bool BlockMapping(size_t& i, int indent, YamlNode& out, int depth, std::string_view first = {}) {
    if (!Count(depth)) return false;
    out.kind = YamlNode::Kind::kMapping;
    out.line = lines_[i].number;
    bool use_first = !first.empty();
    while (i < lines_.size()) {
      const Line& l = lines_[i];
      if (!use_first && l.indent < indent) break;
      if (!use_first && l.indent > indent) return false;
      std::string_view s = use_first ? first : l.text;
      use_first = false;
      if (!IsMappingLine(s)) return false;
      size_t k = KeyLength(s);
      YamlEntry& e = out.entries.emplace_back();
      e.key.assign(s.substr(0, k));
      e.line = l.number;
      std::string_view rest = s.substr(k + 1);
      while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
      ++i;
      if (!Count(depth + 1)) return false;
      if (!rest.empty()) {
        if (!InlineValue(rest, l.number, e.value, depth + 1)) return false;
        if (i < lines_.size() && lines_[i].indent > indent) return false;  // a continuation line
        continue;
      }
      // A nested block (more indented, or an indentless sequence).
      if (i == lines_.size()) return false;
      const Line& n = lines_[i];
      bool dash = IsDash(n.text);
      if (n.indent > indent) {
        if (!(dash ? BlockSequence(i, n.indent, e.value, depth + 1) : NestedMapping(i, e.value, depth + 1)))
          return false;
      } else if (n.indent == indent && dash) {
        if (!BlockSequence(i, indent, e.value, depth + 1)) return false;
      } else {
        return false;  // an empty value: its line would need libyaml's rules
      }
    }
    return true;
  }

  bool NestedMapping(size_t& i, YamlNode& out, int depth) {
    if (!IsMappingLine(lines_[i].text)) return false;
    return BlockMapping(i, lines_[i].indent, out, depth);
  }

  static bool IsDash(std::string_view s) { return s[0] == '-' && s.size() > 1 && s[1] == ' '; }

  bool BlockSequence(size_t& i, int indent, YamlNode& out, int depth) {
    if (!Count(depth)) return false;
    out.kind = YamlNode::Kind::kSequence;
    out.line = lines_[i].number;
    while (i < lines_.size() && lines_[i].indent == indent && IsDash(lines_[i].text)) {
      const Line& l = lines_[i];
      size_t skip = 1;
      while (l.text[skip] == ' ') ++skip;
      std::string_view rest = l.text.substr(skip);
      YamlNode& item = out.items.emplace_back();
      if (IsMappingLine(rest)) {
        if (!BlockMapping(i, indent + static_cast<int>(skip), item, depth + 1, rest)) return false;
      } else {
        if (!Count(depth + 1) || !InlineValue(rest, l.number, item, depth + 1)) return false;
        ++i;
      }
      if (i < lines_.size() && lines_[i].indent > indent) return false;
    }
    return true;
  }

  // A scalar or flow collection filling the rest of a line.
  bool InlineValue(std::string_view s, int line, YamlNode& out, int depth) {
    if (s[0] == '[' || s[0] == '{') {
      size_t pos = 0;
      return Flow(s, pos, line, out, depth) && pos == s.size();
    }
    if (s[0] == '"' || s[0] == '\'') {
      size_t pos = 0;
      return Quoted(s, pos, line, out) && pos == s.size();
    }
    if (!PlainStart(s)) return false;
    if (s.back() == ':' || s.find(": ") != std::string_view::npos) return false;
    return Plain(s, line, out);
  }

  static bool PlainStart(std::string_view s) {
    char c = s[0];
    if (IsAlnum(c) || c == '_' || c == '.' || c == '/' || c == '(' || c == '+' || c == '~') return true;
    if (static_cast<unsigned char>(c) >= 0x80) return true;
    return c == '-' && s.size() > 1 && IsAlnum(s[1]);
  }

  static bool Plain(std::string_view s, int line, YamlNode& out) {
    out.line = line;
    if (s == "~" || s == "null" || s == "Null" || s == "NULL") return true;  // kNull
    out.kind = YamlNode::Kind::kScalar;
    out.plain = true;
    out.text.assign(s);
    return true;
  }

  // A one-line quoted scalar without escapes at s[pos]; pos moves past it.
  static bool Quoted(std::string_view s, size_t& pos, int line, YamlNode& out) {
    char q = s[pos];
    size_t close = s.find(q, pos + 1);
    if (close == std::string_view::npos) return false;
    std::string_view inner = s.substr(pos + 1, close - pos - 1);
    if (q == '"' && inner.find('\\') != std::string_view::npos) return false;
    if (q == '\'' && close + 1 < s.size() && s[close + 1] == '\'') return false;  // '' escape
    out.kind = YamlNode::Kind::kScalar;
    out.plain = false;
    out.line = line;
    out.text.assign(inner);
    pos = close + 1;
    return true;
  }

  static void Spaces(std::string_view s, size_t& pos) {
    while (pos < s.size() && s[pos] == ' ') ++pos;
  }

  // A flow scalar: quoted, or plain up to , ] or } (a key: up to ": ").
  bool FlowScalar(std::string_view s, size_t& pos, int line, YamlNode& out, bool key = false) {
    if (pos >= s.size()) return false;
    if (s[pos] == '"' || s[pos] == '\'') return Quoted(s, pos, line, out);
    size_t end = s.find_first_of(",]}:[{\"'", pos);
    if (end == std::string_view::npos) return false;
    bool stop = key ? s[end] == ':' && end + 1 < s.size() && s[end + 1] == ' '
                    : s[end] == ',' || s[end] == ']' || s[end] == '}';
    if (!stop) return false;
    std::string_view text = s.substr(pos, end - pos);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    if (text.empty() || !PlainStart(text)) return false;
    pos = end;
    return Plain(text, line, out);
  }

  bool FlowNode(std::string_view s, size_t& pos, int line, YamlNode& out, int depth) {
    if (!Count(depth)) return false;
    if (pos < s.size() && (s[pos] == '[' || s[pos] == '{')) return Flow(s, pos, line, out, depth);
    return FlowScalar(s, pos, line, out);
  }

  // [a, b] or {k: v, ...} on one line; pos moves past the closing bracket.
  bool Flow(std::string_view s, size_t& pos, int line, YamlNode& out, int depth) {
    bool map = s[pos] == '{';
    char close = map ? '}' : ']';
    out.kind = map ? YamlNode::Kind::kMapping : YamlNode::Kind::kSequence;
    out.line = line;
    ++pos;
    Spaces(s, pos);
    if (pos < s.size() && s[pos] == close) {
      ++pos;
      return true;
    }
    for (;;) {
      if (map) {
        YamlNode key;
        size_t key_start = pos;
        if (!Count(depth + 1) || !FlowScalar(s, pos, line, key, true) || !key.IsScalar()) return false;
        if (pos - key_start > kMaxKey) return false;
        Spaces(s, pos);
        if (pos + 1 >= s.size() || s[pos] != ':' || s[pos + 1] != ' ') return false;
        pos += 2;
        Spaces(s, pos);
        YamlEntry& e = out.entries.emplace_back();
        e.key = std::move(key.text);
        e.line = line;
        if (!FlowNode(s, pos, line, e.value, depth + 1)) return false;
      } else {
        if (!FlowNode(s, pos, line, out.items.emplace_back(), depth + 1)) return false;
      }
      Spaces(s, pos);
      if (pos >= s.size()) return false;
      if (s[pos] == close) {
        ++pos;
        return true;
      }
      if (s[pos] != ',') return false;
      ++pos;
      Spaces(s, pos);
      if (pos >= s.size() || s[pos] == close) return false;  // a trailing comma
    }
  }

  int first_line_;
  size_t nodes_ = 0;
  std::vector<Line> lines_;
};

}  // namespace

bool ParseYamlSubset(std::string_view text, int first_line, YamlNode& out) {
  out = YamlNode();
  FastParser p(first_line);
  if (p.Parse(text, out)) return true;
  out = YamlNode();
  return false;
}

}  // namespace vetted::load
