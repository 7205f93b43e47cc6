// An article's revisions, the diff of two, restoring an old one, and its
// private preview links (review_routes.h).
#include "publish/publish.h"
#include "server/admin/review_internal.h"

namespace vetted::server::admin {
namespace {

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

std::string RevisionOptions(const newsroom::ArticleRecord& r, std::string_view selected) {
  std::string out;
  for (auto it = r.revisions.rbegin(); it != r.revisions.rend(); ++it) {
    out += "<option value=\"" + Esc(it->hash) + "\"" + (it->hash == selected ? " selected" : "") + ">" +
           Esc(ShortRev(it->hash)) + " (" + Esc(it->created_at) + ")</option>\n";
  }
  return out;
}

// The diff's page body: a summary and the marked-up text.
std::string DiffHtml(const store::WfRevision& from, const store::WfRevision& to) {
  WordDiff d = DiffWords(from.source, to.source);
  return "<p class=\"review-summary\">From <code>" + Esc(ShortRev(from.hash)) + "</code> to <code>" +
         Esc(ShortRev(to.hash)) + "</code>: <strong>" + Esc(DiffSummary(d)) +
         "</strong>. Added words are marked \"added\" and underlined; removed words are marked \"removed\" "
         "and "
         "struck through.</p>\n<pre class=\"review-diff\">" +
         d.html + "</pre>\n";
}

// The link's absolute URL: under the site's base_url when the newsroom is
// reached at that host, else at the address the request came to (a staging
// or local server), under the served base path.
std::string PreviewUrl(Review& rv, const Request& req, std::string_view token) {
  std::shared_ptr<const Content> c = rv.app.Current();
  std::string base = c->site.config.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string host(req.Header("Host"));
  bool same = !host.empty() && (c->origin == "https://" + host || c->origin == "http://" + host);
  if (!same && !host.empty() && host.find_first_of(" /\\\"<>") == std::string::npos) {
    std::string path = c->base_path;
    while (!path.empty() && path.back() == '/') path.pop_back();
    base = (rv.app.options.secure_cookies ? "https://" : "http://") + host + path;
  }
  return base + "/preview/" + std::string(token);
}

}  // namespace

std::optional<int64_t> ArticleId(const PathMatch& match) {
  std::string_view s = match.Param("id");
  if (s.empty() || s.size() > 15 || s.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  return std::stoll(std::string(s));
}

std::string ShortRev(std::string_view revision) {
  return std::string(revision.substr(0, std::min<size_t>(revision.size(), 19)));
}

std::map<int64_t, std::string> AccountNames(App::Impl& app) {
  std::map<int64_t, std::string> out;
  if (store::AccountStore* accounts = app.store.Accounts()) {
    Result<std::vector<store::AccountRecord>> all = accounts->ListAccounts();
    if (all.ok())
      for (const store::AccountRecord& a : *all) out[a.id] = a.email;
  }
  return out;
}

std::string NameOf(const std::map<int64_t, std::string>& names, int64_t account) {
  auto it = names.find(account);
  return it != names.end() ? it->second : "account " + std::to_string(account);
}

const store::WfRevision* FindRev(const newsroom::ArticleRecord& r, std::string_view hash) {
  for (const store::WfRevision& rev : r.revisions)
    if (rev.hash == hash) return &rev;
  return nullptr;
}

const store::WfRevision* ParentOf(const newsroom::ArticleRecord& r, const store::WfRevision& rev) {
  return rev.parent.empty() ? nullptr : FindRev(r, rev.parent);
}

Response ReviewPage(int status, const Request& req, std::string_view title, std::string_view html,
                    std::string_view up, std::string_view route) {
  return HtmlResponse(status, Page(title, req.actor, req.csrf, html, up), route);
}

Response StatusPage(const Request& req, const Status& s, std::string_view route) {
  switch (s.code()) {
    case Code::kForbidden:
      return Refuse(req, 403, s.message(), route);
    case Code::kNotFound:
      return Refuse(req, 404, s.message(), route);
    case Code::kInvalid:
      return Refuse(req, 400, s.message(), route);
    case Code::kConflict:
      return Refuse(req, 409, s.message(), route);
    case Code::kExhausted:  // the router adds Retry-After
      return Refuse(req, 503, "The server's disk is full, so nothing was saved. Try again in a few minutes.",
                    route);
    default:
      return Refuse(req, 500, "the newsroom's store failed; try again", route);
  }
}

std::string ReviewCss(std::string_view up) {
  return "<link rel=\"stylesheet\" href=\"" + std::string(up) + "review.css\">\n";
}

std::string CsrfField(const Request& req) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Esc(req.csrf) + "\">\n";
}

Response RevisionsPage(Review& rv, const Request& req, int64_t id) {
  Result<newsroom::ArticleRecord> rec = rv.articles.Get(id);
  if (!rec.ok()) return StatusPage(req, rec.status(), "admin_revisions");
  const newsroom::ArticleRecord& r = *rec;
  std::map<int64_t, std::string> names = AccountNames(rv.app);
  const std::string sid = std::to_string(id);
  std::string title = "Revisions of " + (r.title.empty() ? r.article.path : r.title);
  std::string html = ReviewCss("../../") + "<h1>" + Esc(title) + "</h1>\n<p><a href=\"../" + sid +
                     "\">Back to the article</a></p>\n";
  if (QueryValue(req.Query(), "done") == "restore")
    html +=
        "<p class=\"admin-note\" role=\"status\">Restored: the old text is now the latest revision, a "
        "draft again.</p>\n";
  const store::WfRevision* newest = r.revisions.empty() ? nullptr : &r.revisions.back();
  html +=
      "<form class=\"admin-form review-compare\" method=\"get\" action=\"diff\">\n<h2>Compare two "
      "revisions</h2>\n<label for=\"from\">From</label>\n<select id=\"from\" name=\"from\">\n" +
      RevisionOptions(r, newest && newest->parent.size() ? newest->parent : "") +
      "</select>\n<label for=\"to\">To</label>\n<select id=\"to\" name=\"to\">\n" +
      RevisionOptions(r, r.article.latest_revision) +
      "</select>\n<button type=\"submit\">Compare</button>\n</form>\n";
  html +=
      "<h2>Every revision, newest first</h2>\n<table class=\"review-table\">\n<thead><tr><th "
      "scope=\"col\">Revision</th><th scope=\"col\">Saved by</th><th scope=\"col\">Saved on</th><th "
      "scope=\"col\">Major change</th><th scope=\"col\">Changes</th><th "
      "scope=\"col\">Actions</th></tr></thead>\n<tbody>\n";
  for (auto it = r.revisions.rbegin(); it != r.revisions.rend(); ++it) {
    const store::WfRevision& rev = *it;
    std::string marks;
    if (rev.hash == r.article.latest_revision) marks += " (latest)";
    if (rev.hash == r.article.live_revision) marks += " (live)";
    if (rev.hash == r.article.submitted_revision) marks += " (submitted)";
    std::string changes = "first revision";
    if (const store::WfRevision* parent = ParentOf(r, rev)) {
      changes = "<a href=\"diff?from=" + Esc(util::UrlEncode(parent->hash)) +
                "&amp;to=" + Esc(util::UrlEncode(rev.hash)) + "\">" +
                Esc(DiffSummary(DiffWords(parent->source, rev.source))) + "</a>";
    }
    std::string action;
    if (rev.hash != r.article.latest_revision) {
      action = "<form method=\"post\" action=\"restore\">" + CsrfField(req) +
               "<input type=\"hidden\" name=\"revision\" value=\"" + Esc(rev.hash) +
               "\"><button type=\"submit\">Restore as a new revision</button></form>";
    }
    html += "<tr><td><code>" + Esc(ShortRev(rev.hash)) + "</code>" + Esc(marks) + "</td><td>" +
            Esc(NameOf(names, rev.author)) + "</td><td>" + Esc(rev.created_at) + "</td><td>" +
            (rev.major ? "yes" : "no") + "</td><td>" + changes + "</td><td>" + action + "</td></tr>\n";
  }
  html += "</tbody>\n</table>\n";
  return ReviewPage(200, req, title, html, "../../", "admin_revisions");
}

Response DiffPage(Review& rv, const Request& req, int64_t id) {
  Result<newsroom::ArticleRecord> rec = rv.articles.Get(id);
  if (!rec.ok()) return StatusPage(req, rec.status(), "admin_diff");
  const newsroom::ArticleRecord& r = *rec;
  std::string from_hash = QueryValue(req.Query(), "from"), to_hash = QueryValue(req.Query(), "to");
  if (from_hash.empty() || to_hash.empty())
    return Refuse(req, 400, "Name two revisions to compare: from=...&to=...", "admin_diff");
  const store::WfRevision* from = FindRev(r, from_hash);
  const store::WfRevision* to = FindRev(r, to_hash);
  if (from == nullptr || to == nullptr)
    return Refuse(req, 404,
                  "revision " + ShortRev(from ? to_hash : from_hash) + " is not a revision of this article",
                  "admin_diff");
  std::string title = "Changes to " + (r.title.empty() ? r.article.path : r.title);
  std::string html =
      ReviewCss("../../") + "<h1>" + Esc(title) + "</h1>\n<p><a href=\"../" + std::to_string(id) +
      "\">Back to the article</a> · <a href=\"revisions\">All revisions</a></p>\n" + DiffHtml(*from, *to);
  return ReviewPage(200, req, title, html, "../../", "admin_diff");
}

Response PostRestore(Review& rv, const Request& req, int64_t id) {
  Result<newsroom::ArticleRecord> rec = rv.articles.Get(id);
  if (!rec.ok()) return StatusPage(req, rec.status(), "admin_restore");
  const std::string revision = QueryValue(req.body, "revision");
  const store::WfRevision* old = FindRev(*rec, revision);
  if (old == nullptr)
    return Refuse(
        req, revision.empty() ? 400 : 404,
        revision.empty() ? "Name the revision to restore." : "That is not a revision of this article.",
        "admin_restore");
  Result<newsroom::Saved> saved =
      rv.articles.Save(req.actor, id, old->source, rec->article.latest_revision, /*major=*/false);
  if (!saved.ok()) return StatusPage(req, saved.status(), "admin_restore");
  if (saved->conflict)
    return Refuse(req, 409, "Someone saved a newer revision meanwhile: look at the revisions again.",
                  "admin_restore");
  return Redirect(303, "/admin/articles/" + std::to_string(id) + "/revisions?done=restore", "admin_restore");
}

Response PostPreviewLink(Review& rv, const Request& req, int64_t id) {
  std::string days_text(util::Trim(QueryValue(req.body, "days")));
  int days = 0;
  if (days_text.empty() || days_text.size() > 3 ||
      days_text.find_first_not_of("0123456789") != std::string::npos)
    return Refuse(req, 400, "Expires after (days) must be a whole number from 1 to 30.",
                  "admin_preview_link");
  days = std::stoi(days_text);
  const std::string revision = QueryValue(req.body, "revision");
  Result<newsroom::PreviewLinkMade> made = rv.previews.Create(req.actor, id, revision, days);
  if (!made.ok()) return StatusPage(req, made.status(), "admin_preview_link");
  std::string url = PreviewUrl(rv, req, made->token);
  std::string html =
      ReviewCss("../../") +
      "<h1>Private preview link</h1>\n<p class=\"admin-note\" role=\"status\">Preview link created. "
      "It is shown only this once: copy it now.</p>\n<p><a class=\"review-preview-url\" href=\"" +
      Esc(url) + "\">" + Esc(url) + "</a></p>\n<p>It shows revision <code>" + Esc(ShortRev(revision)) +
      "</code> as readers would see it, to anyone who has the link, until " + Esc(made->expires_at) +
      " (UTC). Search engines are asked not to index it.</p>\n<p><a href=\"../" + std::to_string(id) +
      "\">Back to the article</a></p>\n";
  return ReviewPage(200, req, "Private preview link", html, "../../", "admin_preview_link");
}

Response PreviewPage(Review& rv, const Request& req, std::string_view token) {
  auto not_found = [&] {
    Response res =
        HtmlResponse(404,
                     "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Preview "
                     "not found</title>\n</head>\n<body>\n<main>\n<h1>This preview link does not "
                     "work</h1>\n<p>It has expired, or it was never made. Ask the person who sent it "
                     "for a new one.</p>\n</main>\n</body>\n</html>\n",
                     "preview");
    res.headers.emplace_back("X-Robots-Tag", "noindex");
    return res;
  };
  Result<newsroom::PreviewTarget> target = rv.previews.Open(std::string(token));
  if (!target.ok()) return not_found();
  std::shared_ptr<const Content> content = rv.app.Current();
  Result<std::string> page = publish::RenderRevisionPage(content->site, target->path, target->source);
  if (!page.ok())
    return HtmlResponse(500, "The preview could not be rendered: " + Esc(page.status().message()), "preview");
  std::string html = std::move(*page);
  // The banner, first in <body>.
  std::string banner =
      "\n<p class=\"draft-preview-banner\" role=\"note\"><strong>Draft preview, not published.</strong> This "
      "is revision " +
      Esc(ShortRev(target->revision)) + " as readers would see it; the link expires " +
      Esc(target->expires_at) + " (UTC).</p>\n";
  size_t body = html.find("<body");
  size_t end = body == std::string::npos ? std::string::npos : html.find('>', body);
  if (end == std::string::npos) return not_found();
  html.insert(end + 1, banner);
  // The page's robots meta, if any, says noindex too.
  Response res = HtmlResponse(200, std::move(html), "preview");
  res.headers.emplace_back("X-Robots-Tag", "noindex");
  return res;
}

}  // namespace vetted::server::admin
