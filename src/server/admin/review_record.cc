// An article's production record (HTML to print, and JSON), the review
// pages' stylesheet, and the routes (review_routes.h).
#include <nlohmann/json.hpp>

#include "server/admin/article_routes.h"
#include "server/admin/review_internal.h"

namespace vetted::server::admin {
namespace {

using Json = nlohmann::ordered_json;

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

// The word diff of a revision from its parent ("first revision" for none).
std::string ChangeOf(const newsroom::ArticleRecord& r, const store::WfRevision& rev,
                     WordDiff* out = nullptr) {
  const store::WfRevision* parent = ParentOf(r, rev);
  if (parent == nullptr) return "first revision";
  WordDiff d = DiffWords(parent->source, rev.source);
  if (out) *out = d;
  return DiffSummary(d);
}

std::string Row(std::initializer_list<std::string> cells) {
  std::string out = "<tr>";
  for (const std::string& c : cells) out += "<td>" + c + "</td>";
  return out + "</tr>\n";
}

std::string Table(std::string_view id, std::string_view heading, std::initializer_list<const char*> columns,
                  const std::string& rows) {
  std::string out = "<section aria-labelledby=\"" + std::string(id) + "\">\n<h2 id=\"" + std::string(id) +
                    "\">" + std::string(heading) + "</h2>\n";
  if (rows.empty()) return out + "<p>None.</p>\n</section>\n";
  out += "<table class=\"review-table\">\n<thead><tr>";
  for (const char* c : columns) out += std::string("<th scope=\"col\">") + c + "</th>";
  return out + "</tr></thead>\n<tbody>\n" + rows + "</tbody>\n</table>\n</section>\n";
}

std::string Code(std::string_view hash) {
  return hash.empty() ? "" : "<code>" + Esc(ShortRev(hash)) + "</code>";
}

// What readers told us about the article (every answer with a comment or a
// report), each with its ticket when it became one.
struct ReaderReport {
  store::FeedbackRecord feedback;
  const store::Ticket* ticket = nullptr;
};

struct ReaderReports {
  std::vector<store::Ticket> tickets;
  std::vector<ReaderReport> reports;
  Status status;
};

ReaderReports ReportsOf(Review& rv, const std::string& path) {
  ReaderReports out;
  newsroom::Tickets tickets(rv.app.store, rv.app.options.clock);
  if (Result<std::vector<store::Ticket>> list = tickets.List(); list.ok()) {
    out.tickets = std::move(*list);
  } else {
    out.status = list.status();
  }
  Result<std::vector<store::FeedbackRecord>> all = rv.app.store.FindFeedback({});
  if (!all.ok()) {
    out.status = all.status();
    return out;
  }
  for (store::FeedbackRecord& f : *all) {
    if (f.article_path != path || (f.category == "helpful" && f.comment.empty())) continue;
    ReaderReport r{std::move(f), nullptr};
    for (const store::Ticket& t : out.tickets)
      if (t.feedback_id == r.feedback.id) r.ticket = &t;
    out.reports.push_back(std::move(r));
  }
  return out;
}

std::string TicketWords(const store::Ticket* t) {
  if (t == nullptr) return "";
  std::string out = "ticket " + std::to_string(t->id) + ": " + t->state;
  if (t->publication_id > 0) out += ", fixed by publication " + std::to_string(t->publication_id);
  if (!t->note.empty()) out += " (" + t->note + ")";
  return out;
}

}  // namespace

Response RecordPage(Review& rv, const Request& req, int64_t id) {
  Result<newsroom::ArticleRecord> rec = rv.articles.Get(id);
  if (!rec.ok()) return StatusPage(req, rec.status(), "admin_record");
  const newsroom::ArticleRecord& r = *rec;
  std::map<int64_t, std::string> names = AccountNames(rv.app);
  auto who = [&](int64_t account) { return Esc(NameOf(names, account)); };
  std::string title = "Production record: " + (r.title.empty() ? r.article.path : r.title);
  std::string authors;
  for (const std::string& p : r.authors) authors += (authors.empty() ? "" : ", ") + p;
  std::string html = ReviewCss("../../") + "<h1>" + Esc(title) +
                     "</h1>\n<p class=\"review-noprint\"><a href=\"../" + std::to_string(id) +
                     "\">Back to the article</a> · <a href=\"record.json\">As JSON</a></p>\n" +
                     "<dl class=\"review-facts\">\n<dt>File</dt><dd><code>" + Esc(r.article.path) +
                     "</code></dd>\n<dt>Authors</dt><dd>" + Esc(authors) + "</dd>\n<dt>State</dt><dd>" +
                     Esc(r.article.state) + "</dd>\n<dt>Created</dt><dd>" + Esc(r.article.created_at) +
                     " by " + who(r.article.created_by) + "</dd>\n<dt>Live revision</dt><dd>" +
                     (r.article.live_revision.empty() ? std::string("none") : Code(r.article.live_revision)) +
                     "</dd>\n<dt>Record printed</dt><dd>" +
                     Esc(util::FormatIsoUtc(rv.app.options.clock->NowSeconds())) + "</dd>\n</dl>\n";
  std::string rows;
  for (const store::WfRevision& rev : r.revisions)
    rows += Row({Code(rev.hash), who(rev.author), Esc(rev.created_at), rev.major ? "yes" : "no",
                 Code(rev.parent), Esc(ChangeOf(r, rev))});
  html += Table("revisions", "Revisions",
                {"Revision", "Saved by", "Saved on", "Major change", "Saved on top of", "Changes"}, rows);
  rows.clear();
  for (const store::WfApproval& a : r.approvals)
    rows += Row({Code(a.revision),
                 who(a.reviewer) + (a.reviewer_person.empty() ? "" : " (" + Esc(a.reviewer_person) + ")"),
                 Esc(a.created_at), "<span class=\"review-comments\">" + Esc(a.note) + "</span>"});
  html += Table("approvals", "Medical approvals", {"Revision", "Reviewer", "On", "Note"}, rows);
  rows.clear();
  for (const store::WfChangeRequest& c : r.change_requests)
    rows += Row({Code(c.revision), who(c.reviewer), Esc(c.created_at),
                 "<span class=\"review-comments\">" + Esc(c.comments) + "</span>"});
  html += Table("changes", "Changes requested", {"Revision", "Reviewer", "On", "What should change"}, rows);
  rows.clear();
  for (const store::WfPublication& p : r.publications) {
    std::string what = p.action == "publish" ? "publish" : "unpublish";
    std::string non_clinical =
        p.base_revision.empty() ? ""
                                : "non-clinical change from " + Code(p.base_revision) + ": " + Esc(p.reason);
    rows += Row({Esc(what), Code(p.revision), who(p.by), Esc(p.created_at), Esc(p.scheduled_at),
                 p.done_at.empty() ? "pending" : Esc(p.done_at), non_clinical});
  }
  html +=
      Table("publications", "Publications",
            {"Action", "Revision", "By", "Asked on", "Scheduled for", "Done", "Non-clinical change"}, rows);
  rows.clear();
  ReaderReports reports = ReportsOf(rv, r.article.path);
  if (!reports.status.ok()) return StatusPage(req, reports.status, "admin_record");
  for (const ReaderReport& rr : reports.reports)
    rows += Row({Esc(rr.feedback.created_at), Esc(rr.feedback.category), Code(rr.feedback.revision),
                 "<span class=\"review-comments\">" + Esc(rr.feedback.comment) + "</span>",
                 Esc(TicketWords(rr.ticket))});
  html += Table("reports", "Reader reports",
                {"Received", "Kind", "Revision the reader saw", "What they said", "What was done"}, rows);
  rows.clear();
  for (const store::AuditEntry& e : r.audit) {
    std::string states = e.before == e.after ? Esc(e.after) : Esc(e.before) + " → " + Esc(e.after);
    rows += Row({std::to_string(e.seq), Esc(e.at), who(e.account), Esc(e.action), Code(e.revision), states,
                 "<span class=\"review-comments\">" + Esc(e.detail) + "</span>"});
  }
  html += Table("audit", "Audit log of this article",
                {"Entry", "At", "Account", "Action", "Revision", "State", "Detail"}, rows);
  return ReviewPage(200, req, title, html, "../../", "admin_record");
}

Response RecordJson(Review& rv, const Request& req, int64_t id) {
  Result<newsroom::ArticleRecord> rec = rv.articles.Get(id);
  if (!rec.ok()) {
    int status = rec.status().code() == Code::kNotFound ? 404 : 500;
    return JsonError(status, rec.status().message(), "admin_record_json");
  }
  const newsroom::ArticleRecord& r = *rec;
  std::map<int64_t, std::string> names = AccountNames(rv.app);
  Json revisions = Json::array(), approvals = Json::array(), changes = Json::array(), pubs = Json::array(),
       audit = Json::array();
  for (const store::WfRevision& rev : r.revisions) {
    WordDiff d;
    bool first = ParentOf(r, rev) == nullptr;
    ChangeOf(r, rev, &d);
    revisions.push_back({{"revision", rev.hash},
                         {"parent", rev.parent},
                         {"author", rev.author},
                         {"author_email", NameOf(names, rev.author)},
                         {"created_at", rev.created_at},
                         {"major", rev.major},
                         {"words_added", first ? Json(nullptr) : Json(d.added)},
                         {"words_removed", first ? Json(nullptr) : Json(d.removed)}});
  }
  for (const store::WfApproval& a : r.approvals)
    approvals.push_back({{"revision", a.revision},
                         {"reviewer", a.reviewer},
                         {"reviewer_email", NameOf(names, a.reviewer)},
                         {"person", a.reviewer_person},
                         {"note", a.note},
                         {"at", a.created_at}});
  for (const store::WfChangeRequest& c : r.change_requests)
    changes.push_back({{"revision", c.revision},
                       {"reviewer", c.reviewer},
                       {"reviewer_email", NameOf(names, c.reviewer)},
                       {"comments", c.comments},
                       {"at", c.created_at}});
  for (const store::WfPublication& p : r.publications)
    pubs.push_back({{"action", p.action},
                    {"revision", p.revision},
                    {"non_clinical", !p.base_revision.empty()},
                    {"base_revision", p.base_revision},
                    {"reason", p.reason},
                    {"by", p.by},
                    {"created_at", p.created_at},
                    {"scheduled_at", p.scheduled_at},
                    {"done_at", p.done_at}});
  ReaderReports reports = ReportsOf(rv, r.article.path);
  if (!reports.status.ok()) return JsonError(500, reports.status.message(), "admin_record_json");
  Json reader_reports = Json::array();
  for (const ReaderReport& rr : reports.reports) {
    Json ticket = nullptr;
    if (rr.ticket != nullptr)
      ticket = {{"id", rr.ticket->id},
                {"state", rr.ticket->state},
                {"note", rr.ticket->note},
                {"assignee", rr.ticket->assignee},
                {"publication_id", rr.ticket->publication_id},
                {"updated_at", rr.ticket->updated_at}};
    reader_reports.push_back({{"at", rr.feedback.created_at},
                              {"category", rr.feedback.category},
                              {"helpful", rr.feedback.helpful},
                              {"revision", rr.feedback.revision},
                              {"comment", rr.feedback.comment},
                              {"ticket", std::move(ticket)}});
  }
  for (const store::AuditEntry& e : r.audit)
    audit.push_back({{"seq", e.seq},
                     {"at", e.at},
                     {"account", e.account},
                     {"action", e.action},
                     {"revision", e.revision},
                     {"before", e.before},
                     {"after", e.after},
                     {"detail", e.detail}});
  Json out = {{"id", r.article.id},
              {"path", r.article.path},
              {"title", r.title},
              {"authors", r.authors},
              {"state", r.article.state},
              {"latest_revision", r.article.latest_revision},
              {"live_revision", r.article.live_revision},
              {"created_at", r.article.created_at},
              {"revisions", std::move(revisions)},
              {"approvals", std::move(approvals)},
              {"change_requests", std::move(changes)},
              {"publications", std::move(pubs)},
              {"reader_reports", std::move(reader_reports)},
              {"audit", std::move(audit)}};
  return JsonResponse(200, out, "admin_record_json");
}

std::string_view ReviewStylesheet() {
  return R"css(.admin-note {
  padding: 0.75rem 1rem;
  border-left: 4px solid var(--ok, #1e6b3a);
  background: var(--ok-bg, #eef7f0);
}
.review-links { display: flex; flex-wrap: wrap; gap: 0.25rem 1.5rem; padding: 0; list-style: none; }
.review-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
.review-facts dt { font-weight: 600; }
.review-facts dd { margin: 0; }
.review-step { margin: 1.5rem 0; padding: 1rem; border: 1px solid var(--line, #d5dae0); background: var(--bg, #fff); }
.review-step h3 { margin: 0; }
.review-step textarea { font: inherit; padding: 0.4rem; }
.review-diff, .review-source {
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  padding: 1rem;
  border: 1px solid var(--line, #d5dae0);
  background: var(--bg, #fff);
  font-size: 0.95rem;
  line-height: 1.6;
}
.review-diff ins { background: #dff3e4; color: #0d4a22; text-decoration: underline; }
.review-diff del { background: #fbe3e1; color: #7a1712; text-decoration: line-through; }
.review-diff ins::before { content: "[added: "; font-weight: 600; }
.review-diff del::before { content: "[removed: "; font-weight: 600; }
.review-diff ins::after, .review-diff del::after { content: "]"; font-weight: 600; }
.review-comments { white-space: pre-wrap; margin: 0.25rem 0 0; }
.review-list li { margin-bottom: 0.75rem; }
.review-table { border-collapse: collapse; width: 100%; background: var(--bg, #fff); }
.review-table th, .review-table td { border: 1px solid var(--line, #d5dae0); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
.review-table form { margin: 0; }
@media print {
  .admin-bar, .review-noprint, form { display: none; }
  body.admin { background: #fff; font-size: 10pt; }
  .review-table { page-break-inside: auto; }
  .review-table tr { page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
)css";
}

}  // namespace vetted::server::admin

namespace vetted::server {

Status AddReviewRoutes(Router& router, App::Impl& app) {
  if (!app.articles) return Status::Ok();
  auto rv = std::make_shared<admin::Review>(
      admin::Review{app, *app.articles, newsroom::Previews(app.store, *app.options.clock)});
  using newsroom::kEditor;
  using newsroom::kReviewer;
  using newsroom::kWriter;
  const uint8_t kMakers = kWriter | kReviewer | kEditor;
  const uint8_t kAnyone = kMakers | newsroom::kAdmin;
  using Page = Response (*)(admin::Review&, const Request&, int64_t);
  // A route under /admin/articles/{id}: 404 for an id that is not a number.
  auto on_article = [rv](Page page) {
    return [rv, page](Request&& req, const PathMatch& m, Respond respond) {
      std::optional<int64_t> id = admin::ArticleId(m);
      if (!id) return respond(admin::Refuse(req, 404, "There is no such article.", "admin_article"));
      respond(page(*rv, req, *id));
    };
  };
  constexpr size_t kFormLimit = 64 * 1024;  // comments and notes
  std::vector<Route> routes = {
      {kGet, "/admin/articles/{id}", Access::kWriter, kNoBody,
       on_article([](admin::Review& r, const Request& req, int64_t id) {
         return admin::ArticlePage(r, req, id, 200, "");
       }),
       kAnyone},
      {kGet, "/admin/articles/{id}/revisions", Access::kWriter, kNoBody, on_article(admin::RevisionsPage),
       kAnyone},
      {kGet, "/admin/articles/{id}/diff", Access::kWriter, kNoBody, on_article(admin::DiffPage), kAnyone},
      {kPost, "/admin/articles/{id}/restore", Access::kWriter, kFormLimit, on_article(admin::PostRestore),
       kMakers},
      {kPost, "/admin/articles/{id}/preview-link", Access::kWriter, kFormLimit,
       on_article(admin::PostPreviewLink), kMakers},
      {kGet, "/admin/articles/{id}/record", Access::kWriter, kNoBody, on_article(admin::RecordPage), kAnyone},
      {kGet, "/admin/articles/{id}/record.json", Access::kWriter, kNoBody, on_article(admin::RecordJson),
       kAnyone},
      {kGet, "/preview/{token}", Access::kPublic, kNoBody,
       [rv](Request&& req, const PathMatch& m, Respond respond) {
         respond(admin::PreviewPage(*rv, req, m.Param("token")));
       }},
      {kGet, "/admin/review.css", Access::kPublic, kNoBody,
       [](Request&&, const PathMatch&, Respond respond) {
         Response res;
         res.body = std::string(admin::ReviewStylesheet());
         res.headers = {{"Content-Type", "text/css; charset=utf-8"},
                        {"Content-Length", std::to_string(res.body.size())},
                        {"Cache-Control", "no-store"}};
         AddSecurityHeaders(res.headers);
         res.route = "admin_css";
         respond(std::move(res));
       }},
  };
  // The workflow's steps: the service decides; the route lets in the roles
  // that could ever take the step (the others get the gate's 403).
  for (const WorkflowStep& step : kWorkflowSteps) {
    std::string name = step.name;
    routes.push_back({kPost, "/admin/articles/{id}/" + name, step.access, kFormLimit,
                      [rv, name](Request&& req, const PathMatch& m, Respond respond) {
                        std::optional<int64_t> id = admin::ArticleId(m);
                        if (!id)
                          return respond(
                              admin::Refuse(req, 404, "There is no such article.", "admin_article"));
                        respond(admin::PostStep(*rv, req, *id, name));
                      },
                      step.roles});
  }
  for (Route& r : routes)
    if (Status s = router.Add(std::move(r)); !s.ok()) return s;
  return Status::Ok();
}

}  // namespace vetted::server
