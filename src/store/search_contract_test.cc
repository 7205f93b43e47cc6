// Store::Search and Store::Related: part of the Store contract, run against
// every backend (see contract_test.h).
#include <gmock/gmock.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/contract_test.h"

namespace vetted::store {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

SearchDocument Doc(std::string title, std::string description, std::string headings, std::string body,
                   std::string tags) {
  SearchDocument d;
  d.title = std::move(title);
  d.description = std::move(description);
  d.headings = std::move(headings);
  d.body = std::move(body);
  d.tags = std::move(tags);
  return d;
}

SearchQuery Q(std::string text, std::string section = "", size_t offset = 0, size_t limit = 10) {
  SearchQuery q;
  q.text = std::move(text);
  q.section = std::move(section);
  q.offset = offset;
  q.limit = limit;
  return q;
}

ArticleSource Article(const std::string& section, const std::string& slug, SearchDocument doc) {
  ArticleSource a;
  a.path = "content" + section + slug + ".md";
  a.url = section + slug + "/";
  a.revision = "sha256:" + std::string(64, 'a' + static_cast<char>(slug.size() % 6));
  a.bytes = "---\ntitle: " + doc.title + "\n---\n" + doc.body + "\n";
  doc.section = section;
  a.search = std::move(doc);
  return a;
}

// Six articles; the words chosen so that each test's expectation holds.
ImportInput SearchSite() {
  ImportInput in;
  in.articles.push_back(
      Article("/mood/", "crying",
              Doc("Why we cry", "Tears and their meaning.", "Tears\nWhen to worry",
                  "Crying is a normal response. People cried at weddings and films.", "emotions")));
  in.articles.push_back(
      Article("/mood/", "title-match",
              Doc("Lavender for calm", "A plant.", "", "Some people find the scent relaxing.", "plants")));
  in.articles.push_back(Article("/mood/", "body-match",
                                Doc("Scents and the brain", "Smell and memory.", "",
                                    "The smell of lavender can bring back memories of summer.", "senses")));
  in.articles.push_back(
      Article("/sleep/", "markup",
              Doc("Bedtime routines", "Wind down before bed.", "",
                  "A routine <script>alert(1)</script> & a warm bath \"help\" you sleep.", "sleep")));
  in.articles.push_back(
      Article("/sleep/", "naps",
              Doc("Naps in the afternoon", "Short naps help you sleep better at night and improve focus.",
                  "How long to nap", "Keep it under thirty minutes.", "sleep rest")));
  in.articles.push_back(
      Article("/sleep/", "dreams",
              Doc("Dreams and rest", "What dreams do.", "REM sleep",
                  "Dreams happen mostly in REM sleep, when the brain is busy.", "sleep dreams")));
  return in;
}

std::vector<std::string> Urls(const SearchResults& r) {
  std::vector<std::string> urls;
  for (const SearchHit& h : r.hits) urls.push_back(h.url);
  return urls;
}

SearchResults MustSearch(Store& store, SearchQuery q) {
  Result<SearchResults> r = store.Search(q);
  EXPECT_TRUE(r.ok()) << q.text << ": " << r.status().message();
  return r.ok() ? *r : SearchResults();
}

}  // namespace

TEST_P(StoreContract, SearchStemsWords) {
  ASSERT_TRUE(store_->Import(SearchSite()).ok());
  struct Case {
    std::string text;
    std::string url;
  } cases[] = {{"cry", "/mood/crying/"},
               {"crying", "/mood/crying/"},
               {"CRIED", "/mood/crying/"},
               {"napping", "/sleep/naps/"},
               {"dream", "/sleep/dreams/"}};
  for (const Case& c : cases) {
    SearchResults r = MustSearch(*store_, Q(c.text));
    EXPECT_THAT(Urls(r), ElementsAre(c.url)) << c.text;
    EXPECT_EQ(r.total, 1u) << c.text;
  }
}

TEST_P(StoreContract, SearchTitleOutranksBody) {
  ASSERT_TRUE(store_->Import(SearchSite()).ok());
  SearchResults r = MustSearch(*store_, Q("lavender"));
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].url, "/mood/title-match/");
  EXPECT_EQ(r.hits[1].url, "/mood/body-match/");
  EXPECT_GT(r.hits[0].score, r.hits[1].score);
  EXPECT_EQ(r.hits[0].title, "Lavender for calm");
  EXPECT_EQ(r.hits[0].section, "/mood/");
}

// The text under each match range, checking that the ranges are sorted, do
// not overlap, lie within the snippet and on UTF-8 character boundaries.
std::vector<std::string> Marked(const SearchHit& h) {
  std::vector<std::string> out;
  size_t end = 0;
  auto boundary = [&](size_t p) {
    return p == h.snippet.size() || (static_cast<unsigned char>(h.snippet[p]) & 0xC0) != 0x80;
  };
  for (const auto& [b, e] : h.match_ranges) {
    EXPECT_LE(end, b) << h.snippet;
    EXPECT_LT(b, e) << h.snippet;
    EXPECT_LE(e, h.snippet.size()) << h.snippet;
    if (b < end || b >= e || e > h.snippet.size()) return out;
    EXPECT_TRUE(boundary(b) && boundary(e)) << h.snippet;
    out.push_back(h.snippet.substr(b, e - b));
    end = e;
  }
  return out;
}

TEST_P(StoreContract, SearchSnippetIsPlainTextWithMatchRanges) {
  ASSERT_TRUE(store_->Import(SearchSite()).ok());
  SearchResults r = MustSearch(*store_, Q("bath"));
  ASSERT_EQ(r.hits.size(), 1u);
  // The text as written: no escaping and no markup added by the store.
  EXPECT_THAT(r.hits[0].snippet, HasSubstr("routine <script>alert(1)</script> & a warm bath \"help\" you"));
  EXPECT_THAT(r.hits[0].snippet, Not(HasSubstr("&amp;")));
  EXPECT_THAT(r.hits[0].snippet, Not(HasSubstr("<mark>")));
  EXPECT_THAT(Marked(r.hits[0]), ElementsAre("bath"));
  // The body has no match for "focus": the description is the snippet.
  r = MustSearch(*store_, Q("focus"));
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_THAT(r.hits[0].snippet, HasSubstr("Short naps"));
  EXPECT_THAT(Marked(r.hits[0]), ElementsAre("focus"));
  // Stemmed matches are marked as written.
  r = MustSearch(*store_, Q("crying"));
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_THAT(r.hits[0].snippet, HasSubstr("Crying is a normal response"));
  EXPECT_THAT(Marked(r.hits[0]), ElementsAre("Crying"));
  // Every match of every word, whatever the text.
  r = MustSearch(*store_, Q("sleep dreams"));
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_THAT(Marked(r.hits[0]), ElementsAre("Dreams", "sleep"));
  for (const char* text : {"sleep", "routine script", "alert"}) {
    for (const SearchHit& h : MustSearch(*store_, Q(text)).hits) {
      EXPECT_FALSE(h.snippet.empty()) << text;
      EXPECT_FALSE(Marked(h).empty()) << text << ": " << h.snippet;
    }
  }
}

// A long body: the snippet is a window around the match, cut with "…".
TEST_P(StoreContract, SearchSnippetIsAWindowOfTheBody) {
  std::string body;
  for (int i = 0; i < 60; ++i) body += "filler" + std::to_string(i) + " ";
  body += "caf\xC3\xA9 orchid\n\n\tblooms ";
  for (int i = 60; i < 120; ++i) body += "filler" + std::to_string(i) + " ";
  ImportInput in;
  in.articles.push_back(Article("/garden/", "orchids", Doc("Flowers", "", "", body, "")));
  ASSERT_TRUE(store_->Import(in).ok());
  SearchResults r = MustSearch(*store_, Q("orchid"));
  ASSERT_EQ(r.hits.size(), 1u);
  const std::string& s = r.hits[0].snippet;
  EXPECT_TRUE(s.starts_with("\xE2\x80\xA6")) << s;
  EXPECT_TRUE(s.ends_with("\xE2\x80\xA6")) << s;
  EXPECT_THAT(s, HasSubstr("caf\xC3\xA9 orchid blooms"));  // whitespace runs squeezed
  EXPECT_THAT(s, Not(HasSubstr("filler0 ")));
  EXPECT_THAT(Marked(r.hits[0]), ElementsAre("orchid"));
}

TEST_P(StoreContract, SearchHostileInputNeverFails) {
  ASSERT_TRUE(store_->Import(SearchSite()).ok());
  const std::string hostile[] = {"\"",
                                 "NEAR(",
                                 "title:x",
                                 "*",
                                 "-",
                                 "AND OR",
                                 "sleep\"",
                                 "\"sleep",
                                 "^",
                                 "sleep NOT",
                                 "(sleep",
                                 "{title}:x",
                                 std::string("a\0b", 3),
                                 "\x01\x02\x7f",
                                 "\xff\xfe",
                                 "\xe2\x80",
                                 "sleep*",
                                 "",
                                 "   ",
                                 "NEAR(sleep dreams, 2)",
                                 "title : sleep",
                                 std::string(5000, 'x'),
                                 "\xee\x80\x80sleep\xee\x80\x81"};
  for (const std::string& text : hostile) {
    Result<SearchResults> r = store_->Search(Q(text));
    ASSERT_TRUE(r.ok()) << "input " << text.substr(0, 40) << ": " << r.status().message();
    EXPECT_EQ(r->total, r->hits.size()) << text.substr(0, 40);
  }
  // Operator words are words: "sleep NOT" finds nothing with "not", then falls back to "sleep".
  EXPECT_EQ(MustSearch(*store_, Q("sleep NOT")).total, 3u);
  EXPECT_EQ(MustSearch(*store_, Q("title:sleep")).total, 3u);
  EXPECT_EQ(MustSearch(*store_, Q("\"\"\"((sleep**")).total, 3u);
  EXPECT_EQ(MustSearch(*store_, Q("-*-")).total, 0u);
}

TEST_P(StoreContract, SearchPaginatesWithTotal) {
  ASSERT_TRUE(store_->Import(SearchSite()).ok());
  SearchResults all = MustSearch(*store_, Q("sleep", "", 0, 50));
  ASSERT_EQ(all.total, 3u);
  ASSERT_EQ(all.hits.size(), 3u);
  struct Case {
    size_t offset, limit, want;
  } cases[] = {{0, 1, 1}, {1, 1, 1}, {2, 5, 1}, {3, 5, 0}, {0, 0, 0}, {1, 2, 2}, {100, 10, 0}};
  for (const Case& c : cases) {
    SearchResults page = MustSearch(*store_, Q("sleep", "", c.offset, c.limit));
    EXPECT_EQ(page.total, 3u);
    ASSERT_EQ(page.hits.size(), c.want) << c.offset << "+" << c.limit;
    for (size_t i = 0; i < page.hits.size(); ++i) EXPECT_EQ(page.hits[i].url, all.hits[c.offset + i].url);
  }
  for (size_t i = 1; i < all.hits.size(); ++i) EXPECT_GE(all.hits[i - 1].score, all.hits[i].score);
}

TEST_P(StoreContract, SearchLimitIsCappedAtFifty) {
  ImportInput in;
  for (int i = 0; i < 60; ++i) {
    in.articles.push_back(Article("/many/", "a" + std::to_string(i),
                                  Doc("Common topic " + std::to_string(i), "", "", "shared words", "")));
  }
  ASSERT_TRUE(store_->Import(in).ok());
  SearchResults r = MustSearch(*store_, Q("common", "", 0, 1000));
  EXPECT_EQ(r.total, 60u);
  EXPECT_EQ(r.hits.size(), 50u);
}

TEST_P(StoreContract, SearchFiltersBySection) {
  ASSERT_TRUE(store_->Import(SearchSite()).ok());
  struct Case {
    std::string text, section;
    size_t total;
  } cases[] = {{"brain", "", 2},          {"brain", "/mood/", 1}, {"brain", "/sleep/", 1},
               {"brain", "/nowhere/", 0}, {"sleep", "/mood/", 0}, {"sleep", "/sleep/", 3}};
  for (const Case& c : cases) {
    SearchResults r = MustSearch(*store_, Q(c.text, c.section));
    EXPECT_EQ(r.total, c.total) << c.text << " in " << c.section;
    for (const SearchHit& h : r.hits) {
      if (!c.section.empty()) {
        EXPECT_EQ(h.section, c.section);
      }
    }
  }
}

TEST_P(StoreContract, SearchAndsWordsThenFallsBackToOr) {
  ASSERT_TRUE(store_->Import(SearchSite()).ok());
  // Both words in one article: AND finds just that one.
  EXPECT_THAT(Urls(MustSearch(*store_, Q("dreams brain"))), ElementsAre("/sleep/dreams/"));
  // No article has both: every article with either word.
  SearchResults r = MustSearch(*store_, Q("lavender naps"));
  EXPECT_EQ(r.total, 3u);
  EXPECT_THAT(Urls(r), UnorderedElementsAre("/mood/title-match/", "/mood/body-match/", "/sleep/naps/"));
  // A single unknown word finds nothing.
  EXPECT_EQ(MustSearch(*store_, Q("zebra")).total, 0u);
}

TEST_P(StoreContract, SearchFollowsImports) {
  ASSERT_TRUE(store_->Import(SearchSite()).ok());
  EXPECT_EQ(MustSearch(*store_, Q("lavender")).total, 2u);
  ImportInput in = SearchSite();
  in.articles.erase(in.articles.begin() + 1);  // unpublish title-match
  in.articles[1].search.body = "The smell of roses.";
  in.articles[1].revision = "sha256:" + std::string(64, 'f');
  in.articles[1].bytes += "changed\n";
  ASSERT_TRUE(store_->Import(in).ok());
  EXPECT_EQ(MustSearch(*store_, Q("lavender")).total, 0u);
  EXPECT_THAT(Urls(MustSearch(*store_, Q("roses"))), ElementsAre("/mood/body-match/"));
}

TEST_P(StoreContract, RelatedExcludesSelfBestFirst) {
  ASSERT_TRUE(store_->Import(SearchSite()).ok());
  Result<std::vector<std::string>> r = store_->Related("/sleep/dreams/", 10);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_THAT(*r, Not(::testing::Contains("/sleep/dreams/")));
  ASSERT_FALSE(r->empty());
  // "Naps" shares "rest" (title/tags) and "sleep" (tags); the mood articles share nothing but "brain".
  EXPECT_EQ(r->front(), "/sleep/naps/");
  Result<std::vector<std::string>> one = store_->Related("/sleep/dreams/", 1);
  ASSERT_TRUE(one.ok());
  EXPECT_THAT(*one, ElementsAre("/sleep/naps/"));
  Result<std::vector<std::string>> none = store_->Related("/sleep/dreams/", 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreContract, RelatedUnknownUrlIsNotFound) {
  ASSERT_TRUE(store_->Import(SearchSite()).ok());
  for (const char* url : {"/nope/", "", "/sleep/dreams", "/mood/"}) {
    Result<std::vector<std::string>> r = store_->Related(url, 5);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status().code(), Code::kNotFound) << url;
  }
  ImportInput in = SearchSite();
  in.articles.pop_back();  // unpublish /sleep/dreams/
  ASSERT_TRUE(store_->Import(in).ok());
  EXPECT_EQ(store_->Related("/sleep/dreams/", 5).status().code(), Code::kNotFound);
  Result<std::vector<std::string>> naps = store_->Related("/sleep/naps/", 10);
  ASSERT_TRUE(naps.ok());
  EXPECT_THAT(*naps, Not(::testing::Contains("/sleep/dreams/")));
}

}  // namespace vetted::store
