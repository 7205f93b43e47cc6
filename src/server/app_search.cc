// App: /search (HTML, works without JavaScript) and /api/search (JSON).
#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "server/app_internal.h"
#include "util/util.h"

namespace vetted::server {
namespace {

constexpr size_t kHitsPerPage = 10;
constexpr size_t kMaxPage = 100;        // deeper pages are not useful to readers
constexpr size_t kMaxQueryBytes = 256;  // longer text is cut (at a character boundary)

size_t PageNumber(std::string_view text) {
  size_t page = 1;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), page);
  if (ec != std::errc() || ptr != text.data() + text.size() || page < 1) return 1;
  return std::min(page, kMaxPage);
}

std::string CutQuery(std::string q) {
  if (q.size() <= kMaxQueryBytes) return q;
  size_t n = kMaxQueryBytes;
  while (n > 0 && (static_cast<unsigned char>(q[n]) & 0xC0) == 0x80) --n;
  q.resize(n);
  return q;
}

}  // namespace

Response App::Impl::Search(const Request& req, const Content& c, bool api) {
  std::string_view query = req.Query();
  store::SearchQuery sq;
  sq.text = CutQuery(QueryValue(query, "q"));
  sq.section = QueryValue(query, "section");
  bool known_section = sq.section.empty();
  for (const auto& [url, title] : c.renderer->TopSections())
    known_section = known_section || url == sq.section;
  if (!known_section) sq.section.clear();
  size_t page = PageNumber(QueryValue(query, "page"));
  sq.limit = kHitsPerPage;
  sq.offset = (page - 1) * kHitsPerPage;
  store::SearchResults results;
  if (!util::Trim(sq.text).empty()) {
    Result<store::SearchResults> found = store.Search(sq);
    if (!found.ok()) {
      if (log) log("search: " + found.status().message());
      return api ? JsonError(503, "Search is not available right now; please try again.", "api_search")
                 : HtmlResponse(503, "Search is not available right now; please try again.", "search");
    }
    results = std::move(*found);
  }
  Count("vetted_searches_total", api ? "kind=\"api\"" : "kind=\"html\"", "Searches answered");
  if (api) {
    nlohmann::ordered_json hits = nlohmann::ordered_json::array();
    for (const store::SearchHit& h : results.hits) {
      hits.push_back(
          {{"url", c.base_path.substr(0, c.base_path.size() - 1) + h.url},  // as the pages link it
           {"title", h.title},
           {"snippet", render::SnippetHtml(h.snippet, h.match_ranges)},  // HTML, as the search page shows it
           {"section", h.section}});
    }
    nlohmann::ordered_json body = {{"query", sq.text},         {"section", sq.section},
                                   {"total", results.total},   {"page", page},
                                   {"per_page", kHitsPerPage}, {"results", std::move(hits)}};
    return JsonResponse(200, body, "api_search");
  }
  render::SearchView view;
  view.query = sq.text;
  view.section = sq.section;
  view.total = results.total;
  view.offset = sq.offset;
  view.limit = kHitsPerPage;
  for (auto& h : results.hits)
    view.hits.push_back({std::move(h.url), std::move(h.title), std::move(h.snippet),
                         std::move(h.match_ranges), std::move(h.section)});
  Result<std::string> html = c.renderer->SearchPage(view);
  if (!html.ok()) {
    if (log) log("search page: " + html.status().message());
    return HtmlResponse(500, "The search page could not be produced; the error is logged.", "search");
  }
  return HtmlResponse(200, std::move(*html), "search");
}

}  // namespace vetted::server
