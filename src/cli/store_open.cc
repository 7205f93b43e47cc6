#include "cli/store_open.h"

#include <filesystem>

#include "store/sqlite/sqlite_store.h"

namespace vetted::cli {

Result<std::unique_ptr<store::Store>> OpenExistingStore(const std::string& db) {
  std::error_code ec;
  if (!std::filesystem::exists(db, ec))
    return Status::NotFound("no database at " + db + " (run `vetted import SITE --db " + db + "` first)");
  return store::OpenSqlite(db);
}

}  // namespace vetted::cli
