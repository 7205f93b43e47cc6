#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "markup/internal.h"
#include "markup/markup.h"
#include "markup/renderer.h"

namespace vetted::markup {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<GlossaryTerm> Terms() {
  return {
      {"dyspareunia", "Pain during or after sex.", {"painful intercourse"}, 1},
      {"panic", "Sudden fear.", {}, 2},
      {"panic attack", "A sudden episode of intense fear.", {}, 3},
      {"oxytocin", "A hormone <released> in bonding.", {}, 4},
  };
}

int Count(const std::string& s, const std::string& needle) {
  int n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

TEST(Glossary, FirstUseOnlyAndExclusions) {
  Glossary glossary(Terms());
  Context ctx;
  ctx.glossary = &glossary;
  struct Case {
    const char* md;
    std::vector<std::string> terms;  // Document::glossary_terms
    const char* want;                // substring of html ("" = none)
  } cases[] = {
      {"Dyspareunia is common. dyspareunia again.",
       {"dyspareunia"},
       "<dfn class=\"term\" tabindex=\"0\" aria-describedby=\"gl-dyspareunia-1\">Dyspareunia</dfn><span "
       "class=\"term-def\" role=\"tooltip\" id=\"gl-dyspareunia-1\">Pain during or after sex.</span> is "
       "common. "
       "dyspareunia again."},
      {"Some painful\nintercourse here.", {"dyspareunia"}, ">painful\nintercourse</dfn>"},
      {"A panic attack, then panic.", {"panic attack", "panic"}, ">panic attack</dfn>"},
      {"Panic attacks happen.", {"panic attack"}, ">Panic attacks</dfn>"},
      {"Panicky and oxytocinase, panicked.", {}, ""},
      {"## Oxytocin\n\nNothing.", {}, ""},
      {"[oxytocin](https://x.org)", {}, ""},
      {"`oxytocin` and\n\n    oxytocin", {}, ""},
      {"![oxytocin](https://x.org/a.png)", {}, ""},
      {"::: {.note title=\"Oxytocin\"}\nx\n:::", {}, ""},
      {"## Oxytocin\n\n- then oxytocin in a list", {"oxytocin"}, "<li>then <dfn"},
      {"| oxytocin |\n|---|\n| x |", {"oxytocin"}, "<th><dfn"},
      {"Oxytocin.", {"oxytocin"}, "A hormone &lt;released&gt; in bonding."},
  };
  for (const auto& c : cases) {
    Document d = Render(c.md, ctx);
    EXPECT_EQ(d.glossary_terms, c.terms) << c.md;
    if (*c.want) {
      EXPECT_THAT(d.html, HasSubstr(c.want)) << c.md;
    }
    if (c.terms.empty()) {
      EXPECT_THAT(d.html, Not(HasSubstr("<dfn"))) << c.md;
    }
    EXPECT_EQ(Count(d.html, "<dfn"), static_cast<int>(c.terms.size())) << c.md;
    EXPECT_THAT(d.plain_text, Not(HasSubstr("Sudden"))) << c.md;  // definitions are not body text
  }
}

TEST(Glossary, MatchesLongestPhraseFirst) {
  Glossary glossary(Terms());
  const Glossary::Impl& g = glossary.impl();
  std::vector<uint16_t> live(g.slots.size());
  for (size_t i = 0; i < g.slots.size(); ++i) live[i] = static_cast<uint16_t>(g.slots[i].count);
  struct Case {
    std::string_view text;
    size_t pos;
    const char* phrase;  // nullptr: no match
    size_t len;
  } cases[] = {
      {"a panic attack", 2, "panic attack", 12},
      {"a panic  attack!", 2, "panic attack", 13},
      {"panic, attack", 0, "panic", 5},
      {"panicky", 0, nullptr, 7},
      {"PANIC", 0, "panic", 5},
      {"oxytocins", 0, "oxytocin", 9},
      {"unrelated", 0, nullptr, 9},
  };
  for (const Case& c : cases) {
    size_t len = 0;
    int index = g.Match(c.text, c.pos, &len, live);
    if (c.phrase == nullptr) {
      EXPECT_EQ(index, -1) << c.text;
    } else {
      ASSERT_GE(index, 0) << c.text;
      EXPECT_EQ(g.phrases[index].lower, c.phrase) << c.text;
    }
    EXPECT_EQ(len, c.len) << c.text;
  }
}

TEST(Glossary, ManyTermsStillFirstUseEach) {
  std::vector<GlossaryTerm> terms;
  std::string md;
  for (int i = 0; i < 500; ++i) {
    terms.push_back({"term" + std::to_string(i), "def " + std::to_string(i), {}, i});
    md += "term" + std::to_string(i) + " and term" + std::to_string(i) + ". ";
  }
  Glossary glossary(terms);
  Context ctx;
  ctx.glossary = &glossary;
  Document d = Render(md, ctx);
  EXPECT_EQ(d.glossary_terms.size(), 500u);
  EXPECT_EQ(Count(d.html, "<dfn"), 500);
  EXPECT_THAT(d.html, HasSubstr("id=\"gl-term499-500\""));
}

// CountWords scans in 64- and 16-byte blocks: words that straddle block
// edges, runs of each kind of space, and every tail length must count as a
// byte-by-byte count does.
TEST(CountWordsTest, AgreesWithByteByByteAtEveryLength) {
  const std::string pattern = "ab \tcd\n\nefghij\r k lmnopqrstuvwxyz0123456789 x  y";
  std::string text;
  for (int k = 0; k < 6; ++k) text += pattern;
  for (size_t n = 0; n <= text.size(); ++n) {
    std::string_view s(text.data(), n);
    int expected = 0;
    bool prev_space = true;
    for (char c : s) {
      bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (prev_space && !space) ++expected;
      prev_space = space;
    }
    ASSERT_EQ(CountWords(s), expected) << "length " << n;
  }
  EXPECT_EQ(CountWords(std::string(130, 'w')), 1);
  EXPECT_EQ(CountWords(std::string(130, ' ')), 0);
}

}  // namespace
}  // namespace vetted::markup
