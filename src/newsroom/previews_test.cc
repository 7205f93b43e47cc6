// Private preview links (previews.h) over a memory store.
#include <gtest/gtest.h>

#include "newsroom/newsroom.h"
#include "store/open.h"

namespace vetted::newsroom {
namespace {

const Actor kWendy{1, "wendy@x.org", "wendy", kWriter};
const Actor kAdminOnly{9, "root@x.org", "", kAdmin};
const std::string kSource = "---\ntitle: Figs\ndescription: About figs.\nauthors: [wendy]\n---\nFigs.\n";

class PreviewsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::Open("memory:")).value();
    ArticleOptions options;
    options.clock = &clock_;
    articles_ = std::make_unique<Articles>(*store_, options);
    previews_ = std::make_unique<Previews>(*store_, clock_);
    Result<Created> c = articles_->Create(kWendy, "content/health/figs.md", kSource);
    ASSERT_TRUE(c.ok()) << c.status().message();
    created_ = *c;
  }

  util::FixedClock clock_{1'800'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Articles> articles_;
  std::unique_ptr<Previews> previews_;
  Created created_;
};

TEST_F(PreviewsTest, ALinkShowsItsRevisionUntilItExpires) {
  Result<PreviewLinkMade> made = previews_->Create(kWendy, created_.id, created_.revision, 3);
  ASSERT_TRUE(made.ok()) << made.status().message();
  EXPECT_EQ(made->token.size(), 64u);  // 256 bits as hex
  EXPECT_EQ(made->expires_at, util::FormatIsoUtc(1'800'000'000 + 3 * 86400));
  Result<PreviewTarget> open = previews_->Open(made->token);
  ASSERT_TRUE(open.ok()) << open.status().message();
  EXPECT_EQ(open->revision, created_.revision);
  EXPECT_EQ(open->source, kSource);
  EXPECT_EQ(open->path, "content/health/figs.md");
  // Recorded, with the expiry; the token itself is not stored.
  std::vector<store::AuditEntry> audit = articles_->Audit(created_.id).value();
  ASSERT_EQ(audit.back().action, "preview-link");
  EXPECT_EQ(audit.back().detail, "expires " + made->expires_at);
  EXPECT_EQ(audit.back().detail.find(made->token), std::string::npos);

  clock_.Advance(3 * 86400 - 1);
  EXPECT_TRUE(previews_->Open(made->token).ok());
  clock_.Advance(1);
  EXPECT_EQ(previews_->Open(made->token).status().code(), Code::kNotFound);
  EXPECT_EQ(previews_->Open(std::string(64, '0')).status().code(), Code::kNotFound);
  EXPECT_EQ(previews_->Open("../../etc").status().code(), Code::kNotFound);
}

TEST_F(PreviewsTest, RefusalsChangeNothing) {
  size_t before = articles_->Audit(0)->size();
  EXPECT_EQ(previews_->Create(kAdminOnly, created_.id, created_.revision, 3).status().code(),
            Code::kForbidden);
  EXPECT_EQ(previews_->Create(kWendy, created_.id, created_.revision, 0).status().code(), Code::kInvalid);
  EXPECT_EQ(previews_->Create(kWendy, created_.id, created_.revision, kMaxPreviewDays + 1).status().code(),
            Code::kInvalid);
  EXPECT_EQ(previews_->Create(kWendy, created_.id, "sha256:00", 3).status().code(), Code::kNotFound);
  EXPECT_EQ(previews_->Create(kWendy, created_.id + 1, created_.revision, 3).status().code(),
            Code::kNotFound);
  EXPECT_EQ(articles_->Audit(0)->size(), before);
  EXPECT_TRUE(previews_->Create(kWendy, created_.id, created_.revision, kMaxPreviewDays).ok());
}

}  // namespace
}  // namespace vetted::newsroom
