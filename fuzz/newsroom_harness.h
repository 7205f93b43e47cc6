// The newsroom as the fuzz targets app_fuzz and api_fuzz drive it: a memory
// store with a tiny published site, an App over it (as src/server/admin/*_test.cc
// open one), one account with every role (writer, reviewer, editor, admin)
// signed in, and one draft article it wrote. Made afresh for each input, so
// that an input that crashes does so again when replayed alone.
#pragma once

#include <memory>
#include <string>

#include "server/app.h"
#include "server/server.h"
#include "store/store.h"
#include "util/util.h"

namespace vetted::fuzz {

inline const std::string kHost = "127.0.0.1:8080";
inline const std::string kOrigin = "http://127.0.0.1:8080";

struct Newsroom {
  util::FixedClock clock{1'800'000'000};
  std::unique_ptr<store::Store> store;
  std::unique_ptr<server::App> app;
  std::string cookie;      // "vetted-session=<token>"
  std::string csrf;        // the session's CSRF token
  std::string article_id;  // a draft by the signed-in account ("1")
  std::string revision;    // its revision
};

// Opens it all; aborts with a message when any step fails (a broken harness
// must not pass for a clean run).
std::unique_ptr<Newsroom> OpenNewsroom();

// Sends a request to the App's handler and waits for the answer (feedback is
// answered from another thread). Adds Host, Origin, the session's Cookie and
// X-CSRF-Token unless `req` has them; "$CSRF" in the body or target becomes
// the session's token, "$ID" the draft's id and "$REV" its revision.
server::Response Send(Newsroom& n, server::Request req);

}  // namespace vetted::fuzz
