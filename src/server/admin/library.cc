// The library's index and references pages, and the routes
// (library_routes.h).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "cite/cite.h"
#include "server/admin/internal.h"
#include "server/admin/library_internal.h"
#include "util/util.h"

namespace vetted::server {

namespace library {

namespace {

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

std::string CrlfToLf(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i)
    if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) out += s[i];
  return out;
}

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t c = s.find(',');
    if (c != 0) out.emplace_back(s.substr(0, c));
    if (c == std::string_view::npos) break;
    s.remove_prefix(c + 1);
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The references sorted by id.
Result<std::vector<Reference>> SortedReferences(Context& ctx) {
  Result<Site> site = ctx.library.LoadSite();
  if (!site.ok()) return site.status();
  std::vector<Reference> refs = std::move(site->bibliography);
  std::sort(refs.begin(), refs.end(), [](const Reference& a, const Reference& b) { return a.id < b.id; });
  return refs;
}

Response IndexPage(const Request& req) {
  std::string html =
      "<h1>Library</h1>\n<p>The material every article shares. Writers add sources and pictures; "
      "editors keep people, the glossary and the boxes.</p>\n<ul>\n";
  for (auto [href, label, what] :
       {std::tuple{"library/references", "References", "the bibliography, in AMA style, with citation keys"},
        std::tuple{"library/images", "Images", "pictures with alternative text and credit, in web sizes"},
        std::tuple{"library/people", "People", "writers, medical reviewers and editors"},
        std::tuple{"library/glossary", "Glossary", "terms explained on first use"},
        std::tuple{"library/callouts", "Callouts", "boxes shown with articles"}})
    html += std::string("<li><a href=\"") + href + "\">" + label + "</a>: " + what + "</li>\n";
  html += "</ul>\n";
  return HtmlResponse(200, admin::Page("Library", req.actor, req.csrf, html), "admin_library");
}

}  // namespace

std::string Form::Value(std::string_view name, bool text) const {
  std::string v;
  if (multipart) {
    if (const FormPart* p = FindPart(parts, name)) v = std::string(p->body);
  } else {
    v = QueryValue(body, name);
  }
  return text ? CrlfToLf(v) : v;
}

Result<Form> ReadForm(const Request& req) {
  Form form;
  form.body = req.body;
  std::string_view type = req.Header("Content-Type");
  if (IsMultipartForm(type)) {
    Result<std::vector<FormPart>> parts = ParseMultipart(type, req.body);
    if (!parts.ok()) return parts.status();
    form.multipart = true;
    form.parts = std::move(*parts);
  }
  return form;
}

int HttpStatus(const Status& status) {
  switch (status.code()) {
    case Code::kForbidden:
      return 403;
    case Code::kInvalid:
      return 400;
    case Code::kNotFound:
      return 404;
    case Code::kConflict:
      return 409;
    case Code::kExhausted:  // the disk is full; the router adds Retry-After
      return 503;
    default:
      return 500;
  }
}

std::string Note(std::string_view text) {
  if (text.empty()) return "";
  return "<p class=\"admin-note\" role=\"status\">" + Esc(text) + "</p>\n";
}

std::string CsrfField(const Request& req) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Esc(req.csrf) + "\">\n";
}

Response LibraryPage(const Request& req, int status, std::string_view title, const std::string& main_html) {
  std::string html = "<p><a href=\"../library\">Library</a></p>\n" + main_html;
  return HtmlResponse(status, admin::Page(title, req.actor, req.csrf, html, "../"), "admin_library");
}

Response ReferencesPage(Context& ctx, const Request& req, int status, std::string_view alert,
                        std::string_view kept) {
  Result<std::vector<Reference>> refs = SortedReferences(ctx);
  if (!refs.ok()) return admin::Refuse(req, 500, refs.status().message(), "admin_library");
  std::string html = "<h1>References</h1>\n" + admin::Alert(alert);
  std::string_view query = req.Query();
  if (std::vector<std::string> added = SplitComma(QueryValue(query, "added")); !added.empty()) {
    std::string text =
        "Imported " + std::to_string(added.size()) + (added.size() == 1 ? " reference: " : " references: ");
    for (size_t i = 0; i < added.size(); ++i) text += (i ? ", " : "") + added[i];
    html += Note(text + ".");
  }
  if (std::vector<std::string> clashes = SplitComma(QueryValue(query, "clashes")); !clashes.empty()) {
    std::string text =
        "Already in the bibliography, so left as they were (give the new one another id to add it): ";
    for (size_t i = 0; i < clashes.size(); ++i) text += (i ? ", " : "") + clashes[i];
    html += "<p class=\"admin-alert\" role=\"status\">" + Esc(text) + ".</p>\n";
  }
  html +=
      "<p>Cite a source in an article with its key: <code>[@key]</code>, or several as "
      "<code>[@one; @two]</code>. Readers see numbered AMA references. Lists for other tools: "
      "<a href=\"references.txt\">keys and references as text</a>, "
      "<a href=\"references.json\">as JSON</a>.</p>\n";
  html +=
      "<h2>" + std::to_string(refs->size()) + (refs->size() == 1 ? " reference" : " references") + "</h2>\n";
  if (refs->empty()) {
    html += "<p>Nothing here yet.</p>\n";
  } else {
    html +=
        "<table>\n<thead><tr><th scope=\"col\">Citation key</th><th scope=\"col\">Reference (AMA)</th></tr>"
        "</thead>\n<tbody>\n";
    for (const Reference& r : *refs)
      html += "<tr><td><code>[@" + Esc(r.id) + "]</code></td><td>" + cite::FormatHtml(r) + "</td></tr>\n";
    html += "</tbody>\n</table>\n";
  }
  if (newsroom::MayChangeLibrary(req.actor, newsroom::LibraryPart::kReferences)) {
    html +=
        "<h2>Import references</h2>\n<p>From Zotero, EndNote, Mendeley or PubMed: export CSL-JSON, BibTeX or "
        "RIS. A reference whose key the site already has is not replaced.</p>\n"
        "<form method=\"post\" action=\"references\" enctype=\"multipart/form-data\">\n" +
        CsrfField(req) +
        "<p><label for=\"file\">Bibliography file (CSL-JSON, BibTeX or RIS)</label>\n"
        "<input type=\"file\" id=\"file\" name=\"file\" accept=\".json,.bib,.ris,.txt\"></p>\n"
        "<p><label for=\"data\">Or paste it here</label>\n"
        "<textarea id=\"data\" name=\"data\" rows=\"10\" cols=\"80\">" +
        Esc(kept) +
        "</textarea></p>\n"
        "<p><button type=\"submit\">Import references</button></p>\n</form>\n";
  }
  return LibraryPage(req, status, "References", html);
}

Response PostReferences(Context& ctx, const Request& req) {
  Result<Form> form = ReadForm(req);
  if (!form.ok()) return ReferencesPage(ctx, req, 400, form.status().message());
  std::string text, name;
  const FormPart* file = form->Part("file");
  if (file != nullptr && !file->body.empty()) {
    text = std::string(file->body);
    name = file->filename.empty() ? "the file" : file->filename;
  } else {
    text = form->Value("data", true);
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return ReferencesPage(ctx, req, 400, "Choose a bibliography file or paste one: nothing was sent.");
  Result<newsroom::ReferenceImport> done = ctx.library.ImportReferences(req.actor, text, name);
  if (!done.ok())
    return ReferencesPage(ctx, req, HttpStatus(done.status()), done.status().message(),
                          name.empty() ? text : "");
  std::string location = "references?added=";
  for (size_t i = 0; i < done->added.size(); ++i) location += (i ? "," : "") + PercentEncode(done->added[i]);
  if (!done->clashes.empty()) {
    location += "&clashes=";
    for (size_t i = 0; i < done->clashes.size(); ++i)
      location += (i ? "," : "") + PercentEncode(done->clashes[i]);
  }
  return Redirect(303, location, "admin_library");
}

Response ReferencesData(Context& ctx, const Request& req, bool json) {
  Result<std::vector<Reference>> refs = SortedReferences(ctx);
  if (!refs.ok()) return JsonError(500, refs.status().message(), "admin_library");
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const Reference& r : *refs)
      list.push_back({{"id", r.id}, {"cite", "[@" + r.id + "]"}, {"text", cite::FormatText(r)}});
    return JsonResponse(200, list, "admin_library");
  }
  std::string text;
  for (const Reference& r : *refs) text += "[@" + r.id + "] " + cite::FormatText(r) + "\n";
  Response res = HtmlResponse(200, std::move(text), "admin_library");
  for (auto& [k, v] : res.headers)
    if (util::EqualsIgnoreCase(k, "Content-Type")) v = "text/plain; charset=utf-8";
  return res;
}

}  // namespace library

Status AddLibraryRoutes(Router& router, App::Impl& app) {
  if (app.store.Workflow() == nullptr) return Status::Ok();
  newsroom::LibraryOptions options;
  options.clock = app.options.clock;
  auto ctx = std::make_shared<library::Context>(
      library::Context{newsroom::Library(app.store, options), app.options.clock});
  const uint8_t readers = newsroom::kWriter | newsroom::kReviewer | newsroom::kEditor;
  using library::Context;
  auto page = [ctx](Response (*fn)(Context&, const Request&)) {
    return [ctx, fn](Request&& req, const PathMatch&, Respond respond) { respond(fn(*ctx, req)); };
  };
  struct Entry {
    uint8_t methods;
    const char* pattern;
    size_t limit;
    RouteHandler handler;
  };
  const Entry entries[] = {
      {kGet, "/admin/library", kNoBody,
       [](Request&& req, const PathMatch&, Respond respond) { respond(library::IndexPage(req)); }},
      {kGet, "/admin/library/references", kNoBody,
       page([](Context& c, const Request& r) { return library::ReferencesPage(c, r); })},
      {kPost, "/admin/library/references", kLibraryBodyLimit, page(library::PostReferences)},
      {kGet, "/admin/library/references.json", kNoBody,
       page([](Context& c, const Request& r) { return library::ReferencesData(c, r, true); })},
      {kGet, "/admin/library/references.txt", kNoBody,
       page([](Context& c, const Request& r) { return library::ReferencesData(c, r, false); })},
      {kGet, "/admin/library/images", kNoBody,
       page([](Context& c, const Request& r) { return library::ImagesPage(c, r); })},
      {kPost, "/admin/library/images", kImageUploadLimit, page(library::PostImages)},
      {kGet, "/admin/library/images.json", kNoBody, page(library::ImagesJson)},
      {kGet, "/admin/library/people", kNoBody,
       page([](Context& c, const Request& r) { return library::PeoplePage(c, r); })},
      {kPost, "/admin/library/people", kLibraryBodyLimit, page(library::PostPeople)},
      {kGet, "/admin/library/glossary", kNoBody,
       page([](Context& c, const Request& r) { return library::GlossaryPage(c, r); })},
      {kPost, "/admin/library/glossary", kLibraryBodyLimit, page(library::PostGlossary)},
      {kGet, "/admin/library/callouts", kNoBody,
       page([](Context& c, const Request& r) { return library::CalloutsPage(c, r); })},
      {kPost, "/admin/library/callouts", kLibraryBodyLimit, page(library::PostCallouts)},
  };
  for (const Entry& e : entries) {
    Route route;
    route.methods = e.methods;
    route.pattern = e.pattern;
    route.access = Access::kWriter;
    route.roles = readers;  // who may change what: newsroom::MayChangeLibrary, in the service
    route.body_limit = e.limit;
    route.handler = e.handler;
    if (Status s = router.Add(std::move(route)); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace vetted::server
