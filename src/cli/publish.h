// Internal to cli/: the render and publish phases shared by `vetted build`
// (from a folder) and `vetted export` (from the database).
#pragma once

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/status.h"

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
  std::string label;              // the site folder or database, for messages
  std::string out;                // output folder
  bool quiet = false;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  // Reads a file of the site's static/ folder.
  std::function<Result<std::string>(const StaticFile&)> read_static;
  // "Related articles" supplier (render::Options::related); empty = built in.
  std::function<std::vector<std::string>(const std::string&)> related;
};

// Assembles the site's Markdown, renders every page and writes it, with the
// static files, into a staging folder that replaces `out` only when nothing
// failed. Prints diagnostics and a summary; returns the exit code.
int AssembleAndPublish(const Site& site, const PublishJob& job, PhaseTimer& phase);

}  // namespace vetted::cli
