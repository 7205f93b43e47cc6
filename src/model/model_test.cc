#include "model/model.h"

#include <gtest/gtest.h>

namespace vetted {
namespace {

TEST(DateTest, ParsesAndRejects) {
  struct Case {
    const char* text;
    bool ok;
    const char* iso;
  } cases[] = {
      {"2026-11-26", true, "2026-11-26"},
      {"2024-02-29", true, "2024-02-29"},
      {"2023-02-29", false, ""},
      {"2026-13-01", false, ""},
      {"2026", true, "2026"},
      {"2026-07", true, "2026-07"},
      {"26-11-2026", false, ""},
      {"", false, ""},
      {"2026-1-1", false, ""},
      {" 2026-01-05 ", true, "2026-01-05"},
      {"2026-01-00", false, ""},
      {"abcd", false, ""},
  };
  for (const auto& c : cases) {
    auto d = Date::Parse(c.text);
    EXPECT_EQ(d.has_value(), c.ok) << c.text;
    if (d) {
      EXPECT_EQ(d->Iso(), c.iso) << c.text;
    }
  }
}

TEST(DateTest, AddMonthsClampsDay) {
  struct Case {
    const char* from;
    int months;
    const char* to;
  } cases[] = {
      {"2024-08-31", 6, "2025-02-28"}, {"2024-01-15", 24, "2026-01-15"}, {"2023-11-30", 3, "2024-02-29"},
      {"2025-12-01", 1, "2026-01-01"}, {"2025-03-10", 0, "2025-03-10"},
  };
  for (const auto& c : cases) EXPECT_EQ(Date::Parse(c.from)->AddMonths(c.months).Iso(), c.to) << c.from;
}

TEST(DateTest, LongFormAndOrdering) {
  EXPECT_EQ(Date::Parse("2026-03-04")->Long(), "4 March 2026");
  EXPECT_LT(*Date::Parse("2025-12-31"), *Date::Parse("2026-01-01"));
  EXPECT_EQ(Date::Parse("2026-01-01")->DaysSinceEpoch() - Date::Parse("2025-01-01")->DaysSinceEpoch(), 365);
  EXPECT_EQ(Date::Parse("1970-01-01")->DaysSinceEpoch(), 0);
}

TEST(RevisionTest, NormalisesLineEndingsAndOuterWhitespace) {
  std::string a = RevisionOf("Hello\nworld\n");
  EXPECT_EQ(a.rfind("sha256:", 0), 0u);
  EXPECT_EQ(a.size(), 7u + 64u);
  EXPECT_EQ(a, RevisionOf("\n\nHello\r\nworld   \n\n"));
  EXPECT_NE(a, RevisionOf("Hello\nworld!\n"));
  // The known SHA-256 of "abc".
  EXPECT_EQ(RevisionOf("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(IntervalTest, Parses) {
  EXPECT_EQ(ParseInterval("2 years"), 24);
  EXPECT_EQ(ParseInterval("18 months"), 18);
  EXPECT_EQ(ParseInterval("1 year"), 12);
  EXPECT_EQ(ParseInterval("soon"), std::nullopt);
  EXPECT_EQ(ParseInterval("0 years"), std::nullopt);
  EXPECT_EQ(ParseInterval("3 weeks"), std::nullopt);
}

TEST(DiagnosticTest, Formats) {
  Diagnostic d{{"content/a.md", 12}, Severity::kError, "unknown person 'x'", "unknown-person", "check"};
  EXPECT_EQ(FormatDiagnostic(d), "content/a.md:12: error: unknown person 'x' [unknown-person]");
  d.severity = Severity::kWarning;
  d.pos.line = 0;
  EXPECT_EQ(FormatDiagnostic(d), "content/a.md: warning: unknown person 'x' [unknown-person]");
}

TEST(PersonTest, NameWithCredentials) {
  Person p;
  p.name = "Ada Example";
  EXPECT_EQ(p.NameWithCredentials(), "Ada Example");
  p.credentials = "MD, PhD";
  EXPECT_EQ(p.NameWithCredentials(), "Ada Example, MD, PhD");
}

}  // namespace
}  // namespace vetted
