// The feedback inbox: every article's helpful share, and one article's share
// by week (an SVG chart with a table of the same numbers) and its comments.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "server/admin/desk_internal.h"

namespace vetted::server::admin {
namespace {

struct Tally {
  size_t answers = 0, helpful = 0, open_tickets = 0;
  std::string last;  // newest created_at
};

std::string Percent(size_t part, size_t whole) {
  if (whole == 0) return "–";
  return std::to_string((part * 100 + whole / 2) / whole) + "%";
}

std::string FeedbackUrl(std::string_view up, std::string_view article_url) {
  std::string out = std::string(up) + "feedback/article?url=";
  for (unsigned char c : article_url) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// Days since 1970-01-01 of a "2026-11-26T06:01:02Z" time; -1 when malformed.
long DayOf(const std::string& at) {
  std::optional<Date> d = Date::Parse(at.substr(0, std::min<size_t>(at.size(), 10)));
  return d && d->complete() ? d->DaysSinceEpoch() : -1;
}

// The Monday starting the week of `day` (1970-01-05 was a Monday), as a date.
std::string WeekStart(long day) {
  long monday = day - ((day - 4) % 7 + 7) % 7;
  return util::FormatIsoUtc(static_cast<long long>(monday) * 86400).substr(0, 10);
}

struct Week {
  std::string start;  // "2026-11-23"
  size_t answers = 0, helpful = 0;
};

// A bar per week: the share found helpful (0 to 100%), answers under each bar.
std::string ShareChart(const std::vector<Week>& weeks, const std::string& title) {
  const int kBar = 36, kGap = 12, kTop = 10, kHeight = 150, kLeft = 40;
  const int width = kLeft + static_cast<int>(weeks.size()) * (kBar + kGap) + kGap;
  std::string svg = "<svg class=\"admin-chart\" role=\"img\" aria-labelledby=\"chart-title\" width=\"" +
                    std::to_string(width) + "\" height=\"" + std::to_string(kTop + kHeight + 40) +
                    "\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(kTop + kHeight + 40) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"chart-title\">" + Esc(title) +
                    "</title>\n";
  for (int pct : {0, 50, 100}) {
    int y = kTop + kHeight - kHeight * pct / 100;
    svg += "<line x1=\"" + std::to_string(kLeft - 4) + "\" x2=\"" + std::to_string(width) + "\" y1=\"" +
           std::to_string(y) + "\" y2=\"" + std::to_string(y) +
           "\" stroke=\"currentColor\" stroke-opacity=\"0.3\"/>\n<text x=\"0\" y=\"" + std::to_string(y + 4) +
           "\" font-size=\"11\" fill=\"currentColor\">" + std::to_string(pct) + "%</text>\n";
  }
  int x = kLeft + kGap;
  for (const Week& w : weeks) {
    int h = w.answers == 0 ? 0 : static_cast<int>(kHeight * w.helpful / w.answers);
    svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(kTop + kHeight - h) + "\" width=\"" +
           std::to_string(kBar) + "\" height=\"" + std::to_string(h) + "\" fill=\"currentColor\"><title>" +
           Esc("Week of " + w.start + ": " + Percent(w.helpful, w.answers) + " of " +
               std::to_string(w.answers)) +
           "</title></rect>\n<text x=\"" + std::to_string(x) + "\" y=\"" +
           std::to_string(kTop + kHeight + 16) + "\" font-size=\"10\" fill=\"currentColor\">" +
           Esc(w.start.substr(5)) + "</text>\n";
    x += kBar + kGap;
  }
  return svg + "</svg>\n";
}

std::map<std::string, size_t> OpenTicketsByUrl(DeskState& state) {
  std::map<std::string, size_t> out;
  Result<std::vector<store::Ticket>> tickets = state.tickets->List();
  if (!tickets.ok()) return out;
  for (const store::Ticket& t : *tickets)
    if (t.state == "open" || t.state == "assigned") ++out[t.article_url];
  return out;
}

}  // namespace

Response FeedbackPage(DeskState& state, const Request& req) {
  Result<std::vector<store::FeedbackRecord>> all = state.app.store.ListFeedback();
  if (!all.ok())
    return Refuse(req, 500, "Reading the feedback failed: " + all.status().message(), "admin_feedback");
  std::map<std::string, Tally> by_url;
  for (const store::FeedbackRecord& f : *all) {
    Tally& t = by_url[f.article_url];
    ++t.answers;
    t.helpful += f.helpful ? 1 : 0;
    t.last = std::max(t.last, f.created_at);
  }
  for (const auto& [url, open] : OpenTicketsByUrl(state)) by_url[url].open_tickets = open;
  std::shared_ptr<const Content> content = state.app.Current();
  std::string html =
      "<h1>Feedback</h1>\n<p>What readers answered to \"Was this page helpful?\", by article. Error reports "
      "are also <a href=\"tickets\">tickets</a>.</p>\n";
  if (by_url.empty()) {
    html += "<p>Nothing here.</p>\n";
  } else {
    html +=
        "<table class=\"admin-table\">\n<caption>Articles with reader feedback</caption>\n<thead><tr><th "
        "scope=\"col\">Article</th><th scope=\"col\">Found it helpful</th><th scope=\"col\">Answers</th><th "
        "scope=\"col\">Open tickets</th><th scope=\"col\">Latest</th></tr></thead>\n<tbody>\n";
    for (const auto& [url, t] : by_url) {
      auto it = content->articles.find(url);
      std::string title = it != content->articles.end() ? it->second->title : url;
      html += "<tr><td><a href=\"" + Esc(FeedbackUrl("", url)) + "\">" + Esc(title) + "</a></td><td>" +
              Percent(t.helpful, t.answers) + "</td><td>" + std::to_string(t.answers) + "</td><td>" +
              std::to_string(t.open_tickets) + "</td><td>" + Esc(t.last.substr(0, 10)) + "</td></tr>\n";
    }
    html += "</tbody>\n</table>\n";
  }
  return HtmlResponse(200, Page("Feedback", req.actor, req.csrf, html), "admin_feedback");
}

Response FeedbackArticlePage(DeskState& state, const Request& req) {
  std::string url = QueryValue(req.Query(), "url");
  if (url.empty())
    return Refuse(req, 400, "Which article? The address needs ?url=/section/slug/.", "admin_feedback");
  store::FeedbackFilter filter;
  filter.article_url = url;
  Result<std::vector<store::FeedbackRecord>> list = state.app.store.FindFeedback(filter);
  if (!list.ok())
    return Refuse(req, 500, "Reading the feedback failed: " + list.status().message(), "admin_feedback");
  std::shared_ptr<const Content> content = state.app.Current();
  auto it = content->articles.find(url);
  if (list->empty() && it == content->articles.end())
    return Refuse(req, 404, "No published article and no feedback at " + url + ".", "admin_feedback");
  std::string title = it != content->articles.end() ? it->second->title : url;

  std::map<long, Week> weeks;
  size_t answers = 0, helpful = 0;
  for (const store::FeedbackRecord& f : *list) {
    long day = DayOf(f.created_at);
    if (day < 0) continue;
    Week& w = weeks[day - ((day - 4) % 7 + 7) % 7];
    w.start = WeekStart(day);
    ++w.answers;
    w.helpful += f.helpful ? 1 : 0;
    ++answers;
    helpful += f.helpful ? 1 : 0;
  }
  std::vector<Week> series;
  for (auto& [day, w] : weeks) series.push_back(w);

  std::string html = "<h1>Feedback: " + Esc(title) +
                     "</h1>\n<p><a href=\"../feedback\">All feedback</a> · <code>" + Esc(url) +
                     "</code></p>\n<p>" + Percent(helpful, answers) + " of " + std::to_string(answers) +
                     " answers found it helpful.</p>\n<h2>Found it helpful, by week</h2>\n";
  if (series.empty()) {
    html += "<p>Nothing here.</p>\n";
  } else {
    html += ShareChart(series, "Share of readers who found \"" + title + "\" helpful, by week");
    html +=
        "<table class=\"admin-table\">\n<caption>Found it helpful, by week (the chart's numbers)</caption>\n"
        "<thead><tr><th scope=\"col\">Week of</th><th scope=\"col\">Found it helpful</th><th "
        "scope=\"col\">Answers</th></tr></thead>\n<tbody>\n";
    for (const Week& w : series)
      html += "<tr><td>" + Esc(w.start) + "</td><td>" + Percent(w.helpful, w.answers) + "</td><td>" +
              std::to_string(w.answers) + "</td></tr>\n";
    html += "</tbody>\n</table>\n";
  }
  html += "<h2>Comments</h2>\n";
  std::string items;
  for (auto f = list->rbegin(); f != list->rend(); ++f) {
    if (f->comment.empty()) continue;
    std::string kind = f->category == "error"     ? "Reported an error"
                       : f->category == "helpful" ? "Helpful"
                                                  : "Other";
    items += "<li><p><strong>" + Esc(kind) + "</strong>, " + Esc(f->created_at.substr(0, 10)) +
             (f->helpful ? " (found it helpful)" : "") + "</p>\n<blockquote>" + Esc(f->comment) +
             "</blockquote></li>\n";
  }
  html += items.empty() ? "<p>Nothing here.</p>\n" : "<ul class=\"admin-comments\">\n" + items + "</ul>\n";
  return HtmlResponse(200, Page("Feedback: " + title, req.actor, req.csrf, html, "../"), "admin_feedback");
}

}  // namespace vetted::server::admin
