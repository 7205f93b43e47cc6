// The WorkflowStore on SQLite: one WorkflowTx over one connection inside one
// transaction (see sqlite/workflow.h).
#include "store/sqlite/workflow.h"

#include "store/backend.h"
#include "store/sqlite/db.h"
#include "store/sqlite/store_impl.h"
#include "store/sqlite/tickets.h"

namespace vetted::store::sqlite {
namespace {

#define WF_ARTICLE_COLUMNS \
  "id, path, created_at, created_by, state, latest_revision, submitted_revision, live_revision"

#define WF_PREVIEW_COLUMNS "token_hash, article_id, revision, created_by, created_at, expires_at"

WfPreviewLink PreviewRow(const Query& q) {
  return {q.Text(0), q.Int(1), q.Text(2), q.Int(3), q.Text(4), q.Text(5)};
}

class SqliteTx : public WorkflowTx {
 public:
  SqliteTx(sqlite3* db, const util::Clock* clock) : db_(db), clock_(clock), tickets_(db) {}

  Status AddArticle(WfArticle& a) override {
    {
      Query q(db_, "SELECT 1 FROM wf_articles WHERE path = ?");
      q.Bind(a.path);
      if (q.Next()) return Status::Conflict("there is already an article at " + a.path);
      if (!q.status().ok()) return q.status();
    }
    Query q(
        db_,
        "INSERT INTO wf_articles(path, created_at, created_by, state, latest_revision, submitted_revision, "
        "live_revision) VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.Bind(a.path, a.created_at, a.created_by, a.state, a.latest_revision, a.submitted_revision,
           a.live_revision);
    if (Status s = q.Run(); !s.ok()) return s;
    a.id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Result<WfArticle> Article(int64_t id) override {
    Query q(db_, "SELECT " WF_ARTICLE_COLUMNS " FROM wf_articles WHERE id = ?");
    q.Bind(id);
    if (q.Next()) return ArticleRow(q);
    if (!q.status().ok()) return q.status();
    return Status::NotFound("no article " + std::to_string(id));
  }

  Result<std::vector<WfArticle>> Articles() override {
    Query q(db_, "SELECT " WF_ARTICLE_COLUMNS " FROM wf_articles ORDER BY id");
    std::vector<WfArticle> out;
    while (q.Next()) out.push_back(ArticleRow(q));
    if (!q.status().ok()) return q.status();
    return out;
  }

  Status UpdateArticle(const WfArticle& a) override {
    Query q(db_, "UPDATE wf_articles SET state = ?, submitted_revision = ?, live_revision = ? WHERE id = ?");
    q.Bind(a.state, a.submitted_revision, a.live_revision, a.id);
    if (Status s = q.Run(); !s.ok()) return s;
    if (sqlite3_changes(db_) == 0) return Status::NotFound("no article " + std::to_string(a.id));
    return Status::Ok();
  }

  Result<SaveResult> SaveRevision(const WfRevision& r) override {
    Result<WfArticle> article = Article(r.article_id);
    if (!article.ok()) return article.status();
    SaveResult result;
    result.latest_revision = article->latest_revision;
    if (r.parent != article->latest_revision) {
      result.conflict = true;
      return result;
    }
    {
      Query old(db_, "SELECT source FROM wf_revisions WHERE article_id = ? AND hash = ?");
      old.Bind(r.article_id, r.hash);
      if (old.Next()) {
        std::string stored = old.Text(0);
        if (stored != r.source) {
          result.replaced = true;
          result.replaced_source = std::move(stored);
        }
      } else if (!old.status().ok()) {
        return old.status();
      } else {
        result.added = true;
      }
    }
    if (result.added) {
      Query q(db_,
              "INSERT INTO wf_revisions(article_id, hash, source, parent, author, created_at, major) "
              "VALUES (?, ?, ?, ?, ?, ?, ?)");
      q.Bind(r.article_id, r.hash, Blob{r.source}, r.parent, r.author, r.created_at, r.major);
      if (Status s = q.Run(); !s.ok()) return s;
    } else if (result.replaced) {
      Query q(db_, "UPDATE wf_revisions SET source = ? WHERE article_id = ? AND hash = ?");
      q.Bind(Blob{r.source}, r.article_id, r.hash);
      if (Status s = q.Run(); !s.ok()) return s;
    }
    Query u(db_, "UPDATE wf_articles SET latest_revision = ? WHERE id = ?");
    u.Bind(r.hash, r.article_id);
    if (Status s = u.Run(); !s.ok()) return s;
    result.latest_revision = r.hash;
    return result;
  }

  Result<std::vector<WfRevision>> Revisions(int64_t article_id) override {
    Query q(db_,
            "SELECT article_id, hash, source, parent, author, created_at, major FROM wf_revisions "
            "WHERE article_id = ? ORDER BY id");
    q.Bind(article_id);
    std::vector<WfRevision> out;
    while (q.Next())
      out.push_back({q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Int(4), q.Text(5), q.Int(6) != 0});
    if (!q.status().ok()) return q.status();
    return out;
  }

  Result<WfRevision> Revision(int64_t article_id, const std::string& hash) override {
    Query q(db_,
            "SELECT article_id, hash, source, parent, author, created_at, major FROM wf_revisions "
            "WHERE article_id = ? AND hash = ?");
    q.Bind(article_id, hash);
    if (q.Next())
      return WfRevision{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Int(4), q.Text(5), q.Int(6) != 0};
    if (!q.status().ok()) return q.status();
    return Status::NotFound("article " + std::to_string(article_id) + " has no revision " + hash);
  }

  Status AddApproval(const WfApproval& a) override {
    Query q(db_,
            "INSERT INTO wf_approvals(article_id, revision, reviewer, reviewer_person, note, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)");
    q.Bind(a.article_id, a.revision, a.reviewer, a.reviewer_person, a.note, a.created_at);
    return q.Run();
  }

  Result<std::vector<WfApproval>> Approvals(int64_t article_id) override {
    Query q(db_,
            "SELECT article_id, revision, reviewer, reviewer_person, note, created_at FROM wf_approvals "
            "WHERE article_id = ? ORDER BY id");
    q.Bind(article_id);
    std::vector<WfApproval> out;
    while (q.Next()) out.push_back({q.Int(0), q.Text(1), q.Int(2), q.Text(3), q.Text(4), q.Text(5)});
    if (!q.status().ok()) return q.status();
    return out;
  }

  Status AddChangeRequest(const WfChangeRequest& c) override {
    Query q(db_,
            "INSERT INTO wf_change_requests(article_id, revision, reviewer, comments, created_at) "
            "VALUES (?, ?, ?, ?, ?)");
    q.Bind(c.article_id, c.revision, c.reviewer, c.comments, c.created_at);
    return q.Run();
  }

  Result<std::vector<WfChangeRequest>> ChangeRequests(int64_t article_id) override {
    Query q(db_,
            "SELECT article_id, revision, reviewer, comments, created_at FROM wf_change_requests "
            "WHERE article_id = ? ORDER BY id");
    q.Bind(article_id);
    std::vector<WfChangeRequest> out;
    while (q.Next()) out.push_back({q.Int(0), q.Text(1), q.Int(2), q.Text(3), q.Text(4)});
    if (!q.status().ok()) return q.status();
    return out;
  }

  Status AddPublication(WfPublication& p) override {
    Query q(db_,
            "INSERT INTO wf_publications(article_id, action, revision, base_revision, reason, by_account, "
            "created_at, scheduled_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.Bind(p.article_id, p.action, p.revision, p.base_revision, p.reason, p.by, p.created_at, p.scheduled_at,
           p.done_at);
    if (Status s = q.Run(); !s.ok()) return s;
    p.id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status FinishPublication(int64_t id, const std::string& done_at) override {
    Query q(db_, "UPDATE wf_publications SET done_at = ? WHERE id = ? AND done_at = ''");
    q.Bind(done_at, id);
    if (Status s = q.Run(); !s.ok()) return s;
    if (sqlite3_changes(db_) == 0) return Status::NotFound("no pending publication " + std::to_string(id));
    return Status::Ok();
  }

  Result<std::vector<WfPublication>> Publications(int64_t article_id) override {
    Query q(db_,
            "SELECT id, article_id, action, revision, base_revision, reason, by_account, created_at, "
            "scheduled_at, done_at FROM wf_publications WHERE ? = 0 OR article_id = ? ORDER BY id");
    q.Bind(article_id, article_id);
    std::vector<WfPublication> out;
    while (q.Next()) {
      out.push_back({q.Int(0), q.Int(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Int(6), q.Text(7),
                     q.Text(8), q.Text(9)});
    }
    if (!q.status().ok()) return q.status();
    return out;
  }

  Status AddPreviewLink(const WfPreviewLink& link) override {
    {
      Query q(db_, "SELECT 1 FROM wf_preview_links WHERE token_hash = ?");
      q.Bind(link.token_hash);
      if (q.Next()) return Status::Conflict("that preview link exists already");
      if (!q.status().ok()) return q.status();
    }
    Query q(db_,
            "INSERT INTO wf_preview_links(token_hash, article_id, revision, created_by, created_at, "
            "expires_at) VALUES (?, ?, ?, ?, ?, ?)");
    q.Bind(link.token_hash, link.article_id, link.revision, link.created_by, link.created_at,
           link.expires_at);
    return q.Run();
  }

  Result<WfPreviewLink> PreviewLink(const std::string& token_hash) override {
    Query q(db_, "SELECT " WF_PREVIEW_COLUMNS " FROM wf_preview_links WHERE token_hash = ?");
    q.Bind(token_hash);
    if (q.Next()) return PreviewRow(q);
    if (!q.status().ok()) return q.status();
    return Status::NotFound("no such preview link");
  }

  Result<std::vector<WfPreviewLink>> PreviewLinks(int64_t article_id) override {
    Query q(db_, "SELECT " WF_PREVIEW_COLUMNS " FROM wf_preview_links WHERE article_id = ? ORDER BY rowid");
    q.Bind(article_id);
    std::vector<WfPreviewLink> out;
    while (q.Next()) out.push_back(PreviewRow(q));
    if (!q.status().ok()) return q.status();
    return out;
  }

  Status AppendAudit(AuditEntry& e) override {
    Result<AuditHead> head = Head();
    if (!head.ok()) return head.status();
    e.seq = head->count + 1;
    e.prev_hash = head->hash;
    Query q(
        db_,
        "INSERT INTO audit(seq, at, account, action, article_id, revision, before, after, detail, prev_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.Bind(e.seq, e.at, e.account, e.action, e.article_id, e.revision, e.before, e.after, e.detail,
           e.prev_hash);
    if (Status s = q.Run(); !s.ok()) return s;
    const std::string hash = AuditHash(e);  // bound strings must outlive Run
    Query h(db_, "UPDATE audit_head SET count = ?, hash = ? WHERE id = 1");
    h.Bind(e.seq, hash);
    return h.Run();
  }

  Result<std::vector<AuditEntry>> Audit(int64_t article_id) override {
    // Two statements: "? = 0 OR article_id = ?" would keep SQLite from the
    // index on article_id, a scan of the whole log for one article.
    if (article_id == 0) {
      Query q(db_,
              "SELECT seq, at, account, action, article_id, revision, before, after, detail, prev_hash "
              "FROM audit ORDER BY seq");
      return Entries(q);
    }
    Query q(db_,
            "SELECT seq, at, account, action, article_id, revision, before, after, detail, prev_hash "
            "FROM audit WHERE article_id = ? ORDER BY seq");
    q.Bind(article_id);
    return Entries(q);
  }

  Result<std::vector<AuditEntry>> AuditActions(int64_t article_id,
                                               const std::vector<std::string>& actions) override {
    std::string list = ",";
    for (const std::string& a : actions) list += a + ",";
    Query q(db_,
            "SELECT seq, at, account, action, article_id, revision, before, after, detail, prev_hash "
            "FROM audit WHERE article_id = ? AND instr(?, ',' || action || ',') > 0 ORDER BY seq");
    q.Bind(article_id, list);
    return Entries(q);
  }

  static Result<std::vector<AuditEntry>> Entries(Query& q) {
    std::vector<AuditEntry> out;
    while (q.Next()) {
      out.push_back({q.Int(0), q.Text(1), q.Int(2), q.Text(3), q.Int(4), q.Text(5), q.Text(6), q.Text(7),
                     q.Text(8), q.Text(9)});
    }
    if (!q.status().ok()) return q.status();
    return out;
  }

  Result<AuditHead> Head() override {
    Query q(db_, "SELECT count, hash FROM audit_head WHERE id = 1");
    if (q.Next()) return AuditHead{q.Int(0), q.Text(1)};
    return q.status().ok() ? Status::Io("sqlite: audit_head missing") : q.status();
  }

  Result<Snapshot> LoadContent() override { return LoadOn(db_); }

  Result<ImportReport> ImportContent(const ImportInput& input) override {
    return ImportLocked(db_, input, UtcNow(*clock_));
  }

  TicketTx* Tickets() override { return &tickets_; }

 private:
  static WfArticle ArticleRow(const Query& q) {
    return {q.Int(0), q.Text(1), q.Text(2), q.Int(3), q.Text(4), q.Text(5), q.Text(6), q.Text(7)};
  }

  sqlite3* db_;
  const util::Clock* clock_;
  SqliteTickets tickets_;
};

class SqliteWorkflow : public WorkflowStore {
 public:
  SqliteWorkflow(std::mutex* writer_mu, sqlite3* writer, ReaderPool* readers, const util::Clock* clock)
      : writer_mu_(writer_mu), writer_(writer), readers_(readers), clock_(clock) {}

  Status Write(const std::function<Status(WorkflowTx&)>& fn) override {
    std::lock_guard lock(*writer_mu_);
    Transaction tx(writer_, /*write=*/true);
    if (!tx.status().ok()) return tx.status();
    SqliteTx wtx(writer_, clock_);
    if (Status s = fn(wtx); !s.ok()) return s;  // rolled back by ~Transaction
    return tx.Commit();
  }

  Status Read(const std::function<Status(WorkflowTx&)>& fn) override {
    Result<ReaderPool::Lease> lease = readers_->Acquire();
    if (!lease.ok()) return lease.status();
    Transaction tx(lease->get(), /*write=*/false);
    if (!tx.status().ok()) return tx.status();
    SqliteTx rtx(lease->get(), clock_);
    return fn(rtx);
  }

 private:
  std::mutex* writer_mu_;
  sqlite3* writer_;
  ReaderPool* readers_;
  const util::Clock* clock_;
};

}  // namespace

std::unique_ptr<WorkflowStore> MakeSqliteWorkflow(std::mutex* writer_mu, sqlite3* writer, ReaderPool* readers,
                                                  const util::Clock* clock) {
  return std::make_unique<SqliteWorkflow>(writer_mu, writer, readers, clock);
}

}  // namespace vetted::store::sqlite
