// The admin group's gate: session, password change, role, origin and CSRF
// checks in front of every newsroom route (routes.h).
#include "server/admin/internal.h"
#include "server/multipart.h"

namespace vetted::server::admin {
namespace {

bool IsApi(const Request& req) {
  return util::StartsWith(req.Path(), "/admin/api/");
}

// Routes an account that must change its password may still reach.
bool AllowedBeforePasswordChange(std::string_view path) {
  return path == "/admin/password" || path == "/admin/logout" || path == "/admin/api/session";
}
bool AllowedBeforeTotpSetUp(std::string_view path) {
  return AllowedBeforePasswordChange(path) || path == "/admin/two-factor";
}

// The CSRF token a request carries: the X-CSRF-Token header, else a form's
// csrf field (urlencoded or multipart/form-data).
std::string GivenCsrf(const Request& req) {
  std::string_view header = req.Header("X-CSRF-Token");
  if (!header.empty()) return std::string(header);
  if (util::StartsWith(util::ToLower(req.Header("Content-Type")), "application/x-www-form-urlencoded"))
    return QueryValue(req.body, "csrf");
  if (IsMultipartForm(req.Header("Content-Type"))) {  // file uploads (the library)
    Result<std::vector<FormPart>> parts = ParseMultipart(req.Header("Content-Type"), req.body);
    const FormPart* csrf = parts.ok() ? FindPart(*parts, "csrf") : nullptr;
    return csrf != nullptr ? std::string(csrf->body) : "";
  }
  return "";
}

Response NotSignedIn(const State& state, const Request& req, bool had_cookie) {
  Response res = IsApi(req) ? JsonError(401,
                                        "Not signed in, or the session has ended: sign in at /admin/login "
                                        "and send the session cookie.",
                                        "admin_unauthorized")
                            : Redirect(303, "/admin/login", "admin_unauthorized");
  if (had_cookie) res.headers.emplace_back("Set-Cookie", ClearedSessionCookie(state));
  return res;
}

}  // namespace

bool ChangesState(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::optional<Response> Gate(State& state, Request& req, const Route& route) {
  std::string token = CookieValue(req.Header("Cookie"), state.cookie_name);
  if (token.empty()) return NotSignedIn(state, req, false);
  Result<newsroom::Session> session = state.accounts->Resolve(token);
  if (!session.ok()) {
    if (session.status().code() != Code::kNotFound)
      return Refuse(req, 500, "The account store failed: " + session.status().message(), "admin_error");
    return NotSignedIn(state, req, true);
  }
  if (ChangesState(req.method)) {
    if (!newsroom::SameOrigin(req.Header("Origin"), req.Header("Sec-Fetch-Site"), req.Header("Host"),
                              state.secure))
      return Refuse(req, 403,
                    "Refused: this request came from another site (its Origin or Sec-Fetch-Site says so). "
                    "Changes are accepted only from the newsroom's own pages.",
                    "admin_cross_site");
    if (!newsroom::CsrfMatches(session->csrf, GivenCsrf(req)))
      return Refuse(req, 403,
                    "Refused: the request lacks this session's CSRF token (form field csrf or header "
                    "X-CSRF-Token; GET /admin/api/session gives it). Reload the page and try again.",
                    "admin_csrf");
  }
  if (session->must_change_password && !AllowedBeforePasswordChange(req.Path())) {
    if (IsApi(req))
      return JsonError(403, "Change your password first (/admin/password).", "admin_password_change");
    return Redirect(303, "/admin/password", "admin_password_change");
  }
  if (session->must_set_up_totp && !session->must_change_password && !AllowedBeforeTotpSetUp(req.Path())) {
    if (IsApi(req))
      return JsonError(403, "Set up two-step sign-in first (/admin/two-factor).", "admin_two_factor");
    return Redirect(303, "/admin/two-factor", "admin_two_factor");
  }
  uint8_t needed = RolesNeeded(route);
  if (needed != 0 && (session->roles & needed) == 0) {
    std::string have = session->roles ? newsroom::RoleList(session->roles) : "none";
    return Refuse(req, 403,
                  "Forbidden: this needs the role " + newsroom::RoleList(needed) + " (any one of them); " +
                      session->email + " has: " + have + ". An admin can add a role.",
                  "admin_forbidden");
  }
  req.actor = newsroom::ActorOf(*session);
  req.csrf = session->csrf;
  return std::nullopt;
}

}  // namespace vetted::server::admin
