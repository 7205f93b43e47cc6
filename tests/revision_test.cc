// Whole-program tests of revisions: what a review covers on the built page and
// in `vetted check`, and `vetted review sign`, `vetted log`, `vetted diff`.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "model/model.h"
#include "vetted_process.h"

namespace {

using vetted::testing::Read;
using vetted::testing::RunVetted;
namespace fs = std::filesystem;

const char kArticle[] = "content/health/sleep.md";

// The article's front matter; every reader-visible field set.
const std::string kFront =
    "---\n"
    "# Reviewed yearly.\n"
    "title: 'Naps and sleep'\n"
    "description: \"Short naps can help; long ones can keep you awake.\"\n"
    "authors: [wendy]\n"
    "published: 2026-01-10\n"
    "updated: 2026-02-01\n"
    "fact_checkers: [fred]\n"
    "tags: [sleep]\n"
    "callouts: [get-help]\n"
    "image:\n"
    "  src: /img/nap.jpg\n"
    "  alt: A person asleep on a sofa\n"
    "  caption: A short nap\n"
    "  credit: Photo by Example\n"
    "references:\n"
    "  - id: lee2021\n"
    "    type: article-journal\n"
    "    title: Napping and night sleep\n"
    "    author: [{family: Lee, given: Kim}]\n"
    "    container-title: J Sleep\n"
    "    issued: {date-parts: [[2021]]}\n"
    "aliases: [/old-naps/]\n"
    "toc: false\n";
const std::string kBody =
    "---\nA nap of 20 minutes can refresh you [@lee2021].\n\n## Longer naps\n\nLonger naps can make it "
    "harder to fall asleep at night.\n";

std::map<std::string, std::string> Site(const std::string& article) {
  return {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"content/health/_section.md", "---\ntitle: Health\ndescription: About health.\n---\nIntro.\n"},
      {kArticle, article},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\n---\nBio.\n"},
      {"people/amy.md", "---\nname: Amy Author\nroles: [writer]\n---\nBio.\n"},
      {"people/fred.md", "---\nname: Fred Checker\nroles: [fact-checker]\n---\nBio.\n"},
      {"people/rita.md", "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\n---\nBio.\n"},
      {"people/ned.md", "---\nname: Ned Nocreds\nroles: [medical-reviewer]\n---\nBio.\n"},
      {"callouts/get-help.md", "---\ntitle: Get help\nkind: help\n---\nCall your doctor.\n"},
      {"callouts/crisis.md", "---\ntitle: In a crisis\nkind: crisis\n---\nCall 999.\n"},
      {"static/img/nap.jpg", "jpg"},
      {"static/img/sofa.jpg", "jpg"},
      {"pages/editorial-process.md",
       "---\ntitle: Our editorial process\ndescription: How we work.\n---\nWe check.\n"},
  };
}

class SiteFolder {
 public:
  explicit SiteFolder(const std::map<std::string, std::string>& files) {
    root_ = vetted::testing::TempDir("vetted-revision");
    for (const auto& [rel, text] : files) Write(rel, text);
  }
  ~SiteFolder() {
    fs::remove_all(root_);
    for (const char* suffix : {"-out", ".db", ".db-wal", ".db-shm"}) fs::remove_all(Sibling(suffix));
  }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << text;
  }
  std::string Path(const std::string& rel = "") const {
    return rel.empty() ? root_.string() : (root_ / rel).string();
  }
  // A path next to the folder: "<folder><suffix>".
  std::string Sibling(const std::string& suffix) const { return root_.string() + suffix; }
  std::string Article() const { return Read(root_ / kArticle); }
  // Replaces the first `from` in the article with `to`.
  void Edit(const std::string& from, const std::string& to) {
    std::string text = Article();
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    Write(kArticle, text.replace(at, from.size(), to));
  }

 private:
  fs::path root_;
};

struct Outcome {
  int code;
  std::string out;
};

Outcome Vetted(const std::string& args) {
  Outcome r;
  r.code = RunVetted(args, &r.out);
  return r;
}

// The built article page.
std::string Build(const SiteFolder& site) {
  fs::path out = site.Sibling("-out");
  Outcome r = Vetted("build " + site.Path() + " -o " + out.string() + " -q");
  EXPECT_EQ(r.code, 0) << r.out;
  std::string html = Read(out / "health/sleep/index.html");
  fs::remove_all(out);
  return html;
}

bool Has(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

std::vector<std::string> Hashes(const std::string& text) {
  std::vector<std::string> out;
  std::regex re("sha256:[0-9a-f]{64}");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back(it->str());
  return out;
}

std::string Sign(const SiteFolder& site, const std::string& extra = "") {
  Outcome r = Vetted("review sign " + site.Path(kArticle) + " --by rita --date 2026-03-02" + extra);
  EXPECT_EQ(r.code, 0) << r.out;
  return r.out;
}

void ExpectCurrent(const SiteFolder& site, const std::string& what) {
  std::string html = Build(site);
  EXPECT_TRUE(Has(html, "Medically reviewed by")) << what;
  EXPECT_TRUE(Has(html, "\"reviewedBy\"")) << what;
  Outcome check = Vetted("check " + site.Path() + " --today 2026-06-01");
  EXPECT_FALSE(Has(check.out, "[revision-changed]")) << what << "\n" << check.out;
}

void ExpectStale(const SiteFolder& site, const std::string& what) {
  std::string html = Build(site);
  EXPECT_FALSE(Has(html, "Medically reviewed by")) << what;
  EXPECT_TRUE(Has(html, "has changed since it was last medically reviewed")) << what;
  EXPECT_FALSE(Has(html, "\"reviewedBy\"")) << what;
  EXPECT_FALSE(Has(html, "\"lastReviewed\"")) << what;
  Outcome check = Vetted("check " + site.Path() + " --today 2026-06-01");
  EXPECT_TRUE(Has(check.out, "[revision-changed]")) << what << "\n" << check.out;
}

TEST(Revision, EveryRenderedFieldTurnsTheReviewStale) {
  struct Case {
    const char* field;
    std::string from, to;
  };
  const std::vector<Case> cases = {
      {"title", "title: 'Naps and sleep'", "title: 'Naps cure insomnia'"},
      {"description", "description: \"Short naps can help; long ones can keep you awake.\"",
       "description: \"Napping for two hours every afternoon cures insomnia.\""},
      {"body", "20 minutes", "2 hours"},
      {"authors", "authors: [wendy]", "authors: [wendy, amy]"},
      {"fact checkers", "fact_checkers: [fred]", "fact_checkers: []"},
      {"tags", "tags: [sleep]", "tags: [sleep, insomnia]"},
      {"callouts", "callouts: [get-help]", "callouts: [get-help, crisis]"},
      {"image src", "src: /img/nap.jpg", "src: /img/sofa.jpg"},
      {"image alt", "alt: A person asleep on a sofa", "alt: A person awake at night"},
      {"image caption", "caption: A short nap", "caption: A long nap"},
      {"image credit", "credit: Photo by Example", "credit: Photo by Other"},
      {"reference title", "title: Napping and night sleep", "title: Napping cures insomnia"},
      {"reference author", "given: Kim", "given: Jo"},
  };
  for (const auto& c : cases) {
    SiteFolder site(Site(kFront + kBody));
    Sign(site);
    ExpectCurrent(site, std::string("signed, before changing ") + c.field);
    site.Edit(c.from, c.to);
    ExpectStale(site, c.field);
  }
}

TEST(Revision, FieldsReadersDoNotSeeLeaveTheReviewCurrent) {
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"updated: 2026-02-01", "updated: 2026-05-01"},
      {"published: 2026-01-10", "published: 2026-01-11"},
      {"aliases: [/old-naps/]", "aliases: [/old-naps/, /naps/]"},
      {"toc: false", "toc: {levels: [2, 3]}"},
      {"# Reviewed yearly.", "# Reviewed every year."},
      {"title: 'Naps and sleep'", "title: \"Naps and sleep\""},  // quoting only
  };
  for (const auto& [from, to] : edits) {
    SiteFolder site(Site(kFront + kBody));
    Sign(site);
    site.Edit(from, to);
    ExpectCurrent(site, to);
  }
}

TEST(Revision, SignCheckEditDiffSignAgain) {
  SiteFolder site(Site(kFront + kBody));
  const std::string before = site.Article();
  Outcome rev = Vetted("revision " + site.Path(kArticle));
  ASSERT_EQ(rev.code, 0) << rev.out;
  const std::string signed_hash = Hashes(rev.out).at(0);

  const std::string db = site.Sibling(".db");
  std::string out = Sign(site);
  EXPECT_TRUE(Has(out, signed_hash)) << out;
  // The database keeps the reviewed text for `vetted diff`.
  ASSERT_EQ(Vetted("import " + site.Path() + " --db " + db + " -q").code, 0);
  // Only the review was added, at the end of the front matter, byte for byte.
  const std::string added =
      "reviewers:\n  - by: rita\n    date: 2026-03-02\n    revision: \"" + signed_hash + "\"\n";
  EXPECT_EQ(site.Article(), kFront + added + kBody);
  EXPECT_EQ(Hashes(Vetted("revision " + site.Path(kArticle)).out).at(0), signed_hash)
      << "signing kept the revision";
  Outcome clean = Vetted("check " + site.Path() + " --today 2026-06-01");
  EXPECT_EQ(clean.code, 0) << clean.out;
  EXPECT_TRUE(Has(clean.out, "0 errors, 0 warnings")) << clean.out;

  site.Edit("Short naps can help; long ones can keep you awake.",
            "Napping for two hours every afternoon cures insomnia.");
  const std::string now_hash = Hashes(Vetted("revision " + site.Path(kArticle)).out).at(0);
  ASSERT_NE(now_hash, signed_hash);
  Outcome warn = Vetted("check " + site.Path() + " --today 2026-06-01");
  EXPECT_TRUE(Has(warn.out, "[revision-changed]")) << warn.out;
  EXPECT_TRUE(Has(warn.out, "reviewed revision " + signed_hash + ")")) << warn.out;
  EXPECT_TRUE(Has(warn.out, "current revision is " + now_hash)) << warn.out;

  Outcome diff = Vetted("diff " + site.Path(kArticle) + " --db " + db);
  EXPECT_EQ(diff.code, 0) << diff.out;
  EXPECT_TRUE(Has(diff.out, signed_hash + " (reviewed by rita on 2026-03-02)")) << diff.out;
  EXPECT_TRUE(Has(diff.out, now_hash + " (the file now)")) << diff.out;
  EXPECT_TRUE(Has(diff.out, "@@ -1,6 +1,6 @@ Description\n")) << diff.out;
  EXPECT_TRUE(Has(diff.out, "\n-Description: \"Short naps can help; long ones can keep you awake.\"\n"))
      << diff.out;
  EXPECT_TRUE(Has(diff.out, "\n+Description: \"Napping for two hours every afternoon cures insomnia.\"\n"))
      << diff.out;
  EXPECT_TRUE(Has(diff.out, "changed: Description\n")) << diff.out;
  EXPECT_FALSE(Has(diff.out, "Body")) << "only the description changed\n" << diff.out;

  Sign(site, "");
  Outcome again = Vetted("check " + site.Path() + " --today 2026-06-01");
  EXPECT_TRUE(Has(again.out, "0 errors, 0 warnings")) << again.out;
  ExpectCurrent(site, "signed again");
}

TEST(Revision, SignRefusesAndLeavesTheFileAlone) {
  struct Case {
    const char* what;
    std::string args, message;
    std::string article = kFront + kBody;
  };
  const std::vector<Case> cases = {
      {"unknown person", "--by ghost", "\"ghost\" is not a known person"},
      {"misspelt person", "--by ritta", "\"ritta\" is not a known person (no people/ritta.md in "},
      {"misspelt person's hint", "--by ritta", "; did you mean \"rita\"?"},
      {"not a medical reviewer", "--by fred", "does not have the medical-reviewer role"},
      {"no credentials", "--by ned", "has no credentials"},
      {"an author", "--by rita", "is an author of content/health/sleep.md",
       kFront + "reviewers: []\n" + kBody},
      {"article with errors", "--by rita", "has 1 error", kFront + kBody + "\nSee [@nobody].\n"},
      {"bad date", "--by rita --date 2026-13-01", "--date takes a date"},
  };
  for (const auto& c : cases) {
    std::string article = c.article;
    if (std::string(c.what) == "an author") article.replace(article.find("[wendy]"), 7, "[wendy, rita]");
    SiteFolder site(Site(article));
    Outcome r = Vetted("review sign " + site.Path(kArticle) + " " + c.args);
    EXPECT_EQ(r.code, 1) << c.what << "\n" << r.out;
    EXPECT_TRUE(Has(r.out, c.message)) << c.what << "\n" << r.out;
    EXPECT_EQ(site.Article(), article) << c.what;
  }
}

TEST(Revision, SignAppendsToAnExistingListKeepingEveryOtherByte) {
  const std::string block =
      "reviewers:   # newest last\n"
      "- by: rita\n"
      "  date: 2025-01-05   # first review\n"
      "  revision: 'sha256:" +
      std::string(64, '0') +
      "'\n"
      "\n";
  SiteFolder site(Site(kFront + block + "draft: false\n" + kBody));
  std::string hash = Hashes(Sign(site)).at(0);
  EXPECT_EQ(site.Article(), kFront + block.substr(0, block.size() - 1) +
                                "- by: rita\n  date: 2026-03-02\n  revision: \"" + hash +
                                "\"\n\ndraft: false\n" + kBody);
  ExpectCurrent(site, "appended to a block list");

  SiteFolder flow(Site(kFront + "reviewers: [] # none yet\n" + kBody));
  hash = Hashes(Sign(flow)).at(0);
  EXPECT_EQ(flow.Article(), kFront + "reviewers: [{by: rita, date: 2026-03-02, revision: \"" + hash +
                                "\"}] # none yet\n" + kBody);
  ExpectCurrent(flow, "appended to a flow list");

  // Windows line endings stay Windows line endings.
  auto crlf = [](std::string text) {
    for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 2))
      text.insert(at, "\r");
    return text;
  };
  SiteFolder windows(Site(crlf(kFront + kBody)));
  hash = Hashes(Sign(windows)).at(0);
  EXPECT_EQ(windows.Article(),
            crlf(kFront + "reviewers:\n  - by: rita\n    date: 2026-03-02\n    revision: \"" + hash + "\"\n" +
                 kBody));
  ExpectCurrent(windows, "CRLF file");
}

TEST(Revision, MalformedAndOldHashesAreNamedAsSuch) {
  SiteFolder site(Site(kFront + kBody));
  std::string hash = Hashes(Sign(site)).at(0);
  // Shortened: malformed, an error, and never a current review.
  site.Edit(hash, hash.substr(0, 19));
  Outcome r = Vetted("check " + site.Path() + " --today 2026-06-01");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(Has(r.out, "malformed revision \"" + hash.substr(0, 19) + "\"")) << r.out;
  EXPECT_TRUE(Has(r.out, "[malformed-revision]")) << r.out;
  EXPECT_FALSE(Has(r.out, "[revision-changed]")) << r.out;
  // Every way of publishing refuses it (the same rules as check), so no page claims the review.
  Outcome build = Vetted("build " + site.Path() + " -o " + site.Sibling("-out"));
  EXPECT_EQ(build.code, 1) << build.out;
  EXPECT_TRUE(Has(build.out, "[malformed-revision]")) << build.out;
  EXPECT_FALSE(fs::exists(site.Sibling("-out")));
  Outcome diff = Vetted("diff " + site.Path(kArticle));
  EXPECT_EQ(diff.code, 1) << diff.out;
  EXPECT_TRUE(Has(diff.out, "FROM revision \"" + hash.substr(0, 19) + "\" is malformed")) << diff.out;

  // vetted 0.1's body-only hash: explained, with the command to re-sign.
  const std::string legacy = vetted::BodyRevisionOf(kBody.substr(4));
  SiteFolder old(Site(kFront + "reviewers:\n  - by: rita\n    date: 2026-03-02\n    revision: \"" + legacy +
                      "\"\n" + kBody));
  Outcome o = Vetted("check " + old.Path() + " --today 2026-06-01");
  EXPECT_EQ(o.code, 0) << o.out;
  EXPECT_TRUE(Has(o.out, "[revision-changed]")) << o.out;
  EXPECT_TRUE(Has(o.out, "signed with vetted 0.1's revision " + legacy + ", which covered the body only"))
      << o.out;
  EXPECT_TRUE(Has(o.out, "vetted review sign " + old.Path(kArticle) + " --by rita --date 2026-03-02"))
      << o.out;
  EXPECT_FALSE(Has(Build(old), "\"reviewedBy\""));
}

TEST(Revision, LogAndDiffReadOlderRevisionsFromTheDatabase) {
  SiteFolder site(Site(kFront + kBody));
  const std::string db = site.Sibling(".db");
  std::string first = Hashes(Sign(site)).at(0);
  ASSERT_EQ(Vetted("import " + site.Path() + " --db " + db + " -q").code, 0);
  site.Edit("20 minutes", "30 minutes");
  std::string second = Hashes(Vetted("revision " + site.Path(kArticle)).out).at(0);
  ASSERT_EQ(Vetted("import " + site.Path() + " --db " + db + " -q").code, 0);

  Outcome log = Vetted("log " + site.Path(kArticle) + " --db " + db);
  ASSERT_EQ(log.code, 0) << log.out;
  std::regex line1("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  " + first +
                   " {11}reviewed by rita on 2026-03-02\n");
  std::regex line2("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  " + second + "  current  not reviewed\n");
  EXPECT_TRUE(std::regex_search(log.out, line1)) << log.out;
  EXPECT_TRUE(std::regex_search(log.out, line2)) << log.out;
  EXPECT_LT(log.out.find(first), log.out.find(second)) << "oldest first";

  // Both ends given: the older text comes from the database.
  Outcome diff = Vetted("diff " + site.Path(kArticle) + " " + first + " " + second + " --db " + db);
  EXPECT_EQ(diff.code, 0) << diff.out;
  EXPECT_TRUE(Has(diff.out, "@@")) << diff.out;
  EXPECT_TRUE(Has(diff.out, " Body\n")) << diff.out;
  EXPECT_TRUE(Has(diff.out, "\n-A nap of 20 minutes can refresh you [@lee2021].\n")) << diff.out;
  EXPECT_TRUE(Has(diff.out, "\n+A nap of 30 minutes can refresh you [@lee2021].\n")) << diff.out;
  // Default FROM is the latest review's revision (first), read from the database too.
  Outcome dflt = Vetted("diff " + site.Path(kArticle) + " --db " + db);
  EXPECT_EQ(dflt.code, 0) << dflt.out;
  EXPECT_TRUE(Has(dflt.out, "changed: Body\n")) << dflt.out;

  const std::string unknown = "sha256:" + std::string(64, 'e');
  Outcome bad = Vetted("diff " + site.Path(kArticle) + " " + unknown + " --db " + db);
  EXPECT_EQ(bad.code, 1) << bad.out;
  EXPECT_TRUE(Has(bad.out, "unknown revision " + unknown)) << bad.out;
}

TEST(Revision, SectionFilesHaveNoRevision) {
  SiteFolder site(Site(kFront + kBody));
  Outcome r = Vetted("revision " + site.Path("content/health/_section.md"));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(Has(r.out, "only articles have revisions")) << r.out;
  EXPECT_TRUE(Hashes(r.out).empty()) << r.out;
}

}  // namespace
