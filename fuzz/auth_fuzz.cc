// The newsroom's password and second-factor paths (src/newsroom/accounts.cc,
// totp.cc) on arbitrary bytes, split at NUL bytes into parts:
// Base32Decode/Encode, HotpCode, TotpMatch, PasswordProblem, VerifyPassword
// and Accounts::SignIn over a memory store whose account has a second factor.
// Invariants: base32 round-trips (decode(encode(x)) == x; a decoded text
// encoded and decoded again is the same bytes); an HOTP code has exactly the
// digits asked for; TotpMatch answers a step within one of now and whose
// code is the one typed (spaces aside); an acceptable password is valid
// UTF-8 of 8 to 128 code points and not a common one; a hash verifies only
// its own password; a sign-in succeeds only with the right password and the
// current code, and then gives a session that resolves.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "newsroom/newsroom.h"
#include "store/open.h"

using vetted::fuzz::Require;
namespace newsroom = vetted::newsroom;

namespace {

const std::string kPassword = "tram-lamp-orbit";
constexpr long long kNow = 1'800'000'000;

struct World {
  vetted::util::FixedClock clock{kNow};
  std::unique_ptr<vetted::store::Store> store;
  std::unique_ptr<newsroom::Accounts> accounts;
  std::string hash;  // of kPassword
  std::string key;   // the account's TOTP key (raw bytes)
};

World& TheWorld() {
  static World* w = [] {
    auto* w = new World;
    w->store = std::move(vetted::store::Open("memory:")).value();
    newsroom::AccountsOptions ao;
    ao.clock = &w->clock;
    ao.cost = newsroom::kTestPasswordCost;
    ao.throttle.max_failures = 1 << 30;  // every input gets its try
    w->accounts = std::make_unique<newsroom::Accounts>(*w->store->Accounts(), ao);
    auto added = w->accounts->Add("ed@x.org", newsroom::kEditor, "", kPassword);
    Require(added.ok(), "auth_fuzz", "harness: account");
    std::string secret = newsroom::NewTotpSecret();
    w->key = newsroom::Base32Decode(secret).value();
    // The step before now, so that a code for now is still new to the account.
    Require(w->accounts->EnableTotp(added->record.id, secret, newsroom::TotpCode(w->key, kNow - 30)).ok(),
            "auth_fuzz", "harness: two-factor");
    w->hash = newsroom::HashPassword(kPassword, newsroom::kTestPasswordCost).value();
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

void Base32(std::string_view in) {
  Require(newsroom::Base32Decode(newsroom::Base32Encode(in)) == std::string(in), "auth_fuzz",
          "base32: decode(encode(x)) == x");
  auto d = newsroom::Base32Decode(in);
  if (d)
    Require(newsroom::Base32Decode(newsroom::Base32Encode(*d)) == *d, "auth_fuzz", "base32: decoded again");
}

void Codes(std::string_view key, std::string_view code, uint64_t counter) {
  for (int digits : {6, 7, 8}) {
    std::string c = newsroom::HotpCode(key, counter, digits);
    Require(c.size() == static_cast<size_t>(digits), "auth_fuzz", "hotp: as many digits as asked");
    for (char ch : c) Require(ch >= '0' && ch <= '9', "auth_fuzz", "hotp: digits only");
  }
  long long now = static_cast<long long>(counter % (1ull << 40));
  auto step = newsroom::TotpMatch(key, code, now);
  if (step) {
    long long s = now / newsroom::kTotpStepSeconds;
    Require(*step >= s - 1 && *step <= s + 1, "auth_fuzz", "totp: within one step of now");
    std::string typed;
    for (char ch : code)
      if (ch != ' ') typed += ch;
    Require(newsroom::HotpCode(key, static_cast<uint64_t>(*step), 6) == typed, "auth_fuzz",
            "totp: the code typed is the step's");
  }
}

void Passwords(World& w, std::string_view in) {
  std::string problem = newsroom::PasswordProblem(in);
  if (problem.empty()) {
    long n = vetted::util::ValidUtf8Length(in);
    Require(n >= newsroom::kMinPasswordLength && n <= newsroom::kMaxPasswordLength, "auth_fuzz",
            "password: 8 to 128 code points of UTF-8");
    Require(!newsroom::IsCommonPassword(in), "auth_fuzz", "password: not a common one");
  }
  if (in.size() <= 256)
    Require(newsroom::VerifyPassword(w.hash, in) == (in == kPassword), "auth_fuzz",
            "password: a hash verifies its own password only");
}

void SignIn(World& w, std::string_view email, std::string_view password, std::string_view code) {
  auto r = w.accounts->SignIn(email, password, "192.0.2.7", code);
  Require(r.ok(), "auth_fuzz", "sign-in: no store error");
  if (r->outcome != newsroom::SignInResult::kOk) return;
  Require(password == kPassword, "auth_fuzz", "sign-in: only with the right password");
  std::string typed;
  for (char ch : code)
    if (ch != ' ') typed += ch;
  Require(typed == newsroom::TotpCode(w.key, kNow) || typed == newsroom::TotpCode(w.key, kNow + 30),
          "auth_fuzz", "sign-in: only with a current code");
  Require(w.accounts->Resolve(r->session.token).ok(), "auth_fuzz", "sign-in: the session resolves");
  Require(w.accounts->SignOut(r->session.token).ok(), "auth_fuzz", "sign-out");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  World& w = TheWorld();
  std::vector<std::string_view> p = Pieces(in);
  uint64_t counter = 0;
  for (size_t i = 0; i < 8 && i < size; ++i) counter = counter << 8 | data[i];
  Base32(in);
  Codes(p[0], p[1], counter);
  Passwords(w, in);
  if (size <= 512) SignIn(w, p[0], p[1], p[2]);
  return 0;
}
