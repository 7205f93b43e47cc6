// vetted: the command line. Subcommands come from one table.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "cli/commands.h"

namespace vetted::cli {
namespace {

struct Args {
  BuildArgs build;
  CheckArgs check;
  ServeArgs serve;
  RevisionArgs revision;
};

struct Subcommand {
  const char* name;
  const char* description;
  std::function<void(CLI::App&, Args&)> define;  // adds the subcommand's options
  std::function<int(const Args&)> run;
};

const std::vector<Subcommand>& Table() {
  static const std::vector<Subcommand> table = {
      {"build", "Build the complete static site from a site folder",
       [](CLI::App& c, Args& a) {
         c.add_option("site", a.build.site, "The site folder")->required();
         c.add_option("-o,--out", a.build.out, "Output folder (emptied first when vetted wrote it)");
         c.add_flag("-q,--quiet", a.build.quiet, "No progress bar and no summary");
       },
       [](const Args& a) { return RunBuild(a.build); }},
      {"check", "Report every content problem as file:line: severity: message [rule]",
       [](CLI::App& c, Args& a) {
         c.add_option("site", a.check.site, "The site folder")->required();
         c.add_option("--format", a.check.format, "text or json")->check(CLI::IsMember({"text", "json"}));
         c.add_option("--max-grade", a.check.max_grade, "Readability: warn above this Flesch-Kincaid grade");
         c.add_option("--today", a.check.today, "Check review dates as of this date (YYYY-MM-DD)");
       },
       [](const Args& a) { return RunCheck(a.check); }},
      {"serve", "Serve a built site folder over HTTP",
       [](CLI::App& c, Args& a) {
         c.add_option("root", a.serve.root, "The built site folder")->required();
         c.add_option("--listen", a.serve.listen, "host:port to listen on")->envname("VETTED_LISTEN");
         c.add_option("--threads", a.serve.threads, "Worker threads (0: one per core)")
             ->envname("VETTED_THREADS");
       },
       [](const Args& a) { return RunServe(a.serve); }},
      {"revision", "Print the revision hash of article files (what a reviewer signs off)",
       [](CLI::App& c, Args& a) { c.add_option("files", a.revision.files, "Article .md files")->required(); },
       [](const Args& a) { return RunRevision(a.revision); }},
  };
  return table;
}

}  // namespace
}  // namespace vetted::cli

namespace {

// Batch commands (build, check) allocate a few hundred MB in small pieces; with
// transparent huge pages for malloc's heaps the kernel takes far fewer page
// faults (about 15% off a 10,000-article build, see docs/performance.md).
// glibc reads that setting only at start-up, from GLIBC_TUNABLES, so the
// process starts itself once more with it set. Nothing happens when the
// variable already names the tunable or exec fails.
void UseHugePagesForBatchWork(int argc, char** argv) {
  if (argc < 2 || (std::strcmp(argv[1], "build") != 0 && std::strcmp(argv[1], "check") != 0)) return;
  const char* current = std::getenv("GLIBC_TUNABLES");
  std::string tunables = current ? current : "";
  if (tunables.find("glibc.malloc.hugetlb") != std::string::npos) return;
  tunables += tunables.empty() ? "glibc.malloc.hugetlb=1" : ":glibc.malloc.hugetlb=1";
  if (setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vetted::cli;
  UseHugePagesForBatchWork(argc, argv);
  CLI::App app{"vetted: a publishing engine for medically reviewed health content"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vetted 0.1.0");
  Args args;
  std::vector<std::pair<CLI::App*, const Subcommand*>> subs;
  for (const auto& s : Table()) {
    CLI::App* c = app.add_subcommand(s.name, s.description);
    s.define(*c, args);
    subs.emplace_back(c, &s);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (const auto& [c, s] : subs)
    if (c->parsed()) return s->run(args);
  return 2;
}
