// `vetted serve OUT`: serves a built site folder.
#include <cstdio>

#include "cli/commands.h"
#include "server/server.h"

namespace vetted::cli {

int RunServe(const ServeArgs& args) {
  Result<server::StaticSite> site = server::StaticSite::Open(args.root);
  if (!site.ok()) {
    std::fprintf(stderr, "vetted serve: %s (build it first: vetted build SITE -o %s)\n",
                 site.status().message().c_str(), args.root.c_str());
    return 2;
  }
  server::ServeOptions options;
  options.listen = args.listen;
  options.threads = args.threads;
  Status served = server::Serve(*site, options, [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  });
  if (!served.ok()) {
    std::fprintf(stderr, "vetted serve: %s\n", served.message().c_str());
    return 2;
  }
  return 0;
}

}  // namespace vetted::cli
