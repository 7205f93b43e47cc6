// publish::SearchText's glossary field: the other names of the glossary terms
// an article mentions.
#include <gtest/gtest.h>

#include "publish/publish.h"

namespace vetted::publish {
namespace {

TEST(SearchTextTest, GlossaryFieldHoldsTheOtherNamesOfMentionedTerms) {
  Article a;
  a.title = "Breathing at night";
  a.description = "Why snoring matters.";
  a.tags = {"sleep", "breathing"};
  markup::Document doc;
  doc.plain_text = "Obstructive sleep apnoea stops breathing.\n\nIt can come with dyspareunia.";
  doc.glossary_terms = {"sleep apnoea", "dyspareunia"};
  const std::vector<GlossaryTerm> glossary = {
      {"dyspareunia", "Pain during or after sex.", {"painful sex", "Painful intercourse"}, 1},
      {"oxytocin", "A hormone.", {"love hormone"}, 2},
      {"sleep apnoea", "Pauses in breathing.", {"sleep apnea", "OSA", "obstructive  sleep apnoea"}, 3},
  };
  store::SearchDocument s = SearchText(a, doc, glossary);
  // "sleep apnea" is the text's own words once spelled alike; the obstructive
  // form is in the text (whitespace and case aside); oxytocin is not mentioned.
  EXPECT_EQ(s.glossary, "OSA\npainful sex\nPainful intercourse\n");
  EXPECT_EQ(s.body, doc.plain_text);  // the text itself is left as written
  EXPECT_EQ(s.tags, "sleep breathing");
  EXPECT_EQ(SearchText(a, doc).glossary, "");  // no glossary given
  doc.glossary_terms.clear();
  EXPECT_EQ(SearchText(a, doc, glossary).glossary, "");
}

TEST(SearchTextTest, TermFoundByItsAliasAddsTheTerm) {
  Article a;
  a.title = "Sex and pain";
  markup::Document doc;
  doc.plain_text = "Painful sex is common.";
  doc.glossary_terms = {"dyspareunia"};
  store::SearchDocument s =
      SearchText(a, doc, {{"dyspareunia", "Pain during or after sex.", {"painful sex"}, 1}});
  EXPECT_EQ(s.glossary, "dyspareunia\n");
}

}  // namespace
}  // namespace vetted::publish
