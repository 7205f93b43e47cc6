#include "check/check.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "check/rules.h"

namespace vetted::check {
namespace {

constexpr const char* kFile = "content/a/one.md";
constexpr const char* kOther = "content/a/two.md";
const Date kToday{2026, 11, 26};

Person MakePerson(const std::string& id, std::vector<std::string> roles, const std::string& credentials) {
  Person p;
  p.id = id;
  p.name = "Name of " + id;
  p.roles = std::move(roles);
  p.credentials = credentials;
  p.pos = SourcePos{"people/" + id + ".md", 1};
  return p;
}

Article MakeArticle(const std::string& file, const std::string& url) {
  Article a;
  a.file = file;
  a.section_path = {"a"};
  a.url = url;
  a.title = "Title";
  a.authors = {"ann"};
  a.reviewers = {Review{"rev", Date{2026, 1, 10}, "", 8}};
  a.key_lines = {{"title", 2},  {"authors", 4},     {"reviewers", 7}, {"fact_checkers", 10},
                 {"image", 12}, {"references", 14}, {"aliases", 16}};
  a.body = "The cat sat on the mat.";
  a.body_line = 20;
  a.revision = RevisionOf(a);
  a.reviewers[0].revision = a.revision;  // signed: no rule fires
  return a;
}

markup::Document MakeDoc(std::vector<std::string> cited) {
  markup::Document d;
  d.plain_text = "The cat sat on the mat.";
  d.cited = std::move(cited);
  return d;
}

// A small site on which no rule fires.
struct Fixture {
  Site site;
  markup::SiteDocs docs;
  Options options;

  Fixture() {
    site.people["ann"] = MakePerson("ann", {"writer"}, "");
    site.people["rev"] = MakePerson("rev", {"medical-reviewer"}, "MD");
    site.people["nocred"] = MakePerson("nocred", {"medical-reviewer"}, " ");
    site.people["writer2"] = MakePerson("writer2", {"writer"}, "PhD");
    site.articles = {MakeArticle(kFile, "/a/one/"), MakeArticle(kOther, "/a/two/")};
    site.sections = {Section{{"a"}, "/a/", "A", "", "", 1, "content/a/_section.md"}};
    Page page;
    page.file = "pages/about.md";
    page.slug = "about";
    page.url = "/about/";
    Page process;
    process.file = "pages/editorial-process.md";
    process.slug = "editorial-process";
    process.url = "/editorial-process/";
    site.pages = {page, process};
    Reference bib;
    bib.id = "smith";
    bib.pos = SourcePos{"references.json", 30};
    site.bibliography = {bib};
    site.static_files = {{"img/x.jpg", "static/img/x.jpg"}, {"img/ann.jpg", "static/img/ann.jpg"}};
    docs.articles = {MakeDoc({"smith"}), MakeDoc({})};
    docs.sections = {MakeDoc({})};
    docs.pages = {MakeDoc({}), MakeDoc({})};
    options.today = kToday;
  }
  std::vector<Diagnostic> Run() const { return check::Run(site, docs, options); }
};

struct Expect {
  std::string file;
  int line;
  std::string rule;
  Severity severity;
  std::string text;  // a part of the message
};

struct RuleCase {
  const char* name;
  std::function<void(Fixture&)> change;
  std::vector<Expect> expected;  // in output order; nothing else may be reported
};

constexpr Severity kE = Severity::kError;
constexpr Severity kW = Severity::kWarning;

Article& One(Fixture& f) {
  return f.site.articles[0];
}

// The revision of the fixture's first article as MakeArticle builds it.
std::string One0Revision() {
  return RevisionOf(MakeArticle(kFile, "/a/one/"));
}

// The revision of the fixture's article with another body.
std::string ChangedRevision(const std::string& body) {
  Article a = MakeArticle(kOther, "/a/other/");
  a.body = body;
  return RevisionOf(a);
}

// Changes `a` with `edit` and recomputes its revision (as load/ would).
template <typename Edit>
void Restale(Article& a, Edit edit) {
  edit(a);
  a.revision = RevisionOf(a);
}

Reference InlineRef(const std::string& id, int line) {
  Reference r;
  r.id = id;
  r.pos = SourcePos{kFile, line};
  return r;
}

const std::vector<RuleCase>& Cases() {
  static const std::vector<RuleCase> kCases = {
      {"clean site", [](Fixture&) {}, {}},
      // Without every article's Document, the rules that need one skip what they cannot know.
      {"documents missing",
       [](Fixture& f) {
         f.docs.articles.resize(1);
         f.docs.articles[0].cited.clear();
         f.site.articles[1].body = "Changed.";
         f.site.articles[1].revision.clear();  // recomputed from the article
       },
       {{kOther, 8, "revision-changed", kW, "current revision is " + ChangedRevision("Changed.")}}},
      // unknown-person
      {"unknown author",
       [](Fixture& f) { One(f).authors.push_back("ghost"); },
       {{kFile, 4, "unknown-person", kE, "author \"ghost\" is not a known person (no people/ghost.md)"}}},
      // (nothing close to "ghost": no suggestion; FormatsWithFileAndLine checks the whole message)
      {"unknown reviewer",
       [](Fixture& f) { One(f).reviewers[0].by = "ghost"; },
       {{kFile, 8, "unknown-person", kE, "reviewer \"ghost\""}}},
      {"unknown fact checker",
       [](Fixture& f) {
         One(f).fact_checkers = {"rev", "nobody"};
       },
       {{kFile, 10, "unknown-person", kE, "fact checker \"nobody\""}}},
      {"unknown reviewer close to a known one",
       [](Fixture& f) { One(f).reviewers[0].by = "reb"; },
       {{kFile, 8, "unknown-person", kE,
         "reviewer \"reb\" is not a known person (no people/reb.md); did you mean \"rev\"?"}}},
      {"unknown author close to a known one",
       [](Fixture& f) { One(f).authors = {"writer3"}; },
       {{kFile, 4, "unknown-person", kE, "(no people/writer3.md); did you mean \"writer2\"?"}}},
      // uncited-reference
      {"inline reference cited",
       [](Fixture& f) {
         One(f).references = {InlineRef("jones", 15)};
         f.docs.articles[0].cited = {"jones", "smith"};
       },
       {}},
      {"inline reference never cited",
       [](Fixture& f) { One(f).references = {InlineRef("jones", 15)}; },
       {{kFile, 15, "uncited-reference", kW, "\"jones\" is never cited in this article"}}},
      {"bibliography entry cited by none",
       [](Fixture& f) { f.docs.articles[0].cited.clear(); },
       {{"references.json", 30, "uncited-reference", kW, "\"smith\" is cited by no article"}}},
      {"bibliography entry cited by a page only",
       [](Fixture& f) {
         f.docs.articles[0].cited.clear();
         f.docs.pages[0].cited = {"smith"};
       },
       {}},
      {"inline reference shadows the bibliography",
       [](Fixture& f) { One(f).references = {InlineRef("smith", 15)}; },
       {{"references.json", 30, "uncited-reference", kW, "\"smith\""}}},
      // duplicate-url
      {"two articles, one URL",
       [](Fixture& f) { f.site.articles[1].url = "/a/one/"; },
       {{kOther, 0, "duplicate-url", kE,
         "duplicate URL /a/one/: the article content/a/two.md has the same URL "
         "as the article content/a/one.md"}}},
      {"alias of a real article",
       [](Fixture& f) { One(f).aliases = {"a/two"}; },
       {{kFile, 16, "duplicate-url", kE,
         "an alias of content/a/one.md has the same URL as the article "
         "content/a/two.md"}}},
      {"alias of a section",
       [](Fixture& f) { One(f).aliases = {"/a/"}; },
       {{kFile, 16, "duplicate-url", kE, "the section content/a/_section.md"}}},
      {"distinct alias",
       [](Fixture& f) {
         One(f).aliases = {"/old/one/", "/old/one.html"};
       },
       {}},
      {"page on a section URL",
       [](Fixture& f) { f.site.pages[0].url = "/a/"; },
       {{"pages/about.md", 0, "duplicate-url", kE,
         "the page pages/about.md has the same URL as the section"}}},
      {"article on the review board",
       [](Fixture& f) { f.site.articles[1].url = "/review-board/"; },
       {{kOther, 0, "duplicate-url", kE, "the built-in review board page"}}},
      {"review-board page supplies the intro",
       [](Fixture& f) { f.site.pages[0].url = "/review-board/"; },
       {}},
      {"article on a tag page",
       [](Fixture& f) {
         One(f).tags = {"Sleep Apnoea"};
         f.site.articles[1].url = "/tags/sleep-apnoea/";
       },
       {{kOther, 0, "duplicate-url", kE,
         "duplicate URL /tags/sleep-apnoea/: the article content/a/two.md has the same URL as the built-in "
         "page of the tag \"Sleep Apnoea\""}}},
      {"article on the tag index",
       [](Fixture& f) {
         One(f).tags = {"sleep"};
         f.site.articles[1].url = "/tags/";
       },
       {{kOther, 0, "duplicate-url", kE, "the built-in tag index"}}},
      {"no tags, no tag index", [](Fixture& f) { f.site.articles[1].url = "/tags/"; }, {}},
      {"article on the people index",
       [](Fixture& f) { f.site.articles[1].url = "/people/"; },
       {{kOther, 0, "duplicate-url", kE, "the built-in people index"}}},
      {"people page supplies the intro", [](Fixture& f) { f.site.pages[0].url = "/people/"; }, {}},
      // review-overdue
      {"review overdue",
       [](Fixture& f) {
         One(f).reviewers[0].date = Date{2024, 1, 10};
       },
       {{kFile, 8, "review-overdue", kW,
         "last medically reviewed on 2024-01-10 by rev; with review_interval "
         "2 years the next review was due 2026-01-10"}}},
      {"review due today is not overdue",
       [](Fixture& f) {
         One(f).reviewers[0].date = Date{2024, 11, 26};
       },
       {}},
      {"shorter interval",
       [](Fixture& f) {
         f.site.config.review_interval = "6 months";
         f.site.config.review_interval_months = 6;
       },
       {{kFile, 8, "review-overdue", kW, "due 2026-07-10"},
        {kOther, 8, "review-overdue", kW, "due 2026-07-10"}}},
      {"latest review counts",
       [](Fixture& f) {
         One(f).reviewers.insert(One(f).reviewers.begin(), Review{"rev", Date{2020, 1, 1}, "", 7});
       },
       {}},
      {"no review",
       [](Fixture& f) {
         One(f).reviewers.clear();
         One(f).key_lines.erase("reviewers");
       },
       {{kFile, 0, "review-overdue", kW, "not medically reviewed"}}},
      // revision-changed
      {"revision matches", [](Fixture& f) { One(f).reviewers[0].revision = One(f).revision; }, {}},
      {"revision changed: full hashes",
       [](Fixture& f) { One(f).reviewers[0].revision = "sha256:" + std::string(64, '0'); },
       {{kFile, 8, "revision-changed", kW,
         "(reviewed revision sha256:" + std::string(64, '0') + "); current revision is " + One0Revision()}}},
      {"title changed",
       [](Fixture& f) { Restale(One(f), [](Article& a) { a.title = "New"; }); },
       {{kFile, 8, "revision-changed", kW, "text changed since the review by rev on 2026-01-10"}}},
      {"signed with vetted 0.1's body-only hash",
       [](Fixture& f) { One(f).reviewers[0].revision = BodyRevisionOf(One(f).body); },
       {{kFile, 8, "revision-changed", kW,
         "covered the body only; a revision now covers everything a reader sees"}}},
      {"body-only hash: how to re-sign",
       [](Fixture& f) { One(f).reviewers[0].revision = BodyRevisionOf(One(f).body); },
       {{kFile, 8, "revision-changed", kW,
         "vetted review sign content/a/one.md --by rev --date 2026-01-10"}}},
      {"shortened revision is malformed, not a change",
       [](Fixture& f) { One(f).reviewers[0].revision = One0Revision().substr(0, 19); },
       {{kFile, 8, "malformed-revision", kE, "malformed revision \"" + One0Revision().substr(0, 19) + "\""}}},
      {"upper-case or other prefix is malformed",
       [](Fixture& f) { One(f).reviewers[0].revision = "SHA256:" + One0Revision().substr(7); },
       {{kFile, 8, "malformed-revision", kE, "expected \"sha256:\" and 64 lowercase hex digits"}}},
      {"review without a revision",
       [](Fixture& f) { One(f).reviewers[0].revision.clear(); },
       {{kFile, 8, "unpinned-review", kW, "names no revision"}}},
      {"older review of an older text",
       [](Fixture& f) {
         One(f).reviewers.push_back(Review{"rev", Date{2025, 1, 1}, "sha256:" + std::string(64, '1'), 9});
       },
       {}},
      // reviewer-credentials
      {"reviewer without credentials",
       [](Fixture& f) { One(f).reviewers[0].by = "nocred"; },
       {{kFile, 8, "reviewer-credentials", kE,
         "reviewer \"nocred\" (Name of nocred) has no credentials in "
         "people/nocred.md"}}},
      {"reviewer without the role",
       [](Fixture& f) { One(f).reviewers[0].by = "writer2"; },
       {{kFile, 8, "reviewer-credentials", kE, "does not have the medical-reviewer role"}}},
      // self-review
      {"author reviews own article",
       [](Fixture& f) { One(f).authors.push_back("rev"); },
       {{kFile, 8, "self-review", kE, "\"rev\" reviews an article they wrote"}}},
      // image-alt
      {"image without alt",
       [](Fixture& f) {
         One(f).image = Image{"/img/x.jpg", " ", "", "", 12};
       },
       {{kFile, 12, "image-alt", kE, "image \"/img/x.jpg\" has no alt text"}}},
      {"image with alt",
       [](Fixture& f) {
         One(f).image = Image{"/img/x.jpg", "A nurse", "", "", 12};
       },
       {}},
      {"alt without image",
       [](Fixture& f) {
         One(f).image = Image{"", "", "", "", 12};
       },
       {}},
      {"person image without alt",
       [](Fixture& f) {
         f.site.people["ann"].image = Image{"/img/ann.jpg", "", "", "", 5};
       },
       {{"people/ann.md", 5, "image-alt", kE, "\"/img/ann.jpg\""}}},
      // missing-image
      {"hero names no static file",
       [](Fixture& f) {
         One(f).image = Image{"/img/nope.jpg", "A nurse", "", "", 12};
       },
       {{kFile, 12, "missing-image", kE,
         "image \"/img/nope.jpg\" names no file of the site (no static/img/nope.jpg)"}}},
      {"hero with a query and a fragment",
       [](Fixture& f) {
         One(f).image = Image{"/img/x.jpg?v=2#top", "A nurse", "", "", 12};
       },
       {}},
      {"relative hero resolves against the page",
       [](Fixture& f) {
         One(f).image = Image{"pics/y%20z.png", "A nurse", "", "", 12};
         f.site.static_files.push_back({"a/one/pics/y z.png", ""});
       },
       {}},
      {"relative hero that climbs",
       [](Fixture& f) {
         One(f).image = Image{"../y.png", "A nurse", "", "", 12};
       },
       {{kFile, 12, "missing-image", kE, "(no static/a/y.png)"}}},
      {"remote images are not checked",
       [](Fixture& f) {
         One(f).image = Image{"https://cdn.example/x.jpg", "A nurse", "", "", 12};
         f.site.articles[1].image = Image{"//cdn.example/x.jpg", "A nurse", "", "", 12};
         f.site.people["ann"].image = Image{"http://cdn.example/ann.jpg", "Ann", "", "", 5};
       },
       {}},
      {"person photo names no static file",
       [](Fixture& f) {
         f.site.people["ann"].image = Image{"/img/none.jpg", "Ann", "", "", 5};
       },
       {{"people/ann.md", 5, "missing-image", kE, "no static/img/none.jpg"}}},
      // missing-editorial-process
      {"no editorial process page",
       [](Fixture& f) {
         f.site.pages.pop_back();
         f.docs.pages.pop_back();
       },
       {{"pages/editorial-process.md", 0, "missing-editorial-process", kW,
         "write pages/editorial-process.md"}}},
      // readability
      {"hard text",
       [](Fixture& f) {
         f.docs.articles[1].plain_text = "Medical reviewers evaluate the available evidence carefully.";
       },
       {{kOther, 20, "readability", kW, "reading grade 22.5 (Flesch-Kincaid) is above the limit of 9.0"}}},
      {"hard text, higher option",
       [](Fixture& f) {
         f.docs.articles[1].plain_text = "Medical reviewers evaluate the available evidence carefully.";
         f.options.max_grade = 25;
       },
       {}},
      {"just above the default",
       [](Fixture& f) { f.docs.articles[0].plain_text = "Depression is a common and treatable illness."; },
       {{kFile, 20, "readability", kW, "reading grade 9.1 (Flesch-Kincaid) is above the limit of 9.0"}}},
      {"lower option",
       [](Fixture& f) {
         f.options.max_grade = 0;
         f.docs.articles[1].plain_text = "Signs include tears.";
       },
       {{kOther, 20, "readability", kW, "reading grade 1.3 (Flesch-Kincaid) is above the limit of 0.0"}}},
      {"hard text, site limit",
       [](Fixture& f) {
         f.docs.articles[1].plain_text = "Medical reviewers evaluate the available evidence carefully.";
         f.site.config.readability_max_grade = 30;
       },
       {}},
  };
  return kCases;
}

TEST(RunTest, EachRuleFiresAndStaysQuiet) {
  for (const auto& c : Cases()) {
    SCOPED_TRACE(c.name);
    Fixture f;
    c.change(f);
    std::vector<Diagnostic> got = f.Run();
    ASSERT_EQ(got.size(), c.expected.size()) << (got.empty() ? "" : FormatDiagnostic(got[0]));
    for (size_t i = 0; i < got.size(); ++i) {
      const Expect& e = c.expected[i];
      EXPECT_EQ(got[i].pos.file, e.file);
      EXPECT_EQ(got[i].pos.line, e.line);
      EXPECT_EQ(got[i].rule, e.rule);
      EXPECT_EQ(got[i].severity, e.severity);
      EXPECT_EQ(got[i].stage, "check");
      EXPECT_NE(got[i].message.find(e.text), std::string::npos) << got[i].message;
    }
  }
}

TEST(RunTest, FormatsWithFileAndLine) {
  Fixture f;
  One(f).authors.push_back("ghost");
  std::vector<Diagnostic> got = f.Run();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(FormatDiagnostic(got[0]),
            "content/a/one.md:4: error: author \"ghost\" is not a known person (no people/ghost.md) "
            "[unknown-person]");
}

Diagnostic Diag(const std::string& file, int line, const std::string& rule, const std::string& stage,
                const std::string& message = "m") {
  return Diagnostic{SourcePos{file, line}, Severity::kError, message, rule, stage};
}

TEST(RunTest, MergesSortsAndDeduplicates) {
  Fixture f;
  f.site.diagnostics = {Diag("site.toml", 3, "toml-syntax", "load"), Diag(kFile, 9, "required-key", "load"),
                        Diag(kFile, 2, "yaml-syntax", "load")};
  f.docs.articles[0].diagnostics = {Diag(kFile, 9, "broken-link", "markup"),
                                    Diag(kFile, 22, "unknown-citation", "markup"),
                                    Diag(kFile, 22, "unknown-citation", "markup")};
  f.docs.pages[0].diagnostics = {Diag("pages/about.md", 5, "broken-link", "markup")};
  f.docs.people["ann"].diagnostics = {Diag("people/ann.md", 7, "unsafe-url", "markup")};
  f.docs.callouts["get-help"].diagnostics = {Diag("callouts/get-help.md", 1, "unknown-callout", "markup")};
  One(f).authors.push_back("ghost");  // content/a/one.md:4, check stage

  std::vector<std::string> got;
  for (const auto& d : f.Run()) got.push_back(d.pos.file + ":" + std::to_string(d.pos.line) + " " + d.rule);
  EXPECT_EQ(got,
            (std::vector<std::string>{"callouts/get-help.md:1 unknown-callout",
                                      "content/a/one.md:2 yaml-syntax", "content/a/one.md:4 unknown-person",
                                      "content/a/one.md:9 broken-link", "content/a/one.md:9 required-key",
                                      "content/a/one.md:22 unknown-citation", "pages/about.md:5 broken-link",
                                      "people/ann.md:7 unsafe-url", "site.toml:3 toml-syntax"}));
}

// An article whose front matter failed to parse: only the YAML error and the
// findings about its file or body remain; with the front matter read, the
// same article gets the follow-on findings too.
TEST(RunTest, UnreadFrontMatterReportsOnlyWhatStands) {
  struct Case {
    const char* name;
    bool front_matter_ok;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"unread",
       false,
       {"content/a/one.md:2 yaml-syntax", "content/a/one.md:20 readability",
        "content/a/one.md:21 broken-link"}},
      {"read",
       true,
       {"content/a/one.md:0 review-overdue", "content/a/one.md:0 unknown-person",
        "content/a/one.md:2 yaml-syntax", "content/a/one.md:20 readability",
        "content/a/one.md:21 broken-link", "content/a/one.md:22 unknown-citation"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Fixture f;
    Article& a = One(f);
    a.front_matter_ok = c.front_matter_ok;
    a.authors = {"ghost"};
    a.reviewers.clear();
    a.key_lines.clear();
    f.site.diagnostics = {Diag(kFile, 2, "yaml-syntax", "load")};
    f.docs.articles[0].diagnostics = {Diag(kFile, 21, "broken-link", "markup"),
                                      Diag(kFile, 22, "unknown-citation", "markup")};
    f.docs.articles[0].plain_text = "Medical reviewers evaluate the available evidence carefully.";
    std::vector<std::string> got;
    for (const auto& d : f.Run()) got.push_back(d.pos.file + ":" + std::to_string(d.pos.line) + " " + d.rule);
    EXPECT_EQ(got, c.expected);
  }
}

TEST(RulesTest, EveryIdOnceWithItsSeverity) {
  const std::set<std::string> warnings = {
      "unsafe-url",           "unknown-key",     "uncited-reference", "review-overdue",
      "revision-changed",     "unpinned-review", "readability",       "missing-editorial-process",
      "feedback-unconfigured"};
  const std::set<std::string> all = {
      "required-key",         "yaml-syntax",          "toml-syntax",
      "unknown-key",          "invalid-value",        "bibliography-syntax",
      "unknown-citation",     "broken-link",          "image-alt",
      "unknown-callout",      "unsafe-url",           "unknown-person",
      "uncited-reference",    "duplicate-url",        "review-overdue",
      "revision-changed",     "reviewer-credentials", "self-review",
      "readability",          "malformed-revision",   "unpinned-review",
      "missing-image",        "render-failure",       "missing-editorial-process",
      "feedback-unconfigured"};
  std::set<std::string> seen;
  for (const auto& r : Rules()) {
    EXPECT_TRUE(seen.insert(r.id).second) << "twice: " << r.id;
    EXPECT_EQ(r.severity, warnings.count(r.id) ? Severity::kWarning : Severity::kError) << r.id;
    EXPECT_FALSE(r.description.empty()) << r.id;
  }
  EXPECT_EQ(seen, all);
  for (const auto& rule : internal::CheckRules()) EXPECT_TRUE(all.count(rule.id)) << rule.id;
}

TEST(ToJsonTest, ParsesWithEveryField) {
  std::vector<Diagnostic> ds(2);
  ds[0] = Diag("content/a \"b\".md", 12, "broken-link", "markup", "line1\nback\\slash\ttab \x01 caf\xC3\xA9");
  ds[1] = Diag("references.json", 0, "uncited-reference", "check", "w");
  ds[1].severity = Severity::kWarning;
  nlohmann::json j = nlohmann::json::parse(ToJson(ds));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["file"], "content/a \"b\".md");
  EXPECT_EQ(j[0]["line"], 12);
  EXPECT_EQ(j[0]["severity"], "error");
  EXPECT_EQ(j[0]["message"], "line1\nback\\slash\ttab \x01 caf\xC3\xA9");
  EXPECT_EQ(j[0]["rule"], "broken-link");
  EXPECT_EQ(j[0]["stage"], "markup");
  EXPECT_EQ(j[1]["severity"], "warning");
  EXPECT_EQ(j[1]["line"], 0);
  EXPECT_EQ(nlohmann::json::parse(ToJson({})), nlohmann::json::array());
}

}  // namespace
}  // namespace vetted::check
