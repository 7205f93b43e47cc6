// The content and feedback parts of the PostgreSQL backend beyond the
// contract suite: several nodes (stores) on one database writing at once,
// ImportArticles, and a 10,000-article import (timed, DISABLED_: run it with
// --gtest_also_run_disabled_tests).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "store/postgres/pg.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/testing/cluster.h"
#include "store/postgres/testing/schema_test.h"
#include "util/util.h"

namespace vetted::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

ArticleSource Article(const std::string& slug, const std::string& bytes) {
  ArticleSource a;
  a.path = "content/s/" + slug + ".md";
  a.url = "/s/" + slug + "/";
  a.revision = "sha256:" + util::Sha256Hex(bytes);
  a.bytes = bytes;
  a.search.title = slug;
  a.search.body = bytes;
  a.search.section = "/s/";
  return a;
}

ImportInput Site(const std::string& version, int articles = 3) {
  ImportInput in;
  for (int i = 0; i < articles; ++i)
    in.articles.push_back(Article("a" + std::to_string(i), "article " + std::to_string(i) + " " + version));
  in.files.push_back({"site.toml", "title = \"" + version + "\"\n"});
  return in;
}

class PostgresContentTest : public pg_testing::SchemaTest {};

std::vector<std::string> Paths(const Snapshot& snapshot) {
  std::vector<std::string> out;
  for (const SourceFile& f : snapshot.files) out.push_back(f.path);
  return out;
}

TEST_F(PostgresContentTest, TwoNodesImportingAtOnceGetOneGenerationEach) {
  std::unique_ptr<Store> a = Node(), b = Node();
  ASSERT_TRUE(a && b);
  constexpr int kImports = 15;
  std::vector<int64_t> generations[2];
  std::vector<Status> errors[2];
  auto run = [&](Store* store, int node) {
    for (int i = 0; i < kImports; ++i) {
      // Every import differs from anything stored: each changes something.
      Result<ImportReport> r = store->Import(Site("node" + std::to_string(node) + "-" + std::to_string(i)));
      if (r.ok())
        generations[node].push_back(r->generation);
      else
        errors[node].push_back(r.status());
    }
  };
  std::thread ta(run, a.get(), 0), tb(run, b.get(), 1);
  ta.join();
  tb.join();
  for (const auto& list : errors)
    for (const Status& s : list) ADD_FAILURE() << s.message();
  // Each import got a generation of its own: 1..30, none twice.
  std::set<int64_t> all(generations[0].begin(), generations[0].end());
  all.insert(generations[1].begin(), generations[1].end());
  EXPECT_EQ(all.size(), 2u * kImports);
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), 2 * kImports);
  EXPECT_EQ(*b->Generation(), 2 * kImports);
  // The content is the last import's, whole: every article, no mix of versions.
  Result<Snapshot> snap = a->Load();
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->generation, 2 * kImports);
  int last_node = generations[0].back() > generations[1].back() ? 0 : 1;
  ImportInput last = Site("node" + std::to_string(last_node) + "-" + std::to_string(kImports - 1));
  ASSERT_EQ(snap->files.size(), 4u);
  for (const ArticleSource& art : last.articles) {
    auto it = std::find_if(snap->files.begin(), snap->files.end(),
                           [&](const SourceFile& f) { return f.path == art.path; });
    ASSERT_NE(it, snap->files.end()) << art.path;
    EXPECT_EQ(it->bytes, art.bytes);
  }
  // One revision per import per article, one current each.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM revisions"), 3 * 2 * kImports);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM articles WHERE published"), 3);
}

TEST_F(PostgresContentTest, TwoNodesImportingArticlesAtOnceLoseNone) {
  std::unique_ptr<Store> a = Node(), b = Node();
  ASSERT_TRUE(a && b);
  constexpr int kEach = 20;
  std::vector<Status> errors;
  std::mutex mu;
  auto run = [&](Store* store, const std::string& prefix) {
    for (int i = 0; i < kEach; ++i) {
      Result<ImportReport> r = store->ImportArticles({Article(prefix + std::to_string(i), prefix + " text")});
      if (!r.ok()) {
        std::lock_guard lock(mu);
        errors.push_back(r.status());
      }
    }
  };
  std::thread ta(run, a.get(), "a"), tb(run, b.get(), "b");
  ta.join();
  tb.join();
  for (const Status& s : errors) ADD_FAILURE() << s.message();
  EXPECT_EQ(*a->Generation(), 2 * kEach);
  Result<Snapshot> snap = b->Load();
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->files.size(), 2u * kEach);
  Result<Changes> changes = a->ChangesSince(0);
  ASSERT_TRUE(changes.ok());
  EXPECT_TRUE(changes->complete);
  EXPECT_EQ(changes->articles.size(), 2u * kEach);
}

TEST_F(PostgresContentTest, AnotherNodesImportIsSeenByGenerationAndChangesSince) {
  std::unique_ptr<Store> a = Node(), b = Node();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->Import(Site("one")).ok());
  EXPECT_EQ(*b->Generation(), 1);
  Result<Snapshot> before = b->Load();
  ASSERT_TRUE(before.ok());

  ImportInput next = Site("one");
  next.articles[1].bytes = "changed on node a\n";
  next.articles.pop_back();  // a2 removed
  Result<ImportReport> r = a->Import(next);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->generation, 2);
  EXPECT_EQ(*b->Generation(), 2);
  Result<Changes> changes = b->ChangesSince(1);
  ASSERT_TRUE(changes.ok()) << changes.status().message();
  EXPECT_TRUE(changes->complete);
  EXPECT_EQ(changes->generation, 2);
  EXPECT_FALSE(changes->files_changed);
  ASSERT_EQ(changes->articles.size(), 1u);
  EXPECT_EQ(changes->articles[0].path, "content/s/a1.md");
  EXPECT_EQ(changes->articles[0].bytes, "changed on node a\n");
  EXPECT_THAT(changes->removed, ElementsAre("content/s/a2.md"));
  Result<Changes> none = b->ChangesSince(2);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->complete);
  EXPECT_TRUE(none->articles.empty() && none->removed.empty() && !none->files_changed);
}

// LISTEN/NOTIFY: node B, waiting, is woken by node A's import (not by its timeout); a wait with nothing new
// to hear (another schema's imports do not count) returns after the timeout.
TEST_F(PostgresContentTest, AnImportOnOneNodeWakesTheOthersWait) {
  std::unique_ptr<Store> a = Node(), b = Node();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->Import(Site("one")).ok());
  Result<int64_t> before = b->Generation();
  ASSERT_TRUE(before.ok());
  // The listener connects on its own thread: give it a moment to listen.
  for (int i = 0; i < 200 && !b->WaitForChange(*before, std::chrono::milliseconds(1)); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // Another site, in another schema of the same database, imports meanwhile: the channel is the database's,
  // but that is not this site's news.
  const std::string other_schema = schema_ + "_other";
  ASSERT_TRUE(pg_testing::DropSchema(other_schema).ok());
  Result<std::string> other_address = pg_testing::Address(other_schema);
  ASSERT_TRUE(other_address.ok());
  Result<std::unique_ptr<Store>> other = OpenPostgres(*other_address);
  ASSERT_TRUE(other.ok()) << other.status().message();
  std::thread elsewhere([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (int i = 0; i < 5; ++i) EXPECT_TRUE((*other)->Import(Site("elsewhere " + std::to_string(i))).ok());
  });
  auto quiet = std::chrono::steady_clock::now();
  EXPECT_TRUE(b->WaitForChange(*before, std::chrono::milliseconds(400)));
  EXPECT_GE(std::chrono::steady_clock::now() - quiet, std::chrono::milliseconds(350));  // nothing to hear
  elsewhere.join();
  other->reset();
  (void)pg_testing::DropSchema(other_schema);

  std::thread importer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(a->Import(Site("two")).ok());
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(b->WaitForChange(*before, std::chrono::seconds(20)));
  auto waited = std::chrono::steady_clock::now() - start;
  importer.join();
  EXPECT_LT(waited, std::chrono::seconds(10));  // woken by the notification, far before the timeout
  Result<int64_t> after = b->Generation();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *before + 1);
}

TEST_F(PostgresContentTest, FeedbackThroughTwoNodesAtOnceIsStoredOnceEach) {
  std::unique_ptr<Store> a = Node(), b = Node();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->Import(Site("one")).ok());
  constexpr int kThreadsPerNode = 3, kBatches = 15, kPerBatch = 4;
  std::mutex mu;
  std::vector<int64_t> ids;
  std::vector<std::string> errors;
  auto run = [&](Store* store, int thread) {
    for (int i = 0; i < kBatches; ++i) {
      std::vector<NewFeedback> batch;
      for (int k = 0; k < kPerBatch; ++k) {
        NewFeedback f;
        f.article_url = "/s/a" + std::to_string(k % 3) + "/";
        f.category = "error";
        f.comment = "t" + std::to_string(thread) + " b" + std::to_string(i);
        f.created_at = "2026-12-07T10:00:00Z";
        batch.push_back(f);
      }
      std::vector<Result<int64_t>> results = store->AddFeedback(batch);
      std::lock_guard lock(mu);
      int64_t previous = 0;
      for (const Result<int64_t>& r : results) {
        if (!r.ok()) {
          errors.push_back(r.status().message());
          continue;
        }
        if (*r <= previous) errors.push_back("ids within a batch do not grow");
        previous = *r;
        ids.push_back(*r);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kThreadsPerNode; ++t) threads.emplace_back(run, t % 2 == 0 ? a.get() : b.get(), t);
  for (std::thread& t : threads) t.join();
  EXPECT_THAT(errors, IsEmpty());
  constexpr size_t kTotal = 2 * kThreadsPerNode * kBatches * kPerBatch;
  EXPECT_EQ(ids.size(), kTotal);
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), kTotal);
  Result<std::vector<FeedbackRecord>> listed = b->ListFeedback();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), kTotal);
  std::sort(ids.begin(), ids.end());
  for (size_t i = 0; i < kTotal; ++i) EXPECT_EQ((*listed)[i].id, ids[i]);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM feedback"), static_cast<int64_t>(kTotal));
}

TEST_F(PostgresContentTest, FeedbackOnAnOlderRevisionAndRefusedEntries) {
  std::unique_ptr<Store> store = Node();
  ASSERT_TRUE(store);
  ImportInput one = Site("one");
  ASSERT_TRUE(store->Import(one).ok());
  ASSERT_TRUE(store->Import(Site("two")).ok());
  auto entry = [](const std::string& url, const std::string& revision) {
    NewFeedback f;
    f.article_url = url;
    f.revision = revision;
    f.category = "other";
    f.created_at = "2026-12-07T10:00:00Z";
    return f;
  };
  std::vector<Result<int64_t>> results =
      store->AddFeedback({entry("/s/a0/", one.articles[0].revision), entry("/nowhere/", ""),
                          entry("/s/a0/", "sha256:unknown"), entry("/s/a0/", "")});
  ASSERT_EQ(results.size(), 4u);
  ASSERT_TRUE(results[0].ok()) << results[0].status().message();
  EXPECT_EQ(results[1].status().code(), Code::kNotFound);
  EXPECT_EQ(results[2].status().code(), Code::kInvalid);
  ASSERT_TRUE(results[3].ok());
  EXPECT_LT(*results[0], *results[3]);
  Result<std::vector<FeedbackRecord>> listed = store->ListFeedback();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].revision, one.articles[0].revision);
  EXPECT_EQ((*listed)[1].revision, Site("two").articles[0].revision);
}

TEST_F(PostgresContentTest, ImportArticlesTouchesOnlyItsArticles) {
  std::unique_ptr<Store> store = Node();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Import(Site("one")).ok());
  ImportInput site = Site("one");
  ArticleSource changed = site.articles[0];
  changed.bytes = "new bytes\n";
  changed.revision = "sha256:" + util::Sha256Hex(changed.bytes);
  Result<ImportReport> r =
      store->ImportArticles({changed, site.articles[1], Article("fresh", "a fresh article\n")});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_THAT(r->added, ElementsAre("content/s/fresh.md"));
  EXPECT_THAT(r->changed, ElementsAre("content/s/a0.md"));
  EXPECT_THAT(r->removed, IsEmpty());
  EXPECT_EQ(r->unchanged, 1u);
  EXPECT_EQ(r->files_changed, 0u);
  EXPECT_EQ(r->generation, 2);
  Result<Snapshot> snap = store->Load();
  ASSERT_TRUE(snap.ok());
  EXPECT_THAT(Paths(*snap), ElementsAre("content/s/a0.md", "content/s/a1.md", "content/s/a2.md",
                                        "content/s/fresh.md", "site.toml"));
  Result<Changes> changes = store->ChangesSince(1);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->articles.size(), 2u);
  EXPECT_EQ(changes->articles[0].path, "content/s/a0.md");
  EXPECT_EQ(changes->articles[1].path, "content/s/fresh.md");

  // The same again changes nothing.
  Result<ImportReport> again = store->ImportArticles({changed});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 1u);
  EXPECT_EQ(again->generation, 2);

  // A URL another published article has: refused, nothing changed.
  ArticleSource clash = Article("other", "x");
  clash.url = "/s/a2/";
  Result<ImportReport> refused = store->ImportArticles({clash});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kInvalid);
  EXPECT_EQ(*store->Generation(), 2);
  // A moved URL frees the old one.
  ArticleSource moved = site.articles[2];
  moved.url = "/s/moved/";
  ASSERT_TRUE(store->ImportArticles({moved}).ok());
  Result<ImportReport> takes = store->ImportArticles({clash});
  ASSERT_TRUE(takes.ok()) << takes.status().message();
  EXPECT_THAT(takes->added, ElementsAre("content/s/other.md"));
  EXPECT_EQ(takes->generation, 4);
}

TEST_F(PostgresContentTest, AGlossaryChangeAloneReindexesAndBumpsTheGeneration) {
  std::unique_ptr<Store> store = Node();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Import(Site("one")).ok());
  ImportInput in = Site("one");
  in.articles[0].search.glossary = "other name";
  Result<ImportReport> r = store->Import(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->unchanged, 3u);
  EXPECT_EQ(r->generation, 2);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM articles WHERE search_glossary = 'other name'"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM revisions"), 3);
  EXPECT_EQ(store->Import(in)->generation, 2);
}

TEST_F(PostgresContentTest, AnEmptyImportRemovesEverything) {
  std::unique_ptr<Store> store = Node();
  ASSERT_TRUE(store);
  Result<ImportReport> nothing = store->Import({});
  ASSERT_TRUE(nothing.ok()) << nothing.status().message();
  EXPECT_EQ(nothing->generation, 0);
  ASSERT_TRUE(store->Import(Site("one")).ok());
  Result<ImportReport> r = store->Import({});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->removed.size(), 3u);
  EXPECT_EQ(r->files_changed, 1u);
  EXPECT_EQ(r->generation, 2);
  Result<Snapshot> snap = store->Load();
  ASSERT_TRUE(snap.ok());
  EXPECT_THAT(snap->files, IsEmpty());
  EXPECT_TRUE(store->ImportArticles({}).ok());
}

// Rows larger than one statement's share (32 MiB) go in several statements.
TEST_F(PostgresContentTest, LargeFilesAndArticlesGoInSeveralStatements) {
  std::unique_ptr<Store> store = Node();
  ASSERT_TRUE(store);
  ImportInput in;
  for (int i = 0; i < 2; ++i) {
    std::string big(17 << 20, static_cast<char>('a' + i));
    big[5] = '\0';  // bytea: any byte
    in.files.push_back({"static/big" + std::to_string(i) + ".bin", big});
    in.articles.push_back(
        Article("big" + std::to_string(i), std::string(17 << 20, static_cast<char>('k' + i))));
  }
  Result<ImportReport> r = store->Import(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->added.size(), 2u);
  EXPECT_EQ(r->files_changed, 2u);
  Result<Snapshot> snap = store->Load();
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->files.size(), 4u);
  for (const SourceFile& f : in.files) {
    auto it = std::find_if(snap->files.begin(), snap->files.end(),
                           [&](const SourceFile& g) { return g.path == f.path; });
    ASSERT_NE(it, snap->files.end());
    EXPECT_TRUE(it->bytes == f.bytes) << f.path;
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM revisions"), 2);
}

// Not a check: the time of a 10,000-article first import, of the same import
// again (nothing changed) and of one changed article.
TEST_F(PostgresContentTest, DISABLED_TenThousandArticleImport) {
  std::unique_ptr<Store> store = Node();
  ASSERT_TRUE(store);
  ImportInput in;
  for (int i = 0; i < 10000; ++i) {
    ArticleSource a = Article("article-" + std::to_string(i),
                              "---\ntitle: Article " + std::to_string(i) +
                                  "\n---\nSome words about sleep, trust and boundaries, number " +
                                  std::to_string(i) + ".\n");
    a.search.description = "A small article.";
    in.articles.push_back(std::move(a));
  }
  for (int i = 0; i < 200; ++i) in.files.push_back({"people/p" + std::to_string(i) + ".yaml", "name: P\n"});
  auto timed = [&](const char* what) {
    auto start = std::chrono::steady_clock::now();
    Result<ImportReport> r = store->Import(in);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(r.ok()) << r.status().message();
    std::printf("%s: %.2f s (added %zu, changed %zu, unchanged %zu, generation %lld)\n", what, seconds,
                r->added.size(), r->changed.size(), r->unchanged, static_cast<long long>(r->generation));
  };
  timed("first import of 10,000 articles");
  timed("same import again");
  in.articles[1234].bytes += "one more line\n";
  timed("one article changed");
  auto start = std::chrono::steady_clock::now();
  Result<Snapshot> snap = store->Load();
  ASSERT_TRUE(snap.ok());
  std::printf("load: %.2f s (%zu files)\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
              snap->files.size());
}

}  // namespace
}  // namespace vetted::store
