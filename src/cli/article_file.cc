#include "cli/article_file.h"

#include <filesystem>

#include "load/load.h"
#include "util/util.h"

namespace vetted::cli {
namespace fs = std::filesystem;

std::optional<std::string> SectionFileMessage(const std::string& path) {
  if (fs::path(path).filename() != "_section.md") return std::nullopt;
  return path + " is a section file (_section.md): only articles have revisions";
}

Result<ArticleFile> OpenArticle(const std::string& path) {
  if (auto section = SectionFileMessage(path)) return Status::Invalid(*section);
  ArticleFile out;
  out.path = path;
  Result<std::string> bytes = load::Disk().Read(path);
  if (!bytes.ok()) return bytes.status();
  out.bytes = std::move(*bytes);
  // The nearest ancestor folder with site.toml whose content/ holds the file.
  std::error_code ec;
  fs::path file = fs::absolute(path, ec).lexically_normal();
  for (fs::path dir = file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    fs::path rel = file.lexically_relative(dir);
    if (fs::exists(dir / "site.toml", ec) && !rel.empty() && *rel.begin() == "content") {
      out.root = dir.string();
      out.relative = rel.generic_string();
      break;
    }
    if (dir == dir.root_path()) break;
  }
  if (out.root.empty())
    return Status::Invalid(path + " is not in the content/ folder of a site (no site.toml above it)");
  Result<Site> site = load::LoadSite(out.root);
  if (!site.ok()) return site.status();
  out.site = std::move(*site);
  for (const Article& a : out.site.articles)
    if (a.file == out.relative) out.article = a, out.in_site = true;
  if (!out.in_site) out.article = load::ParseArticle(out.bytes, out.relative, out.diagnostics);
  return out;
}

Article ParseRevision(const std::string& bytes, const std::string& relative) {
  std::vector<Diagnostic> ignored;
  return load::ParseArticle(bytes, relative, ignored);
}

const Review* LatestReview(const Article& a) {
  const Review* latest = nullptr;
  for (const auto& r : a.reviewers)
    if (latest == nullptr || !(r.date < latest->date)) latest = &r;
  return latest;
}

Status CheckRevisionArg(const std::string& value, const char* what) {
  if (IsWellFormedRevision(value)) return Status::Ok();
  return Status::Invalid(std::string(what) + " \"" + value +
                         "\" is malformed: a revision is \"sha256:\" and 64 lowercase hex digits "
                         "(as `vetted revision FILE` or `vetted log FILE` print it)");
}

}  // namespace vetted::cli
