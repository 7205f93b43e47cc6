#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace vetted::cli {
namespace {
constexpr size_t kMinItemsForBar = 200;
constexpr int kBarWidth = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(50);
}  // namespace

Progress::Progress(std::string label, size_t total, bool enabled)
    : label_(std::move(label)), total_(total), active_(enabled && total >= kMinItemsForBar && isatty(2)) {}

Progress::~Progress() {
  Finish();
}

void Progress::Update(size_t done) {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (finished_ || (now - last_ < kRedrawEvery && done < total_)) return;
  last_ = now;
  Draw(done);
}

void Progress::Draw(size_t done) {
  int filled = total_ ? static_cast<int>(kBarWidth * done / total_) : kBarWidth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kBarWidth - filled), '.');
  std::fprintf(stderr, "\r%s [%s] %zu/%zu", label_.c_str(), bar.c_str(), done, total_);
  std::fflush(stderr);
}

void Progress::Finish() {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  finished_ = true;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace vetted::cli
