// `vetted import SITE [--db ADDRESS]`: loads a site folder into the database.
// The folder is checked first by the same rules as `vetted check` (through
// src/publish/): a site with errors imports nothing; warnings are printed.
#include <cstdio>
#include <functional>

#include "cli/commands.h"
#include "cli/publish.h"
#include "load/load.h"
#include "publish/publish.h"
#include "store/open.h"

namespace vetted::cli {
namespace {

constexpr size_t kListedPaths = 20;  // per kind in the report

void PrintPaths(const char* verb, const std::vector<std::string>& paths) {
  for (size_t i = 0; i < paths.size() && i < kListedPaths; ++i)
    std::printf("  %s %s\n", verb, paths[i].c_str());
  if (paths.size() > kListedPaths) std::printf("  ... and %zu more %s\n", paths.size() - kListedPaths, verb);
}

}  // namespace

int RunImport(const ImportArgs& args) {
  PhaseTimer phase;
  Result<Site> site = load::LoadSite(args.site);
  if (!site.ok()) {
    std::fprintf(stderr, "vetted import: %s\n", site.status().message().c_str());
    return 2;
  }
  phase("load");
  // Phases 2 to 4 (src/publish/): validate as `vetted check` does, then the
  // articles' search text and the folder's files, ready for the store.
  Result<publish::ImportPlan> plan =
      publish::ToImport(*site, args.site, load::Disk(), publish::ValidateOptions{}, std::ref(phase));
  if (!plan.ok()) {
    std::fprintf(stderr, "vetted import: %s\n", plan.status().message().c_str());
    return 2;
  }
  if (publish::Tally t = publish::Print(stderr, plan->diagnostics, args.site, args.quiet, "import",
                                        "run `vetted check " + args.site + "` to see them");
      t.errors > 0) {
    std::fprintf(
        stderr, "%s\n",
        publish::RefusedLine("import", t.errors, "imported", "run `vetted check " + args.site + "`").c_str());
    return 1;
  }
  const store::ImportInput& input = plan->input;

  Result<std::unique_ptr<store::Store>> store = store::Open(args.db);
  if (!store.ok()) {
    std::fprintf(stderr, "vetted import: %s: %s\n", args.db.c_str(), store.status().message().c_str());
    return 2;
  }
  phase("open");
  Result<store::ImportReport> report = (*store)->Import(input);
  phase("store");
  if (!report.ok()) {
    std::fprintf(stderr, "vetted import: %s; nothing was imported\n", report.status().message().c_str());
    return 2;
  }
  if (!args.quiet) {
    PrintPaths("added", report->added);
    PrintPaths("changed", report->changed);
    PrintPaths("removed", report->removed);
    std::printf(
        "Imported %s into %s: %zu added, %zu changed, %zu removed, %zu unchanged; %zu other file%s changed "
        "(generation %lld)\n",
        args.site.c_str(), args.db.c_str(), report->added.size(), report->changed.size(),
        report->removed.size(), report->unchanged, report->files_changed,
        report->files_changed == 1 ? "" : "s", static_cast<long long>(report->generation));
  }
  return 0;
}

}  // namespace vetted::cli
