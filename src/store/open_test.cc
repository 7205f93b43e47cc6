#include "store/open.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"

namespace vetted::store {
namespace {

class OpenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vetted-open-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

ImportInput OneFile() {
  ImportInput in;
  in.files.push_back({"site.toml", "x"});
  return in;
}

TEST_F(OpenTest, AddressesPickTheBackend) {
  struct Case {
    std::string address;
    std::string file;  // created by the open ("" = none)
  } cases[] = {{dir_ + "/plain.db", dir_ + "/plain.db"},
               {"sqlite:" + dir_ + "/scheme.db", dir_ + "/scheme.db"},
               {"memory:", ""},
               {"memory:open-test", ""}};
  for (const Case& c : cases) {
    Result<std::unique_ptr<Store>> store = Open(c.address);
    ASSERT_TRUE(store.ok()) << c.address << ": " << store.status().message();
    ASSERT_TRUE((*store)->Import(OneFile()).ok()) << c.address;
    EXPECT_EQ(*(*store)->Generation(), 1) << c.address;
    if (!c.file.empty()) {
      EXPECT_TRUE(std::filesystem::exists(c.file)) << c.address;
    }
  }
  // Reopened by the same address: the same data (an unnamed memory store is always new).
  for (const char* suffix : {"/plain.db"}) {
    for (const std::string& address : {dir_ + suffix, "sqlite:" + dir_ + suffix}) {
      Result<std::unique_ptr<Store>> store = Open(address, {.create = false});
      ASSERT_TRUE(store.ok()) << address << ": " << store.status().message();
      EXPECT_EQ(*(*store)->Generation(), 1) << address;
    }
  }
  Result<std::unique_ptr<Store>> named = Open("memory:open-test", {.create = false});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(*(*named)->Generation(), 1);
  Result<std::unique_ptr<Store>> fresh = Open("memory:");
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(*(*fresh)->Generation(), 0);
}

TEST_F(OpenTest, MustExist) {
  for (const std::string& address : {dir_ + "/missing.db", "sqlite:" + dir_ + "/missing.db",
                                     std::string("memory:open-test-missing"), std::string("memory:")}) {
    Result<std::unique_ptr<Store>> store = Open(address, {.create = false});
    ASSERT_FALSE(store.ok()) << address;
    EXPECT_EQ(store.status().code(), Code::kNotFound) << address;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/missing.db"));
  Result<std::unique_ptr<Store>> store = Open(dir_ + "/missing.db", {.create = false});
  EXPECT_NE(store.status().message().find("no database at " + dir_ + "/missing.db"), std::string::npos)
      << store.status().message();
}

TEST_F(OpenTest, BadAddressesAreInvalid) {
  struct Case {
    std::string address;
    std::string says;
  } cases[] = {{"", "sqlite:PATH"},
               {"mysql://h/d", "sqlite:PATH, a plain file path, memory:, memory:NAME or postgresql://"},
               {"http://x", "unknown address scheme \"http:\""},
               {"sqlite:", "sqlite:PATH"},
               {"sqlite::memory:", "in-memory"}};
  for (const Case& c : cases) {
    Result<std::unique_ptr<Store>> store = Open(c.address);
    ASSERT_FALSE(store.ok()) << c.address;
    EXPECT_EQ(store.status().code(), Code::kInvalid) << c.address;
    EXPECT_NE(store.status().message().find(c.says), std::string::npos)
        << c.address << ": " << store.status().message();
  }
}

TEST_F(OpenTest, PostgresAddressesReachLibpq) {
  // No server behind this socket folder: the error is libpq's, not "unknown scheme".
  for (std::string address : {"postgresql:///vetted?host=" + dir_, "postgres:///vetted?host=" + dir_}) {
    Result<std::unique_ptr<Store>> store = Open(address);
    ASSERT_FALSE(store.ok()) << address;
    EXPECT_EQ(store.status().code(), Code::kIo) << address;
    EXPECT_NE(store.status().message().find("postgresql: cannot connect"), std::string::npos)
        << store.status().message();
  }
}

TEST_F(OpenTest, DurableOptionReachesSqlite) {
  // A relative path with a dot and a slash is a path, not a scheme.
  std::filesystem::path old = std::filesystem::current_path();
  std::filesystem::current_path(dir_);
  Result<std::unique_ptr<Store>> store = Open("./rel.db", {.durable = false});
  std::filesystem::current_path(old);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/rel.db"));
}

// A revision's created_at comes from OpenOptions::clock, on every backend.
TEST_F(OpenTest, ClockStampsRevisions) {
  util::FixedClock clock(1795672862);  // 2026-11-26T06:01:02Z
  for (const std::string& address : {dir_ + "/clock.db", std::string("memory:")}) {
    Result<std::unique_ptr<Store>> store = Open(address, {.clock = &clock});
    ASSERT_TRUE(store.ok()) << address << ": " << store.status().message();
    ImportInput in = OneFile();
    in.articles.push_back({"content/a/x.md", "/a/x/", "sha256:" + std::string(64, '1'), "one", {}, ""});
    ASSERT_TRUE((*store)->Import(in).ok()) << address;
    clock.Advance(3600);
    in.articles[0].revision = "sha256:" + std::string(64, '2');
    in.articles[0].bytes = "two";
    ASSERT_TRUE((*store)->Import(in).ok()) << address;
    clock.Set(1795672862);
    Result<std::vector<RevisionInfo>> revisions = (*store)->Revisions("content/a/x.md");
    ASSERT_TRUE(revisions.ok()) << address;
    ASSERT_EQ(revisions->size(), 2u) << address;
    EXPECT_EQ((*revisions)[0].created_at, "2026-11-26T06:01:02Z") << address;
    EXPECT_EQ((*revisions)[1].created_at, "2026-11-26T07:01:02Z") << address;
  }
}

}  // namespace
}  // namespace vetted::store
