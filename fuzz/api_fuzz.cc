// The article API's request bodies (src/server/admin/articles.cc) through the
// App with a signed-in account (newsroom_harness.h): the first byte picks a
// route, the rest is its JSON body ("$ID", "$REV" and "$CSRF" replaced as in
// app_fuzz). No crash, no sanitizer report, no 5xx, every answer JSON, and the
// audit chain verifies afterwards.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "fuzz/newsroom_harness.h"
#include "store/workflow.h"

using vetted::fuzz::Require;

namespace {

struct ApiRoute {
  const char* method;
  const char* target;
};
constexpr ApiRoute kRoutes[] = {
    {"POST", "/admin/api/articles"},
    {"PUT", "/admin/api/articles/$ID"},
    {"POST", "/admin/api/articles/$ID/submit"},
    {"POST", "/admin/api/articles/$ID/approve"},
    {"POST", "/admin/api/articles/$ID/request-changes"},
    {"POST", "/admin/api/articles/$ID/publish"},
    {"POST", "/admin/api/articles/$ID/unpublish"},
    {"PUT", "/admin/api/articles/1"},
    {"POST", "/admin/api/articles/1/publish"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const ApiRoute& route = kRoutes[data[0] % std::size(kRoutes)];
  static std::unique_ptr<vetted::fuzz::Newsroom> keep;
  keep.reset();
  keep = vetted::fuzz::OpenNewsroom();
  vetted::fuzz::Newsroom& n = *keep;
  vetted::server::Request req;
  req.method = route.method;
  req.target = route.target;
  req.headers = {{"Content-Type", "application/json"}};
  req.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  vetted::server::Response res = vetted::fuzz::Send(n, std::move(req));
  Require(res.status >= 200 && res.status < 500, "api_fuzz", "status 2xx to 4xx");
  Require(nlohmann::json::accept(res.Body()), "api_fuzz", "the answer is JSON");
  // Read from the store: the request may have ended the session (sign-out, a password change).
  auto check = n.store->Workflow()->VerifyAudit();
  Require(check.ok() && check->intact, "api_fuzz", "the audit chain verifies");
  keep.reset();
  return 0;
}
