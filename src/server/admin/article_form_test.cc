// The editor's fields <-> an article's source (article_form.h).
#include "server/admin/article_form.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "load/load.h"

namespace vetted::server::admin {

void PrintTo(const ArticleFields& f, std::ostream* os) {
  *os << "title=" << f.title << "|authors=" << f.authors << "|toc=" << f.toc << "|references=" << f.references
      << "|kept=" << f.kept << "|body=" << f.body;
}

namespace {

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Article Parse(const std::string& text, const std::string& file) {
  std::vector<Diagnostic> ignored;
  return load::ParseArticle(text, file, ignored);
}

TEST(ArticleForm, DemoArticlesRoundTripLosslessly) {
  std::filesystem::path root = std::filesystem::path(VETTED_SOURCE_DIR) / "demo";
  int seen = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "content")) {
    if (entry.path().extension() != ".md" || entry.path().filename() == "_section.md") continue;
    ++seen;
    std::string file = std::filesystem::relative(entry.path(), root).generic_string();
    SCOPED_TRACE(file);
    std::string source = ReadFile(entry.path());
    ArticleFields fields = FieldsOfSource(source, file);
    ASSERT_FALSE(fields.unreadable);
    EXPECT_FALSE(fields.title.empty());
    std::string again = SourceOfFields(fields);
    EXPECT_EQ(FieldsOfSource(again, file), fields) << again;
    // And the article the site would show is the same, revision included.
    Article a = Parse(source, file), b = Parse(again, file);
    EXPECT_EQ(b.revision, a.revision);
    EXPECT_EQ(b.title, a.title);
    EXPECT_EQ(b.description, a.description);
    EXPECT_EQ(b.authors, a.authors);
    EXPECT_EQ(b.published, a.published);
    EXPECT_EQ(b.updated, a.updated);
    ASSERT_EQ(b.reviewers.size(), a.reviewers.size());
    for (size_t i = 0; i < a.reviewers.size(); ++i) {
      EXPECT_EQ(b.reviewers[i].by, a.reviewers[i].by);
      EXPECT_EQ(b.reviewers[i].date, a.reviewers[i].date);
      EXPECT_EQ(b.reviewers[i].revision, a.reviewers[i].revision);
    }
    EXPECT_EQ(b.fact_checkers, a.fact_checkers);
    EXPECT_EQ(b.tags, a.tags);
    EXPECT_EQ(b.aliases, a.aliases);
    EXPECT_EQ(b.callouts, a.callouts);
    EXPECT_EQ(b.aspect, a.aspect);
    EXPECT_EQ(b.image.src, a.image.src);
    EXPECT_EQ(b.image.alt, a.image.alt);
    EXPECT_EQ(b.image.credit, a.image.credit);
    EXPECT_EQ(b.image.caption, a.image.caption);
    EXPECT_EQ(b.references.size(), a.references.size());
    EXPECT_EQ(b.body, a.body);
  }
  EXPECT_GE(seen, 6);
}

TEST(ArticleForm, NewsroomKeysAndUnknownKeysAreKeptVerbatim) {
  std::string source =
      "---\n# a note\ntitle: \"Naps: good or bad?\"\nmy_note: keep me\ndescription: Short sleep.\n"
      "authors: [wendy, walt]\nreviewers:\n  - by: rita\n    date: 2026-03-02\nupdated: 2026-03-01\n"
      "toc: false\nreferences:\n  - id: x\n    title: \"X\"\n---\n\nBody *text*.\n";
  ArticleFields f = FieldsOfSource(source, "content/sleep/naps.md");
  EXPECT_EQ(f.title, "Naps: good or bad?");
  EXPECT_EQ(f.authors, "wendy, walt");
  EXPECT_EQ(f.toc, "false");
  EXPECT_EQ(f.references, "  - id: x\n    title: \"X\"\n");
  EXPECT_EQ(
      f.kept,
      "# a note\nmy_note: keep me\nreviewers:\n  - by: rita\n    date: 2026-03-02\nupdated: 2026-03-01\n");
  EXPECT_EQ(f.body, "\nBody *text*.\n");
  std::string again = SourceOfFields(f);
  EXPECT_NE(again.find("title: \"Naps: good or bad?\"\n"), std::string::npos) << again;
  EXPECT_NE(again.find("authors: [wendy, walt]\n"), std::string::npos);
  EXPECT_EQ(FieldsOfSource(again, "content/sleep/naps.md"), f);
}

TEST(ArticleForm, FormValuesAreDecodedAndLineEndsMadeLf) {
  ArticleFields f = FieldsOfForm(
      "title=Naps+%26+rest&authors=wendy%2C+walt&aliases=%2Fold%2F%0D%0A%2Folder%2F&toc=2-3&body=Line+1%0D%"
      "0ALine+2");
  EXPECT_EQ(f.title, "Naps & rest");
  EXPECT_EQ(f.aliases, "/old/\n/older/");
  EXPECT_EQ(f.body, "Line 1\nLine 2");
  std::string source = SourceOfFields(f);
  EXPECT_NE(source.find("aliases: [\"/old/\", \"/older/\"]\n"), std::string::npos) << source;
  EXPECT_NE(source.find("toc: {levels: [2, 3]}\n"), std::string::npos);
  Article a = Parse(source, "content/a/b.md");
  EXPECT_EQ(a.title, "Naps & rest");
  EXPECT_EQ(a.toc.max_level, 3);
  EXPECT_EQ(a.authors, (std::vector<std::string>{"wendy", "walt"}));
}

// A line "---" (or "...") typed or pasted into the references, or into the
// raw front matter of an unreadable file, ended the front matter there: the
// rest of it became the article's text (found by form_fuzz). It stays in the
// front matter now, and the body comes back byte for byte.
TEST(ArticleForm, AFenceInTheReferencesDoesNotEndTheFrontMatter) {
  ArticleFields f = FieldsOfForm(
      "title=Naps&references=---%0D%0A-+id%3A+smith2020%0D%0A++title%3A+Sleep%0D%0A...+%0D%0A&body=The+text.%"
      "0A");
  EXPECT_EQ(f.references, "---\n- id: smith2020\n  title: Sleep\n... \n");
  std::string source = SourceOfFields(f);
  ArticleFields back = FieldsOfSource(source, "content/a/b.md");
  EXPECT_EQ(back.body, "The text.\n") << source;
  std::vector<Diagnostic> diagnostics;
  Article a = load::ParseArticle(source, "content/a/b.md", diagnostics);
  EXPECT_EQ(a.body, "The text.\n");
  // The line is not YAML there: the check names it (the writer sees where), nothing is lost.
  ASSERT_FALSE(diagnostics.empty());
  EXPECT_EQ(diagnostics[0].rule, "yaml-syntax") << diagnostics[0].message;
  EXPECT_GT(diagnostics[0].pos.line, 2);

  ArticleFields raw;
  raw.unreadable = true;
  raw.kept = "title: [unclosed\n---\nmore: x\n";
  raw.body = "Body.\n";
  ArticleFields raw_back = FieldsOfSource(SourceOfFields(raw), "content/a/b.md");
  EXPECT_EQ(raw_back.body, "Body.\n");
  // A fence with trailing white space is a fence, as the loader reads it.
  ArticleFields spaced = FieldsOfSource("---\ntitle: A\n--- \t\nBody\n", "content/a/b.md");
  EXPECT_EQ(spaced.body, "Body\n");
}

TEST(ArticleForm, ControlsAreLabelledAndEscaped) {
  ArticleFields f;
  f.title = "A <b>bold</b> \"title\"";
  std::string html = FieldControls(f);
  EXPECT_NE(html.find("<label for=\"f-title\">Title</label>"), std::string::npos);
  EXPECT_NE(html.find("<label for=\"f-description\">Summary</label>"), std::string::npos);
  EXPECT_NE(html.find("<label for=\"f-authors\">Authors</label>"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  EXPECT_NE(html.find("A &lt;b&gt;bold&lt;/b&gt; &quot;title&quot;"), std::string::npos);
}

}  // namespace
}  // namespace vetted::server::admin
