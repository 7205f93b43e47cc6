#include "newsroom/newsroom.h"

#include <gtest/gtest.h>

namespace vetted::newsroom {
namespace {

TEST(Roles, NamesRoundTripAndUnknownNamesAreRefused) {
  for (Role r : {kWriter, kReviewer, kEditor, kAdmin}) {
    ASSERT_TRUE(ParseRole(RoleName(r)).has_value());
    EXPECT_EQ(*ParseRole(RoleName(r)), r);
  }
  EXPECT_FALSE(ParseRole("Editor").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
  EXPECT_EQ(RoleList(kEditor | kWriter), "writer, editor");
  EXPECT_EQ(RoleList(0), "");
}

}  // namespace
}  // namespace vetted::newsroom
