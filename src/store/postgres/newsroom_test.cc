// The newsroom's tables on PostgreSQL shared by several vetted nodes: two
// stores opened on one schema (two "nodes"), writing at the same time.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/pg.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/testing/cluster.h"
#include "store/postgres/testing/schema_test.h"
#include "util/util.h"

namespace vetted::store {
namespace {

const std::string kA = "sha256:" + std::string(64, 'a');

AccountRecord Account(const std::string& email) {
  AccountRecord r;
  r.email = email;
  r.roles = 1;
  r.password_hash = "$argon2id$v=19$m=8,t=1,p=1$x$y";
  r.created_at = 1000;
  return r;
}

class PostgresNewsroom : public pg_testing::TwoNodesTest {
 protected:
  int64_t NewArticle(Store& node, const std::string& path) {
    int64_t id = 0;
    Status s = node.Workflow()->Write([&](WorkflowTx& tx) {
      WfArticle a;
      a.path = path;
      a.created_at = "2026-12-01T10:00:00Z";
      a.created_by = 7;
      Status added = tx.AddArticle(a);
      id = a.id;
      return added;
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return id;
  }
};

TEST_F(PostgresNewsroom, TwoNodesAppendingAuditEntriesKeepOneChain) {
  constexpr int kThreadsPerNode = 3, kEntriesPerThread = 20;
  int64_t article = NewArticle(*a_, "content/a.md");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kThreadsPerNode; ++t) {
    Store* node = t % 2 == 0 ? a_.get() : b_.get();
    threads.emplace_back([&, node, t] {
      for (int i = 0; i < kEntriesPerThread; ++i) {
        Status s = node->Workflow()->Write([&](WorkflowTx& tx) {
          // A change and its audit entry, as the newsroom writes them.
          WfApproval approval{article, kA, t, "p" + std::to_string(t), "ok " + std::to_string(i), "t"};
          if (Status added = tx.AddApproval(approval); !added.ok()) return added;
          AuditEntry e{0,
                       "2026-12-01T10:00:00Z",
                       t,
                       "approve",
                       article,
                       kA,
                       "in_review",
                       "approved",
                       "thread " + std::to_string(t) + " entry " + std::to_string(i),
                       ""};
          return tx.AppendAudit(e);
        });
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << s.message();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);

  constexpr int64_t kTotal = 2 * kThreadsPerNode * kEntriesPerThread;
  for (Store* node : {a_.get(), b_.get()}) {
    Result<AuditCheck> check = node->Workflow()->VerifyAudit();
    ASSERT_TRUE(check.ok()) << check.status().message();
    EXPECT_TRUE(check->intact) << check->problem;
    EXPECT_EQ(check->entries, static_cast<size_t>(kTotal));
  }
  Status read = b_->Workflow()->Read([&](WorkflowTx& tx) {
    Result<AuditHead> head = tx.Head();
    EXPECT_TRUE(head.ok());
    if (head.ok()) EXPECT_EQ(head->count, kTotal);
    Result<std::vector<AuditEntry>> entries = tx.Audit(article);
    EXPECT_TRUE(entries.ok());
    if (!entries.ok()) return entries.status();
    std::set<std::string> details;  // each entry once: none lost, none twice
    for (const AuditEntry& e : *entries) details.insert(e.detail);
    EXPECT_EQ(details.size(), static_cast<size_t>(kTotal));
    EXPECT_EQ(tx.Approvals(article)->size(), static_cast<size_t>(kTotal));
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
}

TEST_F(PostgresNewsroom, TwoNodesSavingOnTheSameRevisionOneWins) {
  int64_t article = NewArticle(*a_, "content/a.md");
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    std::string parent;
    ASSERT_TRUE(a_->Workflow()
                    ->Read([&](WorkflowTx& tx) {
                      Result<WfArticle> a = tx.Article(article);
                      if (a.ok()) parent = a->latest_revision;
                      return a.status();
                    })
                    .ok());
    std::atomic<int> saved{0}, conflicts{0};
    std::vector<std::thread> threads;
    for (Store* node : {a_.get(), b_.get()}) {
      threads.emplace_back([&, node] {
        const std::string hash =
            "sha256:" + std::string(60, 'c') + (node == a_.get() ? "aaaa" : "bbbb") + std::to_string(round);
        Status s = node->Workflow()->Write([&](WorkflowTx& tx) {
          Result<SaveResult> r = tx.SaveRevision({article, hash, "text " + hash, parent, 7, "t", false});
          if (!r.ok()) return r.status();
          ++(r->conflict ? conflicts : saved);
          return Status::Ok();
        });
        EXPECT_TRUE(s.ok()) << s.message();
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(saved.load(), 1) << "round " << round;
    EXPECT_EQ(conflicts.load(), 1) << "round " << round;
  }
  Status read = b_->Workflow()->Read([&](WorkflowTx& tx) {
    EXPECT_EQ(tx.Revisions(article)->size(), static_cast<size_t>(kRounds));
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
}

// A publication as the newsroom makes one: the published content read
// inside the transaction, one article added to it, imported, audited.
Status Publish(Store& node, const std::string& name) {
  return node.Workflow()->Write([&](WorkflowTx& tx) {
    Result<Snapshot> live = tx.LoadContent();
    if (!live.ok()) return live.status();
    ImportInput in;
    for (const SourceFile& f : live->files) {
      if (f.path.rfind("content/", 0) != 0) {
        in.files.push_back(f);
        continue;
      }
      std::string stem = f.path.substr(8, f.path.size() - 8 - 3);  // content/<stem>.md
      in.articles.push_back(
          {f.path, "/" + stem + "/", "sha256:" + util::Sha256Hex(f.bytes), f.bytes, {}, ""});
    }
    std::string bytes = "---\ntitle: " + name + "\n---\nBody of " + name + ".\n";
    in.articles.push_back(
        {"content/" + name + ".md", "/" + name + "/", "sha256:" + util::Sha256Hex(bytes), bytes, {}, ""});
    Result<ImportReport> report = tx.ImportContent(in);
    if (!report.ok()) return report.status();
    AuditEntry e{0, "2026-12-01T10:00:00Z", 1, "publish", 0, "", "approved", "published", name, ""};
    return tx.AppendAudit(e);
  });
}

TEST_F(PostgresNewsroom, TwoNodesPublishingAtOnceLoseNoPublication) {
  ASSERT_TRUE(a_->Import({{}, {{"site.toml", "title = 'x'\n"}}}).ok());
  constexpr int kPerNode = 8;
  std::vector<std::thread> threads;
  for (Store* node : {a_.get(), b_.get()}) {
    threads.emplace_back([&, node] {
      for (int i = 0; i < kPerNode; ++i) {
        std::string name = std::string(node == a_.get() ? "a" : "b") + std::to_string(i);
        Status s = Publish(*node, name);
        EXPECT_TRUE(s.ok()) << name << ": " << s.message();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  Result<Snapshot> live = b_->Load();
  ASSERT_TRUE(live.ok()) << live.status().message();
  EXPECT_EQ(live->files.size(), static_cast<size_t>(1 + 2 * kPerNode));  // site.toml and every article
  EXPECT_EQ(live->generation, 1 + 2 * kPerNode);
  Result<AuditCheck> check = a_->Workflow()->VerifyAudit();
  ASSERT_TRUE(check.ok()) << check.status().message();
  EXPECT_TRUE(check->intact) << check->problem;
  EXPECT_EQ(check->entries, static_cast<size_t>(2 * kPerNode));
}

TEST_F(PostgresNewsroom, ASessionAddedOnOneNodeIsFoundOnTheOther) {
  Result<int64_t> ana = a_->Accounts()->AddAccount(Account("Ana@Example.org"));
  ASSERT_TRUE(ana.ok()) << ana.status().message();
  Result<AccountRecord> found = b_->Accounts()->FindAccount("ana@example.ORG");
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->id, *ana);

  ASSERT_TRUE(a_->Accounts()->AddSession({"h1", *ana, "csrf1", 100, 100}).ok());
  Result<SessionRecord> session = b_->Accounts()->FindSession("h1");
  ASSERT_TRUE(session.ok()) << session.status().message();
  EXPECT_EQ(session->account_id, *ana);
  EXPECT_EQ(session->csrf, "csrf1");
  ASSERT_TRUE(b_->Accounts()->TouchSession("h1", 200).ok());
  EXPECT_EQ(a_->Accounts()->FindSession("h1")->last_seen, 200);
  ASSERT_TRUE(b_->Accounts()->DeleteSession("h1").ok());
  EXPECT_EQ(a_->Accounts()->FindSession("h1").status().code(), Code::kNotFound);
  // A session of an account no node has.
  EXPECT_EQ(a_->Accounts()->AddSession({"h2", 999, "c", 1, 1}).code(), Code::kNotFound);
}

TEST_F(PostgresNewsroom, TwoNodesAddingTheSameEmailMakeOneAccount) {
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<int> added{0}, conflicts{0};
    std::vector<std::thread> threads;
    for (Store* node : {a_.get(), b_.get()}) {
      threads.emplace_back([&, node] {
        // The same address, cased differently by each node.
        std::string email = node == a_.get() ? "Same" : "sAME";
        Result<int64_t> id = node->Accounts()->AddAccount(Account(email + std::to_string(round) + "@x.org"));
        if (id.ok()) {
          ++added;
        } else if (id.status().code() == Code::kConflict) {
          ++conflicts;
        } else {
          ADD_FAILURE() << id.status().message();
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(added.load(), 1) << "round " << round;
    EXPECT_EQ(conflicts.load(), 1) << "round " << round;
  }
  EXPECT_EQ(b_->Accounts()->ListAccounts()->size(), static_cast<size_t>(kRounds));
}

TEST_F(PostgresNewsroom, EmailsIgnoreAsciiCaseOnlyAndAreFoundByTheIndex) {
  // As SQLite's NOCASE and the memory backend: only A-Z fold, whatever the
  // locale (the test cluster's is C; the index names its collation so that a
  // database in another locale behaves the same).
  Result<std::unique_ptr<pg::Conn>> conn = pg::Conn::Open(address_);
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  Result<pg::Rows> index = (*conn)->Query(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'accounts_email' AND schemaname = current_schema()");
  ASSERT_TRUE(index.ok() && index->size() == 1) << index.status().message();
  EXPECT_NE(index->Text(0, 0).find("lower((email COLLATE \"C\"))"), std::string::npos) << index->Text(0, 0);
  ASSERT_TRUE(a_->Accounts()->AddAccount(Account("\xc3\x89mile@x.org")).ok());  // Émile
  EXPECT_TRUE(a_->Accounts()->AddAccount(Account("\xc3\xa9mile@x.org")).ok());  // émile: another
  EXPECT_EQ(a_->Accounts()->AddAccount(Account("\xc3\x89MILE@X.org")).status().code(), Code::kConflict);
  EXPECT_EQ(b_->Accounts()->FindAccount("\xc3\x89MILE@x.ORG")->email, "\xc3\x89mile@x.org");

  ASSERT_TRUE((*conn)->Exec("SET enable_seqscan = off").ok());
  Result<pg::Rows> plan = (*conn)->Query(
      "EXPLAIN SELECT id FROM accounts WHERE lower(email COLLATE \"C\") = lower($1::text COLLATE \"C\")",
      "a@x.org");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  std::string text;
  for (int i = 0; i < plan->size(); ++i) text += plan->Text(i, 0) + "\n";
  EXPECT_NE(text.find("accounts_email"), std::string::npos) << text;
}

TEST_F(PostgresNewsroom, AFailedStatementInsideWriteCommitsNothing) {
  int64_t article = NewArticle(*a_, "content/a.md");
  // The callback ignores a failed statement (text with a NUL byte) and
  // returns ok: PostgreSQL would turn COMMIT into ROLLBACK, and Write says so.
  Status s = a_->Workflow()->Write([&](WorkflowTx& tx) {
    WfApproval ok{article, kA, 3, "cy", "fine", "t"};
    if (Status added = tx.AddApproval(ok); !added.ok()) return added;
    WfChangeRequest bad{article, kA, 3, std::string("a\0b", 3), "t"};
    EXPECT_FALSE(tx.AddChangeRequest(bad).ok());
    return Status::Ok();
  });
  EXPECT_EQ(s.code(), Code::kIo) << s.message();
  Status read = b_->Workflow()->Read([&](WorkflowTx& tx) {
    EXPECT_TRUE(tx.Approvals(article)->empty());
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
}

TEST_F(PostgresNewsroom, TheAuditTableRefusesUpdateAndDelete) {
  int64_t article = NewArticle(*a_, "content/a.md");
  ASSERT_TRUE(a_->Workflow()
                  ->Write([&](WorkflowTx& tx) {
                    AuditEntry e{0, "t", 1, "create", article, "", "", "draft", "", ""};
                    return tx.AppendAudit(e);
                  })
                  .ok());
  Result<std::unique_ptr<pg::Conn>> conn = pg::Conn::Open(address_);
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  Result<pg::Rows> update = (*conn)->Query("UPDATE audit SET detail = 'changed'");
  ASSERT_FALSE(update.ok());
  EXPECT_NE(update.status().message().find("never changed or deleted"), std::string::npos)
      << update.status().message();
  EXPECT_FALSE((*conn)->Query("DELETE FROM audit").ok());
  Result<AuditCheck> check = b_->Workflow()->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->intact) << check->problem;
  EXPECT_EQ(check->entries, 1u);
}

}  // namespace
}  // namespace vetted::store
