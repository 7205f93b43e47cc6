// check/: content rules for `vetted check`. Each rule has a stable id, a
// severity and a message naming file and line. Pure: the caller supplies
// today's date.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "markup/markup.h"
#include "model/model.h"

namespace vetted::check {

struct RuleInfo {
  std::string id;
  Severity severity;
  std::string description;
};

// Every rule, load- and markup-stage ones included, in a stable order.
const std::vector<RuleInfo>& Rules();

struct Options {
  Date today;
  // Grade above which the readability warning fires; the site's
  // config.readability_max_grade when unset (< 0).
  double max_grade = -1;
  // Optional, parallel to site.articles: each article's Flesch-Kincaid grade
  // when the caller already knows it (NaN: not known). The caller vouches
  // that it is FleschKincaidGrade(docs.articles[i].plain_text) (publish/
  // keeps it with an unchanged article's rendering).
  const std::vector<double>* known_grades = nullptr;
};

// All diagnostics for the site: the load and markup diagnostics already in
// `site` and `docs`, plus those of the check rules; sorted by file, line,
// rule (then message), exact duplicates removed. `docs` vectors are expected
// parallel to the site's (as RenderSite makes them); rules that need a
// Document skip articles without one. Never fails; thread-safe for
// concurrent calls on shared read-only inputs.
std::vector<Diagnostic> Run(const Site& site, const markup::SiteDocs& docs, const Options& options);

// Sorts diagnostics as Run does (file, line, rule, message) and removes exact
// duplicates (the same problem found at two stages is reported once).
void Normalize(std::vector<Diagnostic>& diagnostics);

// Flesch-Kincaid grade level of English prose:
//   0.39 * words/sentences + 11.8 * syllables/words - 15.59.
// Words are runs of letters, digits and apostrophes ("2.5" and "e.g" are one
// word). Sentences end at . ! ? (not after a few abbreviations such as "e.g."
// or "Dr."), at blank lines and at list items. Syllables: vowel groups (y is a
// vowel except first), minus a silent final e (but "-le" after a consonant
// counts), minus "-es"/"-ed" endings that add no syllable; at least 1.
// Returns 0 for text without words. Thread-safe.
double FleschKincaidGrade(std::string_view text);

// Syllables of one word by the heuristic above (exposed for tests).
int CountSyllables(std::string_view word);

// The diagnostics as a JSON array of
// {"file","line","severity":"error"|"warning","message","rule","stage"}, one a
// line, written by nlohmann-json (invalid UTF-8 replaced by U+FFFD).
std::string ToJson(const std::vector<Diagnostic>& diagnostics);

}  // namespace vetted::check
