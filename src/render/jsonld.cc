#include "render/jsonld.h"

#include <nlohmann/json.hpp>

#include "util/util.h"

namespace vetted::render {
namespace {

using nlohmann::json;

std::string CitationType(const std::string& csl_type) {
  if (csl_type == "article-journal") return "ScholarlyArticle";
  if (csl_type == "book") return "Book";
  if (csl_type == "chapter") return "Chapter";
  if (csl_type == "report") return "Report";
  if (csl_type == "webpage") return "WebPage";
  return "CreativeWork";
}

json PersonJson(const SiteIndex& index, const Person& p) {
  json j = {
      {"@type", "Person"}, {"name", p.name}, {"url", Absolute(index.site().config, "/people/" + p.id + "/")}};
  if (!p.credentials.empty()) j["honorificSuffix"] = p.credentials;
  if (!p.title.empty()) j["jobTitle"] = p.title;
  return j;
}

json PersonRef(const SiteIndex& index, const std::string& id) {
  if (const Person* p = index.site().FindPerson(id)) return PersonJson(index, *p);
  return json{{"@type", "Person"}, {"name", id}};
}

json Citation(const Reference& r) {
  json j = {{"@type", CitationType(r.type)}, {"name", r.title.empty() ? r.container_title : r.title}};
  if (!r.doi.empty()) {
    j["url"] = "https://doi.org/" + r.doi;
    j["identifier"] = "doi:" + r.doi;
  } else if (!r.url.empty()) {
    j["url"] = r.url;
  }
  if (!r.issued.empty()) j["datePublished"] = r.issued.Iso();
  if (!r.container_title.empty() && r.type == "article-journal") {
    j["isPartOf"] = {{"@type", "Periodical"}, {"name", r.container_title}};
  }
  return j;
}

json BreadcrumbList(const SiteIndex& index, const std::vector<Crumb>& crumbs) {
  json items = json::array();
  for (size_t k = 0; k < crumbs.size(); ++k) {
    items.push_back({{"@type", "ListItem"},
                     {"position", k + 1},
                     {"name", crumbs[k].name},
                     {"item", Absolute(index.site().config, crumbs[k].url)}});
  }
  return {{"@type", "BreadcrumbList"}, {"itemListElement", std::move(items)}};
}

json Publisher(const SiteIndex& index) {
  return {
      {"@type", "Organization"}, {"name", index.site().config.title}, {"url", index.site().config.base_url}};
}

std::string DumpRaw(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}
std::string Dump(const json& j) {
  return ScriptSafe(DumpRaw(j));
}

// ,"key":"value"
void AppendMember(std::string& out, std::string_view key, std::string_view value) {
  out += ",\"";
  out += key;
  out += "\":";
  util::AppendJsonString(out, value);
}

void AppendBreadcrumbList(std::string& out, const SiteIndex& index, const std::vector<Crumb>& crumbs) {
  out += "{\"@type\":\"BreadcrumbList\",\"itemListElement\":[";
  for (size_t k = 0; k < crumbs.size(); ++k) {
    out += k ? ",{\"@type\":\"ListItem\",\"item\":" : "{\"@type\":\"ListItem\",\"item\":";
    util::AppendJsonString(out, Absolute(index.site().config, crumbs[k].url));
    out += ",\"name\":";
    util::AppendJsonString(out, crumbs[k].name);
    out += ",\"position\":";
    out += std::to_string(k + 1);
    out += '}';
  }
  out += "]}";
}

}  // namespace

std::string CitationJsonLd(const Reference& ref) {
  return DumpRaw(Citation(ref));
}

std::string ScriptSafe(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  size_t pos = 0;
  for (size_t lt; (lt = text.find('<', pos)) != std::string::npos; pos = lt + 1) {
    out.append(text, pos, lt - pos);
    if (lt + 1 < text.size() && text[lt + 1] == '/') {
      out.append("<\\/");
      ++lt;
    } else {
      out.append("\\u003c");
    }
  }
  out.append(text, pos, std::string::npos);
  return out;
}

std::string PersonRefJsonLd(const SiteIndex& index, const std::string& id) {
  return DumpRaw(PersonRef(index, id));
}

std::string PublisherJsonLd(const SiteIndex& index) {
  return DumpRaw(Publisher(index));
}

std::string ArticleJsonLd(const SiteIndex& index, size_t i, const ReviewState& review,
                          const std::vector<const Reference*>& refs) {
  // Written directly (no json objects: this runs once per article), members
  // in nlohmann's (sorted) order so that the text is what DumpRaw would give.
  const Site& site = index.site();
  const Article& a = site.articles[i];
  std::string text;
  text.reserve(2048 + 512 * refs.size());
  text += "{\"@context\":\"https://schema.org\",\"@type\":\"MedicalWebPage\"";
  if (!a.section_path.empty()) {
    text += ",\"about\":{\"@type\":\"Thing\",\"name\":";
    util::AppendJsonString(text, index.SectionTitle(a.section_path, a.section_path.size()));
    text += '}';
  }
  if (!a.aspect.empty()) AppendMember(text, "aspect", a.aspect);
  std::vector<Crumb> crumbs = index.Breadcrumbs(a.section_path, a.section_path.size());
  crumbs.push_back({a.title, a.url});
  text += ",\"breadcrumb\":";
  AppendBreadcrumbList(text, index, crumbs);
  const Date& modified = ModifiedDate(a);
  if (!modified.empty()) AppendMember(text, "dateModified", modified.Iso());
  if (!a.published.empty()) AppendMember(text, "datePublished", a.published.Iso());
  AppendMember(text, "description", a.description);
  AppendMember(text, "headline", a.title);
  std::string image = SafeUrl(a.image.src);
  if (!image.empty()) AppendMember(text, "image", Absolute(site.config, image));
  AppendMember(text, "inLanguage", site.config.language);
  if (!a.tags.empty()) {
    std::string keywords;
    for (const auto& t : a.tags) keywords.append(keywords.empty() ? "" : ", ").append(t);
    AppendMember(text, "keywords", keywords);
  }
  if (review.latest && review.current && !review.latest->date.empty())
    AppendMember(text, "lastReviewed", review.latest->date.Iso());
  text += ",\"medicalAudience\":{\"@type\":\"MedicalAudience\",\"audienceType\":";
  text += site.config.audience == "clinician" ? "\"Clinician\"}" : "\"Patient\"}";
  AppendMember(text, "name", a.title);
  AppendMember(text, "url", Absolute(site.config, a.url));
  // People, the publisher and citations are serialized once per site
  // (SiteIndex) and appended as the last members: they repeat across pages.
  text += ",\"publisher\":";
  text += index.PublisherJson();
  text += ",\"author\":[";
  for (size_t k = 0; k < a.authors.size(); ++k) {
    if (k) text += ',';
    text += index.PersonJson(a.authors[k]);
  }
  text += ']';
  if (review.latest && review.current) {
    text += ",\"reviewedBy\":";
    text += index.PersonJson(review.latest->by);
  }
  if (!refs.empty()) {
    text += ",\"citation\":[";
    bool first = true;
    for (const Reference* r : refs) {
      if (!r) continue;
      if (!first) text += ',';
      first = false;
      const SiteIndex::FormattedSource* f = index.Source(r);
      text += f ? f->json : CitationJsonLd(*r);
    }
    text += ']';
  }
  text += '}';
  return ScriptSafe(text);
}

std::string PersonJsonLd(const SiteIndex& index, const Person& p) {
  const SiteConfig& config = index.site().config;
  json person = PersonJson(index, p);
  if (!p.summary.empty()) person["description"] = p.summary;
  std::string image = SafeUrl(p.image.src);
  if (!image.empty()) person["image"] = Absolute(config, image);
  json same = json::array();
  for (const auto& s : p.same_as) {
    std::string u = SafeUrl(s);
    if (util::StartsWith(u, "http")) same.push_back(u);
  }
  if (!same.empty()) person["sameAs"] = std::move(same);
  json j = {{"@context", "https://schema.org"},
            {"@type", "ProfilePage"},
            {"name", p.name},
            {"url", Absolute(config, "/people/" + p.id + "/")},
            {"inLanguage", config.language},
            {"mainEntity", std::move(person)}};
  std::vector<Crumb> crumbs = {{"Home", "/"}, {p.name, "/people/" + p.id + "/"}};
  j["breadcrumb"] = BreadcrumbList(index, crumbs);
  return Dump(j);
}

std::string PageJsonLd(const SiteIndex& index, const std::string& type, const std::string& name,
                       const std::string& description, const std::string& url,
                       const std::vector<Crumb>& crumbs) {
  const SiteConfig& config = index.site().config;
  bool home = url == "/";
  json j = {{"@context", "https://schema.org"},
            {"@type", home ? "WebSite" : type},
            {"name", name},
            {"url", Absolute(config, url)},
            {"inLanguage", config.language},
            {"publisher", Publisher(index)}};
  if (!description.empty()) j["description"] = description;
  if (!home && !crumbs.empty()) j["breadcrumb"] = BreadcrumbList(index, crumbs);
  return Dump(j);
}

}  // namespace vetted::render
