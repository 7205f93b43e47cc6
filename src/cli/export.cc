// `vetted export [--db ADDRESS] -o OUT`: the static site, from the database.
// The same pipeline as `vetted build` (src/publish/: validated by the same
// rules, then rendered and published); "Related articles" come from the
// search index, as on the served site.
//
// `vetted export --site DIR [--db ADDRESS]`: the site folder readers see,
// from the database: Store::Load's files (site.toml, people, glossary,
// bibliographies, pages, callouts, static files, theme overrides) and every
// published article as it is live, with the reviews the newsroom wrote into
// its front matter. Drafts, unpublished articles and revisions not yet live
// are not in it (the folder is what readers see; the database keeps the
// newsroom's work). `vetted import DIR` reads it back to the same published
// content.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "cli/commands.h"
#include "cli/publish.h"
#include "cli/store_open.h"
#include "load/load.h"
#include "publish/publish.h"
#include "util/util.h"

namespace vetted::cli {
namespace {

namespace fs = std::filesystem;

// A stored path that stays inside the folder: relative, '/' separated, no
// empty, "." or ".." segment.
bool SafeRelativePath(const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find('\\') != std::string::npos) return false;
  for (std::string_view part : util::Split(path, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return true;
}

// Writes the files into a fresh folder beside `dir`, then renames it to
// `dir`: a failed export never leaves a folder that looks complete.
int ExportSiteFolder(const ExportArgs& args) {
  fs::path dir = fs::path(args.site).lexically_normal();
  if (dir.filename().empty() && dir.has_parent_path()) dir = dir.parent_path();  // "out/" -> "out"
  std::error_code ec;
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec))) {
    std::fprintf(stderr,
                 "vetted export: %s exists and is not an empty folder; export into a new folder (for "
                 "backups, one per date)\n",
                 dir.c_str());
    return 2;
  }
  std::unique_ptr<store::Store> store = OpenExistingOrSay("export", args.db);
  if (!store) return 2;
  Result<store::Snapshot> snapshot = store->Load();
  if (!snapshot.ok()) {
    std::fprintf(stderr, "vetted export: %s\n", snapshot.status().message().c_str());
    return 2;
  }
  fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  fs::path temp = parent / (dir.filename().string() + ".partial-" + std::to_string(::getpid()));
  fs::remove_all(temp, ec);
  auto fail = [&](const std::string& why) {
    std::fprintf(stderr, "vetted export: %s; nothing was written to %s\n", why.c_str(), dir.c_str());
    fs::remove_all(temp, ec);
    return 1;
  };
  if (!fs::create_directories(temp, ec)) return fail("cannot make " + temp.string() + ": " + ec.message());
  size_t articles = 0;
  for (const store::SourceFile& f : snapshot->files) {
    if (!SafeRelativePath(f.path))
      return fail("the database holds a file with an unsafe path \"" + f.path + "\"");
    fs::path out = temp / f.path;
    fs::create_directories(out.parent_path(), ec);
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    file.write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
    file.close();
    if (!file) return fail("cannot write " + out.string());
    if (util::StartsWith(f.path, "content/") && util::EndsWith(f.path, ".md") &&
        !util::EndsWith(f.path, "/_section.md"))
      ++articles;
  }
  if (fs::exists(dir, ec)) fs::remove(dir, ec);  // empty, checked above
  fs::rename(temp, dir, ec);
  if (ec) return fail("cannot rename " + temp.string() + " to " + dir.string() + ": " + ec.message());
  if (!args.quiet)
    std::printf(
        "Exported the site as readers see it (generation %lld): %zu files, %zu of them articles, to %s\n",
        static_cast<long long>(snapshot->generation), snapshot->files.size(), articles, dir.c_str());
  return 0;
}

}  // namespace

int RunExport(const ExportArgs& args) {
  if (!args.site.empty()) return ExportSiteFolder(args);
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
