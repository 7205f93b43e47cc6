// Acknowledged feedback survives a crash: clients post feedback while the
// server is killed with SIGKILL; every row answered with 201 must be in the
// database afterwards, and the database must pass PRAGMA integrity_check.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "vetted_process.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using namespace vetted::testing;

namespace {

const std::string kArticle = "/relationships/sex-and-relationships/why-you-might-cry-during-sex/";

// Posts feedback over one keep-alive connection until the server goes away;
// records the comment of every post answered 201 with its id.
void Client(int port, int client, std::mutex& mu, std::map<int64_t, std::string>& acked) {
  int fd = Connect(port);
  if (fd < 0) return;
  std::string buffer;
  char chunk[4096];
  for (int n = 0;; ++n) {
    std::string comment = "client " + std::to_string(client) + " post " + std::to_string(n);
    std::string body = nlohmann::json{
        {"article", kArticle},
        {"helpful", true},
        {"category", "helpful"},
        {"comment",
         comment}}.dump();
    std::string req =
        "POST /api/feedback HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) break;
    size_t end;
    bool ok = true;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos || buffer.size() < end + 4 + 1) {
      ssize_t got = recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) {
        ok = false;
        break;
      }
      buffer.append(chunk, static_cast<size_t>(got));
      if ((end = buffer.find("\r\n\r\n")) != std::string::npos) {
        size_t cl = buffer.find("Content-Length: ");
        if (cl == std::string::npos || cl > end) continue;
        size_t length = std::stoul(buffer.substr(cl + 16));
        if (buffer.size() >= end + 4 + length) break;
      }
    }
    if (!ok) break;
    size_t cl = buffer.find("Content-Length: ");
    size_t length = std::stoul(buffer.substr(cl + 16));
    std::string head = buffer.substr(0, end);
    std::string response_body = buffer.substr(end + 4, length);
    buffer.erase(0, end + 4 + length);
    if (head.compare(9, 3, "201") != 0) continue;
    auto j = nlohmann::json::parse(response_body, nullptr, false);
    if (j.is_discarded() || !j.contains("id")) continue;
    std::lock_guard<std::mutex> lock(mu);
    acked[j["id"].get<int64_t>()] = comment;
  }
  close(fd);
}

TEST(DurabilityTest, EveryAcknowledgedFeedbackSurvivesSigkill) {
  fs::path dir = fs::temp_directory_path() / ("vetted-durability-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string db = (dir / "v.db").string(), out;
  ASSERT_EQ(RunVetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + db + " -q", &out), 0)
      << out;

  Server server(db, {"--feedback-rate", "1000000", "--feedback-burst", "1000000"});
  int port = server.port();
  ASSERT_GT(port, 0) << server.log();

  std::mutex mu;
  std::map<int64_t, std::string> acked;
  std::vector<std::thread> clients;
  for (int c = 0; c < 16; ++c) clients.emplace_back(Client, port, c, std::ref(mu), std::ref(acked));
  // Kill once a good number of posts were acknowledged, with many in flight.
  for (int i = 0; i < 200; ++i) {
    std::this_thread::sleep_for(25ms);
    std::lock_guard<std::mutex> lock(mu);
    if (acked.size() >= 300) break;
  }
  EXPECT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);
  for (auto& t : clients) t.join();
  ASSERT_GE(acked.size(), 50u) << "too few posts acknowledged to test anything\n" << server.log();

  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_stmt* check = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(handle, "PRAGMA integrity_check", -1, &check, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(check), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(check, 0)), "ok");
  sqlite3_finalize(check);
  sqlite3_close(handle);

  ASSERT_EQ(RunVetted("feedback export --db " + db + " --format json", &out), 0) << out;
  auto rows = nlohmann::json::parse(out);
  std::map<int64_t, std::string> stored;
  for (const auto& row : rows) stored[row["id"].get<int64_t>()] = row["comment"].get<std::string>();
  size_t missing = 0;
  for (const auto& [id, comment] : acked) {
    auto it = stored.find(id);
    if (it == stored.end() || it->second != comment) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged";
  std::printf("acknowledged %zu, stored %zu, missing %zu\n", acked.size(), stored.size(), missing);
  fs::remove_all(dir);
}

// SIGTERM while posts wait for their commit: the server drains them (each is
// stored and answered), stops within a second and logs it.
TEST(DurabilityTest, SigtermDrainsFeedbackInFlight) {
  fs::path dir = fs::temp_directory_path() / ("vetted-sigterm-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string db = (dir / "v.db").string(), out;
  ASSERT_EQ(RunVetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + db + " -q", &out), 0)
      << out;
  Server server(db, {"--feedback-rate", "1000000", "--feedback-burst", "1000000"});
  ASSERT_GT(server.port(), 0) << server.log();
  std::mutex mu;
  std::map<int64_t, std::string> acked;
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) clients.emplace_back(Client, server.port(), c, std::ref(mu), std::ref(acked));
  for (int i = 0; i < 200; ++i) {
    std::this_thread::sleep_for(25ms);
    std::lock_guard<std::mutex> lock(mu);
    if (acked.size() >= 100) break;
  }
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  for (auto& t : clients) t.join();
  std::string log = server.log();
  EXPECT_NE(log.find("stopping: SIGTERM, "), std::string::npos)
      << log.substr(log.size() > 2000 ? log.size() - 2000 : 0);
  EXPECT_NE(log.find("\nstopped after "), std::string::npos)
      << log.substr(log.size() > 2000 ? log.size() - 2000 : 0);
  ASSERT_GE(acked.size(), 50u) << "too few posts acknowledged to test anything";

  ASSERT_EQ(RunVetted("feedback export --db " + db + " --format json", &out), 0) << out;
  std::map<int64_t, std::string> stored;
  for (const auto& row : nlohmann::json::parse(out))
    stored[row["id"].get<int64_t>()] = row["comment"].get<std::string>();
  EXPECT_EQ(stored, acked) << "acknowledged " << acked.size() << ", stored " << stored.size();
  fs::remove_all(dir);
}

}  // namespace
