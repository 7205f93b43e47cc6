// What a folder import would overwrite of the newsroom's work (publish.h).
#include <string>
#include <unordered_map>
#include <vector>

#include "publish/publish.h"

namespace vetted::publish {

Result<std::vector<std::string>> NewsroomConflicts(store::Store& store, const store::ImportInput& input) {
  std::vector<std::string> conflicts;
  store::WorkflowStore* workflow = store.Workflow();
  if (workflow == nullptr) return conflicts;
  std::unordered_map<std::string, const store::ArticleSource*> folder;
  for (const store::ArticleSource& a : input.articles) folder[a.path] = &a;
  Status read = workflow->Read([&](store::WorkflowTx& tx) {
    Result<std::vector<store::WfArticle>> articles = tx.Articles();
    if (!articles.ok()) return articles.status();
    for (const store::WfArticle& a : *articles) {
      if (a.live_revision.empty()) continue;  // never live: the import does not touch it
      auto it = folder.find(a.path);
      if (it == folder.end()) {
        conflicts.push_back(a.path + ": published in the newsroom (" + a.live_revision +
                            "); the folder does not have it, so the import would unpublish it");
      } else if (it->second->revision != a.live_revision) {
        conflicts.push_back(a.path + ": published in the newsroom (" + a.live_revision +
                            "); the folder would replace it with " + it->second->revision +
                            ", which no one reviewed or published there");
      }
    }
    return Status::Ok();
  });
  if (!read.ok()) return read;
  return conflicts;
}

}  // namespace vetted::publish
