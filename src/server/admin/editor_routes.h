// Internal to server/: the newsroom's writing pages under /admin/articles
// (the admin group; docs/guide-writers.md, /work contract "editor"). HTML
// forms over newsroom::Articles; every rule is the service's.
//
//   GET  /admin/articles                 the article list, with a GET filter form
//                                        (q, state, section, author, reviewer, due)
//   GET  /admin/articles/new             the new-article form (path + the editor's fields)
//   POST /admin/articles/new             creates the draft: 303 to {id}/edit; 400/403/409 with the form
//   GET  /admin/articles/{id}/edit       the editor: a control per front-matter field, the
//                                        Markdown body, the check findings ("Checks")
//   POST /admin/articles/{id}/edit       action=save: a revision on top of base_revision
//                                        (303 back to {id}/edit, whose "Saved revision" note
//                                        rides a 2-minute cookie, shown once; 409 with both texts on a
//                                        stale base); action=preview: the editor again
//                                        with the rendered page and its findings, unsaved
//   POST /admin/articles/{id}/preview    the page as readers would see it, unsaved
//   GET  /admin/articles/cite?cite_q=    "Find a source to cite": the library's references
//                                        matching the words (cite_picker.h); the editor's "Cite a
//                                        source" section lists them all, or, for a large library, the
//                                        ones the text cites and a search opening this page
//   GET  /admin/cite.js                  the picker's filter box and "Insert citation" buttons
//                                        (optional; the pages work without it)
//   GET  /admin/editor.js                refreshes the preview as the writer types
//                                        (optional; the pages work without it)
//   GET  /admin/editor.css               these pages' styles (linked from them)
//
// Previews and findings come from publish::PreviewArticle over the store's
// published content. Presence ("X is also editing this article") is kept in
// this server's memory for 2 minutes after each opening of the editor: each
// node of a cluster knows only the writers it served.
#pragma once

#include "model/status.h"
#include "server/app_internal.h"
#include "server/router.h"

namespace vetted::server {

// Adds the routes above (needs app.articles; adds nothing without it).
Status AddEditorRoutes(Router& router, App::Impl& app);

}  // namespace vetted::server
