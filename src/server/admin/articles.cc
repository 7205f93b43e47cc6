// The newsroom's article API (article_routes.h).
#include <nlohmann/json.hpp>

#include "server/admin/article_routes.h"
#include "server/app_internal.h"

namespace vetted::server {
namespace {

using Json = nlohmann::ordered_json;
using newsroom::Actor;
using newsroom::Articles;

constexpr std::string_view kRoute = "admin_api";

Response Error(int status, const std::string& error, const std::string& reason) {
  Json body = {{"error", error}};
  if (!reason.empty()) body["reason"] = reason;
  return JsonResponse(status, body, kRoute);
}

// A Status from the service as HTTP.
Response FromStatus(const Status& s) {
  switch (s.code()) {
    case Code::kForbidden:
      return Error(403, "forbidden", s.message());
    case Code::kNotFound:
      return Error(404, "not_found", s.message());
    case Code::kInvalid:
      return Error(400, "bad_request", s.message());
    case Code::kConflict:
      return Error(409, "conflict", s.message());
    case Code::kExhausted:  // the router adds Retry-After
      return Error(503, "store_full",
                   "the server's disk is full: nothing was saved; try again in a few minutes");
    default:
      return Error(500, "internal", "the newsroom's store failed; try again");
  }
}

// The JSON object of a request body; nullopt (and *error) when it is not one.
std::optional<Json> Body(const Request& req, Response* error) {
  Json body = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    *error = Error(400, "bad_request", "the body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

// A string member ("" when absent); false (and *error) when present but not a string.
bool Text(const Json& body, const char* key, std::string* out, Response* error, bool required = false) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (!required) return true;
    *error = Error(400, "bad_request", std::string("\"") + key + "\" is required");
    return false;
  }
  if (!it->is_string()) {
    *error = Error(400, "bad_request", std::string("\"") + key + "\" must be a string");
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

std::optional<int64_t> Id(const PathMatch& match) {
  std::string_view s = match.Param("id");
  if (s.empty() || s.size() > 15 || s.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  return std::stoll(std::string(s));
}

bool SignedIn(const Request& req, const Respond& respond) {
  if (req.actor.account_id != 0) return true;
  respond(Error(401, "unauthorized", "sign in at /admin/login first"));
  return false;
}

Json RevisionJson(const store::WfRevision& r) {
  return {{"revision", r.hash},         {"parent", r.parent}, {"author", r.author},
          {"created_at", r.created_at}, {"major", r.major},   {"source", r.source}};
}

Json AuditJson(const store::AuditEntry& e) {
  return {{"seq", e.seq},
          {"at", e.at},
          {"account", e.account},
          {"action", e.action},
          {"article", e.article_id},
          {"revision", e.revision},
          {"before", e.before},
          {"after", e.after},
          {"detail", e.detail},
          {"prev_hash", e.prev_hash}};
}

Json ArticleJson(const store::WfArticle& a) {
  return {{"id", a.id},
          {"path", a.path},
          {"state", a.state},
          {"latest_revision", a.latest_revision},
          {"submitted_revision", a.submitted_revision},
          {"live_revision", a.live_revision},
          {"created_at", a.created_at}};
}

Json RecordJson(const newsroom::ArticleRecord& r) {
  Json out = ArticleJson(r.article);
  out["title"] = r.title;
  out["authors"] = r.authors;
  Json revisions = Json::array(), reviews = Json::array(), pubs = Json::array(), audit = Json::array();
  for (const auto& rev : r.revisions) revisions.push_back(RevisionJson(rev));
  for (const auto& a : r.approvals)
    reviews.push_back({{"kind", "approval"},
                       {"revision", a.revision},
                       {"reviewer", a.reviewer},
                       {"person", a.reviewer_person},
                       {"note", a.note},
                       {"at", a.created_at}});
  for (const auto& c : r.change_requests)
    reviews.push_back({{"kind", "changes_requested"},
                       {"revision", c.revision},
                       {"reviewer", c.reviewer},
                       {"comments", c.comments},
                       {"at", c.created_at}});
  for (const auto& p : r.publications)
    pubs.push_back({{"action", p.action},
                    {"revision", p.revision},
                    {"base_revision", p.base_revision},
                    {"reason", p.reason},
                    {"by", p.by},
                    {"created_at", p.created_at},
                    {"scheduled_at", p.scheduled_at},
                    {"done_at", p.done_at}});
  for (const auto& e : r.audit) audit.push_back(AuditJson(e));
  out["revisions"] = std::move(revisions);
  out["reviews"] = std::move(reviews);
  out["publications"] = std::move(pubs);
  out["audit"] = std::move(audit);
  return out;
}

void Create(Articles& articles, Request&& req, const PathMatch&, Respond respond) {
  if (!SignedIn(req, respond)) return;
  Response error;
  std::optional<Json> body = Body(req, &error);
  std::string path, source;
  if (!body || !Text(*body, "path", &path, &error, true) || !Text(*body, "source", &source, &error, true))
    return respond(std::move(error));
  Result<newsroom::Created> c = articles.Create(req.actor, path, source);
  if (!c.ok()) return respond(FromStatus(c.status()));
  respond(JsonResponse(201, {{"id", c->id}, {"revision", c->revision}}, kRoute));
}

void Save(Articles& articles, Request&& req, const PathMatch& match, Respond respond) {
  if (!SignedIn(req, respond)) return;
  std::optional<int64_t> id = Id(match);
  if (!id) return respond(Error(404, "not_found", "no such article"));
  Response error;
  std::optional<Json> body = Body(req, &error);
  std::string source, base;
  if (!body || !Text(*body, "source", &source, &error, true) ||
      !Text(*body, "base_revision", &base, &error, true))
    return respond(std::move(error));
  bool major = false;
  if (auto it = body->find("major"); it != body->end() && !it->is_null()) {
    if (!it->is_boolean()) return respond(Error(400, "bad_request", "\"major\" must be true or false"));
    major = it->get<bool>();
  }
  Result<newsroom::Saved> saved = articles.Save(req.actor, *id, source, base, major);
  if (!saved.ok()) return respond(FromStatus(saved.status()));
  if (saved->conflict) {
    return respond(
        JsonResponse(409,
                     {{"error", "conflict"},
                      {"reason", "the article changed since " + base + ": merge with the latest revision"},
                      {"latest_revision", saved->latest_revision},
                      {"latest_source", saved->latest_source}},
                     kRoute));
  }
  respond(
      JsonResponse(200, {{"revision", saved->revision}, {"settings_only", saved->settings_only}}, kRoute));
}

void Action(Articles& articles, const std::string& action, Request&& req, const PathMatch& match,
            Respond respond) {
  if (!SignedIn(req, respond)) return;
  std::optional<int64_t> id = Id(match);
  if (!id) return respond(Error(404, "not_found", "no such article"));
  Response error;
  std::optional<Json> body = Body(req, &error);
  std::string revision, note, comments, reason, at;
  if (!body || !Text(*body, "revision", &revision, &error, action != "unpublish") ||
      !Text(*body, "note", &note, &error) || !Text(*body, "comments", &comments, &error) ||
      !Text(*body, "reason", &reason, &error) || !Text(*body, "at", &at, &error))
    return respond(std::move(error));
  const Actor& actor = req.actor;
  Json ok = {{"id", *id}};
  Status s;
  if (action == "submit") {
    s = articles.Submit(actor, *id, revision);
  } else if (action == "approve") {
    s = articles.Approve(actor, *id, revision, note);
  } else if (action == "request-changes") {
    s = articles.RequestChanges(actor, *id, revision, comments);
  } else if (action == "unpublish") {
    s = articles.Unpublish(actor, *id, at);
  } else {
    Result<newsroom::Published> p = articles.Publish(actor, *id, {revision, reason, at});
    s = p.status();
    if (p.ok()) {
      ok["scheduled"] = p->scheduled;
      ok["at"] = p->at;
      ok["non_clinical"] = p->non_clinical;
      if (p->non_clinical) ok["base_revision"] = p->base_revision;
      Json warnings = Json::array();
      for (const Diagnostic& d : p->warnings) warnings.push_back(FormatDiagnostic(d));
      ok["warnings"] = std::move(warnings);
    }
  }
  if (!s.ok()) return respond(FromStatus(s));
  Result<store::WfArticle> row = articles.Row(*id);  // not Get: the whole history is not needed
  if (row.ok()) ok["state"] = row->state;
  respond(JsonResponse(200, ok, kRoute));
}

void List(Articles& articles, Request&& req, const PathMatch&, Respond respond) {
  if (!SignedIn(req, respond)) return;
  newsroom::ArticleFilter filter;
  filter.state = QueryValue(req.Query(), "state");
  filter.author = QueryValue(req.Query(), "author");
  std::string reviewer = QueryValue(req.Query(), "reviewer");
  if (!reviewer.empty()) {
    if (reviewer.size() > 15 || reviewer.find_first_not_of("0123456789") != std::string::npos)
      return respond(Error(400, "bad_request", "reviewer is an account id"));
    filter.reviewer = std::stoll(reviewer);
  }
  Result<std::vector<newsroom::ArticleSummary>> list = articles.List(filter);
  if (!list.ok()) return respond(FromStatus(list.status()));
  Json out = Json::array();
  for (const auto& s : *list) {
    Json a = ArticleJson(s.article);
    a["title"] = s.title;
    a["authors"] = s.authors;
    out.push_back(std::move(a));
  }
  respond(JsonResponse(200, {{"articles", std::move(out)}}, kRoute));
}

void Get(Articles& articles, Request&& req, const PathMatch& match, Respond respond) {
  if (!SignedIn(req, respond)) return;
  std::optional<int64_t> id = Id(match);
  if (!id) return respond(Error(404, "not_found", "no such article"));
  Result<newsroom::ArticleRecord> rec = articles.Get(*id);
  if (!rec.ok()) return respond(FromStatus(rec.status()));
  respond(JsonResponse(200, RecordJson(*rec), kRoute));
}

void Audit(Articles& articles, Request&& req, const PathMatch&, Respond respond) {
  if (!SignedIn(req, respond)) return;
  Result<std::vector<store::AuditEntry>> entries = articles.Audit(0);
  if (!entries.ok()) return respond(FromStatus(entries.status()));
  Json out = Json::array();
  for (const auto& e : *entries) out.push_back(AuditJson(e));
  Json body = {{"entries", std::move(out)}};
  Result<store::AuditCheck> check = articles.VerifyAudit();
  if (check.ok()) {
    body["intact"] = check->intact;
    if (!check->intact) body["problem"] = check->problem;
  }
  respond(JsonResponse(200, body, kRoute));
}

}  // namespace

std::vector<ArticleRoute> ArticleRoutes(Articles& articles) {
  using newsroom::kAdmin;
  using newsroom::kEditor;
  using newsroom::kReviewer;
  using newsroom::kWriter;
  Articles* a = &articles;
  const uint8_t kAuthors = kWriter | kReviewer | kEditor;
  const uint8_t kAnyone = kWriter | kReviewer | kEditor | kAdmin;
  std::vector<ArticleRoute> out = {
      {{kPost, "/admin/api/articles", Access::kWriter, kArticleBodyLimit,
        [a](Request&& r, const PathMatch& m, Respond res) { Create(*a, std::move(r), m, std::move(res)); }},
       kAuthors},
      {{kGet, "/admin/api/articles", Access::kWriter, kNoBody,
        [a](Request&& r, const PathMatch& m, Respond res) { List(*a, std::move(r), m, std::move(res)); }},
       kAnyone},
      {{kPut, "/admin/api/articles/{id}", Access::kWriter, kArticleBodyLimit,
        [a](Request&& r, const PathMatch& m, Respond res) { Save(*a, std::move(r), m, std::move(res)); }},
       kAuthors},
      {{kGet, "/admin/api/articles/{id}", Access::kWriter, kNoBody,
        [a](Request&& r, const PathMatch& m, Respond res) { Get(*a, std::move(r), m, std::move(res)); }},
       kAnyone},
      {{kGet, "/admin/api/audit", Access::kEditor, kNoBody,
        [a](Request&& r, const PathMatch& m, Respond res) { Audit(*a, std::move(r), m, std::move(res)); }},
       uint8_t(kEditor | kAdmin)},
  };
  for (const WorkflowStep& step : kWorkflowSteps) {
    std::string action = step.name;
    out.push_back({{kPost, "/admin/api/articles/{id}/" + action, step.access, kDefaultBodyLimit,
                    [a, action](Request&& r, const PathMatch& m, Respond res) {
                      Action(*a, action, std::move(r), m, std::move(res));
                    }},
                   step.roles});
  }
  return out;
}

Status AddArticleRoutes(Router& router, Articles& articles) {
  for (ArticleRoute& r : ArticleRoutes(articles)) {
    r.route.roles = r.roles;  // any one of these roles lets an account in (router.h)
    if (Status s = router.Add(std::move(r.route)); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace vetted::server
