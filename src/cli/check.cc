// `vetted check SITE`: every content problem as file:line: severity: message [rule].
#include "check/check.h"

#include <cstdio>
#include <ctime>

#include "cli/commands.h"
#include "load/load.h"
#include "markup/markup.h"

namespace vetted::cli {
namespace {

Date Today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

}  // namespace

int RunCheck(const CheckArgs& args) {
  Result<Site> site = load::LoadSite(args.site);
  if (!site.ok()) {
    std::fprintf(stderr, "vetted check: %s\n", site.status().message().c_str());
    return 2;
  }
  check::Options options;
  options.max_grade = args.max_grade;
  if (args.today.empty()) {
    options.today = Today();
  } else if (auto d = Date::Parse(args.today); d && d->complete()) {
    options.today = *d;
  } else {
    std::fprintf(stderr, "vetted check: --today takes a date as YYYY-MM-DD, not '%s'\n", args.today.c_str());
    return 2;
  }
  markup::SiteDocs docs = markup::RenderSite(*site);
  std::vector<Diagnostic> found = check::Run(*site, docs, options);

  size_t errors = 0, warnings = 0;
  for (const auto& d : found) (d.severity == Severity::kError ? errors : warnings)++;
  if (args.format == "json") {
    std::printf("%s\n", check::ToJson(found).c_str());
  } else {
    for (const auto& d : found) {
      Diagnostic shown = d;
      shown.pos.file = args.site + "/" + d.pos.file;
      std::printf("%s\n", FormatDiagnostic(shown).c_str());
    }
    std::fprintf(stderr, "%zu article%s checked: %zu error%s, %zu warning%s\n", site->articles.size(),
                 site->articles.size() == 1 ? "" : "s", errors, errors == 1 ? "" : "s", warnings,
                 warnings == 1 ? "" : "s");
  }
  return errors > 0 ? 1 : 0;
}

}  // namespace vetted::cli
