// Readers' error reports as tickets: the list, one ticket with a word diff
// from the revision the reader saw to today's, and its state form.
#include "server/admin/desk_internal.h"
#include "server/admin/word_diff.h"

namespace vetted::server::admin {
namespace {

std::string StateWords(const store::Ticket& t, store::AccountStore* accounts) {
  if (t.state != "assigned") return t.state;
  std::string who = "account " + std::to_string(t.assignee);
  if (accounts != nullptr)
    if (Result<store::AccountRecord> a = accounts->GetAccount(t.assignee); a.ok()) who = a->email;
  return "assigned to " + who;
}

Result<int64_t> TicketId(std::string_view text) {
  int64_t id = 0;
  if (text.empty() || text.size() > 15) return Status::NotFound("no such ticket");
  for (char c : text) {
    if (c < '0' || c > '9') return Status::NotFound("no such ticket");
    id = id * 10 + (c - '0');
  }
  return id;
}

// The text of the live revision of the article at `path`; "" when none.
std::string LiveSource(store::Store& store, const std::string& path, std::string* revision) {
  Result<std::vector<store::RevisionInfo>> revisions = store.Revisions(path);
  if (!revisions.ok()) return "";
  for (const store::RevisionInfo& r : *revisions) {
    if (!r.current) continue;
    *revision = r.revision;
    Result<std::string> bytes = store.RevisionBytes(path, r.revision);
    return bytes.ok() ? *bytes : "";
  }
  return "";
}

int64_t NewsroomId(store::Store& store, const std::string& path) {
  int64_t id = 0;
  (void)store.Workflow()->Read([&](store::WorkflowTx& tx) {
    Result<std::vector<store::WfArticle>> all = tx.Articles();
    if (!all.ok()) return all.status();
    for (const store::WfArticle& a : *all)
      if (a.path == path) id = a.id;
    return Status::Ok();
  });
  return id;
}

std::string StateForm(const Request& req, const store::Ticket& t) {
  if (t.state == "resolved" || t.state == "dismissed") return "";
  std::string form =
      "<h2>Change its state</h2>\n<form class=\"admin-form\" method=\"post\" action=\"" +
      std::to_string(t.id) + "\">\n<input type=\"hidden\" name=\"csrf\" value=\"" + Esc(req.csrf) +
      "\">\n<label for=\"note\">Note</label>\n<textarea id=\"note\" name=\"note\" rows=\"3\" "
      "aria-describedby=\"note-help\"></textarea>\n<p id=\"note-help\" class=\"admin-help\">To resolve "
      "or dismiss, say what was fixed or why the report is not right.</p>\n";
  if (req.actor.Has(newsroom::kWriter) || req.actor.Has(newsroom::kEditor))
    form += "<button type=\"submit\" name=\"action\" value=\"assign\">Assign to me</button>\n";
  if (req.actor.Has(newsroom::kEditor))
    form +=
        "<button type=\"submit\" name=\"action\" value=\"resolve\">Resolve</button>\n"
        "<button type=\"submit\" name=\"action\" value=\"dismiss\">Dismiss</button>\n";
  return form + "</form>\n";
}

Response ShowTicket(DeskState& state, const Request& req, const store::Ticket& t, int status,
                    std::string_view alert) {
  store::Store& store = state.app.store;
  std::string html =
      "<h1>Ticket " + std::to_string(t.id) + "</h1>\n<p><a href=\"../tickets\">All tickets</a></p>\n";
  std::string done = QueryValue(req.Query(), "done");
  if (status == 200 && !done.empty()) {
    std::string what = done == "assign"    ? "The ticket is assigned to you."
                       : done == "resolve" ? "The ticket is resolved."
                                           : "The ticket is dismissed.";
    html += "<p class=\"admin-note\" role=\"status\">" + Esc(what) + "</p>\n";
  }
  html += Alert(alert);
  std::shared_ptr<const Content> content = state.app.Current();
  auto live = content->articles.find(t.article_url);
  std::string title = live != content->articles.end() ? live->second->title : t.article_url;
  int64_t article_id = NewsroomId(store, t.article_path);
  html +=
      "<dl class=\"admin-facts\">\n<dt>State</dt><dd>" + Esc(StateWords(t, store.Accounts())) +
      "</dd>\n<dt>Article</dt><dd>" +
      (article_id != 0 ? "<a href=\"../articles/" + std::to_string(article_id) + "\">" + Esc(title) + "</a>"
                       : Esc(title) + " (" + Esc(t.article_path) + ", from a folder)") +
      "</dd>\n<dt>Reported</dt><dd>" + Esc(t.created_at) + "</dd>\n";
  if (!t.note.empty()) html += "<dt>Note</dt><dd>" + Esc(t.note) + "</dd>\n";
  if (t.publication_id != 0)
    html += "<dt>Fixed by</dt><dd>publication " + std::to_string(t.publication_id) + "</dd>\n";
  html += "</dl>\n<h2>The report</h2>\n";
  store::FeedbackFilter filter;
  filter.article_url = t.article_url;
  filter.after_id = t.feedback_id - 1;
  filter.category = "error";
  Result<std::vector<store::FeedbackRecord>> report = store.FindFeedback(filter);
  if (report.ok() && !report->empty() && report->front().id == t.feedback_id)
    html += "<blockquote>" +
            (report->front().comment.empty() ? std::string("(no comment)") : Esc(report->front().comment)) +
            "</blockquote>\n";
  else
    html += "<p>The report is no longer stored.</p>\n";
  html += "<h2>What the reader saw, and what is live today</h2>\n<p>The reader saw revision <code>" +
          Esc(t.revision) + "</code>.";
  std::string live_revision;
  std::string today = LiveSource(store, t.article_path, &live_revision);
  Result<std::string> seen = store.RevisionBytes(t.article_path, t.revision);
  if (live_revision == t.revision) {
    html += " It is still the live revision: nothing has changed since.</p>\n";
  } else if (!seen.ok() || today.empty()) {
    html += " One of the two texts is no longer stored.</p>\n";
  } else {
    html += " Today's live revision is <code>" + Esc(live_revision) +
            "</code>; words removed since are marked as deleted, words added as inserted.</p>\n<pre "
            "class=\"admin-diff\">" +
            DiffWords(*seen, today).html + "</pre>\n";
  }
  if (article_id != 0 && req.actor.Has(newsroom::kEditor) && t.state != "resolved" && t.state != "dismissed")
    html += "<p><a href=\"../articles/" + std::to_string(article_id) + "?ticket=" + std::to_string(t.id) +
            "\">Fix it in the article</a>: publishing from there resolves this ticket.</p>\n";
  html += StateForm(req, t);
  return HtmlResponse(status, Page("Ticket " + std::to_string(t.id), req.actor, req.csrf, html, "../"),
                      "admin_ticket");
}

}  // namespace

Response TicketsPage(DeskState& state, const Request& req) {
  Result<std::vector<store::Ticket>> list = state.tickets->List();
  if (!list.ok())
    return Refuse(req, 500, "Reading the tickets failed: " + list.status().message(), "admin_tickets");
  std::string html =
      "<h1>Tickets</h1>\n<p>Every \"Report an error\" a reader sent becomes a ticket. Writers and editors "
      "take "
      "one; an editor resolves or dismisses it.</p>\n";
  if (list->empty()) {
    html += "<p>Nothing here.</p>\n";
  } else {
    html +=
        "<table class=\"admin-table\">\n<caption>Tickets, newest first</caption>\n<thead><tr><th "
        "scope=\"col\">Ticket</th><th scope=\"col\">Article</th><th scope=\"col\">State</th><th "
        "scope=\"col\">Reported</th></tr></thead>\n<tbody>\n";
    for (const store::Ticket& t : *list)
      html += "<tr><td><a href=\"tickets/" + std::to_string(t.id) + "\">Ticket " + std::to_string(t.id) +
              "</a></td><td>" + Esc(t.article_url) + "</td><td>" +
              Esc(StateWords(t, state.app.store.Accounts())) + "</td><td>" + Esc(t.created_at.substr(0, 10)) +
              "</td></tr>\n";
    html += "</tbody>\n</table>\n";
  }
  return HtmlResponse(200, Page("Tickets", req.actor, req.csrf, html), "admin_tickets");
}

Response TicketPage(DeskState& state, const Request& req, std::string_view id_text) {
  Result<int64_t> id = TicketId(id_text);
  Result<store::Ticket> t = id.ok() ? state.tickets->Get(*id) : Result<store::Ticket>(id.status());
  if (t.status().code() == Code::kNotFound)
    return Refuse(req, 404, "There is no such ticket.", "admin_ticket");
  if (!t.ok()) return Refuse(req, 500, "Reading the ticket failed: " + t.status().message(), "admin_ticket");
  return ShowTicket(state, req, *t, 200, "");
}

Response PostTicket(DeskState& state, const Request& req, std::string_view id_text) {
  Result<int64_t> id = TicketId(id_text);
  Result<store::Ticket> t = id.ok() ? state.tickets->Get(*id) : Result<store::Ticket>(id.status());
  if (t.status().code() == Code::kNotFound)
    return Refuse(req, 404, "There is no such ticket.", "admin_ticket");
  if (!t.ok()) return Refuse(req, 500, "Reading the ticket failed: " + t.status().message(), "admin_ticket");
  std::string action_name = QueryValue(req.body, "action");
  std::optional<newsroom::TicketAction> action = newsroom::ParseTicketAction(action_name);
  if (!action)
    return ShowTicket(state, req, *t, 400,
                      "Choose Assign to me, Resolve or Dismiss (action was \"" + action_name + "\").");
  Status s = state.tickets->Change(req.actor, *id, *action, QueryValue(req.body, "note"));
  if (!s.ok()) {
    int status = s.code() == Code::kForbidden  ? 403
                 : s.code() == Code::kInvalid  ? 400
                 : s.code() == Code::kNotFound ? 404
                                               : 500;
    Result<store::Ticket> now = state.tickets->Get(*id);
    return ShowTicket(state, req, now.ok() ? *now : *t, status, s.message());
  }
  return Redirect(303, "/admin/tickets/" + std::to_string(*id) + "?done=" + action_name, "admin_ticket");
}

}  // namespace vetted::server::admin
