// The page cache's hit path, alone: PageCache::Get against what the server
// did before the byte budget (a shared_mutex held shared, a hash lookup and a
// copy of the cached page, its related URLs included), on 1,000 keys, from
// one or more threads. Not part of the build:
//
//   g++ -O2 -std=c++20 -Isrc bench/cache_get.cc src/server/page_cache.cc -o /tmp/cache_get -lpthread
//   /tmp/cache_get 1 && /tmp/cache_get 2
#include <chrono>
#include <cstdio>
#include <shared_mutex>
#include <thread>

#include "server/page_cache.h"
using namespace vetted::server;
int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.push_back("/section/some-article-slug-" + std::to_string(i) + "/");
  auto body = std::make_shared<CachedBody>();
  body->identity = std::make_shared<const std::string>(30000, 'x');
  std::vector<std::string> related;
  for (int r = 0; r < 5; ++r) related.push_back("/section/related-article-number-" + std::to_string(r) + "/");
  PageCache cache(size_t{1} << 30);
  std::unordered_map<std::string, CachedPage> old;
  std::shared_mutex mu;
  for (auto& k : keys) {
    cache.Put(k, CachedPage{body, related, false});
    old[k] = CachedPage{body, related, false};
  }
  const int N = 2000000;
  auto time = [&](const char* name, auto fn) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
      ts.emplace_back([&, t] {
        size_t s = 0;
        for (int i = 0; i < N; ++i) s += fn(keys[(i * 7 + t) % keys.size()]);
        if (s == 42) puts("");
      });
    for (auto& t : ts) t.join();
    double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / N;
    printf("%-40s %d threads: %.0f ns per get (wall, per thread)\n", name, threads, ns);
  };
  for (int rep = 0; rep < 3; ++rep) {
    time("before: shared_mutex + copy of the page", [&](const std::string& k) -> size_t {
      std::shared_lock<std::shared_mutex> lock(mu);
      auto it = old.find(k);
      CachedPage p = it->second;
      lock.unlock();
      return p.body->identity->size();
    });
    time("after: PageCache::Get (mutex, LRU splice)", [&](const std::string& k) -> size_t {
      auto p = cache.Get(k);
      return p->body->identity->size();
    });
  }
}
