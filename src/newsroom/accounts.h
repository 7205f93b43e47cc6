// Internal to newsroom/ (included by newsroom/newsroom.h): accounts,
// passwords, sessions, CSRF, the same-origin check and sign-in throttling.
// The rules live here; store/accounts.h only keeps the rows, server/admin/
// only calls these functions.
//
// Errors are values: kInvalid (a bad email, role or password, with the
// reason), kConflict (an email already taken), kNotFound (an unknown account
// or session), kIo (the store failed).
// Thread safety: the free functions are pure (or use libsodium's randomness,
// which is thread-safe); Accounts and SignInThrottle may be called from any
// number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/status.h"
#include "store/store.h"
#include "util/util.h"

namespace vetted::newsroom {

struct Actor;

// ---- Passwords ---------------------------------------------------------------
// argon2id cost (libsodium crypto_pwhash_str_alg). kPasswordCost is OWASP's
// minimum (m = 19 MiB, t = 2, p = 1) and what production uses; tests pass
// kTestPasswordCost through AccountsOptions, never anything else.
struct PasswordCost {
  unsigned long long ops = 2;
  size_t mem_bytes = size_t{19} << 20;
};
inline constexpr PasswordCost kPasswordCost{2, size_t{19} << 20};
inline constexpr PasswordCost kTestPasswordCost{1, 8192};

inline constexpr long kMinPasswordLength = 8;    // code points
inline constexpr long kMaxPasswordLength = 128;  // code points

// Why a password is refused ("" = acceptable): not valid UTF-8, fewer than
// 8 or more than 128 characters (code points), or in the list of common
// passwords (data/common-passwords.txt, compared in ASCII lower case).
std::string PasswordProblem(std::string_view password);
// True when the password (ASCII lower-cased) is in the common list.
bool IsCommonPassword(std::string_view password);
// The "$argon2id$..." string of a password; kInternal when libsodium fails
// (out of memory).
Result<std::string> HashPassword(std::string_view password, PasswordCost cost);
// True when `password` matches the hash (constant time, libsodium).
bool VerifyPassword(const std::string& hash, std::string_view password);
// True when the hash was made with other parameters than `cost`.
bool NeedsRehash(const std::string& hash, PasswordCost cost);
// A password to hand out once ("xxxx-xxxx-xxxx-xxxx", 16 random characters
// of a 32-letter alphabet: 80 bits) that passes PasswordProblem.
std::string OneTimePassword();
// `bytes` random bytes (libsodium randombytes) as lower-case hex.
std::string RandomHex(size_t bytes);

// The email as stored (trimmed), or kInvalid with the reason: no single '@'
// with text either side, a space or control character, over 254 bytes.
Result<std::string> CheckEmail(std::string_view email);

// ---- Requests from browsers --------------------------------------------------
// Constant-time comparison of a session's CSRF token with the one a request
// carries; false when either is empty.
bool CsrfMatches(std::string_view expected, std::string_view given);
// The same-origin check of a state-changing request (and of the sign-in
// form, against login CSRF). `host` is the request's Host; `secure` says the
// site is served over TLS (AppOptions::secure_cookies). True when:
//   - Origin is "http://<host>" or "https://<host>" (only https when secure);
//   - Origin is absent and Sec-Fetch-Site is "same-origin" or "none";
//   - both are absent (not a browser: curl, an integration; the CSRF token
//     still has to match).
// False otherwise, e.g. Origin "null", another host, Sec-Fetch-Site
// "cross-site" or "same-site".
bool SameOrigin(std::string_view origin, std::string_view sec_fetch_site, std::string_view host, bool secure);

// ---- Throttling --------------------------------------------------------------
// Failed sign-ins in a sliding window. Policy:
//   - per client address: after max_failures failures within the window
//     (whatever the accounts), that client is refused until the oldest of
//     them leaves the window;
//   - per account: after max_failures failures within the window, clients
//     that have failed at all within the window are refused for it, but a
//     client with no recent failure still gets its try. So a stranger who
//     guesses at an account cannot lock its owner out: the owner, from their
//     own address, signs in as usual; and the block ends at most `window`
//     after the last counted failure.
// Where the failures are kept:
//   - with a store::LimitStore (Store::Limits()), in the database, so every
//     node sharing it counts the same failures (N nodes give a guesser no
//     more tries than one) and a restart forgets nothing. Accounts and
//     addresses are kept only as keyed hashes (BLAKE2b, 16 bytes, keyed with
//     the database's LimitsSecret, the same on every node);
//   - without one, in this process's memory (a restart forgets them).
// Thread-safe.
class SignInThrottle {
 public:
  struct Options {
    int max_failures = 10;
    long long window_seconds = 15 * 60;
    size_t max_keys = 100000;  // in memory only: beyond this, the oldest keys are forgotten
  };
  explicit SignInThrottle(const util::Clock& clock) : SignInThrottle(clock, Options{}) {}
  // `shared` (may be null: in memory) must outlive the throttle.
  SignInThrottle(const util::Clock& clock, Options options, store::LimitStore* shared = nullptr);

  // 0 when an attempt may go ahead; else the seconds until it may (>= 1).
  // kIo when the shared store fails.
  Result<long long> Wait(std::string_view account, std::string_view client);
  // Wait, with a store error counting as 0 (tests).
  long long RetryAfter(std::string_view account, std::string_view client);
  // Records a failed attempt. Best effort: a store error is returned, and
  // the attempt is refused all the same.
  Status Failed(std::string_view account, std::string_view client);

 private:
  using Times = std::deque<long long>;
  void Prune(Times& times, long long now) const;
  long long Blocked(Times& times, long long now) const;
  void Forget(long long now);
  // The store's keys of an account and of a client address: keyed hashes.
  Result<std::string> SharedKey(char kind, std::string_view value);

  const util::Clock& clock_;
  const Options options_;
  store::LimitStore* const shared_;
  std::mutex mu_;
  std::string secret_;                                 // shared mode: LimitsSecret, once fetched
  std::unordered_map<std::string, Times> by_account_;  // ASCII lower-cased email
  std::unordered_map<std::string, Times> by_client_;
};

// ---- Second factor: TOTP (RFC 6238: HMAC-SHA-1, 30 s steps, 6 digits) ----------
inline constexpr long long kTotpStepSeconds = 30;
// RFC 4648 base32 (no padding written; padding, spaces, '-' and lower case
// accepted when read). nullopt for any other character.
std::string Base32Encode(std::string_view bytes);
std::optional<std::string> Base32Decode(std::string_view text);
// RFC 4226 HOTP of a raw key; `digits` 6 to 8.
std::string HotpCode(std::string_view key, uint64_t counter, int digits);
// RFC 6238 TOTP of a raw key at a time.
std::string TotpCode(std::string_view key, long long unix_seconds, int digits = 6);
// The time step a 6-digit code matches at `unix_seconds`, allowing one step
// either side (clock drift); nullopt when it matches none. Constant time per
// comparison; spaces in the code are ignored.
std::optional<long long> TotpMatch(std::string_view key, std::string_view code, long long unix_seconds);
// A new random secret (160 bits), base32.
std::string NewTotpSecret();
// The otpauth:// URI an authenticator app reads from the QR code.
std::string TotpUri(std::string_view secret, std::string_view email, std::string_view issuer);

// ---- Accounts and sessions ---------------------------------------------------
inline constexpr long long kSessionIdleSeconds = 30 * 60;
inline constexpr long long kSessionMaxSeconds = 12 * 60 * 60;

struct AccountsOptions {
  const util::Clock* clock = &util::SystemClock();  // must outlive the Accounts
  PasswordCost cost = kPasswordCost;                // tests: kTestPasswordCost
  SignInThrottle::Options throttle;
  // Where the throttle keeps failed sign-ins (Store::Limits(): shared by
  // every node on the database); nullptr = in this process's memory.
  store::LimitStore* limits = nullptr;
  // Role bits whose accounts must use the second factor (the site's setting,
  // `vetted serve --require-2fa`: editors and admins); 0 = nobody must.
  uint8_t require_totp_roles = 0;
  // The newsroom's audit log (Store::Workflow()), where every sign-in (and
  // refused one), sign-out and account change is recorded; nullptr = none.
  // A successful sign-in that cannot be recorded fails (kIo): no unrecorded
  // sessions.
  store::WorkflowStore* audit = nullptr;
  // Whether a person profile with this id is in the site's people (people/ID.md);
  // Add and LinkPerson refuse an unknown one. Empty = not checked (`vetted
  // user add` may run before the first import).
  std::function<bool(const std::string& person_id)> person_exists;
};

// Why a change of one account's roles or disabled flag is refused ("" = it
// may go ahead): the site must keep at least one enabled admin, so the last
// enabled admin may not lose the role or be disabled. `accounts` is every
// account as it is now; `id` the one changed, to `roles` and `disabled`.
// A site that has no enabled admin at all may change anything (nothing is
// lost; `vetted user add --role admin` makes one).
std::string LastAdminProblem(const std::vector<store::AccountRecord>& accounts, int64_t id, uint8_t roles,
                             bool disabled);

// A live session as a request sees it.
struct Session {
  std::string token;  // the cookie's value; set only by SignIn
  std::string csrf;   // the session's CSRF token
  int64_t account_id = 0;
  std::string email;
  std::string person_id;
  uint8_t roles = 0;
  bool must_change_password = false;
  bool has_totp = false;          // the account signs in with a second factor
  bool must_set_up_totp = false;  // its roles require one (require_totp_roles) and it has none yet
};

// What a sign-in attempt came to.
struct SignInResult {
  // kNeedCode: the password is right but the account has a second factor and
  // no code came; kWrongCode: the code is wrong or already used (a failure,
  // counted by the throttle like a wrong password).
  enum Outcome { kOk, kWrongPassword, kDisabled, kThrottled, kNeedCode, kWrongCode } outcome = kWrongPassword;
  Session session;            // kOk only: a new session (new token and CSRF token)
  long long retry_after = 0;  // kThrottled: seconds
};

class Accounts {
 public:
  // `store` must outlive the Accounts.
  Accounts(store::AccountStore& store, AccountsOptions options);

  struct Added {
    store::AccountRecord record;
    std::string one_time_password;  // set when no password was given
  };
  // Adds an account. With a password: it must pass PasswordProblem. Without:
  // a OneTimePassword is made and must be changed at first sign-in.
  // kInvalid: bad email (CheckEmail), no role, weak password (the reason);
  // kConflict: the email is taken (ignoring case). `by`: the admin who adds
  // it (the audit entry's account), 0 = the command line (the new account's id).
  Result<Added> Add(std::string_view email, uint8_t roles, const std::string& person_id,
                    const std::optional<std::string>& password, int64_t by = 0);
  Result<std::vector<store::AccountRecord>> List();
  // The account with that id / email (ignoring case); kNotFound when none.
  Result<store::AccountRecord> Get(int64_t id);
  Result<store::AccountRecord> Find(const std::string& email);
  // When each account last signed in (account id -> UTC time,
  // "2026-11-26T06:01:02Z"), read from the audit log's "sign-in" entries; empty without an
  // audit log. Reads the whole log: for the accounts page, not per request.
  Result<std::unordered_map<int64_t, std::string>> LastSignIns();

  // Changes made by an admin. `by` is the admin's account id (0: the command
  // line); it is the audit entry's account (the changed account's own id
  // when 0), and the entry's detail names the changed account's email.
  // kNotFound for an unknown id. Each is recorded in the audit log.
  //
  // Sets the account's roles: kInvalid when none; kForbidden when it would
  // take the admin role from the last enabled admin (LastAdminProblem).
  // A session sees its account's roles at each request: the change applies
  // at once.
  Status SetRoles(int64_t by, int64_t id, uint8_t roles);
  // Links the account to a person profile ("" unlinks it). kInvalid when
  // person_exists says there is no such person.
  Status LinkPerson(int64_t by, int64_t id, const std::string& person_id);
  // Disables (and ends every session of the account at once) or enables it.
  // kForbidden when disabling the last enabled admin.
  Status SetDisabled(int64_t by, int64_t id, bool disabled);
  // Disables the account with that email: SetDisabled(0, its id, true).
  // kNotFound when unknown.
  Status Disable(const std::string& email);
  // Turns two-step sign-in off for an account (its owner lost their phone)
  // and ends its sessions; its owner signs in with the password alone and
  // sets it up again (at once when its roles require it).
  Status ResetTotp(int64_t by, int64_t id);
  // Gives an account that forgot its password a new OneTimePassword (returned,
  // to be shown once; it must be changed at the next sign-in) and ends its
  // sessions. The old password stops working.
  Result<std::string> ResetPassword(int64_t by, int64_t id);

  // Checks an email and password from `client` (throttled: SignInThrottle)
  // and on success starts a new session (a fresh 256-bit token; the store
  // keeps only its SHA-256) and rehashes the password when its cost is out
  // of date. An unknown email costs the same time as a wrong password and
  // answers kWrongPassword. Only store failures are errors (kIo).
  // `code`: the 6-digit TOTP code, needed when the account has a second
  // factor (a code is accepted once: a replayed one is kWrongCode).
  Result<SignInResult> SignIn(std::string_view email, std::string_view password, std::string_view client,
                              std::string_view code = "");
  // The live session of a cookie's token, its last use moved to now.
  // kNotFound when unknown, idle over kSessionIdleSeconds, older than
  // kSessionMaxSeconds (both deleted on sight) or its account is disabled.
  Result<Session> Resolve(std::string_view token);
  // Ends a session server-side (Ok also when it did not exist).
  Status SignOut(std::string_view token);
  // Changes a signed-in account's password: `current` must match, `next`
  // must pass PasswordProblem and differ from it; clears
  // must_change_password and ends every other session of the account.
  // kInvalid with the reason (wrong current password, weak new one).
  Status ChangePassword(int64_t account_id, std::string_view current, std::string_view next,
                        std::string_view keep_token);

  // Turns the second factor on for an account: `secret` (NewTotpSecret,
  // shown to the person as a QR code) is stored once `code` proves their app
  // has it. kInvalid when the code does not match or the secret is not base32.
  Status EnableTotp(int64_t account_id, const std::string& secret, std::string_view code);

  const util::Clock& clock() const { return *options_.clock; }

 private:
  const std::string& DummyHash();
  // Reads account `id`, lets `change` edit it (and add to the audit detail,
  // which starts as its email), checks the last-admin rule when its roles or
  // disabled flag changed, writes it, ends its sessions when asked, and
  // records `action`.
  Status ChangeAccount(int64_t by, int64_t id, const char* action,
                       const std::function<Status(store::AccountRecord&, std::string&)>& change,
                       bool end_sessions = false);
  // Appends an entry to options_.audit (Ok when there is none).
  Status Record(int64_t account_id, const char* action, std::string detail, std::string after = "");
  Session MakeSession(const store::AccountRecord& account, std::string token, std::string csrf) const;
  // True when `code` matches the account's secret now and its step is newer
  // than the last one used (then it becomes the last one used).
  bool AcceptCode(const store::AccountRecord& account, std::string_view code);

  store::AccountStore& store_;
  AccountsOptions options_;
  SignInThrottle throttle_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
  // Held across the read and the write of a change to roles or the disabled
  // flag, so two admins cannot each demote the other past the last-admin rule
  // (within this process).
  std::mutex change_mu_;
  std::mutex steps_mu_;
  std::unordered_map<int64_t, long long> last_step_;  // account id -> last TOTP step accepted (in memory)
};

// The actor of a session (what Request::actor holds).
Actor ActorOf(const Session& session);

}  // namespace vetted::newsroom
