#include "server/feedback.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>

#include "util/util.h"

namespace vetted::server {
namespace {

// ---------------------------------------------------------------------------
// Validation shared by the JSON and the form parser.

// What either parser found, before validation. Absent fields are nullopt.
struct RawFeedback {
  std::optional<std::string> article, revision, category, comment;
  std::optional<bool> helpful;
  bool honeypot_filled = false;
};

// A validation failure: its reason and a message fit for the client.
struct Fault {
  FeedbackReason reason = FeedbackReason::kNone;
  std::string message;
  bool ok() const { return reason == FeedbackReason::kNone; }
};

Fault Bad(FeedbackReason reason, std::string message) {
  return {reason, std::move(message)};
}

// The reason for a problem with the field `name`.
FeedbackReason FieldReason(std::string_view name) {
  if (name == "article") return FeedbackReason::kBadArticle;
  if (name == "helpful") return FeedbackReason::kBadHelpful;
  if (name == "category") return FeedbackReason::kBadCategory;
  if (name == "comment") return FeedbackReason::kBadComment;
  if (name == "revision") return FeedbackReason::kBadRevision;
  return FeedbackReason::kBadBody;
}

Fault CheckArticle(const std::string& article) {
  if (article.empty() || article[0] != '/')
    return Bad(FeedbackReason::kBadArticle, "\"article\" must be a URL path starting with '/'");
  if (article.size() > kMaxArticleBytes)
    return Bad(FeedbackReason::kBadArticle, "\"article\" is longer than 512 bytes");
  for (char ch : article) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F)
      return Bad(FeedbackReason::kBadArticle, "\"article\" must not contain control characters");
  }
  if (util::ValidUtf8Length(article) < 0)
    return Bad(FeedbackReason::kBadArticle, "\"article\" is not valid UTF-8");
  return {};
}

Fault CheckRevision(const std::string& revision) {
  if (revision.size() > kMaxRevisionBytes)
    return Bad(FeedbackReason::kBadRevision, "\"revision\" is longer than 128 bytes");
  for (char c : revision) {
    if (c <= 0x20 || c >= 0x7F)
      return Bad(FeedbackReason::kBadRevision, "\"revision\" must be printable ASCII without spaces");
  }
  return {};
}

Fault Validate(RawFeedback raw, FeedbackInput& in) {
  if (!raw.article) return Bad(FeedbackReason::kBadArticle, "\"article\" is required");
  if (Fault f = CheckArticle(*raw.article); !f.ok()) return f;
  if (!raw.helpful) return Bad(FeedbackReason::kBadHelpful, "\"helpful\" is required");
  if (!raw.category) return Bad(FeedbackReason::kBadCategory, "\"category\" is required");
  const std::string& cat = *raw.category;
  if (cat != "helpful" && cat != "error" && cat != "other") {
    return Bad(FeedbackReason::kBadCategory, "\"category\" must be \"helpful\", \"error\" or \"other\"");
  }
  if (raw.comment) {
    const long chars = util::ValidUtf8Length(*raw.comment);
    if (chars < 0) return Bad(FeedbackReason::kBadComment, "\"comment\" is not valid UTF-8");
    if (static_cast<size_t>(chars) > kMaxCommentChars)
      return Bad(FeedbackReason::kTooLong, "\"comment\" is longer than 2,000 characters");
  }
  if (raw.revision) {
    if (Fault f = CheckRevision(*raw.revision); !f.ok()) return f;
  }
  in.article = std::move(*raw.article);
  in.revision = raw.revision ? std::move(*raw.revision) : std::string();
  in.helpful = *raw.helpful;
  in.category = std::move(*raw.category);
  in.comment = raw.comment ? std::move(*raw.comment) : std::string();
  in.honeypot_filled = raw.honeypot_filled;
  return {};
}

// ---------------------------------------------------------------------------
// JSON

using Json = nlohmann::json;

// Reads an optional string member: absent/null -> nullopt; not a string -> error.
Fault OptionalString(const Json& obj, const char* name, std::optional<std::string>& out) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) return Bad(FieldReason(name), "\"" + std::string(name) + "\" must be a string");
  out = it->get_ref<const std::string&>();
  return {};
}

Fault FromJson(const Json& obj, FeedbackInput& in) {
  RawFeedback raw;
  if (Fault f = OptionalString(obj, "article", raw.article); !f.ok()) return f;
  if (auto it = obj.find("helpful"); it != obj.end() && !it->is_null()) {
    if (!it->is_boolean()) return Bad(FeedbackReason::kBadHelpful, "\"helpful\" must be true or false");
    raw.helpful = it->get<bool>();
  }
  if (Fault f = OptionalString(obj, "category", raw.category); !f.ok()) return f;
  if (Fault f = OptionalString(obj, "comment", raw.comment); !f.ok()) return f;
  if (Fault f = OptionalString(obj, "revision", raw.revision); !f.ok()) return f;
  if (auto it = obj.find("website"); it != obj.end() && !it->is_null()) {
    raw.honeypot_filled = !(it->is_string() && it->get_ref<const std::string&>().empty());
  }
  return Validate(std::move(raw), in);
}

// ---------------------------------------------------------------------------
// Form

// Stores one known form field into raw; kInvalid for a repeated one.
Fault TakeFormField(const std::string& name, std::string value, RawFeedback& raw, unsigned& seen) {
  static constexpr const char* kNames[] = {"article",  "revision", "helpful",
                                           "category", "comment",  "website"};
  size_t index = 0;
  while (index < std::size(kNames) && name != kNames[index]) ++index;
  if (index == std::size(kNames)) return {};  // unknown: ignored
  if (seen & (1u << index)) return Bad(FieldReason(name), "\"" + name + "\" is given twice");
  seen |= 1u << index;
  if (value.empty() && name != "article") return {};  // empty counts as absent
  if (name == "article") raw.article = std::move(value);
  if (name == "revision") raw.revision = std::move(value);
  if (name == "category") raw.category = std::move(value);
  if (name == "comment") raw.comment = std::move(value);
  if (name == "website") raw.honeypot_filled = true;
  if (name == "helpful") {
    if (value != "yes" && value != "no")
      return Bad(FeedbackReason::kBadHelpful, "\"helpful\" must be yes or no");
    raw.helpful = value == "yes";
  }
  return {};
}

// ---------------------------------------------------------------------------
// Masking

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsAlnum(char c) {
  return IsDigit(c) || IsAlpha(c);
}
bool IsLocalChar(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsDomainChar(char c) {
  return IsAlnum(c) || c == '.' || c == '-';
}
bool IsPhoneSep(char c) {
  return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')';
}

// End of the longest domain at s[d...] with at least two non-empty labels and
// an alphabetic top-level label of two or more letters, ending where a label
// ends (before '.', '-' or a byte that cannot be in a domain); d when there is
// none. The longest such prefix, not only the whole run: in
// "jo@mail.example.2024 5550123" the run is no domain, but once the number
// after it is masked as a phone "jo@mail.example" would be left readable.
size_t DomainEnd(std::string_view s, size_t d) {
  size_t best = d;
  size_t last_dot = std::string_view::npos;
  bool tld_alpha = false;  // every byte since last_dot is a letter
  size_t e = d;
  for (; e < s.size() && IsDomainChar(s[e]); ++e) {
    const char c = s[e];
    if (c != '.' && c != '-') {
      tld_alpha = tld_alpha && IsAlpha(c);
      continue;
    }
    if (last_dot != std::string_view::npos && tld_alpha && e - last_dot >= 3) best = e;
    tld_alpha = c == '.';
    if (c == '.') {
      if (e == d || s[e - 1] == '.') return best;  // a leading dot or "..": no longer domain
      last_dot = e;
    }
  }
  if (last_dot != std::string_view::npos && tld_alpha && e - last_dot >= 3) best = e;
  return best;
}

struct Span {
  size_t begin, end;
};

// Email spans, sorted and disjoint. Each byte is looked at by at most one
// backward and one forward scan ('@' stops both), so this is linear.
std::vector<Span> FindEmails(std::string_view s) {
  std::vector<Span> spans;
  size_t floor = 0;  // a span may not start before this
  for (size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    if (at < floor) continue;
    size_t begin = at;
    while (begin > floor && IsLocalChar(s[begin - 1])) --begin;
    while (begin < at && s[begin] == '.') ++begin;
    const size_t end = DomainEnd(s, at + 1);
    if (begin == at || end == at + 1) continue;
    spans.push_back({begin, end});
    floor = end;
  }
  return spans;
}

// Facts about one run of digit groups, to tell phones from dates and decimals.
struct DigitRun {
  size_t end = 0;  // one past the last digit
  size_t digits = 0;
  size_t groups = 0;
  size_t len[3] = {0, 0, 0};  // lengths of the first three groups
  char sep = 0;               // the separator when every one is the same single character; else 0
  bool mixed = false;
};

// Scans digit groups from s[p] (a digit): groups are joined by up to three of
// " -()" or by exactly one '.'. Touches at most 3 bytes past the run's end.
DigitRun ScanDigits(std::string_view s, size_t p) {
  DigitRun run;
  for (;;) {
    size_t q = p;
    while (q < s.size() && IsDigit(s[q])) ++q;
    if (run.groups < 3) run.len[run.groups] = q - p;
    ++run.groups;
    run.digits += q - p;
    run.end = q;
    size_t r = q;
    while (r < s.size() && r - q < 4 && IsPhoneSep(s[r])) ++r;
    const size_t n = r - q;
    if (n == 0 || n > 3 || r >= s.size() || !IsDigit(s[r])) break;
    const std::string_view seps = s.substr(q, n);
    if (seps.find('.') != std::string_view::npos && n != 1) break;  // ". 12": a sentence, not a phone
    if (n != 1 || (run.sep != 0 && run.sep != seps[0])) run.mixed = true;
    if (!run.mixed) run.sep = seps[0];
    p = r;
  }
  if (run.mixed) run.sep = 0;
  return run;
}

bool LooksLikeDate(const DigitRun& r) {
  if (r.groups != 3 || (r.sep != '.' && r.sep != '-')) return false;
  auto day = [](size_t n) { return n == 1 || n == 2; };
  return (day(r.len[0]) && day(r.len[1]) && r.len[2] == 4) ||
         (r.len[0] == 4 && day(r.len[1]) && day(r.len[2]));
}

bool LooksLikeDecimal(const DigitRun& r) {
  return r.groups == 2 && r.sep == '.';
}

// Copies s to out with phone numbers masked. Linear: every run is scanned once.
// What follows a masked phone is judged as the output will read, after the
// "]" of the mask, not after the digits it replaced: otherwise the '+' in
// "5550123456+1234.5678" is glued to a digit in s but starts a phone in the
// output, and masking the output again would change it.
void MaskPhones(std::string_view s, std::string& out) {
  size_t i = 0;
  bool after_mask = false;
  while (i < s.size()) {
    const char c = s[i];
    const bool boundary = i == 0 || after_mask || !IsAlnum(s[i - 1]);
    after_mask = false;
    size_t first = i;  // first digit
    if (c == '+' || c == '(') ++first;
    if (c == '+' && first < s.size() && s[first] == '(') ++first;
    if (!boundary || first >= s.size() || !IsDigit(s[first]) || (c != '+' && c != '(' && !IsDigit(c))) {
      out += c;
      ++i;
      continue;
    }
    const DigitRun run = ScanDigits(s, first);
    const std::string_view text = s.substr(i, run.end - i);
    const bool phone = run.digits >= 7 && (c == '+' || (!LooksLikeDate(run) && !LooksLikeDecimal(run)));
    if (!phone) {
      out.append(text);
    } else if (text.front() == '(' && text.find(')') == std::string_view::npos) {
      out += "([phone removed]";  // "(5551234567)": keep the brackets balanced
    } else {
      out += "[phone removed]";
    }
    after_mask = phone;
    i = run.end;
  }
}

// The result of a parser for its callers: the input, or kInvalid with the
// message (and the reason in *why).
Result<FeedbackInput> Finish(Fault fault, FeedbackInput&& in, FeedbackReason* why) {
  if (why) *why = fault.reason;
  if (!fault.ok()) return Status::Invalid(std::move(fault.message));
  return std::move(in);
}

Fault JsonFault(std::string_view body, FeedbackInput& in) {
  try {
    const Json doc = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return Bad(FeedbackReason::kBadBody, "the body is not valid JSON");
    if (!doc.is_object()) return Bad(FeedbackReason::kBadBody, "the body must be a JSON object");
    return FromJson(doc, in);
  } catch (const std::exception& e) {  // allocation failure or a library surprise
    return Bad(FeedbackReason::kBadBody, std::string("the body could not be read: ") + e.what());
  }
}

Fault FormFault(std::string_view body, FeedbackInput& in) {
  RawFeedback raw;
  unsigned seen = 0;
  std::string name, value;
  size_t start = 0;
  while (start <= body.size()) {
    size_t amp = body.find('&', start);
    if (amp == std::string_view::npos) amp = body.size();
    const std::string_view pair = body.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view raw_name = pair.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (!util::PercentDecode(raw_name, &name, true) || !util::PercentDecode(raw_value, &value, true)) {
      return Bad(FeedbackReason::kBadBody, "the form body has a malformed %-escape");
    }
    if (Fault f = TakeFormField(name, value, raw, seen); !f.ok()) return f;
  }
  if (raw.helpful && !raw.category) raw.category = *raw.helpful ? "helpful" : "other";
  return Validate(std::move(raw), in);
}

}  // namespace

Result<FeedbackInput> ParseFeedbackJson(std::string_view body, FeedbackReason* why) {
  FeedbackInput in;
  Fault fault = JsonFault(body, in);
  return Finish(std::move(fault), std::move(in), why);
}

Result<FeedbackInput> ParseFeedbackForm(std::string_view body, FeedbackReason* why) {
  FeedbackInput in;
  Fault fault = FormFault(body, in);
  return Finish(std::move(fault), std::move(in), why);
}

std::string_view FeedbackReasonLabel(FeedbackReason reason) {
  switch (reason) {
    case FeedbackReason::kNone:
      return "accepted";
    case FeedbackReason::kBadContentType:
      return "media_type";
    case FeedbackReason::kHoneypot:
      return "honeypot";
    case FeedbackReason::kRateLimited:
      return "rate_limited";
    case FeedbackReason::kUnknownArticle:
      return "unknown_article";
    case FeedbackReason::kUnknownRevision:
      return "unknown_revision";
    case FeedbackReason::kStoreError:
      return "store_error";
    default:
      return "invalid";
  }
}

int FeedbackReasonStatus(FeedbackReason reason) {
  switch (reason) {
    case FeedbackReason::kNone:
    case FeedbackReason::kHoneypot:
      return 0;
    case FeedbackReason::kBadContentType:
      return 415;
    case FeedbackReason::kRateLimited:
      return 429;
    case FeedbackReason::kUnknownArticle:
      return 404;
    case FeedbackReason::kStoreError:
      return 503;
    default:
      return 400;
  }
}

FeedbackReason FeedbackReasonOf(const Status& store_error) {
  switch (store_error.code()) {
    case Code::kNotFound:
      return FeedbackReason::kUnknownArticle;
    case Code::kInvalid:
      return FeedbackReason::kUnknownRevision;
    default:
      return FeedbackReason::kStoreError;
  }
}

std::string MaskPersonalData(std::string_view comment) {
  std::string out;
  out.reserve(comment.size());
  size_t pos = 0;
  for (const Span& email : FindEmails(comment)) {
    MaskPhones(comment.substr(pos, email.begin - pos), out);
    out += "[email removed]";
    pos = email.end;
  }
  MaskPhones(comment.substr(pos), out);
  return out;
}

// ---------------------------------------------------------------------------
// RateLimiter

RateLimiter::RateLimiter(Options options) : options_(options) {
  if (!(options_.burst >= 1)) options_.burst = 1;
  if (!(options_.per_minute > 0)) options_.per_minute = 0;
  if (options_.max_clients == 0) options_.max_clients = 1;
  if (sodium_init() < 0) {
    std::fputs("vetted: libsodium failed to initialize (no system randomness)\n", stderr);
    std::abort();
  }
  randombytes_buf(key_, sizeof key_);
}

std::string RateLimiter::KeyOf(std::string_view client) const {
  unsigned char out[crypto_generichash_BYTES_MIN];  // 16 bytes
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(client.data()), client.size(),
                     key_, sizeof key_);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

double RateLimiter::Refilled(const Bucket& b, std::chrono::steady_clock::time_point now) const {
  if (now <= b.last) return b.tokens;
  const double seconds = std::chrono::duration<double>(now - b.last).count();
  return std::min(options_.burst, b.tokens + seconds * options_.per_minute / 60.0);
}

void RateLimiter::MakeRoom(std::chrono::steady_clock::time_point now) {
  std::erase_if(buckets_, [&](const auto& kv) { return Refilled(kv.second, now) >= options_.burst; });
  const size_t max = options_.max_clients;
  const size_t target = max - std::max<size_t>(1, max / 10);
  if (buckets_.size() <= target) return;
  // Too few were full: drop the least recently seen down to target.
  std::vector<std::chrono::steady_clock::time_point> seen;
  seen.reserve(buckets_.size());
  for (const auto& kv : buckets_) seen.push_back(kv.second.last);
  const size_t drop = buckets_.size() - target;
  std::nth_element(seen.begin(), seen.begin() + (drop - 1), seen.end());
  const auto cutoff = seen[drop - 1];
  std::erase_if(buckets_, [&](const auto& kv) { return kv.second.last <= cutoff; });
}

Result<std::string> RateLimiter::SharedKeyOf(std::string_view client) {
  std::string secret;
  {
    std::lock_guard<std::mutex> lock(mu_);
    secret = shared_secret_;
  }
  if (secret.empty()) {
    std::string candidate(crypto_generichash_KEYBYTES, '\0');
    randombytes_buf(candidate.data(), candidate.size());
    Result<std::string> stored = options_.shared->LimitsSecret(candidate);
    if (!stored.ok()) return stored.status();
    secret = *stored;
    std::lock_guard<std::mutex> lock(mu_);
    shared_secret_ = secret;
  }
  // "f" + address: never the same input as the sign-in throttle's keys.
  std::string input = "f" + std::string(client);
  unsigned char out[crypto_generichash_BYTES_MIN];  // 16 bytes
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                     reinterpret_cast<const unsigned char*>(secret.data()),
                     std::min<size_t>(secret.size(), crypto_generichash_KEYBYTES_MAX));
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

bool RateLimiter::AllowAt(std::string_view client, double unix_seconds) {
  if (options_.shared == nullptr) return true;
  Result<std::string> key = SharedKeyOf(client);
  if (!key.ok()) return true;  // fail open: see feedback.h
  const double per_second = options_.per_minute / 60.0;
  // A bucket refills completely within burst / rate; forgetting it after that changes nothing.
  const double full_after = per_second > 0 ? options_.burst / per_second : 24 * 60 * 60;
  Result<bool> taken = options_.shared->TakeToken(*key, per_second, options_.burst, unix_seconds,
                                                  unix_seconds - full_after - 1);
  return !taken.ok() || *taken;
}

bool RateLimiter::Allow(std::string_view client, std::chrono::steady_clock::time_point now) {
  if (options_.shared != nullptr) {
    const double wall =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    return AllowAt(client, wall);
  }
  std::string key = KeyOf(client);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_clients) MakeRoom(now);
    it = buckets_.emplace(std::move(key), Bucket{options_.burst, now}).first;
  }
  Bucket& b = it->second;
  b.tokens = Refilled(b, now);
  b.last = std::max(b.last, now);
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

std::vector<std::string> RateLimiter::StoredKeysForTest() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> keys;
  for (const auto& kv : buckets_) keys.push_back(kv.first);
  return keys;
}

size_t RateLimiter::SizeForTest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

// ---------------------------------------------------------------------------
// FeedbackQueue

FeedbackQueue::FeedbackQueue(Commit commit, size_t max_batch)
    : commit_(std::move(commit)), max_batch_(std::max<size_t>(1, max_batch)), writer_([this] { Run(); }) {}

FeedbackQueue::~FeedbackQueue() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void FeedbackQueue::Submit(store::NewFeedback entry, std::function<void(Result<int64_t>)> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!closing_) {
      queue_.push_back(Pending{std::move(entry), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  if (done) done(Status::Io("shutting down"));
}

bool FeedbackQueue::ClosingForTest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closing_;
}

void FeedbackQueue::Run() {
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      const size_t n = std::min(max_batch_, queue_.size());
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitBatch(batch);
  }
}

void FeedbackQueue::CommitBatch(std::vector<Pending>& batch) {
  std::vector<store::NewFeedback> entries;
  entries.reserve(batch.size());
  for (Pending& p : batch) entries.push_back(std::move(p.entry));
  std::vector<Result<int64_t>> results;
  try {
    results = commit_(entries);
  } catch (const std::exception& e) {
    results.clear();
    while (results.size() < batch.size())
      results.push_back(Status::Internal(std::string("commit threw: ") + e.what()));
  } catch (...) {
    results.clear();
    while (results.size() < batch.size()) results.push_back(Status::Internal("commit threw"));
  }
  while (results.size() < batch.size()) {
    results.push_back(Status::Internal("commit returned fewer results than entries"));
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].done) continue;
    try {
      batch[i].done(std::move(results[i]));
    } catch (...) {  // a callback must not stop the writer
    }
  }
}

}  // namespace vetted::server
