// `vetted build SITE -o OUT`: load -> assemble (Markdown) -> render -> publish.
#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/publish.h"
#include "load/load.h"
#include "markup/markup.h"
#include "render/render.h"

namespace vetted::cli {
namespace fs = std::filesystem;
namespace {

// Marks an output folder as vetted's own, so a rebuild may replace it.
constexpr const char* kOutputMarker = ".vetted-output";

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// "public/" -> "public"; the staging and old folders are its siblings.
fs::path Normalized(const std::string& out) {
  fs::path p = fs::path(out).lexically_normal();
  if (p.has_filename()) return p;
  return p.parent_path();
}
fs::path Sibling(const fs::path& out, const char* suffix) {
  return out.parent_path() / (out.filename().string() + suffix);
}

// Refuses a non-empty output folder that vetted did not write.
Status CheckOutput(const fs::path& out) {
  std::error_code ec;
  if (!fs::exists(out, ec)) return Status::Ok();
  if (!fs::is_directory(out, ec)) return Status::Invalid(out.string() + " exists and is not a folder");
  if (!fs::is_empty(out, ec) && !fs::exists(out / kOutputMarker, ec)) {
    return Status::Invalid(out.string() +
                           " is not empty and was not written by vetted; choose another output folder");
  }
  return Status::Ok();
}

// A fresh, empty staging folder beside `out`.
Status MakeStaging(const fs::path& staging) {
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return Status::Io("cannot create " + staging.string() + ": " + ec.message());
  std::ofstream(staging / kOutputMarker)
      << "This folder is written by `vetted build`; it is replaced on each build.\n";
  return Status::Ok();
}

// Puts the finished staging folder in the place of `out`.
Status Swap(const fs::path& staging, const fs::path& out) {
  std::error_code ec;
  fs::path old = Sibling(out, ".vetted-old");
  fs::remove_all(old, ec);
  if (fs::exists(out, ec)) {
    fs::rename(out, old, ec);
    if (ec) return Status::Io("cannot move the previous " + out.string() + " aside: " + ec.message());
  }
  fs::rename(staging, out, ec);
  if (ec) return Status::Io("cannot move " + staging.string() + " to " + out.string() + ": " + ec.message());
  fs::remove_all(old, ec);
  return Status::Ok();
}

// Thread-safe file writer for the publish phase; records the first error.
class Publisher {
 public:
  explicit Publisher(fs::path root) : root_(std::move(root)) {}

  void Write(const std::string& rel, const std::string& bytes) {
    if (rel.empty() || rel.find("..") != std::string::npos || rel[0] == '/') {
      Fail("refusing to write outside the output folder: " + rel);
      return;
    }
    std::string path = root_.string() + "/" + rel;
    if (!MakeParent(path) || !WriteFile(path, bytes)) {
      Fail("cannot write " + path + ": " + std::strerror(errno));
      return;
    }
    files_.fetch_add(1, std::memory_order_relaxed);
    if (rel.size() > 5 && rel.compare(rel.size() - 5, 5, ".html") == 0)
      pages_.fetch_add(1, std::memory_order_relaxed);
  }

  // Creates the folder holding `path`. One mkdir in the common case (the
  // grandparent exists); the whole chain only when that fails.
  static bool MakeParent(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return true;
    std::string dir = path.substr(0, slash);
    if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) return true;
    std::error_code ec;
    fs::create_directories(dir, ec);
    return !ec;
  }

  static bool WriteFile(const std::string& path, const std::string& bytes) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fd);
        return false;
      }
      done += static_cast<size_t>(n);
    }
    return ::close(fd) == 0;
  }

  size_t files() const { return files_.load(); }
  size_t pages() const { return pages_.load(); }
  const std::string& error() const { return error_; }

  void Fail(std::string message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.empty()) error_ = std::move(message);
  }

 private:
  fs::path root_;
  std::atomic<size_t> files_{0}, pages_{0};
  std::mutex mu_;
  std::string error_;
};

// Prints diagnostics to stderr, sorted by file and line; returns the number of errors.
size_t Report(std::vector<Diagnostic> diagnostics, const std::string& root) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.pos.file != b.pos.file ? a.pos.file < b.pos.file : a.pos.line < b.pos.line;
  });
  size_t errors = 0;
  for (const auto& d : diagnostics) {
    Diagnostic shown = d;
    shown.pos.file = root + "/" + d.pos.file;
    std::fprintf(stderr, "%s\n", FormatDiagnostic(shown).c_str());
    if (d.severity == Severity::kError) ++errors;
  }
  return errors;
}

size_t Failed(size_t errors, const std::string& site) {
  std::fprintf(stderr,
               "vetted: %zu error%s; nothing was written (run `vetted check` for all problems in %s)\n",
               errors, errors == 1 ? "" : "s", site.c_str());
  return 1;
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
  const fs::path out = Normalized(args.out);
  if (Status ok = CheckOutput(out); !ok.ok()) {
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
  const std::string& label = job.label;
  const fs::path out = Normalized(job.out);
  if (Status ok = CheckOutput(out); !ok.ok()) {
    std::fprintf(stderr, "vetted %s: %s\n", job.command, ok.message().c_str());
    return 2;
  }
  // Phase 2: assemble: every Markdown text but the articles' rendered and
  // resolved against the site; article bodies are rendered with their pages,
  // so that no more than a few are in memory at once.
  markup::SiteDocs docs = markup::RenderSite(site, markup::ArticleMode::kArticlesOnDemand);
  std::vector<Diagnostic> problems = site.diagnostics;
  auto collect = [&](const markup::Document& d) {
    problems.insert(problems.end(), d.diagnostics.begin(), d.diagnostics.end());
  };
  for (const auto& d : docs.sections) collect(d);
  for (const auto& d : docs.pages) collect(d);
  for (const auto& [id, d] : docs.people) collect(d);
  for (const auto& [id, d] : docs.callouts) collect(d);
  phase("assemble");
  if (size_t errors = Report(problems, label); errors > 0) return static_cast<int>(Failed(errors, label));

  // Phase 3 and 4: render every page and publish it into a staging folder as
  // it is ready; the staging folder replaces the output only when all is well.
  const fs::path staging = Sibling(out, ".vetted-tmp");
  if (Status ok = MakeStaging(staging); !ok.ok()) {
    std::fprintf(stderr, "vetted %s: %s\n", job.command, ok.message().c_str());
    return 2;
  }
  Publisher publisher(staging);
  Progress progress("Rendering", site.articles.size(), !job.quiet);
  std::mutex found_mu;
  std::vector<Diagnostic> found;
  render::Options options;
  options.related = job.related;
  options.progress = [&](size_t done, size_t) { progress.Update(done); };
  options.diagnostics = [&](std::vector<Diagnostic> d) {
    std::lock_guard<std::mutex> lock(found_mu);
    found.insert(found.end(), std::make_move_iterator(d.begin()), std::make_move_iterator(d.end()));
  };
  Status rendered = render::RenderSite(
      site, docs, options, [&](const std::string& path, std::string bytes) { publisher.Write(path, bytes); });
  for (const auto& file : site.static_files) {
    Result<std::string> bytes = job.read_static(file);
    if (bytes.ok()) {
      publisher.Write(file.relative_path, *bytes);
    } else {
      publisher.Fail("cannot read " + file.source_path + ": " + bytes.status().message());
    }
  }
  progress.Finish();
  phase("render+publish");
  std::error_code ec;
  if (size_t errors = Report(found, label); errors > 0) {
    fs::remove_all(staging, ec);
    return static_cast<int>(Failed(errors, label));
  }
  if (!rendered.ok() || !publisher.error().empty()) {
    fs::remove_all(staging, ec);
    std::fprintf(stderr, "vetted %s: %s\n", job.command,
                 (rendered.ok() ? "publish: " + publisher.error() : "render: " + rendered.message()).c_str());
    return 1;
  }
  if (Status ok = Swap(staging, out); !ok.ok()) {
    std::fprintf(stderr, "vetted %s: %s\n", job.command, ok.message().c_str());
    return 1;
  }
  phase("swap");
  if (!job.quiet) {
    std::printf("%s %zu pages (%zu articles, %zu files in all) in %.2f s -> %s\n",
                std::strcmp(job.command, "build") == 0 ? "Built" : "Exported", publisher.pages(),
                site.articles.size(), publisher.files(), SecondsSince(job.start), job.out.c_str());
  }
  return 0;
}

}  // namespace vetted::cli
