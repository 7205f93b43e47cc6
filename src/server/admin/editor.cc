// The newsroom's writing pages: article list, new article, editor, preview
// (editor_routes.h).
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "load/load.h"
#include "publish/publish.h"
#include "server/admin/article_form.h"
#include "server/admin/cite_picker.h"
#include "server/admin/editor_routes.h"
#include "server/admin/internal.h"
#include "server/http_parse.h"

namespace vetted::server {
namespace admin {
namespace {

constexpr long long kPresenceSeconds = 120;
// Form encoding may triple a text (percent escapes): up to the parser's ceiling.
constexpr size_t kFormLimit = kMaxRouteBodyBytes;

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

// Who has the editor of an article open: in this process's memory only.
class Presence {
 public:
  // Records that `account` (shown as `name`) opened the article's editor at `now`.
  void Touch(int64_t article, int64_t account, const std::string& name, long long now) {
    std::lock_guard<std::mutex> lock(mu_);
    Prune(now);
    seen_[article][account] = {name, now};
  }
  // The names of the others who opened it in the last kPresenceSeconds.
  std::vector<std::string> Others(int64_t article, int64_t account, long long now) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    auto it = seen_.find(article);
    if (it == seen_.end()) return out;
    for (const auto& [who, entry] : it->second)
      if (who != account && now - entry.at < kPresenceSeconds) out.push_back(entry.name);
    return out;
  }

 private:
  struct Entry {
    std::string name;
    long long at = 0;
  };
  void Prune(long long now) {
    for (auto a = seen_.begin(); a != seen_.end();) {
      std::erase_if(a->second, [&](const auto& e) { return now - e.second.at >= kPresenceSeconds; });
      a = a->second.empty() ? seen_.erase(a) : std::next(a);
    }
  }
  std::mutex mu_;
  std::unordered_map<int64_t, std::map<int64_t, Entry>> seen_;
};

struct Editor {
  App::Impl& app;
  newsroom::Articles& articles;
  Presence presence;
};

Response Html(int status, std::string html, std::string_view route) {
  return HtmlResponse(status, std::move(html), route);
}

std::optional<int64_t> Id(const PathMatch& match) {
  std::string_view s = match.Param("id");
  if (s.empty() || s.size() > 15 || s.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  return std::stoll(std::string(s));
}

int HttpStatus(const Status& s) {
  switch (s.code()) {
    case Code::kForbidden:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kInvalid:
      return 400;
    case Code::kConflict:
      return 409;
    case Code::kExhausted:  // the router adds Retry-After
      return 503;
    default:
      return 500;
  }
}

// Why a save failed, for the editor's alert; the text stays in the form.
std::string NotStoredWhy(const Status& s) {
  if (s.code() == Code::kExhausted)
    return "the server's disk is full. Your text is still in the form below: save again in a few minutes.";
  return s.message();
}

std::string StateWords(std::string_view state) {
  if (state == "draft") return "Draft";
  if (state == "in_review") return "In review";
  if (state == "approved") return "Approved";
  if (state == "published") return "Published";
  if (state == "unpublished") return "Unpublished";
  return std::string(state);
}

// "2026-12-07T12:59:12Z" -> "2026-12-07 12:59 UTC".
std::string When(const std::string& at) {
  if (at.size() < 16) return at;
  return at.substr(0, 10) + " " + at.substr(11, 5) + " UTC";
}

// The name of a person of the served site, else the id.
std::string PersonName(const Site& site, const std::string& id) {
  auto it = site.people.find(id);
  return it == site.people.end() || it->second.name.empty() ? id : it->second.name;
}

std::string ActorName(const Site& site, const newsroom::Actor& actor) {
  if (!actor.person_id.empty() && site.people.count(actor.person_id))
    return PersonName(site, actor.person_id);
  return actor.email;
}

// "content/a/b/x.md" -> "a/b".
std::string SectionOf(const std::string& path) {
  std::string_view rel = path;
  if (util::StartsWith(rel, "content/")) rel.remove_prefix(8);
  size_t slash = rel.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(rel.substr(0, slash));
}

std::string SectionTitle(const Site& site, const std::string& section) {
  if (section.empty()) return "(top level)";
  std::string url = "/" + section + "/";
  for (const Section& s : site.sections)
    if (s.url == url) return s.ShownTitle();
  return util::Humanize(section.substr(section.rfind('/') + 1));
}

// The newest review date among the article's reviewers (empty when none).
Date LastReview(const Article& a) {
  Date last;
  for (const Review& r : a.reviewers)
    if (r.date > last) last = r.date;
  return last;
}

// The article's latest revision (WfArticle::latest_revision: saving an older
// text again makes that revision the latest, so it is not always the last
// one stored); nullptr when it has none.
const store::WfRevision* LatestRevision(const newsroom::ArticleRecord& rec) {
  for (const store::WfRevision& r : rec.revisions)
    if (r.hash == rec.article.latest_revision) return &r;
  return rec.revisions.empty() ? nullptr : &rec.revisions.back();
}

// ---- the article list ----------------------------------------------------------

struct Row {
  int64_t id = 0;
  std::string title, path, state, section, authors, last_change;
  Date next_review;  // empty: never reviewed
  bool reviewed = false;
};

std::string Option(const std::string& value, const std::string& label, const std::string& chosen) {
  return "<option value=\"" + Esc(value) + "\"" + (value == chosen ? " selected" : "") + ">" + Esc(label) +
         "</option>\n";
}

std::string TextFilter(const char* name, const char* label, const std::string& value,
                       const char* list = nullptr) {
  return std::string("<div class=\"admin-filter\">\n<label for=\"filter-") + name + "\">" + label +
         "</label>\n<input id=\"filter-" + name + "\" name=\"" + name + "\" type=\"text\" value=\"" +
         Esc(value) + "\"" + (list ? std::string(" list=\"") + list + "\"" : "") + ">\n</div>\n";
}

Response ListPage(Editor& ed, const Request& req) {
  std::shared_ptr<const Content> content = ed.app.Current();
  const Site& site = content->site;
  std::string query(req.Query());
  std::string q = QueryValue(query, "q"), state = QueryValue(query, "state"),
              section = QueryValue(query, "section"), author = QueryValue(query, "author"),
              reviewer = QueryValue(query, "reviewer"), due = QueryValue(query, "due");
  if (state == "any") state.clear();
  if (due == "any") due.clear();
  std::string alert;
  int status = 200;
  if (!state.empty() && !newsroom::ParseState(state)) {
    alert = "Unknown state \"" + state + "\": choose one from the list.";
    status = 400;
    state.clear();
  }
  if (!due.empty() && due != "overdue" && due != "soon" && due != "never") {
    alert = "Unknown review-due choice \"" + due + "\": choose one from the list.";
    status = 400;
    due.clear();
  }
  newsroom::ArticleFilter filter;
  filter.state = state;
  // An author by person id or by name.
  std::string author_id = util::Trim(author).empty() ? "" : std::string(util::Trim(author));
  for (const auto& [id, person] : site.people)
    if (!author_id.empty() && util::EqualsIgnoreCase(person.name, author_id)) author_id = id;
  filter.author = author_id;
  // A reviewer by account email, person id or name, or account id.
  std::string who(util::Trim(reviewer));
  std::vector<store::AccountRecord> accounts;
  if (store::AccountStore* store = ed.app.store.Accounts()) {
    Result<std::vector<store::AccountRecord>> list = store->ListAccounts();
    if (list.ok()) accounts = std::move(*list);
  }
  if (!who.empty()) {
    filter.reviewer = -1;  // matches nobody unless an account is found
    for (const store::AccountRecord& a : accounts) {
      if ((a.roles & newsroom::kReviewer) == 0) continue;
      if (util::EqualsIgnoreCase(a.email, who) || std::to_string(a.id) == who ||
          (!a.person_id.empty() &&
           (a.person_id == who || util::EqualsIgnoreCase(PersonName(site, a.person_id), who))))
        filter.reviewer = a.id;
    }
    if (filter.reviewer == -1) alert = "No medical reviewer's account matches \"" + who + "\".";
  }
  std::vector<Row> rows;
  if (filter.reviewer != -1) {
    Result<std::vector<newsroom::ArticleSummary>> list = ed.articles.List(filter);
    if (!list.ok()) return Refuse(req, HttpStatus(list.status()), list.status().message(), "admin_articles");
    std::unordered_map<std::string, const Article*> served;
    for (const Article& a : site.articles) served[a.file] = &a;
    Date today = publish::Today(*ed.app.options.clock);
    std::string lower_q = util::ToLower(util::Trim(q));
    std::string want_section(util::Trim(section));
    while (!want_section.empty() && want_section.back() == '/') want_section.pop_back();
    while (!want_section.empty() && want_section.front() == '/') want_section.erase(0, 1);
    for (const newsroom::ArticleSummary& s : *list) {
      Row row;
      row.id = s.article.id;
      row.path = s.article.path;
      row.state = s.article.state;
      row.section = SectionOf(s.article.path);
      Result<newsroom::ArticleRecord> rec = ed.articles.Get(s.article.id);
      Article latest;
      const store::WfRevision* newest = rec.ok() ? LatestRevision(*rec) : nullptr;
      if (newest != nullptr) {
        std::vector<Diagnostic> ignored;
        latest = load::ParseArticle(newest->source, s.article.path, ignored);
        // The last thing recorded about the article (a save, a review step, ...).
        row.last_change = When(rec->audit.empty() ? newest->created_at : rec->audit.back().at);
      }
      row.title = !latest.title.empty() ? latest.title : !s.title.empty() ? s.title : s.article.path;
      std::vector<std::string> names;
      for (const std::string& id : latest.authors.empty() ? s.authors : latest.authors)
        names.push_back(PersonName(site, id));
      for (const std::string& n : names) row.authors += (row.authors.empty() ? "" : ", ") + n;
      // The next review: of what readers see when the article is live, else of the latest revision.
      auto live = served.find(s.article.path);
      const Article& shown = live != served.end() ? *live->second : latest;
      Date last = LastReview(shown);
      row.reviewed = !last.empty();
      // The article's own review_interval when it has one, else the site's.
      if (row.reviewed) row.next_review = last.AddMonths(ReviewIntervalMonths(site.config, shown));
      if (!lower_q.empty() && util::ToLower(row.title).find(lower_q) == std::string::npos &&
          util::ToLower(row.path).find(lower_q) == std::string::npos)
        continue;
      if (!want_section.empty() && row.section != want_section &&
          !util::StartsWith(row.section, want_section + "/") &&
          !util::EqualsIgnoreCase(SectionTitle(site, row.section), want_section))
        continue;
      if (due == "never" && row.reviewed) continue;
      if (due == "overdue" && !(row.reviewed && row.next_review < today)) continue;
      if (due == "soon" && !(row.reviewed && !(row.next_review < today) &&
                             row.next_review.DaysSinceEpoch() - today.DaysSinceEpoch() <= 30))
        continue;
      rows.push_back(std::move(row));
    }
  }
  std::string html = "<link rel=\"stylesheet\" href=\"editor.css\">\n<h1>Articles</h1>\n" + Alert(alert);
  // Only to accounts that may write (an admin alone may not).
  if (newsroom::MayCreate(req.actor).ok()) html += "<p><a href=\"articles/new\">New article</a></p>\n";
  html +=
      "<form class=\"admin-form admin-filters\" method=\"get\" action=\"articles\" role=\"search\" "
      "aria-label=\"Filter articles\">\n";
  html += TextFilter("q", "Search", q);
  html +=
      "<div class=\"admin-filter\">\n<label for=\"filter-state\">State</label>\n<select id=\"filter-state\" "
      "name=\"state\">\n";
  for (const char* s : {"any", "draft", "in_review", "approved", "published", "unpublished"})
    html += Option(s, std::string(s) == "any" ? "Any" : StateWords(s), state.empty() ? "any" : state);
  html += "</select>\n</div>\n";
  html += TextFilter("section", "Section", section, "sections");
  html += "<datalist id=\"sections\">\n";
  for (const Section& s : site.sections)
    if (s.url.size() > 2) html += "<option value=\"" + Esc(s.url.substr(1, s.url.size() - 2)) + "\">\n";
  html += "</datalist>\n";
  html += TextFilter("author", "Author", author, "people");
  html += "<datalist id=\"people\">\n";
  for (const auto& [id, person] : site.people) html += "<option value=\"" + Esc(id) + "\">\n";
  html += "</datalist>\n";
  html += TextFilter("reviewer", "Reviewer", reviewer, "reviewers");
  html += "<datalist id=\"reviewers\">\n";
  for (const store::AccountRecord& a : accounts)
    if ((a.roles & newsroom::kReviewer) != 0) html += "<option value=\"" + Esc(a.email) + "\">\n";
  html += "</datalist>\n";
  html +=
      "<div class=\"admin-filter\">\n<label for=\"filter-due\">Review due</label>\n<select id=\"filter-due\" "
      "name=\"due\">\n";
  for (auto [value, label] : {std::pair{"any", "Any"}, std::pair{"overdue", "Overdue"},
                              std::pair{"soon", "Within 30 days"}, std::pair{"never", "Never reviewed"}})
    html += Option(value, label, due.empty() ? "any" : due);
  html += "</select>\n</div>\n<button type=\"submit\">Filter</button>\n</form>\n";
  html += "<table class=\"admin-table\">\n<caption>" + std::to_string(rows.size()) +
          (rows.size() == 1 ? " article" : " articles") +
          "</caption>\n<thead><tr><th scope=\"col\">Title</th><th scope=\"col\">State</th><th "
          "scope=\"col\">Section</th><th scope=\"col\">Authors</th><th scope=\"col\">Last change</th><th "
          "scope=\"col\">Next review</th></tr></thead>\n<tbody>\n";
  Date today = publish::Today(*ed.app.options.clock);
  for (const Row& r : rows) {
    std::string next = !r.reviewed             ? "Never reviewed"
                       : r.next_review < today ? r.next_review.Iso() + " (overdue)"
                                               : r.next_review.Iso();
    html += "<tr><th scope=\"row\"><a href=\"articles/" + std::to_string(r.id) + "\">" + Esc(r.title) +
            "</a><br><span class=\"admin-help\">" + Esc(r.path) + "</span></th><td>" +
            Esc(StateWords(r.state)) + "</td><td>" + Esc(SectionTitle(site, r.section)) + "</td><td>" +
            Esc(r.authors) + "</td><td>" + Esc(r.last_change) + "</td><td>" + Esc(next) + "</td></tr>\n";
  }
  if (rows.empty()) html += "<tr><td colspan=\"6\">No articles match.</td></tr>\n";
  html += "</tbody>\n</table>\n";
  return Html(status, Page("Articles", req.actor, req.csrf, html), "admin_articles");
}

// ---- the editor -------------------------------------------------------------------

// Where a finding's line is, in the words of the form: a field of the front
// matter, or a line of the article text.
std::string Place(const std::string& source, int line) {
  if (line <= 0) return "Whole file";
  std::vector<std::string_view> lines = util::Split(source, '\n');
  int close = 0;  // the line of the closing "---"
  if (!lines.empty() && util::Trim(lines[0]) == "---")
    for (size_t i = 1; i < lines.size(); ++i)
      if (util::Trim(lines[i]) == "---" || util::Trim(lines[i]) == "...") {
        close = static_cast<int>(i) + 1;
        break;
      }
  if (line > close) return "Article text, line " + std::to_string(line - close);
  std::string key;
  for (int i = line - 1; i >= 1 && key.empty(); --i) {
    std::string_view l = lines[i];
    if (!l.empty() && l[0] != ' ' && l[0] != '-' && l[0] != '#' && l.find(':') != std::string_view::npos)
      key = std::string(util::Trim(l.substr(0, l.find(':'))));
  }
  static const std::map<std::string, std::string> kLabels = {
      {"title", "Title"},
      {"description", "Summary"},
      {"authors", "Authors"},
      {"published", "First published"},
      {"fact_checkers", "Fact checkers"},
      {"tags", "Tags"},
      {"aspect", "Aspect"},
      {"aliases", "Old addresses (aliases)"},
      {"callouts", "Boxes (callouts)"},
      {"toc", "Contents list"},
      {"image", "Hero image"},
      {"references", "Sources for this article only"},
      {"reviewers", "Medical reviews (set by the newsroom)"},
      {"updated", "Last updated (set by the newsroom)"}};
  auto it = kLabels.find(key);
  std::string field = it != kLabels.end() ? it->second : key.empty() ? "Front matter" : key;
  return field + " (file line " + std::to_string(line) + ")";
}

std::string Findings(const std::vector<Diagnostic>& diagnostics, const std::string& source,
                     const std::string& problem, bool dated) {
  std::string html =
      "<section class=\"admin-findings\" aria-labelledby=\"findings\">\n<h2 id=\"findings\">Checks</h2>\n";
  if (dated)
    html +=
        "<p class=\"admin-help\">No first publication date yet: the checks assume today's, as the "
        "newsroom sets it at the first publication.</p>\n";
  if (!problem.empty()) return html + Alert(problem) + "</section>\n";
  if (diagnostics.empty()) return html + "<p>No findings: the checks pass.</p>\n</section>\n";
  publish::Tally t = publish::Count(diagnostics);
  std::string errors = t.errors == 0   ? "No errors"
                       : t.errors == 1 ? "1 error to fix before publishing"
                                       : std::to_string(t.errors) + " errors to fix before publishing";
  std::string warnings = t.warnings == 0   ? "no warnings"
                         : t.warnings == 1 ? "1 warning"
                                           : std::to_string(t.warnings) + " warnings";
  html += "<p>" + errors + "; " + warnings + ".</p>\n<ul>\n";
  for (const Diagnostic& d : diagnostics) {
    html += std::string("<li class=\"") + (d.severity == Severity::kError ? "admin-error" : "admin-warning") +
            "\"><strong>" + (d.severity == Severity::kError ? "Error" : "Warning") + "</strong>, " +
            Esc(Place(source, d.pos.line)) + ": " + Esc(d.message) + " <code>" + Esc(d.rule) +
            "</code></li>\n";
  }
  return html + "</ul>\n</section>\n";
}

// The part of a theme page between <article ...> and its end, headings one
// level down (the admin page has its own <h1>).
std::string InlinePreview(const std::string& page) {
  size_t start = page.find("<article");
  size_t end = page.rfind("</article>");
  if (start == std::string::npos || end == std::string::npos || end < start) return "";
  std::string part = page.substr(start, end + 10 - start);
  for (int level = 5; level >= 1; --level) {
    std::string from = "h" + std::to_string(level), to = "h" + std::to_string(level + 1);
    part = util::ReplaceAll(part, "<" + from + ">", "<" + to + ">");
    part = util::ReplaceAll(part, "<" + from + " ", "<" + to + " ");
    part = util::ReplaceAll(part, "</" + from + ">", "</" + to + ">");
  }
  return part;
}

struct Checked {
  std::vector<Diagnostic> diagnostics;
  std::string html;     // the page
  std::string problem;  // why there is no preview ("" when there is one)
  std::string source;   // what was checked (line numbers refer to it)
  bool dated = false;   // `published` was added, as the newsroom adds it at the first publication
};

// `source` with `published: <today>` as the last front-matter key when it
// has none (the newsroom adds it so at the first publication); "" when it has one.
std::string WithPublished(const std::string& source, const std::string& path, const Date& today) {
  std::vector<Diagnostic> ignored;
  Article a = load::ParseArticle(source, path, ignored);
  if (!a.front_matter_ok || !a.published.empty() || a.key_lines.count("published")) return "";
  if (!util::StartsWith(source, "---\n")) return "";
  size_t close = source.find("\n---\n", 3);
  if (close == std::string::npos) return "";
  std::string out = source;
  out.insert(close + 1, "published: " + today.Iso() + "\n");
  return out;
}

Checked Check(Editor& ed, const std::string& path, const std::string& given) {
  Checked out;
  Date today = publish::Today(*ed.app.options.clock);
  out.source = WithPublished(given, path, today);
  out.dated = !out.source.empty();
  if (!out.dated) out.source = given;
  const std::string& source = out.source;
  publish::PreviewOptions options;
  options.validate.today = today;
  // The served site, with this article in it; the store's whole snapshot when
  // the article needs what only a whole load gives (a new folder, a new image).
  std::shared_ptr<const Content> content = ed.app.Current();
  Result<publish::ArticlePreview> p = publish::PreviewArticle(content->site, path, source, options);
  if (!p.ok() && p.status().code() == Code::kConflict) {
    Result<store::Snapshot> snapshot = ed.app.store.Load();
    if (!snapshot.ok()) {
      out.problem = "The published site could not be read: " + snapshot.status().message();
      return out;
    }
    p = publish::PreviewArticle(std::move(*snapshot), path, source, options);
  }
  if (!p.ok()) {
    out.problem = "No preview: " + p.status().message();
    return out;
  }
  out.diagnostics = std::move(p->diagnostics);
  out.html = std::move(p->html);
  if (p->url.empty())
    out.problem = "No preview: the site would not show this article (is it marked draft: true?).";
  return out;
}

// What the editor page shows besides the fields.
struct EditorView {
  int64_t id = 0;  // 0: a new article
  std::string path;
  std::string base_revision;
  bool major = false;
  ArticleFields fields;
  std::string note, alert;
  std::vector<std::string> others;  // also editing
  const Checked* checked = nullptr;
  bool show_preview = false;
  // A conflict: the newer revision saved by someone else.
  std::string theirs_revision, theirs_source, yours_source;
};

std::string Hidden(const char* name, const std::string& value) {
  return std::string("<input type=\"hidden\" name=\"") + name + "\" value=\"" + Esc(value) + "\">\n";
}

std::string EditorHtml(const Request& req, const newsroom::ArticleRecord* rec, const EditorView& v,
                       const CitePicker& picker) {
  std::string html =
      "<link rel=\"stylesheet\" href=\"" + std::string(v.id == 0 ? "../" : "../../") + "editor.css\">\n";
  if (v.id == 0) {
    html += "<h1>New article</h1>\n";
  } else {
    html += "<h1>Edit: " + Esc(v.fields.title.empty() ? v.path : v.fields.title) + "</h1>\n";
  }
  for (const std::string& who : v.others)
    html +=
        "<p class=\"admin-presence\" role=\"status\">" + Esc(who) +
        " is also editing this article</p>\n<p class=\"admin-help\">They opened it in the last 2 minutes. "
        "A save on top of another is refused, so nothing is lost; still, agree who edits first.</p>\n";
  if (!v.note.empty()) html += "<p class=\"admin-note\" role=\"status\">" + Esc(v.note) + "</p>\n";
  html += Alert(v.alert);
  if (!v.theirs_revision.empty()) {
    html +=
        "<section class=\"admin-conflict\" aria-labelledby=\"conflict\">\n<h2 id=\"conflict\">Someone saved "
        "a "
        "newer revision</h2>\n<p>While you were editing, " +
        Esc(v.theirs_revision) +
        " was saved. Nothing of yours was saved and nothing is lost: your text is below, and in the form. "
        "Merge what you need into the form and save again (it now builds on their revision).</p>\n"
        "<label for=\"theirs\">Their text (the newest revision)</label>\n"
        "<textarea id=\"theirs\" rows=\"14\" readonly>\n" +
        Esc(v.theirs_source) +
        "</textarea>\n<label for=\"yours\">Your text (not saved)</label>\n"
        "<textarea id=\"yours\" rows=\"14\" readonly>\n" +
        Esc(v.yours_source) + "</textarea>\n</section>\n";
  }
  if (rec != nullptr) {
    html += "<p>File <code>" + Esc(rec->article.path) + "</code> · " + Esc(StateWords(rec->article.state)) +
            (rec->article.live_revision.empty() ? "" : " · a revision is live") + " · <a href=\"../" +
            std::to_string(v.id) + "\">Article page</a></p>\n";
  }
  std::string action = v.id == 0 ? "new" : "edit";
  html += "<form class=\"admin-form admin-editor\" method=\"post\" action=\"" + action + "\">\n";
  html += Hidden("csrf", req.csrf);
  if (v.id != 0) html += Hidden("base_revision", v.base_revision);
  if (v.id == 0) {
    html +=
        "<label for=\"f-path\">File path</label>\n<p id=\"f-path-help\" class=\"admin-help\">Where the file "
        "goes: content/, the section's folders, then the name, ending in .md (for example "
        "content/sleep/naps.md). The address readers see follows from it.</p>\n"
        "<input id=\"f-path\" name=\"path\" type=\"text\" required aria-describedby=\"f-path-help\" "
        "value=\"" +
        Esc(v.path) + "\">\n";
  }
  if (v.fields.unreadable) {
    html += Alert(
        "The front matter could not be read, so it is shown as it is. Fix it here (the Checks say "
        "where), save, and the fields come back.");
    html +=
        "<label for=\"f-front-matter\">Front matter (YAML)</label>\n<textarea id=\"f-front-matter\" "
        "name=\"front_matter\" rows=\"10\">\n" +
        Esc(v.fields.kept) + "</textarea>\n";
  } else {
    html += FieldControls(v.fields);
  }
  // The text and, beside it on a wide screen, the checks (editor.css).
  html +=
      "<div class=\"editor-text\">\n<div class=\"editor-body\">\n"
      "<label for=\"f-body\">Article text (Markdown)</label>\n<p id=\"f-body-help\" class=\"admin-help\">"
      "Cite sources with [@key] (see Cite a source, below); link other articles by their address or .md "
      "file; boxes with ::: tip ... :::.</p>\n<textarea id=\"f-body\" name=\"body\" rows=\"24\" "
      "aria-describedby=\"f-body-help\">\n" +
      Esc(v.fields.body) + "</textarea>\n" + picker.section + "</div>\n";
  if (v.checked != nullptr)
    html += Findings(v.checked->diagnostics, v.checked->source, v.checked->problem, v.checked->dated);
  html += "</div>\n";
  if (v.id != 0) {
    html += std::string(
                "<div class=\"admin-check\"><input id=\"f-major\" name=\"major\" type=\"checkbox\" "
                "value=\"1\"") +
            (v.major ? " checked" : "") +
            "> <label for=\"f-major\">Major change (changes clinical advice)</label></div>\n";
    html +=
        "<div class=\"admin-actions\"><button type=\"submit\" name=\"action\" value=\"save\">Save "
        "draft</button>\n"
        "<button type=\"submit\" name=\"action\" value=\"preview\">Preview</button>\n"
        "<button type=\"submit\" formaction=\"preview\" formtarget=\"_blank\">Open the preview as a "
        "page (new tab)</button></div>\n";
  } else {
    html +=
        "<div class=\"admin-actions\"><button type=\"submit\" name=\"action\" value=\"save\">Create "
        "draft</button>\n<button type=\"submit\" name=\"action\" value=\"preview\">Preview</button></div>\n";
  }
  html += "</form>\n" + picker.outside;
  if (!v.fields.unreadable && !v.fields.kept.empty()) {
    html += "<details class=\"admin-kept\"><summary>Set by the newsroom (not edited here)</summary>\n<pre>" +
            Esc(v.fields.kept) + "</pre>\n</details>\n";
  }
  if (v.show_preview && v.checked != nullptr && !v.checked->html.empty()) {
    html +=
        "<section class=\"admin-preview\" aria-labelledby=\"preview\">\n<h2 id=\"preview\">Preview (not "
        "saved)</h2>\n" +
        InlinePreview(v.checked->html) + "\n</section>\n";
  }
  std::string up = v.id == 0 ? "../" : "../../";
  html += "<script src=\"" + up + "editor.js\" defer></script>\n<script src=\"" + up +
          "cite.js\" defer></script>\n";
  return html;
}

Response EditorResponse(Editor& ed, int status, const Request& req, const newsroom::ArticleRecord* rec,
                        const EditorView& v) {
  std::string up = v.id == 0 ? "../" : "../../";
  std::shared_ptr<const Content> content = ed.app.Current();
  CitePicker picker = CitePickerHtml(content->site.bibliography, v.fields.body, up);
  std::string title =
      v.id == 0 ? "New article" : "Edit " + (v.fields.title.empty() ? v.path : v.fields.title);
  return Html(status, Page(title, req.actor, req.csrf, EditorHtml(req, rec, v, picker), up), "admin_editor");
}

// The revision `hash` of the record, or the latest.
const store::WfRevision* RevisionOf(const newsroom::ArticleRecord& rec, const std::string& hash) {
  for (const store::WfRevision& r : rec.revisions)
    if (r.hash == hash) return &r;
  return LatestRevision(rec);
}

// The fields posted, with what the form does not edit from the revision `base`.
ArticleFields Posted(const Request& req, const std::string& path, const store::WfRevision* base) {
  ArticleFields f = FieldsOfForm(req.body);
  std::string front = QueryValue(req.body, "front_matter");
  if (!front.empty()) {
    f.unreadable = true;
    f.kept = util::ReplaceAll(front, "\r\n", "\n");
    if (!f.kept.empty() && f.kept.back() != '\n') f.kept += '\n';
  } else if (base != nullptr) {
    ArticleFields stored = FieldsOfSource(base->source, path);
    if (!stored.unreadable) f.kept = stored.kept;
  }
  return f;
}

void Record(Editor& ed, const Request& req, int64_t id, std::vector<std::string>* others) {
  long long now = ed.app.options.clock->NowSeconds();
  std::shared_ptr<const Content> content = ed.app.Current();
  ed.presence.Touch(id, req.actor.account_id, ActorName(content->site, req.actor), now);
  *others = ed.presence.Others(id, req.actor.account_id, now);
}

// The note the editor shows after a save ("saved:REV" or "settings:REV"),
// carried across the 303 by a short-lived cookie so that the editor's address
// stays /admin/articles/{id}/edit. Only a revision of the article is shown.
constexpr std::string_view kNoteCookie = "vetted-editor-note";

std::string NoteCookie(const Editor& ed, const std::string& value, int max_age) {
  return std::string(kNoteCookie) + "=" + value +
         "; Path=/admin/articles/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Lax" +
         (ed.app.options.secure_cookies ? "; Secure" : "");
}

Response SavedRedirect(const Editor& ed, int64_t id, const std::string& kind, const std::string& revision) {
  Response res = Redirect(303, "/admin/articles/" + std::to_string(id) + "/edit", "admin_editor");
  res.headers.emplace_back("Set-Cookie", NoteCookie(ed, kind + ":" + revision, 120));
  return res;
}

Response EditPage(Editor& ed, const Request& req, const PathMatch& match) {
  std::optional<int64_t> id = Id(match);
  if (!id) return Refuse(req, 404, "No such article.", "admin_editor");
  Result<newsroom::ArticleRecord> rec = ed.articles.Get(*id);
  if (!rec.ok()) return Refuse(req, HttpStatus(rec.status()), rec.status().message(), "admin_editor");
  if (LatestRevision(*rec) == nullptr)
    return Refuse(req, 500, "The article has no revision.", "admin_editor");
  const store::WfRevision& latest = *LatestRevision(*rec);
  EditorView v;
  v.id = *id;
  v.path = rec->article.path;
  v.base_revision = latest.hash;
  v.fields = FieldsOfSource(latest.source, v.path);
  // A live article whose text has no first publication date: the date readers
  // see, so that the next save keeps it (the newsroom would otherwise set it
  // again at the next publication).
  if (v.fields.published.empty() && !v.fields.unreadable) {
    std::shared_ptr<const Content> content = ed.app.Current();
    for (const Article& a : content->site.articles)
      if (a.file == v.path && !a.published.empty()) v.fields.published = a.published.Iso();
  }
  std::string note = CookieValue(req.Header("Cookie"), kNoteCookie);
  size_t colon = note.find(':');
  std::string kind = note.substr(0, colon == std::string::npos ? 0 : colon);
  std::string saved = colon == std::string::npos ? "" : note.substr(colon + 1);
  if (!saved.empty() && RevisionOf(*rec, saved)->hash == saved) v.note = "Saved revision " + saved;
  if (!v.note.empty() && kind == "settings") {
    v.note = "Saved. What readers see as the article did not change, so this is still revision " + saved +
             " and its medical approvals still cover it; the settings you changed (old addresses, contents "
             "list, first publication date, ...) are kept with it and in the production record.";
    if (rec->article.live_revision == saved)
      v.note += " Readers see them once an editor publishes the article again.";
  }
  Record(ed, req, *id, &v.others);
  Checked checked = Check(ed, v.path, latest.source);
  v.checked = &checked;
  Response res = EditorResponse(ed, 200, req, &*rec, v);
  if (!note.empty()) res.headers.emplace_back("Set-Cookie", NoteCookie(ed, "", 0));  // shown once
  return res;
}

Response PostEdit(Editor& ed, const Request& req, const PathMatch& match, bool page_preview) {
  std::optional<int64_t> id = Id(match);
  if (!id) return Refuse(req, 404, "No such article.", "admin_editor");
  Result<newsroom::ArticleRecord> rec = ed.articles.Get(*id);
  if (!rec.ok()) return Refuse(req, HttpStatus(rec.status()), rec.status().message(), "admin_editor");
  std::string base = QueryValue(req.body, "base_revision");
  const store::WfRevision* base_rev = RevisionOf(*rec, base);
  EditorView v;
  v.id = *id;
  v.path = rec->article.path;
  v.base_revision = base;
  v.major = !QueryValue(req.body, "major").empty();
  v.fields = Posted(req, v.path, base_rev);
  std::string source = SourceOfFields(v.fields);
  std::string action = QueryValue(req.body, "action");
  if (page_preview || action == "preview") {
    Checked checked = Check(ed, v.path, source);
    if (page_preview) {
      if (!checked.html.empty()) {
        Response res = Html(200, std::move(checked.html), "admin_preview");
        res.headers.emplace_back("X-Robots-Tag", "noindex");
        return res;
      }
      return Refuse(req, 400, checked.problem, "admin_preview");
    }
    Record(ed, req, *id, &v.others);
    v.checked = &checked;
    v.show_preview = true;
    v.note = checked.html.empty() ? "" : "Preview below; nothing was saved.";
    return EditorResponse(ed, 200, req, &*rec, v);
  }
  if (action != "save" && !action.empty())
    return Refuse(req, 400, "Unknown action \"" + action + "\": use Save draft or Preview.", "admin_editor");
  if (base.empty()) {
    v.alert = "The form lacks base_revision (the revision it was opened on). Reload the editor.";
    return EditorResponse(ed, 400, req, &*rec, v);
  }
  // Nothing edited: the stored file as it is (the form writes front matter its own way).
  if (base_rev != nullptr && base_rev->hash == base && FieldsOfSource(base_rev->source, v.path) == v.fields)
    source = base_rev->source;
  Result<newsroom::Saved> saved = ed.articles.Save(req.actor, *id, source, base, v.major);
  if (!saved.ok()) {
    v.alert = "Not saved: " + NotStoredWhy(saved.status());
    return EditorResponse(ed, HttpStatus(saved.status()), req, &*rec, v);
  }
  if (saved->conflict) {
    v.theirs_revision = saved->latest_revision;
    v.theirs_source = saved->latest_source;
    v.yours_source = source;
    v.base_revision = saved->latest_revision;  // saving again builds on theirs
    // What the newsroom set keeps coming from the newest revision.
    ArticleFields theirs = FieldsOfSource(saved->latest_source, v.path);
    if (!theirs.unreadable && !v.fields.unreadable) v.fields.kept = theirs.kept;
    Record(ed, req, *id, &v.others);
    return EditorResponse(ed, 409, req, &*rec, v);
  }
  // The same revision (what readers see did not change) with other settings:
  // kept in that revision, without a new review, and the page says so.
  return SavedRedirect(ed, *id, saved->settings_only ? "settings" : "saved", saved->revision);
}

Response NewPage(Editor& ed, const Request& req) {
  EditorView v;
  v.fields.authors = req.actor.person_id;
  return EditorResponse(ed, 200, req, nullptr, v);
}

Response PostNew(Editor& ed, const Request& req) {
  EditorView v;
  v.path = std::string(util::Trim(QueryValue(req.body, "path")));
  v.fields = Posted(req, v.path, nullptr);
  std::string source = SourceOfFields(v.fields);
  if (QueryValue(req.body, "action") == "preview") {
    Checked checked = Check(ed, v.path, source);
    v.checked = &checked;
    v.show_preview = true;
    return EditorResponse(ed, 200, req, nullptr, v);
  }
  if (v.path.empty()) {
    v.alert = "Give the file path, for example content/sleep/naps.md.";
    return EditorResponse(ed, 400, req, nullptr, v);
  }
  Result<newsroom::Created> c = ed.articles.Create(req.actor, v.path, source);
  if (!c.ok()) {
    v.alert = "Not created: " + NotStoredWhy(c.status());
    return EditorResponse(ed, HttpStatus(c.status()), req, nullptr, v);
  }
  return SavedRedirect(ed, c->id, "saved", c->revision);
}

}  // namespace

// Refreshes the editor's preview section as the writer types (fetch of the
// same form with action=preview), without leaving the page.
std::string_view EditorScript();
// The writing pages' own styles: wider pages, the checks beside the text.
std::string_view EditorStylesheet();

}  // namespace admin

namespace {

// A file the admin's pages load (a script, a stylesheet), built into the program.
Route AssetRoute(const char* pattern, std::string_view body, const char* type, std::string_view route) {
  return {kGet, pattern, Access::kPublic, kNoBody,
          [body, type, route](Request&&, const PathMatch&, Respond respond) {
            Response res;
            res.body = std::string(body);
            res.headers = {{"Content-Type", type},
                           {"Content-Length", std::to_string(res.body.size())},
                           {"Cache-Control", "no-store"}};
            AddSecurityHeaders(res.headers);
            res.route = route;
            respond(std::move(res));
          }};
}

}  // namespace

Status AddEditorRoutes(Router& router, App::Impl& app) {
  if (!app.articles) return Status::Ok();
  auto ed = std::shared_ptr<admin::Editor>(new admin::Editor{app, *app.articles, {}});
  using newsroom::kAdmin;
  using newsroom::kEditor;
  using newsroom::kReviewer;
  using newsroom::kWriter;
  const uint8_t kAuthors = kWriter | kReviewer | kEditor;
  const uint8_t kAnyone = kAuthors | kAdmin;
  auto page = [ed](Response (*fn)(admin::Editor&, const Request&)) {
    return [ed, fn](Request&& req, const PathMatch&, Respond respond) { respond(fn(*ed, req)); };
  };
  std::vector<Route> routes = {
      {kGet, "/admin/articles", Access::kWriter, kNoBody, page(admin::ListPage), kAnyone},
      {kGet, "/admin/articles/new", Access::kWriter, kNoBody, page(admin::NewPage), kAuthors},
      {kPost, "/admin/articles/new", Access::kWriter, admin::kFormLimit, page(admin::PostNew), kAuthors},
      {kGet, "/admin/articles/{id}/edit", Access::kWriter, kNoBody,
       [ed](Request&& req, const PathMatch& m, Respond respond) { respond(admin::EditPage(*ed, req, m)); },
       kAuthors},
      {kPost, "/admin/articles/{id}/edit", Access::kWriter, admin::kFormLimit,
       [ed](Request&& req, const PathMatch& m, Respond respond) {
         respond(admin::PostEdit(*ed, req, m, false));
       },
       kAuthors},
      {kPost, "/admin/articles/{id}/preview", Access::kWriter, admin::kFormLimit,
       [ed](Request&& req, const PathMatch& m, Respond respond) {
         respond(admin::PostEdit(*ed, req, m, true));
       },
       kAuthors},
      {kGet, "/admin/articles/cite", Access::kWriter, kNoBody,
       [ed](Request&& req, const PathMatch&, Respond respond) {
         std::shared_ptr<const Content> content = ed->app.Current();
         respond(admin::CiteSearchPage(content->site.bibliography, req));
       },
       kAuthors},
      AssetRoute("/admin/cite.js", admin::CiteScript(), "text/javascript; charset=utf-8", "admin_js"),
      AssetRoute("/admin/editor.css", admin::EditorStylesheet(), "text/css; charset=utf-8", "admin_css"),
      AssetRoute("/admin/editor.js", admin::EditorScript(), "text/javascript; charset=utf-8", "admin_js"),
  };
  for (Route& r : routes)
    if (Status s = router.Add(std::move(r)); !s.ok()) return s;
  return Status::Ok();
}

}  // namespace vetted::server
