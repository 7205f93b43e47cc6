#include "cli/store_open.h"

#include "store/open.h"

namespace vetted::cli {

Result<std::unique_ptr<store::Store>> OpenExistingStore(const std::string& db) {
  Result<std::unique_ptr<store::Store>> store = store::Open(db, {.create = false});
  if (!store.ok() && store.status().code() == Code::kNotFound)
    return Status::NotFound(store.status().message() + " (run `vetted import SITE --db " + db + "` first)");
  return store;
}

}  // namespace vetted::cli
