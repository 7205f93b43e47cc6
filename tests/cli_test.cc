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

// Standard output alone (standard error dropped) and the exit code.
int RunStdout(const std::string& args, std::string* out) {
  FILE* p = popen((std::string(VETTED_BIN) + " " + args + " 2>/dev/null").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  out->clear();
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// `vetted check` writes its findings and then its summary to stdout; its own
// failures go to stderr with exit 2.
TEST(Check, FindingsThenSummaryOnStdout) {
  fs::path dir = TempDir("check-stream");
  fs::path site = dir / "mysite";
  std::string out;
  ASSERT_EQ(RunVetted("new " + site.string(), &out), 0) << out;
  ASSERT_EQ(RunStdout("check " + site.string(), &out), 0);
  size_t finding = out.find("not medically reviewed");
  size_t summary = out.find("1 article checked: 0 errors, ");
  ASSERT_NE(finding, std::string::npos) << out;
  ASSERT_NE(summary, std::string::npos) << out;
  EXPECT_LT(finding, summary) << out;
  EXPECT_EQ(out.find('\n', summary), out.size() - 1) << out;  // the summary is the last line

  EXPECT_EQ(RunStdout("check " + (dir / "missing").string(), &out), 2);
  EXPECT_EQ(out, "");
  EXPECT_EQ(RunVetted("check " + (dir / "missing").string(), &out), 2);
  EXPECT_NE(out.find("vetted check: "), std::string::npos) << out;
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
