// `vetted import SITE [--db ADDRESS]`: loads a site folder into the database.
// The folder is checked first (as `vetted build` would): a site with errors
// imports nothing.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <unordered_set>

#include "cli/commands.h"
#include "cli/publish.h"
#include "load/load.h"
#include "markup/markup.h"
#include "store/open.h"
#include "util/util.h"

namespace vetted::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kOutputMarker = ".vetted-output";  // a folder `vetted build` wrote: not content
constexpr size_t kListedPaths = 20;                      // per kind in the report

// Every regular file under root, relative and '/' separated, skipping hidden
// names and folders that are vetted build output.
Status CollectFiles(const fs::path& root, std::vector<std::string>& out) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) return Status::Io("cannot read " + root.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::Io("cannot read " + root.string() + ": " + ec.message());
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory(ec)) {
      if (fs::exists(p / kOutputMarker, ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) out.push_back(p.lexically_relative(root).generic_string());
  }
  std::sort(out.begin(), out.end());
  return Status::Ok();
}

std::string Join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

store::SearchDocument SearchText(const Article& a, const markup::Document& doc) {
  store::SearchDocument s;
  s.title = a.title;
  s.description = a.description;
  for (const auto& h : doc.toc) s.headings += h.text + "\n";
  s.body = doc.plain_text;
  s.section = a.section_path.empty() ? "/" : "/" + a.section_path[0] + "/";
  s.tags = Join(a.tags, ' ');
  return s;
}

void PrintPaths(const char* verb, const std::vector<std::string>& paths) {
  for (size_t i = 0; i < paths.size() && i < kListedPaths; ++i)
    std::printf("  %s %s\n", verb, paths[i].c_str());
  if (paths.size() > kListedPaths) std::printf("  ... and %zu more %s\n", paths.size() - kListedPaths, verb);
}

// Diagnostics with the site folder in front; returns the number of errors.
size_t PrintErrors(const std::vector<Diagnostic>& diagnostics, const std::string& site) {
  size_t errors = 0;
  for (const auto& d : diagnostics) {
    if (d.severity != Severity::kError) continue;
    Diagnostic shown = d;
    shown.pos.file = site + "/" + d.pos.file;
    std::fprintf(stderr, "%s\n", FormatDiagnostic(shown).c_str());
    ++errors;
  }
  return errors;
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
  markup::SiteDocs docs = markup::RenderSite(*site, markup::ArticleMode::kAllArticles);
  phase("markup");
  std::vector<Diagnostic> problems = site->diagnostics;
  auto collect = [&](const markup::Document& d) {
    problems.insert(problems.end(), d.diagnostics.begin(), d.diagnostics.end());
  };
  for (const auto& d : docs.articles) collect(d);
  for (const auto& d : docs.sections) collect(d);
  for (const auto& d : docs.pages) collect(d);
  for (const auto& [id, d] : docs.people) collect(d);
  for (const auto& [id, d] : docs.callouts) collect(d);
  if (size_t errors = PrintErrors(problems, args.site); errors > 0) {
    std::fprintf(stderr, "vetted import: %zu error%s; nothing was imported (run `vetted check %s`)\n", errors,
                 errors == 1 ? "" : "s", args.site.c_str());
    return 1;
  }

  std::vector<std::string> paths;
  if (Status ok = CollectFiles(args.site, paths); !ok.ok()) {
    std::fprintf(stderr, "vetted import: %s\n", ok.message().c_str());
    return 2;
  }
  std::unordered_map<std::string, size_t> article_of;  // source path -> article index
  for (size_t i = 0; i < site->articles.size(); ++i) article_of[site->articles[i].file] = i;
  // Read every file (on several threads), then sort them into articles and other files.
  std::vector<Result<std::string>> contents(paths.size(), Status::Internal("not read"));
  util::ParallelFor(paths.size(),
                    [&](size_t i) { contents[i] = load::Disk().Read(args.site + "/" + paths[i]); });
  store::ImportInput input;
  input.articles.reserve(site->articles.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    if (!contents[i].ok()) {
      std::fprintf(stderr, "vetted import: %s\n", contents[i].status().message().c_str());
      return 2;
    }
    auto a = article_of.find(path);
    if (a == article_of.end()) {
      input.files.push_back({path, std::move(*contents[i])});
      continue;
    }
    const Article& article = site->articles[a->second];
    input.articles.push_back({path, article.url, article.revision, std::move(*contents[i]),
                              SearchText(article, docs.articles[a->second])});
  }
  // docs are not freed early: freeing 10,000 rendered documents costs more than keeping them.
  phase("collect");

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
