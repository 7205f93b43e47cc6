// store/postgres/: the schema steps (schema.cc), applied in order by
// Migrate (postgres_store.cc). Append only: a released step never changes.
#pragma once

#include <array>

namespace vetted::store::postgres {

// Step i (0-based) brings the database to version i + 1.
extern const std::array<const char*, 5> kMigrations;

}  // namespace vetted::store::postgres
