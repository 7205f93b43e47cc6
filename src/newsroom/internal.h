// newsroom/ internals shared by articles.cc and publishing.cc. Not a front door.
#pragma once

#include <string>
#include <vector>

#include "newsroom/newsroom.h"

namespace vetted::newsroom::internal {

// One article's records, read in a transaction, and the rules' view of them.
struct Facts {
  store::WfArticle article;
  std::vector<store::WfRevision> revisions;
  std::vector<store::WfApproval> approvals;
  std::vector<store::WfPublication> publications;
  ArticleFacts facts;  // `major` is that of `revision` passed to LoadFacts
  // YYYY-MM-DD of the article's first publication (its earliest "publish"
  // audit entry: a scheduled publication that failed is done but did not
  // publish); "" when never published.
  std::string first_published;
};

// Reads article `id`'s facts; kNotFound when unknown.
Result<Facts> LoadFacts(store::WorkflowTx& tx, int64_t id, const std::string& revision);
const store::WfRevision* FindRevision(const Facts& f, const std::string& hash);
// The source parsed as an article at `path` (diagnostics dropped).
Article ParseSource(const std::string& source, const std::string& path);

// Appends one audit entry.
Status Record(store::WorkflowTx& tx, const Actor& actor, const std::string& now, const std::string& action,
              int64_t id, const std::string& revision, const std::string& before, const std::string& after,
              const std::string& detail);

}  // namespace vetted::newsroom::internal
