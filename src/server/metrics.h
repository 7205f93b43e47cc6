// Internal to server/ (and cli/serve): counters and a latency histogram,
// written out in the Prometheus text exposition format for /metrics.
// Thread-safe; recording is cheap enough for every request.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vetted::server {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request: counted in vetted_http_requests_total{route,status}
  // and observed in vetted_http_request_duration_seconds{route} (histogram,
  // buckets from 100 us to 10 s).
  void RecordRequest(std::string_view route, int status, double seconds);

  // Adds to a counter. `name` is a metric name ([a-z_]+, ending in _total),
  // `labels` is "" or a label set without braces, e.g. result="accepted".
  // The first call for a name declares it with `help`.
  void Add(std::string_view name, std::string_view labels, uint64_t delta, std::string_view help);

  // Sets a gauge (same naming rules, without _total).
  void Set(std::string_view name, std::string_view labels, double value, std::string_view help);

  // Everything, as Prometheus text format 0.0.4 (HELP and TYPE lines, sorted
  // by name, then labels).
  std::string Prometheus() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vetted::server
