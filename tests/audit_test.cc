// `vetted audit verify`: an intact chain, an entry altered and an entry
// removed behind vetted's back (through sqlite3 directly, triggers dropped).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "newsroom/newsroom.h"
#include "store/open.h"
#include "vetted_process.h"

namespace vetted {
namespace {

using testing::RunVetted;
using testing::TempDir;

// A database whose audit log holds 5 entries: create, save, submit, save, submit.
std::string Database(const std::string& name) {
  std::string db = (TempDir(name) / "site.db").string();
  Result<std::unique_ptr<store::Store>> s = store::Open(db);
  EXPECT_TRUE(s.ok()) << s.status().message();
  newsroom::Articles articles(**s, {});
  newsroom::Actor wendy{1, "wendy@x.org", "wendy", newsroom::kWriter};
  std::string text = "---\ntitle: Figs\ndescription: F.\nauthors: [wendy]\n---\nFigs.\n";
  Result<newsroom::Created> c = articles.Create(wendy, "content/figs.md", text);
  EXPECT_TRUE(c.ok());
  EXPECT_TRUE(articles.Submit(wendy, c->id, c->revision).ok());
  Result<newsroom::Saved> saved = articles.Save(wendy, c->id, text + "More.\n", c->revision, false);
  EXPECT_TRUE(saved.ok());
  EXPECT_TRUE(articles.Submit(wendy, c->id, saved->revision).ok());
  return db;
}

void Sql(const std::string& db, const char* sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(h, sql, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(h);
}

TEST(AuditVerify, AnIntactChain) {
  std::string db = Database("audit-intact");
  std::string out;
  EXPECT_EQ(RunVetted("audit verify --db " + db, &out), 0) << out;
  EXPECT_EQ(out, "audit log: 4 entries, chain intact\n");
}

TEST(AuditVerify, TheDatabaseRefusesToChangeEntries) {
  std::string db = Database("audit-trigger");
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(h, "UPDATE audit SET detail = 'x' WHERE seq = 2", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(h, "DELETE FROM audit WHERE seq = 2", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(h);
  EXPECT_EQ(RunVetted("audit verify --db " + db), 0);
}

TEST(AuditVerify, FindsAnAlteredEntry) {
  std::string db = Database("audit-altered");
  Sql(db, "DROP TRIGGER audit_never_updated; UPDATE audit SET account = 99 WHERE seq = 2");
  std::string out;
  EXPECT_EQ(RunVetted("audit verify --db " + db, &out), 1) << out;
  EXPECT_NE(out.find("chain broken: entry 2 was altered"), std::string::npos) << out;
}

TEST(AuditVerify, FindsAnAlteredLastEntry) {
  std::string db = Database("audit-altered-last");
  Sql(db, "DROP TRIGGER audit_never_updated; UPDATE audit SET detail = 'nothing happened' WHERE seq = 4");
  std::string out;
  EXPECT_EQ(RunVetted("audit verify --db " + db, &out), 1) << out;
  EXPECT_NE(out.find("entry 4 was altered"), std::string::npos) << out;
}

TEST(AuditVerify, FindsARemovedEntry) {
  std::string db = Database("audit-removed");
  Sql(db, "DROP TRIGGER audit_never_deleted; DELETE FROM audit WHERE seq = 3");
  std::string out;
  EXPECT_EQ(RunVetted("audit verify --db " + db, &out), 1) << out;
  EXPECT_NE(out.find("entry 3 was removed"), std::string::npos) << out;
}

TEST(AuditVerify, FindsARemovedLastEntry) {
  std::string db = Database("audit-removed-last");
  Sql(db, "DROP TRIGGER audit_never_deleted; DELETE FROM audit WHERE seq = 4");
  std::string out;
  EXPECT_EQ(RunVetted("audit verify --db " + db, &out), 1) << out;
  EXPECT_NE(out.find("entry 4 was removed"), std::string::npos) << out;
}

}  // namespace
}  // namespace vetted
