// The desk: each person's home page and the review-due lists (desk_routes.h).
#include <algorithm>
#include <set>

#include "render/render.h"
#include "server/admin/desk_internal.h"

namespace vetted::server {
namespace admin {

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

Date Today(const App::Impl& app) {
  std::string now = util::FormatIsoUtc(app.options.clock->NowSeconds());
  return Date::Parse(now.substr(0, 10)).value_or(Date{});
}

std::vector<DueItem> DueItems(App::Impl& app) {
  std::shared_ptr<const Content> content = app.Current();
  std::map<std::string, int64_t> ids;  // source path -> newsroom id
  if (store::WorkflowStore* wf = app.store.Workflow()) {
    (void)wf->Read([&](store::WorkflowTx& tx) {
      Result<std::vector<store::WfArticle>> all = tx.Articles();
      if (!all.ok()) return all.status();
      for (const store::WfArticle& a : *all) ids[a.path] = a.id;
      return Status::Ok();
    });
  }
  const Date today = Today(app);
  std::vector<DueItem> out;
  for (const Article& a : content->site.articles) {
    DueItem item;
    item.url = a.url;
    item.title = a.title;
    item.path = a.file;
    item.authors = a.authors;
    if (auto it = ids.find(a.file); it != ids.end()) item.id = it->second;
    render::ReviewState review = render::ReviewOf(content->site, a);  // the page's own dates
    if (review.latest != nullptr && review.latest->date.complete()) {
      item.last_reviewer = review.latest->by;
      item.last_reviewed = review.latest->date;
      item.next_due = review.next_due;
      item.days_left = item.next_due.DaysSinceEpoch() - today.DaysSinceEpoch();
    }
    out.push_back(std::move(item));
  }
  std::stable_sort(out.begin(), out.end(), [](const DueItem& a, const DueItem& b) {
    if (a.Never() != b.Never()) return !a.Never();
    return a.days_left < b.days_left;
  });
  return out;
}

newsroom::Actor ActorOf(const store::AccountRecord& a) {
  return {a.id, a.email, a.person_id, a.roles};
}

Result<PersonLists> ListsFor(App::Impl& app, const newsroom::Actor& actor, const std::vector<DueItem>& due) {
  PersonLists lists;
  Result<newsroom::Desk> desk = newsroom::DeskOf(app.store, actor);
  if (!desk.ok()) return desk.status();
  lists.desk = std::move(*desk);
  if (!actor.person_id.empty()) {
    for (const DueItem& item : due) {
      bool theirs =
          item.last_reviewer == actor.person_id ||
          std::find(item.authors.begin(), item.authors.end(), actor.person_id) != item.authors.end();
      if (theirs && (item.Overdue() || item.Soon())) lists.due.push_back(item);
    }
  }
  return lists;
}

std::string ArticleLink(const DueItem& item, std::string_view up) {
  std::string title = item.title.empty() ? item.url : item.title;
  if (item.id != 0)
    return "<a href=\"" + std::string(up) + "articles/" + std::to_string(item.id) + "\">" + Esc(title) +
           "</a>";
  return Esc(title) + " <span class=\"admin-help\">(" + Esc(item.path) + ", from a folder)</span>";
}

namespace {

std::string WhenDue(const DueItem& item) {
  if (item.Never()) return "never reviewed";
  std::string date = item.next_due.Long();
  if (item.days_left < 0) return "overdue since " + date + " (" + std::to_string(-item.days_left) + " days)";
  if (item.days_left == 0) return "due today";
  return "due " + date + " (in " + std::to_string(item.days_left) + " days)";
}

std::string NothingOr(const std::string& items) {
  return items.empty() ? "<p>Nothing here.</p>\n" : "<ul>\n" + items + "</ul>\n";
}

std::string SummaryItems(const std::vector<newsroom::ArticleSummary>& list, std::string_view up) {
  std::string out;
  for (const newsroom::ArticleSummary& s : list)
    out += "<li><a href=\"" + std::string(up) + "articles/" + std::to_string(s.article.id) + "\">" +
           Esc(s.title.empty() ? s.article.path : s.title) + "</a></li>\n";
  return out;
}

std::string DueListItems(const std::vector<DueItem>& list, std::string_view up) {
  std::string out;
  for (const DueItem& item : list)
    out += "<li>" + ArticleLink(item, up) + ": " + Esc(WhenDue(item)) + "</li>\n";
  return out;
}

Response Home(DeskState& state, const Request& req) {
  const newsroom::Actor& actor = req.actor;
  std::string roles = actor.roles ? newsroom::RoleList(actor.roles) : "none";
  std::string html = "<h1>Newsroom</h1>\n<p>Signed in as <strong>" + Esc(actor.email) +
                     "</strong>. Roles: " + Esc(roles) + ".</p>\n";
  if (!actor.person_id.empty())
    html += "<p>Your work appears under the person profile <code>" + Esc(actor.person_id) + "</code>.</p>\n";
  Result<PersonLists> lists = ListsFor(state.app, actor, DueItems(state.app));
  if (!lists.ok())
    return Refuse(req, 500, "Reading your lists failed: " + lists.status().message(), "admin_home");
  html += "<h2>Waiting for your review</h2>\n" + NothingOr(SummaryItems(lists->desk.to_review, ""));
  html += "<h2>Changes requested</h2>\n" + NothingOr(SummaryItems(lists->desk.changes_requested, ""));
  html += "<h2>Due soon</h2>\n" + NothingOr(DueListItems(lists->due, ""));
  html +=
      "<h2>Your account</h2>\n<ul>\n<li><a href=\"password\">Change your password</a></li>\n"
      "<li><a href=\"two-factor\">Two-step sign-in</a></li>\n</ul>\n";
  return HtmlResponse(200, Page("Newsroom", actor, req.csrf, html), "admin_home");
}

std::string DueTable(const std::vector<DueItem>& list, std::string_view caption) {
  if (list.empty()) return "<p>Nothing here.</p>\n";
  std::string out = "<table class=\"admin-table\">\n<caption>" + Esc(caption) +
                    "</caption>\n<thead><tr><th scope=\"col\">Article</th><th scope=\"col\">Last "
                    "reviewed</th><th scope=\"col\">By</th><th scope=\"col\">Next review</th></tr></thead>\n"
                    "<tbody>\n";
  for (const DueItem& item : list)
    out += "<tr><td>" + ArticleLink(item, "") + "</td><td>" +
           Esc(item.Never() ? "never" : item.last_reviewed.Long()) + "</td><td>" + Esc(item.last_reviewer) +
           "</td><td>" + Esc(WhenDue(item)) + "</td></tr>\n";
  return out + "</tbody>\n</table>\n";
}

std::string ReviewerQueues(DeskState& state, const std::vector<DueItem>& due) {
  store::AccountStore* accounts = state.app.store.Accounts();
  if (accounts == nullptr) return "<p>Nothing here.</p>\n";
  Result<std::vector<store::AccountRecord>> all = accounts->ListAccounts();
  if (!all.ok()) return Alert("Reading the accounts failed: " + all.status().message());
  std::string out;
  for (const store::AccountRecord& a : *all) {
    if (a.disabled || (a.roles & newsroom::kReviewer) == 0) continue;
    newsroom::Actor actor = ActorOf(a);
    Result<newsroom::Desk> desk = newsroom::DeskOf(state.app.store, actor);
    if (!desk.ok()) return Alert("Reading the queues failed: " + desk.status().message());
    std::vector<DueItem> last;
    for (const DueItem& item : due)
      if (!actor.person_id.empty() && item.last_reviewer == actor.person_id &&
          (item.Overdue() || item.Soon()))
        last.push_back(item);
    std::string name = a.person_id.empty() ? a.email : a.email + " (" + a.person_id + ")";
    out += "<h3>" + Esc(name) + "</h3>\n<p>In review, waiting for them:</p>\n" +
           NothingOr(SummaryItems(desk->to_review, "")) +
           "<p>Reviewed last by them, due within 30 days or overdue:</p>\n" +
           NothingOr(DueListItems(last, ""));
  }
  return out.empty() ? "<p>Nothing here.</p>\n" : out;
}

Response DuePage(DeskState& state, const Request& req) {
  std::vector<DueItem> due = DueItems(state.app);
  std::vector<DueItem> overdue, soon, never;
  for (const DueItem& item : due) {
    if (item.Overdue()) overdue.push_back(item);
    if (item.Soon()) soon.push_back(item);
    if (item.Never()) never.push_back(item);
  }
  const Content& c = *state.app.Current();
  std::string html =
      "<h1>Review due</h1>\n<p>Every published article, from the newsroom or from a folder. The next review "
      "is "
      "due " +
      Esc(c.site.config.review_interval) +
      " after the last medical review (the site's <code>review_interval</code>), as the article page shows "
      "it. Today is " +
      Esc(Today(state.app).Long()) + ".</p>\n";
  html += "<h2>Overdue</h2>\n" + DueTable(overdue, "Overdue: " + std::to_string(overdue.size()));
  html +=
      "<h2>Due within 30 days</h2>\n" + DueTable(soon, "Due within 30 days: " + std::to_string(soon.size()));
  html += "<h2>Never reviewed</h2>\n" + DueTable(never, "Never reviewed: " + std::to_string(never.size()));
  html += "<h2>Reviewers' queues</h2>\n" + ReviewerQueues(state, due);
  return HtmlResponse(200, Page("Review due", req.actor, req.csrf, html), "admin_due");
}

}  // namespace
}  // namespace admin

Status AddDeskRoutes(Router& router, App::Impl& app) {
  if (app.store.Workflow() == nullptr) return Status::Ok();
  auto state = std::make_shared<admin::DeskState>(admin::DeskState{app, nullptr});
  state->tickets = std::make_unique<newsroom::Tickets>(app.store, app.options.clock);
  using admin::DeskState;
  auto answer = [state](Response (*fn)(DeskState&, const Request&)) {
    return [state, fn](Request&& req, const PathMatch&, Respond respond) { respond(fn(*state, req)); };
  };
  constexpr size_t kFormLimit = 8 * 1024;
  const uint8_t makers = newsroom::kWriter | newsroom::kReviewer | newsroom::kEditor;
  std::vector<Route> routes = {
      {kGet, "/admin/", Access::kSignedIn, kNoBody, answer(admin::Home)},
      {kGet, "/admin/due", Access::kSignedIn, kNoBody, answer(admin::DuePage)},
      {kGet, "/admin/feedback", Access::kWriter, kNoBody, answer(admin::FeedbackPage), makers},
      {kGet, "/admin/feedback/article", Access::kWriter, kNoBody, answer(admin::FeedbackArticlePage), makers},
      {kGet, "/admin/tickets", Access::kWriter, kNoBody, answer(admin::TicketsPage), makers},
      {kGet, "/admin/tickets/{ticket}", Access::kWriter, kNoBody,
       [state](Request&& req, const PathMatch& m, Respond respond) {
         respond(admin::TicketPage(*state, req, m.Param("ticket")));
       },
       makers},
      {kPost, "/admin/tickets/{ticket}", Access::kWriter, kFormLimit,
       [state](Request&& req, const PathMatch& m, Respond respond) {
         respond(admin::PostTicket(*state, req, m.Param("ticket")));
       },
       makers},
  };
  for (Route& r : routes)
    if (Status s = router.Add(std::move(r)); !s.ok()) return s;
  admin::StartMailer(app, state);
  return Status::Ok();
}

}  // namespace vetted::server
