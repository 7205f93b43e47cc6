#include "store/postgres/postgres_store.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "store/contract_test.h"
#include "store/postgres/pg.h"
#include "store/postgres/store_impl.h"
#include "store/postgres/testing/cluster.h"
#include "store/postgres/testing/schema_test.h"

namespace vetted::store {
namespace {

std::unique_ptr<Store> MakePostgres(const std::string& dir) {
  Result<std::string> address = pg_testing::Address(pg_testing::SchemaFor(dir));
  EXPECT_TRUE(address.ok()) << address.status().message();
  if (!address.ok()) return nullptr;
  Result<std::unique_ptr<Store>> store = OpenPostgres(*address);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract, ::testing::Values(StoreFactory{"Postgres", MakePostgres}),
                         [](const auto& info) { return info.param.name; });

class PostgresTest : public pg_testing::SchemaTest {};

TEST_F(PostgresTest, OpenMigratesToTheNewestVersion) {
  Result<int> before = PostgresDatabaseVersion(address_);
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_EQ(*before, 0);
  Result<std::unique_ptr<Store>> store = OpenPostgres(address_);
  ASSERT_TRUE(store.ok()) << store.status().message();
  Result<int> after = PostgresDatabaseVersion(address_);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, PostgresSchemaVersion());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM vetted_schema"), PostgresSchemaVersion());
  Result<int64_t> generation = (*store)->Generation();
  ASSERT_TRUE(generation.ok()) << generation.status().message();
  EXPECT_EQ(*generation, 0);
  Result<Snapshot> snapshot = (*store)->Load();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().message();
  EXPECT_TRUE(snapshot->files.empty());
}

TEST_F(PostgresTest, WithoutCreateAnUnmigratedDatabaseIsNotFound) {
  Result<std::unique_ptr<Store>> store = OpenPostgres(address_, {.create = false});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kNotFound);
  EXPECT_EQ(*PostgresDatabaseVersion(address_), 0);  // and nothing was created
  ASSERT_TRUE(OpenPostgres(address_).ok());
  EXPECT_TRUE(OpenPostgres(address_, {.create = false}).ok());
}

TEST_F(PostgresTest, ANewerDatabaseIsRefused) {
  ASSERT_TRUE(OpenPostgres(address_).ok());
  Result<std::unique_ptr<pg::Conn>> conn = pg::Conn::Open(address_);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Exec("INSERT INTO vetted_schema(version) VALUES (999)").ok());
  Result<std::unique_ptr<Store>> store = OpenPostgres(address_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kInvalid);
  EXPECT_NE(store.status().message().find("999 is newer than this program's"), std::string::npos)
      << store.status().message();
}

TEST_F(PostgresTest, NodesStartingTogetherMigrateOnce) {
  constexpr int kNodes = 6;
  std::vector<Status> results(kNodes);
  std::vector<std::thread> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.emplace_back([&, i] {
      Result<std::unique_ptr<Store>> store = OpenPostgres(address_);
      results[i] = store.status();
    });
  }
  for (std::thread& t : nodes) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.message();
  // Each step applied exactly once.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM vetted_schema"), PostgresSchemaVersion());
  EXPECT_EQ(QueryInt("SELECT count(DISTINCT version) FROM vetted_schema"), PostgresSchemaVersion());
}

TEST_F(PostgresTest, ParametersKeepTheirBytes) {
  Result<std::unique_ptr<pg::Conn>> conn = pg::Conn::Open(address_);
  ASSERT_TRUE(conn.ok());
  std::string binary("a\0b\xff", 4);
  Result<pg::Rows> rows = (*conn)->Query(
      "SELECT $1::bytea, $2::text, $3::bigint, $4::boolean, $5::float8, $6::text IS NULL", pg::Bytes{binary},
      std::string("caf\xc3\xa9 \"'\\"), int64_t{-9007199254740993}, true, 0.25, nullptr);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(rows->Text(0, 0), binary);
  EXPECT_EQ(rows->Text(0, 1), "caf\xc3\xa9 \"'\\");
  EXPECT_EQ(rows->Int(0, 2), -9007199254740993);
  EXPECT_EQ(rows->Int(0, 3), 1);
  EXPECT_EQ(rows->Double(0, 4), 0.25);
  EXPECT_EQ(rows->Int(0, 5), 1);
  // Text with a NUL byte is an error, never silently cut short.
  Result<pg::Rows> nul = (*conn)->Query("SELECT $1::text", std::string("a\0b", 3));
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(nul.status().code(), Code::kIo);
}

TEST_F(PostgresTest, ErrorsNameTheStatementAndTheSqlState) {
  Result<std::unique_ptr<pg::Conn>> conn = pg::Conn::Open(address_);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Exec("CREATE TABLE u(k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE((*conn)->Query("INSERT INTO u VALUES ($1)", "x").ok());
  Result<pg::Rows> again = (*conn)->Query("INSERT INTO u VALUES ($1)", "x");
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(pg::IsUniqueViolation(again.status())) << again.status().message();
  EXPECT_NE(again.status().message().find("INSERT INTO u VALUES ($1)"), std::string::npos);
}

}  // namespace
}  // namespace vetted::store
