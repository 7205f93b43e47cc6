// Several vetted nodes on one PostgreSQL database behave as one site: two
// `vetted serve` processes on the same database (a schema of the throwaway
// test cluster, scripts/pg-test-cluster.sh), the demo imported once. And
// `vetted migrate` on both backends.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "http_client.h"
#include "store/postgres/pg.h"
#include "store/postgres/testing/cluster.h"
#include "vetted_process.h"

namespace vetted {
namespace {

using testing::Account;
using testing::Client;
using testing::Http;
using testing::Reply;
using testing::RunVetted;
using testing::Server;
using Json = nlohmann::json;
namespace fs = std::filesystem;

const Account kWriter{"writer@example.org", "amber-walrus-tide-7391", "writer", "maya-okafor"};
const Account kReviewer{"reviewer@example.org", "copper-heron-mist-2846", "reviewer", "priya-nair"};
const Account kEditor{"editor@example.org", "violet-badger-dune-5173", "editor", "lena-brooks"};

// A fresh schema of the test cluster for this test, as a store address.
std::string FreshAddress() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string schema =
      pg_testing::SchemaFor(std::string("nodes.") + info->test_suite_name() + "." + info->name());
  EXPECT_TRUE(pg_testing::DropSchema(schema).ok());
  Result<std::string> address = pg_testing::Address(schema);
  EXPECT_TRUE(address.ok()) << address.status().message();
  return address.ok() ? *address : "";
}

// Quoted for the shell that RunVetted uses.
std::string Q(const std::string& s) {
  return "'" + s + "'";
}

TEST(Migrate, StatusThenMigrateOnSqlite) {
  fs::path dir = testing::TempDir("migrate");
  std::string db = (dir / "site.db").string();
  std::string out;
  EXPECT_EQ(RunVetted("migrate --status --db " + db, &out), 1);
  EXPECT_NE(out.find("no database at"), std::string::npos) << out;
  ASSERT_EQ(RunVetted("migrate --db " + db, &out), 0) << out;
  EXPECT_NE(out.find("migrated from version 0 to"), std::string::npos) << out;
  ASSERT_EQ(RunVetted("migrate --status --db " + db, &out), 0) << out;
  EXPECT_TRUE(out.find("schema: sqlite version") != std::string::npos &&
              out.find("(up to date)") != std::string::npos)
      << out;
  fs::remove_all(dir);
}

TEST(Migrate, StatusThenMigrateOnPostgres) {
  std::string db = FreshAddress();
  std::string out;
  ASSERT_EQ(RunVetted("migrate --status --db " + Q(db), &out), 0) << out;
  EXPECT_NE(out.find("schema: postgresql version 0 of"), std::string::npos) << out;
  ASSERT_EQ(RunVetted("migrate --db " + Q(db), &out), 0) << out;
  ASSERT_EQ(RunVetted("migrate --status --db " + Q(db), &out), 0) << out;
  EXPECT_NE(out.find("(up to date)"), std::string::npos) << out;
}

std::string Source(const std::string& title, const std::string& body) {
  return "---\ntitle: \"" + title + "\"\ndescription: \"About " + title +
         ".\"\nauthors: [maya-okafor]\ntags: [sex]\n---\n\n" + body + "\n";
}

class Nodes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("nodes");
    db_ = Database();
    std::string out;
    ASSERT_EQ(
        RunVetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + Q(db_) + " --quiet", &out), 0)
        << out;
    for (const Account& a : {kWriter, kReviewer, kEditor}) {
      fs::path pw = dir_ / "pw";
      std::ofstream(pw) << a.password << "\n";
      ASSERT_EQ(RunVetted("user add " + a.email + " --role " + a.role + " --person " + a.person +
                              " --password-stdin --db " + Q(db_) + " < " + pw.string(),
                          &out),
                0)
          << out;
    }
    extra_ = {"--feedback-rate", "600", "--feedback-burst", "600"};
  }
  void TearDown() override { fs::remove_all(dir_); }
  // The database the nodes share: a fresh schema of the test cluster.
  virtual std::string Database() { return FreshAddress(); }

  // Writes an article through the node at `port` as the writer, submits it, has the reviewer
  // approve and the editor publish it: its id.
  std::string WriteAndPublish(int port, const std::string& path, const std::string& title,
                              const std::string& body) {
    Client writer(port, kWriter), reviewer(port, kReviewer), editor(port, kEditor);
    Json c =
        writer.Call("POST", "/admin/api/articles", {{"path", path}, {"source", Source(title, body)}}, 201);
    std::string id = std::to_string(c.value("id", int64_t(0))), rev = c.value("revision", std::string());
    writer.Call("POST", "/admin/api/articles/" + id + "/submit", {{"revision", rev}});
    reviewer.Call("POST", "/admin/api/articles/" + id + "/approve", {{"revision", rev}});
    editor.Call("POST", "/admin/api/articles/" + id + "/publish", {{"revision", rev}});
    return id;
  }

  fs::path dir_;
  std::string db_;
  std::vector<std::string> extra_;
};

TEST_F(Nodes, APublicationThroughOneNodeIsServedByTheOther) {
  Server a(db_, extra_), b(db_, extra_);
  ASSERT_GT(a.port(), 0) << a.log();
  ASSERT_GT(b.port(), 0) << b.log();
  Client writer(a.port(), kWriter), reviewer(a.port(), kReviewer), editor(a.port(), kEditor);
  Json c = writer.Call("POST", "/admin/api/articles",
                       {{"path", "content/sexual-health/two-nodes.md"},
                        {"source", Source("Two nodes", "Written on node A, read on node B.")}},
                       201);
  std::string id = std::to_string(c.value("id", int64_t(0))), rev = c.value("revision", std::string());
  writer.Call("POST", "/admin/api/articles/" + id + "/submit", {{"revision", rev}});
  reviewer.Call("POST", "/admin/api/articles/" + id + "/approve", {{"revision", rev}});
  EXPECT_EQ(Http(b.port(), "GET", "/sexual-health/two-nodes/").status, 404);
  editor.Call("POST", "/admin/api/articles/" + id + "/publish", {{"revision", rev}});
  auto published = std::chrono::steady_clock::now();
  Reply page;
  while (std::chrono::steady_clock::now() - published < std::chrono::seconds(10)) {
    page = Http(b.port(), "GET", "/sexual-health/two-nodes/");
    if (page.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - published);
  ASSERT_EQ(page.status, 200) << b.log();
  EXPECT_NE(page.body.find("Written on node A, read on node B."), std::string::npos);
  std::printf("nodes: published through node A, served by node B %lld ms later\n",
              static_cast<long long>(ms.count()));
  // A generous bound for a loaded CI machine; the figure itself is measured in bench/nodes.sh.
  EXPECT_LT(ms.count(), 3000);
}

TEST_F(Nodes, ASessionMadeOnOneNodeWorksOnTheOther) {
  Server a(db_, extra_), b(db_, extra_);
  ASSERT_GT(a.port(), 0) << a.log();
  ASSERT_GT(b.port(), 0) << b.log();
  Client editor(a.port(), kEditor);
  ASSERT_FALSE(editor.cookie().empty());
  Reply on_b = Http(b.port(), "GET", "/admin/api/session", "Cookie: " + editor.cookie() + "\r\n");
  ASSERT_EQ(on_b.status, 200) << on_b.body;
  EXPECT_EQ(Json::parse(on_b.body, nullptr, false).value("csrf", ""), editor.csrf());
  // A change through node B with the session and token node A gave.
  Reply made =
      Http(b.port(), "POST", "/admin/api/articles",
           "Cookie: " + editor.cookie() + "\r\nX-CSRF-Token: " + editor.csrf() +
               "\r\nContent-Type: application/json\r\n",
           Json{{"path", "content/sexual-health/via-b.md"}, {"source", Source("Via B", "Text.")}}.dump());
  EXPECT_EQ(made.status, 201) << made.body;
  // Signing out on node A ends the session on node B at once.
  Reply out = Http(a.port(), "POST", "/admin/logout",
                   "Cookie: " + editor.cookie() + "\r\nContent-Type: application/x-www-form-urlencoded\r\n",
                   "csrf=" + editor.csrf());
  EXPECT_TRUE(out.status == 303 || out.status == 200) << out.status << out.body;
  EXPECT_EQ(Http(b.port(), "GET", "/admin/api/session", "Cookie: " + editor.cookie() + "\r\n").status, 401);
}

TEST_F(Nodes, FeedbackPostedToBothNodesLandsOnceEach) {
  Server a(db_, extra_), b(db_, extra_);
  ASSERT_GT(a.port(), 0) << a.log();
  ASSERT_GT(b.port(), 0) << b.log();
  const std::string article = "/relationships/sex-and-relationships/why-you-might-cry-during-sex/";
  constexpr int kEach = 15;
  std::set<int64_t> ids;
  auto post = [&](int port, int i) {
    Json j = {{"article", article},
              {"helpful", i % 2 == 0},
              {"category", "other"},
              {"comment", "node " + std::to_string(port) + " #" + std::to_string(i)}};
    return Http(port, "POST", "/api/feedback", "Content-Type: application/json\r\n", j.dump());
  };
  for (int i = 0; i < kEach; ++i) {
    for (int port : {a.port(), b.port()}) {
      Reply r = post(port, i);
      ASSERT_EQ(r.status, 201) << r.body;
      ids.insert(Json::parse(r.body, nullptr, false).value("id", int64_t(0)));
    }
  }
  EXPECT_EQ(ids.size(), 2u * kEach);  // distinct ids across both nodes
  std::string out;
  ASSERT_EQ(RunVetted("feedback export --db " + Q(db_) + " --format json", &out), 0) << out;
  Json all = Json::parse(out, nullptr, false);
  ASSERT_TRUE(all.is_array()) << out.substr(0, 300);
  size_t mine = 0;
  for (const Json& f : all)
    if (f.value("comment", "").starts_with("node ")) ++mine;
  EXPECT_EQ(mine, 2u * kEach);
}

// A sign-in through the no-JavaScript form, as a browser does it.
Reply SignInForm(int port, const std::string& email, const std::string& password) {
  Reply form = Http(port, "GET", "/admin/login");
  std::smatch m;
  std::regex_search(form.body, m, std::regex("name=\"csrf\" value=\"([^\"]*)\""));
  std::string cookie = form.Cookies().empty() ? "" : form.Cookies()[0];
  return Http(port, "POST", "/admin/login",
              "Cookie: " + cookie + "\r\nContent-Type: application/x-www-form-urlencoded\r\n",
              testing::FormEncode(
                  {{"csrf", m.size() > 1 ? m[1].str() : ""}, {"email", email}, {"password", password}}));
}

std::string RetryAfter(const Reply& r) {
  std::smatch m;
  if (std::regex_search(r.head, m, std::regex("\r\nRetry-After: *([0-9]+)", std::regex::icase))) return m[1];
  return "";
}

// Ten wrong passwords for one account, spread over node A and node B: the
// eleventh try is refused on either node (429, Retry-After), even with the
// right password, as one node would; the throttle's state is in the database.
TEST_F(Nodes, SignInThrottleHoldsAcrossNodes) {
  Server a(db_, extra_), b(db_, extra_);
  ASSERT_GT(a.port(), 0) << a.log();
  ASSERT_GT(b.port(), 0) << b.log();
  for (int i = 0; i < 10; ++i) {
    Reply r = SignInForm(i % 2 == 0 ? a.port() : b.port(), kEditor.email, "wrong-guess-" + std::to_string(i));
    ASSERT_EQ(r.status, 401) << i << "\n" << r.head << r.body.substr(0, 300);
  }
  for (int port : {a.port(), b.port()}) {
    Reply r = SignInForm(port, kEditor.email, kEditor.password);
    EXPECT_EQ(r.status, 429) << r.head;
    std::string wait = RetryAfter(r);
    ASSERT_FALSE(wait.empty()) << r.head;
    EXPECT_GT(std::stoll(wait), 0);
    EXPECT_LE(std::stoll(wait), 15 * 60);
    EXPECT_NE(r.body.find("Too many failed sign-ins"), std::string::npos);
  }
  // A third node started now knows too.
  Server c(db_, extra_);
  ASSERT_GT(c.port(), 0) << c.log();
  EXPECT_EQ(SignInForm(c.port(), kEditor.email, kEditor.password).status, 429);
}

// One client's feedback burst is shared by the nodes: 4 posts spread over A
// and B, then the fifth is refused on both (429, Retry-After).
TEST_F(Nodes, FeedbackBurstIsSharedByTheNodes) {
  std::vector<std::string> tight = {"--feedback-rate", "1", "--feedback-burst", "4"};
  Server a(db_, tight), b(db_, tight);
  ASSERT_GT(a.port(), 0) << a.log();
  ASSERT_GT(b.port(), 0) << b.log();
  const std::string article = "/relationships/sex-and-relationships/why-you-might-cry-during-sex/";
  auto post = [&](int port, int i) {
    Json j = {{"article", article},
              {"helpful", true},
              {"category", "helpful"},
              {"comment", "#" + std::to_string(i)}};
    return Http(port, "POST", "/api/feedback", "Content-Type: application/json\r\n", j.dump());
  };
  for (int i = 0; i < 4; ++i) {
    Reply r = post(i % 2 == 0 ? a.port() : b.port(), i);
    ASSERT_EQ(r.status, 201) << i << " " << r.body;
  }
  for (int port : {a.port(), b.port()}) {
    Reply r = post(port, 99);
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_FALSE(RetryAfter(r).empty()) << r.head;
  }
}

// A publication scheduled through node A happens once, whichever node's poller finds it due first: both look
// every second, and the newsroom's lock in the database lets only one finish it.
TEST_F(Nodes, AScheduledPublicationHappensOnceWithTwoNodes) {
  Server a(db_, extra_), b(db_, extra_);
  ASSERT_GT(a.port(), 0) << a.log();
  ASSERT_GT(b.port(), 0) << b.log();
  Client writer(a.port(), kWriter), reviewer(a.port(), kReviewer), editor(a.port(), kEditor);
  Json c = writer.Call("POST", "/admin/api/articles",
                       {{"path", "content/sexual-health/scheduled.md"},
                        {"source", Source("Scheduled", "Published by whichever node looks first.")}},
                       201);
  int64_t id = c.value("id", int64_t(0));
  std::string rev = c.value("revision", std::string());
  writer.Call("POST", "/admin/api/articles/" + std::to_string(id) + "/submit", {{"revision", rev}});
  reviewer.Call("POST", "/admin/api/articles/" + std::to_string(id) + "/approve", {{"revision", rev}});
  std::time_t when = std::time(nullptr) + 2;
  char at[32];
  std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&when));
  editor.Call("POST", "/admin/api/articles/" + std::to_string(id) + "/publish",
              {{"revision", rev}, {"at", at}});
  Reply page;
  for (int i = 0; i < 200; ++i) {
    page = Http(b.port(), "GET", "/sexual-health/scheduled/");
    if (page.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(page.status, 200) << a.log() << b.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // both pollers have looked again since
  Json audit = editor.Call("GET", "/admin/api/audit", nullptr);
  int published = 0, failed = 0;
  for (const Json& e : audit.value("entries", Json::array())) {
    if (e.value("article", int64_t(0)) != id) continue;
    std::string action = e.value("action", "");
    if (action == "publish") ++published;
    if (action.ends_with("-failed")) ++failed;
  }
  EXPECT_EQ(published, 1) << audit.dump();
  EXPECT_EQ(failed, 0) << audit.dump();
  EXPECT_TRUE(audit.value("intact", false));
}

// The cluster script, for a cluster of a test's own.
int Cluster(const std::string& command, const fs::path& dir, const std::string& more = "") {
  std::string cmd = "bash " + std::string(VETTED_SOURCE_DIR) + "/scripts/pg-test-cluster.sh " + command +
                    " " + dir.string() + " " + more;
  return std::system(cmd.c_str());
}

bool HealthSays(int port, const std::string& database) {
  for (int i = 0; i < 500; ++i) {
    if (Http(port, "GET", "/healthz").body.find("\"database\":\"" + database + "\"") != std::string::npos)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// PostgreSQL stops under two running nodes and comes back: both serve pages throughout; what needs the
// database answers 503 with Retry-After meanwhile (never acknowledging a write it did not store); both
// recover by themselves.
TEST(Outage, APostgresRestartLeavesBothNodesServingAndRecovering) {
  fs::path dir = fs::path("/tmp") / ("vetted-pg-outage-" + std::to_string(::getpid()));
  ASSERT_EQ(Cluster("start", dir), 0);
  std::string db = "postgresql:///postgres?host=" + dir.string() + "&user=postgres";
  std::string out;
  ASSERT_EQ(RunVetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + Q(db) + " --quiet", &out),
            0)
      << out;
  Server a(db, {"--feedback-rate", "600", "--feedback-burst", "600"});
  Server b(db, {"--feedback-rate", "600", "--feedback-burst", "600"});
  ASSERT_GT(a.port(), 0) << a.log();
  ASSERT_GT(b.port(), 0) << b.log();
  const std::string article = "/relationships/sex-and-relationships/why-you-might-cry-during-sex/";
  auto feedback = [&](int port, const std::string& comment) {
    Json j = {{"article", article}, {"helpful", true}, {"category", "other"}, {"comment", comment}};
    return Http(port, "POST", "/api/feedback", "Content-Type: application/json\r\n", j.dump());
  };
  ASSERT_EQ(feedback(a.port(), "outage before").status, 201);

  ASSERT_EQ(Cluster("halt", dir), 0);
  for (int port : {a.port(), b.port()}) {
    ASSERT_TRUE(HealthSays(port, "unreachable")) << port;
    for (int i = 0; i < 20; ++i) EXPECT_EQ(Http(port, "GET", article).status, 200);  // from memory
    Reply refused = feedback(port, "outage during");
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_NE(refused.head.find("Retry-After: 5"), std::string::npos) << refused.head;
    EXPECT_EQ(Http(port, "GET", "/search?q=sex").status, 503);
  }

  ASSERT_EQ(Cluster("start", dir), 0);
  for (int port : {a.port(), b.port()}) {
    ASSERT_TRUE(HealthSays(port, "ok")) << port;
    EXPECT_EQ(feedback(port, "outage after").status, 201);
    EXPECT_EQ(Http(port, "GET", "/search?q=sex").status, 200);
  }
  ASSERT_EQ(RunVetted("feedback export --db " + Q(db) + " --format json", &out), 0) << out;
  EXPECT_NE(out.find("outage before"), std::string::npos);
  EXPECT_NE(out.find("outage after"), std::string::npos);
  EXPECT_EQ(out.find("outage during"), std::string::npos);  // refused, so not stored either
  for (Server* node : {&a, &b}) {
    std::string log = node->log();
    EXPECT_NE(log.find("database unreachable"), std::string::npos) << log;
    EXPECT_NE(log.find("database reachable again"), std::string::npos) << log;
    EXPECT_EQ(node->Stop(SIGTERM), 0) << node->log();
  }
  Cluster("stop", dir);
}

// A node killed with SIGKILL while readers post feedback: every post it acknowledged is in the database.
TEST_F(Nodes, ANodeKilledUnderLoadLosesNoAcknowledgedWrite) {
  Server a(db_, extra_);
  ASSERT_GT(a.port(), 0) << a.log();
  const std::string article = "/relationships/sex-and-relationships/why-you-might-cry-during-sex/";
  std::vector<std::thread> readers;
  std::mutex mu;
  std::set<int64_t> acknowledged;
  std::atomic<bool> stop{false};
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        Json j = {{"article", article},
                  {"helpful", true},
                  {"category", "other"},
                  {"comment", "kill " + std::to_string(t) + "-" + std::to_string(i)}};
        Reply r = Http(a.port(), "POST", "/api/feedback", "Content-Type: application/json\r\n", j.dump());
        if (r.status == 201) {
          std::lock_guard lock(mu);
          acknowledged.insert(Json::parse(r.body, nullptr, false).value("id", int64_t(0)));
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_EQ(a.Stop(SIGKILL), 128 + SIGKILL);
  stop = true;
  for (std::thread& t : readers) t.join();
  ASSERT_GT(acknowledged.size(), 5u);
  std::string out;
  ASSERT_EQ(RunVetted("feedback export --db " + Q(db_) + " --format json", &out), 0) << out;
  Json all = Json::parse(out, nullptr, false);
  std::set<int64_t> stored;
  for (const Json& f : all) stored.insert(f.value("id", int64_t(0)));
  for (int64_t id : acknowledged)
    EXPECT_TRUE(stored.contains(id)) << "acknowledged feedback " << id << " lost";
  std::printf("nodes: %zu feedback posts acknowledged before SIGKILL, all stored\n", acknowledged.size());
}

// Two nodes on a primary of their own; node B also has a streaming replica of it (pg_basebackup)
// as --db-read.
class ReadReplica : public Nodes {
 protected:
  void SetUp() override {
    primary_ = fs::path("/tmp") / ("vetted-pg-primary-" + std::to_string(::getpid()));
    replica_ = fs::path("/tmp") / ("vetted-pg-replica-" + std::to_string(::getpid()));
    ASSERT_EQ(Cluster("start", primary_), 0);
    ASSERT_EQ(Cluster("replica", replica_, primary_.string()), 0);
    Nodes::SetUp();
  }
  void TearDown() override {
    Nodes::TearDown();
    Cluster("stop", replica_);
    Cluster("stop", primary_);
  }
  std::string Database() override {
    return "postgresql:///postgres?host=" + primary_.string() + "&user=postgres";
  }
  std::string ReplicaAddress() const {
    return "postgresql:///postgres?host=" + replica_.string() + "&user=postgres";
  }
  // Runs `sql` on the replica (as the superuser).
  void OnReplica(const std::string& sql) {
    Result<std::unique_ptr<store::pg::Conn>> conn = store::pg::Conn::Open(ReplicaAddress());
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    Result<store::pg::Rows> rows = (*conn)->Query(sql.c_str());
    ASSERT_TRUE(rows.ok()) << rows.status().message();
  }

  fs::path primary_, replica_;
};

Json ReplicaHealth(int port) {
  Json health = Json::parse(Http(port, "GET", "/healthz").body, nullptr, false);
  return health.is_object() ? health.value("read_replica", Json::object()) : Json::object();
}

// Waits up to `seconds` until `target` on the node at `port` answers 200 with `text` in it: the milliseconds
// it took, or -1.
long long WaitForText(int port, const std::string& target, const std::string& text, int seconds = 10) {
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(seconds)) {
    Reply r = Http(port, "GET", target);
    if (r.status == 200 && r.body.find(text) != std::string::npos)
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
          .count();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

TEST_F(ReadReplica, PagesAndSearchesComeFromTheReplicaButNeverOlderThanServed) {
  Server a(db_, extra_);
  std::vector<std::string> with_replica = extra_;
  with_replica.insert(with_replica.end(), {"--db-read", ReplicaAddress()});
  Server b(db_, with_replica);
  ASSERT_GT(a.port(), 0) << a.log();
  ASSERT_GT(b.port(), 0) << b.log();
  ASSERT_EQ(ReplicaHealth(b.port()).value("state", ""), "ok") << b.log();
  EXPECT_TRUE(ReplicaHealth(a.port()).empty());  // no --db-read: no replica

  // 1. A publication through node A: node B serves it and finds it, reading the replica.
  WriteAndPublish(a.port(), "content/sexual-health/replica-one.md", "Replica one",
                  "Quokkaberry is a word only this article has.");
  long long ms = WaitForText(b.port(), "/sexual-health/replica-one/", "Quokkaberry");
  ASSERT_GE(ms, 0) << b.log();
  std::printf("replica: published through node A, served by node B (reading its replica) %lld ms later\n",
              ms);
  EXPECT_LT(ms, 3000);  // a generous bound for a loaded CI machine (the issue asks for 1 s)
  EXPECT_GE(WaitForText(b.port(), "/search?q=quokkaberry", "/sexual-health/replica-one/", 1), 0);
  Json health = ReplicaHealth(b.port());
  const int64_t replica_reads = health.value("replica_reads", int64_t(0));
  EXPECT_GT(replica_reads, 0) << health.dump();

  // 2. The replica stops replaying: B must not serve older content than it has already served,
  // so it reads the primary, and a new publication is still served and found.
  OnReplica("SELECT pg_wal_replay_pause()");
  const int64_t primary_before = ReplicaHealth(b.port()).value("primary_reads", int64_t(0));
  WriteAndPublish(a.port(), "content/sexual-health/replica-two.md", "Replica two",
                  "Wombatfern is a word only this article has.");
  ms = WaitForText(b.port(), "/sexual-health/replica-two/", "Wombatfern");
  ASSERT_GE(ms, 0) << b.log();
  std::printf("replica: with the replica's replay paused, node B served the publication %lld ms later\n", ms);
  EXPECT_GE(WaitForText(b.port(), "/search?q=wombatfern", "/sexual-health/replica-two/", 1), 0);
  EXPECT_GE(WaitForText(b.port(), "/search?q=quokkaberry", "/sexual-health/replica-one/", 1), 0);
  health = ReplicaHealth(b.port());
  EXPECT_GT(health.value("primary_reads", int64_t(0)), primary_before) << health.dump();

  // Replay again: reads go back to the replica once it has caught up.
  OnReplica("SELECT pg_wal_replay_resume()");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_GE(WaitForText(b.port(), "/search?q=wombatfern+quokkaberry", "/sexual-health/replica-two/", 2), 0);
  health = ReplicaHealth(b.port());
  EXPECT_GT(health.value("replica_reads", int64_t(0)), replica_reads) << health.dump();

  // 3. The replica goes away: B keeps serving and searching from the primary, /healthz says so,
  // and uses the replica again once it is back.
  ASSERT_EQ(Cluster("halt", replica_), 0);
  EXPECT_EQ(Http(b.port(), "GET", "/sexual-health/replica-two/").status, 200);
  EXPECT_GE(WaitForText(b.port(), "/search?q=wombatfern+replica", "/sexual-health/replica-two/", 5), 0)
      << b.log();
  EXPECT_EQ(ReplicaHealth(b.port()).value("state", ""), "unreachable");
  EXPECT_EQ(Http(b.port(), "GET", "/healthz").status, 200);  // the node still serves: keep it in the pool
  ASSERT_EQ(Cluster("replica", replica_, primary_.string()), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the replica is left alone for a second
  const int64_t replica_before = ReplicaHealth(b.port()).value("replica_reads", int64_t(0));
  EXPECT_GE(WaitForText(b.port(), "/search?q=quokkaberry+replica", "/sexual-health/replica-one/", 5), 0);
  health = ReplicaHealth(b.port());
  EXPECT_EQ(health.value("state", ""), "ok") << health.dump();
  EXPECT_GT(health.value("replica_reads", int64_t(0)), replica_before) << health.dump();
  for (Server* node : {&a, &b}) EXPECT_EQ(node->Stop(SIGTERM), 0) << node->log();
}

TEST(ReadReplicaAddress, IsRefusedForSqlite) {
  fs::path dir = testing::TempDir("replica-sqlite");
  std::string db = (dir / "site.db").string(), out;
  ASSERT_EQ(RunVetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + db + " --quiet", &out), 0)
      << out;
  EXPECT_EQ(RunVetted("serve --db " + db + " --db-read postgresql:///x --listen 127.0.0.1:0", &out), 2);
  EXPECT_NE(out.find("a read replica needs a PostgreSQL database"), std::string::npos) << out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vetted
