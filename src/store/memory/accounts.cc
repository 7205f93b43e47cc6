// The memory backend's accounts and sessions (store/accounts.h).
#include <mutex>

#include "store/memory/internal.h"

namespace vetted::store::memory {

Result<int64_t> MemoryAccounts::AddAccount(const AccountRecord& record) {
  std::unique_lock lock(d_.mu);
  std::string key = util::ToLower(record.email);
  if (d_.by_email.count(key)) return Status::Error(Code::kConflict, "accounts: " + record.email + " exists");
  AccountRecord row = record;
  row.id = d_.next_id++;
  d_.accounts[row.id] = row;
  d_.by_email[key] = row.id;
  return row.id;
}

Result<AccountRecord> MemoryAccounts::FindAccount(const std::string& email) {
  std::shared_lock lock(d_.mu);
  auto it = d_.by_email.find(util::ToLower(email));
  if (it == d_.by_email.end()) return Status::NotFound("accounts: no account " + email);
  return d_.accounts.at(it->second);
}

Result<AccountRecord> MemoryAccounts::GetAccount(int64_t id) {
  std::shared_lock lock(d_.mu);
  auto it = d_.accounts.find(id);
  if (it == d_.accounts.end()) return Status::NotFound("accounts: no account " + std::to_string(id));
  return it->second;
}

Result<std::vector<AccountRecord>> MemoryAccounts::ListAccounts() {
  std::shared_lock lock(d_.mu);
  std::vector<AccountRecord> out;
  for (const auto& [id, row] : d_.accounts) out.push_back(row);
  return out;
}

Status MemoryAccounts::UpdateAccount(const AccountRecord& record) {
  std::unique_lock lock(d_.mu);
  auto it = d_.accounts.find(record.id);
  if (it == d_.accounts.end()) return Status::NotFound("accounts: no account " + std::to_string(record.id));
  AccountRecord& row = it->second;
  row.roles = record.roles;
  row.person_id = record.person_id;
  row.disabled = record.disabled;
  row.password_hash = record.password_hash;
  row.must_change_password = record.must_change_password;
  row.totp_secret = record.totp_secret;
  return Status::Ok();
}

Status MemoryAccounts::AddSession(const SessionRecord& session) {
  std::unique_lock lock(d_.mu);
  if (!d_.accounts.count(session.account_id))
    return Status::NotFound("accounts: no account " + std::to_string(session.account_id));
  if (!d_.sessions.emplace(session.id_hash, session).second)
    return Status::Error(Code::kConflict, "accounts: session exists");
  return Status::Ok();
}

Result<SessionRecord> MemoryAccounts::FindSession(const std::string& id_hash) {
  std::shared_lock lock(d_.mu);
  auto it = d_.sessions.find(id_hash);
  if (it == d_.sessions.end()) return Status::NotFound("accounts: no such session");
  return it->second;
}

Status MemoryAccounts::TouchSession(const std::string& id_hash, long long last_seen) {
  std::unique_lock lock(d_.mu);
  auto it = d_.sessions.find(id_hash);
  if (it == d_.sessions.end()) return Status::NotFound("accounts: no such session");
  it->second.last_seen = last_seen;
  return Status::Ok();
}

Status MemoryAccounts::DeleteSession(const std::string& id_hash) {
  std::unique_lock lock(d_.mu);
  d_.sessions.erase(id_hash);
  return Status::Ok();
}

Status MemoryAccounts::DeleteAccountSessions(int64_t account_id) {
  std::unique_lock lock(d_.mu);
  std::erase_if(d_.sessions, [&](const auto& kv) { return kv.second.account_id == account_id; });
  return Status::Ok();
}

Result<int64_t> MemoryAccounts::DeleteExpiredSessions(long long seen_before, long long created_before) {
  std::unique_lock lock(d_.mu);
  return static_cast<int64_t>(std::erase_if(d_.sessions, [&](const auto& kv) {
    return kv.second.last_seen < seen_before || kv.second.created_at < created_before;
  }));
}

}  // namespace vetted::store::memory
