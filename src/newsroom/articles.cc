// The article service (articles.h): each operation checks the rules and
// writes its records and audit entry in one store transaction.
#include <algorithm>
#include <set>

#include "load/load.h"
#include "newsroom/internal.h"
#include "newsroom/newsroom.h"

namespace vetted::newsroom {

using store::AuditEntry;
using store::WfArticle;
using store::WfRevision;
using store::WorkflowTx;

namespace internal {

Article ParseSource(const std::string& source, const std::string& path) {
  std::vector<Diagnostic> ignored;
  return load::ParseArticle(source, path, ignored);
}

Result<Facts> LoadFacts(WorkflowTx& tx, int64_t id, const std::string& revision) {
  Facts out;
  Result<WfArticle> article = tx.Article(id);
  if (!article.ok()) return article.status();
  out.article = std::move(*article);
  Result<std::vector<WfRevision>> revisions = tx.Revisions(id);
  if (!revisions.ok()) return revisions.status();
  out.revisions = std::move(*revisions);
  Result<std::vector<store::WfApproval>> approvals = tx.Approvals(id);
  if (!approvals.ok()) return approvals.status();
  out.approvals = std::move(*approvals);
  Result<std::vector<store::WfPublication>> pubs = tx.Publications(id);
  if (!pubs.ok()) return pubs.status();
  out.publications = std::move(*pubs);

  ArticleFacts& f = out.facts;
  f.state = ParseState(out.article.state).value_or(ArticleState::kDraft);
  f.latest_revision = out.article.latest_revision;
  f.submitted_revision = out.article.submitted_revision;
  f.live_revision = out.article.live_revision;
  f.author_accounts.push_back(out.article.created_by);
  std::set<std::string> people;
  for (const WfRevision& r : out.revisions) {
    f.author_accounts.push_back(r.author);
    for (std::string& p : ParseSource(r.source, out.article.path).authors) people.insert(std::move(p));
    if (r.hash == revision) f.major = r.major;
  }
  f.author_people.assign(people.begin(), people.end());
  for (const store::WfApproval& a : out.approvals) f.approvals.push_back({a.reviewer, a.revision});
  // Only the entries the rules read: every save is an entry too, and a long
  // history would otherwise be read whole for each step.
  Result<std::vector<AuditEntry>> audit = tx.AuditActions(id, {"publish", "save-settings"});
  if (!audit.ok()) return audit.status();
  f.live_settings_changed = LiveSettingsChanged(f.live_revision, *audit);
  for (const AuditEntry& e : *audit) {
    if (e.action != "publish") continue;
    f.ever_published = true;
    if (out.first_published.empty() || e.at.substr(0, 10) < out.first_published)
      out.first_published = e.at.substr(0, 10);
  }
  return out;
}

const WfRevision* FindRevision(const Facts& f, const std::string& hash) {
  for (const WfRevision& r : f.revisions)
    if (r.hash == hash) return &r;
  return nullptr;
}

Status Record(WorkflowTx& tx, const Actor& actor, const std::string& now, const std::string& action,
              int64_t id, const std::string& revision, const std::string& before, const std::string& after,
              const std::string& detail) {
  AuditEntry e{0, now, actor.account_id, action, id, revision, before, after, detail, ""};
  return tx.AppendAudit(e);
}

}  // namespace internal

using internal::Facts;
using internal::LoadFacts;
using internal::Record;

namespace {

Status CheckPath(const std::string& path) {
  bool ok = util::StartsWith(path, "content/") && util::EndsWith(path, ".md") && path.size() > 11 &&
            path.find("..") == std::string::npos && path.find("//") == std::string::npos &&
            path.find('\\') == std::string::npos && !util::EndsWith(path, "/_section.md") &&
            path.find_first_of(" \t\r\n") == std::string::npos;
  if (!ok) return Status::Invalid("an article's path is content/<section>/<name>.md, not \"" + path + "\"");
  // The path becomes the page's address: nothing that means something in a
  // URL or in HTML, and no control characters.
  for (char c : path)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f ||
        std::string_view("\"'<>`?#%&=;:|*{}^[]").find(c) != std::string_view::npos)
      return Status::Invalid(std::string("an article's path may not hold ") +
                             (c > 0x20 ? "'" + std::string(1, c) + "'" : "a control character") +
                             " (it becomes the page's address): use letters, digits and hyphens");
  return Status::Ok();
}

}  // namespace

Articles::Articles(store::Store& store, ArticleOptions options)
    : store_(store), wf_(*store.Workflow()), options_(options) {}

Result<Created> Articles::Create(const Actor& actor, const std::string& path, const std::string& source) {
  if (Status s = MayCreate(actor); !s.ok()) return s;
  if (Status s = CheckPath(path); !s.ok()) return s;
  Created created;
  created.revision = internal::ParseSource(source, path).revision;
  const std::string now = util::FormatIsoUtc(options_.clock->NowSeconds());
  Status status = wf_.Write([&](WorkflowTx& tx) {
    WfArticle a;
    a.path = path;
    a.created_at = now;
    a.created_by = actor.account_id;
    if (Status s = tx.AddArticle(a); !s.ok()) return s;
    created.id = a.id;
    Result<store::SaveResult> saved =
        tx.SaveRevision({a.id, created.revision, source, "", actor.account_id, now});
    if (!saved.ok()) return saved.status();
    return Record(tx, actor, now, "create", a.id, created.revision, "", "draft", path);
  });
  if (!status.ok()) return status;
  return created;
}

Result<Saved> Articles::Save(const Actor& actor, int64_t id, const std::string& source,
                             const std::string& base_revision, bool major) {
  if (Status s = MaySave(actor); !s.ok()) return s;
  const std::string now = util::FormatIsoUtc(options_.clock->NowSeconds());
  Saved saved;
  Status status = wf_.Write([&](WorkflowTx& tx) {
    Result<WfArticle> a = tx.Article(id);
    if (!a.ok()) return a.status();
    saved.revision = internal::ParseSource(source, a->path).revision;
    // The same revision written differently, meaning the same: the stored bytes stay.
    // Only the revisions this needs are read: a save costs the same on the
    // ten-thousandth revision as on the first.
    std::string stored = source;
    Result<WfRevision> same = tx.Revision(id, saved.revision);
    if (!same.ok() && same.status().code() != Code::kNotFound) return same.status();
    if (same.ok() && same->source != source && SettingsChanges(same->source, source, a->path).empty())
      stored = same->source;
    Result<store::SaveResult> r =
        tx.SaveRevision({id, saved.revision, stored, base_revision, actor.account_id, now, major});
    if (!r.ok()) return r.status();
    if (r->conflict) {
      saved.conflict = true;
      saved.latest_revision = r->latest_revision;
      Result<WfRevision> latest = tx.Revision(id, r->latest_revision);
      if (!latest.ok() && latest.status().code() != Code::kNotFound) return latest.status();
      if (latest.ok()) saved.latest_source = std::move(latest->source);
      return Status::Ok();  // nothing was written
    }
    saved.latest_revision = saved.revision;
    // The same revision with other bytes: its stored source was replaced, and
    // the record keeps what the lines were.
    auto record_settings = [&]() {
      return Record(
          tx, actor, now, "save-settings", id, saved.revision, a->state, a->state,
          "same revision, settings changed:\n" + SettingsChanges(r->replaced_source, stored, a->path));
    };
    if (saved.revision == base_revision) {  // what readers see did not change: nor does the state
      if (!r->replaced) return Status::Ok();
      saved.settings_only = true;
      return record_settings();
    }
    std::string before = a->state;
    a->state = std::string(StateName(ArticleState::kDraft));
    a->submitted_revision.clear();
    if (Status s = tx.UpdateArticle(*a); !s.ok()) return s;
    if (Status s = Record(tx, actor, now, "save", id, saved.revision, before, a->state,
                          std::string(major ? "major change; " : "") + "from " + base_revision);
        !s.ok())
      return s;
    return r->replaced ? record_settings() : Status::Ok();
  });
  if (!status.ok()) return status;
  return saved;
}

Status Articles::Submit(const Actor& actor, int64_t id, const std::string& revision) {
  const std::string now = util::FormatIsoUtc(options_.clock->NowSeconds());
  return wf_.Write([&](WorkflowTx& tx) {
    Result<Facts> f = LoadFacts(tx, id, revision);
    if (!f.ok()) return f.status();
    if (Status s = MaySubmit(actor, f->facts, revision); !s.ok()) return s;
    WfArticle a = f->article;
    a.state = std::string(StateName(ArticleState::kInReview));
    a.submitted_revision = revision;
    if (Status s = tx.UpdateArticle(a); !s.ok()) return s;
    return Record(tx, actor, now, "submit", id, revision, f->article.state, a.state, "");
  });
}

Status Articles::Approve(const Actor& actor, int64_t id, const std::string& revision,
                         const std::string& note) {
  const std::string now = util::FormatIsoUtc(options_.clock->NowSeconds());
  return wf_.Write([&](WorkflowTx& tx) {
    Result<Facts> f = LoadFacts(tx, id, revision);
    if (!f.ok()) return f.status();
    if (Status s = MayApprove(actor, f->facts, revision); !s.ok()) return s;
    if (actor.person_id.empty()) {
      return Status::Forbidden(
          "your account is not linked to a person profile, so the page could not name you as its reviewer: "
          "ask an admin to link it");
    }
    if (Status s = tx.AddApproval({id, revision, actor.account_id, actor.person_id, note, now}); !s.ok())
      return s;
    WfArticle a = f->article;
    a.state = std::string(StateName(StateAfterApproval(f->facts, Rules(), actor.account_id)));
    if (Status s = tx.UpdateArticle(a); !s.ok()) return s;
    return Record(tx, actor, now, "approve", id, revision, f->article.state, a.state, note);
  });
}

Status Articles::RequestChanges(const Actor& actor, int64_t id, const std::string& revision,
                                const std::string& comments) {
  const std::string now = util::FormatIsoUtc(options_.clock->NowSeconds());
  return wf_.Write([&](WorkflowTx& tx) {
    Result<Facts> f = LoadFacts(tx, id, revision);
    if (!f.ok()) return f.status();
    if (Status s = MayRequestChanges(actor, f->facts, revision); !s.ok()) return s;
    if (util::Trim(comments).empty())
      return Status::Invalid("say what should change: the comments are empty");
    if (Status s = tx.AddChangeRequest({id, revision, actor.account_id, comments, now}); !s.ok()) return s;
    WfArticle a = f->article;
    a.state = std::string(StateName(ArticleState::kDraft));
    a.submitted_revision.clear();
    if (Status s = tx.UpdateArticle(a); !s.ok()) return s;
    return Record(tx, actor, now, "request-changes", id, revision, f->article.state, a.state, comments);
  });
}

Result<std::vector<store::AuditEntry>> Articles::Audit(int64_t article_id) {
  std::vector<AuditEntry> out;
  Status s = wf_.Read([&](WorkflowTx& tx) {
    Result<std::vector<AuditEntry>> all = tx.Audit(article_id);
    if (!all.ok()) return all.status();
    out = std::move(*all);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<store::WfArticle> Articles::Row(int64_t id) {
  store::WfArticle out;
  Status s = wf_.Read([&](WorkflowTx& tx) {
    Result<store::WfArticle> a = tx.Article(id);
    if (!a.ok()) return a.status();
    out = std::move(*a);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<ArticleRecord> Articles::Get(int64_t id) {
  ArticleRecord record;
  Status s = wf_.Read([&](WorkflowTx& tx) {
    Result<Facts> f = LoadFacts(tx, id, "");
    if (!f.ok()) return f.status();
    record.article = f->article;
    record.revisions = f->revisions;
    record.approvals = f->approvals;
    record.publications = f->publications;
    Result<std::vector<store::WfChangeRequest>> changes = tx.ChangeRequests(id);
    if (!changes.ok()) return changes.status();
    record.change_requests = std::move(*changes);
    Result<std::vector<AuditEntry>> audit = tx.Audit(id);
    if (!audit.ok()) return audit.status();
    record.audit = std::move(*audit);
    if (const WfRevision* latest = internal::FindRevision(*f, f->article.latest_revision)) {
      Article parsed = internal::ParseSource(latest->source, f->article.path);
      record.title = parsed.title;
      record.authors = parsed.authors;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return record;
}

Result<std::vector<ArticleSummary>> Articles::List(const ArticleFilter& filter) {
  if (!filter.state.empty() && !ParseState(filter.state))
    return Status::Invalid("unknown state \"" + filter.state + "\"");
  std::vector<ArticleSummary> out;
  Status s = wf_.Read([&](WorkflowTx& tx) {
    Result<std::vector<WfArticle>> all = tx.Articles();
    if (!all.ok()) return all.status();
    for (WfArticle& a : *all) {
      if (!filter.state.empty() && a.state != filter.state) continue;
      ArticleSummary summary{a, "", {}};
      Result<std::vector<WfRevision>> revisions = tx.Revisions(a.id);
      if (!revisions.ok()) return revisions.status();
      for (const WfRevision& r : *revisions) {
        if (r.hash != a.latest_revision) continue;
        Article parsed = internal::ParseSource(r.source, a.path);
        summary.title = parsed.title;
        summary.authors = parsed.authors;
      }
      if (!filter.author.empty() &&
          std::find(summary.authors.begin(), summary.authors.end(), filter.author) == summary.authors.end())
        continue;
      if (filter.reviewer != 0) {
        Result<std::vector<store::WfApproval>> approvals = tx.Approvals(a.id);
        Result<std::vector<store::WfChangeRequest>> changes = tx.ChangeRequests(a.id);
        if (!approvals.ok()) return approvals.status();
        if (!changes.ok()) return changes.status();
        bool reviewed = false;
        for (const store::WfApproval& ap : *approvals) reviewed = reviewed || ap.reviewer == filter.reviewer;
        for (const store::WfChangeRequest& c : *changes) reviewed = reviewed || c.reviewer == filter.reviewer;
        if (!reviewed) continue;
      }
      out.push_back(std::move(summary));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace vetted::newsroom
