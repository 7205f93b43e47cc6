// store/sqlite/: the TicketTx of a workflow transaction (tickets.cc). Internal.
#pragma once

#include <sqlite3.h>

#include "store/store.h"

namespace vetted::store::sqlite {

// Works on the connection of the transaction that owns it.
class SqliteTickets : public TicketTx {
 public:
  explicit SqliteTickets(sqlite3* db) : db_(db) {}
  Status AddTicket(Ticket& t) override;
  Result<Ticket> GetTicket(int64_t id) override;
  Result<std::vector<Ticket>> Tickets() override;
  Status UpdateTicket(const Ticket& t) override;

 private:
  sqlite3* db_;
};

}  // namespace vetted::store::sqlite
