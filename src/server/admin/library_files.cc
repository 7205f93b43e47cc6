// The library's people, glossary and callouts pages: a list for everyone
// who may read the library, and for editors a form per file (its whole text,
// as in a site folder) and one for a new file. Saving goes through
// newsroom::Library::Change, so the site's check judges the edit.
#include <map>

#include "server/admin/internal.h"
#include "server/admin/library_internal.h"
#include "util/util.h"

namespace vetted::server::library {

namespace {

using newsroom::LibraryPart;

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

// The published text of each file under `dir` with extension `ext`, by name without it.
Result<std::map<std::string, std::string>> FileTexts(Context& ctx, std::string_view dir,
                                                     std::string_view ext) {
  Result<store::Snapshot> snapshot = ctx.library.Files();
  if (!snapshot.ok()) return snapshot.status();
  std::map<std::string, std::string> out;
  for (store::SourceFile& f : snapshot->files)
    if (util::StartsWith(f.path, dir) && util::EndsWith(f.path, ext) &&
        f.path.find('/', dir.size()) == std::string::npos)
      out.emplace(f.path.substr(dir.size(), f.path.size() - dir.size() - ext.size()), std::move(f.bytes));
  return out;
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 80 || name.front() == '-') return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::string TextArea(const std::string& id, const std::string& label, const std::string& name,
                     std::string_view text, int rows = 12) {
  return "<p><label for=\"" + id + "\">" + Esc(label) + "</label>\n<textarea id=\"" + id + "\" name=\"" +
         name + "\" rows=\"" + std::to_string(rows) + "\" cols=\"80\">" + Esc(text) + "</textarea></p>\n";
}

std::string TextInput(const std::string& id, const std::string& label, const std::string& name,
                      std::string_view value, std::string_view hint) {
  return "<p><label for=\"" + id + "\">" + Esc(label) + "</label>\n<input type=\"text\" id=\"" + id +
         "\" name=\"" + name + "\" value=\"" + Esc(value) +
         "\" pattern=\"[a-z0-9][a-z0-9-]*\" aria-describedby=\"" + id + "-hint\" required>\n<span id=\"" +
         id + "-hint\">" + Esc(hint) + "</span></p>\n";
}

// Saves one file of a folder part: people/<id>.md or callouts/<name>.md.
Response SaveNamed(Context& ctx, const Request& req, LibraryPart part, const char* dir, const char* field,
                   const char* noun,
                   Response (*again)(Context&, const Request&, int, std::string_view, const Form*)) {
  Result<Form> form = ReadForm(req);
  if (!form.ok()) return again(ctx, req, 400, form.status().message(), nullptr);
  std::string name = form->Value(field);
  std::string text = form->Value("text", true);
  if (!ValidName(name))
    return again(
        ctx, req, 400,
        std::string("The ") + noun + "'s file name may hold only lowercase letters, digits and hyphens.",
        &*form);
  if (text.find_first_not_of(" \t\n") == std::string::npos)
    return again(ctx, req, 400, std::string("The ") + noun + "'s text is empty.", &*form);
  if (text.back() != '\n') text += '\n';
  newsroom::LibraryChange change;
  change.part = part;
  change.action = std::string("library.") + std::string(newsroom::LibraryPartName(part)) + ".save";
  const std::string path = std::string(dir) + name + ".md";
  change.detail = path;
  change.put.push_back({path, text});
  if (Status s = ctx.library.Change(req.actor, change); !s.ok())
    return again(ctx, req, HttpStatus(s), s.message(), &*form);
  return Redirect(303, std::string(dir == std::string("people/") ? "people" : "callouts") + "?saved=" + name,
                  "admin_library");
}

std::string SavedNote(const Request& req, std::string_view what) {
  std::string saved = QueryValue(req.Query(), "saved");
  if (saved.empty() || !ValidName(saved)) return "";
  return Note(std::string(what) + " " + saved + " saved; readers see it once the site reloads.");
}

}  // namespace

Response PeoplePage(Context& ctx, const Request& req, int status, std::string_view alert, const Form* kept) {
  Result<Site> site = ctx.library.LoadSite();
  if (!site.ok()) return admin::Refuse(req, 500, site.status().message(), "admin_library");
  Result<std::map<std::string, std::string>> texts = FileTexts(ctx, "people/", ".md");
  if (!texts.ok()) return admin::Refuse(req, 500, texts.status().message(), "admin_library");
  const bool editor = newsroom::MayChangeLibrary(req.actor, LibraryPart::kPeople);
  std::string html = "<h1>People</h1>\n" + admin::Alert(alert) + SavedNote(req, "Profile");
  html +=
      "<p>Writers, medical reviewers, fact checkers and editors, as bylines show them." +
      std::string(editor ? " Each profile is the text of its file: front matter (name, credentials, roles, "
                           "title, summary, image) and the biography below it."
                         : " Editors keep these profiles.") +
      "</p>\n";
  html +=
      "<table>\n<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Id</th><th scope=\"col\">Roles</th>"
      "<th scope=\"col\">Title</th></tr></thead>\n<tbody>\n";
  for (const auto& [id, p] : site->people) {
    std::string roles;
    for (const std::string& r : p.roles) roles += (roles.empty() ? "" : ", ") + r;
    html += "<tr><td>" + Esc(p.NameWithCredentials()) + "</td><td><code>" + Esc(id) + "</code></td><td>" +
            Esc(roles) + "</td><td>" + Esc(p.title) + "</td></tr>\n";
  }
  html += "</tbody>\n</table>\n";
  if (editor) {
    const std::string kept_id = kept ? kept->Value("id") : "";
    for (const auto& [id, text] : *texts) {
      auto it = site->people.find(id);
      std::string name = it != site->people.end() ? it->second.name : id;
      html += "<h2 id=\"person-" + Esc(id) + "\">" + Esc(name) +
              "</h2>\n<form method=\"post\" action=\"people\">\n" + CsrfField(req) +
              "<input type=\"hidden\" name=\"id\" value=\"" + Esc(id) + "\">\n" +
              TextArea("text-" + id, "Profile of " + name + " (people/" + id + ".md)", "text",
                       kept && kept_id == id ? kept->Value("text", true) : text) +
              "<p><button type=\"submit\">Save profile of " + Esc(name) + "</button></p>\n</form>\n";
    }
    bool fresh = kept && texts->count(kept_id) == 0;
    html +=
        "<h2>New person</h2>\n<form method=\"post\" action=\"people\">\n" + CsrfField(req) +
        TextInput("new-id", "Person id", "id", fresh ? kept_id : "",
                  "The file name, e.g. ana-lee: lowercase letters, digits and hyphens.") +
        TextArea("new-text", "Profile", "text",
                 fresh
                     ? kept->Value("text", true)
                     : "---\nname: \ncredentials: \nroles: [writer]\ntitle: \nsummary: \n---\nBiography.\n") +
        "<p><button type=\"submit\">Add person</button></p>\n</form>\n";
  }
  return LibraryPage(req, status, "People", html);
}

Response PostPeople(Context& ctx, const Request& req) {
  return SaveNamed(ctx, req, LibraryPart::kPeople, "people/", "id", "person", PeoplePage);
}

Response CalloutsPage(Context& ctx, const Request& req, int status, std::string_view alert,
                      const Form* kept) {
  Result<Site> site = ctx.library.LoadSite();
  if (!site.ok()) return admin::Refuse(req, 500, site.status().message(), "admin_library");
  Result<std::map<std::string, std::string>> texts = FileTexts(ctx, "callouts/", ".md");
  if (!texts.ok()) return admin::Refuse(req, 500, texts.status().message(), "admin_library");
  const bool editor = newsroom::MayChangeLibrary(req.actor, LibraryPart::kCallouts);
  std::string html = "<h1>Callouts</h1>\n" + admin::Alert(alert) + SavedNote(req, "Box");
  html +=
      "<p>Boxes shown with articles: an article names them in <code>callouts</code>, or a box shows itself "
      "on articles with one of its <code>topics</code>.</p>\n";
  if (site->callouts.empty())
    html += "<p>Nothing here yet.</p>\n";
  else {
    html +=
        "<table>\n<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Title</th><th "
        "scope=\"col\">Kind</th>"
        "<th scope=\"col\">Topics</th></tr></thead>\n<tbody>\n";
    for (const Callout& c : site->callouts) {
      std::string topics;
      for (const std::string& t : c.topics) topics += (topics.empty() ? "" : ", ") + t;
      html += "<tr><td><code>" + Esc(c.name) + "</code></td><td>" + Esc(c.title) + "</td><td>" + Esc(c.kind) +
              "</td><td>" + Esc(topics) + "</td></tr>\n";
    }
    html += "</tbody>\n</table>\n";
  }
  if (editor) {
    const std::string kept_name = kept ? kept->Value("name") : "";
    for (const auto& [name, text] : *texts) {
      html += "<h2 id=\"box-" + Esc(name) + "\">Box " + Esc(name) +
              "</h2>\n<form method=\"post\" action=\"callouts\">\n" + CsrfField(req) +
              "<input type=\"hidden\" name=\"name\" value=\"" + Esc(name) + "\">\n" +
              TextArea("text-" + name, "Box " + name + " (callouts/" + name + ".md)", "text",
                       kept && kept_name == name ? kept->Value("text", true) : text) +
              "<p><button type=\"submit\">Save box " + Esc(name) + "</button></p>\n</form>\n";
    }
    bool fresh = kept && texts->count(kept_name) == 0;
    html += "<h2>New box</h2>\n<form method=\"post\" action=\"callouts\">\n" + CsrfField(req) +
            TextInput("new-name", "Box name", "name", fresh ? kept_name : "",
                      "The file name, e.g. get-help: lowercase letters, digits and hyphens.") +
            TextArea("new-text", "Box text", "text",
                     fresh ? kept->Value("text", true)
                           : "---\ntitle: \nkind: note\ntopics: []\n---\nThe box's text.\n") +
            "<p><button type=\"submit\">Add box</button></p>\n</form>\n";
  }
  return LibraryPage(req, status, "Callouts", html);
}

Response PostCallouts(Context& ctx, const Request& req) {
  return SaveNamed(ctx, req, LibraryPart::kCallouts, "callouts/", "name", "box", CalloutsPage);
}

Response GlossaryPage(Context& ctx, const Request& req, int status, std::string_view alert,
                      const Form* kept) {
  Result<Site> site = ctx.library.LoadSite();
  if (!site.ok()) return admin::Refuse(req, 500, site.status().message(), "admin_library");
  Result<store::Snapshot> files = ctx.library.Files();
  if (!files.ok()) return admin::Refuse(req, 500, files.status().message(), "admin_library");
  std::string text;
  for (const store::SourceFile& f : files->files)
    if (f.path == "glossary.yaml") text = f.bytes;
  const bool editor = newsroom::MayChangeLibrary(req.actor, LibraryPart::kGlossary);
  std::string html = "<h1>Glossary</h1>\n" + admin::Alert(alert);
  if (QueryValue(req.Query(), "saved") == "1")
    html += Note("Glossary saved; readers see it once the site reloads.");
  html += "<p>Terms explained inline on their first use in an article.</p>\n";
  if (site->glossary.empty())
    html += "<p>Nothing here yet.</p>\n";
  else {
    html +=
        "<table>\n<thead><tr><th scope=\"col\">Term</th><th scope=\"col\">Definition</th>"
        "<th scope=\"col\">Other names</th></tr></thead>\n<tbody>\n";
    for (const GlossaryTerm& t : site->glossary) {
      std::string aliases;
      for (const std::string& a : t.aliases) aliases += (aliases.empty() ? "" : ", ") + a;
      html += "<tr><td>" + Esc(t.term) + "</td><td>" + Esc(t.definition) + "</td><td>" + Esc(aliases) +
              "</td></tr>\n";
    }
    html += "</tbody>\n</table>\n";
  }
  if (editor) {
    html +=
        "<h2>Edit the glossary</h2>\n<p>One entry per term: the term, then <code>definition:</code> and "
        "optionally <code>aliases: [other name]</code>.</p>\n<form method=\"post\" action=\"glossary\">\n" +
        CsrfField(req) +
        TextArea("text", "Glossary (glossary.yaml)", "text", kept ? kept->Value("text", true) : text, 20) +
        "<p><button type=\"submit\">Save glossary</button></p>\n</form>\n";
  }
  return LibraryPage(req, status, "Glossary", html);
}

Response PostGlossary(Context& ctx, const Request& req) {
  Result<Form> form = ReadForm(req);
  if (!form.ok()) return GlossaryPage(ctx, req, 400, form.status().message());
  std::string text = form->Value("text", true);
  if (!text.empty() && text.back() != '\n') text += '\n';
  newsroom::LibraryChange change;
  change.part = LibraryPart::kGlossary;
  change.action = "library.glossary.save";
  change.detail = "glossary.yaml";
  change.put.push_back({"glossary.yaml", text});
  if (Status s = ctx.library.Change(req.actor, change); !s.ok())
    return GlossaryPage(ctx, req, HttpStatus(s), s.message(), &*form);
  return Redirect(303, "glossary?saved=1", "admin_library");
}

}  // namespace vetted::server::library
