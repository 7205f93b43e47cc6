// Callouts: Pandoc/Quarto fenced divs (`::: note` ... `:::`), split off
// before md4c sees the text, and the <aside> boxes they become.
#include <cstring>

#include "markup/internal.h"
#include "util/util.h"

namespace vetted::markup {
namespace {

constexpr std::string_view kKinds[] = {"note", "tip", "warning", "help", "crisis", "takeaways"};

// A class name as a kind: "warning", "callout-warning" (Quarto) -> "warning".
std::string_view KindOfClass(std::string_view cls) {
  if (util::StartsWith(cls, "callout-")) cls.remove_prefix(8);
  return cls;
}

// Reads a value after '=': "quoted", 'quoted' or bare up to space or '}'.
std::string_view ReadValue(std::string_view s, size_t* i) {
  if (*i < s.size() && (s[*i] == '"' || s[*i] == '\'')) {
    char q = s[*i];
    size_t end = s.find(q, *i + 1);
    if (end == std::string_view::npos) end = s.size();
    std::string_view v = s.substr(*i + 1, end - *i - 1);
    *i = end < s.size() ? end + 1 : end;
    return v;
  }
  size_t b = *i;
  while (*i < s.size() && s[*i] != ' ' && s[*i] != '}') ++*i;
  return s.substr(b, *i - b);
}

// Parses what follows the colons of an opening fence into `piece`.
void ParseOpening(std::string_view rest, Piece& piece) {
  piece.kind = Piece::kOpen;
  if (rest.empty() || rest[0] != '{') {
    size_t sp = rest.find(' ');
    piece.callout_kind = KindOfClass(util::ToLower(rest.substr(0, sp)));
    if (sp != std::string_view::npos) piece.title = util::Trim(rest.substr(sp + 1));
  } else {
    std::string_view s = rest.substr(1);
    size_t i = 0;
    while (i < s.size() && s[i] != '}') {
      if (s[i] == ' ' || s[i] == ',') {
        ++i;
        continue;
      }
      size_t b = i;
      while (i < s.size() && s[i] != ' ' && s[i] != '=' && s[i] != '}') ++i;
      std::string_view word = s.substr(b, i - b);
      if (i < s.size() && s[i] == '=') {
        ++i;
        std::string_view value = ReadValue(s, &i);
        if (word == "title") piece.title = util::Trim(value);
        if (word == "include" || word == "callout") {
          piece.kind = Piece::kInclude;
          piece.name = util::Trim(value);
        }
      } else if (!word.empty() && word[0] == '.' && piece.callout_kind.empty()) {
        piece.callout_kind = KindOfClass(util::ToLower(word.substr(1)));
      }
    }
  }
  if (piece.kind == Piece::kOpen) {
    if (piece.callout_kind.empty()) piece.callout_kind = "note";
    piece.known_kind = IsCalloutKind(piece.callout_kind);
  }
}

// Tracks fenced code blocks so `:::` inside them stays code.
struct CodeFence {
  char ch = 0;
  size_t len = 0;
  // Updates the state for one line (leading spaces already skipped); true if the line is code.
  bool Line(std::string_view line) {
    size_t n = 0;
    char c = line.empty() ? 0 : line[0];
    if (c == '`' || c == '~')
      while (n < line.size() && line[n] == c) ++n;
    if (ch == 0) {
      if (n >= 3 && (c == '~' || line.find('`', n) == std::string_view::npos)) {
        ch = c;
        len = n;
        return true;
      }
      return false;
    }
    if (c == ch && n >= len && util::Trim(line.substr(n)).empty()) ch = 0;
    return true;
  }
};

}  // namespace

bool IsCalloutKind(std::string_view kind) {
  for (std::string_view k : kKinds)
    if (k == kind) return true;
  return false;
}

std::vector<Piece> SplitFencedDivs(std::string_view text) {
  std::vector<Piece> pieces;
  size_t run = 0;  // start of the current Markdown run
  int depth = 0;   // open divs
  int skip = 0;    // > 0 while inside an include's (ignored) content
  CodeFence code;
  auto flush = [&](size_t end) {
    if (end <= run || skip != 0) return;
    Piece piece;
    piece.begin = run;
    piece.end = end;
    pieces.push_back(std::move(piece));
  };
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view line = text.substr(pos, next - pos);
    size_t indent = 0;
    while (indent < 3 && indent < line.size() && line[indent] == ' ') ++indent;
    line.remove_prefix(indent);
    if (code.Line(line) || !util::StartsWith(line, ":::")) {
      pos = next;
      continue;
    }
    size_t colons = 3;
    while (colons < line.size() && line[colons] == ':') ++colons;
    std::string_view rest = util::Trim(line.substr(colons));
    while (!rest.empty() && rest.back() == ':') rest.remove_suffix(1);  // `::: note :::`
    rest = util::Trim(rest);
    Piece piece;
    piece.begin = pos;
    piece.end = next;
    if (rest.empty()) {
      if (depth == 0 && skip == 0) {  // a stray closing fence stays text
        pos = next;
        continue;
      }
      piece.kind = Piece::kClose;
    } else {
      ParseOpening(rest, piece);
    }
    flush(pos);
    run = next;
    pos = next;
    if (skip > 0) {
      skip += piece.kind == Piece::kClose ? -1 : 1;
      continue;
    }
    if (piece.kind == Piece::kInclude) skip = 1;
    if (piece.kind == Piece::kOpen) ++depth;
    if (piece.kind == Piece::kClose) --depth;
    pieces.push_back(std::move(piece));
  }
  flush(text.size());
  for (; depth > 0; --depth) {
    Piece close;
    close.kind = Piece::kClose;
    close.begin = close.end = text.size();
    pieces.push_back(std::move(close));
  }
  return pieces;
}

void AppendCalloutOpen(std::string& out, std::string_view kind, std::string_view title) {
  if (!IsCalloutKind(kind)) kind = "note";
  out += "<aside class=\"callout callout-";
  out += kind;
  out += "\" aria-label=\"";
  util::AppendEscaped(out, title.empty() ? kind : title);
  out += "\">\n";
  if (!title.empty()) {
    out += "<p class=\"callout-title\">";
    util::AppendEscaped(out, title);
    out += "</p>\n";
  }
}

std::string CalloutBox(const Callout& callout, std::string_view body_html) {
  std::string out;
  out.reserve(body_html.size() + 200);
  AppendCalloutOpen(out, callout.kind, callout.title);
  out += body_html;
  if (!callout.disclosure.empty()) {
    out += "<p class=\"disclosure\">";
    util::AppendEscaped(out, callout.disclosure);
    out += "</p>\n";
  }
  out += "</aside>\n";
  return out;
}

}  // namespace vetted::markup
