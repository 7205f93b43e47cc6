// `vetted revision FILE...`: prints the revision hash a reviewer signs off
// (model RevisionOf: everything a reader sees). Only articles have revisions.
#include <cstdio>

#include "cli/article_file.h"
#include "cli/commands.h"
#include "load/load.h"

namespace vetted::cli {

int RunRevision(const RevisionArgs& args) {
  int status = 0;
  for (const auto& file : args.files) {
    if (auto section = SectionFileMessage(file)) {
      std::fprintf(stderr, "vetted revision: %s\n", section->c_str());
      status = 1;
      continue;
    }
    Result<std::string> text = load::Disk().Read(file);
    if (!text.ok()) {
      std::fprintf(stderr, "vetted revision: %s\n", text.status().message().c_str());
      status = 2;
      continue;
    }
    std::vector<Diagnostic> diagnostics;
    Article article = load::ParseArticle(*text, file, diagnostics);
    std::printf("%s  %s\n", article.revision.c_str(), file.c_str());
  }
  return status;
}

}  // namespace vetted::cli
