// Internal to store/ (included by store/store.h): the newsroom's accounts and
// sessions, kept in the same database as the content. See Store::Accounts().
#pragma once

namespace vetted::store {

class AccountStore {
 public:
  virtual ~AccountStore() = default;
};

}  // namespace vetted::store
