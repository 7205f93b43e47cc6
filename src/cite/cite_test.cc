#include "cite/cite.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cite/parts.h"
#include "cite/rich.h"

namespace vetted::cite {
namespace {

// ---- Group / GroupText --------------------------------------------------------

struct GroupCase {
  std::vector<int> in;
  std::vector<std::pair<int, int>> groups;
  std::string text;
};

TEST(GroupTest, Table) {
  const GroupCase cases[] = {
      {{}, {}, ""},
      {{1}, {{1, 1}}, "1"},
      {{1, 2}, {{1, 1}, {2, 2}}, "1,2"},
      {{1, 2, 3}, {{1, 3}}, "1-3"},
      {{1, 3, 4, 5}, {{1, 1}, {3, 5}}, "1,3-5"},
      {{5, 4, 3, 1}, {{1, 1}, {3, 5}}, "1,3-5"},
      {{2, 2, 3, 3}, {{2, 2}, {3, 3}}, "2,3"},
      {{1, 2, 4, 5, 6, 7, 9, 10}, {{1, 1}, {2, 2}, {4, 7}, {9, 9}, {10, 10}}, "1,2,4-7,9,10"},
      {{3, 1, 2, 2, 1}, {{1, 3}}, "1-3"},
      {{10, 12, 11, 20}, {{10, 12}, {20, 20}}, "10-12,20"},
  };
  for (const GroupCase& c : cases) {
    EXPECT_EQ(Group(c.in), c.groups) << c.text;
    EXPECT_EQ(GroupText(c.in), c.text);
  }
}

// ---- FormatText (expected strings taken from Pandoc's output) ------------------

Reference Journal() {
  Reference r;
  r.id = "j";
  r.type = "article-journal";
  r.authors = {{"Pyke", "Robert E.", ""}};
  r.title = "Sexual performance anxiety";
  r.container_title = "Sexual Medicine Reviews";
  r.container_title_short = "Sex Med Rev";
  r.volume = "8";
  r.issue = "2";
  r.page = "183-90";
  r.issued = {2020, 0, 0};
  r.doi = "10.1016/j.sxmr.2019.07.001";
  return r;
}

TEST(FormatTextTest, Table) {
  struct Case {
    const char* name;
    Reference ref;
    std::string want;
  };
  std::vector<Case> cases;
  cases.push_back({"journal", Journal(),
                   "Pyke RE. Sexual performance anxiety. Sex Med Rev. 2020;8(2):183-190. "
                   "doi:10.1016/j.sxmr.2019.07.001"});
  Reference seven = Journal();
  seven.authors.clear();
  for (const char* f : {"A", "B", "C", "D", "E", "F", "G"}) seven.authors.push_back({f, "Xavier", ""});
  seven.title = "Is it normal?";
  seven.doi.clear();
  cases.push_back({"et al and question mark", seven,
                   "A X, B X, C X, et al. Is it normal? Sex Med Rev. 2020;8(2):183-190."});
  Reference book;
  book.type = "book";
  book.authors = {{"Smith", "Jean-Paul", ""}};
  book.title = "the art of medicine: a guide";
  book.edition = "3";
  book.publisher = "Oxford University Press";
  book.issued = {2019, 0, 0};
  cases.push_back(
      {"book", book, "Smith JP. The Art of Medicine: A Guide. 3rd ed. Oxford University Press; 2019."});
  Reference web;
  web.type = "webpage";
  web.authors = {{"", "", "Cleveland Clinic"}};
  web.title = "Vaginismus";
  web.container_title = "Cleveland Clinic";
  web.url = "https://example.org/v";
  web.issued = {2020, 5, 1};
  web.accessed = {2024, 1, 2};
  cases.push_back({"webpage", web,
                   "Cleveland Clinic. Vaginismus. Cleveland Clinic. Published May 1, 2020. "
                   "Accessed January 2, 2024. https://example.org/v"});
  for (const Case& c : cases) EXPECT_EQ(FormatText(c.ref), c.want) << c.name;
}

// ---- FormatHtml -------------------------------------------------------------

struct HtmlCase {
  const char* name;
  Reference ref;
  std::vector<std::string> contains;
  std::vector<std::string> absent;
};

TEST(FormatHtmlTest, Table) {
  std::vector<HtmlCase> cases;
  cases.push_back(
      {"journal italic and doi link",
       Journal(),
       {"<i>Sex Med Rev</i>. 2020;8(2):183-190.",
        "<a href=\"https://doi.org/10.1016/j.sxmr.2019.07.001\">doi:10.1016/j.sxmr.2019.07.001</a>"},
       {}});
  Reference hostile = Journal();
  hostile.title = "<script>alert(1)</script> & \"quoted\" <img src=x onerror=alert(1)>";
  hostile.container_title_short = "J <b>Bold</b> & Co";
  hostile.doi = "10.1/a\"b<c>";
  cases.push_back({"escaping",
                   hostile,
                   {"&lt;script&gt;alert(1)&lt;/script&gt; &amp; \u201Cquoted\u201D &lt;img src=x",
                    "<i>J <b>Bold</b> &amp; Co</i>", "href=\"https://doi.org/10.1/a%22b%3Cc%3E\"",
                    ">doi:10.1/a&quot;b&lt;c&gt;</a>"},
                   {"<script", "<img"}});
  Reference js = Journal();
  js.doi.clear();
  js.url = "javascript:alert(document.cookie)";
  cases.push_back({"javascript url is text", js, {"javascript:alert(document.cookie)"}, {"<a", "href"}});
  Reference js_case = js;
  js_case.url = " JaVaScRiPt:alert(1)";
  cases.push_back({"mixed-case javascript url", js_case, {"JaVaScRiPt:alert(1)"}, {"<a"}});
  Reference data = js;
  data.url = "data:text/html,<script>alert(1)</script>";
  cases.push_back({"data url", data, {"data:text/html,&lt;script&gt;"}, {"<a", "<script"}});
  Reference http = js;
  http.url = "https://example.org/a?b=1&c=\"x\"";
  cases.push_back(
      {"url link escaped",
       http,
       {"<a href=\"https://example.org/a?b=1&amp;c=&quot;x&quot;\">https://example.org/a?b=1&amp;c="},
       {}});
  Reference injected = Journal();
  injected.doi.clear();
  injected.title = "Marker \x16javascript:alert(1)\x17text\x18 injection\x03";
  cases.push_back({"control characters cannot forge markup",
                   injected,
                   {"Marker javascript:alert(1)text"},
                   {"<a", "\x16", "\x03"}});
  Reference book;
  book.type = "book";
  book.title = "Notes on <i>nursing</i>";
  book.authors = {{"Nightingale", "Florence", ""}};
  book.publisher = "Harrison";
  book.issued = {1860, 0, 0};
  cases.push_back(
      {"book title italic", book, {"Nightingale F. <i>Notes on <i>Nursing</i></i>. Harrison; 1860."}, {}});
  Reference chapter;
  chapter.type = "chapter";
  chapter.authors = {{"Pfaus", "James G.", ""}};
  chapter.editors = {{"Komisaruk", "Barry R.", ""}, {"Whipple", "Beverly", ""}};
  chapter.title = "Orgasm & emotion";
  chapter.container_title = "the science of orgasm";
  chapter.publisher = "JHU Press";
  chapter.issued = {2016, 0, 0};
  chapter.page = "112-30";
  cases.push_back({"chapter",
                   chapter,
                   {"Pfaus JG. Orgasm &amp; emotion. In: Komisaruk BR, Whipple B, eds. <i>The Science of "
                    "Orgasm</i>. JHU Press; 2016:112-130."},
                   {}});
  for (const HtmlCase& c : cases) {
    std::string html = FormatHtml(c.ref);
    for (const std::string& s : c.contains)
      EXPECT_NE(html.find(s), std::string::npos) << c.name << ": " << html;
    for (const std::string& s : c.absent)
      EXPECT_EQ(html.find(s), std::string::npos) << c.name << ": " << html;
  }
}

// ---- Internals: names, pages, title case ----------------------------------------

TEST(PartsTest, Initials) {
  const std::pair<const char*, const char*> cases[] = {
      {"Robert E.", "RE"},  {"Jean-Paul", "JP"},
      {"J. R. R.", "JRR"},  {"J.R.R.", "JRR"},
      {"María José", "MJ"}, {"bell", "bell"},
      {"Ann-marie", "A"},   {"Ma. Luisa", "MaL"},
      {"Ægir Þór", "ÆÞ"},   {"", ""},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(parts::Initials(in), want) << in;
}

TEST(PartsTest, PageRange) {
  const std::pair<const char*, const char*> cases[] = {
      {"752-9", "752-759"},    {"275\u201381", "275-281"},
      {"S222-32", "S222-32"},  {"e123\u2013e130", "e123-e130"},
      {"31815", "31815"},      {"1234-45, 1300-9", "1234-1245, 1300-1309"},
      {"123 - 45", "123-145"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(parts::PageRange(in), want) << in;
}

TEST(RichTest, TitleCase) {
  const std::pair<const char*, const char*> cases[] = {
      {"the art of medicine: a guide", "The Art of Medicine: A Guide"},
      {"a follow-up of the iPhone generation", "A Follow-up of the iPhone Generation"},
      {"HIV and AIDS in the 21st century", "HIV and AIDS in the 21st Century"},
      {"what's new? (other) things", "What\u2019s New? (Other) Things"},
      {"über alles: état", "Über Alles: État"},
      {"x(yes) and/or e.g. this", "X(yes) and/or e.g. This"},
  };
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(rich::RenderText(rich::TitleCase(rich::ParseRich(in))), want) << in;
  }
}

TEST(RichTest, QuotesAndPunctuation) {
  EXPECT_EQ(rich::RenderText(rich::ParseRich("The \"happy tears\" and 'mixed' ones")),
            "The \u201Chappy tears\u201D and \u201Cmixed\u201D ones");
  EXPECT_EQ(rich::RenderText(rich::ParseRich("he said \"she said 'yes'\"")),
            "he said \u201Cshe said \u2018yes\u2019\u201D");
  std::string title = rich::Affix("", rich::ParseRich("Why we say \"sorry\""), ".");
  EXPECT_EQ(rich::RenderText(rich::MovePunctuationIntoQuotes(title)), "Why we say \u201Csorry.\u201D");
  EXPECT_EQ(rich::RenderText(rich::Affix("", rich::ParseRich("Normal?"), ".")), "Normal?");
  EXPECT_EQ(rich::RenderText(rich::Group({"a", ". b"}, " ")), "a. b");
}

}  // namespace
}  // namespace vetted::cite
