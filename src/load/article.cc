// content/**/*.md -> Article.
#include <algorithm>

#include "load/internal.h"
#include "load/load.h"
#include "util/util.h"

namespace vetted::load {
namespace {

// Fills file, section_path, slug and url from "content/a/b/slug.md".
void PlaceArticle(const std::string& file, Article& a) {
  a.file = file;
  std::string_view rel = file;
  if (util::StartsWith(rel, "content/")) rel.remove_prefix(8);
  auto parts = util::Split(rel, '/');
  std::string_view name = parts.empty() ? rel : parts.back();
  if (util::EndsWith(name, ".md")) name.remove_suffix(3);
  a.slug.assign(name);
  a.url.assign(1, '/');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].empty()) continue;
    a.section_path.emplace_back(parts[i]);
    a.url.append(parts[i]).push_back('/');
  }
  a.url.append(a.slug).push_back('/');
}

void ReadReviewers(const MetaReader& r, const std::string& file, std::vector<Diagnostic>& diagnostics,
                   Article& a) {
  const YamlNode* list = r.Find("reviewers");
  if (!list || list->IsNull()) return;
  if (!list->IsSequence()) {
    r.Invalid(r.LineOf("reviewers"), "`reviewers` must be a list of {by, date, revision}");
    return;
  }
  for (const auto& item : list->items) {
    Review rev;
    rev.line = item.line;
    if (item.IsScalar()) {
      rev.by = item.text;
    } else if (item.IsMapping()) {
      MetaReader sub(item, file, diagnostics);
      sub.String("by", rev.by);
      sub.DateValue("date", rev.date);
      sub.String("revision", rev.revision);
    } else {
      r.Invalid(item.line, "each reviewer must be {by, date, revision}");
      continue;
    }
    if (rev.by.empty()) {
      Report(diagnostics, file, item.line, Severity::kError, "required-key", "reviewer entry has no `by`");
      continue;
    }
    a.reviewers.push_back(std::move(rev));
  }
}

// `non_clinical_change: {from, date, reason}`.
void ReadNonClinical(const MetaReader& r, const std::string& file, std::vector<Diagnostic>& diagnostics,
                     Article& a) {
  const YamlNode* n = r.Find("non_clinical_change");
  if (!n || n->IsNull()) return;
  if (!n->IsMapping()) {
    r.Invalid(r.LineOf("non_clinical_change"), "`non_clinical_change` must be {from, date, reason}");
    return;
  }
  MetaReader sub(*n, file, diagnostics);
  sub.String("from", a.non_clinical.from);
  sub.DateValue("date", a.non_clinical.date);
  sub.String("reason", a.non_clinical.reason);
  a.non_clinical.line = r.LineOf("non_clinical_change");
}

// `toc: false` or `toc: {levels: [2, 3]}` (a single number means 2..n).
void ReadToc(const MetaReader& r, TocConfig& toc) {
  const YamlNode* n = r.Find("toc");
  if (!n || n->IsNull()) return;
  if (auto b = n->AsBool()) {
    toc.show = *b;
    return;
  }
  const YamlNode* levels = n->IsMapping() ? n->Find("levels") : nullptr;
  if (!levels) {
    r.Invalid(r.LineOf("toc"), "`toc` must be false or {levels: [2, 3]}");
    return;
  }
  std::vector<std::string> items;
  int lo = 7, hi = 0;
  if (ScalarList(*levels, items)) {
    for (const auto& s : items) {
      int v = (s.size() == 1 && s[0] >= '1' && s[0] <= '6') ? s[0] - '0' : 0;
      if (v == 0) {
        lo = 7;
        break;
      }
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (lo > hi) {
    r.Invalid(levels->line, "`toc.levels` must list heading levels between 1 and 6");
    return;
  }
  if (items.size() == 1 && lo > 2) lo = 2;  // `levels: 3` means H2 and H3
  toc.min_level = lo;
  toc.max_level = hi;
}

void ReadOptional(const MetaReader& r, const std::string& file, std::vector<Diagnostic>& diagnostics,
                  Article& a) {
  r.DateValue("updated", a.updated);
  ReadReviewers(r, file, diagnostics, a);
  ReadNonClinical(r, file, diagnostics, a);
  r.StringList("fact_checkers", a.fact_checkers);
  r.StringList("tags", a.tags);
  r.ImageValue("image", a.image);
  if (const YamlNode* refs = r.Find("references"); refs && !refs->IsNull()) {
    if (refs->IsSequence()) {
      a.references = ReferencesFromYaml(*refs, file, diagnostics);
    } else {
      r.Invalid(r.LineOf("references"), "`references` must be a list of CSL items");
    }
  }
  r.StringList("callouts", a.callouts);
  ReadToc(r, a.toc);
  r.String("aspect", a.aspect);
  r.StringList("aliases", a.aliases);
  r.Bool("draft", a.draft);
  if (std::string interval; r.String("review_interval", interval)) {
    if (std::optional<int> months = ParseInterval(interval)) {
      a.review_interval_months = *months;
    } else {
      r.Invalid(r.LineOf("review_interval"),
                "`review_interval` must look like \"1 year\" or \"18 months\", not \"" + interval + "\"");
    }
  }
}

void ReadFrontMatter(const Document& doc, const std::string& file, std::vector<Diagnostic>& diagnostics,
                     Article& a) {
  a.front_matter_ok = doc.yaml_ok;
  if (!doc.yaml_ok) return;
  if (!doc.meta.IsMapping() && !doc.meta.IsNull()) {
    a.front_matter_ok = false;
    Report(diagnostics, file, doc.meta.line, Severity::kError, "invalid-value",
           "front matter must be a mapping of keys to values");
    return;
  }
  for (const auto& e : doc.meta.entries) a.key_lines.emplace(e.key, e.line);
  MetaReader r(doc.meta, file, diagnostics);
  r.WarnNearMisses({"title", "description", "authors", "published", "updated", "reviewers", "fact_checkers",
                    "tags", "image", "references", "callouts", "toc", "aspect", "aliases", "draft",
                    "non_clinical_change", "review_interval"});
  for (const char* key : {"title", "description", "authors", "published"}) r.Require(key);
  r.String("title", a.title);
  r.String("description", a.description);
  r.StringList("authors", a.authors);
  r.DateValue("published", a.published);
  ReadOptional(r, file, diagnostics, a);
}

}  // namespace

Article ParseArticle(std::string_view text, const std::string& file, std::vector<Diagnostic>& diagnostics) {
  return ParseArticleText(std::string(text), file, diagnostics);
}

Article ParseArticleText(std::string text, const std::string& file, std::vector<Diagnostic>& diagnostics) {
  Article a;
  PlaceArticle(file, a);
  Document doc = ParseDocument(std::move(text), file, diagnostics);
  a.body = std::move(doc.body);
  a.body_line = doc.body_line;
  ReadFrontMatter(doc, file, diagnostics, a);
  a.revision = RevisionOf(a);  // after the front matter: the revision covers it
  return a;
}

}  // namespace vetted::load
