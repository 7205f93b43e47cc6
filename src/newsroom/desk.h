// Internal to newsroom/ (included by newsroom/newsroom.h): the desk, what
// waits for each person (their home page and daily mail), and readers'
// error reports as tickets (docs/guide-feedback.md).
//
// Tickets: every reader report of category "error" becomes a ticket
// (Tickets::Sync, also run by List). States:
//   open --assign--> assigned --resolve / dismiss--> resolved / dismissed
//     \--------------resolve / dismiss-------------/
// Writers and editors may take a ticket ("assign to me"); only editors
// resolve or dismiss one, with a note saying what was done or why not. A
// publication made from a ticket resolves it and is linked to it
// (Tickets::LinkPublication). Each change and its audit entry
// ("ticket-assign", "ticket-resolve", "ticket-dismiss") are one transaction.
//
// Failures: kForbidden when a rule refuses (a sentence a person can act
// on), kNotFound for an unknown ticket or article, kInvalid for bad input,
// kIo when the store fails. Thread safety: any number of threads may call
// any method at once (the store serializes writes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "newsroom/articles.h"
#include "store/store.h"
#include "util/util.h"

namespace vetted::newsroom {

// "assign", "resolve", "dismiss".
enum class TicketAction { kAssign, kResolve, kDismiss };
std::optional<TicketAction> ParseTicketAction(std::string_view name);

// Whether `actor` may take `action` on `ticket` (pure): assign: a writer or
// an editor, on an open ticket or one assigned to someone else; resolve and
// dismiss: editors only, on an open or assigned ticket, with a note.
Status MayChangeTicket(const Actor& actor, const store::Ticket& ticket, TicketAction action,
                       std::string_view note);

// What waits for one person.
struct Desk {
  // In review, and the person may approve it (a reviewer, not an author,
  // not approved by them yet).
  std::vector<ArticleSummary> to_review;
  // Sent back: a draft whose latest revision a reviewer asked changes to,
  // of which the person is an author.
  std::vector<ArticleSummary> changes_requested;
};

// The desk of `actor` from the newsroom's records (one read transaction).
// `store` must have a WorkflowStore. kIo when the store fails.
Result<Desk> DeskOf(store::Store& store, const Actor& actor);

class Tickets {
 public:
  // `store` must have a WorkflowStore and outlive this; `clock` too.
  Tickets(store::Store& store, const util::Clock* clock);

  // Opens a ticket for each error report that has none yet. Returns how many.
  Result<int> Sync();
  // Sync, then every ticket, newest first.
  Result<std::vector<store::Ticket>> List();
  // One ticket (kNotFound when unknown).
  Result<store::Ticket> Get(int64_t id);
  // Takes a step (MayChangeTicket decides); assign makes `actor` the assignee.
  Status Change(const Actor& actor, int64_t id, TicketAction action, const std::string& note);
  // After an editor published article `article_id` from ticket `id` (the
  // publish form's hidden `ticket` field): links the ticket to the
  // article's newest publication and resolves it ("Fixed by publishing
  // revision ..."). kInvalid when the ticket is about another article or
  // the article has no publication; kForbidden for a non-editor or a
  // ticket already resolved or dismissed.
  Status LinkPublication(const Actor& actor, int64_t id, int64_t article_id);

 private:
  store::Store& store_;
  store::WorkflowStore& wf_;
  const util::Clock* clock_;
};

}  // namespace vetted::newsroom
