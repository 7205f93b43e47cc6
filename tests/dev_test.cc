// `vetted dev SITE`: a saved change is served without a restart, and the page
// carries the script that reloads the browser; a change with errors keeps the
// last good content and says why.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "vetted_process.h"

namespace vetted::testing {
namespace {

constexpr const char* kArticle = "content/sleep/how-much-sleep-do-adults-need.md";
constexpr const char* kPage = "/sleep/how-much-sleep-do-adults-need/";

void Replace(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = Read(file);
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

// Polls `target` until its response contains `needle`; the milliseconds it
// took, or -1 after 10 s.
long WaitFor(int port, const std::string& target, const std::string& needle) {
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    if (HttpGet(port, target).find(needle) != std::string::npos)
      return static_cast<long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
              .count());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

TEST(Dev, ASavedChangeIsServedAndTheBrowserIsToldToReload) {
  fs::path dir = TempDir("dev");
  fs::path site = dir / "site";
  ASSERT_EQ(RunVetted("new " + site.string()), 0);
  Server dev(Server::Command{{"dev", site.string(), "--listen", "127.0.0.1:0"}}, {});
  ASSERT_GT(dev.port(), 0) << dev.log();

  std::string page = HttpGet(dev.port(), kPage);
  ASSERT_NE(page.find("HTTP/1.1 200"), std::string::npos) << page;
  EXPECT_NE(page.find("<script src=\"/__vetted/dev.js\" defer></script>\n</body>"), std::string::npos);
  EXPECT_NE(HttpGet(dev.port(), "/__vetted/dev.js").find("location.reload()"), std::string::npos);
  std::string status = HttpGet(dev.port(), "/__vetted/status");
  EXPECT_NE(status.find("{\"generation\":1,\"errors\":\"\"}"), std::string::npos) << status;

  // A saved edit is served, and the generation the script polls moves on.
  Replace(site / kArticle, "Aim for 7 hours or more.", "Aim for eight hours or more.");
  long ms = WaitFor(dev.port(), kPage, "Aim for eight hours or more.");
  EXPECT_GE(ms, 0) << dev.log();
  EXPECT_NE(HttpGet(dev.port(), "/__vetted/status").find("\"generation\":2"), std::string::npos);

  // A change with an error: the last good page stays, the status names the error.
  Replace(site / kArticle, "authors: [alex-writer]", "authors: [alex-writr]");
  EXPECT_GE(WaitFor(dev.port(), "/__vetted/status", "is not a known person"), 0) << dev.log();
  EXPECT_NE(HttpGet(dev.port(), kPage).find("Aim for eight hours or more."), std::string::npos);
  // Fixed again: the error goes away.
  Replace(site / kArticle, "authors: [alex-writr]", "authors: [alex-writer]");
  EXPECT_GE(WaitFor(dev.port(), "/__vetted/status", "\"errors\":\"\""), 0) << dev.log();

  // A new article in a new folder is picked up too.
  fs::create_directories(site / "content/rest");
  std::string article = Read(site / kArticle);
  std::ofstream(site / "content/rest/naps.md") << article;
  EXPECT_GE(WaitFor(dev.port(), "/rest/naps/", "HTTP/1.1 200"), 0) << dev.log();
  EXPECT_EQ(dev.Stop(SIGTERM), 0) << dev.log();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vetted::testing
