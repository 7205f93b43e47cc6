// store/limits.h: the state of the rate limits that must hold across every
// node sharing one database (Store::Limits()): failed sign-ins
// (newsroom::SignInThrottle) and the reader feedback token buckets
// (server::RateLimiter). Kept in the store, so N nodes behind a load balancer
// give a guesser the same number of tries as one node.
//
// Keys are opaque bytes chosen by the caller, who passes keyed hashes (of a
// client address, an account's email), never a raw address: the store keeps
// what it is given. LimitsSecret() is the hash key all nodes share.
//
// Tables stay bounded: every AddFailure deletes the failures at or before
// its `prune_before` and keeps at most `keep` per key; every TakeToken deletes
// the buckets last used at or before its `prune_before`.
//
// Thread-safe; every method is atomic in the database (between threads and,
// on PostgreSQL, between nodes). kIo when the database fails.
#pragma once

#include <string>
#include <vector>

#include "model/status.h"

namespace vetted::store {

class LimitStore {
 public:
  virtual ~LimitStore() = default;

  // The database's limits secret (the key of the callers' keyed hashes). The
  // first call on a database stores `candidate` (non-empty random bytes the
  // caller made; kInvalid when empty) and returns it; every later call, from
  // any node, returns that stored value and ignores its candidate.
  virtual Result<std::string> LimitsSecret(const std::string& candidate) = 0;

  // Records one failure of `key` at `at` (unix seconds), then keeps only the
  // `keep` (>= 1) most recent failures of that key, and deletes every
  // failure of any key at or before `prune_before`.
  virtual Status AddFailure(const std::string& key, long long at, int keep, long long prune_before) = 0;
  // The times of `key`'s failures after `since` (time > since), oldest first.
  virtual Result<std::vector<long long>> FailuresSince(const std::string& key, long long since) = 0;
  // Forgets every failure of `key`.
  virtual Status ClearFailures(const std::string& key) = 0;

  // Token bucket of `key`: a new bucket holds `burst` tokens (values below 1
  // count as 1); a bucket refills `per_second` tokens a second (<= 0: never)
  // up to `burst`. Takes one token at `now` (unix seconds, fractional) when
  // the bucket holds at least one: true; else false, taking nothing. A `now`
  // earlier than the bucket's last use counts as no time passed. Then
  // deletes every bucket (any key) last used at or before `prune_before`
  // (callers pass a time by which a bucket has refilled completely, so
  // forgetting it changes nothing).
  virtual Result<bool> TakeToken(const std::string& key, double per_second, double burst, double now,
                                 double prune_before) = 0;
};

}  // namespace vetted::store
