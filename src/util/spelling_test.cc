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

}  // namespace
}  // namespace vetted::util
