// The WorkflowStore in memory: a write works on a copy of the records and
// swaps it in when the callback succeeds (see store/workflow.h).
#include "store/memory/workflow.h"

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include "store/backend.h"
#include "store/memory/internal.h"

namespace vetted::store::memory {
namespace {

template <typename T>
std::vector<T> OfArticle(const std::vector<T>& rows, int64_t article_id) {
  std::vector<T> out;
  for (const T& r : rows)
    if (article_id == 0 || r.article_id == article_id) out.push_back(r);
  return out;
}

// The tickets of one transaction's records (`write`: the copy being written).
class MemoryTickets : public TicketTx {
 public:
  MemoryTickets(std::vector<Ticket>& rows, bool write) : rows_(rows), write_(write) {}

  Status AddTicket(Ticket& t) override {
    if (!write_) return Status::Internal("memory: a write inside WorkflowStore::Read");
    for (const Ticket& other : rows_)
      if (other.feedback_id == t.feedback_id)
        return Status::Conflict("report " + std::to_string(t.feedback_id) + " has a ticket already");
    t.id = static_cast<int64_t>(rows_.size()) + 1;
    rows_.push_back(t);
    return Status::Ok();
  }
  Result<Ticket> GetTicket(int64_t id) override {
    if (id < 1 || id > static_cast<int64_t>(rows_.size()))
      return Status::NotFound("no ticket " + std::to_string(id));
    return rows_[id - 1];
  }
  Result<std::vector<Ticket>> Tickets() override { return rows_; }
  Status UpdateTicket(const Ticket& t) override {
    if (!write_) return Status::Internal("memory: a write inside WorkflowStore::Read");
    if (t.id < 1 || t.id > static_cast<int64_t>(rows_.size()))
      return Status::NotFound("no ticket " + std::to_string(t.id));
    Ticket& stored = rows_[t.id - 1];
    stored.state = t.state;
    stored.assignee = t.assignee;
    stored.note = t.note;
    stored.publication_id = t.publication_id;
    stored.updated_at = t.updated_at;
    return Status::Ok();
  }

 private:
  std::vector<Ticket>& rows_;
  bool write_;
};

class MemoryTx : public WorkflowTx {
 public:
  // `wf` is the copy being written (or the live data, read-only).
  MemoryTx(Data& data, WorkflowData& wf, bool write, const util::Clock& clock)
      : data_(data), wf_(wf), write_(write), clock_(clock), tickets_(wf.tickets, write) {}

  Status AddArticle(WfArticle& a) override {
    if (Status s = Writable(); !s.ok()) return s;
    for (const WfArticle& other : wf_.articles)
      if (other.path == a.path) return Status::Conflict("there is already an article at " + a.path);
    a.id = static_cast<int64_t>(wf_.articles.size()) + 1;
    wf_.articles.push_back(a);
    return Status::Ok();
  }

  Result<WfArticle> Article(int64_t id) override {
    if (id < 1 || id > static_cast<int64_t>(wf_.articles.size()))
      return Status::NotFound("no article " + std::to_string(id));
    return wf_.articles[id - 1];
  }

  Result<std::vector<WfArticle>> Articles() override { return wf_.articles; }

  Status UpdateArticle(const WfArticle& a) override {
    if (Status s = Writable(); !s.ok()) return s;
    if (a.id < 1 || a.id > static_cast<int64_t>(wf_.articles.size()))
      return Status::NotFound("no article " + std::to_string(a.id));
    WfArticle& stored = wf_.articles[a.id - 1];
    stored.state = a.state;
    stored.submitted_revision = a.submitted_revision;
    stored.live_revision = a.live_revision;
    return Status::Ok();
  }

  Result<SaveResult> SaveRevision(const WfRevision& r) override {
    if (Status s = Writable(); !s.ok()) return s;
    if (r.article_id < 1 || r.article_id > static_cast<int64_t>(wf_.articles.size()))
      return Status::NotFound("no article " + std::to_string(r.article_id));
    WfArticle& article = wf_.articles[r.article_id - 1];
    SaveResult result;
    result.latest_revision = article.latest_revision;
    if (r.parent != article.latest_revision) {
      result.conflict = true;
      return result;
    }
    result.added = true;
    for (WfRevision& old : wf_.revisions) {
      if (old.article_id != r.article_id || old.hash != r.hash) continue;
      result.added = false;
      if (old.source != r.source) {
        result.replaced = true;
        result.replaced_source = std::exchange(old.source, r.source);
      }
    }
    if (result.added) wf_.revisions.push_back(r);
    article.latest_revision = r.hash;
    result.latest_revision = r.hash;
    return result;
  }

  Result<std::vector<WfRevision>> Revisions(int64_t article_id) override {
    return OfArticle(wf_.revisions, article_id);
  }

  Result<WfRevision> Revision(int64_t article_id, const std::string& hash) override {
    for (const WfRevision& r : wf_.revisions)
      if (r.article_id == article_id && r.hash == hash) return r;
    return Status::NotFound("article " + std::to_string(article_id) + " has no revision " + hash);
  }

  Status AddApproval(const WfApproval& a) override { return Push(wf_.approvals, a); }
  Result<std::vector<WfApproval>> Approvals(int64_t article_id) override {
    return OfArticle(wf_.approvals, article_id);
  }
  Status AddChangeRequest(const WfChangeRequest& c) override { return Push(wf_.change_requests, c); }
  Result<std::vector<WfChangeRequest>> ChangeRequests(int64_t article_id) override {
    return OfArticle(wf_.change_requests, article_id);
  }

  Status AddPublication(WfPublication& p) override {
    if (Status s = Writable(); !s.ok()) return s;
    p.id = static_cast<int64_t>(wf_.publications.size()) + 1;
    wf_.publications.push_back(p);
    return Status::Ok();
  }

  Status FinishPublication(int64_t id, const std::string& done_at) override {
    if (Status s = Writable(); !s.ok()) return s;
    if (id < 1 || id > static_cast<int64_t>(wf_.publications.size()) ||
        !wf_.publications[id - 1].done_at.empty())
      return Status::NotFound("no pending publication " + std::to_string(id));
    wf_.publications[id - 1].done_at = done_at;
    return Status::Ok();
  }

  Result<std::vector<WfPublication>> Publications(int64_t article_id) override {
    return OfArticle(wf_.publications, article_id);
  }

  Status AddPreviewLink(const WfPreviewLink& link) override {
    if (Status s = Writable(); !s.ok()) return s;
    for (const WfPreviewLink& l : wf_.preview_links)
      if (l.token_hash == link.token_hash) return Status::Conflict("that preview link exists already");
    wf_.preview_links.push_back(link);
    return Status::Ok();
  }

  Result<WfPreviewLink> PreviewLink(const std::string& token_hash) override {
    for (const WfPreviewLink& l : wf_.preview_links)
      if (l.token_hash == token_hash) return l;
    return Status::NotFound("no such preview link");
  }

  Result<std::vector<WfPreviewLink>> PreviewLinks(int64_t article_id) override {
    return OfArticle(wf_.preview_links, article_id);
  }

  Status AppendAudit(AuditEntry& e) override {
    if (Status s = Writable(); !s.ok()) return s;
    e.seq = wf_.head.count + 1;
    e.prev_hash = wf_.head.hash;
    wf_.audit.push_back(e);
    wf_.head = {e.seq, AuditHash(e)};
    return Status::Ok();
  }

  Result<std::vector<AuditEntry>> Audit(int64_t article_id) override {
    return OfArticle(wf_.audit, article_id);
  }
  Result<std::vector<AuditEntry>> AuditActions(int64_t article_id,
                                               const std::vector<std::string>& actions) override {
    std::vector<AuditEntry> out;
    for (const AuditEntry& e : wf_.audit)
      if (e.article_id == article_id && std::find(actions.begin(), actions.end(), e.action) != actions.end())
        out.push_back(e);
    return out;
  }
  Result<AuditHead> Head() override { return wf_.head; }

  Result<Snapshot> LoadContent() override { return LoadLocked(data_); }

  Result<ImportReport> ImportContent(const ImportInput& input) override {
    if (Status s = Writable(); !s.ok()) return s;
    if (Status s = ValidateImport(input); !s.ok()) return s;
    return ImportLocked(data_, input, UtcNow(clock_));
  }

  TicketTx* Tickets() override { return &tickets_; }

 private:
  Status Writable() const {
    return write_ ? Status::Ok() : Status::Internal("memory: a write inside WorkflowStore::Read");
  }
  template <typename T>
  Status Push(std::vector<T>& rows, const T& row) {
    if (Status s = Writable(); !s.ok()) return s;
    rows.push_back(row);
    return Status::Ok();
  }

  Data& data_;
  WorkflowData& wf_;
  bool write_;
  const util::Clock& clock_;
  MemoryTickets tickets_;
};

class MemoryWorkflow : public WorkflowStore {
 public:
  MemoryWorkflow(std::shared_ptr<Data> data, const util::Clock& clock)
      : data_(std::move(data)), clock_(clock) {}

  Status Write(const std::function<Status(WorkflowTx&)>& fn) override {
    std::unique_lock lock(data_->mu);
    WorkflowData copy = data_->workflow;
    MemoryTx tx(*data_, copy, /*write=*/true, clock_);
    if (Status s = fn(tx); !s.ok()) return s;
    data_->workflow = std::move(copy);
    return Status::Ok();
  }

  Status Read(const std::function<Status(WorkflowTx&)>& fn) override {
    std::shared_lock lock(data_->mu);
    MemoryTx tx(*data_, data_->workflow, /*write=*/false, clock_);
    return fn(tx);
  }

 private:
  std::shared_ptr<Data> data_;
  const util::Clock& clock_;
};

}  // namespace

std::unique_ptr<WorkflowStore> MakeMemoryWorkflow(std::shared_ptr<Data> data, const util::Clock& clock) {
  return std::make_unique<MemoryWorkflow>(std::move(data), clock);
}

}  // namespace vetted::store::memory
