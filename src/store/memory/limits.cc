// The memory backend's limits (store/limits.h): maps under one lock.
#include <algorithm>
#include <mutex>

#include "store/memory/internal.h"

namespace vetted::store::memory {

Result<std::string> MemoryLimits::LimitsSecret(const std::string& candidate) {
  std::lock_guard lock(d_.mu);
  if (d_.secret.empty()) {
    if (candidate.empty()) return Status::Invalid("limits: empty secret");
    d_.secret = candidate;
  }
  return d_.secret;
}

Status MemoryLimits::AddFailure(const std::string& key, long long at, int keep, long long prune_before) {
  std::lock_guard lock(d_.mu);
  std::vector<long long>& times = d_.failures[key];
  times.insert(std::upper_bound(times.begin(), times.end(), at), at);
  const size_t kept = static_cast<size_t>(std::max(1, keep));
  if (times.size() > kept) times.erase(times.begin(), times.end() - static_cast<std::ptrdiff_t>(kept));
  for (auto it = d_.failures.begin(); it != d_.failures.end();) {
    std::vector<long long>& t = it->second;
    t.erase(t.begin(), std::upper_bound(t.begin(), t.end(), prune_before));
    it = t.empty() ? d_.failures.erase(it) : std::next(it);
  }
  return Status::Ok();
}

Result<std::vector<long long>> MemoryLimits::FailuresSince(const std::string& key, long long since) {
  std::lock_guard lock(d_.mu);
  auto it = d_.failures.find(key);
  if (it == d_.failures.end()) return std::vector<long long>{};
  const std::vector<long long>& t = it->second;
  return std::vector<long long>(std::upper_bound(t.begin(), t.end(), since), t.end());
}

Status MemoryLimits::ClearFailures(const std::string& key) {
  std::lock_guard lock(d_.mu);
  d_.failures.erase(key);
  return Status::Ok();
}

Result<bool> MemoryLimits::TakeToken(const std::string& key, double per_second, double burst, double now,
                                     double prune_before) {
  burst = std::max(1.0, burst);
  per_second = std::max(0.0, per_second);
  std::lock_guard lock(d_.mu);
  bool taken = true;
  auto it = d_.buckets.find(key);
  if (it == d_.buckets.end()) {
    d_.buckets.emplace(key, LimitsData::Bucket{burst - 1, now});
  } else {
    LimitsData::Bucket& b = it->second;
    double tokens = std::min(burst, b.tokens + std::max(0.0, now - b.last) * per_second);
    taken = tokens >= 1;
    b.tokens = taken ? tokens - 1 : tokens;
    b.last = std::max(b.last, now);
  }
  std::erase_if(d_.buckets, [&](const auto& kv) { return kv.second.last <= prune_before; });
  return taken;
}

}  // namespace vetted::store::memory
