#include "render/feeds.h"

#include "util/util.h"

namespace vetted::render {
namespace {

void AddUrl(std::string& out, const SiteConfig& config, const std::string& url, const Date& lastmod) {
  out += "  <url><loc>";
  util::AppendEscaped(out, Absolute(config, url));
  out += "</loc>";
  if (!lastmod.empty()) {
    out += "<lastmod>";
    out += lastmod.Iso();
    out += "</lastmod>";
  }
  out += "</url>\n";
}

// Atom needs a full timestamp.
std::string AtomTime(const Date& d) {
  Date full = d;
  if (full.empty()) full = Date{1970, 1, 1};
  if (full.month == 0) full.month = 1;
  if (full.day == 0) full.day = 1;
  return full.Iso() + "T00:00:00Z";
}

void AddElement(std::string& out, const char* tag, const std::string& text) {
  out += '<';
  out += tag;
  out += '>';
  util::AppendEscaped(out, text);
  out += "</";
  out += tag;
  out += ">";
}

}  // namespace

std::string SitemapXml(const SiteIndex& index) {
  const Site& site = index.site();
  const SiteConfig& config = site.config;
  std::string out;
  out.reserve(128 * (site.articles.size() + site.sections.size() + site.people.size() + 16));
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  Date newest = index.Newest().empty() ? Date{} : ModifiedDate(site.articles[index.Newest().front()]);
  AddUrl(out, config, "/", newest);
  for (const auto& s : site.sections) AddUrl(out, config, s.url, index.SectionDate(s.url));
  for (const auto& a : site.articles) AddUrl(out, config, a.url, ModifiedDate(a));
  for (const auto& p : site.pages) {
    if (p.slug == "review-board" || p.slug == "glossary" || p.slug == "people") continue;
    AddUrl(out, config, p.url.empty() ? "/" + p.slug + "/" : p.url, Date{});
  }
  for (const auto& [id, person] : site.people) {
    Date last;
    for (size_t i : index.WrittenBy(id)) last = std::max(last, ModifiedDate(site.articles[i]));
    for (size_t i : index.ReviewedBy(id)) last = std::max(last, ModifiedDate(site.articles[i]));
    AddUrl(out, config, "/people/" + id + "/", last);
  }
  AddUrl(out, config, "/review-board/", Date{});
  AddUrl(out, config, "/glossary/", Date{});
  AddUrl(out, config, "/people/", Date{});
  if (!index.Tags().empty()) AddUrl(out, config, "/tags/", newest);
  for (const TagEntry& t : index.Tags()) {  // thin (noindex) tag pages are left out
    if (t.articles.size() >= kMinIndexedTagArticles)
      AddUrl(out, config, t.url, ModifiedDate(site.articles[t.articles.front()]));
  }
  out += "</urlset>\n";
  return out;
}

std::string AtomFeed(const SiteIndex& index) {
  const Site& site = index.site();
  const SiteConfig& config = site.config;
  const auto& newest = index.Newest();
  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"";
  out += " xml:lang=\"";
  util::AppendEscaped(out, config.language);
  out += "\">\n  ";
  AddElement(out, "title", config.title);
  out += "\n  ";
  AddElement(out, "id", Absolute(config, "/"));
  out += "\n  <link rel=\"alternate\" type=\"text/html\" href=\"";
  util::AppendEscaped(out, Absolute(config, "/"));
  out += "\"/>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"";
  util::AppendEscaped(out, Absolute(config, "/feed.xml"));
  out += "\"/>\n  ";
  AddElement(out, "updated", AtomTime(newest.empty() ? Date{} : ModifiedDate(site.articles[newest.front()])));
  out += "\n  <author>";
  AddElement(out, "name", config.title);
  out += "</author>\n";
  for (size_t k = 0; k < newest.size() && k < kFeedEntries; ++k) {
    const Article& a = site.articles[newest[k]];
    std::string url = Absolute(config, a.url);
    out += "  <entry>\n    ";
    AddElement(out, "title", a.title);
    out += "\n    <link rel=\"alternate\" type=\"text/html\" href=\"";
    util::AppendEscaped(out, url);
    out += "\"/>\n    ";
    AddElement(out, "id", url);
    out += "\n    ";
    AddElement(out, "updated", AtomTime(ModifiedDate(a)));
    if (!a.published.empty()) {
      out += "\n    ";
      AddElement(out, "published", AtomTime(a.published));
    }
    for (const auto& id : a.authors) {
      const Person* p = site.FindPerson(id);
      out += "\n    <author>";
      AddElement(out, "name", p ? p->NameWithCredentials() : id);
      if (p) AddElement(out, "uri", Absolute(config, "/people/" + id + "/"));
      out += "</author>";
    }
    out += "\n    ";
    AddElement(out, "summary", a.description);
    out += "\n  </entry>\n";
  }
  out += "</feed>\n";
  return out;
}

std::string RobotsTxt(const SiteIndex& index) {
  return "User-agent: *\nAllow: /\n\nSitemap: " + Absolute(index.site().config, "/sitemap.xml") + "\n";
}

}  // namespace vetted::render
