#include "render/search_words.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "render/search_index.h"

namespace vetted::render {
namespace {

// Expected stems are SQLite FTS5's own ('porter unicode61 remove_diacritics 2'
// through fts5vocab), the tokenizer of the server's search index. 45,000 words
// (the demo's, a corpus's and suffix combinations) were compared the same way
// when this stemmer and its JavaScript port were written: no difference.
TEST(PorterStem, AsFts5) {
  struct Case {
    const char* word;
    const char* stem;
  } cases[] = {
      {"caresses", "caress"},
      {"ponies", "poni"},
      {"ties", "ti"},
      {"caress", "caress"},
      {"cats", "cat"},
      {"feed", "feed"},
      {"agreed", "agre"},
      {"plastered", "plaster"},
      {"bled", "bled"},
      {"motoring", "motor"},
      {"sing", "sing"},
      {"conflated", "conflat"},
      {"troubled", "troubl"},
      {"sized", "size"},
      {"hopping", "hop"},
      {"tanned", "tan"},
      {"falling", "fall"},
      {"hissing", "hiss"},
      {"fizzed", "fizz"},
      {"failing", "fail"},
      {"filing", "file"},
      {"happy", "happi"},
      {"sky", "sky"},
      {"relational", "relat"},
      {"conditional", "condit"},
      {"rational", "ration"},
      {"valenci", "valenc"},
      {"hesitanci", "hesit"},
      {"digitizer", "digit"},
      {"conformabli", "conform"},
      {"radicalli", "radic"},
      {"differentli", "differ"},
      {"vileli", "vile"},
      {"analogousli", "analog"},
      {"vietnamization", "vietnam"},
      {"predication", "predic"},
      {"operator", "oper"},
      {"feudalism", "feudal"},
      {"decisiveness", "decis"},
      {"hopefulness", "hope"},
      {"callousness", "callous"},
      {"formaliti", "formal"},
      {"sensitiviti", "sensit"},
      {"sensibiliti", "sensibl"},
      {"triplicate", "triplic"},
      {"formative", "form"},
      {"formalize", "formal"},
      {"electriciti", "electr"},
      {"electrical", "electr"},
      {"hopeful", "hope"},
      {"goodness", "good"},
      {"revival", "reviv"},
      {"allowance", "allow"},
      {"inference", "infer"},
      {"airliner", "airlin"},
      {"gyroscopic", "gyroscop"},
      {"adjustable", "adjust"},
      {"defensible", "defens"},
      {"irritant", "irrit"},
      {"replacement", "replac"},
      {"adjustment", "adjust"},
      {"dependent", "depend"},
      {"adoption", "adopt"},
      {"homologou", "homolog"},
      {"communism", "commun"},
      {"activate", "activ"},
      {"angulariti", "angular"},
      {"homologous", "homolog"},
      {"effective", "effect"},
      {"bowdlerize", "bowdler"},
      {"probate", "probat"},
      {"rate", "rate"},
      {"cease", "ceas"},
      {"controll", "control"},
      {"roll", "roll"},
      {"sleeping", "sleep"},
      {"anxiety", "anxieti"},
      {"anxieties", "anxieti"},
      {"depression", "depress"},
      {"medicines", "medicin"},
      {"generalizations", "gener"},
      {"ab", "ab"},
      {"abc", "abc"},
  };
  for (const Case& c : cases) EXPECT_EQ(PorterStem(c.word), c.stem) << c.word;
}

TEST(PorterStem, LongWordsAndOtherBytesPassThrough) {
  std::string long_word(kMaxStemmedBytes + 1, 'a');
  long_word += "ing";
  EXPECT_EQ(PorterStem(long_word), long_word);
  std::string longest = std::string(kMaxStemmedBytes - 7, 'a') + "walking";  // 64 bytes: stemmed
  EXPECT_EQ(PorterStem(longest), std::string(kMaxStemmedBytes - 7, 'a') + "walk");
  EXPECT_EQ(PorterStem("caf\xC3\xA9s"), "caf\xC3\xA9");  // bytes other than a-z are consonants
  EXPECT_EQ(PorterStem("covid19s"), "covid19");
}

TEST(ForEachSearchWord, CutsAndLowerCases) {
  struct Case {
    const char* name;
    std::string text;
    std::vector<std::string> words;
  } cases[] = {
      {"ASCII", "Hello, WORLD! x2y", {"hello", "world", "x2y"}},
      {"accented letters are letters, kept as written",
       "Caf\xC3\xA9 CAF\xC3\x89",
       {"caf\xC3\xA9", "caf\xC3\x89"}},
      {"dashes and quotes split",
       "a\xE2\x80\x93"
       "b \xE2\x80\x9C"
       "c\xE2\x80\x9D",
       {"a", "b", "c"}},
      {"an invalid byte splits",
       "ab\xFF"
       "cd",
       {"ab", "cd"}},
      {"apostrophes split", "don't", {"don", "t"}},
      {"nothing", " .,;", {}},
      {"upper case after lower case, then a word as written",
       "abC D\xC3\xA9"
       "f ghi",
       {"abc",
        "d\xC3\xA9"
        "f",
        "ghi"}},
      {"upper case after another letter",
       "\xC3\xA9"
       "A1",
       {"\xC3\xA9"
        "a1"}},
  };
  std::string buffer;
  for (const Case& c : cases) {
    std::vector<std::string> got;
    ForEachSearchWord(c.text, buffer, [&](std::string_view w, size_t begin, size_t end) {
      got.emplace_back(w);
      ASSERT_LE(begin, end);
      ASSERT_LE(end, c.text.size());
      std::string written = c.text.substr(begin, end - begin);
      for (char& ch : written)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      EXPECT_EQ(written, w) << c.name << ": the word's bytes in the text";
    });
    EXPECT_EQ(got, c.words) << c.name;
  }
}

}  // namespace
}  // namespace vetted::render
