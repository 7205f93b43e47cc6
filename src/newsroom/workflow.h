// Internal to newsroom/ (included by newsroom/newsroom.h): the article
// workflow's rules (../shared/newsroom.md, docs/newsroom-workflow.md) as pure
// functions over plain data. Each May* function returns Ok when the actor may
// take the step, else kForbidden with a sentence a person can act on
// ("you are an author of this article: another medical reviewer must approve
// it"). The service (newsroom/articles.h) calls them inside the same store
// transaction as its write; the HTTP handlers only call the service.
//
// Thread safety: everything here is pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace vetted::newsroom {

struct Actor;

//  draft --submit--> in review --approve (enough)--> approved --publish--> published
//    ^                  |                                                    |
//    +-request changes--+        any new revision -> draft          unpublish -> unpublished
enum class ArticleState { kDraft, kInReview, kApproved, kPublished, kUnpublished };

// "draft", "in_review", "approved", "published", "unpublished" (as stored and in the API).
std::string_view StateName(ArticleState state);
std::optional<ArticleState> ParseState(std::string_view name);

// One stored approval, as the rules need it.
struct ApprovalFact {
  int64_t reviewer = 0;  // account id
  std::string revision;
};

// What the rules know about one article.
struct ArticleFacts {
  ArticleState state = ArticleState::kDraft;
  // The article's authors: person ids from the front matter of the revision
  // in question, and the accounts that saved any revision of it.
  std::vector<std::string> author_people;
  std::vector<int64_t> author_accounts;
  std::string latest_revision;     // the newest saved revision
  std::string submitted_revision;  // in review or approved; "" when none
  std::string live_revision;       // what readers see; "" when none
  bool ever_published = false;     // false: a new article
  // The live revision's settings outside the revision (aliases, dates...) were
  // saved since it was last published: publishing it again makes them live.
  bool live_settings_changed = false;
  bool major = false;                   // the submitted revision was marked "major"
  std::vector<ApprovalFact> approvals;  // every approval stored, of any revision
};

// The site's settings the rules read.
struct SiteRules {
  // Two approving clinicians for a new article and for a change marked major.
  bool two_approvals_for_new_or_major = false;
};

// Whether the actor is an author of the article (by person or by account).
bool IsAuthor(const Actor& actor, const ArticleFacts& facts);

// Approvals a revision needs before it may be published: 2 when the site
// asks for two and the article is new or the revision is marked major, else 1.
int ApprovalsNeeded(const ArticleFacts& facts, const SiteRules& rules);
// Distinct reviewers who approved exactly `revision`.
int ApprovalsOf(const ArticleFacts& facts, const std::string& revision);

// Create an article, save a revision: writers, reviewers and editors. (The
// base-revision check is the store's: a stale base is a conflict, 409.)
Status MayCreate(const Actor& actor);
Status MaySave(const Actor& actor);

// Submit `revision` for review: a writer who is an author, or an editor; the
// revision must be the latest and the article a draft (or unpublished, or
// live with a newer draft).
Status MaySubmit(const Actor& actor, const ArticleFacts& facts, const std::string& revision);

// Approve or request changes: a medical reviewer who is not an author of the
// article; `revision` must be the one submitted and in review; an approval
// must come from a reviewer who has not approved this revision already.
Status MayApprove(const Actor& actor, const ArticleFacts& facts, const std::string& revision);
Status MayRequestChanges(const Actor& actor, const ArticleFacts& facts, const std::string& revision);

// The state after one more approval of the submitted revision: kApproved once
// it has enough distinct approvals, else kInReview.
ArticleState StateAfterApproval(const ArticleFacts& facts, const SiteRules& rules, int64_t reviewer);

// How a publication is justified.
struct PublishPlan {
  bool non_clinical = false;  // published without its own approval, on an editor's reason
  std::string base_revision;  // non-clinical: the approved revision it came from
};

// Publish `revision` (now or scheduled): editors only. Allowed when the
// revision has ApprovalsNeeded distinct approvals; otherwise only as a
// non-clinical change: `reason` must be given and some earlier revision of
// the article must have enough approvals (the newest such is the base).
// `revision` must be one of the article's revisions (`known`).
Result<PublishPlan> MayPublish(const Actor& actor, const ArticleFacts& facts, const SiteRules& rules,
                               const std::string& revision, const std::string& reason,
                               const std::vector<std::string>& known);

// Unpublish (now or scheduled): editors only, and only a live article (or one
// with a publication pending, when `scheduled_publication`).
Status MayUnpublish(const Actor& actor, const ArticleFacts& facts, bool scheduled_publication);

}  // namespace vetted::newsroom
