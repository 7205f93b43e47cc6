// App: reader feedback. POST /feedback (the article's form, no JavaScript
// needed: 303 to a thank-you page) and POST /api/feedback (JSON: 201 with the
// new id). A success is sent only once the row is durable.
#include <chrono>
#include <nlohmann/json.hpp>

#include "server/app_internal.h"
#include "util/util.h"

namespace vetted::server {
namespace {

constexpr std::string_view kHelpCounter = "Feedback posts accepted (stored) and rejected, by reason";

bool IsJson(std::string_view content_type) {
  return util::EqualsIgnoreCase(util::Trim(content_type.substr(0, content_type.find(';'))),
                                "application/json");
}

// The form's messages are for readers, not programs.
std::string ForReaders(FeedbackReason reason, const std::string& message) {
  switch (reason) {
    case FeedbackReason::kBadCategory:
      return "Please choose what kind of feedback this is.";
    case FeedbackReason::kBadHelpful:
      return "Please choose Yes or No to tell us whether this page was helpful.";
    case FeedbackReason::kTooLong:
      return "Your comment is longer than 2,000 characters. Please shorten it and send it again.";
    default:
      return "We could not read your feedback (" + message + "). Please go back and try again.";
  }
}

std::string ThanksUrl(const std::string& article, bool foreign) {
  return "/feedback/thanks/?article=" + util::UrlEncode(article) + (foreign ? "&from=site" : "");
}

// "host:port" of an origin ("https://a.example:8443" -> "a.example:8443").
std::string_view HostOfOrigin(std::string_view origin) {
  size_t scheme = origin.find("://");
  return scheme == std::string_view::npos ? origin : origin.substr(scheme + 3);
}

// A form posted from a page at another origin than this server's (the
// static build): the browser's Origin names another host than Host.
bool Foreign(const Request& req) {
  std::string_view origin = req.Header("Origin");
  if (origin.empty()) return false;
  return origin == "null" || !util::EqualsIgnoreCase(HostOfOrigin(origin), req.Header("Host"));
}

constexpr std::string_view kCorsMaxAge = "86400";  // seconds a browser may keep a preflight's answer

void AddCors(Response& res, const std::string& origin) {
  res.headers.emplace_back("Access-Control-Allow-Origin", origin);
}

}  // namespace

// The answer to a feedback post that was not stored: JSON for the API, a
// page with a link back to the article for the form.
Response App::Impl::FeedbackError(bool api, int status, const std::string& message,
                                  const std::string& article, bool foreign) {
  if (api) return JsonError(status, message, "api_feedback");
  std::shared_ptr<const Content> c = Current();
  Result<std::string> page = c->renderer->FeedbackErrorPage(article, message, foreign);
  return HtmlResponse(status, page.ok() ? std::move(*page) : message, "feedback");
}

void App::Impl::CountFeedback(FeedbackReason reason) {
  if (reason == FeedbackReason::kNone)
    return Count("vetted_feedback_total", "result=\"accepted\"", kHelpCounter);
  Count("vetted_feedback_total",
        std::string("result=\"rejected\",reason=\"") + std::string(FeedbackReasonLabel(reason)) + "\"",
        kHelpCounter);
}

std::string App::Impl::CorsOrigin(const Request& req, const Content& c) const {
  std::string_view origin = req.Header("Origin");
  if (origin.empty()) return "";
  if (options.cors_origins.empty()) return origin == c.origin ? c.origin : "";
  for (const std::string& allowed : options.cors_origins)
    if (origin == allowed) return allowed;
  return "";
}

// The answer to a CORS preflight: what the page's script may send, for the
// allowed origins only (an origin not allowed gets no CORS headers, so the
// browser does not send the post).
Response App::Impl::FeedbackPreflight(const Request& req, const Content& c) const {
  Response res;
  res.status = 204;
  res.route = "api_feedback";
  res.headers.emplace_back("Cache-Control", kCacheNever);
  res.headers.emplace_back("Vary", "Origin");
  if (std::string origin = CorsOrigin(req, c); !origin.empty()) {
    AddCors(res, origin);
    res.headers.emplace_back("Access-Control-Allow-Methods", "POST");
    res.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type");
    res.headers.emplace_back("Access-Control-Max-Age", kCorsMaxAge);
  }
  return res;
}

void App::Impl::Feedback(Request&& req, Respond respond, bool api) {
  if (api) {  // every answer, errors too, readable by the allowed origin's script
    std::string origin = CorsOrigin(req, *Current());
    respond = [origin, respond = std::move(respond)](Response res) {
      res.headers.emplace_back("Vary", "Origin");
      if (!origin.empty()) AddCors(res, origin);
      respond(std::move(res));
    };
  }
  const bool foreign = !api && Foreign(req);
  // The article the form came from, for the error page's link back (checked
  // against the site's articles by the renderer).
  std::string from = api ? "" : QueryValue(req.body, "article");
  auto reject = [&](FeedbackReason reason, const std::string& message) {
    CountFeedback(reason);
    respond(FeedbackError(api, FeedbackReasonStatus(reason), message, from, foreign));
  };
  if (api && !IsJson(req.Header("Content-Type")))
    return reject(FeedbackReason::kBadContentType,
                  "Send the feedback as JSON (Content-Type: application/json).");
  FeedbackReason why = FeedbackReason::kNone;
  Result<FeedbackInput> input = api ? ParseFeedbackJson(req.body, &why) : ParseFeedbackForm(req.body, &why);
  if (!input.ok())
    return reject(why, api ? input.status().message() : ForReaders(why, input.status().message()));
  if (input->honeypot_filled) {
    // A bot filled the hidden field: answer as if stored, store nothing.
    CountFeedback(FeedbackReason::kHoneypot);
    if (api) return respond(JsonResponse(201, {{"id", 0}}, "api_feedback"));
    return respond(Redirect(303, ThanksUrl(input->article, foreign), "feedback"));
  }
  if (!limiter.Allow(req.client, std::chrono::steady_clock::now())) {
    CountFeedback(FeedbackReason::kRateLimited);
    Response res = FeedbackError(api, 429,
                                 "We have received a lot of feedback from your connection in a short time. "
                                 "Please try again in a minute.",
                                 from, foreign);
    res.headers.emplace_back("Retry-After", "60");
    return respond(std::move(res));
  }
  std::shared_ptr<const Content> c = Current();
  auto article = c->articles.find(input->article);
  if (article == c->articles.end() && input->article.back() != '/')  // as pages redirect "/a" to "/a/"
    article = c->articles.find(input->article + "/");
  if (article == c->articles.end())
    return reject(FeedbackReason::kUnknownArticle, "There is no article at " + input->article + ".");
  store::NewFeedback entry;
  entry.article_url = article->first;
  // The revision this page shows is the store's current one: "" lets the store
  // name it itself (so a database imported by an older vetted, whose hashes
  // were computed differently, still takes feedback). Any other revision must
  // be one the article had (the store refuses it otherwise: 400).
  entry.revision = input->revision == article->second->revision ? "" : input->revision;
  entry.helpful = input->helpful;
  entry.category = input->category;
  entry.comment = MaskPersonalData(input->comment);
  entry.created_at = util::FormatIsoUtc(options.clock->NowSeconds());
  std::string url = entry.article_url, revision = input->revision;
  queue->Submit(std::move(entry),
                [this, api, foreign, url, revision, respond = std::move(respond)](Result<int64_t> id) {
                  respond(FeedbackStored(api, foreign, url, revision, id));
                });
}

// The answer once the store has taken (or refused) a post.
Response App::Impl::FeedbackStored(bool api, bool foreign, const std::string& url,
                                   const std::string& revision, const Result<int64_t>& id) {
  if (id.ok()) {
    CountFeedback(FeedbackReason::kNone);
    if (api) return JsonResponse(201, {{"id", *id}}, "api_feedback");
    return Redirect(303, ThanksUrl(url, foreign), "feedback");
  }
  FeedbackReason reason = FeedbackReasonOf(id.status());
  CountFeedback(reason);
  std::string message;
  if (reason == FeedbackReason::kUnknownArticle) {
    message = "There is no article at " + url + ".";
  } else if (reason == FeedbackReason::kUnknownRevision) {
    message = "unknown revision \"" + revision + "\": the article at " + url +
              " never had it. Reload the page and send your feedback again.";
  } else {
    // A full disk is logged once (App::Impl::SawSpace), not at every post.
    if (id.status().code() == Code::kExhausted)
      SawSpace();
    else if (log)
      log("feedback: " + id.status().message());
    message = "Your feedback could not be saved just now. Please try again in a moment.";
  }
  return FeedbackError(api, FeedbackReasonStatus(reason), message, url, foreign);
}

Response App::Impl::FeedbackThanks(const Request& req, const Content& c) {
  std::string article = QueryValue(req.Query(), "article");
  if (!c.articles.count(article)) article.clear();
  Result<std::string> page =
      c.renderer->FeedbackThanksPage(article, QueryValue(req.Query(), "from") == "site");
  if (!page.ok()) return HtmlResponse(500, "Thank you for your feedback.", "feedback");
  return HtmlResponse(200, std::move(*page), "feedback");
}

}  // namespace vetted::server
