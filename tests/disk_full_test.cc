// A full disk under a running `vetted serve` (SQLite): its database on a small
// tmpfs that the test fills with a filler file. Writes (reader feedback, a
// newsroom save) are refused with 503 and Retry-After and a message that says
// why, the server logs the condition once, reads (cached and uncached pages,
// search, the newsroom's own reads) go on, a WAL checkpoint that finds no room
// fails without harm, nothing is corrupted, and once the filler is deleted
// writes work again without a restart. Needs root to mount the tmpfs (CI runs
// as root); skipped with a message otherwise.
//
// DiskFullPostgres: the same on PostgreSQL, with a throwaway cluster of its
// own (scripts/pg-test-cluster.sh) whose data folder is a small tmpfs and whose
// WAL is elsewhere (initdb -X): a table that cannot grow answers ERROR 53100
// and the server goes on. Skipped when not root or PostgreSQL is not installed.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "vetted_process.h"

namespace vetted {
namespace {

namespace fs = std::filesystem;
using testing::Account;
using testing::Client;
using testing::Http;
using testing::Reply;
using testing::RunVetted;
using testing::Server;
using Json = nlohmann::json;

const Account kWriter{"full-writer@example.org", "amber-walrus-tide-7391", "writer", "maya-okafor"};
const std::string kFlagship = "/relationships/sex-and-relationships/why-you-might-cry-during-sex/";
const std::string kUncached = "/relationships/emotional-health/unhappy-in-your-relationship/";

// Fills the file system holding `path` with one file until a write says ENOSPC; the bytes written.
size_t Fill(const fs::path& path) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::setvbuf(f, nullptr, _IONBF, 0);
  std::vector<char> chunk(64 * 1024, 'x');
  size_t total = 0;
  for (size_t size : {size_t{64 * 1024}, size_t{4096}, size_t{512}, size_t{1}}) {
    while (std::fwrite(chunk.data(), 1, size, f) == size) total += size;
    std::clearerr(f);
  }
  std::fclose(f);
  return total;
}

std::string Pragma(const std::string& db, const std::string& pragma, int* rc = nullptr) {
  sqlite3* handle = nullptr;
  std::string out;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);
    return "cannot open";
  }
  sqlite3_busy_timeout(handle, 5000);
  sqlite3_stmt* stmt = nullptr;
  int code = sqlite3_prepare_v2(handle, ("PRAGMA " + pragma).c_str(), -1, &stmt, nullptr);
  while (code == SQLITE_OK && (code = sqlite3_step(stmt)) == SQLITE_ROW) {
    if (!out.empty()) out += " ";
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* text = sqlite3_column_text(stmt, i);
      out += (i ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "");
    }
    code = SQLITE_OK;
  }
  if (code != SQLITE_DONE && code != SQLITE_OK) out = "error: " + std::string(sqlite3_errmsg(handle));
  if (rc) *rc = sqlite3_extended_errcode(handle);
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return out;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string Source(const std::string& body) {
  return "---\ntitle: \"Full disk\"\ndescription: \"About a full disk.\"\nauthors: [maya-okafor]\n"
         "tags: [sex]\n---\n\n" +
         body + "\n";
}

Reply Feedback(int port, const std::string& comment) {
  Json j = {{"article", kFlagship}, {"helpful", true}, {"category", "other"}, {"comment", comment}};
  return Http(port, "POST", "/api/feedback", "Content-Type: application/json\r\n", j.dump());
}

Reply Save(int port, const Client& c, int64_t id, const std::string& base, const std::string& body) {
  return Http(
      port, "PUT", "/admin/api/articles/" + std::to_string(id),
      "Cookie: " + c.cookie() + "\r\nX-CSRF-Token: " + c.csrf() + "\r\nContent-Type: application/json\r\n",
      Json{{"source", Source(body)}, {"base_revision", base}}.dump());
}

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("disk-full");
    disk_ = dir_ / "disk";
    fs::create_directories(disk_);
    if (::mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=6m") != 0) {
      std::string why = std::strerror(errno);
      fs::remove_all(dir_);
      GTEST_SKIP() << "cannot mount a 6 MB tmpfs to fill (" << why
                   << "): this test needs root (CI runs it as root)";
    }
    mounted_ = true;
    db_ = (disk_ / "site.db").string();
    std::string out;
    ASSERT_EQ(RunVetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + db_ + " --quiet", &out),
              0)
        << out;
    fs::path pw = dir_ / "pw";  // beside the disk, not on it
    std::ofstream(pw) << kWriter.password << "\n";
    ASSERT_EQ(RunVetted("user add " + kWriter.email + " --role writer,editor --person " + kWriter.person +
                            " --password-stdin --db " + db_ + " < " + pw.string(),
                        &out),
              0)
        << out;
  }
  void TearDown() override {
    if (mounted_) ::umount2(disk_.c_str(), MNT_DETACH);
    fs::remove_all(dir_);
  }

  fs::path dir_, disk_;
  std::string db_;
  bool mounted_ = false;
};

TEST_F(DiskFull, WritesAre503ReadsGoOnNothingIsCorruptAndWritesComeBack) {
  Server server(db_, {"--feedback-rate", "1000", "--feedback-burst", "1000", "--access-log", "false"});
  int port = server.port();
  ASSERT_GT(port, 0) << server.log();
  Client writer(port, kWriter);
  ASSERT_FALSE(writer.cookie().empty());

  // Before: an article (with a large body, so a checkpoint must grow the database file), a save, feedback.
  Json created = writer.Call("POST", "/admin/api/articles",
                             {{"path", "content/sexual-health/full-disk.md"},
                              {"source", Source("First text. " + std::string(300 * 1024, 'a'))}},
                             201);
  int64_t id = created.value("id", int64_t(0));
  Reply saved =
      Save(port, writer, id, created.value("revision", ""), "Second text. " + std::string(200 * 1024, 'b'));
  ASSERT_EQ(saved.status, 200) << saved.body;
  std::string base = Json::parse(saved.body).value("revision", "");
  Reply before = Feedback(port, "before the disk filled");
  ASSERT_EQ(before.status, 201) << before.body;
  int64_t before_id = Json::parse(before.body).value("id", int64_t(0));
  ASSERT_EQ(Http(port, "GET", kFlagship).status, 200);  // now cached

  size_t filled = Fill(disk_ / "filler");
  ASSERT_GT(filled, 0u);
  std::printf("disk full: filler of %zu bytes fills the 6 MB tmpfs\n", filled);

  // Writes: 503 with Retry-After and a message that says why; nothing stored.
  for (int i = 0; i < 20; ++i) {
    Reply r = Feedback(port, "while the disk was full " + std::to_string(i));
    ASSERT_EQ(r.status, 503) << r.head << r.body;
    EXPECT_NE(r.head.find("Retry-After: "), std::string::npos) << r.head;
    EXPECT_NE(r.body.find("could not be saved"), std::string::npos) << r.body;
  }
  Reply refused = Save(port, writer, id, base, "Third text, written while the disk was full.");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.head.find("Retry-After: "), std::string::npos) << refused.head;
  EXPECT_NE(refused.body.find("disk is full"), std::string::npos) << refused.body;

  // The editor's form: 503, an alert that says so, and the text typed still in the form.
  Reply edit = Http(port, "GET", "/admin/articles/" + std::to_string(id) + "/edit",
                    "Cookie: " + writer.cookie() + "\r\n");
  ASSERT_EQ(edit.status, 200) << edit.body.substr(0, 300);
  auto field = [&edit](const std::string& name) {
    std::smatch m;
    std::regex_search(edit.body, m, std::regex("name=\"" + name + "\"[^>]*value=\"([^\"]*)\""));
    return m.size() > 1 ? m[1].str() : std::string();
  };
  Reply form = Http(port, "POST", "/admin/articles/" + std::to_string(id) + "/edit",
                    "Cookie: " + writer.cookie() + "\r\nContent-Type: application/x-www-form-urlencoded\r\n",
                    testing::FormEncode({{"csrf", field("csrf")},
                                         {"base_revision", field("base_revision")},
                                         {"title", "Full disk"},
                                         {"description", "About a full disk."},
                                         {"authors", "maya-okafor"},
                                         {"body", "Typed in the editor while the disk was full."},
                                         {"action", "save"}}));
  EXPECT_EQ(form.status, 503) << form.body.substr(0, 500);
  EXPECT_NE(form.head.find("Retry-After: "), std::string::npos) << form.head;
  EXPECT_NE(form.body.find("disk is full"), std::string::npos) << form.body.substr(0, 500);
  EXPECT_NE(form.body.find("Typed in the editor while the disk was full."), std::string::npos);

  // Reads go on: a cached page, an uncached one, search, the newsroom's own reads, /healthz.
  EXPECT_EQ(Http(port, "GET", kFlagship).status, 200);
  Reply uncached = Http(port, "GET", kUncached);
  EXPECT_EQ(uncached.status, 200);
  Reply search = Http(port, "GET", "/search?q=cried");
  EXPECT_EQ(search.status, 200);
  EXPECT_NE(search.body.find(kFlagship), std::string::npos);
  EXPECT_EQ(Http(port, "GET", "/api/search?q=crying+sex").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a new second: the session is touched
  Reply record =
      Http(port, "GET", "/admin/api/articles/" + std::to_string(id), "Cookie: " + writer.cookie() + "\r\n");
  EXPECT_EQ(record.status, 200) << record.body.substr(0, 300);
  EXPECT_EQ(Http(port, "GET", "/healthz").status, 200);

  // A checkpoint that must grow the database file finds no room: it fails, and harms nothing.
  int rc = 0;
  std::string checkpoint = Pragma(db_, "wal_checkpoint(TRUNCATE)", &rc);
  std::printf("disk full: wal_checkpoint(TRUNCATE) answered \"%s\" (extended code %d)\n", checkpoint.c_str(),
              rc);
  EXPECT_EQ(Pragma(db_, "integrity_check"), "ok");
  std::string out;
  EXPECT_EQ(RunVetted("audit verify --db " + db_, &out), 0) << out;
  EXPECT_NE(out.find("chain intact"), std::string::npos) << out;

  // One clear line in the log, however many writes were refused.
  std::string log = server.log();
  EXPECT_EQ(Count(log, "disk full: "), 1u) << log;
  EXPECT_NE(log.find("SQLITE_FULL"), std::string::npos) << log;
  EXPECT_EQ(Count(log, "feedback: "), 0u) << "one line per refused post floods the log\n" << log;

  // Space freed: writes work again, without a restart, and the log says so once.
  fs::remove(disk_ / "filler");
  Reply after = Feedback(port, "after the space was freed");
  EXPECT_EQ(after.status, 201) << after.body;
  Reply resaved = Save(port, writer, id, base, "Third text, written once there was room again.");
  EXPECT_EQ(resaved.status, 200) << resaved.body;
  for (int i = 0; i < 100 && Count(server.log(), "disk space again") == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  log = server.log();
  EXPECT_EQ(Count(log, "disk space again"), 1u) << log;
  EXPECT_EQ(Count(log, "disk full: "), 1u) << log;

  // Nothing lost that was acknowledged, nothing stored that was refused, nothing corrupted.
  ASSERT_EQ(RunVetted("feedback export --db " + db_ + " --format json", &out), 0) << out;
  EXPECT_NE(out.find("before the disk filled"), std::string::npos);
  EXPECT_NE(out.find("after the space was freed"), std::string::npos);
  EXPECT_EQ(out.find("while the disk was full"), std::string::npos);
  EXPECT_NE(out.find("\"id\":" + std::to_string(before_id)), std::string::npos) << out.substr(0, 300);
  Json rec = writer.Call("GET", "/admin/api/articles/" + std::to_string(id), nullptr);
  size_t revisions = rec.value("revisions", Json::array()).size();
  EXPECT_EQ(revisions, 3u) << "create, save, and the save after the space was freed";
  EXPECT_EQ(Pragma(db_, "wal_checkpoint(TRUNCATE)").substr(0, 2), "0|") << "a checkpoint works again";
  EXPECT_EQ(Pragma(db_, "integrity_check"), "ok");
  EXPECT_EQ(RunVetted("audit verify --db " + db_, &out), 0) << out;
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
}

// The server stopped (SIGTERM) while the disk is full: its last checkpoint
// cannot run, the WAL stays; the next start, once there is room, has
// everything acknowledged.
TEST_F(DiskFull, AStopWhileFullLosesNothing) {
  std::vector<std::string> extra = {"--feedback-rate", "1000", "--feedback-burst", "1000",
                                    "--access-log",    "false"};
  std::vector<int64_t> acked;
  {
    Server server(db_, extra);
    ASSERT_GT(server.port(), 0) << server.log();
    for (int i = 0; i < 30; ++i) {
      Reply r = Feedback(server.port(), "stored before the stop " + std::to_string(i));
      ASSERT_EQ(r.status, 201) << r.body;
      acked.push_back(Json::parse(r.body).value("id", int64_t(0)));
    }
    ASSERT_GT(Fill(disk_ / "filler"), 0u);
    EXPECT_EQ(Feedback(server.port(), "refused").status, 503);
    EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  }
  EXPECT_EQ(Pragma(db_, "integrity_check"), "ok");
  fs::remove(disk_ / "filler");
  Server again(db_, extra);
  ASSERT_GT(again.port(), 0) << again.log();
  EXPECT_EQ(Feedback(again.port(), "after the restart").status, 201);
  std::string out;
  ASSERT_EQ(RunVetted("feedback export --db " + db_ + " --format json", &out), 0) << out;
  Json all = Json::parse(out);
  std::set<int64_t> stored;
  for (const Json& f : all) stored.insert(f.value("id", int64_t(0)));
  for (int64_t id : acked) EXPECT_TRUE(stored.contains(id)) << "acknowledged feedback " << id << " lost";
  EXPECT_EQ(out.find("\"refused\""), std::string::npos);
  EXPECT_EQ(Pragma(db_, "integrity_check"), "ok");
  EXPECT_EQ(again.Stop(SIGTERM), 0) << again.log();
}

// Runs scripts/pg-test-cluster.sh COMMAND DIR with `env` (VAR=value ...) before it; its exit code.
int Cluster(const std::string& command, const fs::path& dir, const std::string& env = "") {
  std::string cmd = env + " bash " + std::string(VETTED_SOURCE_DIR) + "/scripts/pg-test-cluster.sh " +
                    command + " " + dir.string() + " >/dev/null 2>&1";
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// `n` bytes of lowercase words that PostgreSQL's compression cannot shrink much: stored,
// they need pages of their own.
std::string Words(size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::string out;
  while (out.size() < n) {
    size_t length = 3 + random() % 7;
    for (size_t i = 0; i < length; ++i) out += static_cast<char>('a' + random() % 26);
    out += ' ';
  }
  return out;
}

std::string Quoted(const std::string& s) {
  return "'" + s + "'";
}

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

class DiskFullPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    bool installed = false;
    std::error_code ec;
    for (const auto& version : fs::directory_iterator("/usr/lib/postgresql", ec))
      installed = installed || fs::exists(version.path() / "bin" / "initdb");
    if (!installed) GTEST_SKIP() << "PostgreSQL is not installed (scripts/install-deps.sh installs it)";
    if (::geteuid() != 0) GTEST_SKIP() << "this test mounts a tmpfs: it needs root (CI runs it as root)";
    const passwd* pg = ::getpwnam("postgres");
    if (pg == nullptr) GTEST_SKIP() << "no `postgres` user to run the cluster as";
    dir_ = testing::TempDir("disk-full-pg");
    data_ = dir_ / "data";
    fs::create_directories(data_);
    // The cluster's data folder: owned by `postgres`, which runs the server (initdb checks the mode).
    std::string options = "size=" + std::to_string(kDiskMb) +
                          "m,mode=0700,uid=" + std::to_string(pg->pw_uid) +
                          ",gid=" + std::to_string(pg->pw_gid);
    if (::mount("tmpfs", data_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      std::string why = std::strerror(errno);
      fs::remove_all(dir_);
      GTEST_SKIP() << "cannot mount a tmpfs to fill (" << why << "): this test needs root";
    }
    mounted_ = true;
    // The WAL off the tmpfs (initdb -X), as on a server with a volume of its own for it: a full pg_wal
    // stops PostgreSQL (PANIC), a table that cannot grow is an ERROR (53100) and the server goes on.
    // No timed checkpoint while the disk is full: one then stops PostgreSQL too (PANIC writing
    // pg_logical/replorigin_checkpoint.tmp; docs/reliability.md).
    started_ = true;  // from here on, TearDown stops it (whatever a failed start left running)
    ASSERT_EQ(Cluster("start", dir_,
                      "PG_WALDIR=" + (dir_ / "wal").string() + " PG_OPTIONS='-c checkpoint_timeout=1d'"),
              0)
        << testing::Read(dir_ / "initdb.log") << testing::Read(dir_ / "server.log");
    db_ = "postgresql:///postgres?host=" + dir_.string() + "&user=postgres";
    std::string out;
    ASSERT_EQ(RunVetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + Quoted(db_) + " --quiet",
                        &out),
              0)
        << out;
    fs::path pw = dir_ / "pw";
    std::ofstream(pw) << kWriter.password << "\n";
    ASSERT_EQ(RunVetted("user add " + kWriter.email + " --role writer,editor --person " + kWriter.person +
                            " --password-stdin --db " + Quoted(db_) + " < " + pw.string(),
                        &out),
              0)
        << out;
  }
  void TearDown() override {
    std::error_code ec;
    if (mounted_) fs::remove(data_ / "filler", ec);                     // room for a clean shutdown
    if (started_ && Cluster("halt", dir_) != 0) Cluster("stop", dir_);  // stop: at once
    if (mounted_ && ::umount2(data_.c_str(), 0) != 0) ::umount2(data_.c_str(), MNT_DETACH);
    if (started_) Cluster("stop", dir_);
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  static constexpr int kDiskMb = 64;
  fs::path dir_, data_;
  std::string db_;
  bool mounted_ = false, started_ = false;
};

// Reader feedback until the disk refuses it, a newsroom save, reads meanwhile, then room again.
TEST_F(DiskFullPostgres, WritesAre503ReadsGoOnAndWritesComeBackWithoutARestart) {
  Server server(db_, {"--feedback-rate", "100000", "--feedback-burst", "100000", "--access-log", "false"});
  int port = server.port();
  ASSERT_GT(port, 0) << server.log();
  Client writer(port, kWriter);
  ASSERT_FALSE(writer.cookie().empty());
  Json created =
      writer.Call("POST", "/admin/api/articles",
                  {{"path", "content/sexual-health/full-disk.md"}, {"source", Source("First text.")}}, 201);
  int64_t id = created.value("id", int64_t(0));
  std::string base = created.value("revision", "");
  std::vector<std::string> acknowledged, refused;
  auto post = [&](const std::string& comment) {
    Reply r = Feedback(port, comment);
    if (r.status == 201) {
      acknowledged.push_back(comment);
    } else {
      refused.push_back(comment);
      EXPECT_EQ(r.status, 503) << r.head << r.body;
      EXPECT_NE(r.head.find("Retry-After: "), std::string::npos) << r.head;
      EXPECT_NE(r.body.find("could not be saved"), std::string::npos) << r.body;
    }
    return r.status;
  };
  ASSERT_EQ(post("before the disk filled"), 201);
  ASSERT_EQ(Http(port, "GET", kFlagship).status, 200);  // now cached
  // Ready (the search index's word lists read): /healthz says "ok".
  for (int i = 0; i < 500 && Http(port, "GET", "/healthz").status != 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));

  size_t filled = Fill(data_ / "filler");
  ASSERT_GT(filled, 0u);

  // Feedback until a post is refused: the pages of the table have room for some first.
  auto start = Clock::now();
  int posts = 0;
  while (posts < 5000 && refused.empty()) post("while the disk filled " + std::to_string(posts++));
  ASSERT_FALSE(refused.empty()) << posts << " posts, all acknowledged, on a full disk";
  const size_t before_first_503 = acknowledged.size() - 1;  // without "before the disk filled"
  const double until_503_ms = MsSince(start);
  for (int i = 0; i < 20; ++i) post("once the disk was full " + std::to_string(i));
  EXPECT_EQ(acknowledged.size() - 1, before_first_503) << "a post acknowledged after the first 503";
  std::printf(
      "disk full (postgresql): filler of %zu bytes fills the %d MB tmpfs; %zu posts acknowledged, then the "
      "first 503 (%.0f ms); %zu of the 20 posts after it refused\n",
      filled, kDiskMb, before_first_503, until_503_ms, refused.size() - 1);

  // A save whose text needs pages of its own: 503, Retry-After, a message that says why.
  Reply save = Save(port, writer, id, base, "Second text. " + Words(200 * 1024, 1));
  EXPECT_EQ(save.status, 503) << save.body.substr(0, 300);
  EXPECT_NE(save.head.find("Retry-After: "), std::string::npos) << save.head;
  EXPECT_NE(save.body.find("disk is full"), std::string::npos) << save.body.substr(0, 300);

  // Reads go on: a cached page, an uncached one, search, the newsroom's own reads, /healthz.
  EXPECT_EQ(Http(port, "GET", kFlagship).status, 200);
  EXPECT_EQ(Http(port, "GET", kUncached).status, 200);
  Reply search = Http(port, "GET", "/search?q=cried");
  EXPECT_EQ(search.status, 200);
  EXPECT_NE(search.body.find(kFlagship), std::string::npos);
  EXPECT_EQ(Http(port, "GET", "/api/search?q=crying+sex").status, 200);
  // The newsroom's reads, in a new second: the session's last-seen time is written, and that write
  // fits in its page, so it succeeds on the full disk. It does not end the condition (a poll later,
  // the log has no "disk space again"): only the write that failed for lack of room can.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  Reply record =
      Http(port, "GET", "/admin/api/articles/" + std::to_string(id), "Cookie: " + writer.cookie() + "\r\n");
  EXPECT_EQ(record.status, 200) << record.body.substr(0, 300);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  Reply health = Http(port, "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(health.body.find("\"database\":\"ok\""), std::string::npos) << health.body;

  std::string log = server.log();
  EXPECT_EQ(Count(log, "disk full: "), 1u) << log;
  EXPECT_NE(log.find("SQLSTATE 53100"), std::string::npos) << log;
  EXPECT_EQ(Count(log, "disk space again"), 0u) << log;
  EXPECT_EQ(Count(log, "feedback: "), 0u) << "one line per refused post floods the log\n" << log;

  // Room again: writes work at once, without a restart; the log says so once.
  fs::remove(data_ / "filler");
  start = Clock::now();
  EXPECT_EQ(post("after the space was freed"), 201);
  Reply resaved = Save(port, writer, id, base, "Second text, once there was room. " + Words(200 * 1024, 2));
  EXPECT_EQ(resaved.status, 200) << resaved.body.substr(0, 300);
  for (int i = 0; i < 100 && Count(server.log(), "disk space again") == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::printf(
      "disk full (postgresql): after the filler was deleted, a post (201), a save (200) and \"disk space "
      "again\" in the log within %.0f ms\n",
      MsSince(start));
  log = server.log();
  EXPECT_EQ(Count(log, "disk space again"), 1u) << log;
  EXPECT_EQ(Count(log, "disk full: "), 1u) << log;
  EXPECT_EQ(Count(log, "database unreachable"), 0u) << log;

  // Every acknowledged post is stored, none refused; the save once; PostgreSQL never stopped.
  std::string out;
  ASSERT_EQ(RunVetted("feedback export --db " + Quoted(db_) + " --format json", &out), 0) << out;
  Json all = Json::parse(out, nullptr, false);
  std::set<std::string> stored;
  for (const Json& f : all) stored.insert(f.value("comment", ""));
  for (const std::string& c : acknowledged) EXPECT_TRUE(stored.contains(c)) << "acknowledged, lost: " << c;
  for (const std::string& c : refused) EXPECT_FALSE(stored.contains(c)) << "refused, stored: " << c;
  for (const std::string& c : stored)
    EXPECT_TRUE(std::find(acknowledged.begin(), acknowledged.end(), c) != acknowledged.end())
        << "stored, never acknowledged: \"" << c << "\"";
  Json rec = writer.Call("GET", "/admin/api/articles/" + std::to_string(id), nullptr);
  EXPECT_EQ(rec.value("revisions", Json::array()).size(), 2u) << "create, and the save once there was room";
  std::string pg_log = testing::Read(dir_ / "server.log");
  std::printf("disk full (postgresql): PostgreSQL logged %zu errors \"No space left on device\"\n",
              Count(pg_log, "No space left on device"));
  EXPECT_NE(pg_log.find("No space left on device"), std::string::npos) << "no write ever found the disk full";
  EXPECT_EQ(pg_log.find("PANIC"), std::string::npos) << pg_log.substr(0, 2000);
  EXPECT_EQ(pg_log.find("terminated by signal"), std::string::npos) << pg_log.substr(0, 2000);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
}

}  // namespace
}  // namespace vetted
