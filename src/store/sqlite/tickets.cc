// Readers' tickets on SQLite (schema step 7), inside a workflow transaction.
#include "store/sqlite/tickets.h"

#include "store/sqlite/db.h"

namespace vetted::store::sqlite {
namespace {

#define TICKET_COLUMNS                                                                            \
  "id, feedback_id, article_url, article_path, revision, state, assignee, note, publication_id, " \
  "created_at, "                                                                                  \
  "updated_at"

Ticket TicketRow(const Query& q) {
  Ticket t;
  t.id = q.Int(0);
  t.feedback_id = q.Int(1);
  t.article_url = q.Text(2);
  t.article_path = q.Text(3);
  t.revision = q.Text(4);
  t.state = q.Text(5);
  t.assignee = q.Int(6);
  t.note = q.Text(7);
  t.publication_id = q.Int(8);
  t.created_at = q.Text(9);
  t.updated_at = q.Text(10);
  return t;
}

}  // namespace

Status SqliteTickets::AddTicket(Ticket& t) {
  {
    Query q(db_, "SELECT 1 FROM tickets WHERE feedback_id = ?");
    q.Bind(t.feedback_id);
    if (q.Next())
      return Status::Conflict("report " + std::to_string(t.feedback_id) + " has a ticket already");
    if (!q.status().ok()) return q.status();
  }
  Query q(db_,
          "INSERT INTO tickets(feedback_id, article_url, article_path, revision, state, assignee, note, "
          "publication_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.Bind(t.feedback_id, t.article_url, t.article_path, t.revision, t.state, t.assignee, t.note,
         t.publication_id, t.created_at, t.updated_at);
  if (Status s = q.Run(); !s.ok()) return s;
  t.id = sqlite3_last_insert_rowid(db_);
  return Status::Ok();
}

Result<Ticket> SqliteTickets::GetTicket(int64_t id) {
  Query q(db_, "SELECT " TICKET_COLUMNS " FROM tickets WHERE id = ?");
  q.Bind(id);
  if (q.Next()) return TicketRow(q);
  if (!q.status().ok()) return q.status();
  return Status::NotFound("no ticket " + std::to_string(id));
}

Result<std::vector<Ticket>> SqliteTickets::Tickets() {
  Query q(db_, "SELECT " TICKET_COLUMNS " FROM tickets ORDER BY id");
  std::vector<Ticket> out;
  while (q.Next()) out.push_back(TicketRow(q));
  if (!q.status().ok()) return q.status();
  return out;
}

Status SqliteTickets::UpdateTicket(const Ticket& t) {
  Query q(db_,
          "UPDATE tickets SET state = ?, assignee = ?, note = ?, publication_id = ?, updated_at = ? WHERE id "
          "= ?");
  q.Bind(t.state, t.assignee, t.note, t.publication_id, t.updated_at, t.id);
  if (Status s = q.Run(); !s.ok()) return s;
  if (sqlite3_changes(db_) == 0) return Status::NotFound("no ticket " + std::to_string(t.id));
  return Status::Ok();
}

}  // namespace vetted::store::sqlite
