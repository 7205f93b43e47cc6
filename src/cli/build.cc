// `vetted build SITE -o OUT`: load -> validate -> render -> publish (src/publish/).
#include <malloc.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/publish.h"
#include "load/load.h"
#include "publish/publish.h"

namespace vetted::cli {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

// A build allocates and frees many page-sized buffers (file contents, pages)
// on several threads. glibc's defaults hand freed memory back to the kernel
// and fault it in again for the next page; keeping it costs a little peak
// memory and saves much of the build's system time.
static void TuneAllocator() {
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
}

int RunBuild(const BuildArgs& args) {
  auto start = std::chrono::steady_clock::now();
  TuneAllocator();
  PhaseTimer phase;
  if (Status ok = publish::CheckOutputFolder(args.out); !ok.ok()) {
    std::fprintf(stderr, "vetted build: %s\n", ok.message().c_str());
    return 2;
  }
  // Phase 1: load the site folder into the model.
  Result<Site> site = load::LoadSite(args.site);
  if (!site.ok()) {
    std::fprintf(stderr, "vetted build: %s\n", site.status().message().c_str());
    return 2;
  }
  phase("load");
  PublishJob job;
  job.command = "build";
  job.label = args.site;
  job.check_site = args.site;
  job.out = args.out;
  job.quiet = args.quiet;
  job.start = start;
  job.read_static = [](const StaticFile& f) { return load::Disk().Read(f.source_path); };
  return AssembleAndPublish(*site, job, phase);
}

void PhaseTimer::operator()(const char* name) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  double cpu = CpuSeconds();
  std::fprintf(stderr, "phase %-15s %.3f s wall %.3f s cpu\n", name,
               std::chrono::duration<double>(now - last_).count(), cpu - last_cpu_);
  last_ = now;
  last_cpu_ = cpu;
}

double PhaseTimer::CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int AssembleAndPublish(const Site& site, const PublishJob& job, PhaseTimer& phase) {
  Progress progress("Rendering", site.articles.size(), !job.quiet);
  publish::FolderOptions options;
  options.out = job.out;
  options.read_static = job.read_static;
  options.related = job.related;
  options.progress = [&](size_t done, size_t) { progress.Update(done); };
  options.phase = [&](const char* name) {
    if (std::strcmp(name, "render+publish") == 0) progress.Finish();
    phase(name);
  };
  Result<publish::FolderReport> report = publish::ToFolder(site, options);
  progress.Finish();
  if (!report.ok()) {
    std::fprintf(stderr, "vetted %s: %s\n", job.command, report.status().message().c_str());
    return 2;
  }
  const std::string& site_arg = job.check_site;
  publish::Tally tally =
      publish::Print(stderr, report->diagnostics, job.label, job.quiet, job.command,
                     site_arg.empty() ? "" : "run `vetted check " + site_arg + "` to see them");
  if (tally.errors > 0) {
    std::string hint = site_arg.empty() ? "" : "run `vetted check " + site_arg + "` for all problems";
    std::fprintf(stderr, "%s\n", publish::RefusedLine(job.command, tally.errors, "written", hint).c_str());
    return 1;
  }
  if (!job.quiet) {
    std::printf("%s %zu pages (%zu articles, %zu files in all) in %.2f s -> %s\n",
                std::strcmp(job.command, "build") == 0 ? "Built" : "Exported", report->pages,
                site.articles.size(), report->files, SecondsSince(job.start), job.out.c_str());
  }
  return 0;
}

}  // namespace vetted::cli
