// `vetted user add|list|disable` end to end, on a SQLite database.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "vetted_process.h"

namespace {

using vetted::testing::RunVetted;
using vetted::testing::TempDir;

struct Outcome {
  int code = -1;
  std::string out;
};

// A file holding `text` and a newline, for --password-stdin (`< file`).
std::string PasswordFile(const std::string& text) {
  static int n = 0;
  auto path = TempDir("user-password-" + std::to_string(n++)) / "password.txt";
  std::ofstream(path) << text << "\n";
  return path.string();
}

Outcome Vetted(const std::string& args) {
  Outcome r;
  r.code = RunVetted(args, &r.out);
  return r;
}

TEST(User, AddListDisable) {
  std::string db = (TempDir("user") / "site.db").string();
  // Without --password-stdin: a one-time password is printed.
  Outcome ana = Vetted("user add ana@example.org --role writer --role editor --person ana --db " + db);
  ASSERT_EQ(ana.code, 0) << ana.out;
  EXPECT_NE(ana.out.find("Added ana@example.org (writer, editor)."), std::string::npos) << ana.out;
  EXPECT_NE(ana.out.find("One-time password"), std::string::npos) << ana.out;

  Outcome ben = Vetted("user add ben@example.org --role reviewer,admin --password-stdin --db " + db + " < " +
                       PasswordFile("tram-lamp-orbit"));
  ASSERT_EQ(ben.code, 0) << ben.out;
  EXPECT_EQ(ben.out.find("One-time password"), std::string::npos) << ben.out;

  Outcome list = Vetted("user list --db " + db);
  ASSERT_EQ(list.code, 0) << list.out;
  EXPECT_NE(list.out.find("ana@example.org  writer, editor"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("must change password"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("ben@example.org  reviewer, admin"), std::string::npos) << list.out;

  Outcome disable = Vetted("user disable ANA@example.org --db " + db);
  ASSERT_EQ(disable.code, 0) << disable.out;
  list = Vetted("user list --db " + db);
  EXPECT_NE(list.out.find("disabled"), std::string::npos) << list.out;
}

TEST(User, ClearErrors) {
  std::string db = (TempDir("user-errors") / "site.db").string();
  Outcome role = Vetted("user add ana@example.org --role edtor --db " + db);
  EXPECT_EQ(role.code, 2);
  EXPECT_NE(role.out.find("unknown role \"edtor\"; did you mean \"editor\"?"), std::string::npos) << role.out;

  Outcome weak = Vetted("user add ana@example.org --role writer --password-stdin --db " + db + " < " +
                        PasswordFile("Password1"));
  EXPECT_EQ(weak.code, 1);
  EXPECT_NE(weak.out.find("weak password"), std::string::npos) << weak.out;
  Outcome shorter = Vetted("user add ana@example.org --role writer --password-stdin --db " + db + " < " +
                           PasswordFile("k8#Lq"));
  EXPECT_NE(shorter.out.find("too short"), std::string::npos) << shorter.out;

  ASSERT_EQ(Vetted("user add ana@example.org --role writer --db " + db).code, 0);
  Outcome twice = Vetted("user add Ana@Example.org --role admin --db " + db);
  EXPECT_EQ(twice.code, 1);
  EXPECT_NE(twice.out.find("exists already"), std::string::npos) << twice.out;

  Outcome bad_email = Vetted("user add not-an-email --role writer --db " + db);
  EXPECT_EQ(bad_email.code, 1);
  EXPECT_NE(bad_email.out.find("not an email address"), std::string::npos) << bad_email.out;

  Outcome unknown = Vetted("user disable nobody@example.org --db " + db);
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.out.find("no account"), std::string::npos) << unknown.out;
}

}  // namespace
