#include "store/memory/memory_store.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/contract_test.h"

namespace vetted::store {
namespace {

// The contract's "folder" names the store: the same folder reopens the same data.
std::unique_ptr<Store> MakeMemory(const std::string& dir) {
  Result<std::unique_ptr<Store>> store = OpenMemory(dir);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Memory, StoreContract, ::testing::Values(StoreFactory{"Memory", MakeMemory}),
                         [](const auto& info) { return info.param.name; });

TEST(MemoryStem, Step1OfPorter) {
  struct Case {
    const char* word;
    const char* stem;
  } cases[] = {{"crying", "cry"},
               {"cry", "cry"},
               {"CRIED", "cri"},
               {"cries", "cri"},
               {"napping", "nap"},
               {"naps", "nap"},
               {"dreams", "dream"},
               {"caresses", "caress"},
               {"ponies", "poni"},
               {"caress", "caress"},
               {"agreed", "agree"},
               {"feed", "feed"},
               {"plastered", "plaster"},
               {"motoring", "motor"},
               {"sing", "sing"},
               {"conflated", "conflate"},
               {"hopping", "hop"},
               {"falling", "fall"},
               {"hissing", "hiss"},
               {"filing", "file"},
               {"happy", "happi"},
               {"sky", "sky"},
               {"is", "is"},
               {"caf\xC3\xA9s", "caf\xC3\xA9s"},
               {"COVID19", "covid19"},
               {"", ""}};
  for (const Case& c : cases) EXPECT_EQ(MemoryStem(c.word), c.stem) << c.word;
}

TEST(MemoryStore, UnnamedStoresAreSeparateNamedOnesShared) {
  Result<std::unique_ptr<Store>> a = OpenMemory("");
  Result<std::unique_ptr<Store>> b = OpenMemory("");
  ASSERT_TRUE(a.ok() && b.ok());
  ImportInput in;
  in.files.push_back({"site.toml", "x"});
  ASSERT_TRUE((*a)->Import(in).ok());
  EXPECT_EQ(*(*a)->Generation(), 1);
  EXPECT_EQ(*(*b)->Generation(), 0);

  EXPECT_EQ(OpenMemory("", /*create=*/false).status().code(), Code::kNotFound);
  EXPECT_EQ(OpenMemory("memory-test-missing", /*create=*/false).status().code(), Code::kNotFound);
  Result<std::unique_ptr<Store>> named = OpenMemory("memory-test-shared");
  ASSERT_TRUE(named.ok());
  ASSERT_TRUE((*named)->Import(in).ok());
  named = Status::NotFound("closed");  // the data outlives its last Store
  Result<std::unique_ptr<Store>> again = OpenMemory("memory-test-shared", /*create=*/false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->Generation(), 1);
}

ArticleSource Src(const std::string& path, const std::string& url, const std::string& bytes) {
  SearchDocument search;
  search.title = bytes;
  search.body = bytes + " body";
  return {path, url, "sha256:" + bytes, bytes, search};
}

// ImportArticles equals an Import of the stored content plus the articles:
// same report, same Load, same search, and ChangesSince names them.
TEST(MemoryStore, ImportArticlesEqualsAWholeImport) {
  ImportInput base;
  base.articles = {Src("content/a.md", "/a/", "apple"), Src("content/b.md", "/b/", "banana")};
  base.files = {{"site.toml", "x"}};
  Result<std::unique_ptr<Store>> one = OpenMemory(""), whole = OpenMemory("");
  ASSERT_TRUE(one.ok() && whole.ok());
  ASSERT_TRUE((*one)->Import(base).ok());
  ASSERT_TRUE((*whole)->Import(base).ok());

  const std::vector<ArticleSource> kSteps[] = {
      {Src("content/b.md", "/b/", "blueberry")},                                      // changed
      {Src("content/b.md", "/b/", "blueberry")},                                      // unchanged
      {Src("content/c.md", "/c/", "cherry"), Src("content/a.md", "/a/", "apricot")},  // added and changed
  };
  for (const auto& step : kSteps) {
    Result<ImportReport> r1 = (*one)->ImportArticles(step);
    ImportInput next = base;
    for (const ArticleSource& a : step) {
      auto it = std::find_if(next.articles.begin(), next.articles.end(),
                             [&](const ArticleSource& x) { return x.path == a.path; });
      if (it == next.articles.end())
        next.articles.push_back(a);
      else
        *it = a;
    }
    base = next;
    Result<ImportReport> r2 = (*whole)->Import(next);
    ASSERT_TRUE(r1.ok() && r2.ok()) << r1.status().message();
    EXPECT_EQ(r1->added, r2->added);
    EXPECT_EQ(r1->changed, r2->changed);
    EXPECT_EQ(r1->generation, r2->generation);
    Result<Snapshot> s1 = (*one)->Load(), s2 = (*whole)->Load();
    ASSERT_TRUE(s1.ok() && s2.ok());
    ASSERT_EQ(s1->files.size(), s2->files.size());
    for (size_t i = 0; i < s1->files.size(); ++i) {
      EXPECT_EQ(s1->files[i].path, s2->files[i].path);
      EXPECT_EQ(s1->files[i].bytes, s2->files[i].bytes);
    }
    for (const char* q : {"apple", "apricot", "blueberry", "cherry", "body"}) {
      Result<SearchResults> h1 = (*one)->Search({q}), h2 = (*whole)->Search({q});
      ASSERT_TRUE(h1.ok() && h2.ok());
      EXPECT_EQ(h1->total, h2->total) << q;
    }
  }
  Result<Changes> changes = (*one)->ChangesSince(2);
  ASSERT_TRUE(changes.ok());
  EXPECT_TRUE(changes->complete);
  ASSERT_EQ(changes->articles.size(), 2u);
  EXPECT_EQ(changes->articles[0].path, "content/a.md");
  EXPECT_EQ(changes->articles[1].path, "content/c.md");

  // A URL another published article has, or twice: refused, nothing changes.
  int64_t generation = *(*one)->Generation();
  EXPECT_EQ((*one)->ImportArticles({Src("content/d.md", "/a/", "date")}).status().code(), Code::kInvalid);
  EXPECT_EQ((*one)
                ->ImportArticles({Src("content/d.md", "/d/", "x"), Src("content/e.md", "/d/", "y")})
                .status()
                .code(),
            Code::kInvalid);
  EXPECT_EQ(*(*one)->Generation(), generation);
}

}  // namespace
}  // namespace vetted::store
