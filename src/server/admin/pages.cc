// The admin group's sign-in and account pages (routes.h).
#include <nlohmann/json.hpp>

#include "server/admin/internal.h"

namespace vetted::server {

std::string_view SessionCookieName(bool secure) {
  return secure ? "__Host-vetted-session" : "vetted-session";
}

std::string CookieValue(std::string_view header, std::string_view name) {
  for (std::string_view part : util::Split(header, ';')) {
    part = util::Trim(part);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
  }
  return "";
}

namespace admin {
namespace {

// The sign-in form's own CSRF cookie (double submit, against login CSRF
// together with the same-origin check).
std::string_view LoginCookieName(bool secure) {
  return secure ? "__Host-vetted-login" : "vetted-login";
}

std::string CookieAttributes(const State& state) {
  return std::string("; Path=/; HttpOnly; SameSite=Lax") + (state.secure ? "; Secure" : "");
}

Response Html(int status, std::string html, std::string_view route) {
  return HtmlResponse(status, std::move(html), route);
}

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

std::string LoginForm(std::string_view csrf, std::string_view email, std::string_view alert) {
  return "<h1>Sign in</h1>\n" + Alert(alert) +
         "<form class=\"admin-form\" method=\"post\" action=\"login\">\n"
         "<input type=\"hidden\" name=\"csrf\" value=\"" +
         Esc(csrf) +
         "\">\n"
         "<label for=\"email\">Email</label>\n"
         "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"" +
         Esc(email) +
         "\">\n"
         "<label for=\"password\">Password</label>\n"
         "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" "
         "required>\n"
         "<label for=\"code\">Code from your authenticator app</label>\n"
         "<input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" "
         "pattern=\"[0-9 ]*\" aria-describedby=\"code-help\">\n"
         "<p id=\"code-help\" class=\"admin-help\">Only if you have turned on two-step sign-in.</p>\n"
         "<button type=\"submit\">Sign in</button>\n</form>\n";
}

// The sign-in page, with a fresh login CSRF token in the form and its cookie.
Response LoginPage(const State& state, int status, std::string_view email, std::string_view alert) {
  std::string csrf = newsroom::RandomHex(16);
  Response res = Html(status, Page("Sign in", {}, "", LoginForm(csrf, email, alert)), "admin_login");
  res.headers.emplace_back("Set-Cookie",
                           std::string(LoginCookieName(state.secure)) + "=" + csrf + CookieAttributes(state));
  return res;
}

Response PostLogin(State& state, const Request& req) {
  if (!newsroom::SameOrigin(req.Header("Origin"), req.Header("Sec-Fetch-Site"), req.Header("Host"),
                            state.secure))
    return LoginPage(state, 403, "", "Sign-in refused: the form was sent from another site.");
  std::string email = QueryValue(req.body, "email");
  std::string password = QueryValue(req.body, "password");
  std::string given = QueryValue(req.body, "csrf");
  std::string expected = CookieValue(req.Header("Cookie"), LoginCookieName(state.secure));
  // The same-origin check above is what stops login CSRF; the form's token,
  // when sent, must still match its cookie (a stale or copied form is refused).
  if (!given.empty() && !newsroom::CsrfMatches(expected, given))
    return LoginPage(state, 403, email, "The sign-in form had expired. Please sign in again.");
  Result<newsroom::SignInResult> result =
      state.accounts->SignIn(email, password, req.client, QueryValue(req.body, "code"));
  if (!result.ok()) return LoginPage(state, 500, email, "Signing in failed: " + result.status().message());
  switch (result->outcome) {
    case newsroom::SignInResult::kWrongPassword:
      return LoginPage(state, 401, email, "The email or the password is not right.");
    case newsroom::SignInResult::kNeedCode:
      return LoginPage(state, 401, email,
                       "This account uses two-step sign-in: enter your password again with the 6-digit code "
                       "from your authenticator app.");
    case newsroom::SignInResult::kWrongCode:
      return LoginPage(state, 401, email,
                       "The code from the authenticator app is not right (or was used already). Enter the "
                       "newest code with your password.");
    case newsroom::SignInResult::kDisabled:
      return LoginPage(state, 403, email, "This account is disabled. An admin can enable it again.");
    case newsroom::SignInResult::kThrottled: {
      long long minutes = (result->retry_after + 59) / 60;
      Response res = LoginPage(state, 429, email,
                               "Too many failed sign-ins from here or for this account. Try again in " +
                                   std::to_string(minutes) + (minutes == 1 ? " minute." : " minutes."));
      res.headers.emplace_back("Retry-After", std::to_string(result->retry_after));
      return res;
    }
    case newsroom::SignInResult::kOk:
      break;
  }
  // A session the browser still held ends: every sign-in gets a new id.
  std::string old = CookieValue(req.Header("Cookie"), state.cookie_name);
  if (!old.empty()) (void)state.accounts->SignOut(old);
  const newsroom::Session& s = result->session;
  std::string next = s.must_change_password ? "/admin/password"
                     : s.must_set_up_totp   ? "/admin/two-factor"
                                            : "/admin/";
  Response res = Redirect(303, next, "admin_login");
  res.headers.emplace_back("Set-Cookie", SessionCookie(state, s.token));
  res.headers.emplace_back(
      "Set-Cookie", std::string(LoginCookieName(state.secure)) + "=; Max-Age=0" + CookieAttributes(state));
  return res;
}

Response PostLogout(State& state, const Request& req) {
  std::string token = CookieValue(req.Header("Cookie"), state.cookie_name);
  if (Status s = state.accounts->SignOut(token); !s.ok())
    return Refuse(req, 500, "Signing out failed: " + s.message(), "admin_error");
  Response res = Redirect(303, "/admin/login", "admin_logout");
  res.headers.emplace_back("Set-Cookie", ClearedSessionCookie(state));
  return res;
}

std::string PasswordForm(const Request& req, std::string_view alert, bool must_change) {
  std::string note = must_change
                         ? "<p>Choose your own password before you go on: the one you were given works "
                           "only once.</p>\n"
                         : "";
  return "<h1>Change your password</h1>\n" + note + Alert(alert) +
         "<form class=\"admin-form\" method=\"post\" action=\"password\">\n"
         "<input type=\"hidden\" name=\"csrf\" value=\"" +
         Esc(req.csrf) +
         "\">\n"
         "<input type=\"hidden\" name=\"username\" autocomplete=\"username\" value=\"" +
         Esc(req.actor.email) +
         "\">\n"
         "<label for=\"current\">Current password</label>\n"
         "<input id=\"current\" name=\"current\" type=\"password\" autocomplete=\"current-password\" "
         "required>\n"
         "<label for=\"new\">New password</label>\n"
         "<input id=\"new\" name=\"new\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" "
         "maxlength=\"128\" required aria-describedby=\"new-help\">\n"
         "<p id=\"new-help\" class=\"admin-help\">8 to 128 characters; not one of the common passwords. A "
         "few "
         "unrelated words make a good one.</p>\n"
         "<label for=\"confirm\">New password again</label>\n"
         "<input id=\"confirm\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required>\n"
         "<button type=\"submit\">Change password</button>\n</form>\n";
}

bool MustChange(State& state, const Request& req) {
  Result<newsroom::Session> s = state.accounts->Resolve(CookieValue(req.Header("Cookie"), state.cookie_name));
  return s.ok() && s->must_change_password;
}

Response PostPassword(State& state, const Request& req) {
  std::string current = QueryValue(req.body, "current");
  std::string next = QueryValue(req.body, "new");
  auto again = [&](std::string_view alert) {
    return Html(
        400,
        Page("Change your password", req.actor, req.csrf, PasswordForm(req, alert, MustChange(state, req))),
        "admin_password");
  };
  if (next != QueryValue(req.body, "confirm")) return again("The two new passwords differ.");
  std::string token = CookieValue(req.Header("Cookie"), state.cookie_name);
  Status s = state.accounts->ChangePassword(req.actor.account_id, current, next, token);
  if (s.code() == Code::kInvalid) return again(s.message());
  if (!s.ok()) return Refuse(req, 500, "Changing the password failed: " + s.message(), "admin_error");
  return Redirect(303, "/admin/", "admin_password");
}

Response SessionJson(const Request& req) {
  nlohmann::ordered_json roles = nlohmann::ordered_json::array();
  for (newsroom::Role r : {newsroom::kWriter, newsroom::kReviewer, newsroom::kEditor, newsroom::kAdmin})
    if (req.actor.Has(r)) roles.push_back(std::string(newsroom::RoleName(r)));
  return JsonResponse(
      200,
      {{"csrf", req.csrf}, {"email", req.actor.email}, {"roles", roles}, {"person", req.actor.person_id}},
      "admin_api_session");
}

// GET /admin/api/accounts (admins): every account, without secrets.
Response AccountsJson(State& state, const Request& req) {
  Result<std::vector<store::AccountRecord>> all = state.accounts->List();
  if (!all.ok()) return JsonError(500, all.status().message(), "admin_api_accounts");
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const store::AccountRecord& a : *all) {
    nlohmann::ordered_json roles = nlohmann::ordered_json::array();
    for (newsroom::Role r : {newsroom::kWriter, newsroom::kReviewer, newsroom::kEditor, newsroom::kAdmin})
      if (a.roles & r) roles.push_back(std::string(newsroom::RoleName(r)));
    list.push_back({{"id", a.id},
                    {"email", a.email},
                    {"roles", roles},
                    {"person", a.person_id},
                    {"disabled", a.disabled},
                    {"must_change_password", a.must_change_password},
                    {"created_at", util::FormatIsoUtc(a.created_at)}});
  }
  return JsonResponse(200, {{"accounts", list}}, "admin_api_accounts");
}

}  // namespace

std::string SessionCookie(const State& state, std::string_view token) {
  return state.cookie_name + "=" + std::string(token) + CookieAttributes(state);
}

std::string ClearedSessionCookie(const State& state) {
  return state.cookie_name + "=; Max-Age=0" + CookieAttributes(state);
}

std::string Alert(std::string_view text) {
  if (text.empty()) return "";
  return "<p class=\"admin-alert\" role=\"alert\">" + Esc(text) + "</p>\n";
}

std::string Page(std::string_view title, const newsroom::Actor& actor, std::string_view csrf,
                 std::string_view main_html, std::string_view up) {
  const std::string root = up.empty() ? "./" : std::string(up);
  std::string bar;
  if (actor.account_id != 0) {
    // The newsroom's sections, each shown to the roles that work there.
    struct Link {
      const char* href;
      const char* label;
      uint8_t roles;
    };
    const uint8_t anyone = newsroom::kWriter | newsroom::kReviewer | newsroom::kEditor | newsroom::kAdmin;
    const uint8_t makers = newsroom::kWriter | newsroom::kReviewer | newsroom::kEditor;
    bar = "<nav class=\"admin-nav\" aria-label=\"Newsroom\"><ul>\n";
    for (Link link : {Link{"", "Home", anyone}, Link{"articles", "Articles", anyone},
                      Link{"due", "Review due", anyone}, Link{"feedback", "Feedback", makers},
                      Link{"library", "Library", makers}, Link{"accounts", "Accounts", newsroom::kAdmin}}) {
      if ((actor.roles & link.roles) == 0) continue;
      bar += "<li><a href=\"" + root + link.href + "\">" + link.label + "</a></li>\n";
    }
    bar += "</ul></nav>\n";
    bar += "<p class=\"admin-who\">" + Esc(actor.email) +
           "</p>\n<form class=\"admin-logout\" method=\"post\" action=\"" + std::string(up) +
           "logout\"><input type=\"hidden\" name=\"csrf\" value=\"" + Esc(csrf) +
           "\"><button type=\"submit\">Sign out</button></form>\n";
  }
  return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"referrer\" content=\"same-origin\">\n<title>" +
         Esc(title) + " · vetted newsroom</title>\n<link rel=\"stylesheet\" href=\"" + std::string(up) +
         "admin.css\">\n</head>\n<body class=\"admin\">\n<header class=\"admin-bar\">\n<p "
         "class=\"admin-brand\"><a "
         "href=\"" +
         root + "\">vetted newsroom</a></p>\n" + bar +
         "</header>\n<main id=\"main\" class=\"admin-main\">\n" + std::string(main_html) +
         "</main>\n</body>\n</html>\n";
}

std::string UpToAdmin(std::string_view path) {
  std::string up;
  if (!util::StartsWith(path, "/admin/")) return up;
  for (char c : path.substr(7))
    if (c == '/') up += "../";
  return up;
}

Response Refuse(const Request& req, int status, std::string_view message, std::string_view route) {
  if (util::StartsWith(req.Path(), "/admin/api/")) return JsonError(status, message, route);
  std::string title = status == 403 ? "Not allowed" : "Something went wrong";
  // The refusal answers the request's own URL: its relative links start from that folder.
  return HtmlResponse(
      status,
      Page(title, req.actor, req.csrf, "<h1>" + title + "</h1>\n" + Alert(message), UpToAdmin(req.Path())),
      route);
}

}  // namespace admin

Status AddAdminRoutes(Router& router, App::Impl& app) {
  store::AccountStore* accounts = app.store.Accounts();
  if (accounts == nullptr) return Status::Ok();
  auto state = std::make_shared<admin::State>();
  newsroom::AccountsOptions options;
  options.clock = app.options.clock;
  options.cost = app.options.password_cost;
  options.audit = app.store.Workflow();
  options.limits = app.store.Limits();  // failed sign-ins counted by every node on the database
  if (app.options.require_totp) options.require_totp_roles = newsroom::kEditor | newsroom::kAdmin;
  App::Impl* served = &app;  // outlives the router's routes
  options.person_exists = [served](const std::string& id) {
    std::shared_ptr<const Content> c = served->Current();
    return c != nullptr && c->site.people.count(id) > 0;
  };
  state->accounts = std::make_unique<newsroom::Accounts>(*accounts, options);
  state->secure = app.options.secure_cookies;
  state->cookie_name = std::string(SessionCookieName(state->secure));
  state->people = [served] {
    std::vector<std::pair<std::string, std::string>> out;
    if (std::shared_ptr<const Content> c = served->Current())
      for (const auto& [id, person] : c->site.people) out.emplace_back(id, person.name);
    return out;
  };
  router.SetGate([state](Request& req, const Route& route) { return admin::Gate(*state, req, route); });
  constexpr size_t kFormLimit = 4 * 1024;
  using admin::State;
  auto answer = [state](Response (*fn)(State&, const Request&)) {
    return [state, fn](Request&& req, const PathMatch&, Respond respond) { respond(fn(*state, req)); };
  };
  const Route routes[] = {
      {kGet, "/admin", Access::kPublic, kNoBody,
       [](Request&&, const PathMatch&, Respond respond) { respond(Redirect(301, "/admin/", "redirect")); }},
      {kGet, "/admin/login", Access::kPublic, kNoBody, answer([](State& s, const Request& req) {
         if (s.accounts->Resolve(CookieValue(req.Header("Cookie"), s.cookie_name)).ok())
           return Redirect(303, "/admin/", "admin_login");
         return admin::LoginPage(s, 200, "", "");
       })},
      {kPost, "/admin/login", Access::kPublic, kFormLimit, answer(admin::PostLogin)},
      {kPost, "/admin/logout", Access::kSignedIn, kFormLimit, answer(admin::PostLogout)},
      {kGet, "/admin/password", Access::kSignedIn, kNoBody, answer([](State& s, const Request& req) {
         return admin::Html(200,
                            admin::Page("Change your password", req.actor, req.csrf,
                                        admin::PasswordForm(req, "", admin::MustChange(s, req))),
                            "admin_password");
       })},
      {kPost, "/admin/password", Access::kSignedIn, kFormLimit, answer(admin::PostPassword)},
      {kGet, "/admin/api/session", Access::kSignedIn, kNoBody,
       answer([](State&, const Request& req) { return admin::SessionJson(req); })},
      {kGet, "/admin/two-factor", Access::kSignedIn, kNoBody, answer(admin::TwoFactorPage)},
      {kPost, "/admin/two-factor", Access::kSignedIn, kFormLimit, answer(admin::PostTwoFactor)},
      {kGet, "/admin/api/accounts", Access::kAdmin, kNoBody, answer(admin::AccountsJson)},
      {kGet, "/admin/admin.css", Access::kPublic, kNoBody,
       [](Request&&, const PathMatch&, Respond respond) {
         Response res;
         res.body = std::string(admin::Stylesheet());
         res.headers = {{"Content-Type", "text/css; charset=utf-8"},
                        {"Content-Length", std::to_string(res.body.size())},
                        {"Cache-Control", "no-store"}};
         AddSecurityHeaders(res.headers);
         res.route = "admin_css";
         respond(std::move(res));
       }},
  };
  for (const Route& r : routes)
    if (Status s = router.Add(r); !s.ok()) return s;
  return admin::AddAccountsPages(router, state);
}

}  // namespace vetted::server
