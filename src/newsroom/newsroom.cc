#include "newsroom/newsroom.h"

namespace vetted::newsroom {

std::string_view RoleName(Role role) {
  switch (role) {
    case kWriter:
      return "writer";
    case kReviewer:
      return "reviewer";
    case kEditor:
      return "editor";
    case kAdmin:
      return "admin";
  }
  return "";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {kWriter, kReviewer, kEditor, kAdmin})
    if (RoleName(r) == name) return r;
  return std::nullopt;
}

std::string RoleList(uint8_t roles) {
  std::string out;
  for (Role r : {kWriter, kReviewer, kEditor, kAdmin}) {
    if (!(roles & r)) continue;
    if (!out.empty()) out += ", ";
    out += RoleName(r);
  }
  return out;
}

}  // namespace vetted::newsroom
