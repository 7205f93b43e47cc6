// store/memory/: the newsroom's records in memory (the WorkflowStore of the
// memory backend), held in memory::Data under its lock. Internal.
#pragma once

#include <vector>

#include "store/store.h"

namespace vetted::store::memory {

struct WorkflowData {
  std::vector<WfArticle> articles;  // by id (id = index + 1)
  std::vector<WfRevision> revisions;
  std::vector<WfApproval> approvals;
  std::vector<WfChangeRequest> change_requests;
  std::vector<WfPublication> publications;  // by id (id = index + 1)
  std::vector<WfPreviewLink> preview_links;
  std::vector<AuditEntry> audit;  // by seq
  AuditHead head;
  std::vector<Ticket> tickets;  // by id (id = index + 1)
};

}  // namespace vetted::store::memory
