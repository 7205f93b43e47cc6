// `vetted db copy` and store::CopyStore: a site with newsroom work in every
// table copied SQLite -> PostgreSQL -> a new SQLite file is the same site
// (published snapshot, revisions, feedback, accounts, workflow, audit chain,
// search); a destination that is not empty, or a memory: store, is refused
// and nothing changes. PostgreSQL: the throwaway cluster (ctest fixture `pg`).
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "newsroom/articles.h"
#include "newsroom/desk.h"
#include "newsroom/newsroom.h"
#include "newsroom/previews.h"
#include "store/dump.h"
#include "store/open.h"
#include "store/postgres/testing/cluster.h"

namespace vetted {
namespace {

namespace fs = std::filesystem;

const newsroom::Actor kDaniel{1, "daniel@x.org", "daniel-reyes", newsroom::kWriter};
const newsroom::Actor kHelen{2, "helen@x.org", "helen-marsh", newsroom::kReviewer};
const newsroom::Actor kLena{3, "lena@x.org", "lena-brooks", newsroom::kEditor};

std::string Source(const std::string& title, const std::string& body) {
  return "---\ntitle: " + title + "\ndescription: A test article about " + title +
         ".\nauthors: [daniel-reyes]\npublished: 2026-01-10\ntags: [sleep]\n---\n" + body + "\n";
}

std::unique_ptr<store::Store> OpenOrDie(const std::string& address) {
  Result<std::unique_ptr<store::Store>> s = store::Open(address);
  EXPECT_TRUE(s.ok()) << address << ": " << s.status().message();
  return s.ok() ? std::move(*s) : nullptr;
}

int Vetted(const std::string& args, std::string* out = nullptr) {
  std::string file = (fs::temp_directory_path() / ("db_copy_out_" + std::to_string(::getpid()))).string();
  int rc = std::system((std::string(VETTED_BIN) + " " + args + " > " + file + " 2>&1").c_str());
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  if (out != nullptr) *out = text.str();
  fs::remove(file);
  return WEXITSTATUS(rc);
}

// Everything a reader, the newsroom and an admin can see of a site, as text.
// `ranked`: search hits in the order the backend ranks them; false: sorted
// (PostgreSQL and SQLite rank the same matches differently).
std::string Describe(store::Store& s, bool ranked = true) {
  std::ostringstream o;
  Result<int64_t> generation = s.Generation();
  o << "generation " << (generation.ok() ? *generation : -1) << "\n";
  Result<store::Snapshot> snap = s.Load();
  EXPECT_TRUE(snap.ok());
  std::map<std::string, std::string> files;
  for (const store::SourceFile& f : snap->files) files[f.path] = f.bytes;
  for (const auto& [path, bytes] : files) {
    o << "file " << path << " " << bytes.size() << "\n" << bytes << "\n";
    if (path.rfind("content/", 0) != 0 || path.find("/_section.md") != std::string::npos) continue;
    Result<std::vector<store::RevisionInfo>> revisions = s.Revisions(path);
    EXPECT_TRUE(revisions.ok()) << path;
    for (const store::RevisionInfo& r : *revisions) {
      Result<std::string> rb = s.RevisionBytes(path, r.revision);
      EXPECT_TRUE(rb.ok()) << path << " " << r.revision;
      o << "  revision " << r.revision << " " << r.created_at << " " << r.current << " " << rb->size() << "\n"
        << *rb << "\n";
    }
  }
  Result<std::vector<store::FeedbackRecord>> feedback = s.ListFeedback();
  EXPECT_TRUE(feedback.ok());
  for (const store::FeedbackRecord& f : *feedback)
    o << "feedback " << f.id << " " << f.article_url << " " << f.article_path << " " << f.revision << " "
      << f.helpful << " " << f.category << " " << f.comment << " " << f.created_at << "\n";
  Result<std::vector<store::AccountRecord>> accounts = s.Accounts()->ListAccounts();
  EXPECT_TRUE(accounts.ok());
  for (const store::AccountRecord& a : *accounts) {
    o << "account " << a.id << " " << a.email << " " << int(a.roles) << " " << a.person_id << " "
      << a.disabled << " " << a.password_hash << " " << a.must_change_password << " " << a.totp_secret << " "
      << a.created_at << "\n";
  }
  Result<store::SessionRecord> session = s.Accounts()->FindSession("feedface");
  o << "session " << (session.ok() ? session->csrf + " " + std::to_string(session->account_id) : "none")
    << "\n";
  Status read = s.Workflow()->Read([&](store::WorkflowTx& tx) {
    Result<std::vector<store::WfArticle>> articles = tx.Articles();
    if (!articles.ok()) return articles.status();
    for (const store::WfArticle& a : *articles) {
      o << "wf " << a.id << " " << a.path << " " << a.created_at << " " << a.created_by << " " << a.state
        << " " << a.latest_revision << " " << a.submitted_revision << " " << a.live_revision << "\n";
      auto list1 = tx.Revisions(a.id);
      if (!list1.ok()) return list1.status();
      for (const store::WfRevision& r : *list1)
        o << "  rev " << r.hash << " " << r.parent << " " << r.author << " " << r.created_at << " " << r.major
          << "\n"
          << r.source << "\n";
      auto list2 = tx.Approvals(a.id);
      if (!list2.ok()) return list2.status();
      for (const store::WfApproval& r : *list2)
        o << "  approval " << r.revision << " " << r.reviewer << " " << r.reviewer_person << " " << r.note
          << "\n";
      auto list3 = tx.ChangeRequests(a.id);
      if (!list3.ok()) return list3.status();
      for (const store::WfChangeRequest& r : *list3)
        o << "  changes " << r.revision << " " << r.reviewer << " " << r.comments << "\n";
      auto list4 = tx.PreviewLinks(a.id);
      if (!list4.ok()) return list4.status();
      for (const store::WfPreviewLink& l : *list4)
        o << "  preview " << l.token_hash << " " << l.revision << " " << l.created_by << " " << l.expires_at
          << "\n";
    }
    auto list5 = tx.Publications(0);
    if (!list5.ok()) return list5.status();
    for (const store::WfPublication& p : *list5)
      o << "publication " << p.id << " " << p.article_id << " " << p.action << " " << p.revision << " "
        << p.done_at << "\n";
    auto list6 = tx.Audit(0);
    if (!list6.ok()) return list6.status();
    for (const store::AuditEntry& e : *list6)
      o << "audit " << e.seq << " " << e.action << " " << e.article_id << " " << e.detail << " "
        << e.prev_hash << "\n";
    Result<store::AuditHead> head = tx.Head();
    if (!head.ok()) return head.status();
    o << "audit head " << head->count << " " << head->hash << "\n";
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
  newsroom::Tickets tickets(s, &util::SystemClock());
  Result<std::vector<store::Ticket>> list = tickets.List();
  EXPECT_TRUE(list.ok());
  for (const store::Ticket& t : *list)
    o << "ticket " << t.id << " " << t.feedback_id << " " << t.article_url << " " << t.state << "\n";
  for (const char* q : {"anxiety", "sleep", "painful sex", "relationship"}) {
    store::SearchQuery query;
    query.text = q;
    Result<store::SearchResults> r = s.Search(query);
    EXPECT_TRUE(r.ok()) << q;
    o << "search " << q << " " << r->total << ":";
    std::vector<std::string> urls;
    for (const store::SearchHit& h : r->hits) urls.push_back(h.url);
    if (!ranked) std::sort(urls.begin(), urls.end());
    for (const std::string& url : urls) o << " " << url;
    o << "\n";
  }
  return o.str();
}

class DbCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("db_copy_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    schema_ = pg_testing::SchemaFor(dir_.string());
    ASSERT_TRUE(pg_testing::DropSchema(schema_).ok());
    Result<std::string> address = pg_testing::Address(schema_);
    ASSERT_TRUE(address.ok()) << address.status().message();
    pg_ = *address;
  }
  void TearDown() override {
    (void)pg_testing::DropSchema(schema_);
    fs::remove_all(dir_);
  }

  // The demo site plus newsroom work in every table.
  void MakeSite(const std::string& db) {
    ASSERT_EQ(Vetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + db), 0);
    std::unique_ptr<store::Store> s = OpenOrDie(db);
    ASSERT_TRUE(s);
    for (const newsroom::Actor& a : {kDaniel, kHelen, kLena}) {
      store::AccountRecord r;
      r.email = a.email;
      r.roles = a.roles;
      r.person_id = a.person_id;
      r.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
      r.created_at = 1700000000;
      Result<int64_t> id = s->Accounts()->AddAccount(r);
      ASSERT_TRUE(id.ok()) << id.status().message();
      ASSERT_EQ(*id, a.account_id);
    }
    ASSERT_TRUE(s->Accounts()->AddSession({"feedface", 3, "csrf-token", 1700000001, 1700000002}).ok());
    newsroom::Articles articles(*s, {});
    // Published: created, changes asked, saved again, approved, published.
    Result<newsroom::Created> c = articles.Create(kDaniel, "content/sexual-health/sleep-and-sex.md",
                                                  Source("Sleep and sex", "Sleep helps."));
    ASSERT_TRUE(c.ok()) << c.status().message();
    ASSERT_TRUE(articles.Submit(kDaniel, c->id, c->revision).ok());
    ASSERT_TRUE(articles.RequestChanges(kHelen, c->id, c->revision, "Say more about sleep.").ok());
    Result<newsroom::Saved> saved = articles.Save(
        kDaniel, c->id, Source("Sleep and sex", "Sleep helps a lot."), c->revision, /*major=*/true);
    ASSERT_TRUE(saved.ok()) << saved.status().message();
    ASSERT_TRUE(articles.Submit(kDaniel, c->id, saved->revision).ok());
    ASSERT_TRUE(articles.Approve(kHelen, c->id, saved->revision, "accurate").ok());
    Result<newsroom::Published> p = articles.Publish(kLena, c->id, {saved->revision, "", ""});
    ASSERT_TRUE(p.ok()) << p.status().message();
    // A draft in review with a preview link.
    Result<newsroom::Created> d =
        articles.Create(kDaniel, "content/sexual-health/naps.md", Source("Naps", "Short naps refresh."));
    ASSERT_TRUE(d.ok()) << d.status().message();
    ASSERT_TRUE(articles.Submit(kDaniel, d->id, d->revision).ok());
    newsroom::Previews previews(*s, util::SystemClock());
    ASSERT_TRUE(previews.Create(kDaniel, d->id, d->revision, 7).ok());
    // Readers' feedback, an error report among it, and its ticket.
    std::vector<store::NewFeedback> batch = {
        {"/sexual-health/performance-anxiety/", "", true, "helpful", "Thanks", "2026-12-01T10:00:00Z"},
        {"/sexual-health/sleep-and-sex/", "", false, "error", "A typo in the second line",
         "2026-12-01T11:00:00Z"},
        {"/sexual-health/performance-anxiety/", "", false, "other", "", "2026-12-01T12:00:00Z"},
    };
    for (const Result<int64_t>& r : s->AddFeedback(batch)) ASSERT_TRUE(r.ok()) << r.status().message();
    newsroom::Tickets tickets(*s, &util::SystemClock());
    Result<int> opened = tickets.Sync();
    ASSERT_TRUE(opened.ok());
    ASSERT_EQ(*opened, 1);
  }

  fs::path dir_;
  std::string schema_;
  std::string pg_;
};

TEST_F(DbCopyTest, SqliteToPostgresToSqliteIsTheSameSite) {
  const std::string a = (dir_ / "a.db").string(), c = (dir_ / "c.db").string();
  MakeSite(a);
  if (HasFatalFailure()) return;

  std::string out;
  ASSERT_EQ(Vetted("db copy --from " + a + " --to '" + pg_ + "'", &out), 0) << out;
  EXPECT_NE(out.find("wf_approvals"), std::string::npos) << out;
  EXPECT_NE(out.find("audit "), std::string::npos) << out;
  ASSERT_EQ(Vetted("db copy --from '" + pg_ + "' --to " + c, &out), 0) << out;

  std::unique_ptr<store::Store> sa = OpenOrDie(a), sp = OpenOrDie(pg_), sc = OpenOrDie(c);
  ASSERT_TRUE(sa && sp && sc);
  const std::string want = Describe(*sa);
  // The site has something in every part the copy must carry.
  for (const char* part : {"feedback 3 ", "account 3 ", "session csrf-token 3", "  approval ", "  changes ",
                           "  preview ", "publication 1 ", "audit 1 ", "ticket 1 ", "search anxiety 4"}) {
    EXPECT_NE(want.find(part), std::string::npos) << part << "\n" << want;
  }
  // The copy back to SQLite is the same in every respect, search ranking
  // included; PostgreSQL ranks by its own measure, so its hits are compared
  // as sets.
  EXPECT_EQ(Describe(*sc), want);
  EXPECT_EQ(Describe(*sp, /*ranked=*/false), Describe(*sa, /*ranked=*/false));
  for (store::Store* s : {sa.get(), sp.get(), sc.get()}) {
    Result<store::AuditCheck> check = s->Workflow()->VerifyAudit();
    ASSERT_TRUE(check.ok());
    EXPECT_TRUE(check->intact) << check->problem;
    EXPECT_GT(check->entries, 5u);
  }

  // Every copied table holds the same rows (ids included) on all three.
  Result<std::unique_ptr<store::RowReader>> ra = dynamic_cast<store::RowAccess&>(*sa).BeginRowRead();
  Result<std::unique_ptr<store::RowReader>> rp = dynamic_cast<store::RowAccess&>(*sp).BeginRowRead();
  Result<std::unique_ptr<store::RowReader>> rc = dynamic_cast<store::RowAccess&>(*sc).BeginRowRead();
  ASSERT_TRUE(ra.ok() && rp.ok() && rc.ok());
  for (const char* table : {"meta", "files", "articles", "revisions", "feedback", "changes", "accounts",
                            "sessions", "wf_articles", "wf_revisions", "wf_approvals", "wf_change_requests",
                            "wf_publications", "audit", "audit_head", "tickets"}) {
    Result<store::TableRows> x = (*ra)->Read(table), y = (*rp)->Read(table), z = (*rc)->Read(table);
    ASSERT_TRUE(x.ok() && y.ok() && z.ok()) << table;
    EXPECT_EQ(x->columns, z->columns) << table;
    EXPECT_TRUE(x->rows == z->rows) << table;
    EXPECT_EQ(x->rows.size(), y->rows.size()) << table;
  }
  // The search index holds the same fields of the same articles on all three.
  Result<std::vector<store::IndexedArticle>> ia = (*ra)->ReadSearch(), ip = (*rp)->ReadSearch(),
                                             ic = (*rc)->ReadSearch();
  ASSERT_TRUE(ia.ok() && ip.ok() && ic.ok());
  ASSERT_EQ(ia->size(), 7u);
  ASSERT_EQ(ip->size(), ia->size());
  ASSERT_EQ(ic->size(), ia->size());
  for (size_t i = 0; i < ia->size(); ++i) {
    for (const auto* other : {&(*ip)[i], &(*ic)[i]}) {
      const store::IndexedArticle& x = (*ia)[i];
      EXPECT_EQ(x.article_id, other->article_id);
      EXPECT_EQ(x.url, other->url);
      EXPECT_EQ(x.doc.title, other->doc.title);
      EXPECT_EQ(x.doc.description, other->doc.description);
      EXPECT_EQ(x.doc.headings, other->doc.headings);
      EXPECT_EQ(x.doc.tags, other->doc.tags);
      EXPECT_EQ(x.doc.body, other->doc.body);
      EXPECT_EQ(x.doc.section, other->doc.section);
      EXPECT_EQ(x.doc.glossary, other->doc.glossary);
    }
  }

  // New ids continue after the copied ones on both backends.
  for (store::Store* s : {sp.get(), sc.get()}) {
    std::vector<Result<int64_t>> ids = s->AddFeedback(
        {{"/sexual-health/performance-anxiety/", "", true, "helpful", "", "2026-12-02T10:00:00Z"}});
    ASSERT_TRUE(ids[0].ok()) << ids[0].status().message();
    EXPECT_EQ(*ids[0], 4);
    store::AccountRecord r;
    r.email = "new@x.org";
    r.roles = 1;
    r.password_hash = "x";
    r.created_at = 1;
    Result<int64_t> id = s->Accounts()->AddAccount(r);
    ASSERT_TRUE(id.ok()) << id.status().message();
    EXPECT_EQ(*id, 4);
    newsroom::Articles articles(*s, {});
    Result<newsroom::Created> n =
        articles.Create(kDaniel, "content/sexual-health/third.md", Source("Third", "Third article."));
    ASSERT_TRUE(n.ok()) << n.status().message();
    EXPECT_EQ(n->id, 3);
    Result<store::AuditCheck> check = s->Workflow()->VerifyAudit();
    ASSERT_TRUE(check.ok());
    EXPECT_TRUE(check->intact) << check->problem;
  }
}

TEST_F(DbCopyTest, RefusesANonEmptyDestinationAndChangesNothing) {
  const std::string a = (dir_ / "a.db").string(), b = (dir_ / "b.db").string();
  ASSERT_EQ(Vetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + a), 0);
  ASSERT_EQ(Vetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + b), 0);
  // PostgreSQL holding one account only.
  {
    std::unique_ptr<store::Store> p = OpenOrDie(pg_);
    ASSERT_TRUE(p);
    store::AccountRecord r;
    r.email = "only@x.org";
    r.roles = 1;
    r.password_hash = "x";
    ASSERT_TRUE(p->Accounts()->AddAccount(r).ok());
  }
  std::string before_b, before_p;
  {
    std::unique_ptr<store::Store> sb = OpenOrDie(b), sp = OpenOrDie(pg_);
    before_b = Describe(*sb);
    before_p = Describe(*sp);
  }
  std::string out;
  EXPECT_EQ(Vetted("db copy --from " + a + " --to " + b, &out), 1);
  EXPECT_NE(out.find("not empty"), std::string::npos) << out;
  EXPECT_EQ(Vetted("db copy --from " + a + " --to '" + pg_ + "'", &out), 1);
  EXPECT_NE(out.find("not empty (accounts has 1 rows)"), std::string::npos) << out;
  std::unique_ptr<store::Store> sb = OpenOrDie(b), sp = OpenOrDie(pg_);
  EXPECT_EQ(Describe(*sb), before_b);
  EXPECT_EQ(Describe(*sp), before_p);
}

TEST_F(DbCopyTest, MemoryStoresAndMissingSourcesAreRefused) {
  const std::string a = (dir_ / "a.db").string();
  ASSERT_EQ(Vetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + a), 0);
  std::string out;
  EXPECT_EQ(Vetted("db copy --from " + a + " --to memory:", &out), 1);
  EXPECT_NE(out.find("memory: store cannot be copied"), std::string::npos) << out;
  EXPECT_EQ(Vetted("db copy --from memory: --to " + (dir_ / "x.db").string(), &out), 1);
  EXPECT_NE(out.find("memory: store cannot be copied"), std::string::npos) << out;
  EXPECT_EQ(
      Vetted("db copy --from " + (dir_ / "missing.db").string() + " --to " + (dir_ / "y.db").string(), &out),
      1);
  EXPECT_FALSE(fs::exists(dir_ / "y.db"));

  // In-process: a memory store on either side is kInvalid.
  std::unique_ptr<store::Store> s = OpenOrDie(a), m = OpenOrDie("memory:");
  Result<store::CopyReport> r = store::CopyStore(*s, *m);
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  r = store::CopyStore(*m, *s);
  EXPECT_EQ(r.status().code(), Code::kInvalid);
}

}  // namespace
}  // namespace vetted

namespace vetted {
namespace {

// Runs `sql` on the database at a postgresql:// address (libpq directly).
void PgExec(const std::string& address, const std::string& sql) {
  PGconn* conn = PQconnectdb(address.c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* r = PQexec(conn, sql.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(conn);
  PQclear(r);
  PQfinish(conn);
}

void SqliteExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// Rows in every table the copy writes (0 everywhere: nothing was copied).
std::string Counts(store::Store& s) {
  Result<std::unique_ptr<store::RowReader>> r = dynamic_cast<store::RowAccess&>(s).BeginRowRead();
  EXPECT_TRUE(r.ok());
  std::string out;
  for (const char* table : {"meta", "files", "articles", "revisions", "feedback", "changes", "accounts",
                            "sessions", "wf_articles", "wf_revisions", "wf_approvals", "wf_change_requests",
                            "wf_publications", "audit", "audit_head", "wf_preview_links", "tickets"}) {
    Result<store::TableRows> rows = (*r)->Read(table);
    EXPECT_TRUE(rows.ok()) << table;
    out += std::string(table) + " " + std::to_string(rows->rows.size()) + "\n";
  }
  Result<std::vector<store::IndexedArticle>> search = (*r)->ReadSearch();
  out += "search " + std::to_string(search->size()) + "\n";
  Result<int64_t> generation = s.Generation();
  out += "generation " + std::to_string(*generation) + "\n";
  return out;
}

// A copy that fails at its last table leaves the destination as it was: the
// whole copy is one transaction.
TEST_F(DbCopyTest, AFailedCopyLeavesTheDestinationEmpty) {
  const std::string a = (dir_ / "a.db").string(), c = (dir_ / "c.db").string();
  MakeSite(a);
  if (HasFatalFailure()) return;
  // Fresh, migrated destinations whose tickets table refuses rows.
  ASSERT_TRUE(OpenOrDie(pg_));
  ASSERT_TRUE(OpenOrDie(c));
  PgExec(pg_,
         "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$;"
         "CREATE TRIGGER boom BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION boom();");
  SqliteExec(c, "CREATE TRIGGER boom BEFORE INSERT ON tickets BEGIN SELECT RAISE(ABORT, 'boom'); END;");
  std::string empty_pg, empty_c;
  {
    std::unique_ptr<store::Store> p = OpenOrDie(pg_), s = OpenOrDie(c);
    empty_pg = Counts(*p);
    empty_c = Counts(*s);
  }
  EXPECT_NE(empty_pg.find("files 0\n"), std::string::npos) << empty_pg;
  std::string out;
  EXPECT_EQ(Vetted("db copy --from " + a + " --to '" + pg_ + "'", &out), 1);
  EXPECT_NE(out.find("boom"), std::string::npos) << out;
  EXPECT_NE(out.find("nothing was copied"), std::string::npos) << out;
  EXPECT_EQ(Vetted("db copy --from " + a + " --to " + c, &out), 1);
  EXPECT_NE(out.find("boom"), std::string::npos) << out;
  std::unique_ptr<store::Store> p = OpenOrDie(pg_), s = OpenOrDie(c);
  EXPECT_EQ(Counts(*p), empty_pg);
  EXPECT_EQ(Counts(*s), empty_c);

  // Without the trigger the same copy goes through.
  PgExec(pg_, "DROP TRIGGER boom ON tickets;");
  EXPECT_EQ(Vetted("db copy --from " + a + " --to '" + pg_ + "'", &out), 0) << out;
  EXPECT_NE(Counts(*p), empty_pg);
}

}  // namespace
}  // namespace vetted

namespace vetted {
namespace {

// Many articles (2,000; VETTED_COPY_ARTICLES=10000 to measure a bigger site),
// each with two revisions and feedback, copied SQLite -> PostgreSQL ->
// SQLite in-process: the counts match and the time of each copy is printed.
TEST_F(DbCopyTest, ManyArticles) {
  size_t n = 2000;
  if (const char* env = std::getenv("VETTED_COPY_ARTICLES")) n = std::strtoul(env, nullptr, 10);
  const std::string a = (dir_ / "a.db").string(), c = (dir_ / "c.db").string();
  std::unique_ptr<store::Store> sa = OpenOrDie(a);
  ASSERT_TRUE(sa);
  for (int round = 0; round < 2; ++round) {
    store::ImportInput in;
    in.files = {{"site.toml", "title = \"Big\"\n"}};
    for (size_t i = 0; i < n; ++i) {
      store::ArticleSource& s = in.articles.emplace_back();
      s.path = "content/s" + std::to_string(i % 10) + "/a" + std::to_string(i) + ".md";
      s.url = "/s" + std::to_string(i % 10) + "/a" + std::to_string(i) + "/";
      s.bytes = "---\ntitle: Article " + std::to_string(i) + "\n---\nRound " + std::to_string(round) +
                ": sleep, stress and the heart, a body of text about number " + std::to_string(i) + ".\n";
      s.revision = "sha256:" + std::to_string(round) + "-" + std::to_string(i);
      s.search = {.title = "Article " + std::to_string(i),
                  .description = "About number " + std::to_string(i),
                  .headings = "",
                  .body = s.bytes,
                  .section = "/s" + std::to_string(i % 10) + "/",
                  .tags = "sleep stress",
                  .glossary = ""};
    }
    Result<store::ImportReport> r = sa->Import(in);
    ASSERT_TRUE(r.ok()) << r.status().message();
  }
  std::vector<store::NewFeedback> batch;
  for (size_t i = 0; i < n; ++i)
    batch.push_back({"/s" + std::to_string(i % 10) + "/a" + std::to_string(i) + "/", "", i % 2 == 0, "other",
                     "Comment " + std::to_string(i), "2026-12-01T10:00:00Z"});
  for (const Result<int64_t>& r : sa->AddFeedback(batch)) ASSERT_TRUE(r.ok());

  std::unique_ptr<store::Store> sp = OpenOrDie(pg_), sc = OpenOrDie(c);
  ASSERT_TRUE(sp && sc);
  auto timed = [](store::Store& from, store::Store& to, const char* what) {
    auto start = std::chrono::steady_clock::now();
    Result<store::CopyReport> r = store::CopyStore(from, to);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(r.ok()) << r.status().message();
    std::printf("%s: %.2f s\n", what, seconds);
    return r.ok() ? *r : store::CopyReport{};
  };
  store::CopyReport to_pg = timed(*sa, *sp, "sqlite -> postgresql");
  store::CopyReport to_sqlite = timed(*sp, *sc, "postgresql -> sqlite");
  EXPECT_EQ(to_pg.tables, to_sqlite.tables);
  EXPECT_EQ(to_pg.indexed, static_cast<int64_t>(n));
  EXPECT_EQ(to_sqlite.indexed, static_cast<int64_t>(n));
  for (const auto& [table, rows] : to_pg.tables) {
    if (table == std::string("revisions")) {
      EXPECT_EQ(rows, static_cast<int64_t>(2 * n));
    }
    if (table == std::string("feedback")) {
      EXPECT_EQ(rows, static_cast<int64_t>(n));
    }
  }
  store::SearchQuery q;
  q.text = "stress heart";
  Result<store::SearchResults> ra = sa->Search(q), rp = sp->Search(q), rc = sc->Search(q);
  ASSERT_TRUE(ra.ok() && rp.ok() && rc.ok());
  EXPECT_EQ(ra->total, n);
  EXPECT_EQ(rp->total, n);
  EXPECT_EQ(rc->total, n);
}

}  // namespace
}  // namespace vetted

namespace vetted {
namespace {

// A table this program does not know (a newer vetted's, or someone's own) is
// refused rather than left behind.
TEST_F(DbCopyTest, AnUnknownTableInTheSourceIsRefused) {
  const std::string c = (dir_ / "c.db").string();
  ASSERT_EQ(Vetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db '" + pg_ + "'"), 0);
  PgExec(pg_, "CREATE TABLE notes(id BIGINT PRIMARY KEY, text TEXT NOT NULL);");
  std::string out;
  EXPECT_EQ(Vetted("db copy --from '" + pg_ + "' --to " + c, &out), 1);
  EXPECT_NE(out.find("does not know how to copy: notes"), std::string::npos) << out;
  PgExec(pg_, "DROP TABLE notes;");
  EXPECT_EQ(Vetted("db copy --from '" + pg_ + "' --to " + c, &out), 0) << out;
  EXPECT_NE(out.find("6 articles indexed"), std::string::npos) << out;
}

}  // namespace
}  // namespace vetted
