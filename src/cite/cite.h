// cite/: AMA (11th edition) reference formatting and in-text numbering.
// Pure functions of the model; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/model.h"

namespace vetted::cite {

// One entry of the numbered source list, without its number, as an HTML
// fragment: text escaped, titles of journals and books in <i>, the DOI as
// "doi:10.x/y" linking to https://doi.org/10.x/y, URLs as links (only http
// and https URLs become links; anything else is shown as text).
// String fields may use the CSL-JSON mini-markup (<i>, <b>, <sup>, <sub>,
// <sc>, <span class="nocase">); other tags are shown as text. Cost: a few
// microseconds per call, so callers formatting the same reference for many
// pages should format it once and reuse the result.
std::string FormatHtml(const Reference& ref);

// The same entry as plain text; identical to what Pandoc's citeproc prints
// with the CSL style american-medical-association (plain output), including
// its quirks: title case for book/report/thesis titles and chapter book
// titles, curly quotes, expanded page ranges ("752-9" -> "752-759"), no
// period after a title ending in "?" or "!". src/cite/pandoc_test.cc checks
// this against pandoc itself.
std::string FormatText(const Reference& ref);

// Groups citation numbers for superscripts: {1,3,4,5} -> {{1,1},{3,5}};
// input in any order, duplicates ignored. A run of two stays two singles
// (AMA: 1,2 not 1-2); three or more become a range.
std::vector<std::pair<int, int>> Group(std::vector<int> numbers);

// The grouped numbers as text: "1,3-5".
std::string GroupText(const std::vector<int>& numbers);

}  // namespace vetted::cite
