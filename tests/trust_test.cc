// The newsroom's promise, checked on the served site: every "Medically reviewed by" that `vetted serve` shows
// is backed by a stored approval of exactly the revision the page shows (docs/newsroom-workflow.md).
//
// The demo is imported into a fresh database and served; through the newsroom's JSON API (signed in as a
// writer, a medical reviewer and an editor) articles are published in each way that matters: a new article,
// a published article with a newer revision in review, a non-clinical change, and an approved article that is
// not published. Then every page of the site (a crawl from the home page, plus every published article of
// the store) is read, and for each page with a review line: the page's revision (the feedback form's hidden
// `revision`) must be the article's live revision in the store, and the reviewer and date on the page must be
// those of a stored approval of that revision (for a non-clinical change: of the approved revision it came
// from). Newsroom articles are checked against the workflow's approvals, folder articles against the review
// records in the stored revision's own text.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "http_client.h"
#include "load/load.h"
#include "store/open.h"
#include "store/store.h"
#include "vetted_process.h"

namespace {

using vetted::testing::Account;
using vetted::testing::Client;
using vetted::testing::Connect;
using vetted::testing::FormEncode;
using vetted::testing::Http;
using vetted::testing::Reply;
using vetted::testing::RunVetted;
using vetted::testing::Server;
using Json = nlohmann::json;
namespace fs = std::filesystem;
namespace store = vetted::store;

const Account kWriter{"writer@example.org", "amber-walrus-tide-7391", "writer", "maya-okafor"};
const Account kReviewer{"reviewer@example.org", "copper-heron-mist-2846", "reviewer", "priya-nair"};
const Account kEditor{"editor@example.org", "violet-badger-dune-5173", "editor", "lena-brooks"};

std::string Source(const std::string& title, const std::string& body) {
  return "---\ntitle: \"" + title + "\"\ndescription: \"About " + title +
         ".\"\nauthors: [maya-okafor]\ntags: [sex]\n---\n\n" + body + "\n";
}

// What a page claims: its revision and each "Medically reviewed by" (person id, date).
struct Claim {
  std::string url, revision;
  std::string person, date;        // from the review line
  std::string ld_person, ld_date;  // from JSON-LD reviewedBy / lastReviewed
};

std::optional<Claim> ClaimOf(const std::string& url, const std::string& html) {
  if (html.find("Medically reviewed by") == std::string::npos) return std::nullopt;
  Claim c;
  c.url = url;
  std::smatch m;
  if (std::regex_search(html, m, std::regex("name=\"revision\" value=\"(sha256:[0-9a-f]{64})\"")))
    c.revision = m[1];
  if (std::regex_search(html, m,
                        std::regex("Medically reviewed by <a href=\"/people/([^/\"]+)/\">[^<]*</a> on <time "
                                   "datetime=\"([0-9]{4}-[0-9]{2}-[0-9]{2})\">")))
    c.person = m[1], c.date = m[2];
  if (std::regex_search(html, m, std::regex("\"lastReviewed\":\"([0-9-]+)\""))) c.ld_date = m[1];
  if (std::regex_search(html, m, std::regex("\"reviewedBy\":\\{[^}]*\"url\":\"[^\"]*/people/([^/\"]+)/\"")))
    c.ld_person = m[1];
  return c;
}

// What the store holds, read after the server has stopped.
struct Records {
  std::map<std::string, std::string> bytes_by_url;  // published article URL -> its stored source
  std::map<std::string, std::string> path_by_url;
  std::map<std::string, store::WfArticle> newsroom_by_path;
  std::map<int64_t, std::vector<store::WfApproval>> approvals;
  std::map<int64_t, std::vector<store::WfPublication>> publications;
};

Records ReadRecords(const std::string& db) {
  Records r;
  auto s = store::Open(db, {.create = false});
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return r;
  auto snap = (*s)->Load();
  EXPECT_TRUE(snap.ok());
  for (const auto& f : snap->files) {
    if (f.path.rfind("content/", 0) != 0 || !f.path.ends_with(".md") ||
        f.path.find("/_") != std::string::npos)
      continue;
    std::vector<vetted::Diagnostic> diags;
    vetted::Article a = vetted::load::ParseArticle(f.bytes, f.path, diags);
    r.bytes_by_url[a.url] = f.bytes;
    r.path_by_url[a.url] = f.path;
  }
  store::WorkflowStore* wf = (*s)->Workflow();
  EXPECT_NE(wf, nullptr);
  if (!wf) return r;
  EXPECT_TRUE(wf->Read([&](store::WorkflowTx& tx) {
                  auto all = tx.Articles();
                  if (!all.ok()) return all.status();
                  for (const auto& a : *all) {
                    r.newsroom_by_path[a.path] = a;
                    r.approvals[a.id] = *tx.Approvals(a.id);
                    r.publications[a.id] = *tx.Publications(a.id);
                  }
                  return vetted::Status();
                }).ok());
  return r;
}

// Why the claim is not backed by the store; "" when it is.
std::string Unbacked(const Claim& c, const Records& rec) {
  std::string where = c.url + ": ";
  if (c.revision.empty()) return where + "shows a review but carries no revision";
  if (c.person.empty() || c.date.empty()) return where + "the review line names no reviewer page and date";
  if (!c.ld_person.empty() && c.ld_person != c.person) return where + "JSON-LD names another reviewer";
  if (c.ld_date != c.date)
    return where + "JSON-LD lastReviewed " + c.ld_date + " is not the page's " + c.date;
  auto p = rec.path_by_url.find(c.url);
  if (p == rec.path_by_url.end()) return where + "a reviewed page that is no published article of the store";
  auto nw = rec.newsroom_by_path.find(p->second);
  if (nw != rec.newsroom_by_path.end() && !nw->second.live_revision.empty()) {
    const store::WfArticle& a = nw->second;
    if (a.live_revision != c.revision)
      return where + "shows " + c.revision + ", the live revision is " + a.live_revision;
    // The publication that made it live: a non-clinical change is covered by its base's approval.
    std::string covered = c.revision;
    for (const auto& pub : rec.publications.at(a.id))
      if (pub.action == "publish" && pub.revision == c.revision && !pub.done_at.empty() &&
          !pub.base_revision.empty())
        covered = pub.base_revision;
    for (const auto& ap : rec.approvals.at(a.id))
      if (ap.revision == covered && ap.reviewer_person == c.person && ap.created_at.substr(0, 10) == c.date)
        return "";
    return where + "no stored approval of " + covered + " by " + c.person + " on " + c.date;
  }
  // A folder article: the review records in the stored revision's text.
  std::vector<vetted::Diagnostic> diags;
  vetted::Article a = vetted::load::ParseArticle(rec.bytes_by_url.at(c.url), p->second, diags);
  if (a.revision != c.revision) return where + "shows " + c.revision + ", the store has " + a.revision;
  for (const auto& r : a.reviewers)
    if (r.by == c.person && r.date.Iso() == c.date &&
        (r.revision == c.revision || (!a.non_clinical.from.empty() && r.revision == a.non_clinical.from)))
      return "";
  return where + "no review record of " + c.revision + " by " + c.person + " on " + c.date +
         " in the stored text";
}

std::string RevisionOnPage(int port, const std::string& url) {
  Reply r = Http(port, "GET", url);
  std::smatch m;
  if (r.status == 200 &&
      std::regex_search(r.body, m, std::regex("name=\"revision\" value=\"(sha256:[0-9a-f]{64})\"")))
    return m[1];
  return "";
}

// Waits until `url` shows `revision` (publication reaches readers within moments); true when it does.
bool Live(int port, const std::string& url, const std::string& revision) {
  for (int i = 0; i < 100; ++i) {
    if (RevisionOnPage(port, url) == revision) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Every same-origin page reachable from "/" (bounded), public pages only.
std::map<std::string, std::string> Crawl(int port, std::set<std::string> extra) {
  std::map<std::string, std::string> pages;
  std::deque<std::string> queue = {"/"};
  for (const auto& e : extra) queue.push_back(e);
  std::set<std::string> seen;
  std::regex href("href=\"(/[^\"#?]*)");
  while (!queue.empty() && pages.size() < 1000) {
    std::string u = queue.front();
    queue.pop_front();
    if (!seen.insert(u).second) continue;
    if (u.starts_with("/admin") || u.starts_with("/api/") || u.starts_with("/search") ||
        u.starts_with("/feedback"))
      continue;
    if (std::regex_search(u, std::regex("\\.[a-z0-9]+$"))) continue;  // assets, feeds, sitemap
    Reply r = Http(port, "GET", u);
    if (r.status != 200) continue;
    pages[u] = r.body;
    for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), href); it != std::sregex_iterator();
         ++it)
      queue.push_back((*it)[1]);
  }
  return pages;
}

class TrustTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = vetted::testing::TempDir("trust");
    db_ = (dir_ / "vetted.db").string();
    std::string out;
    ASSERT_EQ(RunVetted("import " + std::string(VETTED_SOURCE_DIR) + "/demo --db " + db_ + " --quiet", &out),
              0)
        << out;
    for (const Account& a : {kWriter, kReviewer, kEditor}) {
      fs::path pw = dir_ / "pw";
      std::ofstream(pw) << a.password << "\n";
      ASSERT_EQ(RunVetted("user add " + a.email + " --role " + a.role + " --person " + a.person +
                              " --password-stdin --db " + db_ + " < " + pw.string(),
                          &out),
                0)
          << out;
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string db_;
};

TEST_F(TrustTest, EveryReviewLineOnTheServedSiteIsBackedByAStoredApprovalOfTheRevisionShown) {
  Server server(db_);
  ASSERT_GT(server.port(), 0) << server.log();
  int port = server.port();
  Client writer(port, kWriter), reviewer(port, kReviewer), editor(port, kEditor);

  auto create = [&](const std::string& slug, const std::string& body) {
    Json c =
        writer.Call("POST", "/admin/api/articles",
                    {{"path", "content/sexual-health/" + slug + ".md"}, {"source", Source(slug, body)}}, 201);
    return std::make_pair(c.value("id", int64_t(0)), c.value("revision", std::string()));
  };
  auto approve = [&](int64_t id, const std::string& rev) {
    writer.Call("POST", "/admin/api/articles/" + std::to_string(id) + "/submit", {{"revision", rev}});
    reviewer.Call("POST", "/admin/api/articles/" + std::to_string(id) + "/approve", {{"revision", rev}});
  };
  auto publish = [&](int64_t id, const std::string& rev, const std::string& reason = "") {
    Json body = {{"revision", rev}};
    if (!reason.empty()) body["reason"] = reason;
    editor.Call("POST", "/admin/api/articles/" + std::to_string(id) + "/publish", body);
  };
  auto save = [&](int64_t id, const std::string& slug, const std::string& base, const std::string& text) {
    return writer
        .Call("PUT", "/admin/api/articles/" + std::to_string(id),
              {{"source", Source(slug, text)}, {"base_revision", base}})
        .value("revision", std::string());
  };

  // A: new, approved, published.
  auto [a, a1] = create("trust-new", "A new article.");
  approve(a, a1);
  publish(a, a1);
  // B: published, then a newer revision in review: the page keeps the approved one.
  auto [b, b1] = create("trust-pending", "Approved text.");
  approve(b, b1);
  publish(b, b1);
  std::string b2 = save(b, "trust-pending", b1, "Approved text, then a change of advice.");
  writer.Call("POST", "/admin/api/articles/" + std::to_string(b) + "/submit", {{"revision", b2}});
  // C: published, then a non-clinical change (a typo) published with a reason.
  auto [c, c1] = create("trust-typo", "Text with a tpyo.");
  approve(c, c1);
  publish(c, c1);
  std::string c2 = save(c, "trust-typo", c1, "Text with a typo.");
  publish(c, c2, "Spelling only");
  // D: approved, never published.
  auto [d, d1] = create("trust-unpublished", "Approved, not published.");
  approve(d, d1);

  ASSERT_TRUE(Live(port, "/sexual-health/trust-new/", a1));
  ASSERT_TRUE(Live(port, "/sexual-health/trust-pending/", b1));
  ASSERT_TRUE(Live(port, "/sexual-health/trust-typo/", c2));
  EXPECT_EQ(Http(port, "GET", "/sexual-health/trust-unpublished/").status, 404);

  // Every page: the crawl, plus every published article (read from the store after the server stops, so
  // the URLs are gathered from the crawl first and checked against the store's list below).
  std::map<std::string, std::string> pages = Crawl(
      port, {"/sexual-health/trust-new/", "/sexual-health/trust-pending/", "/sexual-health/trust-typo/"});
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  Records rec = ReadRecords(db_);

  for (const auto& [url, bytes] : rec.bytes_by_url)
    EXPECT_TRUE(pages.contains(url)) << url << " was not reached";
  std::vector<Claim> claims;
  for (const auto& [url, html] : pages)
    if (auto claim = ClaimOf(url, html)) claims.push_back(*claim);
  std::set<std::string> checked;
  for (const Claim& claim : claims) {
    EXPECT_EQ(Unbacked(claim, rec), "");
    checked.insert(claim.url);
  }
  // The walk saw the newsroom's pages and the demo's reviewed ones.
  for (const char* u :
       {"/sexual-health/trust-new/", "/sexual-health/trust-pending/", "/sexual-health/trust-typo/",
        "/relationships/sex-and-relationships/why-you-might-cry-during-sex/"})
    EXPECT_TRUE(checked.contains(u)) << u << " shows no review line";
  EXPECT_GE(claims.size(), 7u);
  std::printf("trust: %zu pages walked, %zu review lines checked against the store\n", pages.size(),
              claims.size());

  // The check can fail: the pending page claiming the unapproved revision, the typo page claiming its base's
  // reviewer on another date, and a page naming someone who never approved it.
  ASSERT_TRUE(pages.contains("/sexual-health/trust-pending/"));
  Claim pending = *ClaimOf("/sexual-health/trust-pending/", pages["/sexual-health/trust-pending/"]);
  EXPECT_EQ(pending.revision, b1);
  Claim forged = pending;
  forged.revision = b2;
  EXPECT_NE(Unbacked(forged, rec), "");
  Claim typo = *ClaimOf("/sexual-health/trust-typo/", pages["/sexual-health/trust-typo/"]);
  EXPECT_EQ(typo.revision, c2);
  typo.date = typo.ld_date = "2001-01-01";
  EXPECT_NE(Unbacked(typo, rec), "");
  Claim other = *ClaimOf("/sexual-health/trust-new/", pages["/sexual-health/trust-new/"]);
  other.person = other.ld_person = "lena-brooks";
  EXPECT_NE(Unbacked(other, rec), "");
}

}  // namespace
