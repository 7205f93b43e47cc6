// Picking references while writing (cite_picker.h) through App over a memory
// store: the editor's "Cite a source" section for a small and a large
// library, the search page behind it, and the script.
#include "server/admin/cite_picker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "newsroom/newsroom.h"
#include "server/app.h"
#include "store/open.h"
#include "util/util.h"

namespace vetted::server {
namespace {

const std::string kHost = "127.0.0.1:8080";
const std::string kOrigin = "http://127.0.0.1:8080";
const std::string kPassword = "tram-lamp-orbit";

std::string CslItem(const std::string& id, const std::string& family, const std::string& title, int year) {
  return "{\"id\": \"" + id + "\", \"type\": \"article-journal\", \"title\": \"" + title +
         "\", \"author\": [{\"family\": \"" + family +
         "\", \"given\": \"Ann\"}], \"container-title\": "
         "\"J Sleep Res\", \"volume\": \"12\", \"page\": \"1-9\", \"issued\": {\"date-parts\": [[" +
         std::to_string(year) + "]]}}";
}

// The site's references.json: `n` references ref000, ref001, ... besides smith2020.
std::string Library(int n) {
  std::string out = "[" + CslItem("smith2020", "Smith", "Napping and memory in adults", 2020);
  for (int i = 0; i < n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "ref%03d", i);
    out +=
        ",\n" + CslItem(id, "Author" + std::to_string(i), "Study number " + std::to_string(i), 2000 + i % 20);
  }
  return out + "]\n";
}

bool Has(std::string_view text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string Form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + util::UrlEncode(v);
  return out;
}

class CitePickerTest : public ::testing::Test {
 protected:
  void Open(int extra_references) {
    store_ = std::move(store::Open("memory:")).value();
    store::ImportInput in;
    in.files = {
        {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
        {"content/sleep/_section.md", "---\ntitle: Sleep\ndescription: About sleep.\n---\nIntro.\n"},
        {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
        {"references.json", Library(extra_references)},
    };
    ASSERT_TRUE(store_->Import(in).ok());
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
    ASSERT_TRUE(accounts.Add("admin@x.org", newsroom::kAdmin, "", kPassword).ok());
    writer_ = SignIn("writer@x.org");
    newsroom::Articles articles(*store_, {});
    Result<newsroom::Created> c =
        articles.Create({1, "writer@x.org", "wendy", newsroom::kWriter}, "content/sleep/naps.md",
                        "---\ntitle: Naps\ndescription: About naps.\nauthors: [wendy]\n---\n\nNaps help "
                        "[@ref150; @smith2020, "
                        "p. 3]. Write to a@ref007.org.\n");
    ASSERT_TRUE(c.ok()) << c.status().message();
    edit_ = "/admin/articles/" + std::to_string(c->id) + "/edit";
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
  std::string SignIn(const std::string& email) {
    Request req;
    req.method = "POST";
    req.target = "/admin/login";
    req.headers = {
        {"Host", kHost}, {"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", kOrigin}};
    req.body = Form({{"email", email}, {"password", kPassword}});
    Response res = Call(std::move(req));
    EXPECT_EQ(res.status, 303) << res.Body();
    for (const auto& [k, v] : res.headers)
      if (k == "Set-Cookie" && v.rfind("vetted-session=", 0) == 0) return v.substr(0, v.find(';'));
    return "";
  }

  util::FixedClock clock_{1'800'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<App> app_;
  std::string writer_, edit_;
};

TEST(CitedKeys, InOrderOnceWithoutAddresses) {
  EXPECT_EQ(admin::CitedKeys("A [@b; @a, p. 3]. See [-@c] and @b. Mail x@y.org or [@d.]"),
            (std::vector<std::string>{"b", "a", "c", "d"}));
  EXPECT_TRUE(admin::CitedKeys("no citations @ all").empty());
}

TEST_F(CitePickerTest, TheEditorListsASmallLibraryWithTheKeyToType) {
  Open(3);
  Response res = Get(edit_, writer_);
  ASSERT_EQ(res.status, 200) << res.Body();
  std::string html = res.Body();
  EXPECT_TRUE(Has(html, "<h2 id=\"cite-heading\">Cite a source</h2>"));
  EXPECT_TRUE(Has(html, "<caption id=\"cite-caption\">All 4 sources in the library</caption>")) << html;
  // The key, the AMA text as readers see it, and what to type.
  EXPECT_TRUE(
      Has(html,
          "<tr data-cite-key=\"smith2020\"><th scope=\"row\">smith2020</th><td>Smith A. Napping and "
          "memory in adults. <i>J Sleep Res</i>. 2020;12:1-9.</td><td><code>[@smith2020]</code></td></tr>"))
      << html;
  EXPECT_TRUE(Has(html, "<tr data-cite-key=\"ref002\">"));
  // The section is inside the editor's form, after the article text; no search form for a small library.
  size_t body = html.find("id=\"f-body\""), section = html.find("class=\"editor-cite\"");
  EXPECT_LT(body, section);
  EXPECT_LT(section, html.find("</form>", html.find("class=\"admin-form admin-editor\"")));
  EXPECT_FALSE(Has(html, "name=\"cite_q\""));
  EXPECT_TRUE(Has(html, "<script src=\"../../cite.js\" defer></script>"));
  EXPECT_FALSE(Has(html, "<script>"));
  EXPECT_FALSE(Has(html, "style=\""));
  // The new-article form has it too.
  std::string fresh = Get("/admin/articles/new", writer_).Body();
  EXPECT_TRUE(Has(fresh, "<code>[@smith2020]</code>"));
  EXPECT_TRUE(Has(fresh, "<script src=\"../cite.js\" defer></script>"));
}

TEST_F(CitePickerTest, ALargeLibraryShowsTheCitedOnesAndASearch) {
  Open(static_cast<int>(admin::kCitePickerAll) + 50);
  std::string html = Get(edit_, writer_).Body();
  EXPECT_TRUE(Has(html, "The library has 251 sources, too many to list here")) << html;
  EXPECT_TRUE(Has(html, "<caption id=\"cite-caption\">Sources this article cites: 2</caption>"));
  EXPECT_TRUE(Has(html, "<tr data-cite-key=\"ref150\">"));
  EXPECT_TRUE(Has(html, "<tr data-cite-key=\"smith2020\">"));
  EXPECT_FALSE(Has(html, "<tr data-cite-key=\"ref007\">"));  // an e-mail address is not a citation
  EXPECT_FALSE(Has(html, "<tr data-cite-key=\"ref001\">"));
  // A labelled search whose form lies outside the editor's (forms do not nest), opening a new tab.
  EXPECT_TRUE(Has(html, "<label for=\"cite-q\">Search the library's sources</label>"));
  EXPECT_TRUE(Has(html, "<input id=\"cite-q\" name=\"cite_q\" type=\"search\" form=\"cite-search\""));
  size_t outside = html.find(
      "<form id=\"cite-search\" method=\"get\" action=\"../../articles/cite\" "
      "target=\"_blank\"></form>");
  ASSERT_NE(outside, std::string::npos);
  EXPECT_GT(outside, html.find("</form>", html.find("class=\"admin-form admin-editor\"")));

  // The search page finds a reference by its author, its title words or its key.
  Response found = Get("/admin/articles/cite?cite_q=author217", writer_);
  ASSERT_EQ(found.status, 200) << found.Body();
  EXPECT_TRUE(Has(found.Body(), "<h1>Find a source to cite</h1>"));
  EXPECT_TRUE(
      Has(found.Body(), "<caption id=\"cite-caption\">1 source matches &quot;author217&quot;</caption>"))
      << found.Body();
  EXPECT_TRUE(Has(found.Body(), "<code>[@ref217]</code>"));
  EXPECT_TRUE(Has(found.Body(), "value=\"author217\""));
  std::string by_title = Get("/admin/articles/cite?cite_q=Napping+MEMORY", writer_).Body();
  EXPECT_TRUE(Has(by_title, "<code>[@smith2020]</code>"));
  EXPECT_FALSE(Has(by_title, "<code>[@ref000]</code>"));
  std::string many = Get("/admin/articles/cite?cite_q=study", writer_).Body();
  EXPECT_TRUE(Has(many, "250 sources match &quot;study&quot;: the first 50 shown")) << many;
  std::string none = Get("/admin/articles/cite?cite_q=%3Cscript%3E", writer_).Body();
  EXPECT_TRUE(Has(none, "No source matches"));
  EXPECT_TRUE(Has(none, "value=\"&lt;script&gt;\""));  // escaped
  EXPECT_FALSE(Has(none, "<script>"));
  // Only the accounts that write; signed out, the sign-in page.
  EXPECT_EQ(Get("/admin/articles/cite?cite_q=x", SignIn("admin@x.org")).status, 403);
  EXPECT_EQ(Get("/admin/articles/cite?cite_q=x", "").status, 303);
}

TEST_F(CitePickerTest, TheScriptIsAFileRoute) {
  Open(1);
  Response js = Get("/admin/cite.js", "");
  EXPECT_EQ(js.status, 200);
  EXPECT_TRUE(util::StartsWith(js.Header("Content-Type"), "text/javascript"));
  EXPECT_TRUE(Has(js.Body(), "Insert citation"));
  EXPECT_TRUE(Has(js.Body(), "setRangeText"));
  EXPECT_TRUE(Has(js.Body(), "cite_q"));
  EXPECT_FALSE(js.Header("Content-Security-Policy").empty());
}

}  // namespace
}  // namespace vetted::server
