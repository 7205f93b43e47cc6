// The article's page and its workflow steps (review_routes.h): the state in
// words, the text under review with its diff, the reviews, and the forms of
// the steps the signed-in account may take.
#include <algorithm>
#include <set>

#include "load/load.h"
#include "server/admin/review_internal.h"

namespace vetted::server::admin {
namespace {

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

// The rules' view of the record (as newsroom::Articles sees it), for
// offering only the steps it would allow; the service checks again.
newsroom::ArticleFacts FactsOf(const newsroom::ArticleRecord& r, const std::string& revision) {
  newsroom::ArticleFacts f;
  f.state = newsroom::ParseState(r.article.state).value_or(newsroom::ArticleState::kDraft);
  f.latest_revision = r.article.latest_revision;
  f.submitted_revision = r.article.submitted_revision;
  f.live_revision = r.article.live_revision;
  f.author_accounts.push_back(r.article.created_by);
  std::set<std::string> people;
  for (const store::WfRevision& rev : r.revisions) {
    f.author_accounts.push_back(rev.author);
    std::vector<Diagnostic> ignored;
    for (std::string& p : load::ParseArticle(rev.source, r.article.path, ignored).authors)
      people.insert(std::move(p));
    if (rev.hash == revision) f.major = rev.major;
  }
  f.author_people.assign(people.begin(), people.end());
  for (const store::WfApproval& a : r.approvals) f.approvals.push_back({a.reviewer, a.revision});
  for (const store::AuditEntry& e : r.audit) f.ever_published = f.ever_published || e.action == "publish";
  f.live_settings_changed = newsroom::LiveSettingsChanged(r);
  return f;
}

// `facts` as FactsOf would give them for `revision` (only `major` differs).
newsroom::ArticleFacts For(const newsroom::ArticleRecord& r, newsroom::ArticleFacts facts,
                           const std::string& revision) {
  facts.major = false;
  for (const store::WfRevision& rev : r.revisions)
    if (rev.hash == revision) facts.major = rev.major;
  return facts;
}

newsroom::SiteRules RulesOf(App::Impl& app) {
  newsroom::SiteRules rules;
  rules.two_approvals_for_new_or_major = app.Current()->site.config.approvals_for_new_or_major >= 2;
  return rules;
}

std::string StateInWords(const newsroom::ArticleRecord& r, const newsroom::ArticleFacts& f,
                         const newsroom::SiteRules& rules) {
  const store::WfArticle& a = r.article;
  std::string out;
  if (a.state == "draft") {
    out = "Draft: being written, not yet submitted for medical review.";
  } else if (a.state == "in_review") {
    int needed = newsroom::ApprovalsNeeded(f, rules);
    out = "In review: revision " + ShortRev(a.submitted_revision) + " waits for a medical reviewer (" +
          std::to_string(newsroom::ApprovalsOf(f, a.submitted_revision)) + " of " + std::to_string(needed) +
          (needed == 1 ? " approval)." : " approvals).");
  } else if (a.state == "approved") {
    out = "Approved: revision " + ShortRev(a.submitted_revision) +
          " is medically approved and ready to publish.";
  } else if (a.state == "published") {
    out = "Published: readers see revision " + ShortRev(a.live_revision) + ".";
  } else if (a.state == "unpublished") {
    out = "Unpublished: readers no longer see this article.";
  } else {
    out = a.state;
  }
  if (a.state != "published" && !a.live_revision.empty())
    out += " Readers still see the live revision " + ShortRev(a.live_revision) + ".";
  return out;
}

// "sha256:… by ana@x.org on 2026-12-01T10:00:00Z (major change)".
std::string RevisionLine(const newsroom::ArticleRecord& r, const std::map<int64_t, std::string>& names,
                         std::string_view hash) {
  if (hash.empty()) return "none";
  const store::WfRevision* rev = FindRev(r, hash);
  std::string out = "<code>" + Esc(ShortRev(hash)) + "</code>";
  if (rev == nullptr) return out;
  out += " saved by " + Esc(NameOf(names, rev->author)) + " on " + Esc(rev->created_at);
  if (rev->major) out += " (marked as a major change)";
  return out;
}

std::string Hidden(std::string_view name, std::string_view value) {
  return "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" + Esc(value) + "\">\n";
}

// `here` leads from the page's folder to the article's ("5/" from the
// article's page, "" from /admin/articles/5/approve).
std::string Form(const Request& req, std::string_view here, std::string_view action, std::string_view heading,
                 std::string_view fields, std::string_view button) {
  return "<form class=\"admin-form review-step\" method=\"post\" action=\"" + std::string(here) +
         std::string(action) + "\">\n<h3>" + std::string(heading) + "</h3>\n" + CsrfField(req) +
         std::string(fields) + "<button type=\"submit\">" + std::string(button) + "</button>\n</form>\n";
}

// A reader's ticket the editor came from (?ticket=N), carried with the
// publish form; "" without one.
std::string TicketField(const Request& req) {
  std::string t = QueryValue(req.Query(), "ticket");
  if (t.empty() || t.size() > 15 || t.find_first_not_of("0123456789") != std::string::npos) return "";
  return Hidden("ticket", t);
}

// The forms of the steps `req.actor` may take now.
std::string StepForms(Review& rv, const Request& req, const newsroom::ArticleRecord& r, std::string_view id) {
  const newsroom::Actor& actor = req.actor;
  const store::WfArticle& a = r.article;
  std::string out;
  const newsroom::ArticleFacts base = FactsOf(r, "");  // parses every revision once
  newsroom::ArticleFacts latest = For(r, base, a.latest_revision);
  if (newsroom::MaySubmit(actor, latest, a.latest_revision).ok()) {
    out += Form(req, id, "submit", "Submit for review",
                Hidden("revision", a.latest_revision) + "<p class=\"admin-help\">Revision <code>" +
                    Esc(ShortRev(a.latest_revision)) + "</code> goes to the medical reviewers.</p>\n",
                "Submit for review");
  }
  newsroom::ArticleFacts submitted = For(r, base, a.submitted_revision);
  if (newsroom::MayApprove(actor, submitted, a.submitted_revision).ok()) {
    out += Form(req, id, "approve", "Approve",
                Hidden("revision", a.submitted_revision) +
                    "<p class=\"admin-help\">You approve exactly revision <code>" +
                    Esc(ShortRev(a.submitted_revision)) +
                    "</code>, the text shown under \"Text under review\".</p>\n"
                    "<label for=\"note\">Note (optional)</label>\n"
                    "<textarea id=\"note\" name=\"note\" rows=\"3\"></textarea>\n",
                "Approve this revision");
  }
  if (newsroom::MayRequestChanges(actor, submitted, a.submitted_revision).ok()) {
    out += Form(req, id, "request-changes", "Request changes",
                Hidden("revision", a.submitted_revision) +
                    "<label for=\"comments\">What should change</label>\n"
                    "<textarea id=\"comments\" name=\"comments\" rows=\"6\" required "
                    "aria-describedby=\"comments-help\"></textarea>\n"
                    "<p id=\"comments-help\" class=\"admin-help\">The writers see this. Quote the passage "
                    "and say what is wrong and why.</p>\n",
                "Request changes");
  }
  // Publish the approved revision, else the latest (as a non-clinical change).
  if (actor.Has(newsroom::kEditor)) {
    newsroom::SiteRules rules = RulesOf(rv.app);
    std::vector<std::string> known;
    for (const store::WfRevision& rev : r.revisions) known.push_back(rev.hash);
    std::string candidate = a.latest_revision;
    if (!newsroom::MayPublish(actor, latest, rules, candidate, "", known).ok() &&
        !a.submitted_revision.empty() &&
        newsroom::MayPublish(actor, submitted, rules, a.submitted_revision, "", known).ok())
      candidate = a.submitted_revision;
    newsroom::ArticleFacts f = For(r, base, candidate);
    bool approved = newsroom::MayPublish(actor, f, rules, candidate, "", known).ok();
    bool non_clinical = newsroom::MayPublish(actor, f, rules, candidate, "reason", known).ok();
    // The live revision again only when its settings changed since it went live.
    bool resettled = a.live_revision == candidate && newsroom::LiveSettingsChanged(r);
    bool already = a.state == "published" && a.live_revision == candidate && !resettled;
    if ((approved || non_clinical) && !already) {
      std::string help =
          approved ? "Revision <code>" + Esc(ShortRev(candidate)) + "</code> has its medical approval."
                   : "Revision <code>" + Esc(ShortRev(candidate)) +
                         "</code> has no medical approval of its own: it can only be "
                         "published as a non-clinical change (a typo, a broken link), with a "
                         "reason.";
      if (resettled)
        help +=
            " It is live, and its settings (old addresses, contents list, ...) changed since it was "
            "published: publish it again to bring them to readers, without a new review.";
      out += Form(req, id, "publish", "Publish",
                  Hidden("revision", candidate) + TicketField(req) + "<p class=\"admin-help\">" + help +
                      "</p>\n" +
                      "<label for=\"publish-at\">Publish at (optional)</label>\n"
                      "<input id=\"publish-at\" name=\"at\" type=\"datetime-local\" "
                      "aria-describedby=\"publish-at-help\">\n"
                      "<p id=\"publish-at-help\" class=\"admin-help\">In UTC. Leave empty to publish "
                      "now.</p>\n"
                      "<label for=\"reason\">Reason, for a non-clinical change only</label>\n"
                      "<textarea id=\"reason\" name=\"reason\" rows=\"2\"" +
                      std::string(approved ? "" : " required") + "></textarea>\n",
                  "Publish");
    }
  }
  bool pending = false;
  for (const store::WfPublication& p : r.publications)
    pending = pending || (p.action == "publish" && p.done_at.empty());
  if (newsroom::MayUnpublish(actor, latest, pending).ok()) {
    out += Form(req, id, "unpublish", "Unpublish",
                "<label for=\"unpublish-at\">Unpublish at (optional)</label>\n"
                "<input id=\"unpublish-at\" name=\"at\" type=\"datetime-local\" "
                "aria-describedby=\"unpublish-at-help\">\n"
                "<p id=\"unpublish-at-help\" class=\"admin-help\">In UTC. Leave empty to take the page down "
                "now.</p>\n",
                "Unpublish");
  }
  if (actor.Has(newsroom::kWriter) || actor.Has(newsroom::kReviewer) || actor.Has(newsroom::kEditor)) {
    out += Form(req, id, "preview-link", "Private preview link",
                Hidden("revision", a.latest_revision) +
                    "<p class=\"admin-help\">Anyone with the link can read revision <code>" +
                    Esc(ShortRev(a.latest_revision)) +
                    "</code> as readers would see it, without signing in, until it expires.</p>\n"
                    "<label for=\"days\">Expires after (days)</label>\n"
                    "<input id=\"days\" name=\"days\" type=\"number\" min=\"1\" max=\"" +
                    std::to_string(newsroom::kMaxPreviewDays) + "\" value=\"7\" required>\n",
                "Create preview link");
  }
  if (out.empty()) out = "<p>There is no step for you to take on this article now.</p>\n";
  return "<section aria-labelledby=\"steps\">\n<h2 id=\"steps\">Your next step</h2>\n" + out + "</section>\n";
}

// The revision a reviewer decides on (else the latest), its diff from the
// revision readers see or the last approved one, and its whole text.
std::string TextUnderReview(const newsroom::ArticleRecord& r) {
  const store::WfArticle& a = r.article;
  bool reviewing = !a.submitted_revision.empty() && (a.state == "in_review" || a.state == "approved");
  const store::WfRevision* rev = FindRev(r, reviewing ? a.submitted_revision : a.latest_revision);
  if (rev == nullptr) return "";
  // Compared with: the live revision, else the newest approved one before it.
  const store::WfRevision* base = nullptr;
  std::string base_what;
  if (!a.live_revision.empty() && a.live_revision != rev->hash) {
    base = FindRev(r, a.live_revision);
    base_what = "the revision readers see now";
  }
  if (base == nullptr) {
    for (auto it = r.approvals.rbegin(); it != r.approvals.rend() && base == nullptr; ++it) {
      if (it->revision == rev->hash) continue;
      base = FindRev(r, it->revision);
      base_what = "the last approved revision";
    }
  }
  std::string heading = reviewing ? "Text under review" : "Latest text";
  std::string html = "<section aria-labelledby=\"text\">\n<h2 id=\"text\">" + heading +
                     "</h2>\n<p>Revision <code>" + Esc(ShortRev(rev->hash)) + "</code>";
  if (base != nullptr) {
    WordDiff d = DiffWords(base->source, rev->source);
    html += ", compared with " + base_what + " (<code>" + Esc(ShortRev(base->hash)) +
            "</code>): " + Esc(DiffSummary(d)) +
            ". Added words are underlined and marked \"added\", removed ones struck "
            "through and marked \"removed\".</p>\n<h3>What changed</h3>\n<pre class=\"review-diff\">" +
            d.html + "</pre>\n";
  } else {
    html += ": no approved or live revision to compare with; the whole text is new.</p>\n";
  }
  html +=
      "<h3>The whole text</h3>\n<pre class=\"review-source\">" + Esc(rev->source) + "</pre>\n</section>\n";
  return html;
}

std::string Reviews(const newsroom::ArticleRecord& r, const std::map<int64_t, std::string>& names) {
  std::string html = "<section aria-labelledby=\"reviews\">\n<h2 id=\"reviews\">Reviews</h2>\n";
  if (r.approvals.empty() && r.change_requests.empty()) return html + "<p>No reviews yet.</p>\n</section>\n";
  // Approvals and change requests in time order.
  std::vector<std::pair<std::string, std::string>> items;
  for (const store::WfApproval& a : r.approvals) {
    std::string who =
        NameOf(names, a.reviewer) + (a.reviewer_person.empty() ? "" : " (" + a.reviewer_person + ")");
    std::string item = "<strong>Approved</strong> revision <code>" + Esc(ShortRev(a.revision)) +
                       "</code> by " + Esc(who) + " on " + Esc(a.created_at) + ".";
    if (!a.note.empty()) item += "<p class=\"review-comments\">Note: " + Esc(a.note) + "</p>";
    items.emplace_back(a.created_at, item);
  }
  for (const store::WfChangeRequest& c : r.change_requests) {
    items.emplace_back(c.created_at, "<strong>Changes requested</strong> to revision <code>" +
                                         Esc(ShortRev(c.revision)) + "</code> by " +
                                         Esc(NameOf(names, c.reviewer)) + " on " + Esc(c.created_at) +
                                         ":<p class=\"review-comments\">" + Esc(c.comments) + "</p>");
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  html += "<ul class=\"review-list\">\n";
  for (const auto& [at, item] : items) html += "<li>" + item + "</li>\n";
  return html + "</ul>\n</section>\n";
}

std::string Publications(const newsroom::ArticleRecord& r, const std::map<int64_t, std::string>& names) {
  if (r.publications.empty()) return "";
  std::string html =
      "<section aria-labelledby=\"publications\">\n<h2 id=\"publications\">Publications</h2>\n<ul "
      "class=\"review-list\">\n";
  for (const store::WfPublication& p : r.publications) {
    std::string item = p.action == "publish"
                           ? "Publish revision <code>" + Esc(ShortRev(p.revision)) + "</code>"
                           : std::string("Unpublish");
    if (!p.scheduled_at.empty()) item += ", scheduled for " + Esc(p.scheduled_at);
    item += p.done_at.empty() ? " (pending)" : ", done " + Esc(p.done_at);
    item += ", by " + Esc(NameOf(names, p.by)) + ".";
    if (!p.base_revision.empty())
      item += " Non-clinical change from the approved revision <code>" + Esc(ShortRev(p.base_revision)) +
              "</code>; reason: " + Esc(p.reason);
    html += "<li>" + item + "</li>\n";
  }
  return html + "</ul>\n</section>\n";
}

// The confirmation after a step (?done=...): fixed texts, never the query's.
std::string DoneNote(std::string_view done) {
  static const std::pair<const char*, const char*> kNotes[] = {
      {"submit", "Submitted for review."},
      {"approve", "Approved. Thank you: your approval is on record for this revision."},
      {"request-changes", "Changes requested. The writers see your comments."},
      {"publish", "Published."},
      {"schedule", "Publication scheduled."},
      {"publish-ticket", "Published. The reader's ticket is resolved and linked to this publication."},
      {"schedule-ticket", "Publication scheduled. The reader's ticket is resolved and linked to it."},
      {"unpublish", "Unpublished."},
      {"schedule-unpublish", "Unpublication scheduled."},
  };
  for (const auto& [key, text] : kNotes)
    if (done == key) return std::string("<p class=\"admin-note\" role=\"status\">") + text + "</p>\n";
  return "";
}

// datetime-local "2026-12-24T08:00" (UTC) -> "2026-12-24T08:00:00Z"; "" stays "".
std::string UtcTime(std::string at) {
  at = std::string(util::Trim(at));
  if (at.empty() || at.back() == 'Z') return at;
  if (at.size() == 16) at += ":00";
  return at + "Z";
}

}  // namespace

Response ArticlePage(Review& rv, const Request& req, int64_t id, int status, std::string_view alert) {
  Result<newsroom::ArticleRecord> rec = rv.articles.Get(id);
  if (!rec.ok()) return StatusPage(req, rec.status(), "admin_article");
  const newsroom::ArticleRecord& r = *rec;
  std::map<int64_t, std::string> names = AccountNames(rv.app);
  newsroom::ArticleFacts facts = FactsOf(r, r.article.submitted_revision);
  const std::string sid = std::to_string(id);
  // Shown at /admin/articles/{id}, or again at a step's URL after a refusal.
  const bool at_step = !util::EndsWith(req.Path(), "/" + sid);
  const std::string here = at_step ? "" : sid + "/";
  const std::string up = at_step ? "../../" : "../";
  std::string title = r.title.empty() ? r.article.path : r.title;
  std::string html = ReviewCss(up) + "<h1>" + Esc(title) + "</h1>\n" +
                     DoneNote(QueryValue(req.Query(), "done")) + Alert(alert) +
                     "<p class=\"review-state\"><strong>State:</strong> " +
                     Esc(StateInWords(r, facts, RulesOf(rv.app))) + "</p>\n";
  html += "<ul class=\"review-links\">\n";
  // The editor only for accounts that may save (an admin alone may not).
  if (newsroom::MaySave(req.actor).ok()) html += "<li><a href=\"" + here + "edit\">Edit</a></li>\n";
  html += "<li><a href=\"" + here + "revisions\">Revisions</a></li>\n<li><a href=\"" + here +
          "record\">Production record</a></li>\n</ul>\n";
  std::string authors;
  for (const std::string& p : r.authors) authors += (authors.empty() ? "" : ", ") + p;
  html += "<dl class=\"review-facts\">\n<dt>File</dt><dd><code>" + Esc(r.article.path) +
          "</code></dd>\n<dt>Authors</dt><dd>" + Esc(authors.empty() ? "none named" : authors) +
          "</dd>\n<dt>Latest revision</dt><dd>" + RevisionLine(r, names, r.article.latest_revision) +
          "</dd>\n<dt>Live revision</dt><dd>" +
          (r.article.live_revision.empty() ? std::string("none: readers do not see this article")
                                           : RevisionLine(r, names, r.article.live_revision)) +
          "</dd>\n";
  if (!r.article.submitted_revision.empty())
    html +=
        "<dt>Submitted revision</dt><dd>" + RevisionLine(r, names, r.article.submitted_revision) + "</dd>\n";
  html += "</dl>\n";
  html += TextUnderReview(r) + StepForms(rv, req, r, here) + Reviews(r, names) + Publications(r, names);
  return ReviewPage(status, req, title, html, up, "admin_article");
}

Response PostStep(Review& rv, const Request& req, int64_t id, std::string_view step) {
  const std::string revision = QueryValue(req.body, "revision");
  const newsroom::Actor& actor = req.actor;
  Status s;
  std::string done(step);
  if (step == "submit") {
    s = rv.articles.Submit(actor, id, revision);
  } else if (step == "approve") {
    s = rv.articles.Approve(actor, id, revision, QueryValue(req.body, "note"));
  } else if (step == "request-changes") {
    s = rv.articles.RequestChanges(actor, id, revision, QueryValue(req.body, "comments"));
  } else if (step == "unpublish") {
    std::string at = UtcTime(QueryValue(req.body, "at"));
    s = rv.articles.Unpublish(actor, id, at);
    if (!at.empty()) done = "schedule-unpublish";
  } else {
    newsroom::PublishRequest p{revision, std::string(util::Trim(QueryValue(req.body, "reason"))),
                               UtcTime(QueryValue(req.body, "at"))};
    Result<newsroom::Published> published = rv.articles.Publish(actor, id, p);
    s = published.status();
    if (published.ok() && published->scheduled) done = "schedule";
    // Published from a reader's ticket (the form's hidden `ticket`): the
    // ticket is resolved and linked to this publication.
    const std::string t = QueryValue(req.body, "ticket");
    if (s.ok() && !t.empty() && t.size() <= 15 && t.find_first_not_of("0123456789") == std::string::npos) {
      const int64_t ticket = std::stoll(t);
      Status linked =
          newsroom::Tickets(rv.app.store, rv.app.options.clock).LinkPublication(actor, ticket, id);
      if (!linked.ok())
        return ArticlePage(rv, req, id, 200, "Published, but the ticket was not linked: " + linked.message());
      done += "-ticket";
    }
  }
  if (s.code() == Code::kNotFound) return StatusPage(req, s, "admin_article");
  if (!s.ok()) {
    int status = s.code() == Code::kForbidden  ? 403
                 : s.code() == Code::kInvalid  ? 400
                 : s.code() == Code::kConflict ? 409
                                               : 500;
    return ArticlePage(rv, req, id, status, s.message());
  }
  return Redirect(303, "/admin/articles/" + std::to_string(id) + "?done=" + done, "admin_article");
}

}  // namespace vetted::server::admin
