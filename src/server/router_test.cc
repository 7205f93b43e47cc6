// The route table (router.h) on its own: matching, 405 + Allow, HEAD, access
// for ops routes, body limits, pattern parameters.
#include "server/router.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vetted::server {
namespace {

const std::string kToken = "s3cret-ops-token";

Request MakeRequest(std::string method, std::string target, Fields headers = {}, std::string body = "") {
  Request req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.headers = std::move(headers);
  req.body = std::move(body);
  return req;
}

// A handler answering 200 with its name and the match, so that a test sees
// which route ran.
RouteHandler Named(std::string name) {
  return [name](Request&& req, const PathMatch& match, Respond respond) {
    Response res;
    res.body = name + " " + match.path;
    for (const auto& [k, v] : match.params) res.body += " " + k + "=" + v;
    if (match.rest != std::string::npos) res.body += " *=" + std::string(match.Rest());
    res.route = "test";
    respond(std::move(res));
  };
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router_(RouterOptions{kToken}) {
    const Route routes[] = {
        {kGet, "/*", Access::kPublic, kNoBody, Named("pages")},
        {kGet, "/search", Access::kPublic, kNoBody, Named("search")},
        {kPost, "/api/feedback", Access::kPublic, 16 * 1024, Named("feedback")},
        {kGet, "/api/feedback", Access::kPublic, kNoBody, Named("feedback-get")},
        {kGet, "/articles/{id}/", Access::kPublic, kNoBody, Named("article")},
        {kGet | kPost, "/assets/*", Access::kPublic, 10, Named("assets")},
        {kGet, "/metrics", Access::kOps, kNoBody, Named("metrics")},
        {kPost, "/admin/reviews", Access::kEditor, 1024, Named("admin")},
    };
    for (const Route& r : routes) EXPECT_TRUE(router_.Add(r).ok()) << r.pattern;
  }

  Response Call(Request req) {
    Response out;
    out.status = 0;
    router_.Handle(std::move(req), [&out](Response res) { out = std::move(res); });
    return out;
  }

  Router router_;
};

TEST_F(RouterTest, MatchesTheMostSpecificPattern) {
  struct Case {
    std::string method, target;
    int status;
    std::string body_or_allow;  // the body for 200, the Allow value for 405
  };
  const Case cases[] = {
      {"GET", "/", 200, "pages / *="},
      {"GET", "/a/b/?q=1", 200, "pages /a/b/ *=a/b/"},
      {"GET", "/search", 200, "search /search"},
      {"GET", "/search?q=x", 200, "search /search"},
      {"GET", "/search/", 200, "pages /search/ *=search/"},  // exact means exact
      {"HEAD", "/search", 200, "search /search"},            // HEAD is served by GET routes
      {"GET", "/articles/42/", 200, "article /articles/42/ id=42"},
      {"GET", "/articles/%34%32/", 200, "article /articles/42/ id=42"},  // decoded once, before matching
      {"GET", "/articles/42", 200, "pages /articles/42 *=articles/42"},
      {"GET", "/articles/42/x", 200, "pages /articles/42/x *=articles/42/x"},
      {"GET", "/assets/", 200, "assets /assets/ *="},
      {"POST", "/assets/a.css", 200, "assets /assets/a.css *=a.css"},
      {"GET", "/api/feedback", 200, "feedback-get /api/feedback"},
      {"POST", "/api/feedback", 200, "feedback /api/feedback"},
      // The winning pattern decides the methods: 405 with its Allow, not the catch-all's.
      {"PUT", "/api/feedback", 405, "GET, HEAD, POST"},
      {"POST", "/search", 405, "GET, HEAD"},
      {"DELETE", "/", 405, "GET, HEAD"},
      {"get", "/", 405, "GET, HEAD"},  // methods are case-sensitive
      {"BREW", "/", 405, "GET, HEAD"},
      {"PUT", "/assets/x", 405, "GET, HEAD, POST"},
      {"GET", "/admin/reviews", 405, "POST"},
      // Bad paths are refused before any matching.
      {"GET", "/a/../b", 400, ""},
      {"GET", "/%2e%2e/x", 400, ""},
      {"GET", "//x", 400, ""},
      {"GET", "/a%00", 400, ""},
      {"GET", "/caf\xc3\xa9/", 400, ""},
      {"GET", "*", 400, ""},
      {"POST", "/api/feedback/..", 400, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target);
    Response res = Call(MakeRequest(c.method, c.target));
    EXPECT_EQ(res.status, c.status);
    if (c.status == 200) {
      EXPECT_EQ(res.body, c.body_or_allow);
    } else {
      EXPECT_EQ(res.Header("X-Frame-Options"), "DENY");
    }
    if (c.status == 405) {
      EXPECT_EQ(res.Header("Allow"), c.body_or_allow);
      EXPECT_EQ(res.route, "method_not_allowed");
    }
    if (c.status == 400) {
      EXPECT_EQ(res.route, "bad_request");
    }
  }
}

TEST_F(RouterTest, OpsRoutesNeedTheTokenOrTheOpsListener) {
  struct Case {
    std::string name;
    Fields headers;
    bool ops_listener;
    int status;
  };
  const Case cases[] = {
      {"no token", {}, false, 401},
      {"wrong token", {{"Authorization", "Bearer nope"}}, false, 401},
      {"token prefix", {{"Authorization", "Bearer " + kToken.substr(0, 5)}}, false, 401},
      {"token plus more", {{"Authorization", "Bearer " + kToken + "x"}}, false, 401},
      {"basic scheme", {{"Authorization", "Basic " + kToken}}, false, 401},
      {"no scheme", {{"Authorization", kToken}}, false, 401},
      {"token", {{"Authorization", "Bearer " + kToken}}, false, 200},
      {"scheme in any case", {{"authorization", "bearer  " + kToken}}, false, 200},
      {"ops listener", {}, true, 200},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Request req = MakeRequest("GET", "/metrics", c.headers);
    req.ops_listener = c.ops_listener;
    Response res = Call(std::move(req));
    EXPECT_EQ(res.status, c.status);
    if (c.status == 401) {
      EXPECT_EQ(res.route, "forbidden");
      EXPECT_EQ(res.Header("WWW-Authenticate"), "Bearer realm=\"vetted-ops\"");
      EXPECT_NE(res.body.find("token"), std::string::npos) << res.body;
    }
  }
  // Without a configured token the ops routes are closed here (403), and an
  // empty bearer never matches.
  Router closed;
  ASSERT_TRUE(closed.Add({kGet, "/metrics", Access::kOps, kNoBody, Named("metrics")}).ok());
  for (const Fields& headers : {Fields{}, Fields{{"Authorization", "Bearer "}}}) {
    Response res;
    closed.Handle(MakeRequest("GET", "/metrics", headers), [&res](Response r) { res = std::move(r); });
    EXPECT_EQ(res.status, 403);
    EXPECT_NE(res.body.find("--ops-listen"), std::string::npos) << res.body;
  }
}

TEST_F(RouterTest, TheOpsListenerServesOnlyOpsRoutes) {
  for (const std::string target : {"/", "/search", "/api/feedback", "/nope"}) {
    Request req = MakeRequest("GET", target);
    req.ops_listener = true;
    Response res = Call(std::move(req));
    EXPECT_EQ(res.status, 404) << target;
    EXPECT_EQ(res.route, "not_found") << target;
  }
}

TEST_F(RouterTest, NewsroomRolesAreRefusedUntilSignInExists) {
  Response res = Call(MakeRequest("POST", "/admin/reviews", {{"Authorization", "Bearer " + kToken}}));
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(res.route, "forbidden");
}

TEST(RouterGate, RunsForNewsroomRoutesOnlyAndFillsTheActor) {
  Router router;
  Route either{kGet, "/admin/x", Access::kWriter, kNoBody,
               [](Request&& req, const PathMatch&, Respond respond) {
                 Response res;
                 res.body = req.actor.email;
                 respond(std::move(res));
               }};
  either.roles = newsroom::kWriter | newsroom::kEditor;
  ASSERT_TRUE(router.Add(either).ok());
  ASSERT_TRUE(router.Add({kGet, "/public", Access::kPublic, kNoBody, Named("public")}).ok());
  ASSERT_TRUE(router.Add({kGet, "/admin/any", Access::kSignedIn, kNoBody, Named("any")}).ok());
  EXPECT_EQ(RolesNeeded(either), newsroom::kWriter | newsroom::kEditor);
  EXPECT_FALSE(IsNewsroomAccess(Access::kPublic));
  EXPECT_TRUE(IsNewsroomAccess(Access::kSignedIn));
  int calls = 0;
  uint8_t asked = 0;
  router.SetGate([&](Request& req, const Route& route) -> std::optional<Response> {
    ++calls;
    asked = RolesNeeded(route);
    if (req.Header("Cookie").empty()) return Response{401, {}, "no", nullptr, nullptr, "gate"};
    req.actor.account_id = 7;
    req.actor.email = "ana@x.org";
    return std::nullopt;
  });
  const Route* any = router.Find(MakeRequest("GET", "/admin/any")).route;
  ASSERT_NE(any, nullptr);
  EXPECT_EQ(RolesNeeded(*any), 0);
  auto call = [&](Request req) {
    Response out;
    router.Handle(std::move(req), [&out](Response res) { out = std::move(res); });
    return out;
  };
  EXPECT_EQ(call(MakeRequest("GET", "/public")).status, 200);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(call(MakeRequest("GET", "/admin/x")).status, 401);
  EXPECT_EQ(asked, newsroom::kWriter | newsroom::kEditor);
  Response ok = call(MakeRequest("GET", "/admin/x", {{"Cookie", "s=1"}}));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "ana@x.org");
  // An actor the caller set never reaches a handler: only the gate sets it.
  Request forged = MakeRequest("GET", "/admin/x");
  forged.actor.email = "forged@x.org";
  EXPECT_EQ(call(std::move(forged)).status, 401);
  EXPECT_EQ(calls, 3);
}

TEST_F(RouterTest, BodyLimitsPerRoute) {
  struct Case {
    std::string method, target;
    size_t limit;
  };
  const Case cases[] = {
      {"POST", "/api/feedback", 16 * 1024},
      {"POST", "/api/feedback?x=1", 16 * 1024},
      {"GET", "/", 0},
      {"GET", "/search", 0},
      {"HEAD", "/search", 0},
      {"POST", "/assets/x", 10},
      {"GET", "/metrics", 0},
      // No route takes it (405, bad path): the default.
      {"PUT", "/api/feedback", kDefaultBodyLimit},
      {"POST", "/", kDefaultBodyLimit},
      {"POST", "/a/../b", kDefaultBodyLimit},
  };
  for (const Case& c : cases)
    EXPECT_EQ(router_.BodyLimit(c.method, c.target), c.limit) << c.method << c.target;
  // Handle enforces it too (for callers that did not ask first).
  EXPECT_EQ(Call(MakeRequest("POST", "/assets/x", {}, std::string(10, 'x'))).status, 200);
  Response big = Call(MakeRequest("POST", "/assets/x", {}, std::string(11, 'x')));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(Call(MakeRequest("GET", "/", {}, "x")).status, 413);
}

TEST(Router, RefusesMalformedPatterns) {
  Router router;
  for (const std::string pattern : {"", "no-slash", "/a*/b", "/{}/", "/{open/", "/a}/", "/{a/b}/"})
    EXPECT_EQ(router.Add({kGet, pattern, Access::kPublic, kNoBody, Named("x")}).code(), Code::kInvalid)
        << pattern;
  EXPECT_FALSE(router.Add({kGet, "/x", Access::kPublic, kNoBody, nullptr}).ok());
  EXPECT_TRUE(router.Add({kGet, "/a/{b}/c/*", Access::kPublic, kNoBody, Named("x")}).ok());
  EXPECT_EQ(router.routes().size(), 1u);
}

TEST(Router, AllowValueAndMethodBits) {
  EXPECT_EQ(AllowValue(kGet), "GET, HEAD");
  EXPECT_EQ(AllowValue(kPost), "POST");
  EXPECT_EQ(AllowValue(kGet | kPost | kDelete), "GET, HEAD, POST, DELETE");
  EXPECT_EQ(MethodBit("GET"), kGet);
  EXPECT_EQ(MethodBit("get"), 0);
  EXPECT_EQ(MethodBit("OPTIONS"), kOptions);
}

TEST(Router, BearerMatches) {
  EXPECT_TRUE(BearerMatches("Bearer abc", "abc"));
  EXPECT_TRUE(BearerMatches("  BEARER\tabc  ", "abc"));
  EXPECT_FALSE(BearerMatches("Bearer abc", ""));
  EXPECT_FALSE(BearerMatches("Bearer", "abc"));
  EXPECT_FALSE(BearerMatches("Bearerabc", "abc"));
  EXPECT_FALSE(BearerMatches("Bearer abcd", "abc"));
  EXPECT_FALSE(BearerMatches("", "abc"));
}

}  // namespace
}  // namespace vetted::server

namespace vetted::server {
namespace {

// While the store is out of space (SetStoreFull), a 5xx of a route that needs
// the database becomes a 503 that says the disk is full, with Retry-After; a
// handler's own 503 keeps its body; other answers, and routes that do not need
// the database, are untouched; nothing changes once there is room again.
TEST(RouterStoreFull, A5xxOfAStoreRouteBecomesA503WithRetryAfter) {
  Router router;
  auto answer = [](int status, std::string body) {
    return [status, body](Request&&, const PathMatch&, Respond respond) {
      Response res;
      res.status = status;
      res.body = body;
      respond(std::move(res));
    };
  };
  ASSERT_TRUE(
      router.Add({kPost, "/api/feedback", Access::kPublic, 1024, answer(500, "store failed"), 0, true}).ok());
  ASSERT_TRUE(router.Add({kPost, "/api/own", Access::kPublic, 1024, answer(503, "own words"), 0, true}).ok());
  ASSERT_TRUE(router.Add({kPost, "/form", Access::kPublic, 1024, answer(500, "store failed"), 0, true}).ok());
  ASSERT_TRUE(router.Add({kPost, "/fine", Access::kPublic, 1024, answer(201, "stored"), 0, true}).ok());
  ASSERT_TRUE(router.Add({kGet, "/page", Access::kPublic, kNoBody, answer(500, "render failed")}).ok());
  bool full = true;
  router.SetStoreHealth([](bool) { return false; });
  router.SetStoreFull([&full] { return full; });
  auto call = [&router](std::string method, std::string target) {
    Response out;
    Request req;
    req.method = std::move(method);
    req.target = std::move(target);
    router.Handle(std::move(req), [&out](Response res) { out = std::move(res); });
    return out;
  };

  Response api = call("POST", "/api/feedback");
  EXPECT_EQ(api.status, 503);
  EXPECT_EQ(api.route, "store_full");
  EXPECT_EQ(api.Header("Retry-After"), "30");
  EXPECT_EQ(api.Header("Content-Type"), "application/json");
  EXPECT_NE(api.body.find("\"error\":\"store_full\""), std::string::npos) << api.body;
  EXPECT_NE(api.body.find("disk is full"), std::string::npos) << api.body;

  Response own = call("POST", "/api/own");
  EXPECT_EQ(own.status, 503);
  EXPECT_EQ(own.body, "own words");
  EXPECT_EQ(own.Header("Retry-After"), "30");

  Response form = call("POST", "/form");
  EXPECT_EQ(form.status, 503);
  EXPECT_NE(form.body.find("disk is full"), std::string::npos) << form.body;

  EXPECT_EQ(call("POST", "/fine").status, 201);
  EXPECT_EQ(call("GET", "/page").status, 500);  // does not need the database

  full = false;
  Response later = call("POST", "/api/feedback");
  EXPECT_EQ(later.status, 500);
  EXPECT_EQ(later.body, "store failed");
}

}  // namespace
}  // namespace vetted::server
