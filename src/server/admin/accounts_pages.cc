// The accounts pages (admins only; docs/newsroom-admin.md):
//
//   GET  /admin/accounts                       every account, and the add form
//   POST /admin/accounts                       adds one: 201 with its one-time
//                                              password, shown on this answer only
//   GET  /admin/accounts/{account}             one account, with its forms
//   POST /admin/accounts/{account}/roles       sets its roles (field roles, repeated)
//   POST /admin/accounts/{account}/person      links a person profile (field person)
//   POST /admin/accounts/{account}/disable     disables it; its sessions end at once
//   POST /admin/accounts/{account}/enable      enables it again
//   POST /admin/accounts/{account}/reset-2fa   turns its two-step sign-in off
//   POST /admin/accounts/{account}/reset-password  a new one-time password,
//                                              shown on this answer only (200)
//
// Handlers only parse the form and call newsroom::Accounts, which keeps every
// rule (the last enabled admin, known people) and records each change in the
// audit log. Success: 303 back to the account's page with ?done=WHAT, which
// shows a fixed confirmation; a refusal: the page again with the status and
// the reason.
#include <string>
#include <unordered_map>
#include <vector>

#include "server/admin/internal.h"

namespace vetted::server::admin {
namespace {

constexpr size_t kFormLimit = 4 * 1024;

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

struct RoleChoice {
  newsroom::Role role;
  const char* value;
  const char* label;
};
constexpr RoleChoice kRoleChoices[] = {{newsroom::kWriter, "writer", "Writer"},
                                       {newsroom::kReviewer, "reviewer", "Medical reviewer"},
                                       {newsroom::kEditor, "editor", "Editor"},
                                       {newsroom::kAdmin, "admin", "Admin"}};

std::string RoleWords(uint8_t roles) {
  std::string out;
  for (const RoleChoice& c : kRoleChoices)
    if (roles & c.role) out += (out.empty() ? "" : ", ") + std::string(c.label);
  return out.empty() ? "none" : out;
}

// The role bits of a form's `roles` fields; nullopt for a value that is no role.
std::optional<uint8_t> FormRoles(std::string_view body) {
  uint8_t roles = 0;
  for (const auto& [name, value] : ParseQuery(body)) {
    if (name != "roles") continue;
    std::optional<newsroom::Role> role = newsroom::ParseRole(value);
    if (!role) return std::nullopt;
    roles |= *role;
  }
  return roles;
}

std::string CsrfField(const Request& req) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Esc(req.csrf) + "\">\n";
}

// The role checkboxes, ids prefixed by `prefix`, `roles` ticked.
std::string RoleBoxes(std::string_view prefix, uint8_t roles) {
  std::string out = "<fieldset class=\"admin-roles\">\n<legend>Roles</legend>\n";
  for (const RoleChoice& c : kRoleChoices) {
    std::string id = std::string(prefix) + "-" + c.value;
    out += "<div class=\"admin-check\"><input type=\"checkbox\" id=\"" + id + "\" name=\"roles\" value=\"" +
           c.value + "\"" + ((roles & c.role) ? " checked" : "") + "><label for=\"" + id + "\">" + c.label +
           "</label></div>\n";
  }
  return out + "</fieldset>\n";
}

// The person field with the site's people as suggestions.
std::string PersonField(const State& state, std::string_view value) {
  std::string out =
      "<label for=\"person\">Person profile (optional)</label>\n"
      "<input id=\"person\" name=\"person\" list=\"people\" autocomplete=\"off\" value=\"" +
      Esc(value) +
      "\" aria-describedby=\"person-help\">\n"
      "<p id=\"person-help\" class=\"admin-help\">The id of one of the site's people (the file name in "
      "people/ without .md). A medical reviewer must be linked to approve; a writer's drafts are signed with "
      "it.</p>\n<datalist id=\"people\">\n";
  if (state.people)
    for (const auto& [id, name] : state.people())
      out += "<option value=\"" + Esc(id) + "\">" + Esc(name) + "</option>\n";
  return out + "</datalist>\n";
}

std::string Note(std::string_view text) {
  return text.empty() ? "" : "<p class=\"admin-note\" role=\"status\">" + Esc(text) + "</p>\n";
}

// The confirmation a ?done= value stands for (fixed texts: nothing from the URL is shown).
std::string DoneText(std::string_view done) {
  if (done == "roles") return "Roles saved. They apply from the account's next request.";
  if (done == "person") return "Person profile saved.";
  if (done == "disable") return "Account disabled. Its sessions have ended; it can no longer sign in.";
  if (done == "enable") return "Account enabled. It can sign in again with its password.";
  if (done == "reset-2fa")
    return "Two-step sign-in reset. The account signs in with its password alone and can set it up again.";
  return "";
}

int HttpStatus(const Status& s) {
  switch (s.code()) {
    case Code::kInvalid:
      return 400;
    case Code::kForbidden:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kConflict:
      return 409;
    case Code::kExhausted:  // the disk is full; the router adds Retry-After
      return 503;
    default:
      return 500;
  }
}

// The one-time password, shown on this answer only.
std::string OneTimePasswordHtml(const std::string& email, const std::string& password) {
  return "<section class=\"admin-otp\" aria-labelledby=\"otp\">\n<h2 id=\"otp\">One-time password</h2>\n"
         "<p><code class=\"admin-key\">" +
         Esc(password) + "</code></p>\n<p>This is the only time it is shown: copy it now and give it to " +
         Esc(email) +
         " by a safe way (in person or by phone, not in the same email as the address). It works for one "
         "sign-in, which asks for a new password at once.</p>\n</section>\n";
}

// ---- /admin/accounts -----------------------------------------------------------

struct AddForm {
  std::string email, person;
  uint8_t roles = 0;
};

std::string ListHtml(State& state, const Request& req, std::string_view alert, const AddForm& form,
                     std::string_view added_html) {
  std::string html = "<h1>Accounts</h1>\n" + std::string(added_html) + Alert(alert);
  Result<std::vector<store::AccountRecord>> all = state.accounts->List();
  if (!all.ok()) return html + Alert("Reading the accounts failed: " + all.status().message());
  Result<std::unordered_map<int64_t, std::string>> last = state.accounts->LastSignIns();
  html +=
      "<div class=\"admin-scroll\">\n<table class=\"admin-table\">\n<caption>Every account of the "
      "newsroom</caption>\n<thead><tr>"
      "<th scope=\"col\">Email</th><th scope=\"col\">Roles</th><th scope=\"col\">Person</th>"
      "<th scope=\"col\">Status</th><th scope=\"col\">Two-step sign-in</th>"
      "<th scope=\"col\">Last sign-in</th></tr></thead>\n<tbody>\n";
  for (const store::AccountRecord& a : *all) {
    std::string when = "not known";
    if (last.ok()) {
      auto it = last->find(a.id);
      when = it == last->end() ? "never" : it->second;
    }
    std::string status = a.disabled ? "Disabled" : a.must_change_password ? "Must change password" : "Active";
    html += "<tr><th scope=\"row\"><a href=\"accounts/" + std::to_string(a.id) + "\">" + Esc(a.email) +
            "</a></th><td>" + Esc(RoleWords(a.roles)) + "</td><td>" +
            (a.person_id.empty() ? "none" : Esc(a.person_id)) + "</td><td>" + status + "</td><td>" +
            (a.totp_secret.empty() ? "Off" : "On") + "</td><td>" + Esc(when) + "</td></tr>\n";
  }
  html += "</tbody>\n</table>\n</div>\n";
  html +=
      "<h2 id=\"add\">Add an account</h2>\n<p>The new account gets a one-time password, shown once: give it "
      "to its owner, who must choose their own at the first sign-in.</p>\n"
      "<form class=\"admin-form\" method=\"post\" action=\"accounts\" aria-labelledby=\"add\">\n" +
      CsrfField(req) +
      "<label for=\"email\">Email</label>\n"
      "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"off\" required value=\"" +
      Esc(form.email) + "\">\n" + RoleBoxes("add-role", form.roles) + PersonField(state, form.person) +
      "<button type=\"submit\">Add account</button>\n</form>\n";
  return html;
}

Response ListPage(State& state, const Request& req) {
  return HtmlResponse(200, Page("Accounts", req.actor, req.csrf, ListHtml(state, req, "", {}, "")),
                      "admin_accounts");
}

Response PostAdd(State& state, const Request& req) {
  AddForm form;
  form.email = QueryValue(req.body, "email");
  form.person = std::string(util::Trim(QueryValue(req.body, "person")));
  std::optional<uint8_t> roles = FormRoles(req.body);
  auto again = [&](int status, std::string_view reason) {
    return HtmlResponse(status, Page("Accounts", req.actor, req.csrf, ListHtml(state, req, reason, form, "")),
                        "admin_accounts");
  };
  if (!roles) return again(400, "Unknown role: choose among Writer, Medical reviewer, Editor and Admin.");
  form.roles = *roles;
  Result<newsroom::Accounts::Added> added =
      state.accounts->Add(form.email, *roles, form.person, std::nullopt, req.actor.account_id);
  if (!added.ok()) {
    int status = HttpStatus(added.status());
    if (status == 500)
      return Refuse(req, 500, "Adding the account failed: " + added.status().message(), "admin_error");
    return again(status, "The account was not added: " + added.status().message() + ".");
  }
  std::string shown = Note("Added " + added->record.email + " (" + RoleWords(*roles) + ").") +
                      OneTimePasswordHtml(added->record.email, added->one_time_password);
  // 201, not a redirect: the password must not go into a URL or be shown again.
  return HtmlResponse(201, Page("Accounts", req.actor, req.csrf, ListHtml(state, req, "", {}, shown)),
                      "admin_accounts");
}

// ---- /admin/accounts/{account} --------------------------------------------------

std::optional<int64_t> AccountId(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t id = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id > 0 ? std::optional<int64_t>(id) : std::nullopt;
}

std::string AccountHtml(State& state, const Request& req, const store::AccountRecord& a,
                        std::string_view note, std::string_view alert, std::string_view shown) {
  const std::string id = std::to_string(a.id);
  std::string when = "not known";
  Result<std::unordered_map<int64_t, std::string>> last = state.accounts->LastSignIns();
  if (last.ok()) {
    auto it = last->find(a.id);
    when = it == last->end() ? "never" : it->second;
  }
  std::string html = "<p><a href=\"../accounts\">All accounts</a></p>\n<h1>" + Esc(a.email) + "</h1>\n" +
                     Note(note) + std::string(shown) + Alert(alert);
  html += "<dl class=\"admin-facts\">\n<dt>Roles</dt><dd>" + Esc(RoleWords(a.roles)) +
          "</dd>\n<dt>Person profile</dt><dd>" + (a.person_id.empty() ? "none" : Esc(a.person_id)) +
          "</dd>\n<dt>Status</dt><dd>" +
          (a.disabled               ? "Disabled: cannot sign in"
           : a.must_change_password ? "Active; must change the one-time password at the next sign-in"
                                    : "Active") +
          "</dd>\n<dt>Two-step sign-in</dt><dd>" + (a.totp_secret.empty() ? "Off" : "On") +
          "</dd>\n<dt>Last sign-in</dt><dd>" + Esc(when) + "</dd>\n<dt>Added</dt><dd>" +
          Esc(util::FormatIsoUtc(a.created_at)) + "</dd>\n</dl>\n";
  html += "<h2 id=\"roles\">Roles</h2>\n<form class=\"admin-form\" method=\"post\" action=\"" + id +
          "/roles\" aria-labelledby=\"roles\">\n" + CsrfField(req) + RoleBoxes("role", a.roles) +
          "<button type=\"submit\">Save roles</button>\n</form>\n";
  html += "<h2 id=\"link\">Person profile</h2>\n<form class=\"admin-form\" method=\"post\" action=\"" + id +
          "/person\" aria-labelledby=\"link\">\n" + CsrfField(req) + PersonField(state, a.person_id) +
          "<button type=\"submit\">Save person profile</button>\n</form>\n";
  html += "<h2 id=\"access\">Access</h2>\n";
  if (a.disabled) {
    html +=
        "<p>The account is disabled. Enabling it lets its owner sign in again with their password.</p>\n"
        "<form class=\"admin-form\" method=\"post\" action=\"" +
        id + "/enable\">\n" + CsrfField(req) + "<button type=\"submit\">Enable account</button>\n</form>\n";
  } else {
    html +=
        "<p>Disabling ends the account's sessions at once and stops it signing in. Its work and its "
        "place in the audit log stay.</p>\n<form class=\"admin-form\" method=\"post\" action=\"" +
        id + "/disable\">\n" + CsrfField(req) + "<button type=\"submit\">Disable account</button>\n</form>\n";
  }
  html +=
      "<h2 id=\"password\">Password</h2>\n<p>Someone who forgot their password gets a new one-time "
      "password: their sessions end, the old password stops working, and the new one must be changed at the "
      "next sign-in.</p>\n<form class=\"admin-form\" method=\"post\" action=\"" +
      id + "/reset-password\">\n" + CsrfField(req) +
      "<button type=\"submit\">Set a new one-time password</button>\n</form>\n";
  html += "<h2 id=\"two-step\">Two-step sign-in</h2>\n";
  if (!a.totp_secret.empty()) {
    html +=
        "<p>Reset two-step sign-in when its owner has lost their phone: the account then signs in with "
        "its password alone (and sets two-step sign-in up again), and its sessions end.</p>\n"
        "<form class=\"admin-form\" method=\"post\" action=\"" +
        id + "/reset-2fa\">\n" + CsrfField(req) +
        "<button type=\"submit\">Reset two-step sign-in</button>\n</form>\n";
  } else {
    html += "<p>Two-step sign-in is off for this account.</p>\n";
  }
  return html;
}

Response AccountPage(State& state, const Request& req, std::string_view param, int status,
                     std::string_view note, std::string_view alert, std::string_view shown = "") {
  std::optional<int64_t> id = AccountId(param);
  if (!id)
    return Refuse(req, 404, "There is no account with the id \"" + std::string(param) + "\".",
                  "admin_account");
  Result<store::AccountRecord> a = state.accounts->Get(*id);
  if (!a.ok()) {
    if (a.status().code() == Code::kNotFound)
      return Refuse(req, 404, "There is no account with the id " + std::to_string(*id) + ".",
                    "admin_account");
    return Refuse(req, 500, "Reading the account failed: " + a.status().message(), "admin_error");
  }
  return HtmlResponse(
      status, Page(a->email, req.actor, req.csrf, AccountHtml(state, req, *a, note, alert, shown), "../"),
      "admin_account");
}

// One change to an account: `change` calls the service; 303 back with ?done=`done`.
using Change = Status (*)(State&, const Request&, int64_t id);

Response PostChange(State& state, const Request& req, std::string_view param, const char* done,
                    Change change) {
  std::optional<int64_t> id = AccountId(param);
  if (!id)
    return Refuse(req, 404, "There is no account with the id \"" + std::string(param) + "\".",
                  "admin_account");
  Status s = change(state, req, *id);
  if (s.ok())
    return Redirect(303, "/admin/accounts/" + std::to_string(*id) + "?done=" + done, "admin_account");
  int status = HttpStatus(s);
  if (status == 404) return AccountPage(state, req, param, 404, "", "");  // says which
  if (status == 500) return Refuse(req, 500, "Changing the account failed: " + s.message(), "admin_error");
  return AccountPage(state, req, param, status, "", "Not changed: " + s.message());
}

Status ChangeRoles(State& state, const Request& req, int64_t id) {
  std::optional<uint8_t> roles = FormRoles(req.body);
  if (!roles) return Status::Invalid("unknown role: choose among Writer, Medical reviewer, Editor and Admin");
  return state.accounts->SetRoles(req.actor.account_id, id, *roles);
}
Status ChangePerson(State& state, const Request& req, int64_t id) {
  return state.accounts->LinkPerson(req.actor.account_id, id, QueryValue(req.body, "person"));
}
Status DisableAccount(State& state, const Request& req, int64_t id) {
  return state.accounts->SetDisabled(req.actor.account_id, id, true);
}
Status EnableAccount(State& state, const Request& req, int64_t id) {
  return state.accounts->SetDisabled(req.actor.account_id, id, false);
}
Status ResetTwoStep(State& state, const Request& req, int64_t id) {
  return state.accounts->ResetTotp(req.actor.account_id, id);
}

// 200 with the new password on the account's page: not a redirect, so that it
// goes into no URL and is never shown again.
Response PostResetPassword(State& state, const Request& req, std::string_view param) {
  std::optional<int64_t> id = AccountId(param);
  if (!id) return AccountPage(state, req, param, 404, "", "");
  Result<std::string> password = state.accounts->ResetPassword(req.actor.account_id, *id);
  if (!password.ok()) {
    if (password.status().code() == Code::kNotFound) return AccountPage(state, req, param, 404, "", "");
    return Refuse(req, 500, "Setting a new password failed: " + password.status().message(), "admin_error");
  }
  Result<store::AccountRecord> a = state.accounts->Get(*id);
  std::string email = a.ok() ? a->email : "the account's owner";
  return AccountPage(
      state, req, param, 200,
      "New one-time password set. The old password no longer works, and the account's sessions "
      "have ended.",
      "", OneTimePasswordHtml(email, *password));
}

}  // namespace

Status AddAccountsPages(Router& router, const std::shared_ptr<State>& state) {
  auto page = [state](Response (*fn)(State&, const Request&)) {
    return [state, fn](Request&& req, const PathMatch&, Respond respond) { respond(fn(*state, req)); };
  };
  auto change = [state](const char* done, Change fn) {
    return [state, done, fn](Request&& req, const PathMatch& m, Respond respond) {
      respond(PostChange(*state, req, m.Param("account"), done, fn));
    };
  };
  const Route routes[] = {
      {kGet, "/admin/accounts", Access::kAdmin, kNoBody, page(ListPage)},
      {kPost, "/admin/accounts", Access::kAdmin, kFormLimit, page(PostAdd)},
      {kGet, "/admin/accounts/{account}", Access::kAdmin, kNoBody,
       [state](Request&& req, const PathMatch& m, Respond respond) {
         respond(AccountPage(*state, req, m.Param("account"), 200, DoneText(QueryValue(req.Query(), "done")),
                             ""));
       }},
      {kPost, "/admin/accounts/{account}/roles", Access::kAdmin, kFormLimit, change("roles", ChangeRoles)},
      {kPost, "/admin/accounts/{account}/person", Access::kAdmin, kFormLimit, change("person", ChangePerson)},
      {kPost, "/admin/accounts/{account}/disable", Access::kAdmin, kFormLimit,
       change("disable", DisableAccount)},
      {kPost, "/admin/accounts/{account}/enable", Access::kAdmin, kFormLimit,
       change("enable", EnableAccount)},
      {kPost, "/admin/accounts/{account}/reset-2fa", Access::kAdmin, kFormLimit,
       change("reset-2fa", ResetTwoStep)},
      {kPost, "/admin/accounts/{account}/reset-password", Access::kAdmin, kFormLimit,
       [state](Request&& req, const PathMatch& m, Respond respond) {
         respond(PostResetPassword(*state, req, m.Param("account")));
       }},
  };
  for (const Route& r : routes)
    if (Status s = router.Add(r); !s.ok()) return s;
  return Status::Ok();
}

}  // namespace vetted::server::admin
