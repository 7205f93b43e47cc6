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

// Lower-case ASCII slug: letters and digits kept, runs of anything else
// become one '-', no leading/trailing '-'. Non-ASCII UTF-8 letters are kept as is.
std::string Slugify(std::string_view s);

std::string_view Trim(std::string_view s);
std::vector<std::string_view> Split(std::string_view s, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::string ToLower(std::string_view s);
// ASCII case-insensitive equality (header names, keywords).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Replaces every occurrence of `from` (non-empty) by `to`.
std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to);

// Appends s as a quoted JSON string: " and \\ escaped, control characters as
// \\b \\f \\n \\r \\t or \\u00XX; other bytes (UTF-8) unchanged, as nlohmann-json
// writes valid UTF-8.
void AppendJsonString(std::string& out, std::string_view s);

// Percent-encodes everything but unreserved characters (for query strings).
std::string UrlEncode(std::string_view s);
// Decodes %XX escapes (and '+' as a space when plus_is_space, for form and
// query values) into *out. Returns false when an escape is malformed; such a
// '%' is kept as typed and decoding goes on, so lenient callers may use *out.
bool PercentDecode(std::string_view s, std::string* out, bool plus_is_space = false);

// Lower-case hex SHA-256 of the bytes. Thread-safe.
std::string Sha256Hex(std::string_view bytes);

// Number of worker threads to use: hardware concurrency, at least 1.
unsigned WorkerCount();

// Calls fn(i) for i in [0, n) on up to WorkerCount() threads; returns when
// all calls have finished. fn must be thread-safe and must not throw.
void ParallelFor(size_t n, const std::function<void(size_t)>& fn);

// Counts Unicode code points (UTF-8 input).
size_t Utf8Length(std::string_view s);

// Levenshtein distance between a and b, compared byte by byte and ignoring
// ASCII case (one insertion, deletion or substitution each counts 1).
size_t EditDistance(std::string_view a, std::string_view b);
// The candidate closest to `typed` for a "did you mean ...?" hint: the one
// with the smallest EditDistance when that is at most a third of typed's
// length, rounded up (at least 1, at most 3); "" when none is that close. Ties go to the
// first candidate. `typed` itself (ignoring case) is never suggested.
std::string ClosestMatch(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace vetted::util
