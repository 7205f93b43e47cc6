#include "store/backend.h"

#include <string_view>
#include <unordered_set>

namespace vetted::store {

Status ValidateImport(const ImportInput& input) {
  std::unordered_set<std::string_view> paths;
  std::unordered_set<std::string_view> urls;
  for (const ArticleSource& a : input.articles) {
    if (a.path.empty() || a.url.empty()) return Status::Invalid("import: article with empty path or URL");
    if (!paths.insert(a.path).second) return Status::Invalid("import: duplicate path " + a.path);
    if (!urls.insert(a.url).second) return Status::Invalid("import: duplicate URL " + a.url);
  }
  for (const SourceFile& f : input.files) {
    if (f.path.empty()) return Status::Invalid("import: file with empty path");
    if (!paths.insert(f.path).second) return Status::Invalid("import: duplicate path " + f.path);
  }
  return Status::Ok();
}

std::string UtcNow(const util::Clock& clock) {
  return util::FormatIsoUtc(clock.NowSeconds());
}

Result<ImportReport> Store::ImportArticles(const std::vector<ArticleSource>&) {
  return Status::Error(Code::kConflict, "this store imports whole sites only");
}

Result<std::vector<FeedbackRecord>> Store::FindFeedback(const FeedbackFilter& filter) {
  Result<std::vector<FeedbackRecord>> all = ListFeedback();
  if (!all.ok()) return all.status();
  std::vector<FeedbackRecord> out;
  for (FeedbackRecord& f : *all)
    if ((filter.article_url.empty() || f.article_url == filter.article_url) &&
        (filter.category.empty() || f.category == filter.category) && f.id > filter.after_id)
      out.push_back(std::move(f));
  return out;
}

Result<Changes> Store::ChangesSince(int64_t) {
  Result<int64_t> generation = Generation();
  if (!generation.ok()) return generation.status();
  Changes changes;
  changes.generation = *generation;
  return changes;  // complete = false: the caller loads everything
}

}  // namespace vetted::store
