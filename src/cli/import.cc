// `vetted import SITE [--db ADDRESS]`: loads a site folder into the database.
// The folder is checked first by the same rules as `vetted check` (through
// src/publish/): a site with errors imports nothing; warnings are printed.
#include <sys/stat.h>

#include <cstdio>
#include <functional>
#include <thread>

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

// The article cache beside a database file ("x.db" -> "x.db.article-cache");
// "" for stores that are not a file.
std::string ArticleCacheFile(const std::string& address) {
  std::string path = address;
  if (path.rfind("sqlite:", 0) == 0) {
    path = path.substr(7);
  } else if (path.find(':') != std::string::npos) {
    return "";
  }
  return path.empty() ? "" : path + ".article-cache";
}

// Which program wrote a cache: its size and modification time (a rebuilt
// vetted may render differently, so it does not trust an older cache).
std::string ProgramStamp() {
  struct stat st {};
  if (::stat("/proc/self/exe", &st) != 0) return "unknown";
  return std::to_string(st.st_size) + "." + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

int RunImport(const ImportArgs& args) {
  PhaseTimer phase;
  // What rendering gave for each article is kept beside a database file, so
  // that the next import renders only what changed; it is read while the
  // folder is read and loaded.
  const std::string cache_file = ArticleCacheFile(args.db);
  publish::ArticleCache cache;
  std::thread cache_reader([&] {
    if (!cache_file.empty()) cache = publish::ArticleCache::ReadFile(cache_file);
  });
  struct Joiner {
    std::thread& t;
    ~Joiner() {
      if (t.joinable()) t.join();
    }
  } joiner{cache_reader};
  // The folder is read once: the loader and the import share the bytes.
  Result<std::vector<store::SourceFile>> files =
      load::Disk().IsDir(args.site)
          ? publish::ReadFolder(args.site, load::Disk())
          : Result<std::vector<store::SourceFile>>(std::vector<store::SourceFile>{});
  if (!files.ok()) {
    std::fprintf(stderr, "vetted import: %s\n", files.status().message().c_str());
    return 2;
  }
  phase("read");
  publish::PrereadFileSystem preread(args.site, *files, load::Disk());
  Result<Site> site = load::LoadSite(args.site, preread);
  if (!site.ok()) {
    std::fprintf(stderr, "vetted import: %s\n", site.status().message().c_str());
    return 2;
  }
  phase("load");
  // Phases 2 to 4 (src/publish/): validate as `vetted check` does, then the
  // articles' search text and the folder's files, ready for the store.
  cache_reader.join();
  phase("cache");
  publish::ImportOptions options;
  options.phase = std::ref(phase);
  options.cache = cache_file.empty() ? nullptr : &cache;
  options.salt = ProgramStamp();
  // Saved before the search texts are made, which then take the cached
  // plain texts instead of copying them.
  options.save_cache = [&](publish::ArticleCache& c) {
    if (Status saved = c.WriteFile(cache_file); !saved.ok())
      std::fprintf(stderr, "vetted import: the article cache was not saved (%s)\n", saved.message().c_str());
    phase("cache");
  };
  Result<publish::ImportPlan> plan = publish::ToImport(*site, std::move(*files), options);
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
  // Once a site is edited in the newsroom the database is the source of
  // truth: a folder never silently overwrites or unpublishes its work.
  Result<std::vector<std::string>> conflicts = publish::NewsroomConflicts(**store, input);
  if (!conflicts.ok()) {
    std::fprintf(stderr, "vetted import: %s; nothing was imported\n", conflicts.status().message().c_str());
    return 2;
  }
  if (!conflicts->empty()) {
    std::fprintf(stderr, "vetted import: %s %zu article%s published in the newsroom:\n",
                 args.overwrite_newsroom ? "overwriting, as asked," : "the folder conflicts with",
                 conflicts->size(), conflicts->size() == 1 ? "" : "s");
    for (const std::string& c : *conflicts) std::fprintf(stderr, "  %s\n", c.c_str());
    if (!args.overwrite_newsroom) {
      std::fprintf(
          stderr,
          "vetted import: nothing was imported. Make these changes in the newsroom (/admin/), or pass "
          "--overwrite-newsroom to replace the newsroom's published work with the folder's.\n");
      return 1;
    }
  }
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
