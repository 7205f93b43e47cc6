#include "cite/rich.h"

#include <locale.h>
#include <wctype.h>

#include <cstdint>

#include "util/util.h"

namespace vetted::cite::rich {

// ---- UTF-8 and character classes -------------------------------------------

namespace {
// The C.UTF-8 ctype tables, created once; the *_l functions are thread-safe.
locale_t Utf8Locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}
}  // namespace

// UTF-8 through util's one decoder and encoder: a bad byte reads as U+FFFD.
char32_t Decode(std::string_view s, size_t i, size_t* len) {
  char32_t cp = 0;
  *len = util::DecodeUtf8(s, i, &cp);
  return cp;
}

void Encode(char32_t cp, std::string& out) {
  util::AppendUtf8(out, cp);
}

bool IsAlnum(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  locale_t loc = Utf8Locale();
  return loc != nullptr && iswalnum_l(static_cast<wint_t>(c), loc);
}
bool IsUpper(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  locale_t loc = Utf8Locale();
  return loc != nullptr && iswupper_l(static_cast<wint_t>(c), loc);
}
bool IsLower(char32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z';
  locale_t loc = Utf8Locale();
  return loc != nullptr && iswlower_l(static_cast<wint_t>(c), loc);
}
char32_t ToUpper(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  locale_t loc = Utf8Locale();
  return loc ? static_cast<char32_t>(towupper_l(static_cast<wint_t>(c), loc)) : c;
}
char32_t ToLower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  locale_t loc = Utf8Locale();
  return loc ? static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), loc)) : c;
}

namespace {

bool IsFormatMarker(char c) {
  return (c >= kItalicOn && c <= kBoldOff) || (c >= kSupOn && c <= kSmallCapsOff) || c == kLinkText ||
         c == kLinkOff;
}
bool IsMarker(char c) {
  return static_cast<unsigned char>(c) < 0x20 && c != ' ';
}

// ---- Parsing CSL strings -----------------------------------------------------

constexpr std::string_view kLeftDouble = "\u201C", kRightDouble = "\u201D";
constexpr std::string_view kLeftSingle = "\u2018", kRightSingle = "\u2019";

// Drops control characters and collapses runs of white space to one space.
std::string CleanInput(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  bool space = false;
  for (char c : in) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (u < 0x20 || u == 0x7f) continue;
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// True when parsing would return the text unchanged: ASCII letters, digits
// and harmless punctuation, single spaces, nothing at either end.
bool IsPlain(std::string_view s) {
  if (s.empty()) return true;
  if (s.front() == ' ' || s.back() == ' ') return false;
  char prev = 0;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '<' || c == '>' || c == '\'' || c == '"') return false;
    if (prev == ' ' && (c == ' ' || c == ';' || c == '?' || c == '!')) return false;
    prev = c;
  }
  return true;
}

// A backtracking parser following the grammar of citeproc's CSL-JSON reader.
class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  std::string Run() {
    std::string out;
    size_t pos = 0;
    while (pos < in_.size()) Item(pos, out);
    return out;
  }

 private:
  bool At(size_t pos, std::string_view s) const { return in_.substr(pos).starts_with(s); }

  bool Special(size_t pos, size_t* len) const {
    char32_t c = Decode(in_, pos, len);
    return c == '<' || c == '>' || c == '\'' || c == '"' || c == 0x2019 || c == 0x201C || c == 0x201D ||
           c == 0x2018;
  }
  bool Apostrophe(size_t pos, size_t* len) const {
    char32_t c = Decode(in_, pos, len);
    return c == '\'' || c == 0x2019;
  }
  size_t AlnumRun(size_t pos) const {
    size_t len;
    while (pos < in_.size()) {
      unsigned char c = static_cast<unsigned char>(in_[pos]);
      if (c < 0x80) {
        if (!IsAlnum(c)) break;
        ++pos;
        continue;
      }
      if (Special(pos, &len) || !IsAlnum(Decode(in_, pos, &len))) break;
      pos += len;
    }
    return pos;
  }

  // One element; always consumes at least one character.
  void Item(size_t& pos, std::string& out) {
    if (Text(pos, out) || Quoted(pos, out) || Tag(pos, out)) return;
    size_t len;
    bool apostrophe = Apostrophe(pos, &len);
    out += apostrophe ? std::string(kRightSingle) : std::string(in_.substr(pos, len));
    pos += len;
  }

  bool Text(size_t& pos, std::string& out) {
    size_t end = AlnumRun(pos);
    if (end > pos) {
      out.append(in_.substr(pos, end - pos));
      size_t len;
      if (end < in_.size() && Apostrophe(end, &len)) {
        size_t more = AlnumRun(end + len);
        if (more > end + len) {
          out += kRightSingle;
          out.append(in_.substr(end + len, more - end - len));
          end = more;
        }
      }
      pos = end;
      return true;
    }
    size_t len;
    while (end < in_.size() && !Special(end, &len) && !IsAlnum(Decode(in_, end, &len))) end += len;
    if (end == pos) return false;
    AppendNarrowSpaced(in_.substr(pos, end - pos), out);
    pos = end;
    return true;
  }

  // citeproc puts a narrow no-break space before ; ? ! and inside guillemets.
  static void AppendNarrowSpaced(std::string_view s, std::string& out) {
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == ' ' && i + 1 < s.size() &&
          (s[i + 1] == ';' || s[i + 1] == '?' || s[i + 1] == '!' || s.substr(i + 1).starts_with("\u00BB"))) {
        out += "\u202F";
      } else if (s.substr(i).starts_with("\u00AB ")) {
        out += "\u00AB\u202F";
        i += 2;
      } else {
        out += s[i];
      }
    }
  }

  bool Quoted(size_t& pos, std::string& out) {
    std::string_view close;
    size_t open_len = 1;
    if (At(pos, "\"")) {
      close = "\"";
    } else if (At(pos, "'")) {
      close = "'";
    } else if (At(pos, kLeftDouble)) {
      close = kRightDouble, open_len = kLeftDouble.size();
    } else if (At(pos, kLeftSingle)) {
      close = kRightSingle, open_len = kLeftSingle.size();
    } else {
      return false;
    }
    size_t p = pos + open_len;
    if (p >= in_.size() || in_[p] == ' ' || At(p, close)) return false;
    size_t mark = out.size();
    out += kQuoteOpen;
    if (!Until(p, close, out)) {
      out.resize(mark);
      return false;
    }
    out += kQuoteClose;
    pos = p;
    return true;
  }

  // Elements up to and including `close`; false (nothing consumed) if absent.
  bool Until(size_t& pos, std::string_view close, std::string& out) {
    size_t p = pos;
    while (!At(p, close)) {
      if (p >= in_.size()) return false;
      Item(p, out);
    }
    pos = p + close.size();
    return true;
  }

  size_t SkipSpaces(size_t p) const {
    while (p < in_.size() && in_[p] == ' ') ++p;
    return p;
  }

  // "<span" sp attr sp ">" (attr includes its own inner spacing rules).
  bool SpanOpen(size_t pos, std::string_view attr, size_t* end) const {
    if (!At(pos, "<span")) return false;
    size_t p = SkipSpaces(pos + 5);
    if (!At(p, attr)) return false;
    p = SkipSpaces(p + attr.size());
    if (!At(p, ">")) return false;
    *end = p + 1;
    return true;
  }

  bool SmallCapsSpanOpen(size_t pos, size_t* end) const {
    if (!At(pos, "<span")) return false;
    size_t p = SkipSpaces(pos + 5);
    if (!At(p, "style=\"font-variant:")) return false;
    p = SkipSpaces(p + 20);
    if (!At(p, "small-caps;")) return false;
    p = SkipSpaces(p + 11);
    if (!At(p, "\"")) return false;
    p = SkipSpaces(p + 1);
    if (!At(p, ">")) return false;
    *end = p + 1;
    return true;
  }

  bool Wrapped(size_t& pos, size_t body, std::string_view close, char on, char off, std::string& out) {
    size_t mark = out.size();
    if (on) out += on;
    size_t p = body;
    if (!Until(p, close, out)) {
      out.resize(mark);
      return false;
    }
    if (off) out += off;
    pos = p;
    return true;
  }

  bool Tag(size_t& pos, std::string& out) {
    if (pos >= in_.size() || in_[pos] != '<') return false;
    struct Simple {
      std::string_view open, close;
      char on, off;
    };
    static constexpr Simple kSimple[] = {
        {"<i>", "</i>", kItalicOn, kItalicOff},
        {"<b>", "</b>", kBoldOn, kBoldOff},
        {"<u>", "</u>", 0, 0},
        {"<sup>", "</sup>", kSupOn, kSupOff},
        {"<sub>", "</sub>", kSubOn, kSubOff},
        {"<sc>", "</sc>", kSmallCapsOn, kSmallCapsOff},
    };
    for (const Simple& s : kSimple) {
      if (At(pos, s.open) && Wrapped(pos, pos + s.open.size(), s.close, s.on, s.off, out)) return true;
    }
    size_t body;
    if (SpanOpen(pos, "class=\"nodecor\"", &body) && Wrapped(pos, body, "</span>", 0, 0, out)) return true;
    if (SmallCapsSpanOpen(pos, &body) && Wrapped(pos, body, "</span>", kSmallCapsOn, kSmallCapsOff, out)) {
      return true;
    }
    if (At(pos, "<span") && At(SkipSpaces(pos + 5), "style=\"baseline\">") &&
        Wrapped(pos, SkipSpaces(pos + 5) + 17, "</span>", 0, 0, out)) {
      return true;
    }
    return SpanOpen(pos, "class=\"nocase\"", &body) &&
           Wrapped(pos, body, "</span>", kNoCaseOn, kNoCaseOff, out);
  }

  std::string_view in_;
};

// ---- Title case -----------------------------------------------------------

enum class CaseState { kStart, kStartSentence, kAfterWordEnd, kAfterWordChar, kAfterSentencePunct };

bool IsStopWord(std::string_view w) {
  static constexpr std::string_view kStop[] = {"a",    "an",   "and",   "as",   "at",   "but", "by", "down",
                                               "for",  "from", "in",    "into", "nor",  "of",  "on", "onto",
                                               "or",   "over", "so",    "the",  "till", "to",  "up", "via",
                                               "with", "yet",  "about", "van",  "von",  "de",  "d",  "l"};
  for (std::string_view s : kStop) {
    if (s == w) return true;
  }
  return false;
}

bool IsWordBreak(char32_t c) {
  return c == ' ' || c == '-' || c == '/' || c == 0x2013 || c == 0x2014;
}
bool IsSpaceChar(char32_t c) {
  return c == ' ' || c == 0xa0 || c == 0x202f;
}

CaseState Next(CaseState st, char32_t last) {
  if (last == '.' || last == '?' || last == '!' || last == ':') return CaseState::kAfterSentencePunct;
  if (IsAlnum(last)) return CaseState::kAfterWordChar;
  if (IsSpaceChar(last) && st == CaseState::kAfterSentencePunct) return CaseState::kStartSentence;
  if (IsWordBreak(last) || IsSpaceChar(last)) return CaseState::kAfterWordEnd;
  return st;
}

// Applies title case to one alphanumeric chunk.
void TitleChunk(std::string_view word, CaseState st, std::string& out) {
  bool any_upper = false, any_lower = false, all_upper = true;
  size_t count = 0, len;
  for (size_t i = 0; i < word.size(); i += len, ++count) {
    char32_t c = Decode(word, i, &len);
    bool up = IsUpper(c), low = IsLower(c);
    any_upper |= up;
    any_lower |= low;
    all_upper &= up;
  }
  bool cap = !(any_upper && any_lower) && !all_upper &&
             (st == CaseState::kStart || st == CaseState::kStartSentence ||
              (st == CaseState::kAfterWordEnd && count > 1 && !IsStopWord(word)));
  if (!cap) {
    out.append(word);
    return;
  }
  for (size_t i = 0; i < word.size(); i += len) {
    char32_t c = ToLower(Decode(word, i, &len));
    Encode(i == 0 ? ToUpper(c) : c, out);
  }
}

// ---- Visible-text helpers for punctuation ------------------------------------

// Index of the first byte of visible text (quote markers count), or npos.
size_t FirstVisible(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == kLinkOn) {
      size_t mid = s.find(kLinkText, i);
      if (mid == std::string_view::npos) return std::string_view::npos;
      i = mid;
      continue;
    }
    if (!IsFormatMarker(s[i])) return i;
  }
  return std::string_view::npos;
}

size_t LastVisible(std::string_view s) {
  for (size_t i = s.size(); i-- > 0;) {
    if (s[i] == kLinkText) {
      size_t on = s.rfind(kLinkOn, i);
      if (on == std::string_view::npos) return std::string_view::npos;
      i = on;
      continue;
    }
    if (!IsFormatMarker(s[i])) return i;
  }
  return std::string_view::npos;
}

char FirstChar(std::string_view s) {
  size_t i = FirstVisible(s);
  return i == std::string_view::npos ? '\0' : s[i];
}
char LastChar(std::string_view s) {
  size_t i = LastVisible(s);
  return i == std::string_view::npos ? '\0' : s[i];
}

void DropLeading(std::string& s, char c) {
  size_t i = FirstVisible(s);
  size_t j = i;
  while (j < s.size() && s[j] == c) ++j;
  if (i != std::string::npos) s.erase(i, j - i);
}

void DropTrailing(std::string& s, char c) {
  size_t i = LastVisible(s);
  if (i == std::string::npos) return;
  size_t start = i + 1;
  while (start > 0 && s[start - 1] == c) --start;
  s.erase(start, i + 1 - start);
}

// citeproc's fixPunct for two neighbours; may shorten either.
void FixPair(std::string& x, std::string& y) {
  char a = LastChar(x), b = FirstChar(y);
  if (a == '\0' || b == '\0') return;
  auto is = [](char c, std::string_view set) { return set.find(c) != std::string_view::npos; };
  if (b == ':' && is(a, ":;!?")) return DropLeading(y, ':');
  if (b == '.' && is(a, ":.;!?")) return DropLeading(y, '.');
  if (b == ';' && is(a, ";,")) return DropLeading(y, ';');
  if (b == ',' && a == ',') return DropLeading(y, ',');
  if ((b == '!' || b == '?') && (a == ':' || a == ';')) return DropTrailing(x, a);
  if ((b == '!' || b == '?') && a == b) return DropTrailing(x, a);
  if (a == ' ' && (b == ' ' || b == ',' || b == '.')) return DropTrailing(x, ' ');
}

std::string ConcatFixed(std::vector<std::string> items) {
  if (items.size() == 1) return std::move(items[0]);
  size_t total = 0;
  for (size_t i = 0; i + 1 < items.size(); ++i) FixPair(items[i], items[i + 1]);
  for (const std::string& s : items) total += s.size();
  std::string out;
  out.reserve(total);
  for (const std::string& s : items) out += s;
  return out;
}

bool HasVisibleText(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == kLinkOn) {
      size_t mid = s.find(kLinkText, i);
      if (mid == std::string_view::npos) return false;
      i = mid;
      continue;
    }
    if (!IsMarker(s[i])) return true;
  }
  return false;
}

// ---- Rendering ---------------------------------------------------------------

// Unicode super/subscript forms Pandoc's plain writer uses; false if any
// character has none.
bool ScriptForm(std::string_view text, bool super, std::string& out) {
  std::string r;
  for (char c : text) {
    char32_t m = 0;
    if (c >= '0' && c <= '9') {
      static constexpr char32_t kSup[] = {0x2070, 0xb9,   0xb2,   0xb3,   0x2074,
                                          0x2075, 0x2076, 0x2077, 0x2078, 0x2079};
      m = super ? kSup[c - '0'] : 0x2080 + (c - '0');
    } else if (c == '+' || c == '-' || c == '=' || c == '(' || c == ')') {
      static constexpr std::string_view kOps = "+-=()";
      m = (super ? 0x207a : 0x208a) + static_cast<char32_t>(kOps.find(c));
    } else {
      return false;
    }
    Encode(m, r);
  }
  out += r;
  return true;
}

std::string QuoteChar(bool open, int depth) {
  bool outer = depth % 2 == 0;
  return std::string(open ? (outer ? kLeftDouble : kLeftSingle) : (outer ? kRightDouble : kRightSingle));
}

bool SafeHref(std::string_view url) {
  std::string lower = util::ToLower(url.substr(0, 8));
  return lower.starts_with("http://") || lower.starts_with("https://");
}

std::string UpperAll(std::string_view s) {
  std::string out;
  size_t len;
  for (size_t i = 0; i < s.size(); i += len) Encode(ToUpper(Decode(s, i, &len)), out);
  return out;
}

}  // namespace

std::string ParseRich(std::string_view text) {
  if (IsPlain(text)) return std::string(text);
  std::string clean = CleanInput(text);
  return Parser(clean).Run();
}

std::string Clean(std::string_view text) {
  return CleanInput(text);
}

std::string Literal(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (!IsMarker(c)) out += c;
  }
  return out;
}

std::string TitleCase(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  CaseState st = CaseState::kStart;
  int protect = 0;
  size_t protected_last = std::string_view::npos;  // last non-space char in a protected span
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == kNoCaseOn || c == kSupOn || c == kSubOn || c == kSmallCapsOn) ++protect;
    if (c == kNoCaseOff || c == kSupOff || c == kSubOff || c == kSmallCapsOff) {
      if (--protect == 0 && protected_last != std::string_view::npos) {
        size_t len;
        st = Next(st, Decode(s, protected_last, &len));
        protected_last = std::string_view::npos;
      }
    }
    if (IsMarker(c) || protect > 0) {
      if (protect > 0 && !IsMarker(c) && c != ' ' && (static_cast<unsigned char>(c) & 0xc0) != 0x80) {
        protected_last = i;
      }
      out += c;
      ++i;
      continue;
    }
    size_t len;
    char32_t cp = Decode(s, i, &len);
    if (!IsAlnum(cp)) {
      out.append(s.substr(i, len));
      st = Next(st, cp);
      i += len;
      continue;
    }
    size_t end = i;
    while (end < s.size() && !IsMarker(s[end]) && IsAlnum(Decode(s, end, &len))) end += len;
    TitleChunk(s.substr(i, end - i), st, out);
    st = CaseState::kAfterWordChar;
    i = end;
  }
  return out;
}

std::string StripPeriods(std::string_view s) {
  std::string out;
  bool in_target = false;
  for (char c : s) {
    if (c == kLinkOn) in_target = true;
    if (c == kLinkText) in_target = false;
    if (c != '.' || in_target) out += c;
  }
  return out;
}

std::string Italic(std::string s) {
  if (s.empty()) return s;
  return kItalicOn + std::move(s) + kItalicOff;
}

std::string Link(std::string_view target, std::string_view shown) {
  std::string out;
  out += kLinkOn;
  out += Literal(target);
  out += kLinkText;
  out.append(shown);
  out += kLinkOff;
  return out;
}

std::string Group(const std::vector<std::string>& items, std::string_view delimiter, std::string_view prefix,
                  std::string_view suffix) {
  std::vector<std::string> parts;
  parts.reserve(items.size() * 2);
  for (const std::string& item : items) {
    if (!HasVisibleText(item)) continue;
    char first = FirstChar(item);
    if (!parts.empty() && !delimiter.empty() && first != ',' && first != ';' && first != '.') {
      parts.emplace_back(delimiter);
    }
    parts.push_back(item);
  }
  std::string body = ConcatFixed(std::move(parts));
  if (!HasVisibleText(body)) return "";
  if (!prefix.empty()) body.insert(0, prefix);
  if (suffix.empty()) return body;
  std::string tail(suffix);
  FixPair(body, tail);
  return body += tail;
}

std::string Affix(std::string_view prefix, std::string item, std::string_view suffix) {
  return Group({std::move(item)}, "", prefix, suffix);
}

std::string MovePunctuationIntoQuotes(std::string_view in) {
  std::string s(in);
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != kQuoteClose || (s[i + 1] != '.' && s[i + 1] != ',')) continue;
    // The quoted text: back to the matching open marker.
    int depth = 0;
    size_t begin = 0;  // first byte of the quoted text
    for (size_t j = i; j-- > 0;) {
      if (s[j] == kQuoteClose) ++depth;
      if (s[j] == kQuoteOpen && depth-- == 0) {
        begin = j + 1;
        break;
      }
    }
    std::string_view inner = std::string_view(s).substr(begin, i - begin);
    char last = LastChar(inner);
    char punct = s[i + 1];
    s.erase(i + 1, 1);
    if (std::string_view(".,;:!?").find(last) == std::string_view::npos || last == '\0') {
      s.insert(i, 1, punct);
      ++i;
    }
  }
  return s;
}

std::string RenderText(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == kQuoteOpen) {
      out += QuoteChar(true, depth++);
    } else if (c == kQuoteClose) {
      out += QuoteChar(false, --depth);
    } else if (c == kSupOn || c == kSubOn || c == kSmallCapsOn) {
      char off = c + 1;
      size_t end = s.find(off, i);
      if (end == std::string_view::npos) end = s.size();
      std::string inner = RenderText(s.substr(i + 1, end - i - 1));
      if (c == kSmallCapsOn) {
        out += UpperAll(inner);
      } else if (!ScriptForm(inner, c == kSupOn, out)) {
        out += c == kSupOn ? "^(" : "_(";
        out += inner + ")";
      }
      i = end;
    } else if (c == kLinkOn) {
      size_t mid = s.find(kLinkText, i);
      i = mid == std::string_view::npos ? s.size() : mid;
    } else if (!IsMarker(c)) {
      size_t run = i;
      while (run < s.size() && !IsMarker(s[run])) ++run;
      out.append(s.substr(i, run - i));
      i = run - 1;
    }
  }
  return out;
}

std::string RenderHtml(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 64);
  int depth = 0;
  bool link_open = false;
  for (size_t i = 0; i < s.size(); ++i) {
    size_t run = i;
    while (run < s.size() && !IsMarker(s[run])) ++run;
    if (run > i) {
      util::AppendEscaped(out, s.substr(i, run - i));
      i = run - 1;
      continue;
    }
    switch (s[i]) {
      case kQuoteOpen:
        out += QuoteChar(true, depth++);
        break;
      case kQuoteClose:
        out += QuoteChar(false, --depth);
        break;
      case kItalicOn:
        out += "<i>";
        break;
      case kItalicOff:
        out += "</i>";
        break;
      case kBoldOn:
        out += "<b>";
        break;
      case kBoldOff:
        out += "</b>";
        break;
      case kSupOn:
        out += "<sup>";
        break;
      case kSupOff:
        out += "</sup>";
        break;
      case kSubOn:
        out += "<sub>";
        break;
      case kSubOff:
        out += "</sub>";
        break;
      case kSmallCapsOn:
        out += "<span class=\"smallcaps\">";
        break;
      case kSmallCapsOff:
        out += "</span>";
        break;
      case kLinkOn: {
        size_t mid = s.find(kLinkText, i);
        if (mid == std::string_view::npos) mid = s.size();
        std::string_view target = s.substr(i + 1, mid - i - 1);
        link_open = SafeHref(target);
        if (link_open) {
          out += "<a href=\"";
          util::AppendEscaped(out, target);
          out += "\">";
        }
        i = mid;
        break;
      }
      case kLinkOff:
        if (link_open) out += "</a>";
        link_open = false;
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace vetted::cite::rich
