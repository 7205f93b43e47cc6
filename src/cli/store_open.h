// cli/: opening the database for read-only commands (`vetted log`, `vetted diff`).
#pragma once

#include <memory>
#include <string>

#include "model/status.h"
#include "store/store.h"

namespace vetted::cli {

// The store at address `db` (see store::Open); kNotFound with a hint to run `vetted import` when the
// database does not exist (it is never created here).
Result<std::unique_ptr<store::Store>> OpenExistingStore(const std::string& db);

}  // namespace vetted::cli
