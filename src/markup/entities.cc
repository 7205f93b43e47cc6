// Character references: numeric ones in full, named ones from a table of
// those writers actually type (unknown names stay literal text).
#include <algorithm>
#include <cstring>
#include <vector>

#include "markup/internal.h"
#include "util/util.h"

namespace vetted::markup {
namespace {

struct Named {
  const char* name;
  uint32_t cp;
};

// Any order: Table() sorts a copy once for binary search.
constexpr Named kNamed[] = {
    {"AElig", 0xC6},   {"Aacute", 0xC1},  {"Agrave", 0xC0},   {"Auml", 0xC4},     {"Ccedil", 0xC7},
    {"Eacute", 0xC9},  {"Egrave", 0xC8},  {"NewLine", 0x0A},  {"Ouml", 0xD6},     {"Tab", 0x09},
    {"Uuml", 0xDC},    {"aacute", 0xE1},  {"acirc", 0xE2},    {"aelig", 0xE6},    {"agrave", 0xE0},
    {"alpha", 0x3B1},  {"amp", 0x26},     {"apos", 0x27},     {"aring", 0xE5},    {"ast", 0x2A},
    {"asymp", 0x2248}, {"atilde", 0xE3},  {"auml", 0xE4},     {"beta", 0x3B2},    {"bull", 0x2022},
    {"ccedil", 0xE7},  {"cent", 0xA2},    {"colon", 0x3A},    {"comma", 0x2C},    {"copy", 0xA9},
    {"darr", 0x2193},  {"deg", 0xB0},     {"delta", 0x3B4},   {"divide", 0xF7},   {"dollar", 0x24},
    {"eacute", 0xE9},  {"ecirc", 0xEA},   {"egrave", 0xE8},   {"emsp", 0x2003},   {"ensp", 0x2002},
    {"equals", 0x3D},  {"euml", 0xEB},    {"euro", 0x20AC},   {"excl", 0x21},     {"frac12", 0xBD},
    {"frac14", 0xBC},  {"frac34", 0xBE},  {"gamma", 0x3B3},   {"ge", 0x2265},     {"grave", 0x60},
    {"gt", 0x3E},      {"harr", 0x2194},  {"hellip", 0x2026}, {"iacute", 0xED},   {"iexcl", 0xA1},
    {"infin", 0x221E}, {"iquest", 0xBF},  {"iuml", 0xEF},     {"lbrace", 0x7B},   {"lbrack", 0x5B},
    {"ldquo", 0x201C}, {"le", 0x2264},    {"lowbar", 0x5F},   {"lpar", 0x28},     {"larr", 0x2190},
    {"laquo", 0xAB},   {"lsquo", 0x2018}, {"lt", 0x3C},       {"mdash", 0x2014},  {"micro", 0xB5},
    {"middot", 0xB7},  {"minus", 0x2212}, {"mu", 0x3BC},      {"nbsp", 0xA0},     {"ndash", 0x2013},
    {"ne", 0x2260},    {"ntilde", 0xF1},  {"num", 0x23},      {"oacute", 0xF3},   {"ocirc", 0xF4},
    {"omega", 0x3C9},  {"oslash", 0xF8},  {"ouml", 0xF6},     {"para", 0xB6},     {"percnt", 0x25},
    {"period", 0x2E},  {"pi", 0x3C0},     {"plus", 0x2B},     {"plusmn", 0xB1},   {"pound", 0xA3},
    {"quest", 0x3F},   {"quot", 0x22},    {"raquo", 0xBB},    {"rarr", 0x2192},   {"rbrace", 0x7D},
    {"rbrack", 0x5D},  {"rdquo", 0x201D}, {"reg", 0xAE},      {"rpar", 0x29},     {"rsquo", 0x2019},
    {"sect", 0xA7},    {"semi", 0x3B},    {"shy", 0xAD},      {"sigma", 0x3C3},   {"sol", 0x2F},
    {"sup2", 0xB2},    {"sup3", 0xB3},    {"szlig", 0xDF},    {"thinsp", 0x2009}, {"times", 0xD7},
    {"trade", 0x2122}, {"uacute", 0xFA},  {"uarr", 0x2191},   {"uuml", 0xFC},     {"vert", 0x7C},
    {"yen", 0xA5},     {"zwj", 0x200D},   {"zwnj", 0x200C},
};

bool ParseNumber(std::string_view digits, int base, uint32_t* out) {
  if (digits.empty() || digits.size() > 8) return false;
  uint32_t v = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    v = v * base + d;
  }
  *out = v;
  return true;
}

const std::vector<Named>& Table() {
  static const std::vector<Named> table = [] {
    std::vector<Named> t(std::begin(kNamed), std::end(kNamed));
    std::sort(t.begin(), t.end(), [](const Named& a, const Named& b) {
      return std::string_view(a.name) < std::string_view(b.name);
    });
    return t;
  }();
  return table;
}

}  // namespace

void AppendUtf8(std::string& out, uint32_t cp) {
  // CommonMark: a NUL reference becomes U+FFFD; util maps surrogates and values past U+10FFFF.
  util::AppendUtf8(out, cp == 0 ? 0xFFFD : static_cast<char32_t>(cp));
}

bool DecodeEntity(std::string_view e, std::string& out) {
  if (e.size() < 3 || e.front() != '&' || e.back() != ';') return false;
  std::string_view body = e.substr(1, e.size() - 2);
  if (body[0] == '#') {
    uint32_t cp = 0;
    bool ok = (body.size() > 1 && (body[1] == 'x' || body[1] == 'X')) ? ParseNumber(body.substr(2), 16, &cp)
                                                                      : ParseNumber(body.substr(1), 10, &cp);
    if (!ok) cp = 0xFFFD;
    AppendUtf8(out, cp);
    return true;
  }
  const auto& table = Table();
  auto it = std::lower_bound(table.begin(), table.end(), body,
                             [](const Named& n, std::string_view b) { return std::string_view(n.name) < b; });
  if (it == table.end() || std::string_view(it->name) != body) return false;
  AppendUtf8(out, it->cp);
  return true;
}

}  // namespace vetted::markup
