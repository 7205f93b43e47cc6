// Internal to server/: the newsroom's library under /admin/library (the
// admin group; docs/guide-library.md). Pages for writers, medical reviewers
// and editors; every change goes through newsroom::Library (the rule, the
// site check, the audit entry and the new content in one transaction), and
// handlers only decode the request and show the answer.
//
//   GET  /admin/library                      links to the parts below
//   GET  /admin/library/references           the bibliography as readers see it (AMA), each with
//                                            its citation key; the import form (writers, editors)
//   POST /admin/library/references           import: multipart field `file` or `data` (CSL-JSON,
//                                            BibTeX, RIS) -> 303 with what was added and what clashed;
//                                            400 naming file and line
//   GET  /admin/library/references.json      [{"id", "cite", "text"}] (AMA text) for the article editor
//   GET  /admin/library/references.txt       one line per reference: "[@id] AMA text"
//   GET  /admin/library/images               uploaded images with their sizes; the upload form
//   POST /admin/library/images               multipart `image`, `alt`, `credit` (both required)
//                                            -> WebP at each width of kImageWidths (never wider
//                                            than the original) in static/images/; 400 otherwise
//   GET  /admin/library/images.json          the image record (library/images.json)
//   GET  /admin/library/people               people; editors: an edit form per person and a new one
//   POST /admin/library/people               `id`, `text` (the people/<id>.md file) -> 303 (editors)
//   GET  /admin/library/glossary             the terms; editors: the glossary.yaml form
//   POST /admin/library/glossary             `text` -> 303 (editors)
//   GET  /admin/library/callouts             the boxes; editors: a form per box and a new one
//   POST /admin/library/callouts             `name`, `text` (callouts/<name>.md) -> 303 (editors)
//
// Refusals: 403 with the rule's reason, 400 with the problem (the check's
// findings for an edit that would break the site, "file:line: message" for
// a bibliography that cannot be read), 413 for a body over the route's limit.
#pragma once

#include "model/status.h"
#include "server/app_internal.h"
#include "server/router.h"

namespace vetted::server {

// Body limits: a bibliography or a library file (2 MiB, the parser's
// ceiling for any other route); an image upload (kMaxRouteBodyBytes, 10 MiB:
// the only routes that take that much).
inline constexpr size_t kLibraryBodyLimit = 2 * 1024 * 1024;
inline constexpr size_t kImageUploadLimit = 10 * 1024 * 1024;

// Adds the routes above; nothing when the store keeps no newsroom records.
Status AddLibraryRoutes(Router& router, App::Impl& app);

}  // namespace vetted::server
