// Internal to store/ (included by store/store.h): the newsroom's accounts and
// sessions, kept in the same database as the content. See Store::Accounts().
//
// The store keeps rows; it knows no rule (newsroom/accounts.h decides what a
// password, a session or a role means). Times are whole seconds since the
// epoch, set by the caller's clock.
//
// Errors are values: kNotFound for an unknown account or session, kConflict
// for an email already taken, kIo when the backend fails.
// Durability: as the backend's other writes (SQLite: committed with
// synchronous=FULL; memory: until the process exits).
// Thread safety: every method may be called from any number of threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/status.h"

namespace vetted::store {

struct AccountRecord {
  int64_t id = 0;  // set by AddAccount (ids grow)
  // Unique ignoring ASCII case ("Ana@X.org" and "ana@x.org" are one account);
  // kept as first written.
  std::string email;
  uint8_t roles = 0;          // newsroom::Role bits
  std::string person_id;      // a person profile's id; "" = none
  bool disabled = false;      // may not sign in; has no sessions
  std::string password_hash;  // libsodium's crypto_pwhash_str form ("$argon2id$...")
  bool must_change_password = false;
  std::string totp_secret;  // base32; "" = no second factor
  long long created_at = 0;
};

// A signed-in session. The store never sees the cookie's value, only its hash.
struct SessionRecord {
  std::string id_hash;  // hex SHA-256 of the session token (the key)
  int64_t account_id = 0;
  std::string csrf;  // the session's CSRF token
  long long created_at = 0;
  long long last_seen = 0;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Adds an account (record.id is ignored) and returns its new id.
  // kConflict when an account with that email (ignoring ASCII case) exists.
  virtual Result<int64_t> AddAccount(const AccountRecord& record) = 0;
  // The account with that email (ignoring ASCII case); kNotFound when none.
  virtual Result<AccountRecord> FindAccount(const std::string& email) = 0;
  // The account with that id; kNotFound when none.
  virtual Result<AccountRecord> GetAccount(int64_t id) = 0;
  // Every account, by id.
  virtual Result<std::vector<AccountRecord>> ListAccounts() = 0;
  // Writes every field but id, email and created_at of the account with
  // record.id. kNotFound when there is none.
  virtual Status UpdateAccount(const AccountRecord& record) = 0;

  // Adds a session; kConflict when its id_hash exists, kNotFound when its
  // account does not.
  virtual Status AddSession(const SessionRecord& session) = 0;
  // The session with that id hash; kNotFound when none.
  virtual Result<SessionRecord> FindSession(const std::string& id_hash) = 0;
  // Sets its last_seen; kNotFound when there is no such session.
  virtual Status TouchSession(const std::string& id_hash, long long last_seen) = 0;
  // Removes one session (Ok also when there was none).
  virtual Status DeleteSession(const std::string& id_hash) = 0;
  // Removes every session of an account (Ok also when it had none).
  virtual Status DeleteAccountSessions(int64_t account_id) = 0;
  // Removes the sessions last seen before `seen_before` or created before
  // `created_before`; returns how many.
  virtual Result<int64_t> DeleteExpiredSessions(long long seen_before, long long created_before) = 0;
};

}  // namespace vetted::store
