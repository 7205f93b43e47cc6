// The newsroom's workflow on PostgreSQL (store/workflow.h, store/tickets.h).
#include "store/postgres/store_impl.h"

namespace vetted::store::postgres {

std::unique_ptr<WorkflowStore> MakePostgresWorkflow(pg::Pool*, const util::Clock*) {
  return nullptr;  // not built yet
}

}  // namespace vetted::store::postgres
