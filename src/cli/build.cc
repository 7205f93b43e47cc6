// `vetted build SITE -o OUT`: load -> assemble (Markdown) -> render -> publish.
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "cli/commands.h"
#include "cli/progress.h"
#include "load/load.h"
#include "markup/markup.h"
#include "render/render.h"

namespace vetted::cli {
namespace fs = std::filesystem;
namespace {

// Marks an output folder as vetted's own, so a rebuild may empty it.
constexpr const char* kOutputMarker = ".vetted-output";

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Empties `out` when it is a previous build's folder; refuses a non-empty
// folder that vetted did not write.
Status PrepareOutput(const fs::path& out) {
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec)) return Status::Invalid(out.string() + " exists and is not a folder");
    bool empty = fs::is_empty(out, ec);
    if (!empty && !fs::exists(out / kOutputMarker, ec)) {
      return Status::Invalid(out.string() +
                             " is not empty and was not written by vetted; choose another output folder");
    }
    for (const auto& entry : fs::directory_iterator(out, ec)) fs::remove_all(entry.path(), ec);
  }
  fs::create_directories(out, ec);
  if (ec) return Status::Io("cannot create " + out.string() + ": " + ec.message());
  std::ofstream(out / kOutputMarker) << "This folder is written by `vetted build`; it is emptied on each build.\n";
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
    fs::path path = root_ / rel;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
      if (f) std::fclose(f);
      Fail("cannot write " + path.string());
      return;
    }
    std::fclose(f);
    files_.fetch_add(1, std::memory_order_relaxed);
    if (rel.size() > 5 && rel.compare(rel.size() - 5, 5, ".html") == 0) pages_.fetch_add(1, std::memory_order_relaxed);
  }

  void Copy(const std::string& from, const std::string& rel) {
    fs::path path = root_ / rel;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    fs::copy_file(from, path, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      Fail("cannot copy " + from + ": " + ec.message());
      return;
    }
    files_.fetch_add(1, std::memory_order_relaxed);
  }

  size_t files() const { return files_.load(); }
  size_t pages() const { return pages_.load(); }
  const std::string& error() const { return error_; }

 private:
  void Fail(std::string message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.empty()) error_ = std::move(message);
  }
  fs::path root_;
  std::atomic<size_t> files_{0}, pages_{0};
  std::mutex mu_;
  std::string error_;
};

// Prints diagnostics to stderr; returns the number of errors.
size_t Report(const std::vector<Diagnostic>& diagnostics, const std::string& root) {
  size_t errors = 0;
  for (const auto& d : diagnostics) {
    Diagnostic shown = d;
    shown.pos.file = root + "/" + d.pos.file;
    std::fprintf(stderr, "%s\n", FormatDiagnostic(shown).c_str());
    if (d.severity == Severity::kError) ++errors;
  }
  return errors;
}

}  // namespace

int RunBuild(const BuildArgs& args) {
  auto start = std::chrono::steady_clock::now();

  // Phase 1: load the site folder into the model.
  Result<Site> site = load::LoadSite(args.site);
  if (!site.ok()) {
    std::fprintf(stderr, "vetted build: %s\n", site.status().message().c_str());
    return 2;
  }

  // Phase 2: assemble: every Markdown text rendered and resolved against the site.
  markup::SiteDocs docs = markup::RenderSite(*site);
  std::vector<Diagnostic> problems = site->diagnostics;
  auto collect = [&](const markup::Document& d) {
    problems.insert(problems.end(), d.diagnostics.begin(), d.diagnostics.end());
  };
  for (const auto& d : docs.articles) collect(d);
  for (const auto& d : docs.sections) collect(d);
  for (const auto& d : docs.pages) collect(d);
  for (const auto& [id, d] : docs.people) collect(d);
  for (const auto& [id, d] : docs.callouts) collect(d);
  size_t errors = Report(problems, args.site);
  if (errors > 0) {
    std::fprintf(stderr, "vetted build: %zu error%s; nothing was written (run `vetted check %s` for all problems)\n",
                 errors, errors == 1 ? "" : "s", args.site.c_str());
    return 1;
  }

  // Phase 3 and 4: render every page and publish it as it is ready.
  Status prepared = PrepareOutput(args.out);
  if (!prepared.ok()) {
    std::fprintf(stderr, "vetted build: %s\n", prepared.message().c_str());
    return 2;
  }
  Publisher publisher(args.out);
  Progress progress("Rendering", site->articles.size(), !args.quiet);
  render::Options options;
  options.progress = [&](size_t done, size_t) { progress.Update(done); };
  Status rendered = render::RenderSite(*site, docs, options,
                                       [&](const std::string& path, std::string bytes) { publisher.Write(path, bytes); });
  for (const auto& file : site->static_files) publisher.Copy(file.source_path, file.relative_path);
  progress.Finish();
  if (!rendered.ok()) {
    std::fprintf(stderr, "vetted build: render: %s\n", rendered.message().c_str());
    return 1;
  }
  if (!publisher.error().empty()) {
    std::fprintf(stderr, "vetted build: publish: %s\n", publisher.error().c_str());
    return 1;
  }
  if (!args.quiet) {
    std::printf("Built %zu pages (%zu articles, %zu files in all) in %.2f s -> %s\n", publisher.pages(),
                site->articles.size(), publisher.files(), SecondsSince(start), args.out.c_str());
  }
  return 0;
}

}  // namespace vetted::cli
