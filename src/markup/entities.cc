// Character references: numeric ones in full, named ones from the HTML
// standard's whole list (entity_table.inc); unknown names stay literal text.
#include <algorithm>
#include <cstring>

#include "markup/internal.h"
#include "util/util.h"

namespace vetted::markup {
namespace {

// One named reference: its name without '&' and ';', and its UTF-8 text (one
// or two code points). Fixed-size arrays: the table needs no relocations.
struct NamedEntity {
  char name[32];
  char text[8];
};

#include "markup/entity_table.inc"

static_assert(kLongestEntityName < sizeof(NamedEntity::name) &&
              kLongestEntityText < sizeof(NamedEntity::text));
static_assert(std::is_sorted(std::begin(kEntities), std::end(kEntities),
                             [](const NamedEntity& a, const NamedEntity& b) {
                               return std::string_view(a.name) < std::string_view(b.name);
                             }),
              "entity_table.inc must be sorted by name for the binary search");

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
  if (body.size() > kLongestEntityName) return false;
  const NamedEntity* end = std::end(kEntities);
  const NamedEntity* it =
      std::lower_bound(std::begin(kEntities), end, body,
                       [](const NamedEntity& n, std::string_view b) { return std::string_view(n.name) < b; });
  if (it == end || std::string_view(it->name) != body) return false;
  out.append(it->text);
  return true;
}

}  // namespace vetted::markup
