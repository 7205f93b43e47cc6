#include "cite/parts.h"

#include "cite/rich.h"
#include "util/util.h"

namespace vetted::cite::parts {
namespace {

std::string CurlyApostrophes(std::string s) {
  return s.find('\'') == std::string::npos ? s : util::ReplaceAll(s, "'", "\u2019");
}

bool AllLower(std::string_view word) {
  size_t len;
  for (size_t i = 0; i < word.size(); i += len) {
    if (!rich::IsLower(rich::Decode(word, i, &len))) return false;
  }
  return !word.empty();
}

size_t CodePoints(std::string_view s) {
  size_t n = 0, len;
  for (size_t i = 0; i < s.size(); i += len, ++n) rich::Decode(s, i, &len);
  return n;
}

// A word of a given name: `done` words are already initials ("J." or a
// single letter) and are kept as they are.
struct Word {
  std::string text;
  bool done;
};

std::vector<Word> SplitGiven(std::string_view given) {
  std::vector<Word> words;
  std::string cur;
  auto flush_word = [&](bool at_space) {
    if (cur.empty()) return;
    words.push_back({cur, CodePoints(cur) == 1 && at_space});
    cur.clear();
  };
  size_t len;
  for (size_t i = 0; i < given.size(); i += len) {
    rich::Decode(given, i, &len);
    std::string_view ch = given.substr(i, len);
    if (ch == ".") {
      if (!cur.empty()) words.push_back({cur, true});
      cur.clear();
    } else if (ch == "-") {
      flush_word(false);
      cur.assign(1, '-');
    } else if (ch == " ") {
      flush_word(true);
    } else {
      cur.append(ch);
    }
  }
  flush_word(true);
  return words;
}

std::string ToInitial(std::string_view t) {
  size_t len;
  char32_t c = rich::Decode(t, 0, &len);
  std::string out;
  if (c == '-') {
    if (len < t.size()) {
      size_t len2;
      char32_t d = rich::Decode(t, len, &len2);
      if (rich::IsUpper(d)) rich::Encode(rich::ToUpper(d), out);
    }
    return out;
  }
  if (!rich::IsUpper(c)) return std::string(t);
  rich::Encode(c, out);
  if (len < t.size()) {
    size_t len2;
    char32_t d = rich::Decode(t, len, &len2);
    std::string_view rest = t.substr(len + len2);
    if (rich::IsUpper(d) && AllLower(rest)) rich::Encode(rich::ToLower(d), out);
  }
  return out;
}

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// One comma-separated piece of a page field.
std::string OneRange(std::string_view piece) {
  size_t dash = std::string_view::npos, dash_len = 0;
  for (size_t i = 0; i < piece.size(); ++i) {
    if (piece[i] == '-') {
      dash = i, dash_len = 1;
      while (dash + dash_len < piece.size() && piece[dash + dash_len] == '-') ++dash_len;
      break;
    }
    if (piece.substr(i).starts_with("\u2013")) {
      dash = i, dash_len = 3;
      break;
    }
  }
  if (dash == std::string_view::npos) return std::string(piece);
  std::string first(util::Trim(piece.substr(0, dash)));
  std::string last(util::Trim(piece.substr(dash + dash_len)));
  if (first.empty() || last.empty()) return std::string(piece);
  if (AllDigits(first) && AllDigits(last) && last.size() < first.size()) {
    last = first.substr(0, first.size() - last.size()) + last;
  }
  return first + "-" + util::ReplaceAll(last, "\u2013", "-");
}

}  // namespace

std::string Initials(std::string_view given) {
  std::string joined;
  for (const Word& w : SplitGiven(given)) {
    if (w.done) {
      joined += w.text;
    } else if (AllLower(w.text)) {
      joined += " " + w.text + " ";
    } else {
      joined += ToInitial(w.text);
    }
  }
  return CollapseSpaces(util::Trim(util::ReplaceAll(joined, " -", "-")));
}

std::string FormatName(const Name& name) {
  if (!name.literal.empty()) return CurlyApostrophes(rich::Clean(name.literal));
  std::string family = CurlyApostrophes(rich::Clean(name.family));
  std::string given = CurlyApostrophes(rich::Clean(name.given));
  std::string suffix;
  if (size_t comma = given.find(", "); comma != std::string::npos) {
    suffix = given.substr(comma + 2);
    given.resize(comma);
  }
  if (family.empty()) return given;
  std::string out = family;
  std::string initials = Initials(given);
  if (!initials.empty()) out += " " + initials;
  if (!suffix.empty()) out += " " + suffix;
  return out;
}

std::string FormatNames(const std::vector<Name>& names, bool editor_label) {
  std::vector<std::string> shown;
  bool et_al = names.size() >= 7;
  for (size_t i = 0; i < names.size() && (!et_al || i < 3); ++i) {
    std::string n = FormatName(names[i]);
    if (!n.empty()) shown.push_back(std::move(n));
  }
  if (shown.empty()) return "";
  std::string out;
  for (size_t i = 0; i < shown.size(); ++i) {
    if (i) out += ", ";
    out += shown[i];
  }
  if (et_al) out += ", et al.";
  if (editor_label) out += names.size() > 1 ? ", eds." : ", ed.";
  return out;
}

std::string TextDate(const Date& date) {
  if (date.year == 0) return "";
  std::string year = std::to_string(date.year);
  if (date.month < 1 || date.month > 12) return year;
  std::string month(kMonths[date.month - 1]);
  if (date.day == 0) return month + " " + year;
  return month + " " + std::to_string(date.day) + ", " + year;
}

std::string PageRange(std::string_view page) {
  std::string out;
  size_t start = 0;
  while (start <= page.size()) {
    size_t comma = page.find(',', start);
    size_t end = comma == std::string_view::npos ? page.size() : comma;
    std::string_view piece = page.substr(start, end - start);
    size_t lead = 0;
    while (lead < piece.size() && piece[lead] == ' ') ++lead;
    out.append(piece.substr(0, lead));
    out += OneRange(piece.substr(lead));
    if (comma == std::string_view::npos) break;
    out += ',';
    start = comma + 1;
  }
  return out;
}

bool IsNumeric(std::string_view value) {
  std::string v = util::ReplaceAll(util::ReplaceAll(value, ", ", ","), "& ", "&");
  size_t start = 0;
  while (true) {
    size_t end = v.find_first_of(",-&", start);
    std::string_view chunk = std::string_view(v).substr(start, end == std::string::npos ? end : end - start);
    bool digit = false;
    for (char c : chunk) {
      if (c == ' ') return false;
      digit |= c >= '0' && c <= '9';
    }
    if (!digit) return false;
    if (end == std::string::npos) return true;
    start = end + 1;
  }
}

std::string Ordinal(std::string_view value) {
  if (!AllDigits(value) || value.size() > 9) return std::string(value);
  int n = std::stoi(std::string(value));
  const char* suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

}  // namespace vetted::cite::parts
