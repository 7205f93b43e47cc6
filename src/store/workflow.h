// Internal to store/ (included by store/store.h): the newsroom's articles,
// their immutable revisions, reviews, publications and the append-only audit
// log, kept in the same database as the content. See Store::Workflow().
#pragma once

namespace vetted::store {

class WorkflowStore {
 public:
  virtual ~WorkflowStore() = default;
};

}  // namespace vetted::store
