// The desk and readers' tickets (desk.h).
#include "newsroom/desk.h"

#include <algorithm>

#include "newsroom/internal.h"
#include "newsroom/newsroom.h"

namespace vetted::newsroom {
namespace {

using store::Ticket;
using store::WorkflowTx;

std::string_view ActionName(TicketAction action) {
  switch (action) {
    case TicketAction::kAssign:
      return "assign";
    case TicketAction::kResolve:
      return "resolve";
    case TicketAction::kDismiss:
      return "dismiss";
  }
  return "";
}

bool Closed(const Ticket& t) {
  return t.state == "resolved" || t.state == "dismissed";
}

store::TicketTx* TicketsOf(WorkflowTx& tx, Status* status) {
  store::TicketTx* tickets = tx.Tickets();
  if (tickets == nullptr) *status = Status::Internal("this store keeps no tickets");
  return tickets;
}

// The newsroom article at `path`; 0 when the article is not the newsroom's.
int64_t ArticleAt(WorkflowTx& tx, const std::string& path) {
  Result<std::vector<store::WfArticle>> all = tx.Articles();
  if (!all.ok()) return 0;
  for (const store::WfArticle& a : *all)
    if (a.path == path) return a.id;
  return 0;
}

ArticleSummary Summary(const internal::Facts& f) {
  ArticleSummary s;
  s.article = f.article;
  if (const store::WfRevision* r = internal::FindRevision(f, f.article.latest_revision)) {
    Article parsed = internal::ParseSource(r->source, f.article.path);
    s.title = parsed.title;
    s.authors = parsed.authors;
  }
  return s;
}

}  // namespace

std::optional<TicketAction> ParseTicketAction(std::string_view name) {
  for (TicketAction a : {TicketAction::kAssign, TicketAction::kResolve, TicketAction::kDismiss})
    if (ActionName(a) == name) return a;
  return std::nullopt;
}

Status MayChangeTicket(const Actor& actor, const Ticket& ticket, TicketAction action, std::string_view note) {
  if (Closed(ticket))
    return Status::Forbidden("this ticket is " + ticket.state + " already: nothing more to do");
  if (action == TicketAction::kAssign) {
    if (!actor.Has(kWriter) && !actor.Has(kEditor))
      return Status::Forbidden("only writers and editors take tickets");
    if (ticket.state == "assigned" && ticket.assignee == actor.account_id)
      return Status::Forbidden("this ticket is assigned to you already");
    return Status::Ok();
  }
  if (!actor.Has(kEditor)) return Status::Forbidden("only an editor resolves or dismisses a reader's ticket");
  if (util::Trim(note).empty())
    return Status::Invalid(action == TicketAction::kResolve ? "say in the note what was fixed"
                                                            : "say in the note why the report is dismissed");
  return Status::Ok();
}

Result<Desk> DeskOf(store::Store& store, const Actor& actor) {
  Desk desk;
  Status status = store.Workflow()->Read([&](WorkflowTx& tx) {
    Result<std::vector<store::WfArticle>> all = tx.Articles();
    if (!all.ok()) return all.status();
    for (const store::WfArticle& a : *all) {
      bool review = a.state == "in_review" && actor.Has(kReviewer);
      bool draft = a.state == "draft" || a.state == "published" || a.state == "unpublished";
      if (!review && !draft) continue;
      Result<internal::Facts> f = internal::LoadFacts(tx, a.id, a.submitted_revision);
      if (!f.ok()) return f.status();
      if (review) {
        if (MayApprove(actor, f->facts, a.submitted_revision).ok()) desk.to_review.push_back(Summary(*f));
        continue;
      }
      if (!IsAuthor(actor, f->facts) || a.latest_revision == a.live_revision) continue;
      Result<std::vector<store::WfChangeRequest>> asked = tx.ChangeRequests(a.id);
      if (!asked.ok()) return asked.status();
      bool sent_back = std::any_of(asked->begin(), asked->end(), [&](const store::WfChangeRequest& c) {
        return c.revision == a.latest_revision;
      });
      if (sent_back) desk.changes_requested.push_back(Summary(*f));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return desk;
}

Tickets::Tickets(store::Store& store, const util::Clock* clock)
    : store_(store), wf_(*store.Workflow()), clock_(clock) {}

// The largest feedback id with a ticket (0 when none).
static Result<int64_t> LastReported(WorkflowTx& tx) {
  Status s = Status::Ok();
  store::TicketTx* tickets = TicketsOf(tx, &s);
  if (!tickets) return s;
  Result<std::vector<Ticket>> known = tickets->Tickets();
  if (!known.ok()) return known.status();
  int64_t last = 0;
  for (const Ticket& t : *known) last = std::max(last, t.feedback_id);
  return last;
}

Result<int> Tickets::Sync() {
  // The reports are read outside the write (a backend may hold one lock for
  // both); the write skips those another Sync opened meanwhile.
  Result<int64_t> last = 0;
  Status status = wf_.Read([&](WorkflowTx& tx) {
    last = LastReported(tx);
    return last.status();
  });
  if (!status.ok()) return status;
  store::FeedbackFilter filter;
  filter.category = "error";
  filter.after_id = *last;
  Result<std::vector<store::FeedbackRecord>> reports = store_.FindFeedback(filter);
  if (!reports.ok()) return reports.status();
  if (reports->empty()) return 0;
  int opened = 0;
  status = wf_.Write([&](WorkflowTx& tx) {
    Result<int64_t> now_last = LastReported(tx);
    if (!now_last.ok()) return now_last.status();
    for (const store::FeedbackRecord& f : *reports) {
      if (f.id <= *now_last) continue;
      Ticket t;
      t.feedback_id = f.id;
      t.article_url = f.article_url;
      t.article_path = f.article_path;
      t.revision = f.revision;
      t.created_at = f.created_at;
      t.updated_at = f.created_at;
      if (Status added = tx.Tickets()->AddTicket(t); !added.ok()) return added;
      ++opened;
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return opened;
}

Result<std::vector<Ticket>> Tickets::List() {
  if (Result<int> synced = Sync(); !synced.ok()) return synced.status();
  std::vector<Ticket> out;
  Status status = wf_.Read([&](WorkflowTx& tx) {
    Status s = Status::Ok();
    store::TicketTx* tickets = TicketsOf(tx, &s);
    if (!tickets) return s;
    Result<std::vector<Ticket>> all = tickets->Tickets();
    if (!all.ok()) return all.status();
    out.assign(all->rbegin(), all->rend());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Result<Ticket> Tickets::Get(int64_t id) {
  Result<Ticket> out = Status::NotFound("no ticket " + std::to_string(id));
  Status status = wf_.Read([&](WorkflowTx& tx) {
    Status s = Status::Ok();
    store::TicketTx* tickets = TicketsOf(tx, &s);
    if (!tickets) return s;
    out = tickets->GetTicket(id);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Status Tickets::Change(const Actor& actor, int64_t id, TicketAction action, const std::string& note) {
  const std::string now = util::FormatIsoUtc(clock_->NowSeconds());
  return wf_.Write([&](WorkflowTx& tx) {
    Status s = Status::Ok();
    store::TicketTx* tickets = TicketsOf(tx, &s);
    if (!tickets) return s;
    Result<Ticket> t = tickets->GetTicket(id);
    if (!t.ok()) return t.status();
    if (Status may = MayChangeTicket(actor, *t, action, note); !may.ok()) return may;
    const std::string before = t->state;
    if (action == TicketAction::kAssign) {
      t->state = "assigned";
      t->assignee = actor.account_id;
    } else {
      t->state = action == TicketAction::kResolve ? "resolved" : "dismissed";
    }
    if (!util::Trim(note).empty()) t->note = note;
    t->updated_at = now;
    if (Status u = tickets->UpdateTicket(*t); !u.ok()) return u;
    std::string detail = "ticket " + std::to_string(id) + " (" + t->article_url + ")";
    if (!note.empty()) detail += ": " + note;
    return internal::Record(tx, actor, now, "ticket-" + std::string(ActionName(action)),
                            ArticleAt(tx, t->article_path), t->revision, before, t->state, detail);
  });
}

Status Tickets::LinkPublication(const Actor& actor, int64_t id, int64_t article_id) {
  const std::string now = util::FormatIsoUtc(clock_->NowSeconds());
  return wf_.Write([&](WorkflowTx& tx) {
    Status s = Status::Ok();
    store::TicketTx* tickets = TicketsOf(tx, &s);
    if (!tickets) return s;
    Result<Ticket> t = tickets->GetTicket(id);
    if (!t.ok()) return t.status();
    Result<store::WfArticle> article = tx.Article(article_id);
    if (!article.ok()) return article.status();
    if (article->path != t->article_path)
      return Status::Invalid("ticket " + std::to_string(id) + " is about " + t->article_path + ", not " +
                             article->path);
    Result<std::vector<store::WfPublication>> pubs = tx.Publications(article_id);
    if (!pubs.ok()) return pubs.status();
    const store::WfPublication* last = nullptr;
    for (const store::WfPublication& p : *pubs)
      if (p.action == "publish") last = &p;
    if (last == nullptr) return Status::Invalid(article->path + " has not been published");
    std::string note = "Fixed by publishing revision " + last->revision;
    if (Status may = MayChangeTicket(actor, *t, TicketAction::kResolve, note); !may.ok()) return may;
    const std::string before = t->state;
    t->state = "resolved";
    t->note = note;
    t->publication_id = last->id;
    t->updated_at = now;
    if (Status u = tickets->UpdateTicket(*t); !u.ok()) return u;
    return internal::Record(tx, actor, now, "ticket-resolve", article_id, last->revision, before, "resolved",
                            "ticket " + std::to_string(id) + " (" + t->article_url + "): publication " +
                                std::to_string(last->id));
  });
}

}  // namespace vetted::newsroom
