// A whole request through the App with a signed-in account (newsroom_harness.h):
// the input is an HTTP request (head as a browser sends it, then the body),
// read by the server's own head parser; the harness adds the session's cookie,
// CSRF token, Origin and Host unless the input has them, and replaces "$CSRF",
// "$ID" and "$REV" with the session's token, the draft's id and its revision.
// Whatever the request: no crash or sanitizer report, no 5xx answer (a
// hostile request is the client's error, never the server's), header values
// without CR, LF or NUL, and afterwards the audit log's chain still verifies.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "fuzz/newsroom_harness.h"
#include "server/http_parse.h"
#include "store/workflow.h"

using vetted::fuzz::Require;

namespace {

void CheckResponse(const vetted::server::Response& res) {
  Require(res.status >= 100 && res.status < 500, "app_fuzz", "status below 500");
  for (const auto& [k, v] : res.headers) {
    Require(!k.empty(), "app_fuzz", "header name not empty");
    Require(v.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos, "app_fuzz",
            "header value without CR, LF or NUL");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  vetted::server::RequestHead head;
  if (vetted::server::ParseRequestHead(in, head).state != vetted::server::ParseState::kComplete) return 0;
  if (head.target == "*") return 0;
  static std::unique_ptr<vetted::fuzz::Newsroom> keep;  // freed before the next input is made
  keep.reset();
  keep = vetted::fuzz::OpenNewsroom();
  vetted::fuzz::Newsroom& n = *keep;
  vetted::server::Request req;
  req.method = head.method;
  req.target = head.target;
  req.headers = head.headers;
  req.body = std::string(in.substr(head.head_bytes));
  // The listener refuses a body over the route's limit (413) before the App sees it.
  if (req.body.size() > n.app->BodyLimit(req.method, req.target) && !req.body.empty()) return 0;
  CheckResponse(vetted::fuzz::Send(n, std::move(req)));
  // Read from the store: the request may have ended the session (sign-out, a password change).
  auto check = n.store->Workflow()->VerifyAudit();
  Require(check.ok() && check->intact, "app_fuzz", "the audit chain verifies");
  keep.reset();
  return 0;
}
