// `vetted db copy --from ADDRESS --to ADDRESS` (commands.h).
#include <cstdio>

#include "cli/commands.h"
#include "store/open.h"

namespace vetted::cli {

int RunDbCopy(const DbCopyArgs& args) {
  for (const std::string* address : {&args.from, &args.to}) {
    if (address->rfind("memory:", 0) == 0) {
      std::fprintf(stderr,
                   "vetted db copy: %s: a memory: store cannot be copied (only sqlite: files and "
                   "postgresql:// databases); nothing was copied\n",
                   address->c_str());
      return 1;
    }
  }
  Result<std::unique_ptr<store::Store>> from = store::Open(args.from, {.create = false});
  if (!from.ok()) {
    std::fprintf(stderr, "vetted db copy: %s: %s\n", args.from.c_str(), from.status().message().c_str());
    return 1;
  }
  Result<std::unique_ptr<store::Store>> to = store::Open(args.to, {.create = true});
  if (!to.ok()) {
    std::fprintf(stderr, "vetted db copy: %s: %s\n", args.to.c_str(), to.status().message().c_str());
    return 1;
  }
  Result<store::CopyReport> report = store::CopyStore(**from, **to);
  if (!report.ok()) {
    std::fprintf(stderr, "vetted db copy: %s; nothing was copied\n", report.status().message().c_str());
    return 1;
  }
  int64_t total = 0;
  for (const auto& [table, rows] : report->tables) {
    std::printf("%-20s %10lld rows\n", table.c_str(), static_cast<long long>(rows));
    total += rows;
  }
  std::printf("%-20s %10lld articles indexed\n", "search", static_cast<long long>(report->indexed));
  std::printf("copied %lld rows in one transaction\n", static_cast<long long>(total));
  return 0;
}

}  // namespace vetted::cli
