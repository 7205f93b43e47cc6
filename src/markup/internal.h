// Internal pieces of markup/, shared between its source files and tests.
// Other modules include only markup/markup.h.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "markup/markup.h"

namespace vetted::markup {

// ---- entities.cc ----------------------------------------------------------

// Decodes one character reference as md4c reports it ("&amp;", "&#x6a;",
// "&#106;") and appends its UTF-8 text. Returns false (appending nothing) for
// a named reference we do not know.
bool DecodeEntity(std::string_view entity, std::string& out);
void AppendUtf8(std::string& out, uint32_t code_point);

// Appends s HTML-escaped (& < > " '), like util::AppendEscaped but faster on
// long runs of plain text (the renderer's hot path).
void AppendHtml(std::string& out, std::string_view s);

// ---- url.cc ----------------------------------------------------------------

enum class UrlKind {
  kRelative,  // no scheme and not "//host": a path, "#fragment" or "?query" on this site
  kExternal,  // http:, https:, mailto: or another host without a scheme ("//host", "\\host")
  kUnsafe,    // any other scheme (javascript:, data:, vbscript:, ftp: ...)
};

// Classifies a URL the way a browser reads it in an href on an http(s) page
// (the WHATWG URL standard): leading and trailing spaces and control
// characters ignored, tabs and newlines removed anywhere, a scheme is a
// letter then letters, digits, '+', '-' or '.' up to ':', compared
// case-insensitively; '\' counts as '/'.
UrlKind ClassifyUrl(std::string_view url);

// Percent-encodes a link or image destination as CommonMark's reference
// renderer does: letters, digits and -_.+!*'(),#@?=;:/&$~ stay, '%' stays
// when two hex digits follow (else "%25"), every other byte (backslash,
// spaces, controls, quotes, brackets, non-ASCII UTF-8) becomes "%XX".
std::string NormalizeUrl(std::string_view url);

// The URL policy for a destination as written (`url`, entity-decoded with
// backslash escapes processed) and the href sent for it (`href`, its
// NormalizeUrl): kUnsafe when `url` names a scheme other than http, https or
// mailto, however disguised; otherwise the kind of `href`, the exact text the
// browser follows (so "/\host" is relative: it is sent as "/%5Chost").
UrlKind JudgeUrl(std::string_view url, std::string_view href);

// Appends a URL for an href/src attribute: NormalizeUrl, then HTML-escaped.
void AppendUrlAttribute(std::string& out, std::string_view url);

// ---- citation.cc -----------------------------------------------------------

struct CiteItem {
  std::string key;
  std::string locator;  // "p12", "pp12-14" or "" (AMA form)
  size_t key_pos = 0;   // offset of '@' within the parsed text
};

// Parses the inside of "[...]" as a Pandoc citation: items separated by ';',
// each "[prefix] @key[, locator]". False when any item has no key.
bool ParseCitation(std::string_view inner, std::vector<CiteItem>& items);

// "p. 12" -> "p12", "pp. 12-14" -> "pp12-14"; anything else trimmed as is.
std::string AmaLocator(std::string_view locator);

// ---- glossary.cc -----------------------------------------------------------

// A table, because glossary matching tests every byte of every article's text
// (the range tests cost about twice the instructions of one load).
inline constexpr std::array<bool, 256> kWordBytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
  return t;
}();
inline bool IsWordByte(unsigned char c) {
  return kWordBytes[c];
}
inline unsigned char LowerAscii(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

struct Glossary::Impl {
  struct Term {
    std::string key, definition, slug;
  };
  struct Phrase {
    std::string lower;  // lowercase, whitespace runs collapsed to one ' '
    uint32_t term = 0;
  };
  std::vector<Term> terms;
  std::vector<Phrase> phrases;
  // Open-addressing table: FNV-1a hash of a phrase's lowercase first word ->
  // a range of `order` (phrase indexes, longest first). count 0 = empty slot.
  struct Slot {
    uint64_t hash = 0;
    uint32_t begin = 0, count = 0;
  };
  std::vector<Slot> slots;  // size a power of two
  std::vector<uint32_t> order;
  std::vector<std::vector<uint32_t>> term_slots;  // per term: the slots of its phrases
  // Cheap pre-filter on the first two lowercase bytes of the first word.
  std::bitset<65536> first_two;

  // At text[pos] (the start of a word) finds the longest phrase that matches
  // whole words (a plural "s" allowed). Returns its index or -1; *len is the
  // matched length in text, or on -1 the length of the word at pos.
  // `live[slot]` counts a document's phrases still unmarked: slots whose
  // terms are all marked are skipped without comparing text.
  int Match(std::string_view text, size_t pos, size_t* len, const std::vector<uint16_t>& live) const;
  int Lookup(uint64_t hash, std::string_view text, size_t pos, size_t* len,
             const std::vector<uint16_t>& live) const;
};

// ---- callouts.cc -----------------------------------------------------------

// The known callout kinds; anything else renders as "note".
bool IsCalloutKind(std::string_view kind);

// One piece of a body split at fenced-div lines.
struct Piece {
  enum Kind { kMarkdown, kOpen, kClose, kInclude } kind = kMarkdown;
  size_t begin = 0, end = 0;              // kMarkdown: byte range; others: the fence line
  std::string callout_kind, title, name;  // kOpen / kInclude
  bool known_kind = true;
};

// Splits Markdown at `:::` fence lines that are outside fenced code blocks.
// Unbalanced closing fences stay Markdown; missing ones are added at the end.
std::vector<Piece> SplitFencedDivs(std::string_view text);

// Appends `<aside ...>` with its optional title paragraph.
void AppendCalloutOpen(std::string& out, std::string_view kind, std::string_view title);

}  // namespace vetted::markup
