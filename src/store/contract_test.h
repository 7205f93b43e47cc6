// The Store contract as parameterized tests: every backend instantiates
// StoreContract with a factory (see sqlite/sqlite_store_test.cc and
// memory/memory_store_test.cc); CMakeLists.txt builds these files into each
// backend's test binary:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(StoreFactory{...}),
//                            [](const auto& info) { return info.param.name; });
// The factory opens (creating when missing) a store kept in folder `dir`
// (or named after it: the memory backend opens "memory:" + dir); calling it
// again on the same folder must reopen the same data.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "store/store.h"

namespace vetted::store {

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::string& dir)> make;
};

// Names the parameter in test failure messages.
inline void PrintTo(const StoreFactory& factory, std::ostream* os) {
  *os << factory.name;
}

class StoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  // Makes a fresh empty temp folder dir_ and opens store_ in it.
  void SetUp() override;
  // Closes store_ and removes dir_.
  void TearDown() override;

  // Closes store_ and opens it again through the factory on the same dir_.
  void Reopen();

  // A small site: 3 articles in 2 sections (/relationships/ x2, /sleep/ x1)
  // with search text, and 3 other files (site.toml, people/ana.yaml,
  // static/img/x.jpg with binary bytes). Article paths, sorted:
  //   content/relationships/boundaries.md   url /relationships/boundaries/
  //   content/relationships/trust.md        url /relationships/trust/
  //   content/sleep/insomnia.md             url /sleep/insomnia/
  static ImportInput SmallSite();

  std::string dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace vetted::store
