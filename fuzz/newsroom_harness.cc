// The fuzz targets' newsroom (newsroom_harness.h).
#include "fuzz/newsroom_harness.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "load/load.h"
#include "newsroom/newsroom.h"
#include "store/open.h"

namespace vetted::fuzz {
namespace {

const std::string kPassword = "tram-lamp-orbit";

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "newsroom_harness: %s\n", what.c_str());
  std::abort();
}

store::ImportInput TinySite() {
  std::string file =
      "---\ntitle: Sleep\ndescription: About sleep.\nauthors: [wendy]\npublished: 2026-01-10\n"
      "references:\n  - id: smith2020\n    type: article-journal\n    title: A study\n---\n\n"
      "Sleep matters [@smith2020].\n\n## Why\n\nBecause.\n";
  store::ImportInput in;
  in.files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
      {"people/rita.md", "---\nname: Rita Reviewer\nroles: [medical-reviewer]\nsummary: A doctor.\n---\n"},
      {"glossary.yaml", "insomnia: Trouble sleeping.\n"},
      {"references.json", "[{\"id\": \"doe2019\", \"type\": \"book\", \"title\": \"Sleep\"}]"}};
  std::vector<Diagnostic> diagnostics;
  store::ArticleSource a;
  a.path = "content/sleep.md";
  a.url = "/sleep/";
  a.revision = load::ParseArticle(file, a.path, diagnostics).revision;
  a.bytes = file;
  a.search.title = "Sleep";
  in.articles.push_back(a);
  return in;
}

void Replace(std::string& s, std::string_view from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

bool Has(const server::Request& req, std::string_view name) {
  for (const auto& [k, v] : req.headers)
    if (k.size() == name.size() && util::ToLower(k) == util::ToLower(name)) return true;
  return false;
}

}  // namespace

std::unique_ptr<Newsroom> OpenNewsroom() {
  auto n = std::make_unique<Newsroom>();
  Result<std::unique_ptr<store::Store>> s = store::Open("memory:");
  if (!s.ok()) Fail("store: " + s.status().message());
  n->store = std::move(*s);
  if (auto st = n->store->Import(TinySite()); !st.ok()) Fail("import: " + st.status().message());
  server::AppOptions options;
  options.reload_poll = std::chrono::hours(1);
  options.clock = &n->clock;
  options.password_cost = newsroom::kTestPasswordCost;
  auto app = server::App::Open(*n->store, options, nullptr, nullptr);
  if (!app.ok()) Fail("app: " + app.status().message());
  n->app = std::move(*app);
  newsroom::AccountsOptions ao;
  ao.clock = &n->clock;
  ao.cost = newsroom::kTestPasswordCost;
  newsroom::Accounts accounts(*n->store->Accounts(), ao);
  uint8_t all = newsroom::kWriter | newsroom::kReviewer | newsroom::kEditor | newsroom::kAdmin;
  if (auto added = accounts.Add("ed@x.org", all, "wendy", kPassword); !added.ok())
    Fail("account: " + added.status().message());
  Result<newsroom::SignInResult> in = accounts.SignIn("ed@x.org", kPassword, "192.0.2.1");
  if (!in.ok() || in->outcome != newsroom::SignInResult::kOk) Fail("sign-in");
  n->cookie = "vetted-session=" + in->session.token;
  n->csrf = in->session.csrf;
  server::Request req;
  req.method = "POST";
  req.target = "/admin/api/articles";
  req.headers = {{"Content-Type", "application/json"}};
  req.body = nlohmann::json{{"path", "content/draft.md"},
                            {"source",
                             "---\ntitle: Draft\ndescription: A draft.\nauthors: [wendy]\n---\n\n"
                             "Some words about insomnia [@doe2019].\n"}}
                 .dump();
  server::Response created = Send(*n, std::move(req));
  if (created.status != 201) Fail("draft: " + std::to_string(created.status) + " " + created.Body());
  nlohmann::json c = nlohmann::json::parse(created.Body(), nullptr, false);
  if (!c.is_object() || !c.contains("id") || !c.contains("revision")) Fail("draft: " + created.Body());
  n->article_id = c["id"].is_string() ? c["id"].get<std::string>() : c["id"].dump();
  n->revision = c["revision"].is_string() ? c["revision"].get<std::string>() : c["revision"].dump();
  return n;
}

server::Response Send(Newsroom& n, server::Request req) {
  for (std::string* s : {&req.body, &req.target}) {
    Replace(*s, "$CSRF", n.csrf);
    Replace(*s, "$ID", n.article_id);
    Replace(*s, "$REV", n.revision);
  }
  if (!Has(req, "Host")) req.headers.emplace_back("Host", kHost);
  if (!Has(req, "Origin")) req.headers.emplace_back("Origin", kOrigin);
  if (!Has(req, "Cookie")) req.headers.emplace_back("Cookie", n.cookie);
  if (!Has(req, "X-CSRF-Token")) req.headers.emplace_back("X-CSRF-Token", n.csrf);
  if (req.client.empty()) req.client = "192.0.2.1";
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  server::Response out;
  n.app->Handle(std::move(req), [&](server::Response res) {
    std::lock_guard<std::mutex> lock(mu);
    out = std::move(res);
    done = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu);
  if (!cv.wait_for(lock, std::chrono::seconds(5), [&] { return done; })) Fail("no answer within 5 s");
  return out;
}

}  // namespace vetted::fuzz
