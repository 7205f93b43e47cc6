// LaTeX text in BibTeX fields -> plain UTF-8, and personal names.
#include <cstdint>

#include "load/internal.h"
#include "util/util.h"

namespace vetted::load {
namespace {

struct Accent {
  char accent, base;
  uint16_t code_point;
};

// Precomposed letters for \'e, \"o, \c{c}, \v{s} and friends.
constexpr Accent kAccents[] = {
    {'"', 'a', 0xE4},   {'"', 'e', 0xEB},   {'"', 'i', 0xEF},   {'"', 'o', 0xF6},   {'"', 'u', 0xFC},
    {'"', 'y', 0xFF},   {'"', 'A', 0xC4},   {'"', 'E', 0xCB},   {'"', 'I', 0xCF},   {'"', 'O', 0xD6},
    {'"', 'U', 0xDC},   {'"', 'Y', 0x178},  {'\'', 'a', 0xE1},  {'\'', 'c', 0x107}, {'\'', 'e', 0xE9},
    {'\'', 'g', 0x1F5}, {'\'', 'i', 0xED},  {'\'', 'l', 0x13A}, {'\'', 'n', 0x144}, {'\'', 'o', 0xF3},
    {'\'', 'r', 0x155}, {'\'', 's', 0x15B}, {'\'', 'u', 0xFA},  {'\'', 'y', 0xFD},  {'\'', 'z', 0x17A},
    {'\'', 'A', 0xC1},  {'\'', 'C', 0x106}, {'\'', 'E', 0xC9},  {'\'', 'G', 0x1F4}, {'\'', 'I', 0xCD},
    {'\'', 'L', 0x139}, {'\'', 'N', 0x143}, {'\'', 'O', 0xD3},  {'\'', 'R', 0x154}, {'\'', 'S', 0x15A},
    {'\'', 'U', 0xDA},  {'\'', 'Y', 0xDD},  {'\'', 'Z', 0x179}, {'.', 'a', 0x227},  {'.', 'c', 0x10B},
    {'.', 'e', 0x117},  {'.', 'g', 0x121},  {'.', 'o', 0x22F},  {'.', 'z', 0x17C},  {'.', 'A', 0x226},
    {'.', 'C', 0x10A},  {'.', 'E', 0x116},  {'.', 'G', 0x120},  {'.', 'I', 0x130},  {'.', 'O', 0x22E},
    {'.', 'Z', 0x17B},  {'=', 'a', 0x101},  {'=', 'e', 0x113},  {'=', 'i', 0x12B},  {'=', 'o', 0x14D},
    {'=', 'u', 0x16B},  {'=', 'y', 0x233},  {'=', 'A', 0x100},  {'=', 'E', 0x112},  {'=', 'I', 0x12A},
    {'=', 'O', 0x14C},  {'=', 'U', 0x16A},  {'=', 'Y', 0x232},  {'H', 'o', 0x151},  {'H', 'u', 0x171},
    {'H', 'O', 0x150},  {'H', 'U', 0x170},  {'^', 'a', 0xE2},   {'^', 'c', 0x109},  {'^', 'e', 0xEA},
    {'^', 'g', 0x11D},  {'^', 'h', 0x125},  {'^', 'i', 0xEE},   {'^', 'j', 0x135},  {'^', 'o', 0xF4},
    {'^', 's', 0x15D},  {'^', 'u', 0xFB},   {'^', 'w', 0x175},  {'^', 'y', 0x177},  {'^', 'A', 0xC2},
    {'^', 'C', 0x108},  {'^', 'E', 0xCA},   {'^', 'G', 0x11C},  {'^', 'H', 0x124},  {'^', 'I', 0xCE},
    {'^', 'J', 0x134},  {'^', 'O', 0xD4},   {'^', 'S', 0x15C},  {'^', 'U', 0xDB},   {'^', 'W', 0x174},
    {'^', 'Y', 0x176},  {'`', 'a', 0xE0},   {'`', 'e', 0xE8},   {'`', 'i', 0xEC},   {'`', 'n', 0x1F9},
    {'`', 'o', 0xF2},   {'`', 'u', 0xF9},   {'`', 'A', 0xC0},   {'`', 'E', 0xC8},   {'`', 'I', 0xCC},
    {'`', 'N', 0x1F8},  {'`', 'O', 0xD2},   {'`', 'U', 0xD9},   {'c', 'c', 0xE7},   {'c', 'e', 0x229},
    {'c', 'g', 0x123},  {'c', 'k', 0x137},  {'c', 'l', 0x13C},  {'c', 'n', 0x146},  {'c', 'r', 0x157},
    {'c', 's', 0x15F},  {'c', 't', 0x163},  {'c', 'C', 0xC7},   {'c', 'E', 0x228},  {'c', 'G', 0x122},
    {'c', 'K', 0x136},  {'c', 'L', 0x13B},  {'c', 'N', 0x145},  {'c', 'R', 0x156},  {'c', 'S', 0x15E},
    {'c', 'T', 0x162},  {'k', 'a', 0x105},  {'k', 'e', 0x119},  {'k', 'i', 0x12F},  {'k', 'o', 0x1EB},
    {'k', 'u', 0x173},  {'k', 'A', 0x104},  {'k', 'E', 0x118},  {'k', 'I', 0x12E},  {'k', 'O', 0x1EA},
    {'k', 'U', 0x172},  {'r', 'a', 0xE5},   {'r', 'u', 0x16F},  {'r', 'A', 0xC5},   {'r', 'U', 0x16E},
    {'u', 'a', 0x103},  {'u', 'e', 0x115},  {'u', 'g', 0x11F},  {'u', 'i', 0x12D},  {'u', 'o', 0x14F},
    {'u', 'u', 0x16D},  {'u', 'A', 0x102},  {'u', 'E', 0x114},  {'u', 'G', 0x11E},  {'u', 'I', 0x12C},
    {'u', 'O', 0x14E},  {'u', 'U', 0x16C},  {'v', 'a', 0x1CE},  {'v', 'c', 0x10D},  {'v', 'd', 0x10F},
    {'v', 'e', 0x11B},  {'v', 'g', 0x1E7},  {'v', 'h', 0x21F},  {'v', 'i', 0x1D0},  {'v', 'j', 0x1F0},
    {'v', 'k', 0x1E9},  {'v', 'l', 0x13E},  {'v', 'n', 0x148},  {'v', 'o', 0x1D2},  {'v', 'r', 0x159},
    {'v', 's', 0x161},  {'v', 't', 0x165},  {'v', 'u', 0x1D4},  {'v', 'z', 0x17E},  {'v', 'A', 0x1CD},
    {'v', 'C', 0x10C},  {'v', 'D', 0x10E},  {'v', 'E', 0x11A},  {'v', 'G', 0x1E6},  {'v', 'H', 0x21E},
    {'v', 'I', 0x1CF},  {'v', 'K', 0x1E8},  {'v', 'L', 0x13D},  {'v', 'N', 0x147},  {'v', 'O', 0x1D1},
    {'v', 'R', 0x158},  {'v', 'S', 0x160},  {'v', 'T', 0x164},  {'v', 'U', 0x1D3},  {'v', 'Z', 0x17D},
    {'~', 'a', 0xE3},   {'~', 'i', 0x129},  {'~', 'n', 0xF1},   {'~', 'o', 0xF5},   {'~', 'u', 0x169},
    {'~', 'A', 0xC3},   {'~', 'I', 0x128},  {'~', 'N', 0xD1},   {'~', 'O', 0xD5},   {'~', 'U', 0x168},
};

struct Symbol {
  std::string_view command, text;
};

constexpr Symbol kSymbols[] = {
    {"ss", "\u00DF"},
    {"o", "\u00F8"},
    {"O", "\u00D8"},
    {"aa", "\u00E5"},
    {"AA", "\u00C5"},
    {"ae", "\u00E6"},
    {"AE", "\u00C6"},
    {"oe", "\u0153"},
    {"OE", "\u0152"},
    {"l", "\u0142"},
    {"L", "\u0141"},
    {"i", "i"},
    {"j", "j"},
    {"textendash", "\u2013"},
    {"textemdash", "\u2014"},
    {"textquoteright", "\u2019"},
    {"textquoteleft", "\u2018"},
    {"textregistered", "\u00AE"},
    {"texttrademark", "\u2122"},
    {"textcopyright", "\u00A9"},
    {"textasciitilde", "~"},
    {"textbackslash", "\\"},
    {"textless", "<"},
    {"textgreater", ">"},
    {"alpha", "\u03B1"},
    {"beta", "\u03B2"},
    {"gamma", "\u03B3"},
    {"mu", "\u03BC"},
    {"kappa", "\u03BA"},
};

bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool IsAccent(char c) {
  return c == '\'' || c == '`' || c == '^' || c == '"' || c == '~' || c == '=' || c == '.';
}
bool IsLetterAccent(std::string_view cmd) {
  return cmd.size() == 1 && std::string_view("uvHckr").find(cmd[0]) != std::string_view::npos;
}

class LatexReader {
 public:
  LatexReader(std::string_view in, bool dashes) : in_(in), dashes_(dashes) {}

  std::string Run() {
    while (i_ < in_.size()) Step();
    std::string_view t = util::Trim(out_);
    return std::string(t);
  }

 private:
  void Space() {
    if (!out_.empty() && out_.back() != ' ') out_.push_back(' ');
  }

  void Step() {
    char c = in_[i_];
    if (c == '\\') {
      ++i_;
      Command();
    } else if (c == '{' || c == '}' || c == '$') {
      ++i_;
    } else if (IsSpace(c) || c == '~') {
      ++i_;
      Space();
    } else if (c == '-' && dashes_ && in_.substr(i_, 2) == "--") {
      bool em = in_.substr(i_, 3) == "---";
      out_ += em ? "\u2014" : "\u2013";
      i_ += em ? 3 : 2;
    } else {
      out_.push_back(c);
      ++i_;
    }
  }

  // The letter an accent applies to: `e`, `{e}`, `{\i}`, ` e`.
  char AccentBase() {
    while (i_ < in_.size() && IsSpace(in_[i_])) ++i_;
    bool braced = i_ < in_.size() && in_[i_] == '{';
    if (braced) ++i_;
    if (in_.substr(i_, 2) == "\\i" || in_.substr(i_, 2) == "\\j") ++i_;
    char base = i_ < in_.size() ? in_[i_++] : ' ';
    if (braced && i_ < in_.size() && in_[i_] == '}') ++i_;
    return base;
  }

  void Compose(char accent, char base) {
    for (const auto& a : kAccents) {
      if (a.accent == accent && a.base == base) {
        util::AppendUtf8(out_, a.code_point);
        return;
      }
    }
    out_.push_back(base);  // unknown combination: keep the letter
  }

  void Command() {
    if (i_ >= in_.size()) return;
    char c = in_[i_];
    if (!IsLetter(c)) {
      ++i_;
      if (IsAccent(c)) {
        Compose(c, AccentBase());
      } else if (c == '\\') {
        Space();
      } else {
        out_.push_back(c);  // \& \% \_ \$ \# \{ \}
      }
      return;
    }
    size_t start = i_;
    while (i_ < in_.size() && IsLetter(in_[i_])) ++i_;
    std::string_view cmd = in_.substr(start, i_ - start);
    if (IsLetterAccent(cmd) && i_ < in_.size() && (in_[i_] == '{' || IsSpace(in_[i_]))) {
      Compose(cmd[0], AccentBase());
      return;
    }
    while (i_ < in_.size() && IsSpace(in_[i_])) ++i_;
    for (const auto& s : kSymbols) {
      if (s.command == cmd) {
        out_ += s.text;
        return;
      }
    }
    // Any other command (\emph, \textit, \url...) is dropped; its argument stays.
  }

  std::string_view in_;
  bool dashes_;
  size_t i_ = 0;
  std::string out_;
};

// Splits at `sep` outside braces.
std::vector<std::string_view> SplitOutsideBraces(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{')
      ++depth;
    else if (s[i] == '}')
      --depth;
    else if (depth == 0 && s[i] == sep) {
      parts.push_back(util::Trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  parts.push_back(util::Trim(s.substr(start)));
  return parts;
}

bool WhollyBraced(std::string_view s) {
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') return false;
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{')
      ++depth;
    else if (s[i] == '}' && --depth == 0 && i + 1 != s.size())
      return false;
  }
  return true;
}

std::string Join(const std::vector<std::string_view>& words, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    if (words[i].empty()) continue;
    if (!out.empty()) out.push_back(' ');
    out.append(words[i]);
  }
  return out;
}

}  // namespace

std::string LatexToText(std::string_view raw, bool dashes) {
  return LatexReader(raw, dashes).Run();
}

Name NameFromText(std::string_view text) {
  Name n;
  text = util::Trim(text);
  if (WhollyBraced(text)) {
    n.literal = LatexToText(text, true);
    return n;
  }
  auto parts = SplitOutsideBraces(text, ',');
  if (parts.size() >= 2) {
    n.family = LatexToText(parts[0], true);
    n.given = LatexToText(parts.back(), true);
    return n;
  }
  std::string normal(text);
  for (char& c : normal)
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  auto words = SplitOutsideBraces(normal, ' ');
  std::erase_if(words, [](std::string_view w) { return w.empty(); });
  if (words.empty()) return n;
  // The family name starts at the first lower-case word (a "von" part), else is the last word.
  size_t family_start = words.size() - 1;
  for (size_t i = 1; i + 1 < words.size(); ++i) {
    if (words[i][0] >= 'a' && words[i][0] <= 'z') {
      family_start = i;
      break;
    }
  }
  n.given = LatexToText(Join(words, 0, family_start), true);
  n.family = LatexToText(Join(words, family_start, words.size()), true);
  return n;
}

}  // namespace vetted::load
