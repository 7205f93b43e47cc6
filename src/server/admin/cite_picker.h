// Internal to server/admin/: picking references while writing. The editor's
// "Cite a source" section (below the article text) lists the site library's
// references with their AMA text as readers see it and the exact `[@key]` to
// type; it works without JavaScript. GET /admin/cite.js adds a filter box and
// an "Insert citation" button per reference that puts `[@key]` at the cursor
// in the article text.
//
// A large library (more than kCitePickerAll references) is not listed whole:
// the section shows the references the article cites and a search form
// (GET /admin/articles/cite?cite_q=..., opened in a new tab so the writer's
// unsaved text stays); with JavaScript the same search fills the section in
// place.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "server/router.h"

namespace vetted::server::admin {

// Up to this many references, the editor lists them all.
inline constexpr size_t kCitePickerAll = 200;
// The most references a search shows.
inline constexpr size_t kCiteSearchMax = 50;

// The keys cited in a Markdown body (`[@a]`, `[@a; @b, p. 3]`), in order of
// first citation, each once.
std::vector<std::string> CitedKeys(std::string_view body);

// The references of `library` matching every word of `query` (case
// ignored) in their key or their AMA text, by key; at most `max` of them,
// `*total` set to how many match.
std::vector<const Reference*> FindReferences(const std::vector<Reference>& library, std::string_view query,
                                             size_t max, size_t* total);

// The section, for the editor's form. `up` leads from the page to /admin/
// ("../../" for /admin/articles/{id}/edit).
struct CitePicker {
  std::string section;  // inside the editor's form, after the article text
  std::string outside;  // after the editor's form: the search form its controls belong to
};
CitePicker CitePickerHtml(const std::vector<Reference>& library, std::string_view body, std::string_view up);

// GET /admin/articles/cite?cite_q=: "Find a source to cite", the search's
// results in the table the editor shows.
Response CiteSearchPage(const std::vector<Reference>& library, const Request& req);

// GET /admin/cite.js.
std::string_view CiteScript();

}  // namespace vetted::server::admin
