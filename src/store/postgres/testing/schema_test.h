// A gtest fixture for tests on the throwaway PostgreSQL cluster
// (cluster.h): each test gets a schema of its own, named after the test,
// dropped before it starts and after it ends.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "store/postgres/pg.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/testing/cluster.h"

namespace vetted::pg_testing {

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    schema_ = SchemaFor(std::string(info->test_suite_name()) + "." + info->name());
    ASSERT_TRUE(DropSchema(schema_).ok());
    Result<std::string> address = Address(schema_);
    ASSERT_TRUE(address.ok()) << address.status().message();
    address_ = *address;
  }
  void TearDown() override { (void)DropSchema(schema_); }

  // A store ("a node": call it again for another) on the test's schema.
  std::unique_ptr<store::Store> Node() {
    Result<std::unique_ptr<store::Store>> store = store::OpenPostgres(address_);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Runs `sql` on a connection of its own; the first column of the first row (-1 when none or failed).
  int64_t QueryInt(const std::string& sql) {
    Result<std::unique_ptr<store::pg::Conn>> conn = store::pg::Conn::Open(address_);
    EXPECT_TRUE(conn.ok()) << conn.status().message();
    if (!conn.ok()) return -1;
    Result<store::pg::Rows> rows = (*conn)->Query(sql.c_str());
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    return rows.ok() && !rows->empty() ? rows->Int(0, 0) : -1;
  }

  std::string schema_;
  std::string address_;
};

// Two stores ("nodes") on the test's schema, as two vetted processes sharing one database.
class TwoNodesTest : public SchemaTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SchemaTest::SetUp());
    a_ = Node();
    b_ = Node();
    ASSERT_TRUE(a_ && b_);
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    SchemaTest::TearDown();
  }

  std::unique_ptr<store::Store> a_, b_;
};

}  // namespace vetted::pg_testing
