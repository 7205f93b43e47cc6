// Internal to cite/: the pieces of an AMA reference that are not layout:
// names, dates, page ranges and ordinal numbers. Results are rich strings
// (see rich.h) or plain text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace vetted::cite::parts {

// "Family GI" (initials without periods, as CSL initialize-with=""), a
// literal (organisation) name as it is; straight apostrophes become U+2019.
std::string FormatName(const Name& name);

// Given names to initials the way citeproc does: "Jean-Paul" -> "JP",
// "J. R. R." -> "JRR", lower-case names kept ("bell" -> "bell").
std::string Initials(std::string_view given);

// A list of names for the bibliography: all of up to 6; 7 or more give the
// first 3 and "et al.". With `label`, ", ed." or ", eds." follows.
std::string FormatNames(const std::vector<Name>& names, bool editor_label);

// "May 1, 2020", "October 2020" or "2020"; "" for an empty date.
std::string TextDate(const Date& date);

// Expands numeric page ranges ("752-9" -> "752-759") and writes every range
// with a hyphen (CSL page-range-format="expanded", AMA's "-" delimiter).
std::string PageRange(std::string_view page);

// CSL is-numeric: every part (split at , - &) has a digit and no space.
bool IsNumeric(std::string_view value);

// "1st", "2nd", "13th", "22nd" for digit strings; other input unchanged.
std::string Ordinal(std::string_view value);

}  // namespace vetted::cite::parts
