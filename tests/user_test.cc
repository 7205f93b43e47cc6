// `vetted user add|list|disable|enable|role|link|reset-2fa` end to end, on a SQLite database.
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

// Roles, person links, enabling and resets from the command line, through
// the same service as the accounts pages: the last admin stays, people must
// exist, every change is in the audit log.
TEST(User, RoleLinkEnableReset) {
  std::string db = (TempDir("user-admin") / "site.db").string();
  Outcome imported = Vetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo -q --db " + db);
  ASSERT_EQ(imported.code, 0) << imported.out;
  ASSERT_EQ(Vetted("user add boss@example.org --role admin --db " + db).code, 0);
  ASSERT_EQ(Vetted("user add ana@example.org --role writer --db " + db).code, 0);

  // The last admin keeps the role and stays enabled.
  Outcome last = Vetted("user role boss@example.org --role editor --db " + db);
  EXPECT_EQ(last.code, 1);
  EXPECT_NE(last.out.find("last enabled admin"), std::string::npos) << last.out;
  EXPECT_EQ(Vetted("user disable boss@example.org --db " + db).code, 1);

  Outcome role = Vetted("user role ANA@example.org --role editor --role admin --db " + db);
  ASSERT_EQ(role.code, 0) << role.out;
  EXPECT_NE(role.out.find("ana@example.org: roles now editor, admin."), std::string::npos) << role.out;
  EXPECT_EQ(Vetted("user role boss@example.org --role editor --db " + db).code, 0);  // no longer the last
  Outcome typo = Vetted("user role ana@example.org --role admn --db " + db);
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.out.find("did you mean \"admin\"?"), std::string::npos) << typo.out;

  Outcome ghost = Vetted("user link ana@example.org --person ghost --db " + db);
  EXPECT_EQ(ghost.code, 1);
  EXPECT_NE(ghost.out.find("no person profile \"ghost\""), std::string::npos) << ghost.out;
  Outcome link = Vetted("user link ana@example.org --person maya-okafor --db " + db);
  ASSERT_EQ(link.code, 0) << link.out;

  ASSERT_EQ(Vetted("user disable boss@example.org --db " + db).code, 0);
  Outcome list = Vetted("user list --db " + db);
  EXPECT_NE(list.out.find("ana@example.org   editor, admin               maya-okafor"), std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("disabled"), std::string::npos) << list.out;
  Outcome enable = Vetted("user enable boss@example.org --db " + db);
  ASSERT_EQ(enable.code, 0) << enable.out;
  list = Vetted("user list --db " + db);
  EXPECT_EQ(list.out.find("disabled"), std::string::npos) << list.out;

  Outcome reset = Vetted("user reset-2fa ana@example.org --db " + db);
  ASSERT_EQ(reset.code, 0) << reset.out;
  EXPECT_NE(reset.out.find("two-step sign-in is off"), std::string::npos) << reset.out;
  EXPECT_EQ(Vetted("user enable nobody@example.org --db " + db).code, 1);
  Outcome password = Vetted("user reset-password ana@example.org --db " + db);
  ASSERT_EQ(password.code, 0) << password.out;
  EXPECT_NE(password.out.find("One-time password (shown once"), std::string::npos) << password.out;

  Outcome audit = Vetted("audit verify --db " + db);
  EXPECT_EQ(audit.code, 0) << audit.out;
}

}  // namespace
