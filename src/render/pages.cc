#include "render/pages.h"

#include <deque>
#include <iterator>
#include <map>
#include <unordered_map>

#include "cite/cite.h"
#include "render/jsonld.h"
#include "render/template.h"
#include "util/util.h"

namespace vetted::render {
namespace {

using Data = tmpl::Value;

constexpr int kMaxPartialDepth = 8;
constexpr size_t kRelatedCount = 5;
constexpr size_t kHomeLatest = 10;
const char* const kPageTemplates[] = {"article",  "section",  "page",   "person",          "review-board",
                                      "glossary", "tag",      "tags",   "people",          "home",
                                      "404",      "redirect", "search", "feedback-thanks", "feedback-error"};

// ---- Template data helpers --------------------------------------------------

void Set(Data& d, const char* key, std::string value) {
  d.Set(key, Data::String(std::move(value)));
}
// `value` outlives the page's rendering (site model, documents): not copied.
void Ref(Data& d, const char* key, const std::string& value) {
  d.Set(key, Data::Ref(value));
}
void Ref(Data& d, const char* key, std::string&& value) = delete;
// Sets only non-empty values, so that {{#key}} sections test presence.
void Put(Data& d, const char* key, std::string value) {
  if (!value.empty()) d.Set(key, Data::String(std::move(value)));
}
void PutRef(Data& d, const char* key, const std::string& value) {
  if (!value.empty()) d.Set(key, Data::Ref(value));
}
void PutRef(Data& d, const char* key, std::string&& value) = delete;
void Flag(Data& d, const char* key, bool value) {
  d.Set(key, Data::Bool(value));
}
Data NewList(size_t capacity = 0) {
  return Data::List(capacity);
}
Data& Append(Data& list) {
  return list.Append();
}
void SetList(Data& d, const char* key, Data list, const char* has_key) {
  if (has_key) Flag(d, has_key, !list.empty_list());
  d.Set(key, std::move(list));
}

// The separator to print after item k of n: ", " and " and " before the last.
std::string Separator(size_t k, size_t n) {
  if (k + 1 >= n) return "";
  return k + 2 == n ? " and " : ", ";
}

void SetDate(Data& d, const char* iso_key, const char* long_key, const Date& date) {
  Put(d, iso_key, date.Iso());
  Put(d, long_key, date.Long());
}

std::string PersonUrl(const std::string& id) {
  return "/people/" + id + "/";
}

// The first paragraph of a rendered biography, or "".
std::string FirstParagraph(const std::string& html) {
  if (!util::StartsWith(html, "<p>")) return "";
  size_t end = html.find("</p>");
  return end == std::string::npos ? "" : html.substr(0, end + 4);
}

// Removes glossary markup (<dfn class="term" ...>word</dfn><span
// class="term-def" ...>definition</span> -> word) from a fragment that is
// embedded in another document: its "gl-..." ids are numbered per fragment
// and would clash with the host page's.
std::string StripGlossary(const std::string& html) {
  if (html.find("term-def") == std::string::npos) return html;
  std::string out;
  out.reserve(html.size());
  size_t pos = 0;
  for (;;) {
    size_t dfn = html.find("<dfn class=\"term\"", pos);
    size_t span = html.find("<span class=\"term-def\"", pos);
    size_t next = std::min(dfn, span);
    if (next == std::string::npos) break;
    out.append(html, pos, next - pos);
    if (next == dfn) {
      size_t close = html.find('>', dfn);
      if (close == std::string::npos) return out;
      pos = close + 1;
    } else {
      size_t close = html.find("</span>", span);
      if (close == std::string::npos) return out;
      pos = close + 7;
    }
  }
  out.append(html, pos, std::string::npos);
  return util::ReplaceAll(out, "</dfn>", "");
}

std::string HostOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  if (util::StartsWith(url, "www.")) url.remove_prefix(4);
  return std::string(url.substr(0, url.find('/')));
}

// A search results page: "/search?q=...&section=...&page=N" (page 1 without &page).
std::string SearchPageUrl(const SearchView& view, size_t page) {
  std::string url = "/search?q=" + util::UrlEncode(view.query);
  if (!view.section.empty()) url += "&section=" + util::UrlEncode(view.section);
  if (page > 1) url += "&page=" + std::to_string(page);
  return url;
}

std::string RoleName(const std::string& role) {
  if (role == "writer") return "Writer";
  if (role == "medical-reviewer") return "Medical reviewer";
  if (role == "fact-checker") return "Fact checker";
  if (role == "editor") return "Editor";
  return util::Humanize(role);
}

// ---- Theme parsing ----------------------------------------------------------

// Appends template `name` to out with every {{> partial}} replaced by the
// partial's (expanded) text.
Status Expand(const vetted::Theme& theme, const std::string& name, int depth, std::string& out) {
  if (depth > kMaxPartialDepth)
    return Status::Invalid("theme: partials nested too deeply at " + name + ".mustache");
  const std::string* text = theme.Find(name + ".mustache");
  if (!text) return Status::Invalid("theme: no template " + name + ".mustache");
  size_t pos = 0;
  for (;;) {
    size_t open = text->find("{{>", pos);
    if (open == std::string::npos) break;
    size_t close = text->find("}}", open + 3);
    if (close == std::string::npos)
      return Status::Invalid("theme: " + name + ".mustache: unclosed partial tag");
    out.append(*text, pos, open - pos);
    std::string partial(util::Trim(std::string_view(*text).substr(open + 3, close - open - 3)));
    if (!theme.Find(partial + ".mustache")) {
      return Status::Invalid("theme: " + name + ".mustache includes unknown partial " + partial);
    }
    Status s = Expand(theme, partial, depth + 1, out);
    if (!s.ok()) return s;
    pos = close + 2;
  }
  out.append(*text, pos, std::string::npos);
  return Status::Ok();
}

// `keys` keeps the asset_* key names alive as long as the data.
Data SiteData(const SiteIndex& index, std::deque<std::string>& keys) {
  const Site& site = index.site();
  Data d;
  Set(d, "site_title", site.config.title);
  Set(d, "site_lang", site.config.language.empty() ? "en" : site.config.language);
  Set(d, "base_url", site.config.base_url);
  Set(d, "feed_url", "/feed.xml");
  if (const Asset* css = index.FindAsset("style.css")) Set(d, "css_url", css->url);
  if (const Asset* js = index.FindAsset("site.js")) Set(d, "js_url", js->url);
  for (const auto& a : index.assets()) {
    std::string key = "asset_" + a.name;
    for (char& c : key)
      if (c == '.' || c == '/' || c == '-') c = '_';
    d.Set(keys.emplace_back(std::move(key)), Data::String(a.url));
  }
  Data nav = NewList(index.SubsectionsOf("/").size());
  for (size_t s : index.SubsectionsOf("/")) {
    Data& item = Append(nav);
    Set(item, "nav_title", site.sections[s].ShownTitle());
    Set(item, "nav_url", site.sections[s].url);
  }
  SetList(d, "nav", std::move(nav), "has_nav");
  if (index.PageIndex("about") >= 0) Set(d, "about_url", "/about/");
  // The theme links only to pages that exist (check warns about a missing one).
  Flag(d, "has_editorial_process", index.PageIndex("editorial-process") >= 0);
  Flag(d, "has_glossary", !site.glossary.empty());
  return d;
}

}  // namespace

struct Templates::Impl {
  std::map<std::string, std::unique_ptr<tmpl::Template>, std::less<>> templates;
  std::deque<std::string> site_keys;
  Data site;
};

Templates::Templates(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Templates::~Templates() = default;

Result<std::shared_ptr<const Templates>> Templates::Parse(const SiteIndex& index) {
  auto impl = std::make_unique<Impl>();
  // The templates are compiled on several threads (parsing is most of the
  // serial set-up of a build); the first failure in template order is returned.
  constexpr size_t kCount = std::size(kPageTemplates);
  std::vector<std::unique_ptr<tmpl::Template>> compiled(kCount);
  std::vector<Status> failed(kCount);
  util::ParallelFor(kCount, [&](size_t i) {
    try {
      const char* name = kPageTemplates[i];
      std::string source;
      Status s = Expand(index.site().theme, name, 0, source);
      if (!s.ok()) {
        failed[i] = s;
        return;
      }
      std::string error;
      compiled[i] = tmpl::Template::Compile(source, &error);
      if (!compiled[i]) failed[i] = Status::Invalid("theme: " + std::string(name) + ".mustache: " + error);
    } catch (const std::exception& e) {
      failed[i] = Status::Internal(std::string("render: ") + e.what());
    }
  });
  for (size_t i = 0; i < kCount; ++i) {
    if (!failed[i].ok()) return failed[i];
    impl->templates.emplace(kPageTemplates[i], std::move(compiled[i]));
  }
  impl->site = SiteData(index, impl->site_keys);
  return std::shared_ptr<const Templates>(new Templates(std::move(impl)));
}

// ---- Page data --------------------------------------------------------------

struct PageRenderer::Impl {
  const SiteIndex& index;
  const Templates::Impl& templates;  // shared, read-only
  const Options* options;            // may be null
  std::string jsonld;                // reused buffer
  // StripGlossary of a site document's html (whole, or its first paragraph),
  // by the html's address: the same bios and callouts appear on thousands of
  // pages and stripping them each time cost ~2% of a build. Each entry keeps
  // the html it was made from and is remade when the document at that address
  // differs (a comparison costs far less than stripping).
  struct Stripped {
    std::string source;
    std::string html;
  };
  mutable std::unordered_map<const std::string*, Stripped> stripped[2];

  const std::string& StrippedOf(const std::string& html, bool first_paragraph) const;

  const Site& s() const { return index.site(); }
  const SiteConfig& config() const { return index.site().config; }

  Result<std::string> Render(const char* name, const Data& page, size_t size_hint);
  void Head(Data& d, const std::string& title, const std::string& description, const std::string& url,
            const char* og_type, std::string jsonld) const;
  void Breadcrumb(Data& d, const std::vector<Crumb>& crumbs) const;
  Data ArticleItems(const std::vector<size_t>& ids, size_t limit) const;
  Data AuthorItem(const std::string& id, size_t k, size_t n) const;
  void AddByline(Data& d, const Article& a) const;
  void AddReview(Data& d, const ReviewState& review) const;
  void AddHero(Data& d, const Article& a) const;
  void AddToc(Data& d, const Article& a, const markup::Document& doc) const;
  void AddCallouts(Data& d, const Article& a) const;
  void AddSources(Data& d, const std::vector<const Reference*>& refs, const markup::Document& doc) const;
  std::vector<size_t> RelatedOf(size_t i) const;
  void AddRelated(Data& d, size_t i) const;
  void AddTags(Data& d, const Article& a) const;
  void NoindexHead(Data& d, const std::string& title) const;
  void AddBackLink(Data& d, const std::string& article_url, bool absolute) const;
  void AddFeedback(Data& d, const Article& a) const;
  void AddCrisis(Data& d) const;
  void AddSearchForm(Data& d, const SearchView& view) const;
  void AddHits(Data& d, const SearchView& view) const;
  void AddPagination(Data& d, const SearchView& view) const;
  Data PersonCard(const Person& p) const;
  std::string IntroOf(std::string_view slug) const;
  void BuiltInPageTop(Data& d, std::string_view slug, const char* default_title,
                      const char* default_description) const;
};

Result<std::string> PageRenderer::Impl::Render(const char* name, const Data& page, size_t size_hint) {
  auto t = templates.templates.find(std::string_view(name));
  if (t == templates.templates.end()) return Status::Invalid("theme: no template " + std::string(name));
  std::string out;
  out.reserve(size_hint);
  t->second->Render(templates.site, page, &out);
  RootUrls(out, BasePath(config()));
  return out;
}

void PageRenderer::Impl::Head(Data& d, const std::string& title, const std::string& description,
                              const std::string& url, const char* og_type, std::string jsonld) const {
  Set(d, "head_title", url == "/" ? config().title : title + " | " + config().title);
  Set(d, "title", title);
  Put(d, "description", description);
  Set(d, "page_url", url);
  Set(d, "canonical", Absolute(config(), url));
  Set(d, "og_type", og_type);
  Put(d, "jsonld", std::move(jsonld));
}

void PageRenderer::Impl::Breadcrumb(Data& d, const std::vector<Crumb>& crumbs) const {
  Data list = NewList(crumbs.size());
  for (const auto& c : crumbs) {
    Data& item = Append(list);
    Set(item, "crumb_name", c.name);
    Set(item, "crumb_url", c.url);
  }
  SetList(d, "breadcrumb", std::move(list), "has_breadcrumb");
}

// {items: [...]} for the article-list partial.
Data PageRenderer::Impl::ArticleItems(const std::vector<size_t>& ids, size_t limit) const {
  Data items = NewList(std::min(ids.size(), limit));
  for (size_t k = 0; k < ids.size() && k < limit; ++k) {
    const Article& a = s().articles[ids[k]];
    Data& item = Append(items);
    item.Reserve(6);
    Ref(item, "item_title", a.title);
    Ref(item, "item_url", a.url);
    PutRef(item, "item_description", a.description);
    SetDate(item, "item_date_iso", "item_date_long", ModifiedDate(a));
    Set(item, "item_date_label", a.updated.empty() ? "Published" : "Updated");
  }
  Data d;
  d.Set("items", std::move(items));
  return d;
}

const std::string& PageRenderer::Impl::StrippedOf(const std::string& html, bool first_paragraph) const {
  auto [it, fresh] = stripped[first_paragraph ? 1 : 0].try_emplace(&html);
  if (fresh || it->second.source != html) {
    it->second.source = html;
    it->second.html = StripGlossary(first_paragraph ? FirstParagraph(html) : html);
  }
  return it->second.html;
}

Data PageRenderer::Impl::AuthorItem(const std::string& id, size_t k, size_t n) const {
  Data item;
  const Person* p = s().FindPerson(id);
  Set(item, "author_name", p ? p->NameWithCredentials() : id);
  Set(item, "author_short", p ? p->name : id);
  Set(item, "author_url", PersonUrl(id));
  Set(item, "author_sep", Separator(k, n));
  if (!p) return item;
  PutRef(item, "author_title", p->title);
  PutRef(item, "author_summary", p->summary);
  auto doc = index.docs().people.find(id);
  if (doc != index.docs().people.end()) PutRef(item, "author_bio", StrippedOf(doc->second.html, true));
  return item;
}

void PageRenderer::Impl::AddByline(Data& d, const Article& a) const {
  Data authors = NewList(a.authors.size());
  for (size_t k = 0; k < a.authors.size(); ++k)
    Append(authors) = AuthorItem(a.authors[k], k, a.authors.size());
  Flag(d, "authors_plural", a.authors.size() > 1);
  SetList(d, "authors", std::move(authors), "has_authors");
  Set(d, "date_label", a.updated.empty() ? "Published on" : "Updated on");
  SetDate(d, "date_iso", "date_long", ModifiedDate(a));
  Data checkers = NewList(a.fact_checkers.size());
  for (size_t k = 0; k < a.fact_checkers.size(); ++k) {
    const Person* p = s().FindPerson(a.fact_checkers[k]);
    Data& item = Append(checkers);
    Set(item, "checker_name", p ? p->NameWithCredentials() : a.fact_checkers[k]);
    Set(item, "checker_url", PersonUrl(a.fact_checkers[k]));
    Set(item, "checker_sep", Separator(k, a.fact_checkers.size()));
  }
  SetList(d, "fact_checkers", std::move(checkers), "has_fact_checkers");
}

void PageRenderer::Impl::AddReview(Data& d, const ReviewState& review) const {
  Flag(d, "reviewed_earlier_version", review.latest && !review.current);
  if (!review.latest) return;
  Data r;
  const Person* p = review.reviewer;
  Set(r, "reviewer_name", p ? p->NameWithCredentials() : review.latest->by);
  Set(r, "reviewer_short", p ? p->name : review.latest->by);
  Set(r, "reviewer_url", PersonUrl(review.latest->by));
  if (p) {
    Put(r, "reviewer_title", p->title);
    Put(r, "reviewer_summary", p->summary);
  }
  SetDate(r, "review_date_iso", "review_date_long", review.latest->date);
  Flag(r, "review_current", review.current);
  Flag(r, "review_stale", !review.current);
  d.Set("review", std::move(r));
  SetDate(d, "last_reviewed_iso", "last_reviewed_long", review.latest->date);
  SetDate(d, "next_due_iso", "next_due_long", review.next_due);
}

void PageRenderer::Impl::AddHero(Data& d, const Article& a) const {
  std::string src = SafeUrl(a.image.src);
  if (src.empty()) return;
  Data hero;
  Set(hero, "hero_src", src);
  Set(hero, "hero_alt", a.image.alt);
  Put(hero, "hero_caption", a.image.caption);
  Put(hero, "hero_credit", a.image.credit);
  Flag(hero, "hero_has_caption", !a.image.caption.empty() || !a.image.credit.empty());
  if (a.image.width > 0 && a.image.height > 0) {  // known from the file: no layout shift
    Set(hero, "hero_width", std::to_string(a.image.width));
    Set(hero, "hero_height", std::to_string(a.image.height));
  }
  d.Set("hero", std::move(hero));
  Set(d, "og_image", Absolute(config(), src));
}

void PageRenderer::Impl::AddToc(Data& d, const Article& a, const markup::Document& doc) const {
  if (!a.toc.show) return;
  Data items = NewList(doc.toc.size());
  size_t n = 0;
  for (const auto& e : doc.toc) {
    if (e.level < a.toc.min_level || e.level > a.toc.max_level) continue;
    Data& item = Append(items);
    Ref(item, "toc_id", e.id);
    Ref(item, "toc_text", e.text);
    Set(item, "toc_level", std::to_string(e.level));
    ++n;
  }
  if (n < 2) return;
  Data toc;
  toc.Set("toc_items", std::move(items));
  d.Set("toc", std::move(toc));
}

void PageRenderer::Impl::AddCallouts(Data& d, const Article& a) const {
  std::vector<const Callout*> shown;
  auto add = [&](const Callout* c) {
    if (c && std::find(shown.begin(), shown.end(), c) == shown.end()) shown.push_back(c);
  };
  for (const auto& name : a.callouts) add(s().FindCallout(name));
  for (const auto& c : s().callouts)
    for (const auto& topic : c.topics)
      if (std::find(a.tags.begin(), a.tags.end(), topic) != a.tags.end()) add(&c);
  Data list = NewList(shown.size());
  for (const Callout* c : shown) {
    Data& item = Append(list);
    std::string kind = util::Slugify(c->kind.empty() ? "note" : c->kind);
    Set(item, "callout_kind", kind);
    Set(item, "callout_title", c->title);
    Set(item, "callout_label", c->title.empty() ? util::Humanize(kind) : c->title);
    Flag(item, "callout_crisis", kind == "crisis");
    Put(item, "callout_disclosure", c->disclosure);
    auto doc = index.docs().callouts.find(c->name);
    if (doc == index.docs().callouts.end()) {
      Set(item, "callout_html", "");
    } else {
      Ref(item, "callout_html", StrippedOf(doc->second.html, false));
    }
  }
  SetList(d, "callouts", std::move(list), "has_callouts");
}

void PageRenderer::Impl::AddSources(Data& d, const std::vector<const Reference*>& refs,
                                    const markup::Document& doc) const {
  const auto& cited = doc.cited;
  size_t n = refs.size();
  Data list = NewList(n);
  for (size_t k = 0; k < n; ++k) {
    const Reference* r = refs[k];
    Data& item = Append(list);
    Set(item, "ref_n", std::to_string(k + 1));
    const SiteIndex::FormattedSource* f = index.Source(r);
    if (f) {
      Ref(item, "ref_html", f->html);
    } else {
      Set(item, "ref_html", r ? cite::FormatHtml(*r) : util::Escape(k < cited.size() ? cited[k] : "?"));
    }
  }
  Set(d, "sources_heading", n == 1 ? "1 source" : std::to_string(n) + " sources");
  Ref(d, "sourcing_policy", config().sourcing_policy);
  SetList(d, "sources", std::move(list), "has_sources");
}

// Options::related's answer mapped to site articles (unknown URLs, the
// article itself and repeats skipped), else the built-in scoring.
std::vector<size_t> PageRenderer::Impl::RelatedOf(size_t i) const {
  if (!options || !options->related) return index.Related(i, kRelatedCount);
  std::vector<size_t> related;
  for (const std::string& url : options->related(s().articles[i].url)) {
    if (related.size() >= kRelatedCount) break;
    int k = index.ArticleIndex(url);
    if (k < 0 && !url.empty() && url.back() != '/') k = index.ArticleIndex(url + "/");
    if (k < 0 || static_cast<size_t>(k) == i) continue;
    if (std::find(related.begin(), related.end(), static_cast<size_t>(k)) != related.end()) continue;
    related.push_back(static_cast<size_t>(k));
  }
  return related;
}

void PageRenderer::Impl::AddRelated(Data& d, size_t i) const {
  std::vector<size_t> related = RelatedOf(i);
  Data list = NewList(related.size());
  for (size_t r : related) {
    const Article& a = s().articles[r];
    Data& item = Append(list);
    Ref(item, "rel_title", a.title);
    Ref(item, "rel_url", a.url);
    PutRef(item, "rel_description", a.description);
  }
  SetList(d, "related", std::move(list), "has_related");
}

// The article's tags linking to their pages (repeats by slug and tags
// without a slug left out), as written.
void PageRenderer::Impl::AddTags(Data& d, const Article& a) const {
  Data list = NewList(a.tags.size());
  std::vector<std::string> seen;
  for (const std::string& tag : a.tags) {
    std::string url = TagUrl(tag);
    if (url.empty() || std::find(seen.begin(), seen.end(), url) != seen.end()) continue;
    seen.push_back(url);
    Data& item = Append(list);
    Set(item, "tag_name", std::string(util::Trim(tag)));
    Set(item, "tag_url", std::move(url));
  }
  SetList(d, "tags", std::move(list), "has_tags");
}

Data PageRenderer::Impl::PersonCard(const Person& p) const {
  Data item;
  Set(item, "person_name", p.NameWithCredentials());
  Set(item, "person_url", PersonUrl(p.id));
  Put(item, "person_title", p.title);
  Put(item, "person_summary", p.summary);
  std::string photo = SafeUrl(p.image.src);
  if (!photo.empty()) {
    Set(item, "person_photo", photo);
    Set(item, "person_photo_alt", p.image.alt.empty() ? "Photo of " + p.name : p.image.alt);
  }
  return item;
}

// The rendered body of pages/<slug>.md, or "".
std::string PageRenderer::Impl::IntroOf(std::string_view slug) const {
  int k = index.PageIndex(slug);
  if (k < 0 || static_cast<size_t>(k) >= index.docs().pages.size()) return "";
  return index.docs().pages[static_cast<size_t>(k)].html;
}

// Head, breadcrumb and intro of a page vetted makes itself (/review-board/,
// /glossary/); pages/<slug>.md, when present, supplies title, description and intro.
void PageRenderer::Impl::BuiltInPageTop(Data& d, std::string_view slug, const char* default_title,
                                        const char* default_description) const {
  int k = index.PageIndex(slug);
  const Page* page = k >= 0 ? &s().pages[static_cast<size_t>(k)] : nullptr;
  std::string title = page && !page->title.empty() ? page->title : default_title;
  std::string description = page ? page->description : default_description;
  std::string url = "/" + std::string(slug) + "/";
  Head(d, title, description, url, "website",
       PageJsonLd(index, "WebPage", title, description, url, {{"Home", "/"}, {title, url}}));
  Breadcrumb(d, {{"Home", "/"}});
  Put(d, "intro", IntroOf(slug));
}

// ---- Pages ------------------------------------------------------------------

PageRenderer::PageRenderer(const SiteIndex& index, const Templates& templates, const Options* options)
    : impl_(new Impl{index, templates.impl(), options, {}}) {}
PageRenderer::~PageRenderer() = default;

Result<std::string> PageRenderer::ArticlePage(size_t i, std::vector<Diagnostic>* diagnostics) {
  Impl& m = *impl_;
  const Article& a = m.s().articles[i];
  const markup::SiteDocs& docs = m.index.docs();
  // Rendered up front (all articles in memory) or now (streaming build).
  markup::ArticleRenderer::Rendered fresh;
  const bool ready = i < docs.articles.size();
  if (!ready && docs.article_renderer) {
    fresh = docs.article_renderer->Render(i);
    if (diagnostics) *diagnostics = std::move(fresh.doc.diagnostics);
  }
  const markup::Document& doc = ready ? docs.articles[i] : fresh.doc;
  const std::vector<const Reference*>& refs =
      ready ? (i < docs.article_refs.size() ? docs.article_refs[i] : fresh.refs) : fresh.refs;
  ReviewState review = ReviewOf(m.s(), a);
  Data d;
  d.Reserve(48);
  m.Head(d, a.title, a.description, a.url, "article", ArticleJsonLd(m.index, i, review, refs));
  m.Breadcrumb(d, m.index.Breadcrumbs(a.section_path, a.section_path.size()));
  m.AddByline(d, a);
  m.AddReview(d, review);
  m.AddHero(d, a);
  m.AddToc(d, a, doc);
  Ref(d, "body", doc.html);
  Ref(d, "revision", a.revision);
  m.AddFeedback(d, a);
  m.AddCallouts(d, a);
  m.AddSources(d, refs, doc);
  m.AddRelated(d, i);
  if (m.options && m.options->article_rendered) m.options->article_rendered(i, doc);
  m.AddTags(d, a);
  std::string abs = Absolute(m.config(), a.url);
  Set(d, "share_mailto", "mailto:?subject=" + util::UrlEncode(a.title) + "&body=" + util::UrlEncode(abs));
  return m.Render("article", d, doc.html.size() + 24 * 1024);
}

Result<std::string> PageRenderer::SectionPage(size_t i) {
  Impl& m = *impl_;
  const Section& sec = m.s().sections[i];
  std::vector<Crumb> crumbs = m.index.Breadcrumbs(sec.path, sec.path.empty() ? 0 : sec.path.size() - 1);
  std::string title = sec.ShownTitle();
  std::vector<Crumb> ld_crumbs = crumbs;
  ld_crumbs.push_back({title, sec.url});
  Data d;
  m.Head(d, title, sec.description, sec.url, "website",
         PageJsonLd(m.index, "CollectionPage", title, sec.description, sec.url, ld_crumbs));
  m.Breadcrumb(d, crumbs);
  if (i < m.index.docs().sections.size()) Put(d, "intro", m.index.docs().sections[i].html);
  Data subs = NewList(m.index.SubsectionsOf(sec.url).size());
  for (size_t k : m.index.SubsectionsOf(sec.url)) {
    const Section& sub = m.s().sections[k];
    Data& item = Append(subs);
    Set(item, "sub_title", sub.ShownTitle());
    Set(item, "sub_url", sub.url);
    Put(item, "sub_description", sub.description);
  }
  SetList(d, "subsections", std::move(subs), "has_subsections");
  const auto& articles = m.index.ArticlesIn(sec.url);
  Flag(d, "has_articles", !articles.empty());
  d.Set("article_list", m.ArticleItems(articles, articles.size()));
  return m.Render("section", d, 16 * 1024 + 256 * articles.size());
}

Result<std::string> PageRenderer::StandalonePage(size_t i) {
  Impl& m = *impl_;
  const Page& p = m.s().pages[i];
  std::string url = p.url.empty() ? "/" + p.slug + "/" : p.url;
  std::vector<Crumb> crumbs = {{"Home", "/"}};
  std::vector<Crumb> ld_crumbs = {{"Home", "/"}, {p.title, url}};
  Data d;
  m.Head(d, p.title, p.description, url, "website",
         PageJsonLd(m.index, p.slug == "about" ? "AboutPage" : "WebPage", p.title, p.description, url,
                    ld_crumbs));
  m.Breadcrumb(d, crumbs);
  if (i < m.index.docs().pages.size()) Set(d, "body", m.index.docs().pages[i].html);
  return m.Render("page", d, 32 * 1024);
}

Result<std::string> PageRenderer::PersonPage(const Person& p) {
  Impl& m = *impl_;
  std::string url = PersonUrl(p.id);
  Data d;
  m.Head(d, p.NameWithCredentials(), p.summary, url, "profile", PersonJsonLd(m.index, p));
  m.Breadcrumb(d, {{"Home", "/"}});
  Set(d, "name", p.name);
  Put(d, "credentials", p.credentials);
  Put(d, "job_title", p.title);
  Put(d, "summary", p.summary);
  std::string photo = SafeUrl(p.image.src);
  if (!photo.empty()) {
    Set(d, "photo_src", photo);
    Set(d, "photo_alt", p.image.alt.empty() ? "Photo of " + p.name : p.image.alt);
    if (p.image.width > 0 && p.image.height > 0) {
      Set(d, "photo_width", std::to_string(p.image.width));
      Set(d, "photo_height", std::to_string(p.image.height));
    }
    Set(d, "og_image", Absolute(m.config(), photo));
  }
  std::string roles;
  for (size_t k = 0; k < p.roles.size(); ++k) roles += (k ? ", " : "") + RoleName(p.roles[k]);
  Put(d, "roles_text", roles);
  auto doc = m.index.docs().people.find(p.id);
  if (doc != m.index.docs().people.end()) Put(d, "bio", doc->second.html);
  Data links = NewList(p.same_as.size());
  for (const auto& s : p.same_as) {
    std::string u = SafeUrl(s);
    if (!util::StartsWith(u, "http")) continue;
    Data& item = Append(links);
    Set(item, "link_url", u);
    Set(item, "link_text", HostOf(u));
  }
  SetList(d, "same_as", std::move(links), "has_same_as");
  const auto& written = m.index.WrittenBy(p.id);
  const auto& reviewed = m.index.ReviewedBy(p.id);
  if (!written.empty()) d.Set("written", m.ArticleItems(written, written.size()));
  if (!reviewed.empty()) d.Set("reviewed", m.ArticleItems(reviewed, reviewed.size()));
  return m.Render("person", d, 16 * 1024 + 256 * (written.size() + reviewed.size()));
}

Result<std::string> PageRenderer::ReviewBoardPage() {
  Impl& m = *impl_;
  Data d;
  m.BuiltInPageTop(d, "review-board", "Medical review board", "The clinicians who review our articles.");
  std::vector<const Person*> reviewers;
  for (const auto& [id, p] : m.s().people)
    if (p.HasRole("medical-reviewer")) reviewers.push_back(&p);
  std::sort(reviewers.begin(), reviewers.end(), [](const Person* x, const Person* y) {
    return x->name != y->name ? x->name < y->name : x->id < y->id;
  });
  Data list = NewList(reviewers.size());
  for (const Person* p : reviewers) Append(list) = m.PersonCard(*p);
  SetList(d, "reviewers", std::move(list), "has_reviewers");
  return m.Render("review-board", d, 16 * 1024);
}

Result<std::string> PageRenderer::GlossaryPage() {
  Impl& m = *impl_;
  Data d;
  m.BuiltInPageTop(d, "glossary", "Glossary", "Plain-language explanations of the terms we use.");
  Data terms = NewList(m.s().glossary.size());
  std::map<std::string, int> used;
  for (const auto& t : m.s().glossary) {
    std::string slug = util::Slugify(t.term);
    int n = ++used[slug];
    if (n > 1) slug.append("-").append(std::to_string(n));
    Data& item = Append(terms);
    Set(item, "term", t.term);
    Set(item, "term_slug", slug);
    Set(item, "definition", t.definition);
    std::string aliases;
    for (size_t a = 0; a < t.aliases.size(); ++a) aliases += (a ? ", " : "") + t.aliases[a];
    Put(item, "term_aliases", aliases);
  }
  SetList(d, "terms", std::move(terms), "has_terms");
  return m.Render("glossary", d, 16 * 1024 + 256 * m.s().glossary.size());
}

Result<std::string> PageRenderer::TagPage(size_t k) {
  Impl& m = *impl_;
  const TagEntry& tag = m.index.Tags()[k];
  std::string description = "Articles tagged \u201c" + tag.name + "\u201d.";
  Data d;
  m.Head(d, tag.name, description, tag.url, "website",
         PageJsonLd(m.index, "CollectionPage", tag.name, description, tag.url,
                    {{"Home", "/"}, {"Tags", "/tags/"}, {tag.name, tag.url}}));
  m.Breadcrumb(d, {{"Home", "/"}, {"Tags", "/tags/"}});
  Flag(d, "noindex", tag.articles.size() < kMinIndexedTagArticles);
  size_t n = tag.articles.size();
  Set(d, "tag_count", n == 1 ? "1 article" : std::to_string(n) + " articles");
  d.Set("article_list", m.ArticleItems(tag.articles, n));
  return m.Render("tag", d, 16 * 1024 + 256 * n);
}

Result<std::string> PageRenderer::TagsPage() {
  Impl& m = *impl_;
  const std::string title = "Tags", description = "Every topic our articles are tagged with.";
  Data d;
  m.Head(d, title, description, "/tags/", "website",
         PageJsonLd(m.index, "CollectionPage", title, description, "/tags/",
                    {{"Home", "/"}, {title, "/tags/"}}));
  m.Breadcrumb(d, {{"Home", "/"}});
  Data list = NewList(m.index.Tags().size());
  for (const TagEntry& t : m.index.Tags()) {
    Data& item = Append(list);
    Ref(item, "tag_name", t.name);
    Ref(item, "tag_url", t.url);
    Set(item, "tag_count", std::to_string(t.articles.size()));
  }
  SetList(d, "all_tags", std::move(list), "has_all_tags");
  return m.Render("tags", d, 16 * 1024 + 128 * m.index.Tags().size());
}

Result<std::string> PageRenderer::PeopleIndexPage() {
  Impl& m = *impl_;
  Data d;
  m.BuiltInPageTop(d, "people", "Our people",
                   "The writers, medical reviewers, fact checkers and editors behind our articles.");
  std::vector<PeopleGroup> groups = GroupPeople(m.s());
  Data list = NewList(groups.size());
  for (const PeopleGroup& g : groups) {
    Data& item = Append(list);
    Set(item, "group_title", g.title);
    Set(item, "group_id", g.role.empty() ? "other" : g.role);
    Data people = NewList(g.people.size());
    for (const Person* p : g.people) Append(people) = m.PersonCard(*p);
    item.Set("group_people", std::move(people));
  }
  SetList(d, "people_groups", std::move(list), "has_people");
  return m.Render("people", d, 16 * 1024 + 512 * m.s().people.size());
}

Result<std::string> PageRenderer::HomePage() {
  Impl& m = *impl_;
  Data d;
  m.Head(d, m.config().title, "", "/", "website",
         PageJsonLd(m.index, "WebSite", m.config().title, "", "/", {}));
  Data sections = NewList(m.index.SubsectionsOf("/").size());
  for (size_t k : m.index.SubsectionsOf("/")) {
    const Section& sec = m.s().sections[k];
    Data& item = Append(sections);
    Set(item, "sub_title", sec.ShownTitle());
    Set(item, "sub_url", sec.url);
    Put(item, "sub_description", sec.description);
  }
  SetList(d, "home_sections", std::move(sections), "has_sections");
  Flag(d, "has_latest", !m.index.Newest().empty());
  d.Set("latest", m.ArticleItems(m.index.Newest(), kHomeLatest));
  return m.Render("home", d, 16 * 1024);
}

Result<std::string> PageRenderer::NotFoundPage() {
  Impl& m = *impl_;
  Data d;
  Set(d, "head_title", "Page not found | " + m.config().title);
  Set(d, "title", "Page not found");
  Flag(d, "noindex", true);
  return m.Render("404", d, 8 * 1024);
}

Result<std::string> PageRenderer::RedirectPage(size_t i) {
  Impl& m = *impl_;
  const Article& a = m.s().articles[i];
  Data d;
  Set(d, "title", a.title);
  Set(d, "target", a.url);
  Set(d, "canonical", Absolute(m.config(), a.url));
  return m.Render("redirect", d, 1024);
}

// ---- Search and feedback pages ---------------------------------------------

// A page that is never indexed and has no canonical URL.
void PageRenderer::Impl::NoindexHead(Data& d, const std::string& title) const {
  Set(d, "head_title", title + " | " + config().title);
  Set(d, "title", title);
  Flag(d, "noindex", true);
}

// back_url/back_text: the article by its title when it is one of the site's,
// another root-relative URL as "the page you were reading", else the home page.
void PageRenderer::Impl::AddBackLink(Data& d, const std::string& article_url, bool absolute) const {
  int k = index.ArticleIndex(article_url);
  if (k >= 0) {
    const Article& a = s().articles[static_cast<size_t>(k)];
    if (absolute) {
      Set(d, "back_url", Absolute(config(), a.url));
    } else {
      Ref(d, "back_url", a.url);
    }
    Set(d, "back_text", "Back to \u201c" + a.title + "\u201d");
    return;
  }
  std::string url = SafeUrl(article_url);
  bool local = !url.empty() && url[0] == '/' && !util::StartsWith(url, "//");
  if (absolute) url = Absolute(config(), local ? url : "/");
  Set(d, "back_url", absolute ? url : local ? url : "/");
  Set(d, "back_text", local ? "Back to the page you were reading" : "Go to the home page");
}

// The article's #feedback section (themes/default/feedback.mustache):
// feedback_form with feedback_action (where the form posts), or
// feedback_report_url (a "Report an error" link), or neither (no section);
// see Options::output.
void PageRenderer::Impl::AddFeedback(Data& d, const Article& a) const {
  const bool served = !options || options->output == Options::Output::kServed;
  const SiteConfig& c = config();
  if (served || !c.feedback_endpoint.empty()) {
    Flag(d, "has_feedback", true);
    Flag(d, "feedback_form", true);
    Set(d, "feedback_action", served ? "/feedback" : c.feedback_endpoint + "feedback");
    return;
  }
  if (c.feedback_report.empty()) return;
  const std::string abs = Absolute(c, a.url);
  std::string url = c.feedback_report;
  url += url.find('?') == std::string::npos ? '?' : '&';
  if (util::StartsWith(url, "mailto:")) {
    url += "subject=" + util::UrlEncode("Error on \u201c" + a.title + "\u201d") +
           "&body=" + util::UrlEncode("Page: " + abs + "\n\nWhat is wrong:\n");
  } else {
    url += "page=" + util::UrlEncode(abs);
  }
  Flag(d, "has_feedback", true);
  Flag(d, "feedback_report", true);
  Set(d, "feedback_report_url", std::move(url));
}

// The site's first crisis callout (urgent help), when it has one.
void PageRenderer::Impl::AddCrisis(Data& d) const {
  for (const auto& c : s().callouts) {
    if (util::Slugify(c.kind) != "crisis") continue;
    auto doc = index.docs().callouts.find(c.name);
    if (doc == index.docs().callouts.end() || doc->second.html.empty()) continue;
    Data crisis;
    Set(crisis, "crisis_title", c.title.empty() ? "Urgent help" : c.title);
    Ref(crisis, "crisis_html", StrippedOf(doc->second.html, false));
    d.Set("crisis", std::move(crisis));
    return;
  }
}

void PageRenderer::Impl::AddSearchForm(Data& d, const SearchView& view) const {
  Ref(d, "query", view.query);
  const std::vector<size_t>& tops = index.SubsectionsOf("/");
  Data options = NewList(tops.size());
  for (size_t k : tops) {
    const Section& sec = s().sections[k];
    Data& item = Append(options);
    Set(item, "opt_url", sec.url);
    Set(item, "opt_title", sec.ShownTitle());
    Flag(item, "opt_selected", sec.url == view.section);
    if (sec.url == view.section) Set(d, "section_title", sec.ShownTitle());
  }
  SetList(d, "section_options", std::move(options), "has_section_options");
}

void PageRenderer::Impl::AddHits(Data& d, const SearchView& view) const {
  Data hits = NewList(view.hits.size());
  for (const auto& h : view.hits) {
    std::string url = SafeUrl(h.url);
    if (url.empty()) continue;
    Data& item = Append(hits);
    Set(item, "hit_title", h.title.empty() ? url : h.title);
    Set(item, "hit_url", std::move(url));
    Put(item, "hit_snippet", SnippetHtml(h.snippet, h.match_ranges));
    if (const Section* sec = index.FindSection(h.section_url)) Put(item, "hit_section", sec->ShownTitle());
  }
  SetList(d, "hits", std::move(hits), "has_hits");
  Set(d, "first_n", std::to_string(view.offset + 1));
}

// Previous/next links keeping q and section; "Page N of M".
void PageRenderer::Impl::AddPagination(Data& d, const SearchView& view) const {
  const size_t limit = std::max<size_t>(1, view.limit);
  const size_t pages = (view.total + limit - 1) / limit;
  const size_t page = view.offset / limit + 1;
  if (view.offset == 0 && pages <= 1) return;
  Data p;
  if (view.offset > 0)
    Set(p, "prev_url", SearchPageUrl(view, std::max<size_t>(1, std::min(page - 1, pages))));
  if (view.offset + limit < view.total) Set(p, "next_url", SearchPageUrl(view, page + 1));
  if (page <= pages) Set(p, "page_text", "Page " + std::to_string(page) + " of " + std::to_string(pages));
  d.Set("pagination", std::move(p));
}

Result<std::string> PageRenderer::SearchPage(const SearchView& view) {
  Impl& m = *impl_;
  const bool has_query = !util::Trim(view.query).empty();
  Data d;
  d.Reserve(24);
  m.NoindexHead(d, has_query ? "Search results for \u201c" + view.query + "\u201d" : "Search");
  m.AddSearchForm(d, view);
  Flag(d, "has_query", has_query);
  if (has_query) {
    Set(d, "result_count", view.total == 1 ? "1 result" : std::to_string(view.total) + " results");
    m.AddHits(d, view);
    m.AddPagination(d, view);
    Flag(d, "no_results", view.total == 0);
    Flag(d, "past_end", view.total > 0 && view.hits.empty());
    if (view.total == 0) m.AddCrisis(d);
    if (view.total == 0 && !view.section.empty()) {
      SearchView everywhere;
      everywhere.query = view.query;
      Set(d, "all_sections_url", SearchPageUrl(everywhere, 1));
    }
  }
  size_t snippets = 0;
  for (const auto& h : view.hits) snippets += 2 * h.snippet.size() + h.title.size() + h.url.size() + 128;
  return m.Render("search", d, 12 * 1024 + snippets);
}

Result<std::string> PageRenderer::StaticSearchPage(const SearchIndexMeta& meta) {
  Impl& m = *impl_;
  Data d;
  d.Reserve(24);
  m.NoindexHead(d, "Search");
  // Named: AddSearchForm refers to view.query (Ref), which must outlive Render
  // (a temporary here was read after its end: ASan, stack-use-after-scope).
  const SearchView view;
  m.AddSearchForm(d, view);
  Flag(d, "static_search", true);
  Set(d, "search_docs", std::to_string(meta.docs));
  Set(d, "search_buckets", std::to_string(meta.buckets));
  Set(d, "search_chunk", std::to_string(meta.chunk));
  Set(d, "search_spelling", meta.spelling);
  m.AddCrisis(d);
  return m.Render("search", d, 16 * 1024);
}

Result<std::string> PageRenderer::FeedbackThanksPage(const std::string& article_url, bool absolute_back) {
  Impl& m = *impl_;
  Data d;
  m.NoindexHead(d, "Thank you for your feedback");
  m.AddBackLink(d, article_url, absolute_back);
  return m.Render("feedback-thanks", d, 8 * 1024);
}

Result<std::string> PageRenderer::FeedbackErrorPage(const std::string& article_url,
                                                    const std::string& message, bool absolute_back) {
  Impl& m = *impl_;
  Data d;
  m.NoindexHead(d, "Your feedback was not sent");
  Put(d, "message", message);
  m.AddBackLink(d, article_url, absolute_back);
  return m.Render("feedback-error", d, 8 * 1024);
}

}  // namespace vetted::render
