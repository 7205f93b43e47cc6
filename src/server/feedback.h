// Internal to server/: the pieces of reader feedback that do not need a
// socket or a site: parsing and validating a submission (JSON or the no-JS
// form), masking personal data in comments, a per-client rate limiter that
// never keeps a raw address, and the group-commit queue that writes feedback
// durably in batches.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/status.h"
#include "store/store.h"

namespace vetted::server {

// Limits of a feedback submission.
inline constexpr size_t kMaxCommentChars = 2000;  // Unicode code points
inline constexpr size_t kMaxArticleBytes = 512;
inline constexpr size_t kMaxRevisionBytes = 128;

// Why a feedback post was not stored (or, for kHoneypot, stored nothing
// while answered as if stored). Carried from validation to the response: the
// status, the metrics label and the readers' message come from it, never
// from an error message's text.
enum class FeedbackReason {
  kNone,             // accepted
  kBadBody,          // not JSON / not an object / malformed form; 400
  kBadArticle,       // "article" missing or not a URL path; 400
  kBadHelpful,       // "helpful" missing, not a boolean / yes|no, or given twice; 400
  kBadCategory,      // "category" missing, not one of the three, or given twice; 400
  kTooLong,          // "comment" over 2,000 code points; 400
  kBadComment,       // "comment" not a string or not UTF-8, or given twice; 400
  kBadRevision,      // "revision" over 128 bytes or not printable ASCII; 400
  kBadContentType,   // /api/feedback without Content-Type: application/json; 415
  kHoneypot,         // the hidden field was filled: a bot
  kRateLimited,      // too many posts from this client; 429
  kUnknownArticle,   // no published article at that URL; 404
  kUnknownRevision,  // the article never had that revision; 400
  kStoreError,       // the store failed; 503
};

// The `reason` label of vetted_feedback_total{result="rejected",...}:
// "invalid" for every kBad*/kTooLong, then "media_type", "honeypot",
// "rate_limited", "unknown_article", "unknown_revision", "store_error".
std::string_view FeedbackReasonLabel(FeedbackReason reason);
// The HTTP status refusing a post for `reason` (kNone and kHoneypot: 0).
int FeedbackReasonStatus(FeedbackReason reason);
// The reason a store error from Store::AddFeedback stands for: kNotFound ->
// kUnknownArticle, kInvalid -> kUnknownRevision, anything else kStoreError.
FeedbackReason FeedbackReasonOf(const Status& store_error);

// A validated feedback submission, before masking and storage.
struct FeedbackInput {
  std::string article;   // URL path of the article: starts with '/', at most 512 bytes, no control bytes
  std::string revision;  // revision hash the reader saw; "" when not sent
  bool helpful = false;
  std::string category;          // "helpful" | "error" | "other"
  std::string comment;           // valid UTF-8, at most 2,000 code points; may be empty; NOT yet masked
  bool honeypot_filled = false;  // the hidden "website" field had a value: a bot (caller drops it quietly)
};

// POST /api/feedback body:
//   {"article": "/a/b/", "helpful": true|false, "category": "helpful"|"error"|"other",
//    "comment": "...", "revision": "sha256:...", "website": ""}
// "article", "helpful" and "category" are required; "comment", "revision" and
// "website" (the honeypot) are optional, and null counts as absent. Unknown
// fields are ignored. A honeypot holding anything but "" or null sets
// honeypot_filled (the submission is otherwise validated as usual).
// Errors: kInvalid with a message fit to show the client: not JSON (or not
// UTF-8), not an object, a required field missing, a field of the wrong type,
// a category outside the three, a comment over 2,000 code points, an article
// that is not a path starting with '/' or is over 512 bytes or holds control
// bytes, a revision over 128 bytes or with bytes outside printable ASCII.
// `why` (optional) receives the reason of a failure (kNone on success).
// Never throws. Thread-safe (pure).
Result<FeedbackInput> ParseFeedbackJson(std::string_view body, FeedbackReason* why = nullptr);

// POST /feedback body (application/x-www-form-urlencoded, from the form that
// works without JavaScript): fields article, revision, helpful=yes|no,
// category, comment, website (honeypot). '+' is a space and %XX is decoded in
// names and values. "helpful" is required; a missing or empty "category"
// defaults to "helpful" when helpful=yes and "other" when helpful=no; empty
// "revision"/"comment"/"website" count as absent. Unknown fields are ignored.
// Errors: kInvalid as for ParseFeedbackJson (same messages), plus a malformed
// %-escape, a field given twice, helpful other than yes/no, and decoded text
// that is not UTF-8. `why` as for ParseFeedbackJson. Never throws.
// Thread-safe (pure).
Result<FeedbackInput> ParseFeedbackForm(std::string_view body, FeedbackReason* why = nullptr);

// Replaces personal data in a comment:
//   - email addresses (local@domain.tld) by "[email removed]";
//   - phone numbers by "[phone removed]": a run of 7 or more digits, with
//     spaces, dashes, parentheses or single dots between digit groups and an
//     optional leading '+' ("+44 20 7946 0958", "(555) 123-4567",
//     "07700900123", "555.123.4567").
// Left alone: numbers under 7 digits ("2024", "500 mg", "3 times a day"),
// dates ("12/03/2024", "12.03.2024", "2024-03-12"), decimals ("3.1415926"),
// and digits glued to letters ("A1234567"). Known cost: any other number of
// 7+ digits ("1000000", "1 000 000", "1.000.000") is masked as a phone.
// Hand-written scanner, linear time, works on UTF-8 bytes (non-ASCII bytes
// are never part of a match). Thread-safe (pure).
std::string MaskPersonalData(std::string_view comment);

// Per-client token bucket: each client may make `burst` requests at once and
// then `per_minute` a minute. Clients are keyed by a keyed hash of their
// address (BLAKE2b via libsodium crypto_generichash, 16 bytes, with a random
// 32-byte key made at construction), so the raw address is never stored and
// keys cannot be linked across restarts.
// With Options::shared (Store::Limits()), the buckets live in the store
// instead, so every node sharing the database shares them (a client gets one
// burst, not one per node): keys are then hashed with the database's
// LimitsSecret (the same on every node), time is the wall clock (nodes share
// it; steady clocks are per machine), and the store forgets a bucket once it
// has refilled completely (with no refill: a day after its last use). A
// store error lets the request through (the feedback's own write then fails
// or not on its own).
// In memory, memory is bounded by max_clients: when the table is full, buckets that have
// refilled completely are dropped (forgetting them changes nothing); if that
// frees less than a tenth of the table, the least recently seen buckets are
// dropped too (those clients get a fresh burst). Amortized O(1) per call.
// Thread-safe: Allow may be called from any number of threads.
// Aborts the process if libsodium cannot initialize (no system randomness).
class RateLimiter {
 public:
  struct Options {
    double per_minute = 10;       // refill rate; <= 0 means no refill
    double burst = 5;             // bucket size; values below 1 count as 1
    size_t max_clients = 100000;  // at least 1; in memory only
    // Where the buckets live (must outlive the limiter); nullptr = this
    // process's memory.
    store::LimitStore* shared = nullptr;
  };

  explicit RateLimiter(Options options);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // True when `client` (an address, any bytes) may make a request at `now`,
  // taking one token. A `now` earlier than the client's last call counts as
  // no time passed.
  // With a shared store, `now` is ignored and the wall clock is used.
  bool Allow(std::string_view client, std::chrono::steady_clock::time_point now);
  // With a shared store: as Allow at `unix_seconds` (wall clock; tests).
  bool AllowAt(std::string_view client, double unix_seconds);

  // Test only: the keys of the table (raw hash bytes) and its size.
  std::vector<std::string> StoredKeysForTest() const;
  size_t SizeForTest() const;

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last;
  };
  std::string KeyOf(std::string_view client) const;
  // The store's key of a client: keyed with the shared secret (fetched once).
  Result<std::string> SharedKeyOf(std::string_view client);
  double Refilled(const Bucket& b, std::chrono::steady_clock::time_point now) const;
  void MakeRoom(std::chrono::steady_clock::time_point now);

  Options options_;
  unsigned char key_[32];
  mutable std::mutex mu_;
  std::string shared_secret_;  // guarded by mu_; "" until fetched
  std::unordered_map<std::string, Bucket> buckets_;
};

// Group commit for feedback. One writer thread takes everything queued (up to
// max_batch entries), calls `commit` once for the whole batch (one
// transaction), then calls each entry's `done` with its own result, in
// submission order. While a commit runs, new submissions queue up and form
// the next batch, so batches grow exactly when submitters outpace the
// database. max_batch = 1 gives one transaction per submission.
// Thread safety: Submit may be called from any thread, also from a `done`
// callback. `commit` and every `done` run on the writer thread, one at a time;
// they must not throw (if they do, the batch gets kInternal / the exception
// is dropped). The queue itself is unbounded: callers bound it (connections,
// rate limits).
class FeedbackQueue {
 public:
  // Must return one result per entry, in order (a wrong count gives the
  // entries without a result kInternal).
  using Commit = std::function<std::vector<Result<int64_t>>(const std::vector<store::NewFeedback>&)>;

  // max_batch 0 counts as 1. Starts the writer thread.
  FeedbackQueue(Commit commit, size_t max_batch);
  // Stops accepting (later Submit calls get kIo "shutting down"), commits
  // everything already submitted, calls its done callbacks, then joins the
  // writer. Must not run on the writer thread (i.e. inside a done callback).
  ~FeedbackQueue();
  FeedbackQueue(const FeedbackQueue&) = delete;
  FeedbackQueue& operator=(const FeedbackQueue&) = delete;

  // Enqueues `entry` and returns at once; `done` later receives the new id or
  // the error, on the writer thread. After shutdown began, `done` is called
  // right away on the caller's thread with kIo "shutting down".
  void Submit(store::NewFeedback entry, std::function<void(Result<int64_t>)> done);

  // Test only: true once the destructor has begun.
  bool ClosingForTest() const;

 private:
  struct Pending {
    store::NewFeedback entry;
    std::function<void(Result<int64_t>)> done;
  };
  void Run();
  void CommitBatch(std::vector<Pending>& batch);

  Commit commit_;
  size_t max_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool closing_ = false;
  std::thread writer_;  // last: starts after every other member exists
};

}  // namespace vetted::server
