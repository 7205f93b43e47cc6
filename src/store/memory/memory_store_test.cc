#include "store/memory/memory_store.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace vetted::store
