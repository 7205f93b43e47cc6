// Phase 2 (validate), the reporter and the one helper for today's date.
#include "check/check.h"
#include "publish/publish.h"
#include "util/util.h"

namespace vetted::publish {

Date Today(const util::Clock& clock) {
  return Date::Parse(util::FormatIsoDate(clock.NowSeconds())).value_or(Date{});
}

namespace {

// Renders each article body once (on several threads) for its markup
// diagnostics only; the Documents are dropped as soon as they are read.
// Entries of *known that hold a value are taken as they are; on return all do.
std::vector<Diagnostic> ArticleMarkupDiagnostics(const Site& site, const markup::SiteDocs& docs,
                                                 std::vector<std::optional<std::vector<Diagnostic>>>* known) {
  if (!docs.article_renderer || docs.articles.size() >= site.articles.size()) return {};
  if (known && known->size() != site.articles.size()) known = nullptr;
  std::vector<std::vector<Diagnostic>> found(site.articles.size());
  util::ParallelFor(site.articles.size(), [&](size_t i) {
    if (known && (*known)[i])
      found[i] = *(*known)[i];
    else
      found[i] = docs.article_renderer->Render(i).doc.diagnostics;
  });
  std::vector<Diagnostic> out;
  for (size_t i = 0; i < found.size(); ++i) {
    out.insert(out.end(), found[i].begin(), found[i].end());
    if (known) (*known)[i] = std::move(found[i]);
  }
  return out;
}

}  // namespace

std::vector<Diagnostic> Validate(const Site& site, const markup::SiteDocs& docs,
                                 const ValidateOptions& options) {
  check::Options o;
  o.today = options.today.empty() ? Today() : options.today;
  o.max_grade = options.max_grade;
  o.known_grades = options.known_grades;
  std::vector<Diagnostic> out = check::Run(site, docs, o);
  if (options.article_markup) {
    std::vector<Diagnostic> more = ArticleMarkupDiagnostics(site, docs, options.known_article_markup);
    if (!more.empty()) {
      out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
      check::Normalize(out);
    }
  }
  return out;
}

Tally Count(const std::vector<Diagnostic>& diagnostics) {
  Tally t;
  for (const auto& d : diagnostics) (d.severity == Severity::kError ? t.errors : t.warnings)++;
  return t;
}

void Normalize(std::vector<Diagnostic>& diagnostics) {
  check::Normalize(diagnostics);
}

std::string Format(const std::vector<Diagnostic>& diagnostics, const std::string& root, bool errors_only) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (errors_only && d.severity != Severity::kError) continue;
    if (root.empty()) {
      out += FormatDiagnostic(d);
    } else {
      Diagnostic shown = d;
      shown.pos.file = root + "/" + d.pos.file;
      out += FormatDiagnostic(shown);
    }
    out += '\n';
  }
  return out;
}

Status Refusal(const std::vector<Diagnostic>& diagnostics) {
  size_t errors = Count(diagnostics).errors;
  if (errors == 0) return Status::Ok();
  std::string text = Format(diagnostics, "", true);
  if (!text.empty()) text.pop_back();
  return Status::Invalid(std::to_string(errors) + (errors == 1 ? " error" : " errors") + ":\n" + text);
}

Tally Print(std::FILE* out, const std::vector<Diagnostic>& diagnostics, const std::string& root, bool quiet,
            const char* command, const std::string& hint) {
  Tally t = Count(diagnostics);
  std::string text = Format(diagnostics, root, quiet);
  std::fwrite(text.data(), 1, text.size(), out);
  if (quiet && t.warnings > 0)
    std::fprintf(out, "vetted %s: %zu warning%s%s\n", command, t.warnings, t.warnings == 1 ? "" : "s",
                 hint.empty() ? "" : (" (" + hint + ")").c_str());
  return t;
}

std::string RefusedLine(const char* command, size_t errors, const char* what, const std::string& hint) {
  return "vetted " + std::string(command) + ": " + std::to_string(errors) +
         (errors == 1 ? " error" : " errors") + "; nothing was " + what +
         (hint.empty() ? "" : " (" + hint + ")");
}

}  // namespace vetted::publish
