#include "store/search_text.h"

#include <gmock/gmock.h>

namespace vetted::store {
namespace {

using ::testing::ElementsAre;

TEST(QueryWords, SplitsLowersAndDedups) {
  EXPECT_THAT(QueryWords("Sleep, SLEEP and \"naps\"!", 12), ElementsAre("sleep", "and", "naps"));
  EXPECT_THAT(QueryWords("a b c d", 2), ElementsAre("a", "b"));
  EXPECT_THAT(QueryWords("caf\xC3\xA9 \xE2\x80\x94 x", 12), ElementsAre("caf\xC3\xA9", "x"));
  EXPECT_THAT(QueryWords(std::string(100, 'x') + " ok", 12), ElementsAre("ok"));
  EXPECT_THAT(QueryWords("\xff\xfe\xe2\x80", 12), ElementsAre());
}

std::vector<SnippetToken> Tokens(std::string_view text, std::string_view match) {
  std::vector<SnippetToken> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) out.push_back({start, i, text.substr(start, i - start) == match ? 0 : -1});
  }
  return out;
}

TEST(MakeSnippet, PlainTextWithRanges) {
  std::string text = "a <b> & c   d";
  std::vector<SnippetToken> tokens = Tokens(text, "c");
  SearchHit hit;
  MakeSnippet(text, tokens, BestSnippetWindow(tokens, 1), hit);
  EXPECT_EQ(hit.snippet, "a <b> & c d");
  EXPECT_THAT(hit.match_ranges, ElementsAre(MatchRange{8, 9}));
}

TEST(MakeSnippet, WindowCutsWithEllipses) {
  std::string text;
  for (int i = 0; i < 80; ++i) text += (i == 30 ? "hit" : "w" + std::to_string(i)) + " ";
  std::vector<SnippetToken> tokens = Tokens(text, "hit");
  int first = BestSnippetWindow(tokens, 1);
  EXPECT_EQ(first, 30);
  SearchHit hit;
  MakeSnippet(text, tokens, first, hit);
  EXPECT_TRUE(hit.snippet.starts_with("\xE2\x80\xA6w27 w28 w29 hit w31")) << hit.snippet;
  EXPECT_TRUE(hit.snippet.ends_with("\xE2\x80\xA6")) << hit.snippet;
  ASSERT_EQ(hit.match_ranges.size(), 1u);
  EXPECT_EQ(hit.snippet.substr(hit.match_ranges[0].first, 3), "hit");
  // Nothing matches: the start of the text; no tokens: nothing.
  tokens = Tokens(text, "zebra");
  EXPECT_EQ(BestSnippetWindow(tokens, 1), -1);
  MakeSnippet(text, tokens, 0, hit);
  EXPECT_TRUE(hit.snippet.starts_with("w0 w1")) << hit.snippet;
  EXPECT_TRUE(hit.match_ranges.empty());
  MakeSnippet("", {}, 0, hit);
  EXPECT_EQ(hit.snippet, "");
}

TEST(BestSnippetWindow, PrefersMoreDistinctWords) {
  // Word 0 alone early; words 0 and 1 together later.
  std::vector<SnippetToken> tokens(80);
  for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = {i * 2, i * 2 + 1, -1};
  tokens[2].phrase = 0;
  tokens[50].phrase = 0;
  tokens[55].phrase = 1;
  EXPECT_EQ(BestSnippetWindow(tokens, 2), 50);
}

}  // namespace
}  // namespace vetted::store
