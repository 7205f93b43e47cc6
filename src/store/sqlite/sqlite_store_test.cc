#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "store/contract_test.h"
#include "store/sqlite/db.h"
#include "store/sqlite/internal.h"
#include "store/sqlite/store_impl.h"
#include "util/util.h"

namespace vetted::store {
namespace {

std::unique_ptr<Store> MakeSqlite(const std::string& dir) {
  Result<std::unique_ptr<Store>> store = OpenSqlite(dir + "/site.db");
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(StoreFactory{"Sqlite", MakeSqlite}),
                         [](const auto& info) { return info.param.name; });

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vetted-sqlite-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/site.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `sql` on a fresh connection of our own and returns the first column
  // of the first row as text.
  std::string QueryText(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(RegisterSpellingTokenizer(db), SQLITE_OK);  // the search table's tokenizer
    sqlite3_stmt* stmt = nullptr;
    std::string out = "<error>";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      out = sqlite3_step(stmt) == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))
                                             : "<none>";
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }

  sqlite::SqliteStore& Impl(Store& store) { return dynamic_cast<sqlite::SqliteStore&>(store); }

  std::string dir_;
  std::string path_;
};

// The limits commit without an fsync of their own (limits.cc) and leave the
// writer's synchronous setting as it was, for everything else.
TEST_F(SqliteTest, LimitsLeaveTheWriterDurable) {
  Result<std::unique_ptr<Store>> store = OpenSqlite(path_, {.durable = true});
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE(*(*store)->Limits()->TakeToken("k", 1, 2, 100, 0));
  ASSERT_TRUE((*store)->Limits()->AddFailure("k", 100, 10, 0).ok());
  EXPECT_EQ(*Impl(**store).WriterPragma("synchronous"), 2);
  Result<std::unique_ptr<Store>> reopened = (store->reset(), OpenSqlite(path_, {.durable = true}));
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Limits()->FailuresSince("k", 0)->size(), 1u);  // committed
  EXPECT_FALSE(*(*reopened)->Limits()->TakeToken("k", 0, 2, 100, 0) &&
               *(*reopened)->Limits()->TakeToken("k", 0, 2, 100, 0));
}

TEST_F(SqliteTest, PragmasOnOpen) {
  struct Case {
    bool durable;
    int64_t synchronous;
  };
  for (Case c : {Case{true, 2}, Case{false, 1}}) {
    Result<std::unique_ptr<Store>> store = OpenSqlite(path_, {.durable = c.durable});
    ASSERT_TRUE(store.ok()) << store.status().message();
    Result<int64_t> sync = Impl(**store).WriterPragma("synchronous");
    ASSERT_TRUE(sync.ok());
    EXPECT_EQ(*sync, c.synchronous) << "durable=" << c.durable;
    Result<int64_t> fk = Impl(**store).WriterPragma("foreign_keys");
    ASSERT_TRUE(fk.ok());
    EXPECT_EQ(*fk, 1);
    Result<int64_t> timeout = Impl(**store).WriterPragma("busy_timeout");
    ASSERT_TRUE(timeout.ok());
    EXPECT_GE(*timeout, 1000);
  }
  EXPECT_EQ(QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(QueryText("PRAGMA user_version"), std::to_string(SqliteSchemaVersion()));
  EXPECT_EQ(QueryText("PRAGMA integrity_check"), "ok");
}

// SQLite imports whole sites only: `vetted dev --db X.db` then imports the folder.
TEST_F(SqliteTest, ImportArticlesIsAConflict) {
  Result<std::unique_ptr<Store>> store = OpenSqlite(path_);
  ASSERT_TRUE(store.ok());
  ArticleSource a{"content/a.md", "/a/", "sha256:a", "a", {}, ""};
  EXPECT_EQ((*store)->ImportArticles({a}).status().code(), Code::kConflict);
  EXPECT_EQ(*(*store)->Generation(), 0);
}

TEST_F(SqliteTest, FreshDatabaseGetsNewestSchema) {
  ASSERT_TRUE(OpenSqlite(path_).ok());
  EXPECT_GE(SqliteSchemaVersion(), 2);
  EXPECT_EQ(QueryText("PRAGMA user_version"), std::to_string(SqliteSchemaVersion()));
  EXPECT_EQ(QueryText("SELECT count(*) FROM sqlite_master WHERE name = 'search'"), "1");
  EXPECT_EQ(QueryText("SELECT value FROM meta WHERE key = 'generation'"), "0");
}

TEST_F(SqliteTest, MigratesOlderDatabaseKeepingData) {
  Result<sqlite3*> db = sqlite::OpenConnection(path_, true, true);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(sqlite::Migrate(*db, 1).ok());
  ASSERT_TRUE(sqlite::Exec(*db, "INSERT INTO files(path, bytes, hash) VALUES ('site.toml', 'x', 'h')").ok());
  sqlite::CloseConnection(*db);
  EXPECT_EQ(QueryText("PRAGMA user_version"), "1");
  EXPECT_EQ(QueryText("SELECT count(*) FROM sqlite_master WHERE name = 'search'"), "0");

  Result<std::unique_ptr<Store>> store = OpenSqlite(path_);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(QueryText("PRAGMA user_version"), std::to_string(SqliteSchemaVersion()));
  EXPECT_EQ(QueryText("SELECT count(*) FROM sqlite_master WHERE name = 'search'"), "1");
  Result<Snapshot> snap = (*store)->Load();
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->files.size(), 1u);
  EXPECT_EQ(snap->files[0].path, "site.toml");
}

TEST_F(SqliteTest, MigrationThreeReindexesSearchWithTheSpellingTokenizer) {
  Result<sqlite3*> db = sqlite::OpenConnection(path_, true, true);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(sqlite::Migrate(*db, 2).ok());
  ASSERT_TRUE(
      sqlite::Exec(*db,
                   "INSERT INTO search(rowid, title, description, headings, tags, body, url, section) "
                   "VALUES (7, 'Iron', '', '', '', 'Anaemia makes you tired.', '/health/iron/', "
                   "'/health/')")
          .ok());
  sqlite::CloseConnection(*db);
  Result<std::unique_ptr<Store>> store = OpenSqlite(path_);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(QueryText("PRAGMA user_version"), std::to_string(SqliteSchemaVersion()));
  EXPECT_NE(
      QueryText("SELECT sql FROM sqlite_master WHERE name = 'search'").find("porter spelling unicode61"),
      std::string::npos);
  for (const char* text : {"anemia", "anaemia"}) {
    SearchQuery q;
    q.text = text;
    Result<SearchResults> r = (*store)->Search(q);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_EQ(r->hits.size(), 1u) << text;
    EXPECT_EQ(r->hits[0].url, "/health/iron/");
  }
}

TEST_F(SqliteTest, ReopenIsNoOp) {
  ASSERT_TRUE(OpenSqlite(path_).ok());
  std::string schema = QueryText("SELECT group_concat(sql, ';') FROM sqlite_master");
  ASSERT_TRUE(OpenSqlite(path_).ok());
  EXPECT_EQ(QueryText("SELECT group_concat(sql, ';') FROM sqlite_master"), schema);
  EXPECT_EQ(QueryText("PRAGMA user_version"), std::to_string(SqliteSchemaVersion()));
}

TEST_F(SqliteTest, NewerDatabaseIsInvalid) {
  ASSERT_TRUE(OpenSqlite(path_).ok());
  Result<sqlite3*> db = sqlite::OpenConnection(path_, true, false);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(
      sqlite::Exec(*db, ("PRAGMA user_version = " + std::to_string(SqliteSchemaVersion() + 1)).c_str()).ok());
  sqlite::CloseConnection(*db);
  Result<std::unique_ptr<Store>> store = OpenSqlite(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kInvalid);
}

TEST_F(SqliteTest, OpenErrors) {
  struct Case {
    std::string path;
    Code code;
  };
  for (const Case& c : {Case{":memory:", Code::kInvalid}, Case{dir_ + "/missing/dir/x.db", Code::kIo}}) {
    Result<std::unique_ptr<Store>> store = OpenSqlite(c.path);
    ASSERT_FALSE(store.ok()) << c.path;
    EXPECT_EQ(store.status().code(), c.code) << c.path;
  }
  Result<std::unique_ptr<Store>> missing = OpenSqlite(path_, {.create = false});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path_));
  FILE* f = fopen(path_.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("this is not a database, just text that is long enough to fill a header........", f);
  fclose(f);
  Result<std::unique_ptr<Store>> store = OpenSqlite(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kIo);
}

TEST_F(SqliteTest, SearchIndexFollowsPublishedArticles) {
  Result<std::unique_ptr<Store>> store = OpenSqlite(path_);
  ASSERT_TRUE(store.ok());
  ImportInput in;
  for (int i = 0; i < 3; ++i) {
    std::string n = std::to_string(i);
    ArticleSource a{.path = "content/s/a" + n + ".md",
                    .url = "/s/a" + n + "/",
                    .revision = "r" + n,
                    .bytes = n,
                    .search = {},
                    .bytes_sha256 = ""};
    a.search.title = "title" + n;
    a.search.section = "/s/";
    in.articles.push_back(a);
  }
  ASSERT_TRUE((*store)->Import(in).ok());
  EXPECT_EQ(QueryText("SELECT count(*) FROM search"), "3");
  EXPECT_EQ(QueryText("SELECT count(*) FROM search s JOIN articles a ON a.id = s.rowid AND a.url = s.url"),
            "3");
  in.articles[1].search.title = "renamed";
  in.articles[1].revision = "r1b";
  in.articles.pop_back();
  ASSERT_TRUE((*store)->Import(in).ok());
  EXPECT_EQ(QueryText("SELECT count(*) FROM search"), "2");
  EXPECT_EQ(QueryText("SELECT title FROM search WHERE url = '/s/a1/'"), "renamed");
  EXPECT_EQ(QueryText("SELECT count(*) FROM search WHERE search MATCH 'title2'"), "0");
  EXPECT_EQ(QueryText("SELECT count(*) FROM articles"), "3");
  EXPECT_EQ(QueryText("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(QueryText("PRAGMA foreign_key_check"), "<none>");
}

// ArticleSource::bytes_sha256, when given, is the hash stored and compared
// (the import hashed the bytes already); without it the store hashes them:
// both ways agree.
TEST_F(SqliteTest, TheBytesHashGivenIsTheOneStored) {
  Result<std::unique_ptr<Store>> store = OpenSqlite(path_);
  ASSERT_TRUE(store.ok());
  ArticleSource a{.path = "content/a.md",
                  .url = "/a/",
                  .revision = "r1",
                  .bytes = "one",
                  .search = {},
                  .bytes_sha256 = ""};
  a.bytes_sha256 = util::Sha256Hex("one");
  ImportInput in;
  in.articles.push_back(a);
  ASSERT_TRUE((*store)->Import(in).ok());
  EXPECT_EQ(QueryText("SELECT bytes_hash FROM revisions"), util::Sha256Hex("one"));
  in.articles[0].bytes_sha256.clear();  // the store hashes: the same, so unchanged
  Result<ImportReport> same = (*store)->Import(in);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->unchanged, 1u);
  in.articles[0].bytes = "two";  // new bytes, same revision: a change
  in.articles[0].bytes_sha256 = util::Sha256Hex("two");
  Result<ImportReport> changed = (*store)->Import(in);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->changed, std::vector<std::string>{"content/a.md"});
  EXPECT_EQ(QueryText("SELECT count(*) FROM revisions"), "2");
}

// A failure in the middle of an import (here a trigger) rolls all of it back.
TEST_F(SqliteTest, ImportFailingMidwayChangesNothing) {
  Result<std::unique_ptr<Store>> store = OpenSqlite(path_);
  ASSERT_TRUE(store.ok());
  ImportInput in;
  for (int i = 0; i < 4; ++i) {
    std::string n = std::to_string(i);
    ArticleSource a{.path = "content/s/a" + n + ".md",
                    .url = "/s/a" + n + "/",
                    .revision = "r",
                    .bytes = n,
                    .search = {},
                    .bytes_sha256 = ""};
    a.search.body = "word" + n;
    in.articles.push_back(a);
  }
  in.files.push_back({"site.toml", "a"});
  ASSERT_TRUE((*store)->Import(in).ok());
  Result<sqlite3*> db = sqlite::OpenConnection(path_, true, false);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(
      sqlite::Exec(*db,
                   "CREATE TRIGGER boom BEFORE INSERT ON articles WHEN NEW.path = 'content/s/boom.md' "
                   "BEGIN SELECT RAISE(ABORT, 'boom'); END")
          .ok());
  ImportInput next = in;
  next.articles[0].bytes = "changed";  // written before the failing insert
  next.articles.erase(next.articles.begin() + 1);
  next.articles.push_back(next.articles[0]);
  next.articles.back().path = "content/s/boom.md";
  next.articles.back().url = "/s/boom/";
  next.files[0].bytes = "b";
  Result<ImportReport> r = (*store)->Import(next);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kIo);
  EXPECT_EQ(*(*store)->Generation(), 1);
  Result<Snapshot> snap = (*store)->Load();
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->files.size(), 5u);
  EXPECT_EQ(snap->files[0].bytes, "0");
  EXPECT_EQ(snap->files[4].bytes, "a");
  EXPECT_EQ(QueryText("SELECT count(*) FROM search"), "4");
  EXPECT_EQ(QueryText("SELECT count(*) FROM revisions"), "4");
  EXPECT_EQ(QueryText("SELECT count(*) FROM search WHERE search MATCH 'word1'"), "1");
  // The store is still usable afterwards.
  ASSERT_TRUE(sqlite::Exec(*db, "DROP TRIGGER boom").ok());
  sqlite::CloseConnection(*db);
  r = (*store)->Import(next);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->generation, 2);
  EXPECT_EQ(QueryText("SELECT count(*) FROM search"), "4");
}

// When the feedback transaction fails, every entry of the batch gets kIo and
// nothing is stored.
TEST_F(SqliteTest, FeedbackBatchFailingMidwayStoresNothing) {
  Result<std::unique_ptr<Store>> store = OpenSqlite(path_);
  ASSERT_TRUE(store.ok());
  ImportInput in;
  in.articles.push_back({.path = "content/a.md",
                         .url = "/a/",
                         .revision = "r",
                         .bytes = "x",
                         .search = {},
                         .bytes_sha256 = ""});
  ASSERT_TRUE((*store)->Import(in).ok());
  Result<sqlite3*> db = sqlite::OpenConnection(path_, true, false);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(sqlite::Exec(*db,
                           "CREATE TRIGGER boom BEFORE INSERT ON feedback WHEN NEW.comment = 'boom' "
                           "BEGIN SELECT RAISE(ABORT, 'boom'); END")
                  .ok());
  sqlite::CloseConnection(*db);
  NewFeedback ok{.article_url = "/a/",
                 .revision = "",
                 .helpful = false,
                 .category = "other",
                 .comment = "fine",
                 .created_at = "t"};
  NewFeedback boom = ok;
  boom.comment = "boom";
  NewFeedback missing = ok;
  missing.article_url = "/nope/";
  std::vector<Result<int64_t>> ids = (*store)->AddFeedback({ok, missing, boom});
  ASSERT_EQ(ids.size(), 3u);
  for (const Result<int64_t>& id : ids) {
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.status().code(), Code::kIo);
  }
  Result<std::vector<FeedbackRecord>> list = (*store)->ListFeedback();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  ids = (*store)->AddFeedback({ok});
  ASSERT_TRUE(ids[0].ok());
}

// Throwaway timing, run with --gtest_also_run_disabled_tests; prints only.
TEST_F(SqliteTest, DISABLED_ImportTenThousandArticles) {
  Result<std::unique_ptr<Store>> store = OpenSqlite(path_);
  ASSERT_TRUE(store.ok());
  ImportInput in;
  const std::string words[] = {"sleep ",    "anxiety ", "trust ",  "diet ",
                               "exercise ", "heart ",   "stress ", "partner "};
  std::vector<std::string> bodies;
  for (int v = 0; v < 16; ++v) {
    std::string body;
    for (int w = 0; body.size() < 3500; ++w) body += words[(v * 7 + w * 3 + w / 5) % 8];
    bodies.push_back(body);
  }
  in.articles.reserve(10000);
  for (int i = 0; i < 10000; ++i) {
    std::string n = std::to_string(i);
    std::string section = "/s" + std::to_string(i % 10) + "/";
    ArticleSource a;
    a.path = "content" + section + "a" + n + ".md";
    a.url = section + "a" + n + "/";
    a.revision = "sha256:" + std::string(60, 'a') + n;
    a.search.title = "Article " + n;
    a.search.description = "About " + n;
    a.search.headings = "One\nTwo";
    a.search.body = bodies[i % 16] + " word" + n;
    a.search.section = section;
    a.search.tags = "t";
    a.bytes = "---\ntitle: Article " + n + "\n---\n" + a.search.body;
    in.articles.push_back(std::move(a));
  }
  for (int run = 0; run < 3; ++run) {
    if (run == 2) {
      for (int i = 0; i < 10000; i += 10) in.articles[i].revision += "x";
    }
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpu_start = std::clock();
    Result<ImportReport> report = (*store)->Import(in);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    ASSERT_TRUE(report.ok()) << report.status().message();
    printf("import run %d: %.0f ms wall, %.0f ms cpu (added %zu, changed %zu, unchanged %zu)\n", run, ms,
           cpu_ms, report->added.size(), report->changed.size(), report->unchanged);
  }
  auto start = std::chrono::steady_clock::now();
  Result<Snapshot> snap = (*store)->Load();
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(snap.ok());
  printf("load: %.0f ms (%zu files)\n", ms, snap->files.size());
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE((*store)->Generation().ok());
  ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  printf("generation: %.1f us per call\n", ms);
}

}  // namespace
}  // namespace vetted::store
