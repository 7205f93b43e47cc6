// Cookies and session tokens on arbitrary bytes, as the admin gate reads them
// (src/server/admin/gate.cc): CookieValue on the input as a Cookie header, the
// token it yields (and the input itself) through Accounts::Resolve over a
// memory store with one live session, CsrfMatches, SameOrigin and CheckEmail
// on parts of the input (split at NUL bytes).
// Invariants: a cookie's value is what follows "name=" in one of the
// header's ';'-separated items; no token but the session's own resolves; the
// CSRF check is equality of non-empty strings; SameOrigin's answer is the
// rule of accounts.h; an accepted email is trimmed, has one '@' with text
// either side, no space or control byte and at most 254 bytes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "newsroom/newsroom.h"
#include "server/admin/routes.h"
#include "store/open.h"

using vetted::fuzz::Require;
namespace newsroom = vetted::newsroom;

namespace {

struct World {
  vetted::util::FixedClock clock{1'800'000'000};
  std::unique_ptr<vetted::store::Store> store;
  std::unique_ptr<newsroom::Accounts> accounts;
  std::string token;
};

World& TheWorld() {
  static World* w = [] {
    auto* w = new World;
    w->store = std::move(vetted::store::Open("memory:")).value();
    newsroom::AccountsOptions ao;
    ao.clock = &w->clock;
    ao.cost = newsroom::kTestPasswordCost;
    w->accounts = std::make_unique<newsroom::Accounts>(*w->store->Accounts(), ao);
    Require(w->accounts->Add("ed@x.org", newsroom::kEditor, "", std::string("tram-lamp-orbit")).ok(),
            "cookie_fuzz", "harness: account");
    auto in = w->accounts->SignIn("ed@x.org", "tram-lamp-orbit", "192.0.2.1");
    Require(in.ok() && in->outcome == newsroom::SignInResult::kOk, "cookie_fuzz", "harness: sign-in");
    w->token = in->session.token;
    return w;
  }();
  return *w;
}

std::vector<std::string_view> Pieces(std::string_view in) {
  std::vector<std::string_view> out;
  while (true) {
    size_t at = in.find('\0');
    out.push_back(in.substr(0, at));
    if (at == std::string_view::npos) break;
    in.remove_prefix(at + 1);
  }
  while (out.size() < 4) out.emplace_back();
  return out;
}

void CheckCookie(std::string_view header, std::string_view name) {
  std::string value = vetted::server::CookieValue(header, name);
  if (value.empty()) return;
  Require(value.find(';') == std::string::npos, "cookie_fuzz", "a cookie value holds no ';'");
  Require(header.find(std::string(name) + "=" + value) != std::string_view::npos, "cookie_fuzz",
          "the value follows name= in the header");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  World& w = TheWorld();
  for (bool secure : {false, true}) CheckCookie(in, vetted::server::SessionCookieName(secure));
  std::string token = vetted::server::CookieValue(in, "vetted-session");
  for (std::string_view t : {std::string_view(token), in}) {
    auto session = w.accounts->Resolve(t);
    Require(session.ok() == (t == w.token), "cookie_fuzz", "only the session's own token resolves");
    if (!session.ok())
      Require(session.status().code() == vetted::Code::kNotFound, "cookie_fuzz",
              "an unknown token is kNotFound");
  }
  std::vector<std::string_view> p = Pieces(in);
  Require(newsroom::CsrfMatches(p[0], p[1]) == (!p[0].empty() && p[0] == p[1]), "cookie_fuzz",
          "CsrfMatches is equality of non-empty tokens");
  for (bool secure : {false, true}) {
    bool same = newsroom::SameOrigin(p[0], p[1], p[2], secure);
    bool want = !p[0].empty() ? !p[2].empty() && (p[0] == "https://" + std::string(p[2]) ||
                                                  (!secure && p[0] == "http://" + std::string(p[2])))
                              : p[1].empty() || p[1] == "same-origin" || p[1] == "none";
    Require(same == want, "cookie_fuzz", "SameOrigin follows its rule");
  }
  auto email = newsroom::CheckEmail(p[0]);
  if (email.ok()) {
    const std::string& e = *email;
    Require(!e.empty() && e.size() <= 254, "cookie_fuzz", "email: 1 to 254 bytes");
    size_t at = e.find('@');
    Require(
        at != std::string::npos && at > 0 && at + 1 < e.size() && e.find('@', at + 1) == std::string::npos,
        "cookie_fuzz", "email: one '@' with text either side");
    for (unsigned char c : e) Require(c > ' ' && c != 0x7f, "cookie_fuzz", "email: no space or control byte");
  } else {
    Require(email.status().code() == vetted::Code::kInvalid, "cookie_fuzz", "email: refusal is kInvalid");
  }
  return 0;
}
