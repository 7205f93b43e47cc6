// `vetted audit verify --db ADDRESS`: recomputes the newsroom's audit chain
// (store/workflow.h, VerifyAuditChain) and says whether it is intact.
#include <cstdio>

#include "cli/commands.h"
#include "cli/store_open.h"
#include "store/store.h"

namespace vetted::cli {

int RunAuditVerify(const AuditVerifyArgs& args) {
  std::unique_ptr<store::Store> store = OpenExistingOrSay("audit verify", args.db);
  if (store == nullptr) return 1;
  store::WorkflowStore* workflow = store->Workflow();
  if (workflow == nullptr) {
    std::fprintf(stderr, "vetted audit verify: the store at %s keeps no audit log\n", args.db.c_str());
    return 1;
  }
  Result<store::AuditCheck> check = workflow->VerifyAudit();
  if (!check.ok()) {
    std::fprintf(stderr, "vetted audit verify: %s\n", check.status().message().c_str());
    return 1;
  }
  if (!check->intact) {
    std::printf("audit log: %zu entries, chain broken: %s\n", check->entries, check->problem.c_str());
    return 1;
  }
  std::printf("audit log: %zu entries, chain intact\n", check->entries);
  return 0;
}

}  // namespace vetted::cli
