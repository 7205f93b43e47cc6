// The newsroom's accounts and sessions on PostgreSQL (store/accounts.h).
#include "store/postgres/store_impl.h"

namespace vetted::store::postgres {

std::unique_ptr<AccountStore> MakePostgresAccounts(pg::Pool*) {
  return nullptr;  // not built yet
}

}  // namespace vetted::store::postgres
