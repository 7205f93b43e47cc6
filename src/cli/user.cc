// `vetted user add|list|disable`: the newsroom's accounts (newsroom/accounts.h).
#include <cstdio>
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
        std::fprintf(stderr, "vetted user add: unknown role \"%s\"%s The roles are: %s.\n", name.c_str(),
                     hint.empty() ? "." : ("; did you mean \"" + hint + "\"?").c_str(), kRoleNames);
        return std::nullopt;
      }
      roles |= *role;
    }
  }
  if (roles == 0) {
    std::fprintf(stderr, "vetted user add: give at least one --role (%s).\n", kRoleNames);
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

int RunUserDisable(const UserArgs& args) {
  std::unique_ptr<store::Store> holder;
  store::AccountStore* accounts = ExistingAccounts("user disable", args.db, holder);
  if (accounts == nullptr) return 1;
  newsroom::AccountsOptions options;
  options.audit = holder->Workflow();  // the account's disabling is on record
  newsroom::Accounts service(*accounts, options);
  if (Status s = service.Disable(args.email); !s.ok()) {
    std::fprintf(stderr, "vetted user disable: %s\n", s.message().c_str());
    return 1;
  }
  std::printf("Disabled %s: it can no longer sign in, and its sessions have ended.\n", args.email.c_str());
  return 0;
}

}  // namespace

int RunUser(const UserArgs& args) {
  if (args.action == "add") return RunUserAdd(args);
  if (args.action == "list") return RunUserList(args);
  if (args.action == "disable") return RunUserDisable(args);
  return 2;
}

}  // namespace vetted::cli
