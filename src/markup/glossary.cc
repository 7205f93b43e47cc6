// Glossary term matching: a hash of each phrase's first word, a two-byte
// pre-filter so most words of the text cost one bit test, then a direct
// comparison of the (few) candidate phrases, longest first.
#include <algorithm>

#include "markup/internal.h"
#include "util/util.h"

namespace vetted::markup {
namespace {

constexpr uint64_t kFnvBasis = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

// Lowercase with whitespace runs collapsed and trimmed.
std::string NormalizePhrase(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : util::Trim(s)) {
    if (IsSpace(c)) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(LowerAscii(static_cast<unsigned char>(c))));
  }
  return out;
}

// Hash and length of the lowercase first word (run of word bytes) at s[pos].
uint64_t FirstWordHash(std::string_view s, size_t pos, size_t* len) {
  uint64_t h = kFnvBasis;
  size_t i = pos;
  for (; i < s.size() && IsWordByte(static_cast<unsigned char>(s[i])); ++i) {
    h = (h ^ LowerAscii(static_cast<unsigned char>(s[i]))) * kFnvPrime;
  }
  *len = i - pos;
  return h;
}

size_t FirstTwo(std::string_view s, size_t pos) {
  unsigned a = LowerAscii(static_cast<unsigned char>(s[pos]));
  unsigned b = 0;
  if (pos + 1 < s.size() && IsWordByte(static_cast<unsigned char>(s[pos + 1])))
    b = LowerAscii(static_cast<unsigned char>(s[pos + 1]));
  return (a << 8) | b;
}

// Length of text matched by `phrase` at text[pos], or 0.
size_t MatchPhrase(std::string_view phrase, std::string_view text, size_t pos) {
  size_t t = pos;
  for (char pc : phrase) {
    if (pc == ' ') {
      if (t >= text.size() || !IsSpace(text[t])) return 0;
      while (t < text.size() && IsSpace(text[t])) ++t;
      continue;
    }
    if (t >= text.size() || LowerAscii(static_cast<unsigned char>(text[t])) != static_cast<unsigned char>(pc))
      return 0;
    ++t;
  }
  auto boundary = [&](size_t at) {
    return at >= text.size() || !IsWordByte(static_cast<unsigned char>(text[at]));
  };
  if (boundary(t)) return t - pos;
  // A plural: "panic attacks" for "panic attack".
  if ((text[t] == 's' || text[t] == 'S') && boundary(t + 1)) return t + 1 - pos;
  return 0;
}

}  // namespace

int Glossary::Impl::Match(std::string_view text, size_t pos, size_t* len,
                          const std::vector<uint16_t>& live) const {
  if (!first_two.test(FirstTwo(text, pos))) {
    size_t end = pos + 1;
    while (end < text.size() && IsWordByte(static_cast<unsigned char>(text[end]))) ++end;
    *len = end - pos;
    return -1;
  }
  uint64_t hash = FirstWordHash(text, pos, len);
  int found = Lookup(hash, text, pos, len, live);
  // A plural of a one-word term: "oxytocins" looks up "oxytocin".
  size_t word = *len;
  if (found < 0 && word > 1 && (text[pos + word - 1] == 's' || text[pos + word - 1] == 'S')) {
    size_t shorter = 0;
    found = Lookup(FirstWordHash(text.substr(0, pos + word - 1), pos, &shorter), text, pos, len, live);
  }
  if (found < 0) *len = word;
  return found;
}

int Glossary::Impl::Lookup(uint64_t hash, std::string_view text, size_t pos, size_t* len,
                           const std::vector<uint16_t>& live) const {
  const size_t mask = slots.size() - 1;
  for (size_t i = hash & mask; slots[i].count != 0; i = (i + 1) & mask) {
    if (slots[i].hash != hash) continue;
    if (live[i] == 0) break;
    for (uint32_t k = 0; k < slots[i].count; ++k) {
      uint32_t index = order[slots[i].begin + k];
      size_t n = MatchPhrase(phrases[index].lower, text, pos);
      if (n != 0) {
        *len = n;
        return static_cast<int>(index);
      }
    }
    break;
  }
  return -1;
}

Glossary::Glossary(const std::vector<GlossaryTerm>& terms) : impl_(new Impl) {
  Impl& g = *impl_;
  for (const GlossaryTerm& t : terms) {
    uint32_t index = static_cast<uint32_t>(g.terms.size());
    g.terms.push_back({t.term, t.definition, util::Slugify(t.term)});
    auto add = [&](std::string_view phrase) {
      std::string lower = NormalizePhrase(phrase);
      if (lower.empty() || !IsWordByte(static_cast<unsigned char>(lower[0]))) return;
      g.phrases.push_back({std::move(lower), index});
    };
    add(t.term);
    for (const std::string& alias : t.aliases) add(alias);
  }
  // Group phrases by first-word hash, longest first within a group.
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  for (uint32_t i = 0; i < g.phrases.size(); ++i) {
    size_t len = 0;
    keyed.emplace_back(FirstWordHash(g.phrases[i].lower, 0, &len), i);
    g.first_two.set(FirstTwo(g.phrases[i].lower, 0));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return g.phrases[a.second].lower.size() > g.phrases[b.second].lower.size();
  });
  size_t size = 8;
  while (size < 2 * keyed.size()) size *= 2;
  g.slots.assign(size, {});
  for (size_t k = 0; k < keyed.size(); ++k) {
    g.order.push_back(keyed[k].second);
    if (k > 0 && keyed[k - 1].first == keyed[k].first) continue;
    size_t i = keyed[k].first & (size - 1);
    while (g.slots[i].count != 0) i = (i + 1) & (size - 1);
    g.slots[i].hash = keyed[k].first;
    g.slots[i].begin = static_cast<uint32_t>(k);
    for (size_t j = k; j < keyed.size() && keyed[j].first == keyed[k].first; ++j) ++g.slots[i].count;
  }
  g.term_slots.resize(g.terms.size());
  for (size_t i = 0; i < size; ++i) {
    for (uint32_t k = 0; k < g.slots[i].count; ++k)
      g.term_slots[g.phrases[g.order[g.slots[i].begin + k]].term].push_back(static_cast<uint32_t>(i));
  }
}

Glossary::~Glossary() {
  delete impl_;
}

}  // namespace vetted::markup
