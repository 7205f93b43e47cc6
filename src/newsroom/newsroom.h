// newsroom/: the people who make the content, and the rules of their work
// (../shared/newsroom.md): accounts, sign-in and sessions (accounts.h), and
// the article workflow: revisions, review, approval, publication and the
// audit record (workflow.h). Every rule is a function here with a table
// test; the server's admin routes (server/admin/) only call them.
//
// Errors are values (Status/Result). Thread safety: see each part's header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace vetted::newsroom {

// The roles of the newsroom, as bits: an account may hold several.
enum Role : uint8_t {
  kWriter = 1 << 0,
  kReviewer = 1 << 1,  // a medical reviewer
  kEditor = 1 << 2,
  kAdmin = 1 << 3,
};

// "writer", "reviewer", "editor", "admin" (the CLI's and the API's names).
std::string_view RoleName(Role role);
// The role of a name above; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);
// "writer, editor" for a set of role bits, in the order above.
std::string RoleList(uint8_t roles);

// Who is acting: a signed-in account (the server resolves it from the
// session) or, for the CLI, the operator.
struct Actor {
  int64_t account_id = 0;
  std::string email;
  std::string person_id;  // the person profile the account is linked to ("" = none)
  uint8_t roles = 0;      // Role bits
  bool Has(Role role) const { return (roles & role) != 0; }
};

}  // namespace vetted::newsroom

#include "newsroom/accounts.h"
#include "newsroom/articles.h"
#include "newsroom/desk.h"
#include "newsroom/library.h"
#include "newsroom/previews.h"
#include "newsroom/workflow.h"
