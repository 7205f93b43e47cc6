// UpdateContent (app_update.cc): the next generation shares what did not
// change with the previous one (articles, static files, cached pages) and
// has what LoadContent would make from the store. Pages served after an
// incremental reload are compared with a fresh App's in app_test.cc
// (IncrementalReloadServesWhatAFreshLoadServes).
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "load/load.h"
#include "server/app_internal.h"
#include "store/open.h"

namespace vetted::server {
namespace {

store::ArticleSource Source(const std::string& folder, const std::string& slug, const std::string& title,
                            const std::string& body) {
  std::string front = "title: " + title + "\ndescription: About " + slug + ".\nauthors: [wendy]\n" +
                      "published: 2026-01-01\ntags: [sleep]\n";
  std::string bytes = "---\n" + front + "---\n" + body;
  std::string path = "content/" + folder + "/" + slug + ".md";
  std::vector<Diagnostic> diagnostics;
  std::string revision = load::ParseArticle(bytes, path, diagnostics).revision;
  return {
      path, "/" + folder + "/" + slug + "/", revision, bytes, {title, "", "", body, "/" + folder + "/", ""},
      ""};
}

store::ImportInput Site3() {
  store::ImportInput in;
  in.files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"content/sleep/_section.md", "---\ntitle: Sleep\n---\n"},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\n---\nBio.\n"},
      {"static/files/note.txt", "a note\n"},
  };
  store::ArticleSource snoring = Source("sleep", "snoring", "Snoring", "\nLoud.\n");
  snoring.bytes.insert(4, "aliases: [/sleep/old-snoring/]\n");
  std::vector<Diagnostic> diagnostics;
  snoring.revision = load::ParseArticle(snoring.bytes, snoring.path, diagnostics).revision;
  in.articles = {Source("sleep", "naps", "Naps", "\nShort sleep.\n"), snoring,
                 Source("sleep", "dreams", "Dreams", "\nSee [naps](naps.md).\n"),
                 Source("quiet", "alone", "Alone", "\nThe only article here.\n")};
  return in;
}

size_t IndexOf(const Content& c, const std::string& url) {
  const Site& site = c.site;
  for (size_t i = 0; i < site.articles.size(); ++i)
    if (site.articles[i].url == url) return i;
  ADD_FAILURE() << "no article at " << url;
  return 0;
}

std::vector<std::string> SectionUrls(const Content& c) {
  std::vector<std::string> out;
  for (const Section& s : c.site.sections) out.push_back(s.url);
  return out;
}

class UpdateContentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> s = store::Open("memory:");
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Import(site_).ok());
    Result<std::shared_ptr<const Content>> loaded = LoadContent(*store_, {}, clock_);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    previous_ = *loaded;
  }

  // Imports site_ and applies what changed to previous_.
  std::shared_ptr<const Content> Update() {
    EXPECT_TRUE(store_->Import(site_).ok());
    Result<store::Changes> changes = store_->ChangesSince(previous_->generation);
    EXPECT_TRUE(changes.ok() && changes->complete && !changes->files_changed);
    Result<std::shared_ptr<const Content>> next = UpdateContent(*previous_, *changes, {}, clock_);
    EXPECT_TRUE(next.ok()) << next.status().message();
    return next.ok() ? *next : nullptr;
  }

  void Cache(const std::string& path, std::vector<std::string> related = {}) {
    auto body = std::make_shared<CachedBody>();
    previous_->cache.Put(path, CachedPage{body, std::move(related), false});
  }

  util::FixedClock clock_{1'780'000'000};
  store::ImportInput site_ = Site3();
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<const Content> previous_;
};

TEST_F(UpdateContentTest, SharesTheUnchangedArticlesAndStaticFiles) {
  const Article* snoring = &previous_->site.articles[IndexOf(*previous_, "/sleep/snoring/")];
  site_.articles[0] = Source("sleep", "naps", "Naps and siestas", "\nShort sleep, longer.\n");
  std::shared_ptr<const Content> next = Update();
  ASSERT_TRUE(next);
  const Site& site = next->site;
  EXPECT_EQ(&site.articles[IndexOf(*next, "/sleep/snoring/")], snoring) << "the same object, not a copy";
  EXPECT_EQ(site.articles[IndexOf(*next, "/sleep/naps/")].title, "Naps and siestas");
  EXPECT_NE(&site.articles[IndexOf(*next, "/sleep/naps/")],
            &previous_->site.articles[IndexOf(*previous_, "/sleep/naps/")]);
  EXPECT_EQ(previous_->site.articles[IndexOf(*previous_, "/sleep/naps/")].title, "Naps") << "left as it was";
  EXPECT_EQ(next->fs.get(), previous_->fs.get());
  EXPECT_EQ(next->generation, previous_->generation + 1);
}

TEST_F(UpdateContentTest, KeepsOnlyTheCachedPagesNoChangeReaches) {
  Cache("/sleep/snoring/", {"/sleep/dreams/"});  // kept: nothing it shows changed
  Cache("/sleep/dreams/", {"/sleep/naps/"});     // dropped: shows naps among its related articles
  Cache("/sleep/naps/");                         // dropped: changed
  Cache("/");                                    // dropped: lists articles
  Cache("/sleep/");
  Cache("/feed.xml");
  Cache("/files/note.txt");  // kept: a static file
  site_.articles[0] = Source("sleep", "naps", "Naps and siestas", "\nShort sleep.\n");
  std::shared_ptr<const Content> next = Update();
  ASSERT_TRUE(next);
  std::set<std::string> kept;
  next->cache.ForEach([&](const std::string& path, const CachedPage&) { kept.insert(path); });
  EXPECT_EQ(kept, (std::set<std::string>{"/sleep/snoring/", "/files/note.txt"}));
  EXPECT_EQ(next->cache.Peek("/sleep/snoring/")->body, previous_->cache.Peek("/sleep/snoring/")->body);
  EXPECT_TRUE(next->cache.Peek("/sleep/snoring/")->verify) << "Related is asked again on the first hit";
  EXPECT_FALSE(next->cache.Peek("/files/note.txt")->verify);
}

TEST_F(UpdateContentTest, ARemovedArticleDropsThePagesThatLinkToIt) {
  Cache("/sleep/dreams/");                       // its body links to naps.md
  Cache("/sleep/snoring/");                      // does not
  site_.articles.erase(site_.articles.begin());  // naps
  // The link in dreams would break (refused): drop it too.
  site_.articles[1] = Source("sleep", "dreams", "Dreams", "\nNo links.\n");
  std::shared_ptr<const Content> next = Update();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->site.articles.size(), 3u);
  EXPECT_FALSE(next->cache.Contains("/sleep/dreams/"));
  EXPECT_TRUE(next->cache.Contains("/sleep/snoring/"));
}

TEST_F(UpdateContentTest, RemovingALinkedArticleIsRefused) {
  site_.articles.erase(site_.articles.begin());  // naps, which dreams links to
  EXPECT_TRUE(store_->Import(site_).ok());
  Result<store::Changes> changes = store_->ChangesSince(previous_->generation);
  ASSERT_TRUE(changes.ok());
  Result<std::shared_ptr<const Content>> next = UpdateContent(*previous_, *changes, {}, clock_);
  ASSERT_FALSE(next.ok());
  EXPECT_NE(next.status().message().find("dreams.md"), std::string::npos) << next.status().message();
}

TEST_F(UpdateContentTest, FoldersComeAndGoAsLoadWouldFindThem) {
  site_.articles.pop_back();  // the only article of /quiet/ (no _section.md): the section goes
  site_.articles.push_back(Source("new/deeper", "first", "First", "\nHello.\n"));  // two new sections
  Cache("/sleep/snoring/");
  Cache("/files/note.txt");
  std::shared_ptr<const Content> next = Update();
  ASSERT_TRUE(next);
  Result<std::shared_ptr<const Content>> fresh = LoadContent(*store_, {}, clock_);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(SectionUrls(*next), SectionUrls(**fresh));
  EXPECT_EQ(SectionUrls(*next), (std::vector<std::string>{"/new/", "/new/deeper/", "/sleep/"}));
  EXPECT_EQ(next->site.sections[0].title, (*fresh)->site.sections[0].title);
  EXPECT_FALSE(next->cache.Contains("/sleep/snoring/")) << "the navigation of every page may change";
  EXPECT_TRUE(next->cache.Contains("/files/note.txt"));
}

TEST_F(UpdateContentTest, ADraftIsLeftToTheFullLoad) {
  site_.articles[0].bytes.insert(4, "draft: true\n");
  EXPECT_TRUE(store_->Import(site_).ok());
  Result<store::Changes> changes = store_->ChangesSince(previous_->generation);
  ASSERT_TRUE(changes.ok());
  if (!changes->complete || changes->files_changed) GTEST_SKIP() << "the store reports a draft as a file";
  Result<std::shared_ptr<const Content>> next = UpdateContent(*previous_, *changes, {}, clock_);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, nullptr);
}

// Only the changed articles go through the check rules (the others were
// served without error), and a change that claims a new URL through the
// whole site's.
TEST_F(UpdateContentTest, AChangedArticleIsCheckedAsAFullLoadWould) {
  struct Case {
    std::string name, front_extra, want;
  };
  for (const Case& c : std::vector<Case>{
           {"unknown author", "authors: [nobody]\n", "naps.md"},
           {"alias on another article's URL", "aliases: [/sleep/snoring/]\n",
            "duplicate URL /sleep/snoring/"},
           {"added at another article's alias", "", "duplicate URL /sleep/old-snoring/"},
       }) {
    SCOPED_TRACE(c.name);
    store::ImportInput site = Site3();
    if (c.front_extra.empty()) site.articles.push_back(Source("sleep", "old-snoring", "Old", "\nOld.\n"));
    std::string& bytes = site.articles[0].bytes;
    if (c.front_extra.rfind("authors", 0) == 0)
      bytes.replace(bytes.find("authors: [wendy]\n"), 17, c.front_extra);
    else
      bytes.insert(4, c.front_extra);
    ASSERT_TRUE(store_->Import(site).ok());
    Result<store::Changes> changes = store_->ChangesSince(previous_->generation);
    ASSERT_TRUE(changes.ok());
    Result<std::shared_ptr<const Content>> next = UpdateContent(*previous_, *changes, {}, clock_);
    ASSERT_FALSE(next.ok());
    EXPECT_NE(next.status().message().find(c.want), std::string::npos) << next.status().message();
  }
}

}  // namespace
}  // namespace vetted::server
