// Internal to cli/: what `vetted build` (from a folder) and `vetted export`
// (from the database) share around publish::ToFolder: phase timings, the
// progress bar and the report.
#pragma once

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "model/model.h"
#include "publish/publish.h"

namespace vetted::cli {

// VETTED_TIMINGS=1 prints each phase's wall and CPU time to stderr.
class PhaseTimer {
 public:
  PhaseTimer() : enabled_(std::getenv("VETTED_TIMINGS") != nullptr), last_cpu_(CpuSeconds()) {}
  void operator()(const char* name);

 private:
  static double CpuSeconds();
  bool enabled_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  double last_cpu_;
};

struct PublishJob {
  const char* command = "build";  // for messages: "build" or "export"
  std::string label;              // the site folder or database: the prefix of diagnostics
  std::string check_site;         // the site folder `vetted check` would take; "" when none
  std::string out;                // output folder
  bool quiet = false;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  // Reads a file of the site's static/ folder.
  std::function<Result<std::string>(const StaticFile&)> read_static;
  // "Related articles" supplier (render::Options::related); empty = built in.
  std::function<std::vector<std::string>(const std::string&)> related;
};

// publish::ToFolder with a progress bar, then the diagnostics (errors and
// warnings, sorted, on stderr) and a summary. Returns the exit code: 0 when
// published, 1 when content errors refused it, 2 for any other failure.
int AssembleAndPublish(const Site& site, const PublishJob& job, PhaseTimer& phase);

}  // namespace vetted::cli
