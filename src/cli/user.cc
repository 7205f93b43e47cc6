// `vetted user add|list|disable|enable|role|link|reset-2fa|reset-password`: the newsroom's
// accounts (newsroom/accounts.h). Every rule is the service's.
#include <cstdio>
#include <functional>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/store_open.h"
#include "newsroom/newsroom.h"
#include "store/open.h"
#include "util/util.h"

namespace vetted::cli {
namespace {

constexpr const char* kRoleNames = "writer, reviewer, editor, admin";

// The role bits of every --role value (each may hold several, comma-separated);
// prints the problem and returns nullopt for an unknown name.
std::optional<uint8_t> ParseRoles(const std::vector<std::string>& values) {
  uint8_t roles = 0;
  for (const std::string& value : values) {
    for (std::string_view part : util::Split(value, ',')) {
      std::string name = util::ToLower(util::Trim(part));
      if (name.empty()) continue;
      std::optional<newsroom::Role> role = newsroom::ParseRole(name);
      if (name == "medical-reviewer" || name == "medical_reviewer") role = newsroom::kReviewer;
      if (!role) {
        std::string hint = util::ClosestMatch(name, {"writer", "reviewer", "editor", "admin"});
        std::fprintf(stderr, "vetted user: unknown role \"%s\"%s The roles are: %s.\n", name.c_str(),
                     hint.empty() ? "." : ("; did you mean \"" + hint + "\"?").c_str(), kRoleNames);
        return std::nullopt;
      }
      roles |= *role;
    }
  }
  if (roles == 0) {
    std::fprintf(stderr, "vetted user: give at least one --role (%s).\n", kRoleNames);
    return std::nullopt;
  }
  return roles;
}

// One line from standard input without its line ending.
std::string ReadPasswordLine() {
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

int RunUserAdd(const UserArgs& args) {
  std::optional<uint8_t> roles = ParseRoles(args.roles);
  if (!roles) return 2;
  std::optional<std::string> password;
  if (args.password_stdin) password = ReadPasswordLine();
  // Accounts may be made before the first import: the database is created when missing.
  Result<std::unique_ptr<store::Store>> store = store::Open(args.db);
  if (!store.ok()) {
    std::fprintf(stderr, "vetted user add: %s\n", store.status().message().c_str());
    return 1;
  }
  store::AccountStore* accounts = (*store)->Accounts();
  if (accounts == nullptr) {
    std::fprintf(stderr, "vetted user add: the store at %s keeps no accounts\n", args.db.c_str());
    return 1;
  }
  newsroom::AccountsOptions options;
  options.audit = (*store)->Workflow();  // the account's creation is on record
  newsroom::Accounts service(*accounts, options);
  Result<newsroom::Accounts::Added> added = service.Add(args.email, *roles, args.person, password);
  if (!added.ok()) {
    bool weak = password && !newsroom::PasswordProblem(*password).empty();
    std::fprintf(stderr, "vetted user add: %s%s\n", weak ? "weak password: " : "",
                 added.status().message().c_str());
    return 1;
  }
  std::printf("Added %s (%s).\n", added->record.email.c_str(), newsroom::RoleList(*roles).c_str());
  if (!added->one_time_password.empty())
    std::printf("One-time password (shown once; it must be changed at the first sign-in): %s\n",
                added->one_time_password.c_str());
  return 0;
}

// The account store of an existing database, or null after saying why.
store::AccountStore* ExistingAccounts(const char* command, const std::string& db,
                                      std::unique_ptr<store::Store>& holder) {
  holder = OpenExistingOrSay(command, db);
  if (!holder) return nullptr;
  if (holder->Accounts() == nullptr)
    std::fprintf(stderr, "vetted %s: the store at %s keeps no accounts\n", command, db.c_str());
  return holder->Accounts();
}

int RunUserList(const UserArgs& args) {
  std::unique_ptr<store::Store> holder;
  store::AccountStore* accounts = ExistingAccounts("user list", args.db, holder);
  if (accounts == nullptr) return 1;
  Result<std::vector<store::AccountRecord>> all = accounts->ListAccounts();
  if (!all.ok()) {
    std::fprintf(stderr, "vetted user list: %s\n", all.status().message().c_str());
    return 1;
  }
  if (all->empty()) {
    std::printf("No accounts yet: `vetted user add EMAIL --role ROLE --db %s` makes one.\n", args.db.c_str());
    return 0;
  }
  size_t width = 5;
  for (const auto& a : *all) width = std::max(width, a.email.size());
  std::printf("%-*s  %-26s  %-12s  %-10s  %s\n", static_cast<int>(width), "email", "roles", "person",
              "created", "status");
  for (const auto& a : *all) {
    std::string status = a.disabled ? "disabled" : a.must_change_password ? "must change password" : "active";
    if (!a.totp_secret.empty()) status += ", two-factor";
    std::printf("%-*s  %-26s  %-12s  %-10s  %s\n", static_cast<int>(width), a.email.c_str(),
                newsroom::RoleList(a.roles).c_str(), a.person_id.empty() ? "-" : a.person_id.c_str(),
                util::FormatIsoDate(a.created_at).c_str(), status.c_str());
  }
  return 0;
}

// The person ids of the site's people (people/ID.md) in the store's published files.
bool KnownPerson(store::Store& store, const std::string& id) {
  Result<store::Snapshot> snapshot = store.Load();
  if (!snapshot.ok()) return false;
  for (const store::SourceFile& f : snapshot->files)
    if (f.path == "people/" + id + ".md") return true;
  return false;
}

// Runs one change to the account with args.email through the service; prints
// `done` (with the email) or the refusal.
int ChangeUser(const UserArgs& args, const std::function<Status(newsroom::Accounts&, int64_t id)>& change,
               const std::string& done) {
  const std::string command = "user " + args.action;
  std::unique_ptr<store::Store> holder;
  store::AccountStore* accounts = ExistingAccounts(command.c_str(), args.db, holder);
  if (accounts == nullptr) return 1;
  newsroom::AccountsOptions options;
  options.audit = holder->Workflow();  // every change is on record
  store::Store* store = holder.get();
  options.person_exists = [store](const std::string& id) { return KnownPerson(*store, id); };
  newsroom::Accounts service(*accounts, options);
  Result<store::AccountRecord> account = service.Find(args.email);
  Status s = account.ok() ? change(service, account->id) : account.status();
  if (!s.ok()) {
    std::fprintf(stderr, "vetted %s: %s\n", command.c_str(), s.message().c_str());
    return 1;
  }
  std::printf("%s: %s\n", account->email.c_str(), done.c_str());
  return 0;
}

int RunUserDisable(const UserArgs& args) {
  return ChangeUser(
      args, [](newsroom::Accounts& a, int64_t id) { return a.SetDisabled(0, id, true); },
      "disabled; it can no longer sign in, and its sessions have ended.");
}

int RunUserEnable(const UserArgs& args) {
  return ChangeUser(
      args, [](newsroom::Accounts& a, int64_t id) { return a.SetDisabled(0, id, false); },
      "enabled; it can sign in again with its password.");
}

int RunUserRole(const UserArgs& args) {
  std::optional<uint8_t> roles = ParseRoles(args.roles);
  if (!roles) return 2;
  return ChangeUser(
      args, [roles](newsroom::Accounts& a, int64_t id) { return a.SetRoles(0, id, *roles); },
      "roles now " + newsroom::RoleList(*roles) + ".");
}

int RunUserLink(const UserArgs& args) {
  return ChangeUser(
      args, [&args](newsroom::Accounts& a, int64_t id) { return a.LinkPerson(0, id, args.person); },
      args.person.empty() ? "linked to no person profile."
                          : "linked to the person profile " + args.person + ".");
}

int RunUserResetTotp(const UserArgs& args) {
  return ChangeUser(
      args, [](newsroom::Accounts& a, int64_t id) { return a.ResetTotp(0, id); },
      "two-step sign-in is off; it signs in with its password and can set it up again. Its sessions have "
      "ended.");
}

int RunUserResetPassword(const UserArgs& args) {
  std::string password;
  int code = ChangeUser(
      args,
      [&password](newsroom::Accounts& a, int64_t id) {
        Result<std::string> fresh = a.ResetPassword(0, id);
        if (!fresh.ok()) return fresh.status();
        password = *fresh;
        return Status::Ok();
      },
      "the old password no longer works, and its sessions have ended.");
  if (code == 0)
    std::printf("One-time password (shown once; it must be changed at the next sign-in): %s\n",
                password.c_str());
  return code;
}

}  // namespace

int RunUser(const UserArgs& args) {
  if (args.action == "add") return RunUserAdd(args);
  if (args.action == "list") return RunUserList(args);
  if (args.action == "disable") return RunUserDisable(args);
  if (args.action == "enable") return RunUserEnable(args);
  if (args.action == "role") return RunUserRole(args);
  if (args.action == "link") return RunUserLink(args);
  if (args.action == "reset-2fa") return RunUserResetTotp(args);
  if (args.action == "reset-password") return RunUserResetPassword(args);
  return 2;
}

}  // namespace vetted::cli
