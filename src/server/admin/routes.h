// Internal to server/: the admin group, the newsroom's pages and API under
// /admin/ (docs/newsroom-admin.md). This part: sign-in and the session.
//
//   GET  /admin/login         the sign-in form (email, password; public)
//   POST /admin/login         signs in: 303 to /admin/ (or /admin/password
//                             when the password must be changed); 401 with
//                             the form for a wrong email or password; 429
//                             with Retry-After when throttled; 403 cross-site
//   POST /admin/logout        ends the session server-side; 303 to the form
//   GET  /admin/password      the change-password form (any signed-in account)
//   POST /admin/password      changes it: 303 to /admin/; 400 with the reason
//   GET  /admin/two-factor    two-step sign-in (TOTP) set-up: a new secret as
//                             a QR code (inline SVG) and as text, and a form
//   POST /admin/two-factor    turns it on once the code matches; 400 otherwise
//   (GET /admin/, the account's home, is the desk's: desk_routes.h)
//   GET  /admin/api/session   {"csrf", "email", "roles", "person"}; 401 JSON
//                             when not signed in
//   GET  /admin/api/accounts  (admins) every account: email, roles, person,
//                             disabled, must_change_password, created_at
//   GET  /admin/admin.css     the admin stylesheet (public)
//
// The gate (Router::SetGate) in front of every newsroom route, this group's
// and the workflow's: the session cookie -> req.actor and req.csrf; not
// signed in, expired or disabled -> 401 JSON under /admin/api/, else 303 to
// /admin/login; a password to change first -> 403 JSON / 303 to
// /admin/password; likewise a second factor to set up first
// (AppOptions::require_totp) -> /admin/two-factor; a missing role -> 403
// naming it; POST, PUT, PATCH and DELETE also need the same origin
// (newsroom::SameOrigin) and the session's CSRF token (header X-CSRF-Token or
// form field csrf) -> 403 otherwise. Every answer is no-store with the strict
// CSP (no inline script) and frame-ancestors 'none' / X-Frame-Options DENY.
#pragma once

#include <string>
#include <string_view>

#include "model/status.h"
#include "server/app_internal.h"
#include "server/router.h"

namespace vetted::server {

// Adds the routes above and sets the router's gate; adds nothing when the
// store keeps no accounts (newsroom routes then stay refused, 403).
Status AddAdminRoutes(Router& router, App::Impl& app);

// The cookie's name: "__Host-vetted-session" when secure, else "vetted-session".
std::string_view SessionCookieName(bool secure);
// The value of cookie `name` in a Cookie header ("a=1; b=2"); "" when absent.
std::string CookieValue(std::string_view header, std::string_view name);

}  // namespace vetted::server
