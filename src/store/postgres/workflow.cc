// The newsroom's workflow on PostgreSQL (store/workflow.h, store/tickets.h;
// schema step 4): one WorkflowTx over one pooled connection inside one
// transaction.
//
// Writers, from any number of vetted nodes, run one at a time: Write takes
// the transaction-scoped advisory lock kWorkflowLock before anything else (the
// role of SQLite's single writer), so every check a WorkflowTx makes (a path
// taken, the latest revision, the audit head) still holds when it writes, and
// the audit chain grows by one entry at a time. Write runs at READ COMMITTED:
// each statement after the lock sees every writer committed before it (a
// REPEATABLE READ snapshot would be taken before the lock was granted).
// Read is one REPEATABLE READ READ ONLY view and takes no lock.
#include <string>

#include "store/backend.h"
#include "store/postgres/store_impl.h"

namespace vetted::store::postgres {
namespace {

// pg_advisory_xact_lock key of the newsroom's writers: "vetted" + 4 (schema
// step 4), the same in every node (migrations use "vetted" + 1).
constexpr int64_t kWorkflowLock = 0x766574746564'04;

#define WF_ARTICLE_COLUMNS \
  "id, path, created_at, created_by, state, latest_revision, submitted_revision, live_revision"
#define WF_PREVIEW_COLUMNS "token_hash, article_id, revision, created_by, created_at, expires_at"
#define TICKET_COLUMNS                                                                            \
  "id, feedback_id, article_url, article_path, revision, state, assignee, note, publication_id, " \
  "created_at, "                                                                                  \
  "updated_at"

WfArticle ArticleRow(const pg::Rows& r, int i) {
  return {r.Int(i, 0),  r.Text(i, 1), r.Text(i, 2), r.Int(i, 3),
          r.Text(i, 4), r.Text(i, 5), r.Text(i, 6), r.Text(i, 7)};
}

WfPreviewLink PreviewRow(const pg::Rows& r, int i) {
  return {r.Text(i, 0), r.Int(i, 1), r.Text(i, 2), r.Int(i, 3), r.Text(i, 4), r.Text(i, 5)};
}

Ticket TicketRow(const pg::Rows& r, int i) {
  Ticket t;
  t.id = r.Int(i, 0);
  t.feedback_id = r.Int(i, 1);
  t.article_url = r.Text(i, 2);
  t.article_path = r.Text(i, 3);
  t.revision = r.Text(i, 4);
  t.state = r.Text(i, 5);
  t.assignee = r.Int(i, 6);
  t.note = r.Text(i, 7);
  t.publication_id = r.Int(i, 8);
  t.created_at = r.Text(i, 9);
  t.updated_at = r.Text(i, 10);
  return t;
}

// Readers' tickets, on the connection of the transaction that owns them.
class PostgresTickets : public TicketTx {
 public:
  explicit PostgresTickets(pg::Conn& conn) : conn_(conn) {}

  Status AddTicket(Ticket& t) override {
    // Checked first (not left to the unique index) so that the transaction
    // stays usable; the writers' lock keeps the check true until the insert.
    Result<pg::Rows> exists =
        conn_.Query("SELECT 1 FROM tickets WHERE feedback_id = $1::bigint", t.feedback_id);
    if (!exists.ok()) return exists.status();
    if (!exists->empty())
      return Status::Conflict("report " + std::to_string(t.feedback_id) + " has a ticket already");
    Result<pg::Rows> rows = conn_.Query(
        "INSERT INTO tickets(feedback_id, article_url, article_path, revision, state, assignee, note, "
        "publication_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING "
        "id",
        t.feedback_id, t.article_url, t.article_path, t.revision, t.state, t.assignee, t.note,
        t.publication_id, t.created_at, t.updated_at);
    if (!rows.ok()) return rows.status();
    t.id = rows->Int(0, 0);
    return Status::Ok();
  }

  Result<Ticket> GetTicket(int64_t id) override {
    Result<pg::Rows> rows = conn_.Query("SELECT " TICKET_COLUMNS " FROM tickets WHERE id = $1::bigint", id);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("no ticket " + std::to_string(id));
    return TicketRow(*rows, 0);
  }

  Result<std::vector<Ticket>> Tickets() override {
    Result<pg::Rows> rows = conn_.Query("SELECT " TICKET_COLUMNS " FROM tickets ORDER BY id");
    if (!rows.ok()) return rows.status();
    std::vector<Ticket> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) out.push_back(TicketRow(*rows, i));
    return out;
  }

  Status UpdateTicket(const Ticket& t) override {
    Result<pg::Rows> rows = conn_.Query(
        "UPDATE tickets SET state = $1, assignee = $2, note = $3, publication_id = $4, updated_at = $5 "
        "WHERE id = $6::bigint",
        t.state, t.assignee, t.note, t.publication_id, t.updated_at, t.id);
    if (!rows.ok()) return rows.status();
    if (rows->affected() == 0) return Status::NotFound("no ticket " + std::to_string(t.id));
    return Status::Ok();
  }

 private:
  pg::Conn& conn_;
};

// The rows of "SELECT seq, at, account, action, article_id, revision, before,
// after, detail, prev_hash FROM audit ..." as entries.
Result<std::vector<AuditEntry>> AuditEntries(const Result<pg::Rows>& rows) {
  if (!rows.ok()) return rows.status();
  std::vector<AuditEntry> out;
  out.reserve(static_cast<size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i) {
    out.push_back({rows->Int(i, 0), rows->Text(i, 1), rows->Int(i, 2), rows->Text(i, 3), rows->Int(i, 4),
                   rows->Text(i, 5), rows->Text(i, 6), rows->Text(i, 7), rows->Text(i, 8), rows->Text(i, 9)});
  }
  return out;
}

class PostgresTx : public WorkflowTx {
 public:
  PostgresTx(pg::Conn& conn, const util::Clock* clock) : conn_(conn), clock_(clock), tickets_(conn) {}

  Status AddArticle(WfArticle& a) override {
    // Checked first so that the transaction stays usable after a refusal.
    Result<pg::Rows> exists = conn_.Query("SELECT 1 FROM wf_articles WHERE path = $1", a.path);
    if (!exists.ok()) return exists.status();
    if (!exists->empty()) return Status::Conflict("there is already an article at " + a.path);
    Result<pg::Rows> rows = conn_.Query(
        "INSERT INTO wf_articles(path, created_at, created_by, state, latest_revision, submitted_revision, "
        "live_revision) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        a.path, a.created_at, a.created_by, a.state, a.latest_revision, a.submitted_revision,
        a.live_revision);
    if (!rows.ok()) return rows.status();
    a.id = rows->Int(0, 0);
    return Status::Ok();
  }

  Result<WfArticle> Article(int64_t id) override {
    Result<pg::Rows> rows =
        conn_.Query("SELECT " WF_ARTICLE_COLUMNS " FROM wf_articles WHERE id = $1::bigint", id);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("no article " + std::to_string(id));
    return ArticleRow(*rows, 0);
  }

  Result<std::vector<WfArticle>> Articles() override {
    Result<pg::Rows> rows = conn_.Query("SELECT " WF_ARTICLE_COLUMNS " FROM wf_articles ORDER BY id");
    if (!rows.ok()) return rows.status();
    std::vector<WfArticle> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) out.push_back(ArticleRow(*rows, i));
    return out;
  }

  Status UpdateArticle(const WfArticle& a) override {
    Result<pg::Rows> rows = conn_.Query(
        "UPDATE wf_articles SET state = $1, submitted_revision = $2, live_revision = $3 WHERE id = "
        "$4::bigint",
        a.state, a.submitted_revision, a.live_revision, a.id);
    if (!rows.ok()) return rows.status();
    if (rows->affected() == 0) return Status::NotFound("no article " + std::to_string(a.id));
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
    // The same hash stored already: reused, its source replaced when the
    // rest of the file differs (WorkflowTx::SaveRevision). Write holds the
    // newsroom's lock, so nothing changes between this read and the write.
    Result<pg::Rows> old = conn_.Query(
        "SELECT source FROM wf_revisions WHERE article_id = $1::bigint AND hash = $2", r.article_id, r.hash);
    if (!old.ok()) return old.status();
    if (old->empty()) {
      Result<pg::Rows> added = conn_.Query(
          "INSERT INTO wf_revisions(article_id, hash, source, parent, author, created_at, major) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7)",
          r.article_id, r.hash, pg::Bytes{r.source}, r.parent, r.author, r.created_at, r.major);
      if (!added.ok()) return added.status();
      result.added = true;
    } else if (old->View(0, 0) != r.source) {
      result.replaced = true;
      result.replaced_source = old->Text(0, 0);
      Result<pg::Rows> replaced =
          conn_.Query("UPDATE wf_revisions SET source = $1 WHERE article_id = $2::bigint AND hash = $3",
                      pg::Bytes{r.source}, r.article_id, r.hash);
      if (!replaced.ok()) return replaced.status();
    }
    Result<pg::Rows> moved = conn_.Query("UPDATE wf_articles SET latest_revision = $1 WHERE id = $2::bigint",
                                         r.hash, r.article_id);
    if (!moved.ok()) return moved.status();
    result.latest_revision = r.hash;
    return result;
  }

  Result<std::vector<WfRevision>> Revisions(int64_t article_id) override {
    Result<pg::Rows> rows = conn_.Query(
        "SELECT article_id, hash, source, parent, author, created_at, major FROM wf_revisions "
        "WHERE article_id = $1::bigint ORDER BY id",
        article_id);
    if (!rows.ok()) return rows.status();
    std::vector<WfRevision> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back({rows->Int(i, 0), rows->Text(i, 1), rows->Text(i, 2), rows->Text(i, 3), rows->Int(i, 4),
                     rows->Text(i, 5), rows->Int(i, 6) != 0});
    }
    return out;
  }

  Result<WfRevision> Revision(int64_t article_id, const std::string& hash) override {
    Result<pg::Rows> rows = conn_.Query(
        "SELECT article_id, hash, source, parent, author, created_at, major FROM wf_revisions "
        "WHERE article_id = $1::bigint AND hash = $2",
        article_id, hash);
    if (!rows.ok()) return rows.status();
    if (rows->empty())
      return Status::NotFound("article " + std::to_string(article_id) + " has no revision " + hash);
    return WfRevision{rows->Int(0, 0), rows->Text(0, 1), rows->Text(0, 2),    rows->Text(0, 3),
                      rows->Int(0, 4), rows->Text(0, 5), rows->Int(0, 6) != 0};
  }

  Status AddApproval(const WfApproval& a) override {
    return conn_
        .Query(
            "INSERT INTO wf_approvals(article_id, revision, reviewer, reviewer_person, note, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            a.article_id, a.revision, a.reviewer, a.reviewer_person, a.note, a.created_at)
        .status();
  }

  Result<std::vector<WfApproval>> Approvals(int64_t article_id) override {
    Result<pg::Rows> rows = conn_.Query(
        "SELECT article_id, revision, reviewer, reviewer_person, note, created_at FROM wf_approvals "
        "WHERE article_id = $1::bigint ORDER BY id",
        article_id);
    if (!rows.ok()) return rows.status();
    std::vector<WfApproval> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back({rows->Int(i, 0), rows->Text(i, 1), rows->Int(i, 2), rows->Text(i, 3), rows->Text(i, 4),
                     rows->Text(i, 5)});
    }
    return out;
  }

  Status AddChangeRequest(const WfChangeRequest& c) override {
    return conn_
        .Query(
            "INSERT INTO wf_change_requests(article_id, revision, reviewer, comments, created_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            c.article_id, c.revision, c.reviewer, c.comments, c.created_at)
        .status();
  }

  Result<std::vector<WfChangeRequest>> ChangeRequests(int64_t article_id) override {
    Result<pg::Rows> rows = conn_.Query(
        "SELECT article_id, revision, reviewer, comments, created_at FROM wf_change_requests "
        "WHERE article_id = $1::bigint ORDER BY id",
        article_id);
    if (!rows.ok()) return rows.status();
    std::vector<WfChangeRequest> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i)
      out.push_back({rows->Int(i, 0), rows->Text(i, 1), rows->Int(i, 2), rows->Text(i, 3), rows->Text(i, 4)});
    return out;
  }

  Status AddPublication(WfPublication& p) override {
    Result<pg::Rows> rows = conn_.Query(
        "INSERT INTO wf_publications(article_id, action, revision, base_revision, reason, by_account, "
        "created_at, scheduled_at, done_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        p.article_id, p.action, p.revision, p.base_revision, p.reason, p.by, p.created_at, p.scheduled_at,
        p.done_at);
    if (!rows.ok()) return rows.status();
    p.id = rows->Int(0, 0);
    return Status::Ok();
  }

  Status FinishPublication(int64_t id, const std::string& done_at) override {
    Result<pg::Rows> rows = conn_.Query(
        "UPDATE wf_publications SET done_at = $1 WHERE id = $2::bigint AND done_at = ''", done_at, id);
    if (!rows.ok()) return rows.status();
    if (rows->affected() == 0) return Status::NotFound("no pending publication " + std::to_string(id));
    return Status::Ok();
  }

  Result<std::vector<WfPublication>> Publications(int64_t article_id) override {
    Result<pg::Rows> rows = conn_.Query(
        "SELECT id, article_id, action, revision, base_revision, reason, by_account, created_at, "
        "scheduled_at, done_at FROM wf_publications WHERE $1::bigint = 0 OR article_id = $1::bigint ORDER BY "
        "id",
        article_id);
    if (!rows.ok()) return rows.status();
    std::vector<WfPublication> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back({rows->Int(i, 0), rows->Int(i, 1), rows->Text(i, 2), rows->Text(i, 3), rows->Text(i, 4),
                     rows->Text(i, 5), rows->Int(i, 6), rows->Text(i, 7), rows->Text(i, 8),
                     rows->Text(i, 9)});
    }
    return out;
  }

  Status AddPreviewLink(const WfPreviewLink& link) override {
    Result<pg::Rows> exists =
        conn_.Query("SELECT 1 FROM wf_preview_links WHERE token_hash = $1", link.token_hash);
    if (!exists.ok()) return exists.status();
    if (!exists->empty()) return Status::Conflict("that preview link exists already");
    return conn_
        .Query(
            "INSERT INTO wf_preview_links(token_hash, article_id, revision, created_by, created_at, "
            "expires_at) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            link.token_hash, link.article_id, link.revision, link.created_by, link.created_at,
            link.expires_at)
        .status();
  }

  Result<WfPreviewLink> PreviewLink(const std::string& token_hash) override {
    Result<pg::Rows> rows =
        conn_.Query("SELECT " WF_PREVIEW_COLUMNS " FROM wf_preview_links WHERE token_hash = $1", token_hash);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("no such preview link");
    return PreviewRow(*rows, 0);
  }

  Result<std::vector<WfPreviewLink>> PreviewLinks(int64_t article_id) override {
    Result<pg::Rows> rows = conn_.Query("SELECT " WF_PREVIEW_COLUMNS
                                        " FROM wf_preview_links WHERE article_id = $1::bigint ORDER BY id",
                                        article_id);
    if (!rows.ok()) return rows.status();
    std::vector<WfPreviewLink> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) out.push_back(PreviewRow(*rows, i));
    return out;
  }

  Status AppendAudit(AuditEntry& e) override {
    // The head row is also locked (FOR UPDATE): the writers' advisory lock
    // already orders appends, this keeps the chain whole even for a writer
    // that forgot it.
    Result<pg::Rows> head = conn_.Query("SELECT count, hash FROM audit_head WHERE id = 1 FOR UPDATE");
    if (!head.ok()) return head.status();
    if (head->empty()) return Status::Io("postgresql: audit_head missing");
    e.seq = head->Int(0, 0) + 1;
    e.prev_hash = head->Text(0, 1);
    Result<pg::Rows> added = conn_.Query(
        "INSERT INTO audit(seq, at, account, action, article_id, revision, before, after, detail, prev_hash) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        e.seq, e.at, e.account, e.action, e.article_id, e.revision, e.before, e.after, e.detail, e.prev_hash);
    if (!added.ok()) return added.status();
    return conn_.Query("UPDATE audit_head SET count = $1, hash = $2 WHERE id = 1", e.seq, AuditHash(e))
        .status();
  }

  Result<std::vector<AuditEntry>> Audit(int64_t article_id) override {
    Result<pg::Rows> rows = conn_.Query(
        "SELECT seq, at, account, action, article_id, revision, before, after, detail, prev_hash "
        "FROM audit WHERE $1::bigint = 0 OR article_id = $1::bigint ORDER BY seq",
        article_id);
    return AuditEntries(rows);
  }

  Result<std::vector<AuditEntry>> AuditActions(int64_t article_id,
                                               const std::vector<std::string>& actions) override {
    std::string list;
    for (const std::string& a : actions) list += (list.empty() ? "" : ",") + a;
    Result<pg::Rows> rows = conn_.Query(
        "SELECT seq, at, account, action, article_id, revision, before, after, detail, prev_hash "
        "FROM audit WHERE article_id = $1::bigint AND action = ANY(string_to_array($2, ',')) ORDER BY seq",
        article_id, list);
    return AuditEntries(rows);
  }

  Result<AuditHead> Head() override {
    Result<pg::Rows> rows = conn_.Query("SELECT count, hash FROM audit_head WHERE id = 1");
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Io("postgresql: audit_head missing");
    return AuditHead{rows->Int(0, 0), rows->Text(0, 1)};
  }

  Result<Snapshot> LoadContent() override { return LoadOn(conn_); }

  Result<ImportReport> ImportContent(const ImportInput& input) override {
    return ImportOn(conn_, input, UtcNow(*clock_));
  }

  TicketTx* Tickets() override { return &tickets_; }

 private:
  pg::Conn& conn_;
  const util::Clock* clock_;
  PostgresTickets tickets_;
};

class PostgresWorkflow : public WorkflowStore {
 public:
  PostgresWorkflow(pg::Pool* pool, const util::Clock* clock) : pool_(pool), clock_(clock) {}

  Status Write(const std::function<Status(WorkflowTx&)>& fn) override {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    pg::Transaction tx(**conn);  // READ COMMITTED: see the top of this file
    if (!tx.status().ok()) return tx.status();
    // The newsroom's writers, from every node, one at a time; released at
    // COMMIT or ROLLBACK.
    if (Result<pg::Rows> lock = (*conn)->Query("SELECT pg_advisory_xact_lock($1::bigint)", kWorkflowLock);
        !lock.ok())
      return lock.status();
    PostgresTx wtx(**conn, clock_);
    if (Status s = fn(wtx); !s.ok()) return s;  // rolled back by ~Transaction
    // fn went on after a statement failed: COMMIT would only roll back.
    if (PQtransactionStatus((*conn)->raw()) == PQTRANS_INERROR)
      return Status::Io("postgresql: a statement of the workflow transaction failed; nothing was written");
    return tx.Commit();
  }

  Status Read(const std::function<Status(WorkflowTx&)>& fn) override {
    Result<pg::Pool::Lease> conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    pg::Transaction tx(**conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!tx.status().ok()) return tx.status();
    PostgresTx rtx(**conn, clock_);
    return fn(rtx);  // nothing to commit: ~Transaction ends it
  }

 private:
  pg::Pool* pool_;
  const util::Clock* clock_;
};

}  // namespace

std::unique_ptr<WorkflowStore> MakePostgresWorkflow(pg::Pool* pool, const util::Clock* clock) {
  return std::make_unique<PostgresWorkflow>(pool, clock);
}

}  // namespace vetted::store::postgres
