// `vetted check SITE`: every content problem as file:line: severity: message [rule].
#include "check/check.h"

#include <cstdio>

#include "cli/commands.h"
#include "load/load.h"
#include "markup/markup.h"
#include "publish/publish.h"

namespace vetted::cli {

int RunCheck(const CheckArgs& args) {
  Result<Site> site = load::LoadSite(args.site);
  if (!site.ok()) {
    std::fprintf(stderr, "vetted check: %s\n", site.status().message().c_str());
    return 2;
  }
  publish::ValidateOptions options;  // the same rules build, import and the server apply
  options.max_grade = args.max_grade;
  if (args.today.empty()) {
    options.today = publish::Today();
  } else if (auto d = Date::Parse(args.today); d && d->complete()) {
    options.today = *d;
  } else {
    std::fprintf(stderr, "vetted check: --today takes a date as YYYY-MM-DD, not '%s'\n", args.today.c_str());
    return 2;
  }
  markup::SiteDocs docs = markup::RenderSite(*site);
  std::vector<Diagnostic> found = publish::Validate(*site, docs, options);

  auto [errors, warnings] = publish::Count(found);
  if (args.format == "json") {
    std::printf("%s\n", check::ToJson(found).c_str());
  } else {
    // Findings and the summary go to stdout, in order, summary last; stderr is
    // for the command's own failures (exit 2).
    std::fputs(publish::Format(found, args.site).c_str(), stdout);
    std::printf("%zu article%s checked: %zu error%s, %zu warning%s\n", site->articles.size(),
                site->articles.size() == 1 ? "" : "s", errors, errors == 1 ? "" : "s", warnings,
                warnings == 1 ? "" : "s");
  }
  return errors > 0 ? 1 : 0;
}

}  // namespace vetted::cli
