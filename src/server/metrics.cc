// Metrics: sharded counters so that recording every request costs one
// uncontended lock and a short scan; Prometheus() merges the shards.
#include "server/metrics.h"

#include <array>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vetted::server {
namespace {

constexpr std::string_view kRequestsName = "vetted_http_requests_total";
constexpr std::string_view kRequestsHelp = "HTTP requests answered, by route and status.";
constexpr std::string_view kLatencyName = "vetted_http_request_duration_seconds";
constexpr std::string_view kLatencyHelp =
    "Time from a parsed request to its response written, by route, in seconds.";

// Histogram upper bounds (le), 100 us to 10 s, with their labels as written.
constexpr double kBounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                              0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
constexpr std::string_view kBoundLabels[] = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005",
                                             "0.01",   "0.025",   "0.05",   "0.1",   "0.25",   "0.5",
                                             "1",      "2.5",     "5",      "10"};
constexpr size_t kBucketCount = std::size(kBounds) + 1;  // the last one is +Inf
constexpr size_t kShards = 8;

struct RequestCount {
  std::string route;
  int status;
  uint64_t count;
};

struct Latency {
  std::array<uint64_t, kBucketCount> buckets{};  // not cumulative
  double sum = 0;
  uint64_t count = 0;

  void Merge(const Latency& o) {
    for (size_t i = 0; i < kBucketCount; ++i) buckets[i] += o.buckets[i];
    sum += o.sum;
    count += o.count;
  }
};

struct CounterValue {
  std::string name, labels;
  uint64_t value;
};

struct alignas(64) Shard {
  std::mutex mu;
  std::vector<RequestCount> requests;
  std::vector<std::pair<std::string, Latency>> latency;  // by route
  std::vector<CounterValue> counters;
};

// Each thread records into one shard, handed out round-robin.
size_t ShardIndex() {
  static std::atomic<size_t> next{0};
  thread_local size_t index = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return index;
}

size_t BucketOf(double seconds) {
  size_t i = 0;
  while (i < std::size(kBounds) && seconds > kBounds[i]) ++i;
  return i;
}

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

void AppendNumber(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
  }
}

void AppendHelpAndType(std::string& out, std::string_view name, std::string_view help,
                       std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// name{labels} value
void AppendSample(std::string& out, std::string_view name, std::string_view labels, std::string_view value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

std::string Quoted(std::string_view key, std::string_view value) {
  std::string s(key);
  s += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') s += '\\';
    if (c == '\n') {
      s += "\\n";
      continue;
    }
    s += c;
  }
  return s + "\"";
}

std::string HistogramText(const std::map<std::string, Latency>& latency) {
  std::string out;
  AppendHelpAndType(out, kLatencyName, kLatencyHelp, "histogram");
  std::string bucket_name = std::string(kLatencyName) + "_bucket";
  for (const auto& [route, lat] : latency) {
    std::string route_label = Quoted("route", route);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBucketCount; ++i) {
      cumulative += lat.buckets[i];
      std::string_view le = i < std::size(kBoundLabels) ? kBoundLabels[i] : "+Inf";
      AppendSample(out, bucket_name, route_label + ",le=\"" + std::string(le) + "\"",
                   std::to_string(cumulative));
    }
    std::string sum;
    AppendNumber(sum, lat.sum);
    AppendSample(out, std::string(kLatencyName) + "_sum", route_label, sum);
    AppendSample(out, std::string(kLatencyName) + "_count", route_label, std::to_string(lat.count));
  }
  return out;
}

}  // namespace

struct Metrics::Impl {
  std::array<Shard, kShards> shards;
  std::mutex mu;  // guards help and gauges
  std::map<std::string, std::string, std::less<>> counter_help;
  struct Gauge {
    std::string help;
    std::map<std::string, double> values;  // by labels
  };
  std::map<std::string, Gauge, std::less<>> gauges;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::RecordRequest(std::string_view route, int status, double seconds) {
  Shard& shard = impl_->shards[ShardIndex()];
  std::lock_guard<std::mutex> lock(shard.mu);
  bool found = false;
  for (RequestCount& r : shard.requests) {
    if (r.status == status && r.route == route) {
      ++r.count;
      found = true;
      break;
    }
  }
  if (!found) shard.requests.push_back({std::string(route), status, 1});
  Latency* lat = nullptr;
  for (auto& [r, l] : shard.latency) {
    if (r == route) {
      lat = &l;
      break;
    }
  }
  if (lat == nullptr) lat = &shard.latency.emplace_back(std::string(route), Latency{}).second;
  ++lat->buckets[BucketOf(seconds)];
  lat->sum += seconds;
  ++lat->count;
}

void Metrics::Add(std::string_view name, std::string_view labels, uint64_t delta, std::string_view help) {
  if (!ValidName(name)) return;
  Shard& shard = impl_->shards[ShardIndex()];
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (CounterValue& c : shard.counters) {
      if (c.name == name && c.labels == labels) {
        c.value += delta;
        return;
      }
    }
    shard.counters.push_back({std::string(name), std::string(labels), delta});
  }
  std::lock_guard<std::mutex> lock(impl_->mu);  // first use of this series in this shard
  if (impl_->counter_help.find(name) == impl_->counter_help.end()) {
    impl_->counter_help.emplace(std::string(name), std::string(help));
  }
}

void Metrics::Set(std::string_view name, std::string_view labels, double value, std::string_view help) {
  if (!ValidName(name)) return;
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->gauges.find(name);
  if (it == impl_->gauges.end())
    it = impl_->gauges.emplace(std::string(name), Impl::Gauge{std::string(help), {}}).first;
  it->second.values[std::string(labels)] = value;
}

std::string Metrics::Prometheus() const {
  std::map<std::pair<std::string, int>, uint64_t> requests;
  std::map<std::string, Latency> latency;
  std::map<std::string, std::map<std::string, uint64_t>> counters;  // name -> labels -> value
  for (Shard& shard : impl_->shards) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (const RequestCount& r : shard.requests) requests[{r.route, r.status}] += r.count;
    for (const auto& [route, lat] : shard.latency) latency[route].Merge(lat);
    for (const CounterValue& c : shard.counters) counters[c.name][c.labels] += c.value;
  }
  std::map<std::string, std::string> families;  // name -> text, written in name order
  {
    std::string text;
    AppendHelpAndType(text, kRequestsName, kRequestsHelp, "counter");
    for (const auto& [key, count] : requests) {
      AppendSample(text, kRequestsName,
                   Quoted("route", key.first) + "," + Quoted("status", std::to_string(key.second)),
                   std::to_string(count));
    }
    families[std::string(kRequestsName)] = std::move(text);
    families[std::string(kLatencyName)] = HistogramText(latency);
  }
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (const auto& [name, series] : counters) {
    std::string text;
    auto help = impl_->counter_help.find(name);
    AppendHelpAndType(text, name, help == impl_->counter_help.end() ? "" : help->second, "counter");
    for (const auto& [labels, value] : series) AppendSample(text, name, labels, std::to_string(value));
    families[name] = std::move(text);
  }
  for (const auto& [name, gauge] : impl_->gauges) {
    std::string text;
    AppendHelpAndType(text, name, gauge.help, "gauge");
    for (const auto& [labels, value] : gauge.values) {
      std::string v;
      AppendNumber(v, value);
      AppendSample(text, name, labels, v);
    }
    families[name] = std::move(text);
  }
  std::string out;
  for (const auto& [name, text] : families) out += text;
  return out;
}

}  // namespace vetted::server
