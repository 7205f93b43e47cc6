// The command line itself: `vetted new`, unknown commands, --help.
#include <gtest/gtest.h>

#include "vetted_process.h"

namespace vetted::testing {
namespace {

TEST(NewSite, ChecksBuildsAndImports) {
  fs::path dir = TempDir("new");
  fs::path site = dir / "mysite";
  std::string out;
  ASSERT_EQ(RunVetted("new " + site.string(), &out), 0) << out;
  EXPECT_NE(out.find("vetted check " + site.string()), std::string::npos) << out;
  ASSERT_TRUE(fs::exists(site / "site.toml"));

  ASSERT_EQ(RunVetted("check " + site.string(), &out), 0) << out;
  EXPECT_EQ(out.find(": error:"), std::string::npos) << out;
  EXPECT_NE(out.find(" 0 errors"), std::string::npos) << out;
  // Honest from the start: the starter article is not claimed to be reviewed.
  EXPECT_NE(out.find("not medically reviewed"), std::string::npos) << out;

  ASSERT_EQ(RunVetted("build " + site.string() + " -o " + (dir / "public").string(), &out), 0) << out;
  std::string page = Read(dir / "public/sleep/how-much-sleep-do-adults-need/index.html");
  ASSERT_FALSE(page.empty());
  EXPECT_NE(page.find("How much sleep do adults need?"), std::string::npos);
  EXPECT_NE(page.find("not been medically reviewed"), std::string::npos);
  EXPECT_NE(page.find("id=\"sources\""), std::string::npos);
  EXPECT_NE(page.find("class=\"term\""), std::string::npos);  // the glossary term is explained

  ASSERT_EQ(RunVetted("import " + site.string() + " --db " + (dir / "v.db").string(), &out), 0) << out;
  fs::remove_all(dir);
}

TEST(NewSite, RefusesAFolderThatHasFiles) {
  fs::path dir = TempDir("new-existing");
  std::ofstream(dir / "keep.txt") << "mine";
  std::string out;
  EXPECT_EQ(RunVetted("new " + dir.string(), &out), 2);
  EXPECT_NE(out.find("already exists"), std::string::npos) << out;
  EXPECT_EQ(Read(dir / "keep.txt"), "mine");
  EXPECT_FALSE(fs::exists(dir / "site.toml"));
  fs::remove_all(dir);
}

TEST(CommandLine, UnknownCommandIsNamedWithASuggestion) {
  std::string out;
  EXPECT_EQ(RunVetted("biuld demo", &out), 2);
  EXPECT_NE(out.find("unknown command \"biuld\"; did you mean \"build\"?"), std::string::npos) << out;
  EXPECT_NE(out.find("The commands are: build, check"), std::string::npos) << out;
  EXPECT_EQ(RunVetted("frobnicate", &out), 2);
  EXPECT_NE(out.find("unknown command \"frobnicate\"\n"), std::string::npos) << out;
}

TEST(CommandLine, HelpShowsDefaults) {
  std::string out;
  EXPECT_EQ(RunVetted("serve --help", &out), 0);
  EXPECT_NE(out.find("--listen TEXT=127.0.0.1:8080"), std::string::npos) << out;
  EXPECT_EQ(RunVetted("build --help", &out), 0);
  EXPECT_NE(out.find("=public"), std::string::npos) << out;
}

}  // namespace
}  // namespace vetted::testing
