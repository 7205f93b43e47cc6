// The article API's handlers, called with a signed-in Actor over a memory store.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "newsroom/newsroom.h"
#include "server/admin/article_routes.h"
#include "store/open.h"

namespace vetted::server {
namespace {

using Json = nlohmann::json;

const newsroom::Actor kWendy{1, "wendy@x.org", "wendy", newsroom::kWriter};
const newsroom::Actor kRita{2, "rita@x.org", "rita", newsroom::kReviewer};
const newsroom::Actor kWendyRev{4, "w2@x.org", "wendy", newsroom::kReviewer};
const newsroom::Actor kEd{5, "ed@x.org", "ed", newsroom::kEditor};

class ArticleApi : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::Open("memory:")).value();
    store::ImportInput in;
    in.files = {
        {"site.toml",
         "title = \"T\"\nbase_url = \"https://t.example/\"\nfeedback_report = \"mailto:e@t.example\"\n"},
        {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
        {"people/rita.md",
         "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
         "doctor.\n---\nB.\n"},
        {"pages/editorial-process.md", "---\ntitle: Process\ndescription: How.\n---\nWe check.\n"},
    };
    ASSERT_TRUE(store_->Import(in).ok());
    articles_ = std::make_unique<newsroom::Articles>(*store_, newsroom::ArticleOptions{});
    routes_ = ArticleRoutes(*articles_);
  }

  // Calls the route for (method, pattern) as `actor`, with {id} = id.
  Response Call(uint8_t method, const std::string& pattern, const newsroom::Actor& actor, std::string body,
                const std::string& id = "", const std::string& query = "") {
    for (const ArticleRoute& r : routes_) {
      if (!(r.route.methods & method) || r.route.pattern != pattern) continue;
      Request req;
      req.method = method == kGet ? "GET" : method == kPut ? "PUT" : "POST";
      req.target = pattern + (query.empty() ? "" : "?" + query);
      req.body = std::move(body);
      req.actor = actor;
      PathMatch match;
      match.path = pattern;
      if (!id.empty()) match.params.emplace_back("id", id);
      Response out;
      r.route.handler(std::move(req), match, [&](Response res) { out = std::move(res); });
      return out;
    }
    ADD_FAILURE() << "no route " << pattern;
    return {};
  }
  static Json Body(const Response& r) { return Json::parse(r.Body()); }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<newsroom::Articles> articles_;
  std::vector<ArticleRoute> routes_;
};

const std::string kSource =
    "---\ntitle: Figs\ndescription: About figs.\nauthors: [wendy]\n---\nFigs are fruit.\n";

TEST_F(ArticleApi, RoutesDeclareTheirRoles) {
  for (const ArticleRoute& r : routes_) {
    EXPECT_NE(r.roles, 0) << r.route.pattern;
    EXPECT_NE(r.route.access, Access::kPublic) << r.route.pattern;
    if (r.route.pattern.ends_with("/publish")) EXPECT_EQ(r.roles, newsroom::kEditor);
    if (r.route.pattern.ends_with("/approve")) EXPECT_EQ(r.roles, newsroom::kReviewer);
  }
  EXPECT_EQ(routes_.size(), 10u);
}

TEST_F(ArticleApi, FromDraftToPublished) {
  Response created = Call(kPost, "/admin/api/articles", kWendy,
                          Json{{"path", "content/health/figs.md"}, {"source", kSource}}.dump());
  ASSERT_EQ(created.status, 201) << created.Body();
  std::string id = std::to_string(Body(created)["id"].get<int64_t>());
  std::string rev = Body(created)["revision"];
  EXPECT_EQ(rev.rfind("sha256:", 0), 0u);
  EXPECT_NE(created.Header("Cache-Control").find("no-store"), std::string_view::npos);

  // A stale base: 409 with the latest revision and text.
  Response stale =
      Call(kPut, "/admin/api/articles/{id}", kWendy,
           Json{{"source", kSource + "x"}, {"base_revision", "sha256:" + std::string(64, '0')}}.dump(), id);
  ASSERT_EQ(stale.status, 409) << stale.Body();
  EXPECT_EQ(Body(stale)["error"], "conflict");
  EXPECT_EQ(Body(stale)["latest_revision"], rev);
  EXPECT_EQ(Body(stale)["latest_source"], kSource);

  Response submit =
      Call(kPost, "/admin/api/articles/{id}/submit", kWendy, Json{{"revision", rev}}.dump(), id);
  ASSERT_EQ(submit.status, 200) << submit.Body();
  EXPECT_EQ(Body(submit)["state"], "in_review");
  Response own =
      Call(kPost, "/admin/api/articles/{id}/approve", kWendyRev, Json{{"revision", rev}}.dump(), id);
  EXPECT_EQ(own.status, 403);
  EXPECT_EQ(Body(own)["error"], "forbidden");
  EXPECT_EQ(Body(own)["reason"],
            "you are an author of this article: another medical reviewer must approve it");
  Response early = Call(kPost, "/admin/api/articles/{id}/publish", kEd, Json{{"revision", rev}}.dump(), id);
  EXPECT_EQ(early.status, 403) << early.Body();
  Response approve = Call(kPost, "/admin/api/articles/{id}/approve", kRita,
                          Json{{"revision", rev}, {"note", "good"}}.dump(), id);
  ASSERT_EQ(approve.status, 200) << approve.Body();
  Response writer_publish =
      Call(kPost, "/admin/api/articles/{id}/publish", kWendy, Json{{"revision", rev}}.dump(), id);
  EXPECT_EQ(writer_publish.status, 403);
  Response publish = Call(kPost, "/admin/api/articles/{id}/publish", kEd, Json{{"revision", rev}}.dump(), id);
  ASSERT_EQ(publish.status, 200) << publish.Body();
  EXPECT_EQ(Body(publish)["state"], "published");

  Response get = Call(kGet, "/admin/api/articles/{id}", kRita, "", id);
  ASSERT_EQ(get.status, 200);
  Json record = Body(get);
  EXPECT_EQ(record["live_revision"], rev);
  EXPECT_EQ(record["reviews"][0]["note"], "good");
  EXPECT_EQ(record["revisions"].size(), 1u);
  Response list = Call(kGet, "/admin/api/articles", kWendy, "", "", "state=published");
  EXPECT_EQ(Body(list)["articles"].size(), 1u);
  Response audit = Call(kGet, "/admin/api/audit", kEd, "");
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(Body(audit)["entries"].size(), 4u);  // create, submit, approve, publish
  EXPECT_EQ(Body(audit)["intact"], true);
}

TEST_F(ArticleApi, BadRequestsAndUnknownIds) {
  EXPECT_EQ(Call(kPost, "/admin/api/articles", kWendy, "{not json").status, 400);
  EXPECT_EQ(Call(kPost, "/admin/api/articles", kWendy, "[1]").status, 400);
  EXPECT_EQ(Call(kPost, "/admin/api/articles", kWendy, Json{{"path", 3}, {"source", "x"}}.dump()).status,
            400);
  EXPECT_EQ(Call(kPost, "/admin/api/articles", kWendy, Json{{"source", "x"}}.dump()).status, 400);
  EXPECT_EQ(Call(kPost, "/admin/api/articles", kWendy, Json{{"path", "/etc/passwd"}, {"source", "x"}}.dump())
                .status,
            400);
  EXPECT_EQ(Call(kGet, "/admin/api/articles/{id}", kWendy, "", "42").status, 404);
  EXPECT_EQ(Call(kGet, "/admin/api/articles/{id}", kWendy, "", "x1").status, 404);
  EXPECT_EQ(
      Call(kPost, "/admin/api/articles/{id}/submit", kWendy, Json{{"revision", "sha256:x"}}.dump(), "42")
          .status,
      404);
  EXPECT_EQ(Call(kPost, "/admin/api/articles", newsroom::Actor{},
                 Json{{"path", "content/a.md"}, {"source", "x"}}.dump())
                .status,
            401);
  Response dup =
      Call(kPost, "/admin/api/articles", kWendy, Json{{"path", "content/a.md"}, {"source", "x"}}.dump());
  ASSERT_EQ(dup.status, 201);
  dup = Call(kPost, "/admin/api/articles", kWendy, Json{{"path", "content/a.md"}, {"source", "x"}}.dump());
  EXPECT_EQ(dup.status, 409);
}

}  // namespace
}  // namespace vetted::server
