// util::SearchSpelling: British -> American spellings of search words.
//
// Three kinds of rule, each a list (never a general "ae -> e" rewrite, which
// would break "aero", "maestro" or "reggae"):
//   - infixes: distinctive British digraphs in medical stems, replaced
//     wherever they occur ("haem" in "haemorrhage" and "antihaemophilic");
//   - -our and -re stems: "behaviour" -> "behavior", "centre" -> "center",
//     with the forms that follow ("centres", "centred" -> "centered",
//     "misbehaviour", "fibreglass");
//   - whole words whose other forms are spelled alike ("programme" but
//     "programmed"; "defence" but "defensive").
// A cheap scan first: most words hold none of the trigger letters.
#include <array>

#include "util/util.h"

namespace vetted::util {
namespace {

struct Rule {
  std::string_view from, to;
};

// After "ae" or "oe" is seen.
constexpr std::array<Rule, 19> kInfixes = {{
    {"anaesth", "anesth"},  // anaesthetic, anaesthesia, anaesthetist
    {"haem", "hem"},        // haemorrhage, haemoglobin, haematoma, haemophilia
    {"aemi", "emi"},        // anaemia, leukaemia, ischaemic, septicaemia, glycaemic
    {"paed", "ped"},        // paediatric, orthopaedic, encyclopaedia
    {"gynaec", "gynec"},    // gynaecology
    {"faec", "fec"},        // faeces, faecal
    {"aetiol", "etiol"},    // aetiology
    {"caesare", "cesare"},  // caesarean (not the name Caesar)
    {"caesari", "cesari"},  // caesarian
    {"oesoph", "esoph"},    // oesophagus, oesophageal
    {"oestr", "estr"},      // oestrogen, oestradiol
    {"oedem", "edem"},      // oedema, lymphoedema
    {"rrhoea", "rrhea"},    // diarrhoea, gonorrhoea, amenorrhoea
    {"pnoea", "pnea"},      // apnoea, dyspnoea, hypopnoea
    {"foet", "fet"},        // foetus, foetal
    {"coeliac", "celiac"},  // coeliac
    {"manoeuv", "maneuv"},  // manoeuvre (then -re below)
    {"homoeo", "homeo"},    // homoeopathy
    {"amoeb", "ameb"},      // amoeba
}};

// -our stems: the "our" becomes "or" (the rest of the word stays).
constexpr std::array<std::string_view, 26> kOurStems = {
    "behaviour", "colour",  "favour",  "flavour",   "honour", "humour",  "labour",  "neighbour", "odour",
    "rumour",    "savour",  "tumour",  "vapour",    "vigour", "rigour",  "harbour", "armour",    "endeavour",
    "fervour",   "clamour", "candour", "splendour", "valour", "parlour", "ardour",  "rancour"};

// -re words by their stem before "re": "centre" -> "center".
constexpr std::array<std::string_view, 16> kReStems = {"cent", "fib",  "lit",    "met",    "theat", "calib",
                                                       "lust", "meag", "somb",   "spect",  "tit",   "goit",
                                                       "sab",  "mit",  "maneuv", "sepulch"};

// Anywhere in any word.
constexpr std::array<Rule, 2> kAlways = {{
    {"sulph", "sulf"},       // sulphate, sulphur
    {"practis", "practic"},  // practising, practised (after kWords)
}};

constexpr std::array<Rule, 20> kWords = {{
    {"programme", "program"}, {"programmes", "programs"}, {"analogue", "analog"},
    {"analogues", "analogs"}, {"catalogue", "catalog"},   {"catalogues", "catalogs"},
    {"defence", "defense"},   {"defences", "defenses"},   {"offence", "offense"},
    {"offences", "offenses"}, {"licence", "license"},     {"licences", "licenses"},
    {"ageing", "aging"},      {"mould", "mold"},          {"moulds", "molds"},
    {"mouldy", "moldy"},      {"grey", "gray"},           {"aluminium", "aluminum"},
    {"practise", "practice"}, {"practised", "practiced"},
}};

void ReplaceIn(std::string& w, std::string_view from, std::string_view to) {
  for (size_t at = w.find(from); at != std::string::npos; at = w.find(from, at + to.size()))
    w.replace(at, from.size(), to);
}

// "centre" -> "center", "centres" -> "centers", "centred" -> "centered",
// "centring" -> "centering", "fibreglass" -> "fiberglass".
void ReStem(std::string& w, std::string_view stem) {
  for (size_t at = w.find(stem); at != std::string::npos; at = w.find(stem, at + 1)) {
    size_t end = at + stem.size();
    if (w.compare(end, 2, "re") == 0) {
      bool past = end + 2 < w.size() && w[end + 2] == 'd';
      w.replace(end, past ? 3 : 2, past ? "ered" : "er");
      return;
    }
    if ((stem == "cent" || stem == "maneuv") && w.compare(end, 4, "ring") == 0) {
      w.replace(end, 4, "ering");
      return;
    }
  }
}

}  // namespace

std::string SearchSpelling(std::string_view word) {
  bool digraph = false, our = false, re = false, other = false;
  for (size_t i = 1; i < word.size(); ++i) {
    char c = word[i], p = word[i - 1], pp = i >= 2 ? word[i - 2] : ' ';
    if (c == 'e' && (p == 'a' || p == 'o')) digraph = true;
    if (c == 'r' && p == 'u' && pp == 'o') our = true;
    // "-tre", "-bre", "-gre", "-vre", "-hre"; "centring", "manoeuvring".
    if (p == 'r' && (c == 'e' || c == 'i') && (pp == 't' || pp == 'b' || pp == 'g' || pp == 'v' || pp == 'h'))
      re = true;
    if (static_cast<unsigned char>(p) == 0xC3 || static_cast<unsigned char>(p) == 0xC5) other = true;
  }
  std::string w(word);
  if (other) {
    w = ReplaceAll(ReplaceAll(w, "\xC3\xA6", "ae"), "\xC5\x93", "oe");  // æ, œ
    w = ReplaceAll(ReplaceAll(w, "\xC3\x86", "ae"), "\xC5\x92", "oe");  // Æ, Œ
    return w == word ? w : SearchSpelling(w);
  }
  if (w.size() >= 4 && w.size() <= 10) {
    for (const Rule& r : kWords)
      if (w == r.from) return std::string(r.to);
  }
  for (const Rule& r : kAlways)
    if (w.find(r.from) != std::string::npos) ReplaceIn(w, r.from, r.to);
  if (digraph)
    for (const Rule& r : kInfixes)
      if (w.find(r.from) != std::string::npos) ReplaceIn(w, r.from, r.to);
  if (our)
    for (std::string_view stem : kOurStems) {
      size_t at = w.find(stem);
      if (at != std::string::npos) w.erase(at + stem.size() - 2, 1);  // "our" -> "or"
    }
  if (re)
    for (std::string_view stem : kReStems) ReStem(w, stem);
  return w;
}

std::string SearchSpellingTable() {
  std::string out;
  auto pairs = [&out](const auto& rules) {
    for (const Rule& r : rules) {
      if (&r != &rules[0]) out += ',';
      out.append(r.from).append(">").append(r.to);
    }
  };
  auto stems = [&out](const auto& list) {
    for (std::string_view s : list) {
      if (s.data() != list[0].data()) out += ',';
      out.append(s);
    }
  };
  pairs(kInfixes);
  out += '|';
  stems(kOurStems);
  out += '|';
  stems(kReStems);
  out += '|';
  pairs(kWords);
  out += '|';
  pairs(kAlways);
  return out;
}

std::string SpelledWords(std::string_view text) {
  std::string out = " ";
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    out += SearchSpelling(word);
    out += ' ';
    word.clear();
  };
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80) {
      word += c;
    } else if (c >= 'A' && c <= 'Z') {
      word += static_cast<char>(c - 'A' + 'a');
    } else {
      flush();
    }
  }
  flush();
  return out;
}

}  // namespace vetted::util
