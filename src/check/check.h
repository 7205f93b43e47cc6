// check/: content rules for `vetted check`. Each rule has a stable id, a
// severity and a message naming file and line. Pure: the caller supplies
// today's date.
#pragma once

#include <string>
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
};

// All diagnostics for the site: the load and markup diagnostics already in
// `site` and `docs`, plus those of the check rules; sorted by file and line.
std::vector<Diagnostic> Run(const Site& site, const markup::SiteDocs& docs, const Options& options);

// Flesch-Kincaid grade level of English prose.
double FleschKincaidGrade(std::string_view text);

}  // namespace vetted::check
