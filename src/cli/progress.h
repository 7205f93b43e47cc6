// A progress bar on stderr when it is a terminal; silent otherwise.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

namespace vetted::cli {

class Progress {
 public:
  // Shows a bar only when stderr is a terminal, `enabled`, and total is
  // large enough to be worth it.
  Progress(std::string label, size_t total, bool enabled);
  ~Progress();
  // Thread-safe; redraws at most every 50 ms.
  void Update(size_t done);
  void Finish();

 private:
  void Draw(size_t done);
  std::string label_;
  size_t total_;
  bool active_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_;
  bool finished_ = false;
};

}  // namespace vetted::cli
