// The database goes away while the server runs (Router::SetStoreHealth):
// pages are still served from memory, what needs the database answers 503
// with Retry-After (never a 500, never an acknowledgement that was not
// stored), /healthz says so, and all of it works again once it is back.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "load/load.h"
#include "server/app.h"
#include "store/open.h"

namespace vetted::server {
namespace {

using namespace std::chrono_literals;

// A store that forwards to another and, while `down`, fails every call with
// kIo as a database that cannot be reached does.
class SwitchableStore : public store::Store {
 public:
  explicit SwitchableStore(std::unique_ptr<store::Store> inner) : inner_(std::move(inner)) {}
  std::atomic<bool> down{false};

  Result<store::ImportReport> Import(const store::ImportInput& input) override {
    if (down) return Gone();
    return inner_->Import(input);
  }
  Result<store::Snapshot> Load() override {
    if (down) return Gone();
    return inner_->Load();
  }
  Result<int64_t> Generation() override {
    if (down) return Gone();
    return inner_->Generation();
  }
  Result<store::Changes> ChangesSince(int64_t generation) override {
    if (down) return Gone();
    return inner_->ChangesSince(generation);
  }
  Result<store::SearchResults> Search(const store::SearchQuery& query) override {
    if (down) return Gone();
    return inner_->Search(query);
  }
  Result<std::vector<std::string>> Related(const std::string& url, size_t limit) override {
    if (down) return Gone();
    return inner_->Related(url, limit);
  }
  std::vector<Result<int64_t>> AddFeedback(const std::vector<store::NewFeedback>& batch) override {
    if (down) return std::vector<Result<int64_t>>(batch.size(), Gone());
    return inner_->AddFeedback(batch);
  }
  Result<std::vector<store::FeedbackRecord>> ListFeedback() override {
    if (down) return Gone();
    return inner_->ListFeedback();
  }
  Result<std::vector<store::RevisionInfo>> Revisions(const std::string& path) override {
    if (down) return Gone();
    return inner_->Revisions(path);
  }
  Result<std::string> RevisionBytes(const std::string& path, const std::string& revision) override {
    if (down) return Gone();
    return inner_->RevisionBytes(path, revision);
  }
  // The newsroom's parts as they are: the router refuses their routes while `down`.
  store::AccountStore* Accounts() override { return inner_->Accounts(); }
  store::WorkflowStore* Workflow() override { return inner_->Workflow(); }

 private:
  static Status Gone() { return Status::Io("postgresql: cannot connect: connection refused"); }
  std::unique_ptr<store::Store> inner_;
};

store::ImportInput Site() {
  store::ImportInput in;
  in.files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://example.org/\"\n"},
      {"content/sleep/_section.md", "---\ntitle: Sleep\ndescription: About sleep.\n---\n"},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
  };
  std::string body = "\nShort naps help. Long ones can keep you awake.\n";
  std::string text =
      "---\ntitle: Naps\ndescription: When a nap helps.\nauthors: [wendy]\npublished: 2026-01-10\n---\n" +
      body;
  std::vector<Diagnostic> ignored;
  std::string revision = load::ParseArticle(text, "content/sleep/naps.md", ignored).revision;
  in.articles.push_back({"content/sleep/naps.md",
                         "/sleep/naps/",
                         revision,
                         text,
                         {"Naps", "When a nap helps.", "", body, "/sleep/", ""},
                         ""});
  return in;
}

class OutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> inner = store::Open("memory:");
    ASSERT_TRUE(inner.ok());
    store_ = std::make_unique<SwitchableStore>(std::move(*inner));
    ASSERT_TRUE(store_->Import(Site()).ok());
    AppOptions options;
    options.reload_poll = 5ms;
    Result<std::unique_ptr<App>> app = App::Open(*store_, options, nullptr, [this](const std::string& line) {
      std::lock_guard lock(log_mu_);
      log_ += line + "\n";
    });
    ASSERT_TRUE(app.ok()) << static_cast<int>(app.status().code()) << " " << app.status().message();
    app_ = std::move(*app);
    for (int i = 0; i < 500 && !app_->ready(); ++i) std::this_thread::sleep_for(10ms);
  }
  void TearDown() override {
    app_.reset();
    store_.reset();
  }

  Response Call(const std::string& method, const std::string& target, Fields headers = {},
                std::string body = "") {
    Request req;
    req.method = method;
    req.target = target;
    req.headers = std::move(headers);
    req.body = std::move(body);
    req.client = "192.0.2.9";
    auto promise = std::make_shared<std::promise<Response>>();
    std::future<Response> future = promise->get_future();
    app_->Handle(std::move(req), [promise](Response res) { promise->set_value(std::move(res)); });
    if (future.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "no response within 10 s";
      return Response{.status = 0};
    }
    return future.get();
  }
  Response PostFeedback() {
    return Call("POST", "/api/feedback", {{"Content-Type", "application/json"}},
                R"({"article": "/sleep/naps/", "helpful": true, "category": "helpful", "comment": ""})");
  }
  // Waits until /healthz says the database is `state` ("ok" or "unreachable").
  bool HealthSays(const std::string& state) {
    for (int i = 0; i < 300; ++i) {
      if (Call("GET", "/healthz").body.find("\"database\":\"" + state + "\"") != std::string::npos)
        return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  std::string Log() {
    std::lock_guard lock(log_mu_);
    return log_;
  }

  std::unique_ptr<SwitchableStore> store_;
  std::unique_ptr<App> app_;
  std::mutex log_mu_;
  std::string log_;
};

TEST_F(OutageTest, PagesStayWritesAnswer503UntilTheDatabaseIsBack) {
  ASSERT_EQ(PostFeedback().status, 201);
  ASSERT_TRUE(HealthSays("ok"));

  store_->down = true;
  ASSERT_TRUE(HealthSays("unreachable"));
  EXPECT_EQ(Call("GET", "/healthz").status, 200);  // the node still serves pages: keep it in the pool
  Response page = Call("GET", "/sleep/naps/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.Body().find("Short naps help."), std::string::npos);
  for (Response r : {PostFeedback(), Call("GET", "/search?q=naps"), Call("GET", "/api/search?q=naps"),
                     Call("GET", "/admin/login")}) {
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.Header("Retry-After"), "5");
    EXPECT_NE(r.Body().find("cannot be reached just now"), std::string::npos) << r.Body();
  }
  size_t stored_during = 0;
  store_->down = false;
  ASSERT_TRUE(HealthSays("ok"));
  Result<std::vector<store::FeedbackRecord>> all = store_->ListFeedback();
  ASSERT_TRUE(all.ok());
  stored_during = all->size();
  EXPECT_EQ(stored_during, 1u);  // the refused post was not stored, and was not acknowledged either
  EXPECT_EQ(PostFeedback().status, 201);
  EXPECT_EQ(Call("GET", "/api/search?q=naps").status, 200);
  std::string log = Log();
  EXPECT_NE(log.find("database unreachable ("), std::string::npos) << log;
  EXPECT_NE(log.find("database reachable again"), std::string::npos) << log;
}

TEST_F(OutageTest, AFailureWhileTheHandlerRunsBecomes503) {
  // The database goes away between the poller's look and the request: the
  // handler's failure is answered as a 503 the client may retry, not a 500.
  ASSERT_TRUE(HealthSays("ok"));
  store_->down = true;
  Response r = PostFeedback();
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.Header("Retry-After"), "5");
  store_->down = false;
}

}  // namespace
}  // namespace vetted::server
