// Accounts, passwords, sessions, CSRF, the same-origin check (accounts.h).
#include <sodium.h>

#include <algorithm>
#include <unordered_set>

#include "newsroom/newsroom.h"

namespace vetted::newsroom {

// data/common-passwords.txt, embedded at build time (cmake/EmbedText.cmake).
std::string_view CommonPasswordsText();

namespace {

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

const std::unordered_set<std::string_view>& CommonPasswords() {
  static const auto* set = [] {
    auto* s = new std::unordered_set<std::string_view>();
    for (std::string_view line : util::Split(CommonPasswordsText(), '\n')) {
      line = util::Trim(line);
      if (!line.empty() && line[0] != '#') s->insert(line);
    }
    return s;
  }();
  return *set;
}

}  // namespace

bool IsCommonPassword(std::string_view password) {
  return CommonPasswords().count(util::ToLower(password)) > 0;
}

std::string PasswordProblem(std::string_view password) {
  long n = util::ValidUtf8Length(password);
  if (n < 0) return "The password is not valid UTF-8 text.";
  if (n < kMinPasswordLength)
    return "The password is too short: use at least " + std::to_string(kMinPasswordLength) + " characters.";
  if (n > kMaxPasswordLength)
    return "The password is too long: use at most " + std::to_string(kMaxPasswordLength) + " characters.";
  if (IsCommonPassword(password))
    return "The password is one of the most common passwords, which are guessed first: choose another.";
  return "";
}

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  if (!SodiumReady()) return Status::Internal("libsodium did not initialize");
  char out[crypto_pwhash_STRBYTES];
  // An empty view may have a null data(); libsodium declares the argument non-null.
  if (crypto_pwhash_str_alg(out, password.empty() ? "" : password.data(), password.size(), cost.ops,
                            cost.mem_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Status::Internal("password hashing ran out of memory");
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (!SodiumReady() || hash.empty()) return false;
  // An empty view may have a null data(): UB for libsodium's non-null argument (auth_fuzz, UBSan).
  return crypto_pwhash_str_verify(hash.c_str(), password.empty() ? "" : password.data(), password.size()) ==
         0;
}

bool NeedsRehash(const std::string& hash, PasswordCost cost) {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), cost.ops, cost.mem_bytes) != 0;
}

std::string RandomHex(size_t bytes) {
  SodiumReady();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string OneTimePassword() {
  SodiumReady();
  // 32 letters and digits without look-alikes (no 0/o, 1/l/i).
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789A";
  for (;;) {
    std::string out;
    for (int i = 0; i < 16; ++i) {
      if (i > 0 && i % 4 == 0) out += '-';
      out += kAlphabet[randombytes_uniform(32)];
    }
    if (PasswordProblem(out).empty()) return out;
  }
}

Result<std::string> CheckEmail(std::string_view email) {
  email = util::Trim(email);
  if (email.empty()) return Status::Invalid("an email address is needed");
  if (email.size() > 254) return Status::Invalid("the email address is longer than 254 characters");
  for (unsigned char c : email)
    if (c <= ' ' || c == 0x7f)
      return Status::Invalid("the email address \"" + std::string(email) +
                             "\" has a space or control character");
  // RFC 5322's specials outside a quoted local part (which is not taken): no
  // quotes, angle brackets, parentheses, brackets, commas, colons, semicolons
  // or backslashes, so an address never breaks out of the markup or the mail
  // header it is written into.
  if (size_t bad = email.find_first_of("\"<>()[],;:\\"); bad != std::string_view::npos)
    return Status::Invalid("the email address may not hold '" + std::string(1, email[bad]) + "'");
  size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string_view::npos)
    return Status::Invalid("\"" + std::string(email) + "\" is not an email address (name@example.org)");
  return std::string(email);
}

bool CsrfMatches(std::string_view expected, std::string_view given) {
  if (expected.empty() || given.empty() || expected.size() != given.size()) return false;
  SodiumReady();
  return sodium_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

bool SameOrigin(std::string_view origin, std::string_view sec_fetch_site, std::string_view host,
                bool secure) {
  if (!origin.empty()) {
    if (host.empty()) return false;
    if (origin == "https://" + std::string(host)) return true;
    return !secure && origin == "http://" + std::string(host);
  }
  if (sec_fetch_site.empty()) return true;
  return sec_fetch_site == "same-origin" || sec_fetch_site == "none";
}

Actor ActorOf(const Session& session) {
  Actor actor;
  actor.account_id = session.account_id;
  actor.email = session.email;
  actor.person_id = session.person_id;
  actor.roles = session.roles;
  return actor;
}

}  // namespace vetted::newsroom
