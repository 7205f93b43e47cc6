// The workflow's rules (workflow.h): who may do what to an article.
#include <algorithm>
#include <set>

#include "newsroom/newsroom.h"

namespace vetted::newsroom {
namespace {

constexpr std::string_view kStateNames[] = {"draft", "in_review", "approved", "published", "unpublished"};

std::string Short(const std::string& revision) {
  return revision.size() > 19 ? revision.substr(0, 19) + "…" : revision;
}

bool Editor(const Actor& a) {
  return a.Has(kEditor);
}

}  // namespace

std::string_view StateName(ArticleState state) {
  return kStateNames[static_cast<int>(state)];
}

std::optional<ArticleState> ParseState(std::string_view name) {
  for (int i = 0; i < 5; ++i)
    if (kStateNames[i] == name) return static_cast<ArticleState>(i);
  return std::nullopt;
}

bool IsAuthor(const Actor& actor, const ArticleFacts& facts) {
  if (!actor.person_id.empty() && std::find(facts.author_people.begin(), facts.author_people.end(),
                                            actor.person_id) != facts.author_people.end())
    return true;
  return std::find(facts.author_accounts.begin(), facts.author_accounts.end(), actor.account_id) !=
         facts.author_accounts.end();
}

int ApprovalsNeeded(const ArticleFacts& facts, const SiteRules& rules) {
  return rules.two_approvals_for_new_or_major && (!facts.ever_published || facts.major) ? 2 : 1;
}

int ApprovalsOf(const ArticleFacts& facts, const std::string& revision) {
  std::set<int64_t> reviewers;
  for (const ApprovalFact& a : facts.approvals)
    if (a.revision == revision) reviewers.insert(a.reviewer);
  return static_cast<int>(reviewers.size());
}

Status MayCreate(const Actor& actor) {
  if (actor.Has(kWriter) || actor.Has(kReviewer) || actor.Has(kEditor)) return Status::Ok();
  return Status::Forbidden("only writers, medical reviewers and editors may create articles");
}

Status MaySave(const Actor& actor) {
  if (actor.Has(kWriter) || actor.Has(kReviewer) || actor.Has(kEditor)) return Status::Ok();
  return Status::Forbidden("only writers, medical reviewers and editors may save a revision");
}

Status MaySubmit(const Actor& actor, const ArticleFacts& facts, const std::string& revision) {
  bool writer_author = actor.Has(kWriter) && IsAuthor(actor, facts);
  if (!writer_author && !Editor(actor)) {
    return Status::Forbidden(actor.Has(kWriter)
                                 ? "you are not an author of this article: one of its authors or an editor "
                                   "must submit it"
                                 : "only the article's writers or an editor may submit it for review");
  }
  if (revision != facts.latest_revision) {
    return Status::Forbidden("revision " + Short(revision) + " is not the latest (" +
                             Short(facts.latest_revision) + "): submit the latest revision");
  }
  if (facts.submitted_revision == revision &&
      (facts.state == ArticleState::kInReview || facts.state == ArticleState::kApproved)) {
    return Status::Forbidden(std::string("this revision is already ") +
                             (facts.state == ArticleState::kApproved ? "approved" : "in review"));
  }
  if (facts.live_revision == revision && facts.state == ArticleState::kPublished)
    return Status::Forbidden("this revision is already published");
  return Status::Ok();
}

namespace {

// The checks approve and request changes share.
Status MayReview(const Actor& actor, const ArticleFacts& facts, const std::string& revision,
                 const char* verb) {
  if (!actor.Has(kReviewer))
    return Status::Forbidden(std::string("only a medical reviewer may ") + verb + " an article");
  if (IsAuthor(actor, facts))
    return Status::Forbidden(
        std::string("you are an author of this article: another medical reviewer must ") + verb + " it");
  if (facts.state != ArticleState::kInReview || facts.submitted_revision.empty())
    return Status::Forbidden(std::string("this article is not in review (it is ") +
                             std::string(StateName(facts.state)) + "): it must be submitted first");
  if (revision != facts.submitted_revision) {
    return Status::Forbidden("revision " + Short(revision) + " is not the one submitted for review (" +
                             Short(facts.submitted_revision) + ")");
  }
  return Status::Ok();
}

}  // namespace

Status MayApprove(const Actor& actor, const ArticleFacts& facts, const std::string& revision) {
  if (Status s = MayReview(actor, facts, revision, "approve"); !s.ok()) return s;
  for (const ApprovalFact& a : facts.approvals) {
    if (a.revision == revision && a.reviewer == actor.account_id)
      return Status::Forbidden(
          "you have already approved this revision: a second approval must come from "
          "another medical reviewer");
  }
  return Status::Ok();
}

Status MayRequestChanges(const Actor& actor, const ArticleFacts& facts, const std::string& revision) {
  return MayReview(actor, facts, revision, "request changes to");
}

ArticleState StateAfterApproval(const ArticleFacts& facts, const SiteRules& rules, int64_t reviewer) {
  ArticleFacts after = facts;
  after.approvals.push_back({reviewer, facts.submitted_revision});
  return ApprovalsOf(after, facts.submitted_revision) >= ApprovalsNeeded(facts, rules)
             ? ArticleState::kApproved
             : ArticleState::kInReview;
}

Result<PublishPlan> MayPublish(const Actor& actor, const ArticleFacts& facts, const SiteRules& rules,
                               const std::string& revision, const std::string& reason,
                               const std::vector<std::string>& known) {
  if (!Editor(actor)) return Status::Forbidden("only an editor may publish an article");
  if (std::find(known.begin(), known.end(), revision) == known.end())
    return Status::Forbidden("revision " + Short(revision) + " is not a revision of this article");
  // Publishing what readers already see would only move its "Updated" date.
  if (revision == facts.live_revision && !facts.live_settings_changed)
    return Status::Conflict("revision " + Short(revision) +
                            " is already live and nothing about it changed since it was published");
  int needed = ApprovalsNeeded(facts, rules);
  int have = ApprovalsOf(facts, revision);
  if (have >= needed) return PublishPlan{};
  std::string why = "revision " + Short(revision) + " has " + std::to_string(have) + " of the " +
                    std::to_string(needed) + " medical approval" + (needed == 1 ? "" : "s") + " it needs";
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::Forbidden(why +
                             ": have it reviewed, or publish it as a non-clinical change (a typo, a broken "
                             "link) with a reason");
  }
  // The newest earlier revision with enough approvals is the base.
  for (auto it = known.rbegin(); it != known.rend(); ++it) {
    if (*it == revision) continue;
    if (ApprovalsOf(facts, *it) >= needed) return PublishPlan{true, *it};
  }
  return Status::Forbidden(why +
                           ", and no earlier revision of this article was approved: a non-clinical "
                           "change must start from an approved revision");
}

Status MayUnpublish(const Actor& actor, const ArticleFacts& facts, bool scheduled_publication) {
  if (!Editor(actor)) return Status::Forbidden("only an editor may unpublish an article");
  if (facts.live_revision.empty() && !scheduled_publication)
    return Status::Forbidden("this article is not published");
  return Status::Ok();
}

}  // namespace vetted::newsroom
