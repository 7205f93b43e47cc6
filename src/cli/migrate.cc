// `vetted migrate --db ADDRESS [--status]` (commands.h).
#include <cstdio>

#include "cli/commands.h"
#include "store/open.h"

namespace vetted::cli {
namespace {

void Print(const store::SchemaVersions& v) {
  const char* state =
      v.database == v.program ? "up to date"
      : v.database > v.program
          ? "newer than this program: run a vetted at least as new as the one that migrated it"
      : v.database == 0 ? "empty: every step to apply"
                        : "older: steps to apply";
  std::printf("schema: %s version %d of %d (%s)\n", v.backend.c_str(), v.database, v.program, state);
}

}  // namespace

int RunMigrate(const MigrateArgs& args) {
  Result<store::SchemaVersions> before = store::SchemaStatus(args.db);
  if (!before.ok() && before.status().code() == Code::kNotFound && !args.status)
    before = store::SchemaVersions{"sqlite", 0, 0};  // a new SQLite file: created below
  if (!before.ok()) {
    std::fprintf(stderr, "vetted migrate: %s: %s\n", args.db.c_str(), before.status().message().c_str());
    return 1;
  }
  if (args.status) {
    Print(*before);
    return before->database > before->program ? 1 : 0;
  }
  Result<std::unique_ptr<store::Store>> store = store::Open(args.db, {.create = true});
  if (!store.ok()) {
    std::fprintf(stderr, "vetted migrate: %s: %s\n", args.db.c_str(), store.status().message().c_str());
    return 1;
  }
  store->reset();
  Result<store::SchemaVersions> after = store::SchemaStatus(args.db);
  if (!after.ok()) {
    std::fprintf(stderr, "vetted migrate: %s: %s\n", args.db.c_str(), after.status().message().c_str());
    return 1;
  }
  std::printf("migrated from version %d to %d\n", before->database, after->database);
  Print(*after);
  return 0;
}

}  // namespace vetted::cli
