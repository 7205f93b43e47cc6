// store/: small helpers shared by the backends' Import (not part of the front
// door: only store/*/ backends include it).
#pragma once

#include <string>

#include "store/store.h"
#include "util/util.h"

namespace vetted::store {

// Store::Import's input check: kInvalid for an article with an empty path or
// URL, a file with an empty path, or a path or URL given twice (an article
// path also used by a file counts as twice).
Status ValidateImport(const ImportInput& input);

// `clock`'s time as UTC "2026-11-26T06:01:02Z" (a revision's created_at).
std::string UtcNow(const util::Clock& clock);

}  // namespace vetted::store
