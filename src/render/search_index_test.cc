#include "render/search_index.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/util.h"

namespace vetted::render {
namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

struct Posting {
  size_t doc;
  long tf;
};
struct Term {
  double idf = 0;
  std::vector<Posting> postings;
  std::string file;
};

// Every stem of the index, its postings decoded.
std::map<std::string, Term> Terms(const Files& files) {
  std::map<std::string, Term> out;
  for (const auto& [path, bytes] : files) {
    if (path.rfind("search/t/", 0) != 0) continue;
    nlohmann::json shard = nlohmann::json::parse(bytes);
    for (const auto& [stem, list] : shard.items()) {
      Term& t = out[stem];
      t.file = path;
      t.idf = list.at(0).get<double>();
      size_t doc = 0;
      for (size_t i = 1; i + 1 < list.size(); i += 2) {
        doc += list[i].get<size_t>();
        t.postings.push_back({doc, list[i + 1].get<long>()});
      }
    }
  }
  return out;
}

const std::string* Find(const Files& files, const std::string& path) {
  for (const auto& [p, bytes] : files)
    if (p == path) return &bytes;
  return nullptr;
}

const std::vector<SearchFields> kDocs = {
    {"Sleep and anxiety", "How sleep helps", "", "sleep", "Anxiety can keep you awake."},
    {"Diet", "", "", "", "Sleep well. Eat well. Sleep more."},
    {"Exercise", "", "Walking\n", "", "Walking helps mood."},
};
const std::vector<SearchDocInfo> kInfos = {
    {"/a/sleep/", "Sleep and anxiety", "/a/", "How sleep helps"},
    {"/b/diet/", "Diet", "/b/", ""},
    {"/a/exercise/", "Exercise \"x\"", "/a/", "Moving"},
    {"/c/never/", "Never indexed", "/c/", ""},
};

Files Build(bool reverse, SearchIndexMeta* meta) {
  SearchIndexBuilder b(kInfos.size());
  for (size_t k = 0; k < kDocs.size(); ++k) {
    size_t i = reverse ? kDocs.size() - 1 - k : k;
    b.Add(i, kDocs[i]);
  }
  return b.Finish(kInfos, meta);
}

TEST(SearchHash, IsFnv1a32) {
  EXPECT_EQ(SearchHash(""), 2166136261u);
  EXPECT_EQ(SearchHash("a"), 0xe40c292cu);
  EXPECT_EQ(SearchHash("foobar"), 0xbf9cf968u);
}

TEST(SearchIndex, PostingsAreStemmedAndInArticleOrder) {
  SearchIndexMeta meta;
  Files files = Build(false, &meta);
  EXPECT_EQ(meta.docs, 4u);
  EXPECT_EQ(meta.buckets, 1u);  // a tiny index is one shard
  std::map<std::string, Term> terms = Terms(files);
  ASSERT_TRUE(terms.count("sleep"));
  ASSERT_EQ(terms["sleep"].postings.size(), 2u);
  EXPECT_EQ(terms["sleep"].postings[0].doc, 0u);
  EXPECT_EQ(terms["sleep"].postings[1].doc, 1u);
  ASSERT_TRUE(terms.count("walk")) << "walking -> walk";
  ASSERT_EQ(terms["walk"].postings.size(), 1u);
  EXPECT_EQ(terms["walk"].postings[0].doc, 2u);
  EXPECT_TRUE(terms.count("anxieti"));
  EXPECT_FALSE(terms.count("anxiety")) << "words are indexed by their stems only";
  EXPECT_FALSE(terms.count("never")) << "an article never added has no words";
  for (const auto& [stem, t] : terms)
    for (const Posting& p : t.postings) EXPECT_NE(p.doc, 3u) << stem;
}

TEST(SearchIndex, ScoresAreFts5Bm25WithTheServersWeights) {
  std::map<std::string, Term> terms = Terms(Build(false, nullptr));
  // Words per article: 3+3+1+5 = 12, 1+6 = 7, 1+1+3 = 5; mean 8.
  const double avgdl = 24.0 / 3;
  auto tf = [&](double f, double length) {
    return std::lround(10000 * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * length / avgdl)));
  };
  // "anxiety": title (10) and body (1) of article 0, in 1 article of 3.
  ASSERT_EQ(terms["anxieti"].postings.size(), 1u);
  EXPECT_NEAR(terms["anxieti"].idf, std::log(2.5 / 1.5), 1e-5);
  EXPECT_EQ(terms["anxieti"].postings[0].tf, tf(11, 12));
  // "walk": headings (4) and body (1) of article 2.
  EXPECT_EQ(terms["walk"].postings[0].tf, tf(5, 5));
  // "sleep" is in 2 articles of 3: FTS5 floors a negative idf at 1e-6.
  EXPECT_DOUBLE_EQ(terms["sleep"].idf, 1e-6);
  // Title, description and tags (10+5+4) outweigh two body matches.
  EXPECT_EQ(terms["sleep"].postings[0].tf, tf(19, 12));
  EXPECT_EQ(terms["sleep"].postings[1].tf, tf(2, 7));
  EXPECT_GT(terms["sleep"].postings[0].tf, terms["sleep"].postings[1].tf);
}

TEST(SearchIndex, DocumentTableAndSections) {
  Files files = Build(false, nullptr);
  const std::string* chunk = Find(files, "search/d/0.json");
  ASSERT_NE(chunk, nullptr);
  nlohmann::json docs = nlohmann::json::parse(*chunk);
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(docs[2], nlohmann::json({"/a/exercise/", "Exercise \"x\"", "/a/", "Moving"}));
  EXPECT_EQ(Find(files, "search/d/1.json"), nullptr);
  const std::string* sections = Find(files, "search/sections.json");
  ASSERT_NE(sections, nullptr);
  nlohmann::json s = nlohmann::json::parse(*sections);
  EXPECT_EQ(s["sections"], nlohmann::json({"/a/", "/b/", "/c/"}));
  EXPECT_EQ(s["of"], nlohmann::json({0, 1, 0, 2}));
}

TEST(SearchIndex, SameFilesWhateverTheOrderOfAdds) {
  EXPECT_EQ(Build(false, nullptr), Build(true, nullptr));
}

TEST(SearchIndex, LargeIndexesAreShardedByStemHash) {
  const size_t n = 3000;
  SearchIndexBuilder b(n);
  std::vector<SearchDocInfo> infos(n);
  for (size_t i = 0; i < n; ++i) {
    std::string word = "w" + std::to_string(i) + "x";  // one rare word per article, and a common one
    b.Add(i, {"", "", "", "", word + " common"});
    infos[i] = {"/p" + std::to_string(i) + "/", "P", "/", ""};
  }
  SearchIndexMeta meta;
  Files files = b.Finish(infos, &meta);
  EXPECT_GT(meta.buckets, 1u);
  EXPECT_EQ(meta.buckets & (meta.buckets - 1), 0u) << "a power of two";
  std::map<std::string, Term> terms = Terms(files);
  EXPECT_EQ(terms.size(), n + 1);
  for (const auto& [stem, t] : terms) {
    char want[32];
    std::snprintf(want, sizeof want, "search/t/%x.json",
                  static_cast<unsigned>(SearchHash(stem) & (meta.buckets - 1)));
    ASSERT_EQ(t.file, want) << stem;
  }
  EXPECT_EQ(terms["common"].postings.size(), n);
  EXPECT_EQ(terms["common"].postings.back().doc, n - 1);
  EXPECT_NE(Find(files, "search/d/" + std::to_string((n - 1) / kDocsPerChunk) + ".json"), nullptr);
}

std::vector<SearchDocInfo> Infos(size_t n) {
  std::vector<SearchDocInfo> out;
  for (size_t i = 0; i < n; ++i) out.push_back({"/p" + std::to_string(i) + "/", "P", "/", ""});
  return out;
}

TEST(SearchIndex, BritishAndAmericanSpellingsShareAStem) {
  SearchIndexBuilder b(3);
  b.Add(0, {"Sleep apnoea", "", "", "", "Anaemia and tumours."});
  b.Add(1, {"Sleep apnea", "", "", "", "Anemia and tumors."});
  b.Add(2, {"", "", "", "", "Centred, fibre, \xC5\x93strogen, programme"});
  SearchIndexMeta meta;
  std::map<std::string, Term> terms = Terms(b.Finish(Infos(3), &meta));
  for (const char* stem : {"apnea", "anemia", "tumor"}) {
    ASSERT_TRUE(terms.count(stem)) << stem;
    EXPECT_EQ(terms[stem].postings.size(), 2u) << stem;
  }
  for (const char* british : {"apnoea", "anaemia", "tumour"}) EXPECT_FALSE(terms.count(british)) << british;
  for (const char* stem : {"center", "fiber", "estrogen", "program"}) EXPECT_TRUE(terms.count(stem)) << stem;
  EXPECT_EQ(meta.spelling, util::SearchSpellingTable()) << "the script's spelling lists";
}

// The glossary field: the names (term and aliases) of the terms an article
// mentions that its text lacks, at weight 0.5, compared word by word after
// spelling, as publish::SearchText writes it for the server.
TEST(SearchIndex, GlossaryNamesTheTextLacksAreIndexedAtHalfWeight) {
  std::vector<GlossaryTerm> glossary = {
      {"sleep apnoea", "", {"OSA", "obstructive sleep apnea"}},
      {"anaemia", "", {"low iron"}},
      {"crohn\xE2\x80\x99s disease", "", {"IBD"}},
      {"unused", "", {"never"}},
  };
  const std::vector<std::string> mentioned = {"sleep apnoea", "anaemia", "crohn\xE2\x80\x99s disease",
                                              "unknown"};
  SearchIndexBuilder b(4, glossary);
  // 0: says "sleep apnea" (the term, spelled the American way), "low iron"
  // and the Crohn's name: gets "OSA", "obstructive sleep apnea" (it lacks
  // "obstructive"), "anaemia" and "IBD".
  b.Add(0, {"Sleep apnea", "", "", "", "Low iron. Crohn\xE2\x80\x99s disease.", &mentioned});
  // 1: "sleep" and "apnoea" apart, or glued to other non-ASCII bytes, are
  // not the name; "Low, iron" is "low iron".
  b.Add(1, {"", "", "", "", "Sleep \xE2\x80\x94 apnoea. Apnoea\xE2\x80\x99s sleep. Low, iron.", &mentioned});
  // 2: no terms mentioned: no glossary field.
  b.Add(2, {"", "", "", "", "Sleep apnoea.", nullptr});
  std::map<std::string, Term> terms = Terms(b.Finish(Infos(4), nullptr));
  auto docs = [&](const std::string& stem) {
    std::vector<size_t> out;
    for (const Posting& p : terms[stem].postings) out.push_back(p.doc);
    return out;
  };
  EXPECT_EQ(docs("osa"), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(docs("obstruct"), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(docs("anemia"), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(docs("ibd"), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(docs("never"), (std::vector<size_t>{})) << "a term no article mentions";
  EXPECT_EQ(docs("crohn"), (std::vector<size_t>{0, 1})) << "article 1 gets the name from the glossary";
  // "sleep apnoea" is not in article 1's text as two words in a row.
  EXPECT_EQ(docs("sleep"), (std::vector<size_t>{0, 1, 2}));
  // Weight 0.5: below one body word in the same article.
  ASSERT_FALSE(terms["osa"].postings.empty());
  EXPECT_GT(terms["osa"].postings[0].tf, 0);
  EXPECT_LT(terms["osa"].postings[0].tf, terms["iron"].postings[0].tf)
      << "a glossary word weighs half a body word";
}

}  // namespace
}  // namespace vetted::render
