// Internal to server/: the newsroom's desk under /admin/ (docs/guide-feedback.md,
// docs/newsroom-workflow.md): each person's home, the review-due lists,
// readers' feedback and their error reports as tickets. HTML pages, server
// rendered; every rule is newsroom/'s (newsroom/desk.h), handlers only call it.
//
//   GET  /admin/                       the account's home: who is signed in, and
//                                      "Waiting for your review", "Changes requested", "Due soon"
//   GET  /admin/due                    "Review due": overdue, due within 30 days, never
//                                      reviewed, each reviewer's queue (every published article,
//                                      from the newsroom or a folder; next review = last review
//                                      + the site's review_interval, as the article page shows)
//   GET  /admin/feedback               articles with reader feedback: helpful share, answers, open tickets
//   GET  /admin/feedback/article?url=  one article's helpful share by week (SVG and a table), comments
//   GET  /admin/tickets                readers' error reports as tickets
//   GET  /admin/tickets/{ticket}       the report, the revision the reader saw and a word diff to the
//                                      live one, and the state form
//   POST /admin/tickets/{ticket}       action=assign|resolve|dismiss, note: 303 back with a note;
//                                      403 (a writer resolving), 400 (no note), 404
//
// With AppOptions::mail_command, a digest of the same lists goes to each
// account with something in them once a day (and at start): the command
// runs with the message on standard input; failures are logged.
#pragma once

#include "model/status.h"
#include "server/app_internal.h"
#include "server/router.h"

namespace vetted::server {

// Adds the routes above (only when the store keeps a workflow).
Status AddDeskRoutes(Router& router, App::Impl& app);

}  // namespace vetted::server
