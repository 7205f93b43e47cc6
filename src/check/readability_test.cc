#include <gtest/gtest.h>

#include <string>

#include "check/check.h"

namespace vetted::check {
namespace {

struct SyllableCase {
  const char* word;
  int syllables;
};

TEST(CountSyllablesTest, Heuristic) {
  const SyllableCase cases[] = {
      {"the", 1},       {"make", 1},       {"table", 2},     {"whole", 1},  {"makes", 1},
      {"boxes", 2},     {"tables", 2},     {"jumped", 1},    {"wanted", 2}, {"yes", 1},
      {"happy", 2},     {"agree", 2},      {"free", 1},      {"mg", 1},     {"2024", 1},
      {"treatable", 3}, {"Depression", 3}, {"available", 4}, {"don't", 1},  {"cried", 1},
  };
  for (const auto& c : cases) EXPECT_EQ(CountSyllables(c.word), c.syllables) << c.word;
}

// Expected grades computed by hand from 0.39 * W/S + 11.8 * Y/W - 15.59
// (W words, S sentences, Y syllables by the heuristic above).
struct GradeCase {
  const char* name;
  std::string text;
  double grade;
};

TEST(FleschKincaidGradeTest, HandComputed) {
  const GradeCase cases[] = {
      // W=6 S=1 Y=6: 2.34 + 11.8 - 15.59
      {"short words", "The cat sat on the mat.", -1.45},
      // W=7 S=1 Y=3+1+1+2+1+3+2=13: 2.73 + 21.914 - 15.59
      {"one long sentence", "Depression is a common and treatable illness.", 9.0543},
      // W=4 S=2 Y=4: 0.78 + 11.8 - 15.59
      {"two sentences", "I cried. She smiled!", -3.01},
      // "2.5" and "e.g" are single words and "e.g." ends no sentence: W=6 S=1 Y=6
      // (split, it would be W=7 S=2: -2.425).
      {"decimal and abbreviation", "Take 2.5 mg, e.g. with food.", -1.45},
      // A blank line ends a sentence: W=4 S=2 Y=4 (one sentence would give -2.23).
      {"blank line", "Sleep well\n\nEat food", -3.01},
      // List items end sentences: W=4 S=3 Y=1+2+1+2=6: 0.52 + 17.7 - 15.59
      {"list items", "Signs include\n- tears\n- sadness", 2.63},
      // W=7 S=1 Y=3+3+3+1+4+3+4=21: 2.73 + 35.4 - 15.59
      {"hard words", "Medical reviewers evaluate the available evidence carefully.", 22.54},
      // Curly quotes and an ellipsis separate words; "?!" is one end; the last
      // sentence ends with the text. W=5 S=3 Y=2+1+1+1+1=6: 0.65 + 14.16 - 15.59
      {"punctuation runs", "\xE2\x80\x9CReally?!\xE2\x80\x9D she said. Go now\xE2\x80\xA6", -0.78},
      {"empty", "", 0},
      {"no words", "... !? --", 0},
  };
  for (const auto& c : cases) EXPECT_NEAR(FleschKincaidGrade(c.text), c.grade, 0.005) << c.name;
}

TEST(FleschKincaidGradeTest, NoFinalPunctuationStillOneSentence) {
  EXPECT_NEAR(FleschKincaidGrade("The cat sat on the mat"), -1.45, 0.005);
}

}  // namespace
}  // namespace vetted::check
