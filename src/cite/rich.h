// Internal to cite/: "rich" text, the working form of a formatted reference.
//
// A rich string is UTF-8 text with single control bytes marking structure:
// quotes (their level, and so the quote characters, is decided when
// rendering), italics, bold, superscript, subscript, small caps, spans
// protected from case changes, and links. Input strings never contain these
// bytes: ParseRich drops every control character from its input.
//
// The combinators mirror the parts of CSL processing the AMA style uses
// (affixes, delimiters, the punctuation clean-up between neighbouring
// pieces, title case), following the behaviour of Pandoc's citeproc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vetted::cite::rich {

inline constexpr char kQuoteOpen = '\x01';
inline constexpr char kQuoteClose = '\x02';
inline constexpr char kItalicOn = '\x03';
inline constexpr char kItalicOff = '\x04';
inline constexpr char kBoldOn = '\x05';
inline constexpr char kBoldOff = '\x06';
inline constexpr char kSupOn = '\x0e';
inline constexpr char kSupOff = '\x0f';
inline constexpr char kSubOn = '\x10';
inline constexpr char kSubOff = '\x11';
inline constexpr char kNoCaseOn = '\x12';
inline constexpr char kNoCaseOff = '\x13';
inline constexpr char kSmallCapsOn = '\x14';
inline constexpr char kSmallCapsOff = '\x15';
// kLinkOn <target> kLinkText <shown text> kLinkOff
inline constexpr char kLinkOn = '\x16';
inline constexpr char kLinkText = '\x17';
inline constexpr char kLinkOff = '\x18';

// UTF-8 and Unicode character classes (C.UTF-8 tables; ASCII fast path).
// Decode reads the code point at s[i] and sets *len to its byte length (a bad
// byte reads as U+FFFD, length 1); both go through util's one UTF-8 codec.
char32_t Decode(std::string_view s, size_t i, size_t* len);
void Encode(char32_t cp, std::string& out);
bool IsAlnum(char32_t c);
bool IsUpper(char32_t c);
bool IsLower(char32_t c);
char32_t ToUpper(char32_t c);
char32_t ToLower(char32_t c);

// Parses a CSL string value: collapses white space, turns quote pairs
// ("..", '..', curly) into quote markers, apostrophes into U+2019, the CSL
// mini-markup (<i>, <b>, <sup>, <sub>, <sc>, small-caps and nocase spans)
// into markers; anything else (other tags, stray '<') stays literal text.
std::string ParseRich(std::string_view text);

// The input with control characters dropped and white space collapsed and
// trimmed, without any parsing (for names, URLs and DOIs).
std::string Clean(std::string_view text);

// Plain text with every marker removed and nothing else changed.
std::string Literal(std::string_view text);

// CSL text-case="title" for English.
std::string TitleCase(std::string_view rich);

// strip-periods: removes every '.' from the visible text.
std::string StripPeriods(std::string_view rich);

std::string Italic(std::string rich);

// A link whose shown text is `shown` (rich).
std::string Link(std::string_view target, std::string_view shown);

// One CSL formatting node: the non-empty items joined with `delimiter` (not
// inserted before an item starting with ',', ';' or '.'), neighbours' clashing
// punctuation resolved, then prefix and suffix added; "" when all are empty.
std::string Group(const std::vector<std::string>& items, std::string_view delimiter = "",
                  std::string_view prefix = "", std::string_view suffix = "");

// Group({item}, "", prefix, suffix).
std::string Affix(std::string_view prefix, std::string item, std::string_view suffix);

// Moves '.' and ',' that follow a closing quote inside it (US punctuation),
// dropping them when the quoted text already ends with punctuation.
std::string MovePunctuationIntoQuotes(std::string_view rich);

// Renders for output: plain text, or escaped HTML with <i>, <b>, <sup>, <sub>,
// small caps and links (only http and https targets become links).
std::string RenderText(std::string_view rich);
std::string RenderHtml(std::string_view rich);

}  // namespace vetted::cite::rich
