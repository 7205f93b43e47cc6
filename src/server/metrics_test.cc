#include "server/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace vetted::server {
namespace {

bool Contains(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(MetricsTest, EmptyHasTheRequestFamilies) {
  Metrics m;
  EXPECT_EQ(m.Prometheus(),
            "# HELP vetted_http_request_duration_seconds Time from a parsed request to its response written, "
            "by route, in seconds.\n"
            "# TYPE vetted_http_request_duration_seconds histogram\n"
            "# HELP vetted_http_requests_total HTTP requests answered, by route and status.\n"
            "# TYPE vetted_http_requests_total counter\n");
}

TEST(MetricsTest, RequestsAndHistogram) {
  Metrics m;
  m.RecordRequest("page", 200, 0.00005);  // first bucket
  m.RecordRequest("page", 200, 0.0001);   // le is inclusive
  m.RecordRequest("page", 304, 0.003);
  m.RecordRequest("page", 200, 20.0);  // above every bound: only +Inf
  m.RecordRequest("search", 200, 0.5);
  std::string text = m.Prometheus();

  struct {
    std::string line;
  } lines[] = {
      {"vetted_http_requests_total{route=\"page\",status=\"200\"} 3"},
      {"vetted_http_requests_total{route=\"page\",status=\"304\"} 1"},
      {"vetted_http_requests_total{route=\"search\",status=\"200\"} 1"},
      {"vetted_http_request_duration_seconds_bucket{route=\"page\",le=\"0.0001\"} 2"},
      {"vetted_http_request_duration_seconds_bucket{route=\"page\",le=\"0.00025\"} 2"},
      {"vetted_http_request_duration_seconds_bucket{route=\"page\",le=\"0.0025\"} 2"},
      {"vetted_http_request_duration_seconds_bucket{route=\"page\",le=\"0.005\"} 3"},
      {"vetted_http_request_duration_seconds_bucket{route=\"page\",le=\"10\"} 3"},
      {"vetted_http_request_duration_seconds_bucket{route=\"page\",le=\"+Inf\"} 4"},
      {"vetted_http_request_duration_seconds_count{route=\"page\"} 4"},
      {"vetted_http_request_duration_seconds_bucket{route=\"search\",le=\"0.25\"} 0"},
      {"vetted_http_request_duration_seconds_bucket{route=\"search\",le=\"0.5\"} 1"},
      {"vetted_http_request_duration_seconds_sum{route=\"search\"} 0.5"},
      {"vetted_http_request_duration_seconds_count{route=\"search\"} 1"},
  };
  for (const auto& l : lines) EXPECT_TRUE(Contains(text, l.line)) << l.line << "\n" << text;
  // Sorted by name: duration before requests; within a family by labels.
  EXPECT_LT(text.find("vetted_http_request_duration_seconds"), text.find("vetted_http_requests_total"));
  EXPECT_LT(text.find("status=\"200\"} 3"), text.find("status=\"304\"}"));
  // 17 buckets per route, each with a TYPE-consistent name.
  size_t buckets = 0;
  for (size_t p = 0; (p = text.find("_bucket{", p)) != std::string::npos; ++p) ++buckets;
  EXPECT_EQ(buckets, 2u * 17u);
}

TEST(MetricsTest, CountersAndGauges) {
  Metrics m;
  m.Add("vetted_feedback_total", "result=\"accepted\"", 2, "Feedback posts.");
  m.Add("vetted_feedback_total", "result=\"rejected\"", 1, "ignored: declared already");
  m.Add("vetted_feedback_total", "result=\"accepted\"", 3, "");
  m.Add("vetted_cache_hits_total", "", 7, "Page cache hits.\nSecond line \\ slash.");
  m.Add("Bad-Name", "", 1, "refused");
  m.Set("vetted_cache_pages", "", 12, "Pages in the cache.");
  m.Set("vetted_cache_pages", "", 10, "");
  m.Set("vetted_ratio", "kind=\"x\"", 0.25, "A ratio.");
  std::string text = m.Prometheus();
  std::string expected_tail =
      "# HELP vetted_feedback_total Feedback posts.\n"
      "# TYPE vetted_feedback_total counter\n"
      "vetted_feedback_total{result=\"accepted\"} 5\n"
      "vetted_feedback_total{result=\"rejected\"} 1\n"
      "# HELP vetted_http_request_duration_seconds";
  EXPECT_NE(text.find(expected_tail), std::string::npos) << text;
  EXPECT_NE(text.find("# HELP vetted_cache_hits_total Page cache hits.\\nSecond line \\\\ slash.\n"
                      "# TYPE vetted_cache_hits_total counter\nvetted_cache_hits_total 7\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE vetted_cache_pages gauge\nvetted_cache_pages 10\n"), std::string::npos) << text;
  EXPECT_TRUE(Contains(text, "vetted_ratio{kind=\"x\"} 0.25"));
  EXPECT_EQ(text.find("Bad-Name"), std::string::npos);
  // Families in name order.
  EXPECT_LT(text.find("vetted_cache_hits_total"), text.find("vetted_cache_pages"));
  EXPECT_LT(text.find("vetted_cache_pages"), text.find("vetted_feedback_total"));
  EXPECT_LT(text.find("vetted_http_requests_total"), text.find("vetted_ratio"));
  // Every line is a comment or "name[{labels}] value".
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    std::string line = text.substr(start, end - start);
    EXPECT_TRUE(line.rfind("# ", 0) == 0 || line.find(' ') != std::string::npos) << line;
    start = end + 1;
  }
}

TEST(MetricsTest, ManyThreadsLoseNothing) {
  Metrics m;
  constexpr int kThreads = 4, kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < kEach; ++i) {
        m.RecordRequest(i % 2 ? "page" : "static", 200, 0.001);
        m.Add("vetted_cache_hits_total", "", 1, "hits");
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string text = m.Prometheus();
  std::string half = std::to_string(kThreads * kEach / 2);
  EXPECT_TRUE(Contains(text, "vetted_http_requests_total{route=\"page\",status=\"200\"} " + half)) << text;
  EXPECT_TRUE(Contains(text, "vetted_http_requests_total{route=\"static\",status=\"200\"} " + half));
  EXPECT_TRUE(Contains(text, "vetted_http_request_duration_seconds_count{route=\"page\"} " + half));
  EXPECT_TRUE(Contains(text, "vetted_cache_hits_total " + std::to_string(kThreads * kEach)));
}

}  // namespace
}  // namespace vetted::server
