#include <gtest/gtest.h>

#include "load/load.h"

namespace vetted::load {
namespace {

constexpr const char* kFile = "content/relationships/sex-and-relationships/why-cry.md";

std::vector<std::string> Format(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) {
    EXPECT_EQ(d.stage, "load");
    out.push_back(FormatDiagnostic(d));
  }
  return out;
}

TEST(ParseArticleTest, OwnReviewInterval) {
  std::vector<Diagnostic> diags;
  const std::string head = "---\ntitle: T\ndescription: D\nauthors: [a]\npublished: 2024-01-15\n";
  Article a = ParseArticle(head + "review_interval: 1 year\n---\nBody.\n", kFile, diags);
  EXPECT_TRUE(diags.empty()) << testing::PrintToString(Format(diags));
  EXPECT_EQ(a.review_interval_months, 12);
  Article site_default = ParseArticle(head + "---\nBody.\n", kFile, diags);
  EXPECT_EQ(site_default.review_interval_months, 0);
  EXPECT_EQ(site_default.revision, a.revision);  // not part of what a reader sees as the article
  Article bad = ParseArticle(head + "review_interval: soon\n---\nBody.\n", kFile, diags);
  EXPECT_EQ(bad.review_interval_months, 0);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].message.find("review_interval"), std::string::npos);
}

TEST(ParseArticleTest, BlockStyleFrontMatter) {
  std::vector<Diagnostic> diags;
  Article a = ParseArticle(
      "---\n"
      "title: Why you might cry during sex\n"
      "description: 'It is common, and usually nothing to worry about.'\n"
      "authors:\n  - ana-writer\n"
      "published: 2024-01-15\n"
      "updated: 2024-03-01\n"
      "reviewers:\n  - by: dr-rev\n    date: 2024-02-20\n    revision: \"sha256:abc\"\n"
      "fact_checkers: [fact-one]\n"
      "tags: [sex, emotions]\n"
      "image:\n  src: /img/a.jpg\n  alt: Two hands\n  credit: Photo by X\n  caption: Hands\n"
      "callouts: [get-help]\n"
      "toc: {levels: [2, 3]}\n"
      "aspect: causes\n"
      "aliases: [/old/cry/]\n"
      "custom_key: ignored\n"
      "---\n"
      "\n# Body\n",
      kFile, diags);
  EXPECT_TRUE(diags.empty()) << testing::PrintToString(Format(diags));
  EXPECT_EQ(a.title, "Why you might cry during sex");
  EXPECT_EQ(a.description, "It is common, and usually nothing to worry about.");
  EXPECT_EQ(a.authors, std::vector<std::string>{"ana-writer"});
  EXPECT_EQ(a.published.Iso(), "2024-01-15");
  EXPECT_EQ(a.updated.Iso(), "2024-03-01");
  ASSERT_EQ(a.reviewers.size(), 1u);
  EXPECT_EQ(a.reviewers[0].by, "dr-rev");
  EXPECT_EQ(a.reviewers[0].date.Iso(), "2024-02-20");
  EXPECT_EQ(a.reviewers[0].revision, "sha256:abc");
  EXPECT_EQ(a.reviewers[0].line, 9);
  EXPECT_EQ(a.fact_checkers, std::vector<std::string>{"fact-one"});
  EXPECT_EQ(a.tags, (std::vector<std::string>{"sex", "emotions"}));
  EXPECT_EQ(a.image.src, "/img/a.jpg");
  EXPECT_EQ(a.image.alt, "Two hands");
  EXPECT_EQ(a.image.credit, "Photo by X");
  EXPECT_EQ(a.image.caption, "Hands");
  EXPECT_EQ(a.image.line, 14);
  EXPECT_EQ(a.callouts, std::vector<std::string>{"get-help"});
  EXPECT_TRUE(a.toc.show);
  EXPECT_EQ(a.toc.min_level, 2);
  EXPECT_EQ(a.toc.max_level, 3);
  EXPECT_EQ(a.aspect, "causes");
  EXPECT_EQ(a.aliases, std::vector<std::string>{"/old/cry/"});
  EXPECT_FALSE(a.draft);
  EXPECT_EQ(a.key_lines.at("title"), 2);
  EXPECT_EQ(a.key_lines.at("custom_key"), 23);
  EXPECT_EQ(a.body, "\n# Body\n");
  EXPECT_EQ(a.body_line, 25);
  EXPECT_EQ(a.revision, RevisionOf(a));  // computed after the front matter: it covers the title too
  EXPECT_NE(a.revision, BodyRevisionOf(a.body));
  EXPECT_EQ(a.section_path, (std::vector<std::string>{"relationships", "sex-and-relationships"}));
  EXPECT_EQ(a.slug, "why-cry");
  EXPECT_EQ(a.url, "/relationships/sex-and-relationships/why-cry/");
  EXPECT_EQ(a.file, kFile);
}

TEST(ParseArticleTest, JsonFlowFrontMatterAsTheBenchmarkWritesIt) {
  std::vector<Diagnostic> diags;
  Article a = ParseArticle(
      "---\n"
      "title: \"Sleep and mood\"\n"
      "description: \"Short.\"\n"
      "authors: [\"author-14\"]\n"
      "reviewers: [{\"by\": \"reviewer-7\", \"date\": \"2020-10-06\"}]\n"
      "published: \"2019-10-06\"\n"
      "tags: [\"feel\", \"support\"]\n"
      "---\n\nText [@ref1].\n",
      "content/sleep/a.md", diags);
  EXPECT_TRUE(diags.empty()) << testing::PrintToString(Format(diags));
  EXPECT_EQ(a.authors, std::vector<std::string>{"author-14"});
  ASSERT_EQ(a.reviewers.size(), 1u);
  EXPECT_EQ(a.reviewers[0].by, "reviewer-7");
  EXPECT_EQ(a.reviewers[0].date, (Date{2020, 10, 6}));
  EXPECT_EQ(a.reviewers[0].line, 5);
  EXPECT_EQ(a.published, (Date{2019, 10, 6}));
  EXPECT_EQ(a.url, "/sleep/a/");
  EXPECT_EQ(a.body_line, 9);
}

struct DiagCase {
  const char* name;
  const char* text;
  std::vector<std::string> expected;  // formatted diagnostics
};

class ArticleDiagnosticsTest : public testing::TestWithParam<DiagCase> {};

TEST_P(ArticleDiagnosticsTest, Reports) {
  std::vector<Diagnostic> diags;
  ParseArticle(GetParam().text, "content/a/b.md", diags);
  EXPECT_EQ(Format(diags), GetParam().expected);
}

const char* const kOk = "title: T\ndescription: D\nauthors: [a]\npublished: 2024-01-01\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, ArticleDiagnosticsTest,
    testing::Values(
        DiagCase{"valid", "---\ntitle: T\ndescription: D\nauthors: [a]\npublished: 2024-01-01\n---\n", {}},
        DiagCase{"missing_title",
                 "---\ndescription: D\nauthors: [a]\npublished: 2024-01-01\n---\nbody\n",
                 {"content/a/b.md:1: error: missing required key `title` in front matter [required-key]"}},
        DiagCase{"empty_authors",
                 "---\ntitle: T\ndescription: D\nauthors: []\npublished: 2024-01-01\n---\n",
                 {"content/a/b.md:4: error: required key `authors` is empty [required-key]"}},
        DiagCase{
            "no_front_matter",
            "# Just a body\n",
            {"content/a/b.md:1: error: missing required key `title` in front matter [required-key]",
             "content/a/b.md:1: error: missing required key `description` in front matter [required-key]",
             "content/a/b.md:1: error: missing required key `authors` in front matter [required-key]",
             "content/a/b.md:1: error: missing required key `published` in front matter [required-key]"}},
        DiagCase{"bad_published",
                 "---\ntitle: T\ndescription: D\nauthors: [a]\npublished: 2024-13-01\n---\n",
                 {"content/a/b.md:5: error: `published` is not a date (YYYY-MM-DD): \"2024-13-01\" "
                  "[invalid-value]"}},
        DiagCase{
            "bad_review_date",
            "---\ntitle: T\ndescription: D\nauthors: [a]\npublished: 2024-01-01\n"
            "reviewers:\n  - by: r\n    date: last week\n---\n",
            {"content/a/b.md:8: error: `date` is not a date (YYYY-MM-DD): \"last week\" [invalid-value]"}},
        DiagCase{"reviewer_without_by",
                 "---\ntitle: T\ndescription: D\nauthors: [a]\npublished: 2024-01-01\n"
                 "reviewers: [{date: 2024-01-01}]\n---\n",
                 {"content/a/b.md:6: error: reviewer entry has no `by` [required-key]"}},
        DiagCase{"yaml_error",
                 "---\ntitle: T\ndescription: [D\n---\nbody\n",
                 {"content/a/b.md:4: error: front matter: while parsing a flow sequence: did not find "
                  "expected ',' "
                  "or ']' [yaml-syntax]"}},
        DiagCase{
            "unquoted_colon",
            "---\ntitle: Sleep: what helps\ndescription: D\nauthors: [a]\npublished: 2024-01-01\n---\n",
            {"content/a/b.md:2: error: front matter: mapping values are not allowed in this context (the "
             "value of `title` contains \": \"; put it in quotes: title: \"Sleep: what helps\") "
             "[yaml-syntax]"}},
        DiagCase{"near_miss_key",
                 "---\ntitle: T\ndescription: D\nauthors: [a]\npublished: 2024-01-01\nreviewer: r\n"
                 "descripton: x\nmy_own_key: kept\n---\n",
                 {"content/a/b.md:6: warning: unknown key `reviewer` is ignored; did you mean `reviewers`? "
                  "[unknown-key]",
                  "content/a/b.md:7: warning: unknown key `descripton` is ignored; did you mean "
                  "`description`? [unknown-key]"}},
        DiagCase{"unclosed",
                 "---\ntitle: T\n",
                 {"content/a/b.md:1: error: front matter is not closed by a `---` line [yaml-syntax]"}},
        DiagCase{
            "wrong_types",
            "---\ntitle: [a, b]\ndescription: D\nauthors: [a]\npublished: 2024-01-01\ndraft: maybe\n---\n",
            {"content/a/b.md:2: error: `title` must be a string [invalid-value]",
             "content/a/b.md:6: error: `draft` must be true or false [invalid-value]"}},
        DiagCase{
            "bad_toc",
            "---\ntitle: T\ndescription: D\nauthors: [a]\npublished: 2024-01-01\ntoc: {levels: [9]}\n---\n",
            {"content/a/b.md:6: error: `toc.levels` must list heading levels between 1 and 6 "
             "[invalid-value]"}}),
    [](const auto& info) { return std::string(info.param.name); });

struct OptionCase {
  const char* name;
  const char* extra;  // front matter lines added to a valid article
  bool draft;
  bool toc_show;
  int toc_max;
};

class ArticleOptionsTest : public testing::TestWithParam<OptionCase> {};

TEST_P(ArticleOptionsTest, Reads) {
  std::vector<Diagnostic> diags;
  Article a = ParseArticle(std::string("---\n") + kOk + GetParam().extra + "---\n", "content/x.md", diags);
  EXPECT_TRUE(diags.empty()) << testing::PrintToString(Format(diags));
  EXPECT_EQ(a.draft, GetParam().draft);
  EXPECT_EQ(a.toc.show, GetParam().toc_show);
  EXPECT_EQ(a.toc.max_level, GetParam().toc_max);
  EXPECT_EQ(a.url, "/x/");
}

INSTANTIATE_TEST_SUITE_P(Cases, ArticleOptionsTest,
                         testing::Values(OptionCase{"defaults", "", false, true, 2},
                                         OptionCase{"draft", "draft: true\n", true, true, 2},
                                         OptionCase{"toc_off", "toc: false\n", false, false, 2},
                                         OptionCase{"toc_levels", "toc:\n  levels: [2, 3]\n", false, true, 3},
                                         OptionCase{"toc_single", "toc: {levels: 3}\n", false, true, 3}),
                         [](const auto& info) { return std::string(info.param.name); });

// front_matter_ok tells check/ whether the front matter was read at all.
TEST(ParseArticleTest, FrontMatterOkOnlyWhenRead) {
  struct Case {
    const char* name;
    std::string text;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"valid", std::string("---\n") + kOk + "---\nbody\n", true},
      {"no front matter", "just a body\n", true},
      {"yaml error", "---\ntitle: Sleep: what helps\n---\nbody\n", false},
      {"not a mapping", "---\n- a\n- b\n---\nbody\n", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<Diagnostic> diags;
    Article a = ParseArticle(c.text, "content/x.md", diags);
    EXPECT_EQ(a.front_matter_ok, c.ok);
  }
}

TEST(ParseArticleTest, InlineReferencesUseTheCslMapping) {
  std::vector<Diagnostic> diags;
  Article a = ParseArticle(std::string("---\n") + kOk +
                               "references:\n"
                               "  - id: smith2020\n"
                               "    type: article-journal\n"
                               "    author: [{family: Smith, given: Jane}]\n"
                               "    title: A study\n"
                               "    container-title: J Sex Med\n"
                               "    issued: {date-parts: [[2020, 5]]}\n"
                               "    DOI: 10.1/abc\n"
                               "  - {id: who, type: report, author: [{literal: World Health Organization}]}\n"
                               "---\n",
                           "content/x.md", diags);
  EXPECT_TRUE(diags.empty()) << testing::PrintToString(Format(diags));
  ASSERT_EQ(a.references.size(), 2u);
  const Reference& r = a.references[0];
  EXPECT_EQ(r.id, "smith2020");
  ASSERT_EQ(r.authors.size(), 1u);
  EXPECT_EQ(r.authors[0].family, "Smith");
  EXPECT_EQ(r.authors[0].given, "Jane");
  EXPECT_EQ(r.container_title, "J Sex Med");
  EXPECT_EQ(r.issued, (Date{2020, 5, 0}));
  EXPECT_EQ(r.doi, "10.1/abc");
  EXPECT_EQ(r.pos.file, "content/x.md");
  EXPECT_EQ(r.pos.line, 7);
  EXPECT_EQ(a.references[1].type, "report");
  EXPECT_EQ(a.references[1].authors[0].literal, "World Health Organization");
}

TEST(ParseArticleTest, CrlfAndBomAreAccepted) {
  std::vector<Diagnostic> diags;
  Article a = ParseArticle(
      "\xEF\xBB\xBF---\r\ntitle: T\r\ndescription: D\r\nauthors: [a]\r\npublished: 2024-01-01\r\n"
      "---\r\nBody\r\n",
      "content/x.md", diags);
  EXPECT_TRUE(diags.empty()) << testing::PrintToString(Format(diags));
  EXPECT_EQ(a.title, "T");
  EXPECT_EQ(a.body, "Body\r\n");
  EXPECT_EQ(a.body_line, 7);
}

}  // namespace
}  // namespace vetted::load
