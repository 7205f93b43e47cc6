// Tests' access to the throwaway PostgreSQL cluster (scripts/pg-test-cluster.sh):
// started on first use (ctest also starts it as the `pg` fixture and stops it
// after the last test), listening only on a Unix socket in a folder of /tmp
// derived from the build folder (or $VETTED_PG_TEST_DIR).
#pragma once

#include <string>

#include "model/status.h"

namespace vetted::pg_testing {

// The cluster's socket folder.
std::string ClusterDir();

// A store address ("postgresql:///postgres?host=...&options=-csearch_path%3D<schema>")
// whose tables live in schema `schema` (letters, digits, '_'), created when
// missing: each test uses a schema of its own, so tests never see each other's data.
Result<std::string> Address(const std::string& schema);

// A schema name derived from any text (a test's temp folder): "t_<hex>".
std::string SchemaFor(const std::string& text);

// Drops `schema` and everything in it.
Status DropSchema(const std::string& schema);

}  // namespace vetted::pg_testing
