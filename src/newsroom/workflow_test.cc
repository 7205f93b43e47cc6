// The rules of newsroom.md's "who may do what" table, row by row.
#include <gtest/gtest.h>

#include <functional>

#include "newsroom/newsroom.h"

namespace vetted::newsroom {
namespace {

const std::string kR1 = "sha256:" + std::string(64, '1');
const std::string kR2 = "sha256:" + std::string(64, '2');

Actor Make(int64_t id, uint8_t roles, std::string person = "") {
  return Actor{id, "a" + std::to_string(id) + "@example.org", std::move(person), roles};
}

const Actor kWriterAna = Make(1, kWriter, "ana");      // the author
const Actor kWriterBo = Make(2, kWriter, "bo");        // not an author
const Actor kReviewerCy = Make(3, kReviewer, "cy");    // a reviewer
const Actor kReviewerDi = Make(4, kReviewer, "di");    // another reviewer
const Actor kReviewerAna = Make(5, kReviewer, "ana");  // the author's reviewer account (same person)
const Actor kEditorEd = Make(6, kEditor, "ed");
const Actor kAdminAl = Make(7, kAdmin);
const Actor kWriterReviewer = Make(8, kWriter | kReviewer, "fay");  // both roles

// An article by ana (person) saved by account 1, revision kR1 in review.
ArticleFacts InReview() {
  ArticleFacts f;
  f.state = ArticleState::kInReview;
  f.author_people = {"ana"};
  f.author_accounts = {1};
  f.latest_revision = kR1;
  f.submitted_revision = kR1;
  return f;
}

struct Case {
  std::string name;
  std::function<Status()> run;
  bool allowed;
  std::string reason_has;  // part of the refusal's reason
};

class Rules : public ::testing::TestWithParam<Case> {};

TEST_P(Rules, Hold) {
  const Case& c = GetParam();
  Status s = c.run();
  if (c.allowed) {
    EXPECT_TRUE(s.ok()) << s.message();
    return;
  }
  EXPECT_EQ(s.code(), Code::kForbidden) << s.message();
  EXPECT_NE(s.message().find(c.reason_has), std::string::npos) << s.message();
}

ArticleFacts With(std::function<void(ArticleFacts&)> edit) {
  ArticleFacts f = InReview();
  edit(f);
  return f;
}

Status Publish(const Actor& a, const ArticleFacts& f, const std::string& rev, const std::string& reason,
               bool two = false) {
  Result<PublishPlan> plan = MayPublish(a, f, SiteRules{two}, rev, reason, {kR1, kR2});
  return plan.status();
}

const ArticleFacts kDraft = With([](ArticleFacts& f) {
  f.state = ArticleState::kDraft;
  f.submitted_revision = "";
});
const ArticleFacts kApprovedOnce = With([](ArticleFacts& f) {
  f.state = ArticleState::kApproved;
  f.approvals = {{3, kR1}};
});
// Approved kR1, then edited: kR2 is the latest, a draft.
const ArticleFacts kEditedAfterApproval = With([](ArticleFacts& f) {
  f.state = ArticleState::kDraft;
  f.approvals = {{3, kR1}};
  f.latest_revision = kR2;
  f.submitted_revision = "";
  f.live_revision = kR1;
  f.ever_published = true;
});

INSTANTIATE_TEST_SUITE_P(
    Table, Rules,
    ::testing::Values(
        // create, save: writer, reviewer, editor; not admin alone.
        Case{"WriterCreates", [] { return MayCreate(kWriterBo); }, true, ""},
        Case{"ReviewerSaves", [] { return MaySave(kReviewerCy); }, true, ""},
        Case{"EditorSaves", [] { return MaySave(kEditorEd); }, true, ""},
        Case{"AdminCannotCreate", [] { return MayCreate(kAdminAl); }, false,
             "writers, medical reviewers and editors"},
        Case{"AdminCannotSave", [] { return MaySave(kAdminAl); }, false, "writers"},
        // submit: own or co-authored (writer), or editor.
        Case{"AuthorSubmits", [] { return MaySubmit(kWriterAna, kDraft, kR1); }, true, ""},
        Case{"CoAuthorByAccountSubmits",
             [] {
               return MaySubmit(kWriterBo, With([](ArticleFacts& f) {
                                  f.state = ArticleState::kDraft;
                                  f.author_accounts.push_back(2);
                                }),
                                kR1);
             },
             true, ""},
        Case{"OtherWriterCannotSubmit", [] { return MaySubmit(kWriterBo, kDraft, kR1); }, false,
             "you are not an author"},
        Case{"EditorSubmits", [] { return MaySubmit(kEditorEd, kDraft, kR1); }, true, ""},
        Case{"ReviewerCannotSubmit", [] { return MaySubmit(kReviewerCy, kDraft, kR1); }, false, "only"},
        Case{"SubmitOnlyTheLatest", [] { return MaySubmit(kWriterAna, kEditedAfterApproval, kR1); }, false,
             "not the latest"},
        Case{"SubmitTwiceRefused", [] { return MaySubmit(kWriterAna, InReview(), kR1); }, false,
             "already in review"},
        Case{"SubmitEditedLiveArticle", [] { return MaySubmit(kWriterAna, kEditedAfterApproval, kR2); }, true,
             ""},
        // approve / request changes: reviewer, not an author, the submitted revision.
        Case{"ReviewerApproves", [] { return MayApprove(kReviewerCy, InReview(), kR1); }, true, ""},
        Case{"AuthorCannotApproveOwn", [] { return MayApprove(kReviewerAna, InReview(), kR1); }, false,
             "you are an author of this article: another medical reviewer must approve it"},
        Case{"SaverCannotApprove",
             [] {
               return MayApprove(kWriterReviewer,
                                 With([](ArticleFacts& f) { f.author_accounts.push_back(8); }), kR1);
             },
             false, "you are an author"},
        Case{"WriterReviewerMayReviewOthers", [] { return MayApprove(kWriterReviewer, InReview(), kR1); },
             true, ""},
        Case{"WriterCannotApprove", [] { return MayApprove(kWriterBo, InReview(), kR1); }, false,
             "only a medical reviewer"},
        Case{"EditorCannotApprove", [] { return MayApprove(kEditorEd, InReview(), kR1); }, false,
             "only a medical reviewer"},
        Case{"ApproveOnlyTheSubmitted", [] { return MayApprove(kReviewerCy, InReview(), kR2); }, false,
             "not the one submitted"},
        Case{"ApproveOnlyInReview", [] { return MayApprove(kReviewerCy, kDraft, kR1); }, false,
             "not in review"},
        Case{"SameReviewerTwice",
             [] {
               return MayApprove(kReviewerCy, With([](ArticleFacts& f) { f.approvals = {{3, kR1}}; }), kR1);
             },
             false, "another medical reviewer"},
        Case{"SecondReviewerApproves",
             [] {
               return MayApprove(kReviewerDi, With([](ArticleFacts& f) { f.approvals = {{3, kR1}}; }), kR1);
             },
             true, ""},
        Case{"AuthorCannotRequestChanges", [] { return MayRequestChanges(kReviewerAna, InReview(), kR1); },
             false, "another medical reviewer must request changes to it"},
        Case{"ReviewerRequestsChanges", [] { return MayRequestChanges(kReviewerCy, InReview(), kR1); }, true,
             ""},
        Case{"WriterCannotRequestChanges", [] { return MayRequestChanges(kWriterBo, InReview(), kR1); },
             false, "only a medical reviewer"},
        // publish: editor; enough approvals of exactly that revision.
        Case{"EditorPublishesApproved", [] { return Publish(kEditorEd, kApprovedOnce, kR1, ""); }, true, ""},
        Case{"WriterCannotPublish", [] { return Publish(kWriterAna, kApprovedOnce, kR1, ""); }, false,
             "only an editor"},
        Case{"ReviewerCannotPublish", [] { return Publish(kReviewerCy, kApprovedOnce, kR1, ""); }, false,
             "only an editor"},
        Case{"UnapprovedCannotBePublished", [] { return Publish(kEditorEd, InReview(), kR1, ""); }, false,
             "has 0 of the 1 medical approval"},
        Case{"EditedAfterApprovalCannotBePublished",
             [] { return Publish(kEditorEd, kEditedAfterApproval, kR2, ""); }, false, "non-clinical change"},
        Case{"UnknownRevisionCannotBePublished",
             [] { return Publish(kEditorEd, kApprovedOnce, "sha256:" + std::string(64, '9'), ""); }, false,
             "not a revision of this article"},
        Case{"TwoNeededForNew", [] { return Publish(kEditorEd, kApprovedOnce, kR1, "", /*two=*/true); },
             false, "has 1 of the 2 medical approvals"},
        Case{"TwoDistinctSuffice",
             [] {
               return Publish(kEditorEd, With([](ArticleFacts& f) {
                                f.approvals = {{3, kR1}, {4, kR1}};
                              }),
                              kR1, "", true);
             },
             true, ""},
        Case{"SameReviewerTwiceIsOne",
             [] {
               return Publish(kEditorEd, With([](ArticleFacts& f) {
                                f.approvals = {{3, kR1}, {3, kR1}};
                              }),
                              kR1, "", true);
             },
             false, "has 1 of the 2"},
        Case{"OneSufficesForMinorChangeOfPublished",
             [] {
               return Publish(kEditorEd, With([](ArticleFacts& f) {
                                f.approvals = {{3, kR1}};
                                f.ever_published = true;
                              }),
                              kR1, "", true);
             },
             true, ""},
        Case{"TwoNeededForMajorChange",
             [] {
               return Publish(kEditorEd, With([](ArticleFacts& f) {
                                f.approvals = {{3, kR1}};
                                f.ever_published = true;
                                f.major = true;
                              }),
                              kR1, "", true);
             },
             false, "has 1 of the 2"},
        // non-clinical change: editor with a reason, from an approved revision.
        Case{"NonClinicalWithReason",
             [] { return Publish(kEditorEd, kEditedAfterApproval, kR2, "typo in the second heading"); }, true,
             ""},
        Case{"NonClinicalNeedsReason", [] { return Publish(kEditorEd, kEditedAfterApproval, kR2, "  "); },
             false, "with a reason"},
        Case{"NonClinicalNeedsEditor", [] { return Publish(kWriterAna, kEditedAfterApproval, kR2, "typo"); },
             false, "only an editor"},
        Case{"NonClinicalNeedsApprovedBase",
             [] {
               return Publish(kEditorEd, With([](ArticleFacts& f) { f.latest_revision = kR2; }), kR2, "typo");
             },
             false, "no earlier revision of this article was approved"},
        // unpublish, schedule: editor.
        Case{"EditorUnpublishes", [] { return MayUnpublish(kEditorEd, kEditedAfterApproval, false); }, true,
             ""},
        Case{"WriterCannotUnpublish", [] { return MayUnpublish(kWriterAna, kEditedAfterApproval, false); },
             false, "only an editor"},
        Case{"NothingToUnpublish", [] { return MayUnpublish(kEditorEd, kDraft, false); }, false,
             "not published"},
        Case{"UnpublishAScheduledPublication", [] { return MayUnpublish(kEditorEd, kDraft, true); }, true,
             ""}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// Publishing the revision readers already see again would only move its "Updated" date; it is
// allowed when settings outside the revision (aliases, dates) were saved since it went live.
TEST(Rules, TheLiveRevisionIsPublishedAgainOnlyWhenItsSettingsChanged) {
  ArticleFacts live = kEditedAfterApproval;  // kR1 approved and live, kR2 a newer draft
  Status again = Publish(kEditorEd, live, kR1, "");
  EXPECT_EQ(again.code(), Code::kConflict) << again.message();
  EXPECT_NE(again.message().find("already live"), std::string::npos) << again.message();
  EXPECT_EQ(Publish(kEditorEd, live, kR1, "a typo").code(), Code::kConflict);  // no way round it
  live.live_settings_changed = true;
  EXPECT_TRUE(Publish(kEditorEd, live, kR1, "").ok());
  EXPECT_TRUE(Publish(kEditorEd, kEditedAfterApproval, kR2, "broken link").ok());  // a newer revision may go
}

TEST(Rules, NonClinicalBaseIsTheNewestApprovedRevision) {
  ArticleFacts f = kEditedAfterApproval;
  Result<PublishPlan> plan = MayPublish(kEditorEd, f, {}, kR2, "broken link", {kR1, kR2});
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(plan->non_clinical);
  EXPECT_EQ(plan->base_revision, kR1);
  // An approved revision is published as itself, whatever reason is given.
  plan = MayPublish(kEditorEd, kApprovedOnce, {}, kR1, "typo", {kR1});
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->non_clinical);
}

TEST(Rules, ApprovalMovesToApprovedOnlyWithEnoughDistinctReviewers) {
  ArticleFacts f = InReview();
  EXPECT_EQ(StateAfterApproval(f, {}, 3), ArticleState::kApproved);
  EXPECT_EQ(StateAfterApproval(f, {true}, 3), ArticleState::kInReview);  // new article: two needed
  f.approvals = {{3, kR1}};
  EXPECT_EQ(StateAfterApproval(f, {true}, 4), ArticleState::kApproved);
  // An approval of another revision does not count.
  f.approvals = {{4, kR2}};
  EXPECT_EQ(StateAfterApproval(f, {true}, 3), ArticleState::kInReview);
}

TEST(Rules, StateNamesRoundTrip) {
  for (ArticleState s : {ArticleState::kDraft, ArticleState::kInReview, ArticleState::kApproved,
                         ArticleState::kPublished, ArticleState::kUnpublished})
    EXPECT_EQ(ParseState(StateName(s)), s);
  EXPECT_FALSE(ParseState("in review").has_value());
}

}  // namespace
}  // namespace vetted::newsroom
