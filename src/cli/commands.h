// cli/: one handler per subcommand, listed in one table (main.cc). Handlers
// return the process exit code and print to stdout/stderr; nothing here is a
// library API.
#pragma once

#include <string>
#include <vector>

namespace vetted::cli {

struct BuildArgs {
  std::string site = ".";
  std::string out = "public";
  bool quiet = false;
};
int RunBuild(const BuildArgs& args);

struct CheckArgs {
  std::string site = ".";
  std::string format = "text";  // text | json
  double max_grade = -1;
  std::string today;  // YYYY-MM-DD; empty = the system clock's date
};
int RunCheck(const CheckArgs& args);

struct ServeArgs {
  std::string root;
  std::string listen = "127.0.0.1:8080";
  int threads = 0;
};
int RunServe(const ServeArgs& args);

struct RevisionArgs {
  std::vector<std::string> files;
};
int RunRevision(const RevisionArgs& args);

}  // namespace vetted::cli
