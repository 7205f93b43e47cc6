// Internal to server/admin/: what the review pages' files share
// (review_routes.h lists the routes).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "newsroom/newsroom.h"
#include "server/admin/internal.h"
#include "server/admin/review_routes.h"
#include "server/admin/word_diff.h"

namespace vetted::server::admin {

// What the review handlers need, bound at AddReviewRoutes.
struct Review {
  App::Impl& app;
  newsroom::Articles& articles;
  newsroom::Previews previews;
};

// {id} as a number; nullopt for anything else.
std::optional<int64_t> ArticleId(const PathMatch& match);
// "sha256:0123456789ab" (the first 12 hex digits).
std::string ShortRev(std::string_view revision);
// Account id -> email, for the people named on the pages ("account 7" when unknown).
std::map<int64_t, std::string> AccountNames(App::Impl& app);
std::string NameOf(const std::map<int64_t, std::string>& names, int64_t account);
// The revision with this hash; nullptr when the article has none.
const store::WfRevision* FindRev(const newsroom::ArticleRecord& r, std::string_view hash);
// The revision the diff of `rev` starts from: its parent, else "".
const store::WfRevision* ParentOf(const newsroom::ArticleRecord& r, const store::WfRevision& rev);
// An HTML page of the review group (Page() with "../../" or "../" up).
Response ReviewPage(int status, const Request& req, std::string_view title, std::string_view html,
                    std::string_view up, std::string_view route);
// A Status from the service as an HTML refusal (403/404/400/409/500).
Response StatusPage(const Request& req, const Status& s, std::string_view route);
// <link> to review.css (allowed in <body>), from a page `up` below /admin/.
std::string ReviewCss(std::string_view up);
// The hidden csrf field.
std::string CsrfField(const Request& req);

// The pages (review_pages.cc, review_history.cc).
Response ArticlePage(Review& r, const Request& req, int64_t id, int status, std::string_view alert);
Response PostStep(Review& r, const Request& req, int64_t id, std::string_view step);
Response RevisionsPage(Review& r, const Request& req, int64_t id);
Response DiffPage(Review& r, const Request& req, int64_t id);
Response PostRestore(Review& r, const Request& req, int64_t id);
Response PostPreviewLink(Review& r, const Request& req, int64_t id);
Response PreviewPage(Review& r, const Request& req, std::string_view token);
Response RecordPage(Review& r, const Request& req, int64_t id);
Response RecordJson(Review& r, const Request& req, int64_t id);
std::string_view ReviewStylesheet();

}  // namespace vetted::server::admin
