// cli/: opening an existing store for the commands that only read or serve it
// (`vetted serve`, `export`, `feedback export`, `log`, `diff`).
#pragma once

#include <memory>
#include <string>

#include "model/status.h"
#include "store/store.h"

namespace vetted::cli {

// The store at address `db` (see store::Open); kNotFound with a hint to run
// `vetted import` when the database does not exist (it is never created here).
Result<std::unique_ptr<store::Store>> OpenExistingStore(const std::string& db);

// The same for `vetted COMMAND`: on failure prints "vetted COMMAND: ..." to
// stderr (with the hint when there is no database) and returns null.
// `db_read`: a read replica's address (`serve --db-read`), or empty.
std::unique_ptr<store::Store> OpenExistingOrSay(const char* command, const std::string& db,
                                                const std::string& db_read = "");

}  // namespace vetted::cli
