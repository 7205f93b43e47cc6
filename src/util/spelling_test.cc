#include <gtest/gtest.h>

#include "util/util.h"

namespace vetted::util {
namespace {

TEST(SearchSpellingTest, BritishFormsBecomeAmerican) {
  struct Case {
    const char* british;
    const char* american;
  } cases[] = {
      {"apnoea", "apnea"},
      {"dyspnoea", "dyspnea"},
      {"anaemia", "anemia"},
      {"anaemic", "anemic"},
      {"oesophagus", "esophagus"},
      {"oesophageal", "esophageal"},
      {"haemorrhage", "hemorrhage"},
      {"haemoglobin", "hemoglobin"},
      {"paediatric", "pediatric"},
      {"paediatrician", "pediatrician"},
      {"oestrogen", "estrogen"},
      {"diarrhoea", "diarrhea"},
      {"diarrhoeal", "diarrheal"},
      {"tumour", "tumor"},
      {"tumours", "tumors"},
      {"behaviour", "behavior"},
      {"behavioural", "behavioral"},
      {"misbehaviour", "misbehavior"},
      {"fibre", "fiber"},
      {"fibres", "fibers"},
      {"centre", "center"},
      {"centres", "centers"},
      {"centred", "centered"},
      {"centring", "centering"},
      {"epicentre", "epicenter"},
      {"millilitre", "milliliter"},
      {"anaesthetic", "anesthetic"},
      {"anaesthesia", "anesthesia"},
      {"foetus", "fetus"},
      {"foetal", "fetal"},
      {"leukaemia", "leukemia"},
      {"orthopaedic", "orthopedic"},
      {"programme", "program"},
      {"programmes", "programs"},
      {"ischaemic", "ischemic"},
      {"hypoglycaemia", "hypoglycemia"},
      {"oedema", "edema"},
      {"gynaecology", "gynecology"},
      {"coeliac", "celiac"},
      {"caesarean", "cesarean"},
      {"faeces", "feces"},
      {"aetiology", "etiology"},
      {"manoeuvre", "maneuver"},
      {"manoeuvring", "maneuvering"},
      {"colour", "color"},
      {"favourite", "favorite"},
      {"sulphate", "sulfate"},
      {"ageing", "aging"},
      {"defence", "defense"},
      {"an\xC3\xA6mia", "anemia"},
      {"\xC5\x93strogen", "estrogen"},
  };
  for (const Case& c : cases) EXPECT_EQ(SearchSpelling(c.british), c.american) << c.british;
}

TEST(SearchSpellingTest, AmericanFormsAndOtherWordsStayAsTheyAre) {
  const char* same[] = {"anemia",      "apnea",    "tumor",   "center",  "fiber",     "program", "programmed",
                        "programming", "aero",     "aerobic", "does",    "shoe",      "toe",     "canoe",
                        "poem",        "phoenix",  "reggae",  "maestro", "aesthetic", "hour",    "four",
                        "your",        "tour",     "flour",   "pour",    "acre",      "genre",   "ogre",
                        "massacre",    "mediocre", "there",   "are",     "metric",    "central", "centrifuge",
                        "academia",    "caesar",   "michael", "israel",  "rigorous",  "labor",   "liter",
                        "theater",     "",         "a",       "x2",      "covid19",   "goes"};
  for (const char* w : same) EXPECT_EQ(SearchSpelling(w), w) << w;
}

TEST(SearchSpellingTest, IsIdempotent) {
  for (const char* w : {"haemorrhage", "centred", "behavioural", "manoeuvring", "diarrhoea"}) {
    std::string once = SearchSpelling(w);
    EXPECT_EQ(SearchSpelling(once), once) << w;
  }
}

// The lists as a port (themes/default/search.js) reads them: five lists, each
// holding the rules SearchSpelling applies, letters only.
TEST(SearchSpellingTest, TableListsTheRules) {
  std::string table = SearchSpellingTable();
  std::vector<std::string_view> lists = Split(table, '|');
  ASSERT_EQ(lists.size(), 5u) << table;
  EXPECT_EQ(lists[0].rfind("anaesth>anesth,haem>hem,", 0), 0u) << lists[0];
  EXPECT_NE(lists[0].find(",pnoea>pnea,"), std::string_view::npos);
  EXPECT_EQ(lists[1].rfind("behaviour,colour,", 0), 0u) << lists[1];
  EXPECT_EQ(lists[2].rfind("cent,fib,", 0), 0u) << lists[2];
  EXPECT_NE(lists[3].find("programme>program,"), std::string_view::npos);
  EXPECT_EQ(lists[4], "sulph>sulf,practis>practic");
  for (char c : table) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == ',' || c == '>' || c == '|') << c;
}

}  // namespace
}  // namespace vetted::util
