// Store::Search and spelling: British and American spellings find each other
// (util::SearchSpelling on indexed and query words) and the glossary field
// (SearchDocument::glossary) finds articles by a term's other names. Part of
// the Store contract, run against every backend (see contract_test.h).
#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "store/contract_test.h"

namespace vetted::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

ArticleSource Spelled(const std::string& slug, const std::string& title, const std::string& body,
                      const std::string& glossary = "") {
  ArticleSource a;
  a.path = "content/health/" + slug + ".md";
  a.url = "/health/" + slug + "/";
  a.revision = "sha256:" + std::string(64, 'a' + static_cast<char>(slug.size() % 6));
  a.bytes = "---\ntitle: " + title + "\n---\n" + body + "\n";
  a.search.title = title;
  a.search.body = body;
  a.search.section = "/health/";
  a.search.glossary = glossary;
  return a;
}

ImportInput SpellingSite() {
  ImportInput in;
  in.articles.push_back(Spelled("iron", "Iron and your blood",
                                "Iron-deficiency anaemia makes people tired. Paediatric doses differ."));
  in.articles.push_back(Spelled("breathing", "Breathing at night",
                                "Obstructive sleep apnea stops breathing for a few seconds at a time."));
  in.articles.push_back(Spelled("growths", "Growths", "Most tumours found this way are benign."));
  in.articles.push_back(Spelled("food", "Food and digestion", "Fibre helps, and so does water."));
  return in;
}

std::vector<std::string> UrlsOf(Store& store, const std::string& text) {
  SearchQuery q;
  q.text = text;
  Result<SearchResults> r = store.Search(q);
  EXPECT_TRUE(r.ok()) << text;
  std::vector<std::string> urls;
  if (r.ok())
    for (const SearchHit& h : r->hits) urls.push_back(h.url);
  return urls;
}

}  // namespace

TEST_P(StoreContract, SearchMatchesBritishAndAmericanSpellings) {
  ASSERT_TRUE(store_->Import(SpellingSite()).ok());
  struct Case {
    const char* query;
    const char* url;
  } cases[] = {
      {"anemia", "/health/iron/"},     {"anaemia", "/health/iron/"},
      {"pediatric", "/health/iron/"},  {"sleep apnoea", "/health/breathing/"},
      {"apnea", "/health/breathing/"}, {"tumor", "/health/growths/"},
      {"tumors", "/health/growths/"},  {"tumour", "/health/growths/"},
      {"fiber", "/health/food/"},
  };
  for (const Case& c : cases) EXPECT_THAT(UrlsOf(*store_, c.query), ElementsAre(c.url)) << c.query;
  // Words the rules leave alone still match only themselves.
  EXPECT_THAT(UrlsOf(*store_, "does"), ElementsAre("/health/food/"));
  EXPECT_THAT(UrlsOf(*store_, "aero"), IsEmpty());
}

TEST_P(StoreContract, SearchMarksTheAuthorsSpellingInSnippets) {
  ASSERT_TRUE(store_->Import(SpellingSite()).ok());
  SearchQuery q;
  q.text = "anemia";
  Result<SearchResults> r = store_->Search(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  const SearchHit& hit = r->hits[0];
  ASSERT_EQ(hit.match_ranges.size(), 1u) << hit.snippet;
  EXPECT_EQ(
      hit.snippet.substr(hit.match_ranges[0].first, hit.match_ranges[0].second - hit.match_ranges[0].first),
      "anaemia");
}

TEST_P(StoreContract, SearchFindsGlossaryAliasesBelowTheReadersOwnWords) {
  ImportInput in = SpellingSite();
  // The glossary lists "OSA" as an alias of "sleep apnoea": the article that
  // mentions the term gets the alias in its glossary field.
  in.articles[1].search.glossary = "OSA\n";
  in.articles.push_back(Spelled("snoring", "Snoring", "Loud snoring can be a sign of OSA in adults."));
  ASSERT_TRUE(store_->Import(in).ok());
  EXPECT_THAT(UrlsOf(*store_, "OSA"), ElementsAre("/health/snoring/", "/health/breathing/"));
  EXPECT_THAT(UrlsOf(*store_, "osa breathing"), ElementsAre("/health/breathing/"));
}

TEST_P(StoreContract, SearchReindexesAnUnchangedArticleWhenItsGlossaryChanges) {
  ASSERT_TRUE(store_->Import(SpellingSite()).ok());
  EXPECT_THAT(UrlsOf(*store_, "OSA"), IsEmpty());
  Result<int64_t> before = store_->Generation();
  ASSERT_TRUE(before.ok());
  ImportInput in = SpellingSite();
  in.articles[1].search.glossary = "OSA\n";
  Result<ImportReport> report = store_->Import(in);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_THAT(report->changed, IsEmpty());  // no new revision
  EXPECT_EQ(report->unchanged, 4u);
  EXPECT_GT(report->generation, *before);  // cached searches are dropped
  EXPECT_THAT(UrlsOf(*store_, "OSA"), ElementsAre("/health/breathing/"));
  in.articles[1].search.glossary = "";
  ASSERT_TRUE(store_->Import(in).ok());
  EXPECT_THAT(UrlsOf(*store_, "OSA"), IsEmpty());
}

}  // namespace vetted::store
