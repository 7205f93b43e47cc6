#include "cli/store_open.h"

#include <cstdio>

#include "store/open.h"

namespace vetted::cli {

Result<std::unique_ptr<store::Store>> OpenExistingStore(const std::string& db) {
  Result<std::unique_ptr<store::Store>> store = store::Open(db, {.create = false});
  if (!store.ok() && store.status().code() == Code::kNotFound)
    return Status::NotFound(store.status().message() + " (run `vetted import SITE --db " + db + "` first)");
  return store;
}

std::unique_ptr<store::Store> OpenExistingOrSay(const char* command, const std::string& db,
                                                const std::string& db_read) {
  Result<std::unique_ptr<store::Store>> store = store::Open(db, {.create = false, .read_address = db_read});
  if (store.ok()) return std::move(*store);
  if (store.status().code() == Code::kNotFound)
    std::fprintf(stderr, "vetted %s: %s (create it with `vetted import SITE --db %s`)\n", command,
                 store.status().message().c_str(), db.c_str());
  else
    std::fprintf(stderr, "vetted %s: %s: %s\n", command, db.c_str(), store.status().message().c_str());
  return nullptr;
}

}  // namespace vetted::cli
