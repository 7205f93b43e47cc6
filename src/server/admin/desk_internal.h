// Internal to server/admin/desk*.cc: what the desk's pages and its mail share.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "newsroom/newsroom.h"
#include "server/admin/desk_routes.h"
#include "server/admin/internal.h"

namespace vetted::server::admin {

inline constexpr int kDueSoonDays = 30;

struct DeskState {
  App::Impl& app;
  std::unique_ptr<newsroom::Tickets> tickets;
};

// One published article's review dates (render::ReviewOf, as its page shows them).
struct DueItem {
  std::string url, title, path;
  int64_t id = 0;  // the newsroom's article id; 0 for an article from a folder
  std::vector<std::string> authors;
  std::string last_reviewer;     // person id of the latest review; "" when never reviewed
  Date last_reviewed, next_due;  // empty when never reviewed
  long days_left = 0;            // next_due - today (negative: overdue)
  bool Never() const { return last_reviewed.empty(); }
  bool Overdue() const { return !Never() && days_left < 0; }
  bool Soon() const { return !Never() && days_left >= 0 && days_left <= kDueSoonDays; }
};

// Every published article of the served site with its review dates, most
// urgent first (overdue, then by date; never reviewed last).
std::vector<DueItem> DueItems(App::Impl& app);
// Today (the app's clock) as a date.
Date Today(const App::Impl& app);

// What the home page and the mail show one person.
struct PersonLists {
  newsroom::Desk desk;
  std::vector<DueItem> due;  // their articles (written, or last reviewed by them) overdue or due soon
  bool Empty() const { return desk.to_review.empty() && desk.changes_requested.empty() && due.empty(); }
};
Result<PersonLists> ListsFor(App::Impl& app, const newsroom::Actor& actor, const std::vector<DueItem>& due);

// The actor for an account record.
newsroom::Actor ActorOf(const store::AccountRecord& a);

// "/admin/articles/{id}" link text, relative from `up`, or the public URL for a folder article.
std::string ArticleLink(const DueItem& item, std::string_view up);
std::string Esc(std::string_view s);

// The plain-text digest mailed to one account (Subject line included).
std::string MailMessage(const std::string& to, const PersonLists& lists);
// Starts the daily mailer when app.options.mail_command is set (app.desk keeps it).
void StartMailer(App::Impl& app, std::shared_ptr<DeskState> state);

// Route handlers (desk_feedback.cc, desk_tickets.cc).
Response FeedbackPage(DeskState& state, const Request& req);
Response FeedbackArticlePage(DeskState& state, const Request& req);
Response TicketsPage(DeskState& state, const Request& req);
Response TicketPage(DeskState& state, const Request& req, std::string_view id);
Response PostTicket(DeskState& state, const Request& req, std::string_view id);

}  // namespace vetted::server::admin
