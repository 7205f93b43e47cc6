// The admin group's two-step sign-in set-up: GET/POST /admin/two-factor, and
// the QR code (libqrencode) as inline SVG.
#include <qrencode.h>

#include "server/admin/internal.h"

namespace vetted::server::admin {
namespace {

constexpr std::string_view kIssuer = "vetted newsroom";

std::string SetupForm(const Request& req, const std::string& secret, std::string_view alert) {
  std::string uri = newsroom::TotpUri(secret, req.actor.email, kIssuer);
  std::string spaced;
  for (size_t i = 0; i < secret.size(); i += 4) spaced += (i ? " " : "") + secret.substr(i, 4);
  return "<h1>Two-step sign-in</h1>\n" + Alert(alert) +
         "<p>With two-step sign-in, a password alone no longer lets anyone in: signing in also needs the "
         "6-digit code that an authenticator app on your phone shows.</p>\n"
         "<ol>\n<li>In your authenticator app, add an account by scanning this code.</li>\n" +
         "<li>Or type this key: <code class=\"admin-key\">" + util::Escape(spaced) + "</code></li>\n" +
         "<li>Enter the code the app shows, to prove it works.</li>\n</ol>\n" + QrSvg(uri) +
         "<form class=\"admin-form\" method=\"post\" action=\"two-factor\">\n"
         "<input type=\"hidden\" name=\"csrf\" value=\"" +
         util::Escape(req.csrf) + "\">\n<input type=\"hidden\" name=\"secret\" value=\"" +
         util::Escape(secret) +
         "\">\n<label for=\"code\">Code from the app</label>\n"
         "<input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" "
         "pattern=\"[0-9 ]*\" "
         "required>\n<button type=\"submit\">Turn on two-step sign-in</button>\n</form>\n";
}

}  // namespace

std::string QrSvg(std::string_view text) {
  QRcode* qr = QRcode_encodeString8bit(std::string(text).c_str(), 0, QR_ECLEVEL_M);
  if (qr == nullptr) return "";
  const int quiet = 4, size = qr->width + 2 * quiet;
  std::string path;
  for (int y = 0; y < qr->width; ++y)
    for (int x = 0; x < qr->width; ++x)
      if (qr->data[y * qr->width + x] & 1)
        path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
  QRcode_free(qr);
  std::string n = std::to_string(size);
  return "<svg class=\"admin-qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + n + " " + n +
         "\" width=\"" + std::to_string(size * 5) + "\" height=\"" + std::to_string(size * 5) +
         "\" role=\"img\" aria-label=\"QR code to scan with your authenticator app\" "
         "shape-rendering=\"crispEdges\"><rect width=\"" +
         n + "\" height=\"" + n + "\" fill=\"#fff\"/><path d=\"" + path + "\" fill=\"#000\"/></svg>\n";
}

Response TwoFactorPage(State& state, const Request& req) {
  Result<newsroom::Session> s = state.accounts->Resolve(CookieValue(req.Header("Cookie"), state.cookie_name));
  if (s.ok() && s->has_totp)
    return HtmlResponse(
        200,
        Page("Two-step sign-in", req.actor, req.csrf,
             "<h1>Two-step sign-in</h1>\n<p class=\"admin-ok\">Two-step sign-in is on for your "
             "account. To move it to another phone, ask an admin.</p>\n"),
        "admin_two_factor");
  std::string note = s.ok() && s->must_set_up_totp
                         ? "This site asks editors and admins to use two-step sign-in: set it up to go on."
                         : "";
  std::string html = SetupForm(req, newsroom::NewTotpSecret(), "");
  if (!note.empty()) html.insert(html.find('\n') + 1, "<p>" + util::Escape(note) + "</p>\n");
  return HtmlResponse(200, Page("Two-step sign-in", req.actor, req.csrf, html), "admin_two_factor");
}

Response PostTwoFactor(State& state, const Request& req) {
  std::string secret = QueryValue(req.body, "secret");
  Status s = state.accounts->EnableTotp(req.actor.account_id, secret, QueryValue(req.body, "code"));
  if (s.code() == Code::kInvalid)
    return HtmlResponse(400,
                        Page("Two-step sign-in", req.actor, req.csrf, SetupForm(req, secret, s.message())),
                        "admin_two_factor");
  if (!s.ok()) return Refuse(req, 500, "Turning on two-step sign-in failed: " + s.message(), "admin_error");
  return Redirect(303, "/admin/", "admin_two_factor");
}

}  // namespace vetted::server::admin
