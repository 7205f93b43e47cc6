// The Store in memory: import, load, feedback and revisions (search.cc does
// Search and Related).
#include "store/memory/memory_store.h"

#include <algorithm>
#include <mutex>
#include <set>
#include <unordered_set>

#include "store/backend.h"
#include "store/memory/internal.h"

namespace vetted::store {
namespace memory {
namespace {

// Unpublishes the published articles missing from `input`.
void UnpublishMissing(Data& data, const ImportInput& input, ImportReport& report) {
  std::unordered_set<std::string_view> paths;
  for (const ArticleSource& a : input.articles) paths.insert(a.path);
  for (auto& [path, article] : data.articles) {
    if (!article.published || paths.contains(path)) continue;
    article.published = false;
    report.removed.push_back(path);
  }
}

// Makes the revision (hash, bytes) of `src` current, reusing an identical older one.
void SetCurrentRevision(Article& article, const ArticleSource& src, const std::string& now) {
  for (size_t i = 0; i < article.revisions.size(); ++i) {
    if (article.revisions[i].hash == src.revision && article.revisions[i].bytes == src.bytes) {
      article.current = i;
      return;
    }
  }
  article.revisions.push_back({src.revision, src.bytes, now});
  article.current = article.revisions.size() - 1;
}

// Returns the number of unchanged articles re-indexed for a new SearchDocument::glossary.
size_t WriteArticles(Data& data, const ImportInput& input, ImportReport& report, const std::string& now) {
  size_t reindexed = 0;
  for (const ArticleSource& src : input.articles) {
    auto it = data.articles.find(src.path);
    if (it == data.articles.end()) {
      Article article;
      article.id = data.next_article_id++;
      article.url = src.url;
      article.published = true;
      article.revisions.push_back({src.revision, src.bytes, now});
      article.index = IndexDocument(src.url, src.search);
      data.articles.emplace(src.path, std::move(article));
      report.added.push_back(src.path);
      continue;
    }
    Article& article = it->second;
    const Revision& current = article.revisions[article.current];
    bool same_revision = current.hash == src.revision && current.bytes == src.bytes;
    if (article.published && article.url == src.url && same_revision) {
      ++report.unchanged;
      if (article.index->doc.glossary != src.search.glossary) {
        article.index = IndexDocument(src.url, src.search);
        ++reindexed;
      }
      continue;
    }
    if (!same_revision) SetCurrentRevision(article, src, now);
    (article.published ? report.changed : report.added).push_back(src.path);
    article.url = src.url;
    article.published = true;
    article.index = IndexDocument(src.url, src.search);
  }
  return reindexed;
}

size_t WriteFiles(Data& data, const std::vector<SourceFile>& files) {
  std::map<std::string, std::string> next;
  size_t changed = 0;
  for (const SourceFile& f : files) {
    auto it = data.files.find(f.path);
    if (it == data.files.end() || it->second != f.bytes) ++changed;
    next.emplace(f.path, f.bytes);
  }
  for (const auto& [path, bytes] : data.files) changed += next.contains(path) ? 0 : 1;
  data.files = std::move(next);
  return changed;
}

// How many generations ChangesSince can look back.
constexpr int64_t kChangesKept = 64;

void RecordChanges(Data& data, const ImportReport& report) {
  for (const auto* list : {&report.added, &report.changed, &report.removed})
    for (const std::string& path : *list) data.changes.emplace_back(data.generation, path);
  if (report.files_changed > 0) data.changes.emplace_back(data.generation, "");
  int64_t keep_from = data.generation - kChangesKept;
  if (keep_from > data.changes_from) {
    std::erase_if(data.changes, [&](const auto& c) { return c.first < keep_from; });
    data.changes_from = keep_from;
  }
}

Changes ChangesIn(const Data& data, int64_t since) {
  Changes out;
  out.generation = data.generation;
  if (since < data.changes_from || since > data.generation) return out;
  out.complete = true;
  std::set<std::string> paths;
  for (const auto& [generation, path] : data.changes) {
    if (generation <= since) continue;
    if (path.empty())
      out.files_changed = true;
    else
      paths.insert(path);
  }
  for (const std::string& path : paths) {
    auto it = data.articles.find(path);
    if (it != data.articles.end() && it->second.published)
      out.articles.push_back({path, it->second.revisions[it->second.current].bytes});
    else
      out.removed.push_back(path);
  }
  return out;
}

}  // namespace

ImportReport ImportLocked(Data& data, const ImportInput& input, const std::string& now) {
  ImportReport report;
  UnpublishMissing(data, input, report);
  size_t reindexed = WriteArticles(data, input, report, now);
  report.files_changed = WriteFiles(data, input.files);
  data.published_paths.clear();
  for (const auto& [path, article] : data.articles) {
    if (article.published) data.published_paths.emplace(article.url, path);
  }
  std::sort(report.added.begin(), report.added.end());
  std::sort(report.changed.begin(), report.changed.end());
  std::sort(report.removed.begin(), report.removed.end());
  if (!report.added.empty() || !report.changed.empty() || !report.removed.empty() ||
      report.files_changed > 0 || reindexed > 0) {
    ++data.generation;
    RecordChanges(data, report);
  }
  report.generation = data.generation;
  return report;
}

Snapshot LoadLocked(const Data& data) {
  Snapshot snapshot;
  snapshot.generation = data.generation;
  for (const auto& [path, bytes] : data.files) snapshot.files.push_back({path, bytes});
  for (const auto& [path, article] : data.articles) {
    if (article.published) snapshot.files.push_back({path, article.revisions[article.current].bytes});
  }
  std::sort(snapshot.files.begin(), snapshot.files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return snapshot;
}

namespace {

class MemoryStore : public Store {
 public:
  MemoryStore(std::shared_ptr<Data> data, const util::Clock& clock)
      : data_(std::move(data)), clock_(&clock), accounts_(data_->accounts), limits_(data_->limits) {}

  AccountStore* Accounts() override { return &accounts_; }
  LimitStore* Limits() override { return &limits_; }

  Result<ImportReport> Import(const ImportInput& input) override {
    Status status = ValidateImport(input);  // before any change: nothing below fails
    if (!status.ok()) return status;
    const std::string now = UtcNow(*clock_);
    std::unique_lock lock(data_->mu);
    return ImportLocked(*data_, input, now);
  }

  Result<ImportReport> ImportArticles(const std::vector<ArticleSource>& articles) override {
    ImportInput input;
    input.articles = articles;  // ValidateImport checks paths and URLs within them
    if (Status status = ValidateImport(input); !status.ok()) return status;
    const std::string now = UtcNow(*clock_);
    std::unique_lock lock(data_->mu);
    Data& data = *data_;
    for (const ArticleSource& a : articles) {
      auto owner = data.published_paths.find(a.url);
      if (owner != data.published_paths.end() && owner->second != a.path)
        return Status::Invalid("import: URL " + a.url + " is already " + owner->second + "'s");
    }
    ImportReport report;
    size_t reindexed = WriteArticles(data, input, report, now);
    for (const ArticleSource& a : articles) {  // a changed URL leaves its old one
      std::erase_if(data.published_paths, [&](const auto& p) { return p.second == a.path; });
      data.published_paths.emplace(a.url, a.path);
    }
    std::sort(report.added.begin(), report.added.end());
    std::sort(report.changed.begin(), report.changed.end());
    if (!report.added.empty() || !report.changed.empty() || reindexed > 0) {
      ++data.generation;
      RecordChanges(data, report);
    }
    report.generation = data.generation;
    return report;
  }

  Result<Snapshot> Load() override {
    std::shared_lock lock(data_->mu);
    return LoadLocked(*data_);
  }

  WorkflowStore* Workflow() override { return workflow_.get(); }

  Result<Changes> ChangesSince(int64_t generation) override {
    std::shared_lock lock(data_->mu);
    return ChangesIn(*data_, generation);
  }

  Result<int64_t> Generation() override {
    std::shared_lock lock(data_->mu);
    return data_->generation;
  }

  Result<SearchResults> Search(const SearchQuery& query) override {
    std::shared_lock lock(data_->mu);
    return SearchIn(*data_, query);
  }

  Result<std::vector<std::string>> Related(const std::string& url, size_t limit) override {
    std::shared_lock lock(data_->mu);
    return RelatedIn(*data_, url, limit);
  }

  std::vector<Result<int64_t>> AddFeedback(const std::vector<NewFeedback>& batch) override {
    std::vector<Result<int64_t>> results;
    results.reserve(batch.size());
    std::unique_lock lock(data_->mu);
    for (const NewFeedback& f : batch) results.push_back(AddOne(f));
    return results;
  }

  Result<std::vector<FeedbackRecord>> ListFeedback() override {
    std::shared_lock lock(data_->mu);
    std::vector<FeedbackRecord> out;
    out.reserve(data_->feedback.size());
    for (const FeedbackRow& row : data_->feedback) {
      const Article& article = data_->articles.at(row.path);
      out.push_back({.id = row.id,
                     .article_url = article.url,
                     .article_path = row.path,
                     .revision = row.revision,
                     .helpful = row.helpful,
                     .category = row.category,
                     .comment = row.comment,
                     .created_at = row.created_at});
    }
    return out;
  }

  Result<std::vector<RevisionInfo>> Revisions(const std::string& path) override {
    std::shared_lock lock(data_->mu);
    auto it = data_->articles.find(path);
    if (it == data_->articles.end()) return Status::NotFound("no article at " + path);
    // One entry per distinct hash, in the order each was first stored, dated
    // then (the same hash stored again with other bytes is the same revision).
    std::vector<RevisionInfo> out;
    const Article& article = it->second;
    const std::string& current = article.revisions[article.current].hash;
    for (const Revision& r : article.revisions) {
      bool seen =
          std::any_of(out.begin(), out.end(), [&](const RevisionInfo& i) { return i.revision == r.hash; });
      if (!seen) out.push_back({r.hash, r.created_at, r.hash == current});
    }
    return out;
  }

  Result<std::string> RevisionBytes(const std::string& path, const std::string& revision) override {
    std::shared_lock lock(data_->mu);
    auto it = data_->articles.find(path);
    if (it != data_->articles.end()) {
      // The current revision's bytes when it has that hash, else the newest stored.
      const std::vector<Revision>& revisions = it->second.revisions;
      const Revision& current = revisions[it->second.current];
      if (current.hash == revision) return current.bytes;
      for (auto r = revisions.rbegin(); r != revisions.rend(); ++r) {
        if (r->hash == revision) return r->bytes;
      }
    }
    return Status::NotFound("no revision " + revision + " of " + path);
  }

 private:
  // One feedback entry; the caller holds the lock exclusively.
  Result<int64_t> AddOne(const NewFeedback& f) {
    auto at = data_->published_paths.find(f.article_url);
    if (at == data_->published_paths.end()) {
      return Status::NotFound("feedback: no published article at " + f.article_url);
    }
    const Article& article = data_->articles.at(at->second);
    std::string revision = article.revisions[article.current].hash;
    if (!f.revision.empty()) {
      bool known = std::any_of(article.revisions.begin(), article.revisions.end(),
                               [&](const Revision& r) { return r.hash == f.revision; });
      if (!known) return Status::Invalid("feedback: " + f.article_url + " has no revision " + f.revision);
      revision = f.revision;
    }
    int64_t id = data_->next_feedback_id++;
    data_->feedback.push_back({id, at->second, revision, f.helpful, f.category, f.comment, f.created_at});
    return id;
  }

  std::shared_ptr<Data> data_;
  const util::Clock* clock_;  // a revision's created_at
  MemoryAccounts accounts_;
  MemoryLimits limits_;
  std::unique_ptr<WorkflowStore> workflow_ = MakeMemoryWorkflow(data_, *clock_);
};

struct Registry {
  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<Data>> by_name;
};

Registry& Names() {
  static Registry* registry = new Registry();  // never destroyed: names live until exit
  return *registry;
}

}  // namespace
}  // namespace memory

Result<std::unique_ptr<Store>> OpenMemory(const std::string& name, bool create, const util::Clock& clock) {
  if (name.empty()) {
    if (!create) return Status::NotFound("memory: an unnamed memory store never exists before it is opened");
    return std::unique_ptr<Store>(
        std::make_unique<memory::MemoryStore>(std::make_shared<memory::Data>(), clock));
  }
  memory::Registry& names = memory::Names();
  std::lock_guard lock(names.mu);
  auto it = names.by_name.find(name);
  if (it == names.by_name.end()) {
    if (!create) return Status::NotFound("memory: no memory store named " + name);
    it = names.by_name.emplace(name, std::make_shared<memory::Data>()).first;
  }
  return std::unique_ptr<Store>(std::make_unique<memory::MemoryStore>(it->second, clock));
}

}  // namespace vetted::store
