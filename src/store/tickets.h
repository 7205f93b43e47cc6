// Internal to store/ (included by store/workflow.h): readers' error reports
// as tickets, kept beside the workflow's records and written in the same
// transaction as the audit entry of each change (WorkflowTx::Tickets()).
//
// The store keeps the records; who may change a ticket, and to what, is
// newsroom/'s business (newsroom/tickets.h).
// Thread safety: as WorkflowTx (used by the thread running the callback).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/status.h"

namespace vetted::store {

// One reader report ("Report an error") and what the newsroom did with it.
// States: "open", "assigned", "resolved", "dismissed".
struct Ticket {
  int64_t id = 0;           // set by AddTicket
  int64_t feedback_id = 0;  // the report (FeedbackRecord::id); one ticket per report
  std::string article_url;  // "/sleep/naps/"
  std::string article_path;
  std::string revision;  // the revision the reader saw
  std::string state = "open";
  int64_t assignee = 0;        // account id; 0 = nobody
  std::string note;            // the newest note ("" = none)
  int64_t publication_id = 0;  // the publication that fixed it (WfPublication::id); 0 = none
  std::string created_at;      // UTC "2026-11-26T06:01:02Z"
  std::string updated_at;      // of the last change
};

class TicketTx {
 public:
  virtual ~TicketTx() = default;
  // Stores t (t.id is set). kConflict when a ticket for t.feedback_id exists.
  virtual Status AddTicket(Ticket& t) = 0;
  // kNotFound for an unknown id.
  virtual Result<Ticket> GetTicket(int64_t id) = 0;
  // Every ticket, by id.
  virtual Result<std::vector<Ticket>> Tickets() = 0;
  // Writes state, assignee, note, publication_id and updated_at. kNotFound for an unknown id.
  virtual Status UpdateTicket(const Ticket& t) = 0;
};

}  // namespace vetted::store
