// `vetted export [--db ADDRESS] -o OUT`: the static site, from the database.
// The same pipeline as `vetted build` (src/publish/: validated by the same
// rules, then rendered and published); "Related articles" come from the
// search index, as on the served site.
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/publish.h"
#include "cli/store_open.h"
#include "load/load.h"
#include "publish/publish.h"

namespace vetted::cli {

int RunExport(const ExportArgs& args) {
  auto start = std::chrono::steady_clock::now();
  PhaseTimer phase;
  std::unique_ptr<store::Store> store = OpenExistingOrSay("export", args.db);
  if (!store) return 2;
  Result<store::Snapshot> snapshot = store->Load();
  if (!snapshot.ok()) {
    std::fprintf(stderr, "vetted export: %s\n", snapshot.status().message().c_str());
    return 2;
  }
  load::MemoryFileSystem files;
  Site site;
  if (Status loaded = publish::LoadSnapshot(std::move(*snapshot), &files, &site); !loaded.ok()) {
    std::fprintf(stderr, "vetted export: %s: %s\n", args.db.c_str(), loaded.message().c_str());
    return 2;
  }
  phase("load");
  store::Store* s = store.get();
  PublishJob job;
  job.command = "export";
  job.label = args.db;  // diagnostics name the stored file under the database
  job.out = args.out;
  job.quiet = args.quiet;
  job.start = start;
  job.read_static = [&files](const StaticFile& f) { return files.Read(f.source_path); };
  job.related = [s](const std::string& url) {
    Result<std::vector<std::string>> related = s->Related(url, 5);
    return related.ok() ? std::move(*related) : std::vector<std::string>{};
  };
  return AssembleAndPublish(site, job, phase);
}

}  // namespace vetted::cli
