// pg::SpaceWatch through a Pool's connections: the server's disk_full
// (SQLSTATE 53100) raised on demand by a function, so that one statement
// fails for lack of space while `room.full` says so and succeeds otherwise.
#include "store/postgres/pg.h"

#include <gtest/gtest.h>

#include "store/postgres/testing/schema_test.h"

namespace vetted::store::pg {
namespace {

// The statement that fails while the disk is "full"; any other write succeeds.
constexpr const char* kNeedsRoom = "INSERT INTO rows(note) SELECT needs_room($1)";
constexpr const char* kFits = "UPDATE room SET touched = touched + 1";

class SpaceWatchTest : public pg_testing::SchemaTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SchemaTest::SetUp());
    pool_ = std::make_unique<Pool>(address_, 2);
    Result<Pool::Lease> conn = pool_->Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    Status s = (*conn)->Exec(
        "CREATE TABLE room(full_ BOOLEAN NOT NULL, touched INT NOT NULL);"
        "INSERT INTO room VALUES (false, 0);"
        "CREATE TABLE rows(note TEXT NOT NULL);"
        "CREATE FUNCTION needs_room(note TEXT) RETURNS TEXT LANGUAGE plpgsql AS $$ BEGIN "
        "IF (SELECT full_ FROM room) THEN RAISE EXCEPTION 'could not extend file: No space left on device' "
        "USING ERRCODE = 'disk_full'; END IF; RETURN note; END $$");
    ASSERT_TRUE(s.ok()) << s.message();
  }
  void TearDown() override {
    pool_.reset();
    SchemaTest::TearDown();
  }

  // The disk "fills" or has room again (on a connection of its own: not a write of the pool's).
  void SetFull(bool full) {
    ASSERT_EQ(QueryInt(std::string("UPDATE room SET full_ = ") + (full ? "true" : "false") + " RETURNING 1"),
              1);
  }

  Status Run(const char* sql, const std::string& note = "") {
    Result<Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    return note.empty() ? (*conn)->Query(sql).status() : (*conn)->Query(sql, note).status();
  }

  std::unique_ptr<Pool> pool_;
};

TEST_F(SpaceWatchTest, SetByDiskFullClearedWhenTheFailedWriteCommitsAgain) {
  EXPECT_FALSE(pool_->space().Full());
  ASSERT_TRUE(Run(kNeedsRoom, "before").ok());
  EXPECT_FALSE(pool_->space().Full()) << "a write that succeeds sets nothing";

  SetFull(true);
  Status refused = Run(kNeedsRoom, "refused");
  EXPECT_EQ(refused.code(), Code::kExhausted) << refused.message();
  EXPECT_EQ(SqlState(refused), "53100");
  EXPECT_TRUE(pool_->space().Full());

  // A write that fits (as an UPDATE into a page with room does on a full disk) is no sign of room.
  ASSERT_TRUE(Run(kFits).ok());
  EXPECT_TRUE(pool_->space().Full());
  // Nor are reads.
  ASSERT_TRUE(Run("SELECT count(*) FROM rows").ok());
  EXPECT_TRUE(pool_->space().Full());

  SetFull(false);
  {
    // The failed write succeeds in a transaction that is rolled back: still full.
    Result<Pool::Lease> conn = pool_->Acquire();
    ASSERT_TRUE(conn.ok());
    Transaction tx(**conn);
    ASSERT_TRUE((*conn)->Query(kNeedsRoom, std::string("rolled back")).ok());
  }
  EXPECT_TRUE(pool_->space().Full());
  {
    // It succeeds in a transaction that commits: room again.
    Result<Pool::Lease> conn = pool_->Acquire();
    ASSERT_TRUE(conn.ok());
    Transaction tx(**conn);
    ASSERT_TRUE((*conn)->Query(kNeedsRoom, std::string("committed")).ok());
    EXPECT_TRUE(pool_->space().Full()) << "not before the commit";
    ASSERT_TRUE(tx.Commit().ok());
  }
  EXPECT_FALSE(pool_->space().Full());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM rows WHERE note = 'refused' OR note = 'rolled back'"), 0);
}

TEST_F(SpaceWatchTest, AStatementAloneThatSucceedsAgainClearsIt) {
  SetFull(true);
  EXPECT_EQ(Run(kNeedsRoom, "refused").code(), Code::kExhausted);
  ASSERT_TRUE(pool_->space().Full());
  SetFull(false);
  ASSERT_TRUE(Run(kNeedsRoom, "autocommit").ok());
  EXPECT_FALSE(pool_->space().Full());
}

TEST_F(SpaceWatchTest, AFailureWhileTheWriteWasPendingKeepsItSet) {
  SetFull(true);
  EXPECT_EQ(Run(kNeedsRoom, "refused").code(), Code::kExhausted);
  SetFull(false);
  Result<Pool::Lease> first = pool_->Acquire();
  ASSERT_TRUE(first.ok());
  Transaction tx(**first);
  ASSERT_TRUE((*first)->Query(kNeedsRoom, std::string("pending")).ok());
  // Meanwhile, on another connection, a write fails for lack of space.
  SetFull(true);
  EXPECT_EQ(Run(kNeedsRoom, "refused again").code(), Code::kExhausted);
  ASSERT_TRUE(tx.Commit().ok());
  EXPECT_TRUE(pool_->space().Full()) << "a failure after the one that write answered";
}

TEST_F(SpaceWatchTest, AConnectionWithoutAWatchTellsNobody) {
  SetFull(true);
  Result<std::unique_ptr<Conn>> conn = Conn::Open(address_);
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ((*conn)->Query(kNeedsRoom, std::string("refused")).status().code(), Code::kExhausted);
  EXPECT_FALSE(pool_->space().Full());
}

}  // namespace
}  // namespace vetted::store::pg
