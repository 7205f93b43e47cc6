// Private preview links (previews.h).
#include "newsroom/newsroom.h"

namespace vetted::newsroom {
namespace {

std::string TokenHash(const std::string& token) {
  return "sha256:" + util::Sha256Hex(token);
}

bool WellFormedToken(const std::string& token) {
  return token.size() == 64 && token.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

Previews::Previews(store::Store& store, const util::Clock& clock) : wf_(*store.Workflow()), clock_(clock) {}

Result<PreviewLinkMade> Previews::Create(const Actor& actor, int64_t id, const std::string& revision,
                                         int days) {
  if (!actor.Has(kWriter) && !actor.Has(kReviewer) && !actor.Has(kEditor))
    return Status::Forbidden("only writers, medical reviewers and editors may create preview links");
  if (days < 1 || days > kMaxPreviewDays)
    return Status::Invalid("a preview link lasts 1 to " + std::to_string(kMaxPreviewDays) + " days");
  const long long now = clock_.NowSeconds();
  PreviewLinkMade made;
  made.token = RandomHex(32);
  made.expires_at = util::FormatIsoUtc(now + days * 86400LL);
  Status status = wf_.Write([&](store::WorkflowTx& tx) {
    Result<store::WfArticle> a = tx.Article(id);
    if (!a.ok()) return a.status();
    Result<std::vector<store::WfRevision>> revisions = tx.Revisions(id);
    if (!revisions.ok()) return revisions.status();
    bool known = false;
    for (const store::WfRevision& r : *revisions) known = known || r.hash == revision;
    if (!known) return Status::NotFound("revision " + revision + " is not a revision of this article");
    store::WfPreviewLink link{TokenHash(made.token), id, revision, actor.account_id, util::FormatIsoUtc(now),
                              made.expires_at};
    if (Status s = tx.AddPreviewLink(link); !s.ok()) return s;
    store::AuditEntry e{0,
                        link.created_at,
                        actor.account_id,
                        "preview-link",
                        id,
                        revision,
                        a->state,
                        a->state,
                        "expires " + made.expires_at,
                        ""};
    return tx.AppendAudit(e);
  });
  if (!status.ok()) return status;
  return made;
}

Result<PreviewTarget> Previews::Open(const std::string& token) {
  if (!WellFormedToken(token)) return Status::NotFound("no such preview link");
  const std::string now = util::FormatIsoUtc(clock_.NowSeconds());
  PreviewTarget out;
  Status status = wf_.Read([&](store::WorkflowTx& tx) {
    Result<store::WfPreviewLink> link = tx.PreviewLink(TokenHash(token));
    if (!link.ok()) return link.status();
    if (link->expires_at <= now) return Status::NotFound("this preview link has expired");
    Result<store::WfArticle> a = tx.Article(link->article_id);
    if (!a.ok()) return a.status();
    Result<std::vector<store::WfRevision>> revisions = tx.Revisions(link->article_id);
    if (!revisions.ok()) return revisions.status();
    for (const store::WfRevision& r : *revisions) {
      if (r.hash != link->revision) continue;
      out = {a->id, a->path, r.hash, r.source, link->expires_at};
      return Status::Ok();
    }
    return Status::NotFound("the revision of this preview link is gone");
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace vetted::newsroom
