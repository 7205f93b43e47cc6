// Internal to server/admin/: what the admin group's files share.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "newsroom/newsroom.h"
#include "server/admin/routes.h"

namespace vetted::server::admin {

// The group's state, shared by its handlers and the gate; lives as long as
// the router holding them.
struct State {
  std::unique_ptr<newsroom::Accounts> accounts;
  bool secure = false;      // AppOptions::secure_cookies
  std::string cookie_name;  // SessionCookieName(secure)
  // The site's people as (id, name), for the accounts pages' suggestions.
  std::function<std::vector<std::pair<std::string, std::string>>()> people;
};

// The accounts pages, /admin/accounts... (accounts_pages.cc), admins only.
Status AddAccountsPages(Router& router, const std::shared_ptr<State>& state);

// The gate in front of every newsroom route (routes.h).
std::optional<Response> Gate(State& state, Request& req, const Route& route);

// Set-Cookie values: the session cookie, and one that clears it.
std::string SessionCookie(const State& state, std::string_view token);
std::string ClearedSessionCookie(const State& state);

// True for POST, PUT, PATCH, DELETE.
bool ChangesState(std::string_view method);

// A whole admin page: the shared head (admin.css), a bar naming the
// signed-in account with a sign-out button (when `actor` is someone), and
// `main_html` inside <main>. `csrf` goes into the sign-out form. Links are
// relative (so that a site served under a base path works): `up` leads from
// the page's folder to /admin/ ("" for /admin/x, "../" for /admin/a/x).
std::string Page(std::string_view title, const newsroom::Actor& actor, std::string_view csrf,
                 std::string_view main_html, std::string_view up = "");
// <p class="admin-alert" role="alert">text</p>, escaped; "" for "".
std::string Alert(std::string_view text);
// Page()'s `up` for a page at `path`: "" for /admin/x, "../" for /admin/a/x, ...
std::string UpToAdmin(std::string_view path);
// A refusal as an admin page (HTML, its links relative to the request's
// folder) or, under /admin/api/, as JSON {"error": ...}.
Response Refuse(const Request& req, int status, std::string_view message, std::string_view route);

// Two-step sign-in (two_factor.cc): GET and POST /admin/two-factor, and a
// QR code of `text` as an inline SVG image ("" when it cannot be encoded).
Response TwoFactorPage(State& state, const Request& req);
Response PostTwoFactor(State& state, const Request& req);
std::string QrSvg(std::string_view text);

// The admin stylesheet (style.cc).
std::string_view Stylesheet();

}  // namespace vetted::server::admin
