// PageCache (page_cache.h): the byte budget, least-recently-used eviction,
// what a page counts, and many threads at once.
#include "server/page_cache.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace vetted::server {
namespace {

// A page whose body is `bytes` long (identity only, as MakeBody makes it).
CachedPage PageOf(const std::string& text, std::vector<std::string> related = {}) {
  return CachedPage{MakeBody(text, "page/", BodyOptions{}), std::move(related), false};
}

std::string Text(const std::string& key, size_t n) {
  std::string out = key + ":";
  out.resize(n, 'x');
  return out;
}

// The keys held, most recently used first.
std::vector<std::string> Keys(const PageCache& cache) {
  std::vector<std::string> out;
  cache.ForEach([&](const std::string& key, const CachedPage&) { out.push_back(key); });
  return out;
}

size_t SumOfEntries(const PageCache& cache) {
  size_t sum = 0;
  cache.ForEach(
      [&](const std::string& key, const CachedPage& page) { sum += PageCache::EntryBytes(key, page); });
  return sum;
}

TEST(PageCacheTest, APageCountsItsBodiesKeyAndBookkeeping) {
  CachedPage page = PageOf(std::string(10000, 'a'), {"/a/long/related/url/one/", "/a/long/related/url/two/"});
  size_t bytes = PageCache::EntryBytes("/a/page/", page);
  EXPECT_GT(bytes, 10000 + page.body->identity_head->size() + 2 * 24);
  EXPECT_LT(bytes, 10000 + page.body->identity_head->size() + 1500) << "an estimate, not a guess";
  // A compressed form adds its own bytes.
  CachedPage gz{WithEncoding(*page.body, Encodings::kGzip), page.related, false};
  ASSERT_TRUE(gz.body->gzip);
  EXPECT_GE(PageCache::EntryBytes("/a/page/", gz),
            bytes + gz.body->gzip->size() + gz.body->gzip_head->size());
  // The compressor's buffer (sized for the input) is not kept.
  EXPECT_LT(gz.body->gzip->capacity(), 1000u);
}

// The estimate against what glibc's malloc says is in use: pages as the
// server makes them (rendered HTML grown by appends, a compressed form, a
// long key, related URLs), counted within 10% of the heap they take.
TEST(PageCacheTest, TheCountMatchesWhatMallocHolds) {
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer replaces malloc: glibc's mallinfo2 no longer sees these
  // allocations (and ASan pads each one), so there is nothing to compare.
  GTEST_SKIP() << "measures glibc's malloc, which AddressSanitizer replaces";
#endif
  PageCache cache(size_t{1} << 30);
  const size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 400; ++i) {
    std::string key = "/section/subsection/an-article-with-a-long-slug-" + std::to_string(i) + "/";
    std::string html;
    for (int line = 0; line < 600; ++line)
      html += "<p>Line " + std::to_string(line * 7919 % 1000 + i) + " of an article about sleep.</p>\n";
    std::vector<std::string> related;
    for (int r = 0; r < 5; ++r)
      related.push_back("/section/related-article-number-" + std::to_string(r) + "/");
    CachedPage page{
        MakeBody(std::move(html), key, BodyOptions{}, i % 2 ? Encodings::kGzip : Encodings::kBrotli),
        std::move(related), false};
    ASSERT_TRUE(cache.Put(key, std::move(page)));
  }
  const double held = static_cast<double>(mallinfo2().uordblks - before);
  EXPECT_NEAR(static_cast<double>(cache.bytes()) / held, 1.0, 0.10)
      << "counted " << cache.bytes() << ", malloc holds " << held;
}

TEST(PageCacheTest, EvictsTheLeastRecentlyUsedToStayWithinTheBudget) {
  const size_t one = PageCache::EntryBytes("/k0/", PageOf(Text("/k0/", 4000)));
  PageCache cache(3 * one + one / 2);  // room for three pages
  for (const char* key : {"/k0/", "/k1/", "/k2/"}) ASSERT_TRUE(cache.Put(key, PageOf(Text(key, 4000))));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(Keys(cache), (std::vector<std::string>{"/k2/", "/k1/", "/k0/"}));
  ASSERT_TRUE(cache.Get("/k0/"));  // now the most recent: /k1/ is the least
  ASSERT_TRUE(cache.Put("/k3/", PageOf(Text("/k3/", 4000))));
  EXPECT_EQ(Keys(cache), (std::vector<std::string>{"/k3/", "/k0/", "/k2/"}));
  EXPECT_FALSE(cache.Get("/k1/"));
  EXPECT_EQ(cache.counters()->evictions.load(), 1u);
  EXPECT_EQ(cache.bytes(), SumOfEntries(cache));
  EXPECT_LE(cache.bytes(), cache.budget());
  // A page's body is what was put under its key.
  for (const char* key : {"/k0/", "/k2/", "/k3/"})
    EXPECT_EQ(*cache.Get(key)->body->identity, Text(key, 4000));
}

TEST(PageCacheTest, ALargerVersionMayEvictOthersButNeverItself) {
  const size_t one = PageCache::EntryBytes("/k0/", PageOf(Text("/k0/", 4000)));
  PageCache cache(3 * one);
  for (const char* key : {"/k0/", "/k1/", "/k2/"}) ASSERT_TRUE(cache.Put(key, PageOf(Text(key, 4000))));
  ASSERT_TRUE(cache.Put("/k0/", PageOf(Text("/k0/", 12000))));  // replaced, most recent
  EXPECT_EQ(Keys(cache), (std::vector<std::string>{"/k0/"}));
  EXPECT_EQ(cache.bytes(), SumOfEntries(cache));
  // Larger than the whole budget: not kept; the version held stays.
  EXPECT_FALSE(cache.Put("/k0/", PageOf(Text("/k0/", 3 * one))));
  EXPECT_EQ(cache.Get("/k0/")->body->identity->size(), 12000u);
  EXPECT_FALSE(cache.Put("/big/", PageOf(Text("/big/", 3 * one))));
  EXPECT_FALSE(cache.Contains("/big/"));
  EXPECT_LE(cache.bytes(), cache.budget());
}

TEST(PageCacheTest, ASmallerBudgetEvictsAtOnceAndCountersAreShared) {
  PageCache cache(1 << 20);
  for (int i = 0; i < 20; ++i) {
    std::string key = "/p" + std::to_string(i) + "/";
    ASSERT_TRUE(cache.Put(key, PageOf(Text(key, 2000))));
  }
  EXPECT_EQ(cache.size(), 20u);
  auto counters = std::make_shared<PageCacheCounters>();
  cache.Configure(cache.bytes() / 2, counters);
  EXPECT_LE(cache.bytes(), cache.budget());
  EXPECT_EQ(cache.bytes(), SumOfEntries(cache));
  EXPECT_EQ(counters->evictions.load(), 20 - cache.size());
  EXPECT_EQ(Keys(cache).back(), "/p" + std::to_string(20 - cache.size()) + "/") << "the oldest went first";
  PageCache next;
  next.Configure(cache.budget(), cache.counters());
  EXPECT_EQ(next.counters(), counters);
}

TEST(PageCacheTest, GetCopiesRelatedOnlyForAPageToVerifyAndRefreshKeepsIt) {
  PageCache cache;
  CachedPage page = PageOf(Text("/a/", 3000), {"/b/", "/c/"});
  page.verify = true;
  ASSERT_TRUE(cache.Put("/a/", page));
  std::optional<CachedPage> got = cache.Get("/a/");
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->verify);
  EXPECT_EQ(got->related, (std::vector<std::string>{"/b/", "/c/"}));
  cache.Refresh("/a/", WithEncoding(*got->body, Encodings::kGzip));
  got = cache.Get("/a/");
  EXPECT_FALSE(got->verify);
  EXPECT_TRUE(got->related.empty()) << "not needed once verified";
  EXPECT_TRUE(got->body->gzip);
  EXPECT_EQ(cache.Peek("/a/")->related, (std::vector<std::string>{"/b/", "/c/"}))
      << "kept for the next reload";
  EXPECT_EQ(cache.bytes(), SumOfEntries(cache));
  cache.Refresh("/gone/", got->body);  // not cached: nothing happens
  EXPECT_FALSE(cache.Contains("/gone/"));
}

// Many threads getting and putting 200 pages into room for 20: the budget
// holds throughout, and every page got is the one put under its key.
TEST(PageCacheTest, ManyThreadsNeverPassTheBudgetNorMixPages) {
  const size_t one = PageCache::EntryBytes("/p100/", PageOf(Text("/p100/", 3000)));
  PageCache cache(20 * one);
  std::atomic<bool> wrong{false}, over{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        std::string key = "/p" + std::to_string((i * 7 + t * 13) % 200 + 100) + "/";
        if (std::optional<CachedPage> page = cache.Get(key)) {
          if (*page->body->identity != Text(key, 3000)) wrong = true;
          if (i % 3 == 0) cache.Refresh(key, WithEncoding(*page->body, Encodings::kGzip));
        } else {
          cache.Put(key, PageOf(Text(key, 3000)));
        }
        if (cache.bytes() > cache.budget()) over = true;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_FALSE(wrong);
  EXPECT_FALSE(over);
  EXPECT_EQ(cache.bytes(), SumOfEntries(cache));
  EXPECT_GT(cache.counters()->evictions.load(), 0u);
}

}  // namespace
}  // namespace vetted::server
