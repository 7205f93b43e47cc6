// Publish, unpublish and the scheduled steps (articles.h): the rules, the
// records, then the site through the publish pipeline, all in one transaction.
#include <algorithm>
#include <set>

#include "load/load.h"
#include "newsroom/internal.h"
#include "newsroom/newsroom.h"
#include "publish/publish.h"

namespace vetted::newsroom {

using internal::Facts;
using internal::LoadFacts;
using internal::Record;
using store::WfArticle;
using store::WfRevision;
using store::WorkflowTx;

namespace {

// The published content with the article at `path` set to `bytes` (removed
// when null), validated like `vetted check` and turned into an import.
// kInvalid listing the errors when the site would not pass.
Result<publish::ImportPlan> PlanSite(WorkflowTx& tx, const std::string& path, const std::string* bytes,
                                     const Date& today) {
  Result<store::Snapshot> snapshot = tx.LoadContent();
  if (!snapshot.ok()) return snapshot.status();
  std::erase_if(snapshot->files, [&](const store::SourceFile& f) { return f.path == path; });
  if (bytes != nullptr) snapshot->files.push_back({path, *bytes});
  load::MemoryFileSystem files;
  Site site;
  if (Status s = publish::LoadSnapshot(std::move(*snapshot), &files, &site); !s.ok()) return s;
  publish::ValidateOptions options;
  options.today = today;
  Result<publish::ImportPlan> plan = publish::ToImport(site, "site", files, options);
  if (!plan.ok()) return plan.status();
  if (plan->refused()) return publish::Refusal(plan->diagnostics);
  bool present = std::any_of(plan->input.articles.begin(), plan->input.articles.end(),
                             [&](const store::ArticleSource& a) { return a.path == path; });
  if (present != (bytes != nullptr))
    return Status::Invalid(path + (present ? " would still be published" : " would not be published"));
  return plan;
}

// The review records the page shows for `shown`: each distinct reviewer's
// first approval of exactly that revision, dated at the approval.
std::vector<ReviewRecord> ReviewsOf(const Facts& f, const std::string& shown) {
  std::vector<ReviewRecord> out;
  std::set<int64_t> seen;
  for (const store::WfApproval& a : f.approvals) {
    if (a.revision != shown || !seen.insert(a.reviewer).second) continue;
    out.push_back({a.reviewer_person, a.created_at.substr(0, 10), shown});
  }
  return out;
}

bool ValidTime(const std::string& at) {
  return at.size() == 20 && at[4] == '-' && at[7] == '-' && at[10] == 'T' && at[13] == ':' && at[16] == ':' &&
         at[19] == 'Z' && Date::Parse(at.substr(0, 10)).has_value();
}

// Publishes `revision` of the article in `f` now: records, then the site.
Result<Published> PublishNow(WorkflowTx& tx, const Actor& actor, const Facts& f, const std::string& revision,
                             const PublishPlan& plan, const std::string& reason, const std::string& now) {
  const WfRevision* rev = internal::FindRevision(f, revision);
  if (rev == nullptr) return Status::NotFound("no revision " + revision);
  const std::string today = now.substr(0, 10);
  NonClinicalChange nc;
  if (plan.non_clinical) {
    nc.from = plan.base_revision;
    nc.date = *Date::Parse(today);
    nc.reason = reason;
  }
  Result<std::string> text = PublishedSource(
      rev->source, f.article.path, ReviewsOf(f, plan.non_clinical ? plan.base_revision : revision), today, nc,
      f.first_published.empty() ? today : f.first_published);
  if (!text.ok()) return text.status();
  Result<publish::ImportPlan> site = PlanSite(tx, f.article.path, &*text, *Date::Parse(today));
  if (!site.ok()) return site.status();

  store::WfPublication p;
  p.article_id = f.article.id;
  p.revision = revision;
  p.base_revision = nc.from;
  p.reason = plan.non_clinical ? reason : "";
  p.by = actor.account_id;
  p.created_at = p.done_at = now;
  if (Status s = tx.AddPublication(p); !s.ok()) return s;
  WfArticle a = f.article;
  a.state = std::string(StateName(ArticleState::kPublished));
  a.live_revision = revision;
  if (Status s = tx.UpdateArticle(a); !s.ok()) return s;
  std::string detail = plan.non_clinical ? "non-clinical change from " + nc.from + ": " + reason : "";
  if (Status s = Record(tx, actor, now, "publish", a.id, revision, f.article.state, a.state, detail); !s.ok())
    return s;
  Result<store::ImportReport> imported = tx.ImportContent(site->input);  // last: see WorkflowStore::Write
  if (!imported.ok()) return imported.status();
  Published out;
  out.at = now;
  out.non_clinical = plan.non_clinical;
  out.base_revision = nc.from;
  out.source = std::move(*text);
  for (Diagnostic& d : site->diagnostics)
    if (d.pos.file == f.article.path) out.warnings.push_back(std::move(d));
  return out;
}

Status UnpublishNow(WorkflowTx& tx, const Actor& actor, const Facts& f, const std::string& now) {
  Result<publish::ImportPlan> site = PlanSite(tx, f.article.path, nullptr, *Date::Parse(now.substr(0, 10)));
  if (!site.ok()) return site.status();
  store::WfPublication p;
  p.article_id = f.article.id;
  p.action = "unpublish";
  p.by = actor.account_id;
  p.created_at = p.done_at = now;
  if (Status s = tx.AddPublication(p); !s.ok()) return s;
  WfArticle a = f.article;
  a.state = std::string(StateName(ArticleState::kUnpublished));
  a.live_revision.clear();
  if (Status s = tx.UpdateArticle(a); !s.ok()) return s;
  if (Status s =
          Record(tx, actor, now, "unpublish", a.id, f.article.live_revision, f.article.state, a.state, "");
      !s.ok())
    return s;
  Result<store::ImportReport> imported = tx.ImportContent(site->input);
  return imported.ok() ? Status::Ok() : imported.status();
}

std::vector<std::string> Hashes(const Facts& f) {
  std::vector<std::string> out;
  for (const WfRevision& r : f.revisions) out.push_back(r.hash);
  return out;
}

}  // namespace

Result<Published> Articles::Publish(const Actor& actor, int64_t id, const PublishRequest& request) {
  const std::string now = util::FormatIsoUtc(options_.clock->NowSeconds());
  if (!request.at.empty() && !ValidTime(request.at))
    return Status::Invalid("a publication time is UTC, as 2026-12-24T08:00:00Z, not \"" + request.at + "\"");
  Published out;
  Status status = wf_.Write([&](WorkflowTx& tx) {
    Result<Facts> f = LoadFacts(tx, id, request.revision);
    if (!f.ok()) return f.status();
    Result<PublishPlan> plan =
        MayPublish(actor, f->facts, Rules(), request.revision, request.reason, Hashes(*f));
    if (!plan.ok()) return plan.status();
    if (request.at.empty() || request.at <= now) {
      Result<Published> done = PublishNow(tx, actor, *f, request.revision, *plan, request.reason, now);
      if (!done.ok()) return done.status();
      out = std::move(*done);
      return Status::Ok();
    }
    store::WfPublication p;
    p.article_id = id;
    p.revision = request.revision;
    p.base_revision = plan->base_revision;
    p.reason = plan->non_clinical ? request.reason : "";
    p.by = actor.account_id;
    p.created_at = now;
    p.scheduled_at = request.at;
    if (Status s = tx.AddPublication(p); !s.ok()) return s;
    out.scheduled = true;
    out.at = request.at;
    out.non_clinical = plan->non_clinical;
    out.base_revision = plan->base_revision;
    return Record(tx, actor, now, "schedule-publish", id, request.revision, f->article.state,
                  f->article.state, "at " + request.at);
  });
  if (!status.ok()) return status;
  return out;
}

Status Articles::Unpublish(const Actor& actor, int64_t id, const std::string& at) {
  const std::string now = util::FormatIsoUtc(options_.clock->NowSeconds());
  if (!at.empty() && !ValidTime(at))
    return Status::Invalid("an unpublication time is UTC, as 2026-12-24T08:00:00Z, not \"" + at + "\"");
  return wf_.Write([&](WorkflowTx& tx) {
    Result<Facts> f = LoadFacts(tx, id, "");
    if (!f.ok()) return f.status();
    bool pending =
        std::any_of(f->publications.begin(), f->publications.end(),
                    [](const store::WfPublication& p) { return p.action == "publish" && p.done_at.empty(); });
    if (Status s = MayUnpublish(actor, f->facts, pending); !s.ok()) return s;
    if (at.empty() || at <= now) return UnpublishNow(tx, actor, *f, now);
    store::WfPublication p;
    p.article_id = id;
    p.action = "unpublish";
    p.by = actor.account_id;
    p.created_at = now;
    p.scheduled_at = at;
    if (Status s = tx.AddPublication(p); !s.ok()) return s;
    return Record(tx, actor, now, "schedule-unpublish", id, "", f->article.state, f->article.state,
                  "at " + at);
  });
}

Result<int> Articles::RunScheduled() {
  const std::string now = util::FormatIsoUtc(options_.clock->NowSeconds());
  std::vector<store::WfPublication> due;
  Status read = wf_.Read([&](WorkflowTx& tx) {
    Result<std::vector<store::WfPublication>> all = tx.Publications(0);
    if (!all.ok()) return all.status();
    for (store::WfPublication& p : *all)
      if (p.done_at.empty() && !p.scheduled_at.empty() && p.scheduled_at <= now) due.push_back(std::move(p));
    return Status::Ok();
  });
  if (!read.ok()) return read;
  int ran = 0;
  for (const store::WfPublication& p : due) {
    // The editor who scheduled it, as far as the rules need: the rules are
    // judged again now (an approval may be missing, the site may not pass).
    Actor editor{p.by, "", "", kEditor};
    Status step;
    Status status = wf_.Write([&](WorkflowTx& tx) {
      if (Status s = tx.FinishPublication(p.id, now); !s.ok()) return s;  // once: kNotFound when done already
      Result<Facts> f = LoadFacts(tx, p.article_id, p.revision);
      if (!f.ok()) return f.status();
      if (p.action == "unpublish") {
        step = MayUnpublish(editor, f->facts, false);
        if (step.ok()) step = UnpublishNow(tx, editor, *f, now);
      } else {
        Result<PublishPlan> plan = MayPublish(editor, f->facts, Rules(), p.revision, p.reason, Hashes(*f));
        step = plan.status();
        if (step.ok()) step = PublishNow(tx, editor, *f, p.revision, *plan, p.reason, now).status();
      }
      if (step.ok()) return Status::Ok();
      return Status::Conflict("retry as failed");  // roll back, then record the failure below
    });
    if (status.code() == Code::kNotFound) continue;
    if (!status.ok() && status.code() != Code::kConflict) return status;
    if (!step.ok()) {
      status = wf_.Write([&](WorkflowTx& tx) {
        if (Status s = tx.FinishPublication(p.id, now); !s.ok()) return s;
        return Record(tx, editor, now, p.action + "-failed", p.article_id, p.revision, "", "",
                      step.message());
      });
      if (!status.ok() && status.code() != Code::kNotFound) return status;
    }
    ++ran;
  }
  return ran;
}

}  // namespace vetted::newsroom
