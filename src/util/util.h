// Small pure helpers shared by every module: text, HTML escaping, slugs,
// parallel loops. std only (plus OpenSSL's libcrypto for SHA-256, behind Sha256Hex).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vetted::util {

// Appends s to out with & < > " ' escaped for HTML text and attribute values;
// the apostrophe as `apostrophe` ("&#39;" by default, "&apos;" as Mustache writes it).
void AppendEscaped(std::string& out, std::string_view s, std::string_view apostrophe = "&#39;");
std::string Escape(std::string_view s);
// Index of the first of & < > " ' in s[from..], or s.size() (16 bytes a step
// where the CPU allows): the scanner behind every HTML escaper of the project.
size_t NextToEscape(std::string_view s, size_t from);

// Lower-case ASCII slug: letters and digits kept, runs of anything else
// become one '-', no leading/trailing '-'. Non-ASCII UTF-8 letters are kept as is;
// invisible ones (non-breaking and other spaces, zero-width and direction marks,
// bidi overrides and isolates, line separators, BOM) count as punctuation.
std::string Slugify(std::string_view s);
// The other way, for display: "Sex and relationships" from
// "sex-and-relationships" ('-' and '_' become spaces, a first ASCII letter
// is capitalised).
std::string Humanize(std::string_view slug);

std::string_view Trim(std::string_view s);
std::vector<std::string_view> Split(std::string_view s, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::string ToLower(std::string_view s);
// ASCII case-insensitive equality (header names, keywords).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Replaces every occurrence of `from` (non-empty) by `to`.
std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to);

// The project's one hand-written JSON writer, for the hot paths (JSON-LD on
// every article page, the access log); everything else builds JSON with
// nlohmann-json. Appends s as a quoted JSON string byte for byte as
// nlohmann-json's dump() writes it (no ensure_ascii, error_handler_t::replace):
// " and \\ escaped, control characters as \\b \\f \\n \\r \\t or \\u00xx,
// well-formed UTF-8 unchanged, each maximal ill-formed part replaced by one
// U+FFFD. util_test compares the two on a table of strings.
void AppendJsonString(std::string& out, std::string_view s);

// Percent-encodes everything but unreserved characters (for query strings).
std::string UrlEncode(std::string_view s);
// Decodes %XX escapes (and '+' as a space when plus_is_space, for form and
// query values) into *out. Returns false when an escape is malformed; such a
// '%' is kept as typed and decoding goes on, so lenient callers may use *out.
bool PercentDecode(std::string_view s, std::string* out, bool plus_is_space = false);

// Lower-case hex SHA-256 of the bytes. Thread-safe.
std::string Sha256Hex(std::string_view bytes);

// SHA-256 of bytes given in pieces: Sha256Hex(a + b) == (Update(a), Update(b),
// HexDigest()) without building a + b. One object per thread; HexDigest ends
// it (further calls return the same digest, Update after it does nothing).
// Like any allocation, the constructor throws std::bad_alloc when memory runs out.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view bytes);
  std::string HexDigest();

 private:
  struct Impl;
  Impl* impl_;
};

// Number of worker threads to use: hardware concurrency, at least 1.
unsigned WorkerCount();

// Calls fn(i) for i in [0, n) on up to WorkerCount() threads; returns when
// all calls have finished. fn must be thread-safe and must not throw.
void ParallelFor(size_t n, const std::function<void(size_t)>& fn);

// The one spelling of a search word (util/spelling.cc): British medical and
// common spellings map to the American form, so that "anaemia" and "anemia",
// "tumours" and "tumors", "centre" and "center" index and match alike. Input:
// one lower-case word (as a tokenizer yields it, before stemming); "æ" and "œ"
// are read as "ae" and "oe". Only listed stems and digraphs change ("haem",
// "-aemi-", "paed", "oesoph", "-rrhoea", "-pnoea", "foet", "behaviour",
// "centre", "programme"...), so "aero", "does", "shoe", "hour", "acre" stay as
// they are. Returns the word unchanged when no rule applies. Pure, thread-safe;
// the SQLite tokenizer, the memory store and any other search index share it.
std::string SearchSpelling(std::string_view word);

// SearchSpelling's lists as one line of text, for a port of it (the static
// search's script, themes/default/search.js, gets it in its page):
// "infixes|our-stems|re-stems|words|anywhere", each list comma-separated, a
// replacement written "from>to". The rules that apply them are
// SearchSpelling's; the lists hold only [a-z] letters.
std::string SearchSpellingTable();
// " w1 w2 ... ": the words of `text` (runs of ASCII letters and digits and of
// non-ASCII bytes), lower-cased and spelled by SearchSpelling, each with a
// space either side, so that " word " finds a whole word. How the search
// text's glossary field and the static index compare words with glossary names.
std::string SpelledWords(std::string_view text);

// Counts Unicode code points (UTF-8 input; every non-continuation byte counts).
size_t Utf8Length(std::string_view s);

// ---- UTF-8 (the one decoder and encoder of the project) -------------------
// Decodes the code point starting at s[i] (i < s.size()) into *cp and returns
// its length in bytes (1-4). An invalid sequence (a stray continuation byte,
// a truncated, overlong or surrogate sequence, or above U+10FFFF) yields
// *cp = U+FFFD and length 1, so a caller that steps by the returned length
// resynchronises on the next byte; *valid (when given) tells which case it was.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp, bool* valid = nullptr);
// Appends cp as UTF-8; a surrogate or a value above U+10FFFF as U+FFFD.
void AppendUtf8(std::string& out, char32_t cp);
// The number of code points when s is entirely valid UTF-8; -1 otherwise.
long ValidUtf8Length(std::string_view s);

// ---- Time (behind a Clock a test can set) ----------------------------------
// Whole seconds since 1970-01-01T00:00:00Z.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual long long NowSeconds() const = 0;
};
// The system's real-time clock. Thread-safe.
const Clock& SystemClock();
// A clock that says what a test sets. Not thread-safe while being set.
class FixedClock : public Clock {
 public:
  explicit FixedClock(long long seconds) : seconds_(seconds) {}
  long long NowSeconds() const override { return seconds_; }
  void Set(long long seconds) { seconds_ = seconds; }
  void Advance(long long seconds) { seconds_ += seconds; }

 private:
  long long seconds_;
};
// UTC renderings of a time: "2026-11-26T06:01:02Z", "2026-11-26",
// "Thu, 26 Nov 2026 06:01:02 GMT" (RFC 9110's IMF-fixdate).
std::string FormatIsoUtc(long long seconds);
std::string FormatIsoDate(long long seconds);
std::string FormatHttpDate(long long seconds);

// Levenshtein distance between a and b, compared byte by byte and ignoring
// ASCII case (one insertion, deletion or substitution each counts 1).
size_t EditDistance(std::string_view a, std::string_view b);
// The candidate closest to `typed` for a "did you mean ...?" hint: the one
// with the smallest EditDistance when that is at most a third of typed's
// length, rounded up (at least 1, at most 3); "" when none is that close. Ties go to the
// first candidate. `typed` itself (ignoring case) is never suggested.
std::string ClosestMatch(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace vetted::util
