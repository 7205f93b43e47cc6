// The page cache with a byte budget (page_cache.h).
#include "server/page_cache.h"

#include <utility>

namespace vetted::server {
namespace {

// glibc's malloc puts a header of two words before each chunk and rounds it up
// to 16 bytes: counted as 16 per allocation.
constexpr size_t kMallocOverhead = 16;
// A shared_ptr's control block (make_shared puts the object in it).
constexpr size_t kControlBlock = 2 * sizeof(void*) + 2 * sizeof(int);

// A string's heap bytes (none while it fits in the object: short-string
// optimisation, 15 characters in libstdc++).
size_t HeapBytes(const std::string& s) {
  return s.capacity() > 15 ? s.capacity() + 1 + kMallocOverhead : 0;
}

size_t SharedString(const std::shared_ptr<const std::string>& s) {
  return s ? kControlBlock + sizeof(std::string) + kMallocOverhead + HeapBytes(*s) : 0;
}

}  // namespace

size_t PageCache::EntryBytes(std::string_view key, const CachedPage& page) {
  // The list node (two links and the Entry), the hash node (key view,
  // iterator, next link, cached hash) and its bucket slot.
  size_t n = 2 * sizeof(void*) + sizeof(Entry) + kMallocOverhead;
  n += sizeof(std::string_view) + sizeof(List::iterator) + 2 * sizeof(void*) + kMallocOverhead;
  n += sizeof(void*);
  if (key.size() > 15) n += key.size() + 1 + kMallocOverhead;
  for (const std::string& url : page.related) n += sizeof(std::string) + HeapBytes(url);
  if (!page.related.empty()) n += kMallocOverhead;
  if (const CachedBody* b = page.body.get()) {
    n += kControlBlock + sizeof(CachedBody) + kMallocOverhead;
    n += HeapBytes(b->etag) + HeapBytes(b->last_modified);
    for (const auto* s : {&b->identity, &b->gzip, &b->br, &b->identity_head, &b->gzip_head, &b->br_head})
      n += SharedString(*s);
  }
  return n;
}

PageCache::PageCache(size_t budget) : budget_(budget), counters_(std::make_shared<PageCacheCounters>()) {}

void PageCache::Configure(size_t budget, std::shared_ptr<PageCacheCounters> counters) {
  List evicted;
  std::lock_guard<std::mutex> lock(mu_);
  budget_ = budget;
  if (counters) counters_ = std::move(counters);
  EvictLocked(evicted);
}

size_t PageCache::budget() const {
  std::lock_guard<std::mutex> lock(mu_);
  return budget_;
}

std::shared_ptr<PageCacheCounters> PageCache::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

std::optional<CachedPage> PageCache::Get(std::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  if (it->second != lru_.begin()) lru_.splice(lru_.begin(), lru_, it->second);
  const CachedPage& page = it->second->page;
  CachedPage out;
  out.body = page.body;
  out.verify = page.verify;
  if (page.verify) out.related = page.related;
  return out;
}

std::optional<CachedPage> PageCache::Peek(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  return it->second->page;
}

bool PageCache::Contains(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  return index_.count(key) > 0;
}

bool PageCache::Put(const std::string& key, CachedPage page) {
  const size_t bytes = EntryBytes(key, page);
  List evicted;  // freed after the lock is released
  CachedPage replaced;
  std::lock_guard<std::mutex> lock(mu_);
  if (bytes > budget_) return false;
  if (auto it = index_.find(key); it != index_.end()) {
    Entry& e = *it->second;
    bytes_ -= e.bytes;
    replaced = std::exchange(e.page, std::move(page));
    e.bytes = bytes;
    if (it->second != lru_.begin()) lru_.splice(lru_.begin(), lru_, it->second);
  } else {
    lru_.push_front(Entry{key, std::move(page), bytes});
    index_.emplace(lru_.front().key, lru_.begin());
  }
  bytes_ += bytes;
  EvictLocked(evicted);
  return true;
}

void PageCache::Refresh(std::string_view key, std::shared_ptr<const CachedBody> body) {
  List evicted;
  std::shared_ptr<const CachedBody> replaced;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return;
  Entry& e = *it->second;
  replaced = std::exchange(e.page.body, std::move(body));
  e.page.verify = false;
  size_t bytes = EntryBytes(e.key, e.page);
  bytes_ = bytes_ - e.bytes + bytes;
  e.bytes = bytes;
  if (bytes > budget_) {  // alone over the budget: goes
    List::iterator node = it->second;
    index_.erase(it);
    bytes_ -= bytes;
    evicted.splice(evicted.begin(), lru_, node);
    counters_->evictions.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  EvictLocked(evicted);
}

void PageCache::EvictLocked(List& out) {
  while (bytes_ > budget_ && !lru_.empty()) {
    auto last = std::prev(lru_.end());
    index_.erase(last->key);
    bytes_ -= last->bytes;
    out.splice(out.begin(), lru_, last);
    counters_->evictions.fetch_add(1, std::memory_order_relaxed);
  }
}

void PageCache::ForEach(const std::function<void(const std::string&, const CachedPage&)>& fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Entry& e : lru_) fn(e.key, e.page);
}

size_t PageCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

size_t PageCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

}  // namespace vetted::server
