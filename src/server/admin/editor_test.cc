// The writing pages (editor_routes.h) through App over a memory store: the
// article list and its filters, creating and saving through the forms, the
// 409 page with both texts, the preview from the real renderer, the check
// findings, presence, roles and CSRF.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "load/load.h"
#include "newsroom/newsroom.h"
#include "server/app.h"
#include "store/open.h"
#include "util/util.h"

namespace vetted::server {
namespace {

const std::string kHost = "127.0.0.1:8080";
const std::string kOrigin = "http://127.0.0.1:8080";
const std::string kPassword = "tram-lamp-orbit";

store::ImportInput Site() {
  store::ImportInput in;
  in.files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"content/sleep/_section.md", "---\ntitle: Sleep\ndescription: About sleep.\n---\nIntro.\n"},
      {"people/wendy.md",
       "---\nname: Wendy Writer\nroles: [writer]\nsummary: A fictional writer.\n---\nBio.\n"},
      {"people/walt.md", "---\nname: Walt Writer\nroles: [writer]\nsummary: Another writer.\n---\nBio.\n"},
      {"people/rita.md",
       "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
       "doctor.\n---\nBio.\n"},
  };
  std::string file =
      "---\ntitle: Rest\ndescription: About rest.\nauthors: [wendy]\npublished: 2026-01-10\n---\n\nRest.\n";
  std::vector<Diagnostic> diagnostics;
  store::ArticleSource a;
  a.path = "content/sleep/rest.md";
  a.url = "/sleep/rest/";
  a.revision = load::ParseArticle(file, a.path, diagnostics).revision;
  a.bytes = file;
  a.search.title = "Rest";
  in.articles.push_back(a);
  return in;
}

std::string Form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + util::UrlEncode(v);
  return out;
}

// The value of the first `name="NAME" value="..."` in a page.
std::string ValueOf(const std::string& html, const std::string& name) {
  std::string key = "name=\"" + name + "\" value=\"";
  size_t at = html.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  return html.substr(at, html.find('"', at) - at);
}

std::string Unescape(std::string s) {
  for (auto [from, to] : {std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"}, std::pair{"&quot;", "\""},
                          std::pair{"&#39;", "'"}, std::pair{"&amp;", "&"}})
    s = util::ReplaceAll(s, from, to);
  return s;
}

// The fields the editor's form would send as the page shows them (inputs with
// a value, textareas, selected options; not the buttons), form-encoded.
std::string FormOf(const std::string& html, const std::string& action) {
  std::string form = html.substr(html.find("<form class=\"admin-form admin-editor\""));
  form = form.substr(0, form.find("</form>"));
  std::string out;
  auto add = [&](const std::string& name, const std::string& value) {
    out += (out.empty() ? "" : "&") + name + "=" + util::UrlEncode(Unescape(value));
  };
  for (size_t at = form.find("<input "); at != std::string::npos; at = form.find("<input ", at + 1)) {
    std::string tag = form.substr(at, form.find('>', at) - at);
    size_t n = tag.find("name=\""), v = tag.find("value=\"");
    if (n == std::string::npos || v == std::string::npos) continue;
    std::string name = tag.substr(n + 6, tag.find('"', n + 6) - n - 6);
    if (tag.find("type=\"checkbox\"") != std::string::npos && tag.find(" checked") == std::string::npos)
      continue;
    add(name, tag.substr(v + 7, tag.find('"', v + 7) - v - 7));
  }
  for (size_t at = form.find("<textarea "); at != std::string::npos; at = form.find("<textarea ", at + 1)) {
    size_t n = form.find("name=\"", at), open = form.find(">\n", at), close = form.find("</textarea>", at);
    add(form.substr(n + 6, form.find('"', n + 6) - n - 6), form.substr(open + 2, close - open - 2));
  }
  for (size_t at = form.find("<select "); at != std::string::npos; at = form.find("<select ", at + 1)) {
    size_t n = form.find("name=\"", at), sel = form.find("\" selected>", at);
    size_t v = form.rfind("value=\"", sel);
    add(form.substr(n + 6, form.find('"', n + 6) - n - 6), form.substr(v + 7, sel - v - 7));
  }
  add("action", action);
  return out;
}

// The "name=value" of a cookie a response sets ("" when none).
std::string SetCookie(const Response& res, const std::string& name) {
  for (const auto& [k, v] : res.headers)
    if (k == "Set-Cookie" && v.rfind(name + "=", 0) == 0) return v.substr(0, v.find(';'));
  return "";
}

bool Has(std::string_view text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class EditorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> s = store::Open("memory:");
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Import(Site()).ok());
    AppOptions options;
    options.reload_poll = std::chrono::hours(1);
    options.clock = &clock_;
    options.password_cost = newsroom::kTestPasswordCost;
    auto app = App::Open(*store_, options, nullptr, nullptr);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
    newsroom::AccountsOptions ao;
    ao.clock = &clock_;
    ao.cost = newsroom::kTestPasswordCost;
    newsroom::Accounts accounts(*store_->Accounts(), ao);
    ASSERT_TRUE(accounts.Add("writer@x.org", newsroom::kWriter, "wendy", kPassword).ok());
    ASSERT_TRUE(accounts.Add("walt@x.org", newsroom::kWriter, "walt", kPassword).ok());
    ASSERT_TRUE(accounts.Add("rita@x.org", newsroom::kReviewer, "rita", kPassword).ok());
    ASSERT_TRUE(accounts.Add("admin@x.org", newsroom::kAdmin, "", kPassword).ok());
    writer_ = SignIn("writer@x.org");
  }

  Response Call(Request req) {
    Response out;
    out.status = 0;
    req.client = "192.0.2.1";
    app_->Handle(std::move(req), [&out](Response res) { out = std::move(res); });
    return out;
  }
  Response Get(const std::string& target, const std::string& cookie) {
    Request req;
    req.method = "GET";
    req.target = target;
    req.headers = {{"Host", kHost}, {"Cookie", cookie}};
    return Call(std::move(req));
  }
  Response Post(const std::string& target, const std::string& body, const std::string& cookie) {
    Request req;
    req.method = "POST";
    req.target = target;
    req.headers = {{"Host", kHost},
                   {"Content-Type", "application/x-www-form-urlencoded"},
                   {"Origin", kOrigin},
                   {"Cookie", cookie}};
    req.body = body;
    return Call(std::move(req));
  }
  std::string SignIn(const std::string& email) {
    Response res = Post("/admin/login", Form({{"email", email}, {"password", kPassword}}), "");
    EXPECT_EQ(res.status, 303) << res.Body();
    for (const auto& [k, v] : res.headers)
      if (k == "Set-Cookie" && v.rfind("vetted-session=", 0) == 0) return v.substr(0, v.find(';'));
    return "";
  }
  // The CSRF token in a page's forms.
  std::string Csrf(const std::string& cookie) {
    return ValueOf(Get("/admin/articles/new", cookie).Body(), "csrf");
  }

  // Creates content/sleep/naps.md as the writer; its id.
  int64_t CreateNaps(const std::string& body = "\nShort naps help.\n") {
    Response res = Post("/admin/articles/new",
                        Form({{"csrf", Csrf(writer_)},
                              {"path", "content/sleep/naps.md"},
                              {"title", "Naps"},
                              {"description", "About naps."},
                              {"authors", "wendy"},
                              {"tags", "sleep, rest"},
                              {"body", body},
                              {"action", "save"}}),
                        writer_);
    EXPECT_EQ(res.status, 303) << res.Body();
    std::string location(res.Header("Location"));
    EXPECT_TRUE(util::StartsWith(location, "/admin/articles/")) << location;
    if (!util::StartsWith(location, "/admin/articles/")) return 0;
    return std::stoll(location.substr(16));
  }
  std::string EditUrl(int64_t id) { return "/admin/articles/" + std::to_string(id) + "/edit"; }
  // Creates an article through the newsroom service (any text, also one the form would not make).
  int64_t CreateDirectly(const std::string& path, const std::string& source) {
    newsroom::Articles articles(*store_, {});
    newsroom::Actor wendy{1, "writer@x.org", "wendy", newsroom::kWriter};
    Result<newsroom::Created> c = articles.Create(wendy, path, source);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return c.ok() ? c->id : 0;
  }
  std::string Latest(int64_t id) {
    newsroom::Articles articles(*store_, {});
    Result<newsroom::ArticleRecord> rec = articles.Get(id);
    if (!rec.ok()) return "";
    for (const store::WfRevision& r : rec->revisions)
      if (r.hash == rec->article.latest_revision) return r.source;
    return "";
  }
  int Revisions(int64_t id) {
    newsroom::Articles articles(*store_, {});
    Result<newsroom::ArticleRecord> rec = articles.Get(id);
    return rec.ok() ? static_cast<int>(rec->revisions.size()) : -1;
  }

  util::FixedClock clock_{1'800'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<App> app_;
  std::string writer_;
};

TEST_F(EditorTest, CreateThenTheEditorShowsTheFieldsAndTheChecks) {
  int64_t id = CreateNaps();
  ASSERT_GT(id, 0);
  Response res = Get(EditUrl(id), writer_ + "; vetted-editor-note=saved:nonsense");
  ASSERT_EQ(res.status, 200) << res.Body();
  std::string html = res.Body();
  EXPECT_TRUE(Has(html, "<label for=\"f-title\">Title</label>"));
  EXPECT_TRUE(Has(html, "name=\"title\" type=\"text\" value=\"Naps\""));
  EXPECT_TRUE(Has(html, "name=\"tags\" type=\"text\" value=\"sleep, rest\""));
  EXPECT_TRUE(Has(html, "<label for=\"f-body\">Article text (Markdown)</label>"));
  EXPECT_TRUE(Has(html, "Short naps help."));
  EXPECT_TRUE(Has(html, "<label for=\"f-major\">Major change (changes clinical advice)</label>"));
  EXPECT_TRUE(Has(html, "name=\"action\" value=\"save\">Save draft</button>"));
  EXPECT_TRUE(Has(html, "name=\"action\" value=\"preview\">Preview</button>"));
  EXPECT_TRUE(util::StartsWith(ValueOf(html, "base_revision"), "sha256:"));
  EXPECT_TRUE(Has(html, "<section class=\"admin-findings\" aria-labelledby=\"findings\">"));
  EXPECT_TRUE(Has(html, "<h2 id=\"findings\">Checks</h2>"));
  // A new article has no medical review yet: the check says so. Its first
  // publication date is the newsroom's to set: no finding about it.
  EXPECT_TRUE(Has(html, "not medically reviewed")) << html;
  EXPECT_FALSE(Has(html, "missing required key `published`"));
  EXPECT_TRUE(Has(html, "the checks assume today"));
  EXPECT_FALSE(Has(html, "Saved revision nonsense"));  // a note only for a real revision
  // The first publication date is not written by the form until the newsroom sets it.
  EXPECT_TRUE(Has(html, "name=\"published\" type=\"date\" value=\"\""));
}

TEST_F(EditorTest, TheListFiltersByStateSectionAuthorSearchAndReviewDue) {
  int64_t id = CreateNaps();
  ASSERT_GT(id, 0);
  auto list = [&](const std::string& query) {
    Response res = Get("/admin/articles" + query, writer_);
    EXPECT_EQ(res.status, 200) << query << res.Body();
    return res.Body();
  };
  std::string link = "<a href=\"articles/" + std::to_string(id) + "\">Naps</a>";
  std::string all = list("");
  EXPECT_TRUE(Has(all, "<h1>Articles</h1>"));
  EXPECT_TRUE(Has(all, "<a href=\"articles/new\">New article</a>"));
  EXPECT_TRUE(Has(all, link)) << all;
  EXPECT_TRUE(Has(all, "<td>Draft</td><td>Sleep</td><td>Wendy Writer</td>"));
  EXPECT_TRUE(Has(all, "Never reviewed"));
  EXPECT_TRUE(Has(all, "<label for=\"filter-q\">Search</label>"));
  EXPECT_TRUE(Has(all, "<label for=\"filter-due\">Review due</label>"));
  EXPECT_TRUE(Has(all, "<button type=\"submit\">Filter</button>"));
  EXPECT_TRUE(Has(list("?state=draft"), link));
  EXPECT_FALSE(Has(list("?state=published"), link));
  EXPECT_TRUE(Has(list("?q=NAP"), link));
  EXPECT_TRUE(Has(list("?q=sleep%2Fnaps"), link));  // the path
  EXPECT_FALSE(Has(list("?q=zebra"), link));
  EXPECT_TRUE(Has(list("?q=zebra"), "No articles match."));
  EXPECT_TRUE(Has(list("?section=sleep"), link));
  EXPECT_TRUE(Has(list("?section=Sleep"), link));  // by the section's title
  EXPECT_FALSE(Has(list("?section=food"), link));
  EXPECT_TRUE(Has(list("?author=wendy"), link));
  EXPECT_TRUE(Has(list("?author=Wendy+Writer"), link));
  EXPECT_FALSE(Has(list("?author=walt"), link));
  EXPECT_TRUE(Has(list("?due=never"), link));
  EXPECT_FALSE(Has(list("?due=overdue"), link));
  EXPECT_FALSE(Has(list("?due=soon"), link));
  EXPECT_FALSE(Has(list("?reviewer=rita%40x.org"), link));  // nobody reviewed it yet
  EXPECT_TRUE(Has(list("?reviewer=nobody%40x.org"), "No medical reviewer&#39;s account matches"));
  Response bad = Get("/admin/articles?state=lost", writer_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.Body(), "Unknown state"));
}

TEST_F(EditorTest, SaveMakesARevisionAndAStaleBaseAnswers409WithBothTexts) {
  int64_t id = CreateNaps();
  ASSERT_GT(id, 0);
  std::string page = Get(EditUrl(id), writer_).Body();
  std::string base = ValueOf(page, "base_revision"), csrf = ValueOf(page, "csrf");
  auto save = [&](const std::string& base_revision, const std::string& body) {
    return Post(EditUrl(id),
                Form({{"csrf", csrf},
                      {"base_revision", base_revision},
                      {"title", "Naps"},
                      {"description", "About naps."},
                      {"authors", "wendy"},
                      {"body", body},
                      {"major", "1"},
                      {"action", "save"}}),
                writer_);
  };
  Response saved = save(base, "\nNaps of twenty minutes help.\r\n");
  ASSERT_EQ(saved.status, 303) << saved.Body();
  EXPECT_EQ(saved.Header("Location"), EditUrl(id));
  std::string note = SetCookie(saved, "vetted-editor-note");
  EXPECT_TRUE(util::StartsWith(note, "vetted-editor-note=saved:sha256:")) << note;
  EXPECT_EQ(Revisions(id), 2);
  Response after = Get(EditUrl(id), writer_ + "; " + note);
  EXPECT_EQ(SetCookie(after, "vetted-editor-note"), "vetted-editor-note=");  // shown once
  EXPECT_TRUE(Has(after.Body(), "<p class=\"admin-note\" role=\"status\">Saved revision sha256:"));
  EXPECT_TRUE(Has(after.Body(), "Naps of twenty minutes help.\n</textarea>"));  // CR LF became LF
  EXPECT_NE(ValueOf(after.Body(), "base_revision"), base);

  // Another save on the first base: refused as stale, both texts shown, nothing stored.
  Response stale = save(base, "\nMy own text about naps.\n");
  EXPECT_EQ(stale.status, 409);
  std::string html = stale.Body();
  EXPECT_TRUE(Has(html, "<h2 id=\"conflict\">Someone saved a newer revision</h2>")) << html;
  EXPECT_TRUE(Has(html, "Naps of twenty minutes help."));                             // theirs
  EXPECT_TRUE(Has(html, "My own text about naps."));                                  // yours
  EXPECT_EQ(ValueOf(html, "base_revision"), ValueOf(after.Body(), "base_revision"));  // save again on theirs
  EXPECT_EQ(Revisions(id), 2);
}

TEST_F(EditorTest, PreviewRendersThePageAndListsFindingsWithLinesWithoutSaving) {
  int64_t id = CreateNaps();
  ASSERT_GT(id, 0);
  std::string page = Get(EditUrl(id), writer_).Body();
  std::string form = Form({{"csrf", ValueOf(page, "csrf")},
                           {"base_revision", ValueOf(page, "base_revision")},
                           {"title", "Naps, previewed"},
                           {"description", "About naps."},
                           {"authors", "wendy"},
                           {"body", "\nFirst line.\n\nNaps *really* help [@nobody2020].\n"},
                           {"action", "preview"}});
  Response res = Post(EditUrl(id), form, writer_);
  ASSERT_EQ(res.status, 200) << res.Body();
  std::string html = res.Body();
  EXPECT_TRUE(Has(html, "<h2 id=\"preview\">Preview (not saved)</h2>"));
  EXPECT_TRUE(Has(html, "<em>really</em>")) << html;
  EXPECT_TRUE(Has(html, "<h2>Naps, previewed</h2>"));  // the page's h1, one level down
  EXPECT_TRUE(Has(html, "Wendy Writer"));              // the byline, from the theme
  EXPECT_TRUE(Has(html, "<strong>Error</strong>, Article text, line 4:")) << html;
  EXPECT_TRUE(Has(html, "unknown-citation"));
  EXPECT_TRUE(Has(html, "value=\"Naps, previewed\""));  // the form keeps what was typed
  EXPECT_EQ(Revisions(id), 1);

  // The page on its own, as readers would see it.
  Response full = Post("/admin/articles/" + std::to_string(id) + "/preview", form, writer_);
  ASSERT_EQ(full.status, 200) << full.Body();
  EXPECT_TRUE(Has(full.Body(), "<h1>Naps, previewed</h1>"));
  EXPECT_TRUE(Has(full.Body(), "<em>really</em>"));
  EXPECT_EQ(full.Header("X-Robots-Tag"), "noindex");
  EXPECT_FALSE(Has(full.Header("Content-Security-Policy"), "unsafe-inline"));
  EXPECT_EQ(Revisions(id), 1);
}

TEST_F(EditorTest, AnotherWriterSeesWhoIsEditingForTwoMinutes) {
  int64_t id = CreateNaps();
  ASSERT_GT(id, 0);
  EXPECT_FALSE(Has(Get(EditUrl(id), writer_).Body(), "admin-presence"));  // alone: no notice
  std::string walt = SignIn("walt@x.org");
  std::string html = Get(EditUrl(id), walt).Body();
  EXPECT_TRUE(
      Has(html, "<p class=\"admin-presence\" role=\"status\">Wendy Writer is also editing this article</p>"))
      << html;
  // And Wendy now sees Walt.
  EXPECT_TRUE(Has(Get(EditUrl(id), writer_).Body(), "Walt Writer is also editing this article"));
  clock_.Advance(121);
  EXPECT_FALSE(Has(Get(EditUrl(id), walt).Body(), "admin-presence"));
}

TEST_F(EditorTest, RolesAndCsrfAreEnforced) {
  int64_t id = CreateNaps();
  ASSERT_GT(id, 0);
  std::string page = Get(EditUrl(id), writer_).Body();
  std::string base = ValueOf(page, "base_revision");
  // Without the CSRF token: 403, nothing saved.
  Response no_csrf =
      Post(EditUrl(id), Form({{"base_revision", base}, {"title", "X"}, {"body", "x"}}), writer_);
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_TRUE(Has(no_csrf.Body(), "CSRF"));
  EXPECT_EQ(Revisions(id), 1);
  // An admin (no writing role) sees the list but may not write.
  std::string admin = SignIn("admin@x.org");
  EXPECT_EQ(Get("/admin/articles", admin).status, 200);
  EXPECT_EQ(Get("/admin/articles/new", admin).status, 403);
  EXPECT_EQ(Get(EditUrl(id), admin).status, 403);
  Response refused = Post(EditUrl(id),
                          Form({{"csrf", ValueOf(Get("/admin/articles", admin).Body(), "csrf")},
                                {"base_revision", base},
                                {"title", "X"},
                                {"body", "x"}}),
                          admin);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(Revisions(id), 1);
  // A medical reviewer may open the editor and save (the newsroom's rule: writers, reviewers, editors).
  std::string rita = SignIn("rita@x.org");
  Response editor = Get(EditUrl(id), rita);
  EXPECT_EQ(editor.status, 200);
  Response saved = Post(EditUrl(id),
                        Form({{"csrf", ValueOf(editor.Body(), "csrf")},
                              {"base_revision", base},
                              {"title", "Naps"},
                              {"description", "About naps."},
                              {"authors", "wendy"},
                              {"body", "\nA reviewer's fix.\n"},
                              {"action", "save"}}),
                        rita);
  EXPECT_EQ(saved.status, 303) << saved.Body();
  EXPECT_EQ(Revisions(id), 2);
  // Not signed in: to the sign-in page; an unknown article: 404.
  EXPECT_EQ(Get("/admin/articles", "").status, 303);
  EXPECT_EQ(Get("/admin/articles/999/edit", writer_).status, 404);
}

TEST_F(EditorTest, ANewArticleIsRefusedWithItsReasonAndTheFormKept) {
  Response res = Post("/admin/articles/new",
                      Form({{"csrf", Csrf(writer_)},
                            {"path", "pages/naps.txt"},
                            {"title", "Naps"},
                            {"body", "Kept text."},
                            {"action", "save"}}),
                      writer_);
  EXPECT_EQ(res.status, 400) << res.Body();
  EXPECT_TRUE(Has(res.Body(), "role=\"alert\""));
  EXPECT_TRUE(Has(res.Body(), "Kept text."));
  EXPECT_TRUE(Has(res.Body(), "<label for=\"f-path\">File path</label>"));
  EXPECT_TRUE(Has(res.Body(), ">Create draft</button>"));
  // The path taken already: 409.
  ASSERT_GT(CreateNaps(), 0);
  Response taken = Post("/admin/articles/new",
                        Form({{"csrf", Csrf(writer_)},
                              {"path", "content/sleep/naps.md"},
                              {"title", "Naps"},
                              {"body", "x"},
                              {"action", "save"}}),
                        writer_);
  EXPECT_EQ(taken.status, 409);
}

TEST_F(EditorTest, TheScriptIsAFileRouteAndThePagesNeedNoInlineScript) {
  Response js = Get("/admin/editor.js", "");
  EXPECT_EQ(js.status, 200);
  EXPECT_TRUE(util::StartsWith(js.Header("Content-Type"), "text/javascript"));
  int64_t id = CreateNaps();
  std::string html = Get(EditUrl(id), writer_).Body();
  EXPECT_TRUE(Has(html, "<script src=\"../../editor.js\" defer></script>"));
  EXPECT_FALSE(Has(html, "<script>"));
  EXPECT_FALSE(Has(html, "style=\""));
}

TEST_F(EditorTest, DemoArticlesSentBackUnchangedThroughTheFormKeepTheirRevision) {
  std::filesystem::path root = std::filesystem::path(VETTED_SOURCE_DIR) / "demo";
  int seen = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "content")) {
    if (entry.path().extension() != ".md" || entry.path().filename() == "_section.md") continue;
    std::string path = std::filesystem::relative(entry.path(), root).generic_string();
    SCOPED_TRACE(path);
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    int64_t id = CreateDirectly(path, text.str());
    ASSERT_GT(id, 0);
    ++seen;
    std::string page = Get(EditUrl(id), writer_).Body();
    std::string base = ValueOf(page, "base_revision");
    Response res = Post(EditUrl(id), FormOf(page, "save"), writer_);
    ASSERT_EQ(res.status, 303) << res.Body();
    // The same revision: the text readers would see did not change at all.
    EXPECT_EQ(res.Header("Location"), EditUrl(id));
    EXPECT_EQ(SetCookie(res, "vetted-editor-note"), "vetted-editor-note=saved:" + base);
    EXPECT_EQ(Revisions(id), 1);
  }
  EXPECT_GE(seen, 6);
}

TEST_F(EditorTest, WhatTheNewsroomWritesIsKeptFromTheStoredRevisionNotTakenFromTheForm) {
  int64_t id =
      CreateDirectly("content/sleep/naps.md",
                     "---\ntitle: Naps\ndescription: About naps.\nauthors: [wendy]\nmy_note: keep me\n"
                     "reviewers:\n  - by: rita\n    date: 2026-03-02\n---\n\nNaps help.\n");
  std::string page = Get(EditUrl(id), writer_).Body();
  EXPECT_TRUE(Has(page, "<summary>Set by the newsroom (not edited here)</summary>"));
  std::string form = FormOf(page, "save");
  form = util::ReplaceAll(form, "Naps%20help.", "Naps%20help%20a%20lot.");
  form += "&kept=" + util::UrlEncode("reviewers:\n  - by: wendy\n");  // no such field: ignored
  Response res = Post(EditUrl(id), form, writer_);
  ASSERT_EQ(res.status, 303) << res.Body();
  std::string saved = Latest(id);
  EXPECT_TRUE(Has(saved, "my_note: keep me\nreviewers:\n  - by: rita\n    date: 2026-03-02\n")) << saved;
  EXPECT_FALSE(Has(saved, "by: wendy"));
  EXPECT_TRUE(Has(saved, "Naps help a lot."));
}

TEST_F(EditorTest, AChangeOutsideTheRevisionAloneIsKeptInTheSameRevision) {
  int64_t id = CreateNaps();
  ASSERT_GT(id, 0);
  std::string page = Get(EditUrl(id), writer_).Body();
  std::string form = FormOf(page, "save");
  ASSERT_TRUE(Has(form, "&aspect=&"));
  ASSERT_TRUE(Has(form, "&aliases=&"));
  form = util::ReplaceAll(form, "&aspect=&", "&aspect=treatment&");  // the aspect is not part of a revision
  form = util::ReplaceAll(form, "&aliases=&", "&aliases=" + util::UrlEncode("/sleep/old-naps/") + "&");
  Response res = Post(EditUrl(id), form, writer_);
  ASSERT_EQ(res.status, 303) << res.Body();
  std::string note = SetCookie(res, "vetted-editor-note");
  EXPECT_TRUE(util::StartsWith(note, "vetted-editor-note=settings:sha256:")) << note;
  std::string after = Get(EditUrl(id), writer_ + "; " + note).Body();
  EXPECT_TRUE(Has(after, "What readers see as the article did not change, so this is still revision"))
      << after;
  EXPECT_EQ(Revisions(id), 1);
  // Opened again, the editor shows what was saved.
  std::string reopened = Get(EditUrl(id), writer_).Body();
  EXPECT_TRUE(Has(reopened, ">\n/sleep/old-naps/</textarea>")) << reopened;
  EXPECT_TRUE(Has(reopened, "name=\"aspect\" type=\"text\" value=\"treatment\""));
  EXPECT_TRUE(Has(Latest(id), "aliases: [\"/sleep/old-naps/\"]")) << Latest(id);
}

// The JSON API the same way: the alias is kept, the answer says so.
TEST_F(EditorTest, TheApiKeepsASettingsOnlyChange) {
  int64_t id = CreateNaps();
  ASSERT_GT(id, 0);
  std::string source = Latest(id);
  std::string base = ValueOf(Get(EditUrl(id), writer_).Body(), "base_revision");
  std::string changed = util::ReplaceAll(source, "---\n\n", "aliases: [/naps-old/]\n---\n\n");
  ASSERT_NE(changed, source);
  std::string session = Get("/admin/api/session", writer_).Body();
  size_t at = session.find("\"csrf\":\"");
  ASSERT_NE(at, std::string::npos) << session;
  std::string csrf = session.substr(at + 8, session.find('"', at + 8) - at - 8);
  Request req;
  req.method = "PUT";
  req.target = "/admin/api/articles/" + std::to_string(id);
  req.headers = {{"Host", kHost},
                 {"Content-Type", "application/json"},
                 {"Origin", kOrigin},
                 {"X-CSRF-Token", csrf},
                 {"Cookie", writer_}};
  std::string body = "{\"source\":";
  util::AppendJsonString(body, changed);
  body += ",\"base_revision\":\"" + base + "\"}";
  req.body = body;
  Response res = Call(std::move(req));
  ASSERT_EQ(res.status, 200) << res.Body();
  EXPECT_TRUE(Has(res.Body(), "\"revision\":\"" + base + "\"")) << res.Body();
  EXPECT_TRUE(Has(res.Body(), "\"settings_only\":true")) << res.Body();
  EXPECT_EQ(Latest(id), changed);
  EXPECT_TRUE(Has(Get(EditUrl(id), writer_).Body(), ">\n/naps-old/</textarea>"));
}

TEST_F(EditorTest, TheListFiltersByReviewerAndByWhenTheReviewIsDue) {
  int64_t id = CreateNaps();
  ASSERT_GT(id, 0);
  auto actor = [&](const std::string& email) {
    newsroom::Actor a;
    Result<std::vector<store::AccountRecord>> all = store_->Accounts()->ListAccounts();
    for (const store::AccountRecord& r : *all)
      if (r.email == email) a = {r.id, r.email, r.person_id, r.roles};
    return a;
  };
  ASSERT_TRUE(store_->Accounts()->ListAccounts().ok());
  newsroom::AccountsOptions ao;
  ao.clock = &clock_;
  ao.cost = newsroom::kTestPasswordCost;
  newsroom::Accounts accounts(*store_->Accounts(), ao);
  ASSERT_TRUE(accounts.Add("ed@x.org", newsroom::kEditor, "", kPassword).ok());
  newsroom::ArticleOptions options;
  options.clock = &clock_;
  newsroom::Articles articles(*store_, options);
  std::string revision = articles.Get(id)->revisions.back().hash;
  Status submitted = articles.Submit(actor("writer@x.org"), id, revision);
  ASSERT_TRUE(submitted.ok()) << submitted.message();
  Status approved = articles.Approve(actor("rita@x.org"), id, revision, "");
  ASSERT_TRUE(approved.ok()) << approved.message();
  std::string link = "<a href=\"articles/" + std::to_string(id) + "\">Naps</a>";
  auto list = [&](const std::string& query) { return Get("/admin/articles" + query, writer_).Body(); };
  EXPECT_TRUE(Has(list("?reviewer=rita%40x.org"), link));
  EXPECT_TRUE(Has(list("?reviewer=Rita+Reviewer"), link));
  EXPECT_FALSE(Has(list("?reviewer=rita%40x.org&state=draft"), link));  // it is approved
  // Published: the page readers see carries the review; the next one is due 24 months later.
  Result<newsroom::Published> p = articles.Publish(actor("ed@x.org"), id, {revision, "", ""});
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_TRUE(app_->Reload().ok());
  std::string review = util::FormatIsoDate(clock_.NowSeconds());  // 2027-01-15
  std::string all = list("");
  EXPECT_TRUE(Has(all, "<td>Published</td>")) << all;
  EXPECT_TRUE(Has(all, "<td>2029-01-15</td>")) << all;
  // The editor keeps the date readers see as the first publication date.
  EXPECT_TRUE(Has(Get(EditUrl(id), writer_).Body(), "name=\"published\" type=\"date\" value=\"2027-01-15\""));
  EXPECT_FALSE(Has(list("?due=never"), link));
  EXPECT_FALSE(Has(list("?due=soon"), link));
  clock_.Set(clock_.NowSeconds() + 710LL * 86400);  // 2028-12-25: due within 30 days
  writer_ = SignIn("writer@x.org");                 // the session ended meanwhile
  EXPECT_TRUE(Has(list("?due=soon"), link));
  EXPECT_FALSE(Has(list("?due=overdue"), link));
  clock_.Set(clock_.NowSeconds() + 40LL * 86400);  // 2029-02-03: overdue
  writer_ = SignIn("writer@x.org");
  EXPECT_TRUE(Has(list("?due=overdue"), link));
  EXPECT_TRUE(Has(list(""), "2029-01-15 (overdue)"));
  EXPECT_EQ(review, "2027-01-15");
}

// An article's own review_interval overrides the site's (2 years) in the list.
TEST_F(EditorTest, TheNextReviewFollowsTheArticlesOwnInterval) {
  newsroom::AccountsOptions ao;
  ao.clock = &clock_;
  ao.cost = newsroom::kTestPasswordCost;
  newsroom::Accounts accounts(*store_->Accounts(), ao);
  ASSERT_TRUE(accounts.Add("ed@x.org", newsroom::kEditor, "", kPassword).ok());
  auto actor = [&](const std::string& email) {
    newsroom::Actor a;
    Result<std::vector<store::AccountRecord>> all = store_->Accounts()->ListAccounts();
    for (const store::AccountRecord& r : *all)
      if (r.email == email) a = {r.id, r.email, r.person_id, r.roles};
    return a;
  };
  newsroom::ArticleOptions options;
  options.clock = &clock_;
  newsroom::Articles articles(*store_, options);
  auto publish = [&](const std::string& path, const std::string& extra) {
    Result<newsroom::Created> c = articles.Create(
        actor("writer@x.org"), path,
        "---\ntitle: T " + path + "\ndescription: D.\nauthors: [wendy]\n" + extra + "---\n\nText.\n");
    ASSERT_TRUE(c.ok()) << c.status().message();
    ASSERT_TRUE(articles.Submit(actor("writer@x.org"), c->id, c->revision).ok());
    ASSERT_TRUE(articles.Approve(actor("rita@x.org"), c->id, c->revision, "").ok());
    Result<newsroom::Published> p = articles.Publish(actor("ed@x.org"), c->id, {c->revision, "", ""});
    ASSERT_TRUE(p.ok()) << p.status().message();
  };
  publish("content/sleep/yearly.md", "review_interval: 1 year\n");
  publish("content/sleep/default.md", "");
  ASSERT_TRUE(app_->Reload().ok());
  std::string list = Get("/admin/articles", writer_).Body();  // reviewed 2027-01-15
  auto row = [&](const std::string& title) {
    size_t at = list.find(">" + title + "</a>");
    return at == std::string::npos ? std::string() : list.substr(at, list.find("</tr>", at) - at);
  };
  EXPECT_TRUE(Has(row("T content/sleep/yearly.md"), "<td>2028-01-15</td>")) << list;
  EXPECT_TRUE(Has(row("T content/sleep/default.md"), "<td>2029-01-15</td>")) << list;
  clock_.Set(clock_.NowSeconds() + 380LL * 86400);  // 2028-01-30
  writer_ = SignIn("writer@x.org");
  std::string overdue = Get("/admin/articles?due=overdue", writer_).Body();
  EXPECT_TRUE(Has(overdue, ">T content/sleep/yearly.md</a>")) << overdue;
  EXPECT_FALSE(Has(overdue, ">T content/sleep/default.md</a>"));
}

TEST_F(EditorTest, SavingAnEarlierTextAgainMakesItTheLatestInTheEditor) {
  int64_t id = CreateNaps("\nFirst text.\n");
  ASSERT_GT(id, 0);
  auto save = [&](const std::string& body) {
    std::string page = Get(EditUrl(id), writer_).Body();
    std::string form = FormOf(page, "save");
    size_t at = form.find("&body=");
    std::string rest = form.substr(form.find('&', at + 1));
    form = form.substr(0, at) + "&body=" + util::UrlEncode(body) + rest;
    return Post(EditUrl(id), form, writer_);
  };
  ASSERT_EQ(save("\nSecond text.\n").status, 303);
  ASSERT_EQ(save("\nFirst text.\n").status, 303);  // back to the first revision
  std::string page = Get(EditUrl(id), writer_).Body();
  EXPECT_TRUE(Has(page, ">\n\nFirst text.\n</textarea>")) << page;
  Response again = save("\nThird text.\n");  // builds on the latest: no false conflict
  EXPECT_EQ(again.status, 303) << again.Body();
  EXPECT_TRUE(Has(Latest(id), "Third text."));
}

TEST_F(EditorTest, AnArticleInANewFolderIsPreviewedToo) {
  Response res = Post("/admin/articles/new",
                      Form({{"csrf", Csrf(writer_)},
                            {"path", "content/food/apples.md"},
                            {"title", "Apples"},
                            {"description", "About apples."},
                            {"authors", "wendy"},
                            {"body", "\nEat an *apple*.\n"},
                            {"action", "preview"}}),
                      writer_);
  ASSERT_EQ(res.status, 200) << res.Body();
  EXPECT_TRUE(Has(res.Body(), "<h2 id=\"preview\">Preview (not saved)</h2>"));
  EXPECT_TRUE(Has(res.Body(), "Eat an <em>apple</em>."));
  EXPECT_TRUE(Has(res.Body(), "value=\"content/food/apples.md\""));  // the path typed stays
}

TEST_F(EditorTest, UnreadableFrontMatterIsShownAsTextToFix) {
  int64_t id = CreateDirectly("content/sleep/naps.md", "---\ntitle: [unclosed\n---\n\nNaps help.\n");
  std::string page = Get(EditUrl(id), writer_).Body();
  ASSERT_TRUE(Has(page, "<label for=\"f-front-matter\">Front matter (YAML)</label>")) << page;
  EXPECT_TRUE(Has(page, "title: [unclosed"));
  EXPECT_TRUE(Has(page, "yaml"));  // the finding names the problem
  std::string form = FormOf(page, "save");
  form = util::ReplaceAll(form, util::UrlEncode("title: [unclosed"),
                          util::UrlEncode("title: Naps\ndescription: About naps.\nauthors: [wendy]"));
  Response res = Post(EditUrl(id), form, writer_);
  ASSERT_EQ(res.status, 303) << res.Body();
  std::string after = Get(EditUrl(id), writer_).Body();
  EXPECT_TRUE(Has(after, "name=\"title\" type=\"text\" value=\"Naps\"")) << after;
  EXPECT_TRUE(Has(Latest(id), "Naps help."));
}

}  // namespace
}  // namespace vetted::server
