#include "model/model.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

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

Article RevisionArticle() {
  Article a;
  a.file = "content/a/b.md";
  a.url = "/a/b/";
  a.title = "Why you might cry";
  a.description = "Common reasons.";
  a.authors = {"wendy"};
  a.fact_checkers = {"fred"};
  a.tags = {"sex"};
  a.callouts = {"get-help"};
  a.image = Image{"/img/a.jpg", "A couple", "Photo: X", "Talking helps", 3};
  Reference r;
  r.id = "smith2020";
  r.title = "A study";
  r.authors = {Name{"Smith", "Anna", ""}};
  r.issued = Date{2020, 0, 0};
  a.references = {r};
  a.reviewers = {Review{"rita", Date{2026, 1, 1}, "", 5}};
  a.published = Date{2026, 1, 1};
  a.body = "Hello\nworld\n";
  return a;
}

TEST(RevisionTest, BodyNormalisesLineEndingsAndOuterWhitespace) {
  Article a = RevisionArticle();
  std::string r = RevisionOf(a);
  EXPECT_TRUE(IsWellFormedRevision(r)) << r;
  a.body = "\n\nHello\r\nworld   \n\n";
  EXPECT_EQ(RevisionOf(a), r);
  a.body = "Hello\nworld!\n";
  EXPECT_NE(RevisionOf(a), r);
  // vetted 0.1's body-only hash: the known SHA-256 of "abc".
  EXPECT_EQ(BodyRevisionOf("abc\r\n"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Every field a reader sees changes the revision; the others do not.
TEST(RevisionTest, CoversEveryReaderVisibleFieldAndNothingElse) {
  const std::string base = RevisionOf(RevisionArticle());
  struct Case {
    const char* field;
    std::function<void(Article&)> change;
    bool visible;
  };
  const Case cases[] = {
      {"title", [](Article& a) { a.title += "!"; }, true},
      {"description", [](Article& a) { a.description = "Napping cures insomnia."; }, true},
      {"body", [](Article& a) { a.body += "More."; }, true},
      {"authors", [](Article& a) { a.authors.push_back("ann"); }, true},
      {"fact_checkers", [](Article& a) { a.fact_checkers.clear(); }, true},
      {"tags", [](Article& a) { a.tags = {"crisis"}; }, true},
      {"callouts", [](Article& a) { a.callouts.push_back("crisis-support"); }, true},
      {"image.src", [](Article& a) { a.image.src = "/img/b.jpg"; }, true},
      {"image.alt", [](Article& a) { a.image.alt = "Two people"; }, true},
      {"image.caption", [](Article& a) { a.image.caption = "Other"; }, true},
      {"image.credit", [](Article& a) { a.image.credit = "Photo: Y"; }, true},
      {"reference title", [](Article& a) { a.references[0].title = "Another study"; }, true},
      {"reference author", [](Article& a) { a.references[0].authors[0].given = "Ann"; }, true},
      {"reference year", [](Article& a) { a.references[0].issued.year = 2021; }, true},
      {"reviewers",
       [](Article& a) {
         a.reviewers.push_back(Review{"rex", Date{2026, 2, 1}, "", 9});
       },
       false},
      {"published",
       [](Article& a) {
         a.published = Date{2025, 1, 1};
       },
       false},
      {"updated",
       [](Article& a) {
         a.updated = Date{2026, 5, 1};
       },
       false},
      {"draft", [](Article& a) { a.draft = true; }, false},
      {"aliases", [](Article& a) { a.aliases = {"/old/"}; }, false},
      {"toc", [](Article& a) { a.toc.show = false; }, false},
      {"aspect", [](Article& a) { a.aspect = "causes"; }, false},
      {"location", [](Article& a) { a.file = "content/x.md", a.url = "/x/"; }, false},
      {"key lines", [](Article& a) { a.key_lines["title"] = 7; }, false},
  };
  for (const auto& c : cases) {
    Article a = RevisionArticle();
    c.change(a);
    EXPECT_EQ(RevisionOf(a) != base, c.visible) << c.field;
  }
}

// Values never run into the next field: moving text between fields changes
// the revision.
TEST(RevisionTest, SerializationIsUnambiguous) {
  Article a = RevisionArticle(), b = RevisionArticle();
  a.title = "A";
  a.description = "B\nDescription: \"C\"";
  b.title = "A";
  b.description = "B";
  EXPECT_NE(RevisionOf(a), RevisionOf(b));
  a = b = RevisionArticle();
  a.authors = {"x, y"};
  b.authors = {"x", "y"};
  EXPECT_NE(RevisionOf(a), RevisionOf(b));
  a = b = RevisionArticle();
  a.image.alt = "";
  a.image.caption = "X";
  b.image.alt = "X";
  b.image.caption = "";
  EXPECT_NE(RevisionOf(a), RevisionOf(b));
  std::string text = RevisionText(RevisionArticle());
  EXPECT_EQ(
      text.rfind("vetted revision 2\nTitle: \"Why you might cry\"\nDescription: \"Common reasons.\"\n", 0),
      0u)
      << text;
  EXPECT_NE(text.find("\nBody:\nHello\nworld"), std::string::npos) << text;
}

TEST(RevisionTest, WellFormedIsSha256AndSixtyFourLowercaseHex) {
  const std::string hex(64, 'a');
  EXPECT_TRUE(IsWellFormedRevision("sha256:" + hex));
  for (const std::string& bad :
       {std::string(""), "sha256:" + hex.substr(1), "sha256:" + hex + "0", "SHA256:" + hex, "sha1:" + hex,
        "sha256:" + std::string(64, 'A'), "sha256:" + std::string(63, 'a') + "g", hex}) {
    EXPECT_FALSE(IsWellFormedRevision(bad)) << bad;
  }
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

TEST(SectionTest, ShownTitleIsTheTitleElseTheHumanizedFolder) {
  Section s;
  s.path = {"relationships", "sex-and_relationships"};
  EXPECT_EQ(s.ShownTitle(), "Sex and relationships");
  s.title = "Sex & you";
  EXPECT_EQ(s.ShownTitle(), "Sex & you");
  EXPECT_EQ(Section{}.ShownTitle(), "");
}

TEST(RevisionTest, ReviewCoversTheRevisionOrANonClinicalChangesBase) {
  Article a = RevisionArticle();
  a.revision = RevisionOf(a);
  const std::string older = "sha256:" + std::string(64, 'a');
  Review current{"rev", *Date::Parse("2026-03-02"), a.revision, 1};
  Review old{"rev", *Date::Parse("2026-03-02"), older, 1};
  EXPECT_TRUE(ReviewCovers(a, current));
  EXPECT_FALSE(ReviewCovers(a, old));
  EXPECT_FALSE(ReviewCovers(a, Review{"rev", {}, "", 1}));  // unpinned: the callers' business
  a.non_clinical.from = older;  // a recorded non-clinical change from the reviewed revision
  EXPECT_TRUE(ReviewCovers(a, old));
  EXPECT_TRUE(ReviewCovers(a, current));
  a.non_clinical.from = "sha256:" + std::string(64, 'b');  // from a revision no review covers
  EXPECT_FALSE(ReviewCovers(a, old));
  a.non_clinical.from = "sha256:AA";  // malformed: never
  old.revision = "sha256:AA";
  EXPECT_FALSE(ReviewCovers(a, old));
  // The record itself is not part of the revision.
  EXPECT_EQ(RevisionOf(a), a.revision);
}

TEST(SharedListTest, CopiesShareAndWritesCopyFirst) {
  SharedList<Article> list;
  list.push_back(Article{.file = "content/a.md", .url = "/a/"});
  list.emplace_back().url = "/b/";
  const SharedList<Article> copy = list;
  EXPECT_EQ(&copy[0], &std::as_const(list)[0]) << "a copy shares its elements";
  list[0].title = "Changed";  // written through `list`: copied first
  EXPECT_NE(&copy[0], &std::as_const(list)[0]);
  EXPECT_EQ(copy[0].title, "");
  EXPECT_EQ(std::as_const(list)[0].title, "Changed");
  EXPECT_EQ(&copy[1], &std::as_const(list)[1]) << "the other element is still shared";
  std::vector<std::string> urls;
  for (const Article& a : copy) urls.push_back(a.url);
  EXPECT_EQ(urls, (std::vector<std::string>{"/a/", "/b/"}));
  SharedList<Article> edited = copy;
  edited.Erase(0);
  edited.Insert(1, copy.Shared(0));
  EXPECT_EQ(edited.back().url, "/a/");  // non-const back(): copied, copy untouched
  EXPECT_EQ(copy.size(), 2u);
  EXPECT_EQ(copy.front().url, "/a/");
  EXPECT_EQ(copy.end() - copy.begin(), 2);
}

}  // namespace
}  // namespace vetted
