// Internal to server/app*.cc: the page cache of one content generation, held
// to a byte budget (AppOptions::cache_bytes, `vetted serve --cache-mb`).
//
// Every page is rendered on its first request and kept with its compressed
// forms; when the pages held pass the budget, the least recently used go (a
// strict LRU: a list in order of use and a hash map into it, O(1) per get and
// put). An evicted page is simply rendered again from the generation's
// content on its next request: the cache never holds anything a generation
// could not produce again, so eviction cannot serve a wrong or stale page.
// Each generation has its own cache (the next one takes over the pages no
// change can affect, see app_update.cc); they share one budget setting and one
// set of counters.
//
// What counts against the budget (EntryBytes): the bytes the page's strings
// hold (capacity, not size: body, gzip and brotli forms, their header blocks,
// ETag, Last-Modified, key, related URLs) and a fixed estimate of the
// allocations around them (list and hash nodes, shared_ptr control blocks,
// malloc headers). A body still being sent when its page is evicted lives
// until the response is written.
//
// Thread safety: every method may be called from any thread. One mutex,
// held for a hash lookup and a list splice on a hit; a page's memory is freed
// after the lock is released.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/app.h"
#include "server/responder.h"

namespace vetted::server {

// A page in the cache, with what it was rendered from besides the content.
struct CachedPage {
  std::shared_ptr<const CachedBody> body;
  // An article page: the URLs Store::Related answered when it was rendered.
  std::vector<std::string> related;
  // Carried over from an earlier generation: Related is asked again on the
  // first hit (the index's answer may have changed with any import).
  bool verify = false;
};

// Counted over every generation's cache (shared by them).
struct PageCacheCounters {
  std::atomic<uint64_t> evictions{0};
};

class PageCache {
 public:
  explicit PageCache(size_t budget = kDefaultCacheBytes);
  PageCache(const PageCache&) = delete;
  PageCache& operator=(const PageCache&) = delete;

  // Sets the budget and the counters (before the cache is shared with other
  // threads, or at any time: a smaller budget evicts at once).
  void Configure(size_t budget, std::shared_ptr<PageCacheCounters> counters);
  size_t budget() const;
  std::shared_ptr<PageCacheCounters> counters() const;

  // The page at `key`, now the most recently used; nullopt when not cached.
  // `related` is copied only when `verify` is set (the only time it is read).
  std::optional<CachedPage> Get(std::string_view key);
  // Like Get, without touching the order of use, and with `related` (tests,
  // and the next generation taking pages over).
  std::optional<CachedPage> Peek(std::string_view key) const;
  bool Contains(std::string_view key) const;
  // Adds or replaces the page at `key` as the most recently used, then evicts
  // the least recently used until the cache is within its budget. A page
  // larger than the whole budget is not kept (an older version at `key`
  // stays: it is as right as the new one). False when not kept.
  bool Put(const std::string& key, CachedPage page);

  // The page at `key` is verified (verify cleared) and takes `body`, the same
  // page with another encoding added; its `related` stays. Nothing when the
  // page is no longer cached (it is rendered again when next asked for).
  void Refresh(std::string_view key, std::shared_ptr<const CachedBody> body);

  // Every page, most recently used first (under the lock: `fn` must not call
  // back into this cache).
  void ForEach(const std::function<void(const std::string& key, const CachedPage& page)>& fn) const;

  size_t size() const;   // pages held
  size_t bytes() const;  // their EntryBytes, summed: never above budget()

  // What one page held at `key` counts against the budget.
  static size_t EntryBytes(std::string_view key, const CachedPage& page);

 private:
  struct Entry {
    std::string key;
    CachedPage page;
    size_t bytes = 0;
  };
  using List = std::list<Entry>;
  // Evicts from the back while over budget; the evicted entries go to `out`
  // (freed by the caller after unlocking).
  void EvictLocked(List& out);

  mutable std::mutex mu_;
  List lru_;                                                    // most recently used first
  std::unordered_map<std::string_view, List::iterator> index_;  // keys point into lru_'s entries
  size_t bytes_ = 0;
  size_t budget_;
  std::shared_ptr<PageCacheCounters> counters_;
};

}  // namespace vetted::server
