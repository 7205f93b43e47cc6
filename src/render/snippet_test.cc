#include <gtest/gtest.h>

#include "render/render.h"

namespace vetted::render {
namespace {

TEST(SnippetHtml, EscapesAndMarks) {
  using Ranges = std::vector<std::pair<size_t, size_t>>;
  const std::string hostile = "A <script>alert(1)</script> & a warm bath \"help\" 'you'";
  const std::string cafe = "caf\xC3\xA9 \xF0\x9F\x98\xB4 ok";  // é is 2 bytes, the emoji 4
  struct Case {
    const char* name;
    std::string text;
    Ranges ranges;
    std::string html;
  } cases[] = {
      {"no ranges", "a < b", {}, "a &lt; b"},
      {"hostile text, one match",
       hostile,
       {{37, 41}},
       "A &lt;script&gt;alert(1)&lt;/script&gt; &amp; a warm <mark>bath</mark> &quot;help&quot; "
       "&#39;you&#39;"},
      {"a match on markup is escaped inside the mark",
       hostile,
       {{2, 10}},
       "A <mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt; &amp; a warm bath &quot;help&quot; "
       "&#39;you&#39;"},
      {"two ranges", "cry and cry", {{0, 3}, {8, 11}}, "<mark>cry</mark> and <mark>cry</mark>"},
      {"adjacent ranges", "abcd", {{0, 2}, {2, 4}}, "<mark>ab</mark><mark>cd</mark>"},
      {"overlap starts after the previous", "abcdef", {{0, 4}, {2, 6}}, "<mark>abcd</mark><mark>ef</mark>"},
      {"out of order: dropped", "abcdef", {{4, 6}, {0, 2}}, "abcd<mark>ef</mark>"},
      {"past the end: clamped", "abc", {{1, 99}, {50, 60}}, "a<mark>bc</mark>"},
      {"empty and reversed: dropped", "abc", {{1, 1}, {2, 1}}, "abc"},
      {"inside a character: widened", cafe, {{4, 5}}, "caf<mark>\xC3\xA9</mark> \xF0\x9F\x98\xB4 ok"},
      {"middle of an emoji: widened", cafe, {{7, 8}}, "caf\xC3\xA9 <mark>\xF0\x9F\x98\xB4</mark> ok"},
      {"end inside a character: widened", cafe, {{0, 4}}, "<mark>caf\xC3\xA9</mark> \xF0\x9F\x98\xB4 ok"},
  };
  for (const Case& c : cases) EXPECT_EQ(SnippetHtml(c.text, c.ranges), c.html) << c.name;
}

// Whatever the ranges, the only tags are <mark> and </mark>.
TEST(SnippetHtml, OnlyMarkTags) {
  const std::string text = "<b>x</b> & <script>y</script> \xE2\x80\xA6 <i>";
  for (size_t b = 0; b <= text.size() + 1; ++b) {
    for (size_t e = 0; e <= text.size() + 1; e += 3) {
      std::string html = SnippetHtml(text, {{b, e}, {e / 2, e}});
      for (const char* tag : {"<mark>", "</mark>"}) {
        for (size_t p; (p = html.find(tag)) != std::string::npos;) html.erase(p, std::string(tag).size());
      }
      ASSERT_EQ(html.find('<'), std::string::npos) << b << " " << e << ": " << html;
      ASSERT_EQ(html.find('>'), std::string::npos) << b << " " << e << ": " << html;
    }
  }
}

}  // namespace
}  // namespace vetted::render
