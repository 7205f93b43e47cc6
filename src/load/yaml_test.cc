#include "load/yaml.h"

#include <gtest/gtest.h>

namespace vetted::load {
namespace {

// Renders a node compactly so table rows can state the expected tree:
// scalars as 'text' (plain) or "text" (quoted), null as ~, [a, b], {k: v}.
std::string Show(const YamlNode& n) {
  switch (n.kind) {
    case YamlNode::Kind::kNull:
      return "~";
    case YamlNode::Kind::kScalar:
      return n.plain ? n.text : "\"" + n.text + "\"";
    case YamlNode::Kind::kSequence: {
      std::string out = "[";
      for (size_t i = 0; i < n.items.size(); ++i) out += (i ? ", " : "") + Show(n.items[i]);
      return out + "]";
    }
    case YamlNode::Kind::kMapping: {
      std::string out = "{";
      for (size_t i = 0; i < n.entries.size(); ++i)
        out += (i ? ", " : "") + n.entries[i].key + ": " + Show(n.entries[i].value);
      return out + "}";
    }
  }
  return "?";
}

struct TreeCase {
  const char* name;
  const char* yaml;
  const char* tree;
};

class YamlTreeTest : public testing::TestWithParam<TreeCase> {};

TEST_P(YamlTreeTest, BuildsTree) {
  YamlNode n;
  YamlError err;
  ASSERT_TRUE(ParseYaml(GetParam().yaml, 1, n, err)) << err.message << " at " << err.line;
  EXPECT_EQ(Show(n), GetParam().tree);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, YamlTreeTest,
    testing::Values(TreeCase{"empty", "", "~"},
                    TreeCase{"block_map", "title: Hello world\ncount: 3\n", "{title: Hello world, count: 3}"},
                    TreeCase{"json_flow", "authors: [\"a\", \"b\"]\n", "{authors: [\"a\", \"b\"]}"},
                    TreeCase{"json_objects", "reviewers: [{\"by\": \"r\", \"date\": \"2021-03-04\"}]\n",
                             "{reviewers: [{by: \"r\", date: \"2021-03-04\"}]}"},
                    TreeCase{"block_list", "tags:\n  - sleep\n  - 'mood'\n", "{tags: [sleep, \"mood\"]}"},
                    TreeCase{"nested_block", "image:\n  src: a.jpg\n  alt: \"A cat\"\n",
                             "{image: {src: a.jpg, alt: \"A cat\"}}"},
                    TreeCase{"nulls", "a:\nb: ~\nc: null\nd: ''\n", "{a: ~, b: ~, c: ~, d: \"\"}"},
                    TreeCase{"folded", "d: >\n  one\n  two\n", "{d: \"one two\n\"}"},
                    TreeCase{"alias", "x: &v [1, 2]\ny: *v\n", "{x: [1, 2], y: [1, 2]}"},
                    TreeCase{"unicode", "t: \"caf\\u00e9 \\\"q\\\"\"\n", "{t: \"café \"q\"\"}"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(YamlTest, LinesAreFileLines) {
  YamlNode n;
  YamlError err;
  ASSERT_TRUE(ParseYaml("title: x\n\ntags:\n  - a\n  - b\n", 2, n, err));
  ASSERT_EQ(n.entries.size(), 2u);
  EXPECT_EQ(n.entries[0].line, 2);
  EXPECT_EQ(n.entries[1].line, 4);
  EXPECT_EQ(n.entries[1].value.items[1].line, 6);
}

struct ErrorCase {
  const char* name;
  const char* yaml;
  int line;
};

class YamlErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(YamlErrorTest, ReportsLine) {
  YamlNode n;
  YamlError err;
  EXPECT_FALSE(ParseYaml(GetParam().yaml, 2, n, err));
  EXPECT_EQ(err.line, GetParam().line);
  EXPECT_FALSE(err.message.empty());
}

INSTANTIATE_TEST_SUITE_P(Cases, YamlErrorTest,
                         testing::Values(ErrorCase{"unclosed_flow", "a: 1\nb: [1, 2\n", 4},
                                         ErrorCase{"bad_indent", "a: 1\n b: 2\n", 3},
                                         ErrorCase{"unclosed_quote", "a: \"x\nb: 2\n", 4},
                                         ErrorCase{"unknown_alias", "a: *nope\n", 2}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(YamlTest, DeepNestingIsRefused) {
  std::string deep(200, '[');
  YamlNode n;
  YamlError err;
  EXPECT_FALSE(ParseYaml(deep, 1, n, err));
}

TEST(YamlTest, BoolsOnlyInPlainStyle) {
  YamlNode n;
  YamlError err;
  ASSERT_TRUE(ParseYaml("a: true\nb: \"true\"\nc: No\nd: maybe\n", 1, n, err));
  EXPECT_EQ(n.Find("a")->AsBool(), std::optional<bool>(true));
  EXPECT_EQ(n.Find("b")->AsBool(), std::nullopt);
  EXPECT_EQ(n.Find("c")->AsBool(), std::optional<bool>(false));
  EXPECT_EQ(n.Find("d")->AsBool(), std::nullopt);
  EXPECT_EQ(n.Find("zzz"), nullptr);
}

}  // namespace
}  // namespace vetted::load
