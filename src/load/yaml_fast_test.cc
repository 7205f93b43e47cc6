// The fast YAML subset must build exactly libyaml's tree (texts, styles,
// lines) whenever it accepts a text, and decline what it cannot match.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "load/yaml.h"

namespace vetted::load {
namespace {

// Every field of the tree, lines included.
std::string Dump(const YamlNode& n) {
  std::string out = std::to_string(n.line) + ":";
  switch (n.kind) {
    case YamlNode::Kind::kNull:
      return out + "~";
    case YamlNode::Kind::kScalar:
      return out + (n.plain ? "p<" : "q<") + n.text + ">";
    case YamlNode::Kind::kSequence:
      out += "[";
      for (const auto& item : n.items) out += Dump(item) + ",";
      return out + "]";
    case YamlNode::Kind::kMapping:
      out += "{";
      for (const auto& e : n.entries) out += std::to_string(e.line) + ":" + e.key + "=" + Dump(e.value) + ",";
      return out + "}";
  }
  return out;
}

struct FastCase {
  const char* name;
  const char* yaml;
  bool accepted;  // whether the fast subset takes it
};

class YamlFastTest : public testing::TestWithParam<FastCase> {};

TEST_P(YamlFastTest, MatchesLibyamlOrDeclines) {
  YamlNode fast, full;
  YamlError err;
  bool took = ParseYamlSubset(GetParam().yaml, 3, fast);
  EXPECT_EQ(took, GetParam().accepted);
  if (!took) {
    EXPECT_TRUE(fast.IsNull());
    return;
  }
  ASSERT_TRUE(ParseYamlFull(GetParam().yaml, 3, full, err)) << err.message;
  EXPECT_EQ(Dump(fast), Dump(full));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, YamlFastTest,
    testing::Values(
        FastCase{"corpus_style",
                 "title: \"Goal effect\"\nauthors: [\"author-3\"]\n"
                 "reviewers: [{\"by\": \"reviewer-2\", \"date\": \"2022-01-27\"}]\ntags: [\"a\", \"b\"]\n",
                 true},
        FastCase{
            "block_style",
            "title: Sleep and mood\npublished: 2021-03-04\nreviewers:\n  - by: ana\n    date: 2022-01-01\n"
            "  - by: bo\ntags:\n- one\n- 'two'\nimage:\n  src: a.jpg\n  alt: \"A cat, asleep\"\n",
            true},
        FastCase{"blank_lines", "\n\na: 1\n\n   \nb: [x,  y z , 'q']\n", true},
        FastCase{"nulls_and_bools", "a: ~\nb: null\nc: NULL\nd: true\ne: \"\"\nf: []\ng: {}\n", true},
        FastCase{"plain_punctuation", "a: http://x.org/a?b=c\nb: 12:30\nc: a, b [c] {d}\nd: -5\ne: .5\n",
                 true},
        FastCase{"utf8", "t: \"café — ok\"\nu: naïve\n", true},
        FastCase{"nested_flow", "a: [[1, 2], {k: v, 'q': [x]}]\n", true},
        FastCase{"compact_spaces", "r:\n  -   by: x\n      date: y\n", true},
        FastCase{"indented_top", "  a: 1\n  b: 2\n", true}, FastCase{"key_null", "null: x\n", false},
        FastCase{"comment", "a: 1 # note\n", false},
        FastCase{"comment_lines", "# intro\na: 1\n  # indented\nb:\n# between\n  - x\n", true},
        FastCase{"comment_bad_utf8", "# \xFF\na: 1\n", false}, FastCase{"escape", "a: \"x\\ty\"\n", false},
        FastCase{"single_escape", "a: 'it''s'\n", false},
        FastCase{"multiline_plain", "a: one\n  two\n", false},
        FastCase{"multiline_flow", "a: [1,\n  2]\n", false}, FastCase{"empty_value", "a:\nb: 2\n", false},
        FastCase{"empty_doc", "", false}, FastCase{"top_sequence", "- a\n- b\n", false},
        FastCase{"anchor", "a: &x 1\nb: *x\n", false}, FastCase{"tag", "a: !!str 1\n", false},
        FastCase{"block_scalar", "a: |\n  text\n", false}, FastCase{"tab", "a:\t1\n", false},
        FastCase{"crlf", "a: 1\r\n", false},
        FastCase{"bom",
                 "\xEF\xBB\xBF"
                 "a: 1\n",
                 false},
        FastCase{"bad_utf8", "a: \"\xC3\x28\"\n", false},
        FastCase{"line_separator", "a: x\xE2\x80\xA8y\n", false}, FastCase{"colon_space", "a: b: c\n", false},
        FastCase{"trailing_comma", "a: [1, 2,]\n", false}, FastCase{"bad_indent", "a: 1\n b: 2\n", false},
        FastCase{"dedent_between", "a:\n    b: 1\n  c: 2\n", false},
        FastCase{"doc_marker", "a: 1\n---\nb: 2\n", false}, FastCase{"quoted_key", "\"a\": 1\n", false},
        FastCase{"flow_key_no_space", "a: {b:c}\n", false}, FastCase{"flow_null_key", "a: {~: c}\n", false},
        FastCase{"garbage_after_quote", "a: \"x\" y\n", false},
        FastCase{"dash_alone", "a:\n  -\n    b\n", false}),
    [](const auto& info) { return std::string(info.param.name); });

// Front matter of every Markdown file in the demo site: wherever the subset
// accepts it, the trees agree.
TEST(YamlFastTest, DemoFrontMatterAgrees) {
  namespace fs = std::filesystem;
  int compared = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(VETTED_SOURCE_DIR) / "demo")) {
    std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".md" && ext != ".yaml")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    if (ext == ".md") {
      if (text.rfind("---\n", 0) != 0) continue;
      size_t end = text.find("\n---\n", 3);
      if (end == std::string::npos) continue;
      text = text.substr(4, end - 3);
    }
    YamlNode fast, full;
    YamlError err;
    if (!ParseYamlSubset(text, 2, fast)) continue;
    ASSERT_TRUE(ParseYamlFull(text, 2, full, err)) << entry.path();
    EXPECT_EQ(Dump(fast), Dump(full)) << entry.path();
    ++compared;
  }
  EXPECT_GT(compared, 5);
}

}  // namespace
}  // namespace vetted::load
