#include "store/contract_test.h"

#include <gmock/gmock.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

namespace vetted::store {
namespace {

std::string FakeRevision(char c) {
  return "sha256:" + std::string(64, c);
}

ArticleSource MakeArticle(const std::string& slug, const std::string& section, char rev, SearchDocument doc) {
  ArticleSource a;
  a.path = "content" + section + slug + ".md";
  a.url = section + slug + "/";
  a.revision = FakeRevision(rev);
  a.bytes = "---\ntitle: " + doc.title + "\n---\n" + doc.body + "\n";
  a.search = std::move(doc);
  return a;
}

}  // namespace

void StoreContract::SetUp() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "vetted-store-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  dir_ = tmpl;
  store_ = GetParam().make(dir_);
  ASSERT_NE(store_, nullptr);
}

void StoreContract::TearDown() {
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void StoreContract::Reopen() {
  store_.reset();
  store_ = GetParam().make(dir_);
  ASSERT_NE(store_, nullptr);
}

ImportInput StoreContract::SmallSite() {
  ImportInput in;
  in.articles.push_back(MakeArticle(
      "boundaries", "/relationships/", 'a',
      {.title = "Setting healthy boundaries",
       .description = "How to say no without guilt.",
       .headings = "Why boundaries matter\nSaying no kindly",
       .body = "Boundaries protect your time and energy. Saying no is a skill that improves with practice. "
               "Communicating clearly reduces conflict with partners and friends.",
       .section = "/relationships/",
       .tags = "boundaries communication"}));
  in.articles.push_back(MakeArticle(
      "trust", "/relationships/", 'b',
      {.title = "Rebuilding trust after conflict",
       .description = "Small steps that repair a relationship.",
       .headings = "Apologizing well\nKeeping promises",
       .body = "Trust grows when promises are kept. A sincere apology names the harm. Conflict handled "
               "kindly can strengthen a relationship between partners.",
       .section = "/relationships/",
       .tags = "trust conflict"}));
  in.articles.push_back(MakeArticle(
      "insomnia", "/sleep/", 'c',
      {.title = "Insomnia: when sleep will not come",
       .description = "Causes of insomnia and what helps.",
       .headings = "Common causes\nTreatments that work",
       .body = "Insomnia means trouble falling or staying asleep. Caffeine late in the day, stress and "
               "screens keep the brain alert. Cognitive behavioural therapy helps most people sleep better.",
       .section = "/sleep/",
       .tags = "sleep insomnia"}));
  in.files.push_back({"site.toml", "title = \"Small site\"\n"});
  in.files.push_back({"people/ana.yaml", "name: Ana Reviewer\n"});
  in.files.push_back({"static/img/x.jpg", std::string("\xff\xd8\xff\x00\x01binary\x00", 12)});
  return in;
}

}  // namespace vetted::store

namespace vetted::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

const char kBoundaries[] = "content/relationships/boundaries.md";
const char kTrust[] = "content/relationships/trust.md";
const char kInsomnia[] = "content/sleep/insomnia.md";

ImportReport MustImport(Store& store, const ImportInput& in) {
  Result<ImportReport> report = store.Import(in);
  EXPECT_TRUE(report.ok()) << report.status().message();
  return report.ok() ? *report : ImportReport{};
}

int64_t MustGeneration(Store& store) {
  Result<int64_t> g = store.Generation();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? *g : -1;
}

// What Load must return for `in`: every file plus every article's bytes.
std::vector<std::pair<std::string, std::string>> Expected(const ImportInput& in) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const SourceFile& f : in.files) out.emplace_back(f.path, f.bytes);
  for (const ArticleSource& a : in.articles) out.emplace_back(a.path, a.bytes);
  return out;
}

std::vector<std::pair<std::string, std::string>> Loaded(Store& store) {
  Result<Snapshot> snap = store.Load();
  EXPECT_TRUE(snap.ok()) << snap.status().message();
  std::vector<std::pair<std::string, std::string>> out;
  if (snap.ok()) {
    for (const SourceFile& f : snap->files) out.emplace_back(f.path, f.bytes);
  }
  return out;
}

ArticleSource* Find(ImportInput& in, const std::string& path) {
  for (ArticleSource& a : in.articles) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

void Remove(ImportInput& in, const std::string& path) {
  std::erase_if(in.articles, [&](const ArticleSource& a) { return a.path == path; });
  std::erase_if(in.files, [&](const SourceFile& f) { return f.path == path; });
}

NewFeedback Feedback(const std::string& url, const std::string& revision, const std::string& comment) {
  return {.article_url = url,
          .revision = revision,
          .helpful = comment.empty(),
          .category = comment.empty() ? "helpful" : "error",
          .comment = comment,
          .created_at = "2026-11-26T06:01:02Z"};
}

}  // namespace

TEST_P(StoreContract, EmptyStore) {
  EXPECT_EQ(MustGeneration(*store_), 0);
  Result<Snapshot> snap = store_->Load();
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->generation, 0);
  EXPECT_THAT(snap->files, IsEmpty());
  Result<std::vector<FeedbackRecord>> feedback = store_->ListFeedback();
  ASSERT_TRUE(feedback.ok());
  EXPECT_THAT(*feedback, IsEmpty());
  EXPECT_THAT(store_->AddFeedback({}), IsEmpty());
}

TEST_P(StoreContract, FirstImportAddsEverything) {
  ImportReport r = MustImport(*store_, SmallSite());
  EXPECT_THAT(r.added, ElementsAre(kBoundaries, kTrust, kInsomnia));
  EXPECT_THAT(r.changed, IsEmpty());
  EXPECT_THAT(r.removed, IsEmpty());
  EXPECT_EQ(r.unchanged, 0u);
  EXPECT_EQ(r.files_changed, 3u);
  EXPECT_EQ(r.generation, 1);
  EXPECT_EQ(MustGeneration(*store_), 1);
}

TEST_P(StoreContract, SameImportChangesNothing) {
  MustImport(*store_, SmallSite());
  ImportReport r = MustImport(*store_, SmallSite());
  EXPECT_THAT(r.added, IsEmpty());
  EXPECT_THAT(r.changed, IsEmpty());
  EXPECT_THAT(r.removed, IsEmpty());
  EXPECT_EQ(r.unchanged, 3u);
  EXPECT_EQ(r.files_changed, 0u);
  EXPECT_EQ(r.generation, 1);
  EXPECT_EQ(MustGeneration(*store_), 1);
}

TEST_P(StoreContract, ImportReportsEachKindOfChange) {
  struct Case {
    std::string name;
    std::function<void(ImportInput&)> edit;
    std::vector<std::string> added, changed, removed;
    size_t unchanged, files_changed;
  };
  const std::vector<Case> cases = {
      {"new revision",
       [](ImportInput& in) { Find(in, kTrust)->revision = "sha256:" + std::string(64, 'f'); },
       {},
       {kTrust},
       {},
       2,
       0},
      {"bytes only",
       [](ImportInput& in) { Find(in, kInsomnia)->bytes += "more\n"; },
       {},
       {kInsomnia},
       {},
       2,
       0},
      {"url only",
       [](ImportInput& in) { Find(in, kTrust)->url = "/relationships/trust-again/"; },
       {},
       {kTrust},
       {},
       2,
       0},
      {"search text only",
       [](ImportInput& in) { Find(in, kTrust)->search.title = "Other"; },
       {},
       {},
       {},
       3,
       0},
      {"removed", [](ImportInput& in) { Remove(in, kBoundaries); }, {}, {}, {kBoundaries}, 2, 0},
      {"two removed", [](ImportInput& in) { in.articles.resize(1); }, {}, {}, {kTrust, kInsomnia}, 1, 0},
      {"new article",
       [](ImportInput& in) {
         ArticleSource a = in.articles[0];
         a.path = "content/sleep/naps.md";
         a.url = "/sleep/naps/";
         in.articles.push_back(a);
       },
       {"content/sleep/naps.md"},
       {},
       {},
       3,
       0},
      {"renamed, same url",
       [](ImportInput& in) { Find(in, kBoundaries)->path = "content/relationships/limits.md"; },
       {"content/relationships/limits.md"},
       {},
       {kBoundaries},
       2,
       0},
      {"urls swapped",
       [](ImportInput& in) { std::swap(Find(in, kTrust)->url, Find(in, kBoundaries)->url); },
       {},
       {kBoundaries, kTrust},
       {},
       1,
       0},
      {"file changed", [](ImportInput& in) { in.files[0].bytes += "x"; }, {}, {}, {}, 3, 1},
      {"file removed and added",
       [](ImportInput& in) {
         in.files.pop_back();
         in.files.push_back({"static/new.css", "body{}"});
       },
       {},
       {},
       {},
       3,
       2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TearDown();
    SetUp();
    MustImport(*store_, SmallSite());
    ImportInput in = SmallSite();
    c.edit(in);
    ImportReport r = MustImport(*store_, in);
    EXPECT_EQ(r.added, c.added);
    EXPECT_EQ(r.changed, c.changed);
    EXPECT_EQ(r.removed, c.removed);
    EXPECT_EQ(r.unchanged, c.unchanged);
    EXPECT_EQ(r.files_changed, c.files_changed);
    bool any = !c.added.empty() || !c.changed.empty() || !c.removed.empty() || c.files_changed > 0;
    EXPECT_EQ(r.generation, any ? 2 : 1);
    EXPECT_EQ(MustGeneration(*store_), r.generation);
    EXPECT_THAT(Loaded(*store_), UnorderedElementsAreArray(Expected(in)));
    // The same input again changes nothing more.
    ImportReport again = MustImport(*store_, in);
    EXPECT_EQ(again.unchanged, in.articles.size());
    EXPECT_EQ(again.generation, r.generation);
  }
}

TEST_P(StoreContract, UnpublishedArticleComingBackIsAdded) {
  MustImport(*store_, SmallSite());
  ImportInput without = SmallSite();
  Remove(without, kTrust);
  EXPECT_THAT(MustImport(*store_, without).removed, ElementsAre(kTrust));
  EXPECT_THAT(Loaded(*store_), UnorderedElementsAreArray(Expected(without)));

  ImportReport back = MustImport(*store_, SmallSite());
  EXPECT_THAT(back.added, ElementsAre(kTrust));
  EXPECT_THAT(back.changed, IsEmpty());
  EXPECT_EQ(back.unchanged, 2u);
  EXPECT_EQ(back.generation, 3);

  // Back with a new revision: still "added", and Load serves the new bytes.
  MustImport(*store_, without);
  ImportInput edited = SmallSite();
  Find(edited, kTrust)->bytes = "new trust text\n";
  EXPECT_THAT(MustImport(*store_, edited).added, ElementsAre(kTrust));
  EXPECT_THAT(Loaded(*store_), UnorderedElementsAreArray(Expected(edited)));
}

TEST_P(StoreContract, InvalidImportChangesNothing) {
  MustImport(*store_, SmallSite());
  struct Case {
    std::string name;
    std::function<void(ImportInput&)> edit;
  };
  const std::vector<Case> cases = {
      {"duplicate url", [](ImportInput& in) { in.articles[2].url = in.articles[0].url; }},
      {"duplicate article path", [](ImportInput& in) { in.articles[2].path = in.articles[0].path; }},
      {"duplicate file path", [](ImportInput& in) { in.files.push_back(in.files[0]); }},
      {"article path is a file path",
       [](ImportInput& in) {
         in.files.push_back({kTrust, "x"});
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ImportInput in = SmallSite();
    Find(in, kTrust)->bytes = "changed before the bad entry\n";
    in.files[0].bytes = "changed too";
    Remove(in, kBoundaries);
    in.articles.push_back(SmallSite().articles[0]);  // boundaries last: after the changes
    c.edit(in);
    Result<ImportReport> r = store_->Import(in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalid);
    EXPECT_EQ(MustGeneration(*store_), 1);
    EXPECT_THAT(Loaded(*store_), UnorderedElementsAreArray(Expected(SmallSite())));
  }
}

TEST_P(StoreContract, LoadRoundTripsBytes) {
  ImportInput in = SmallSite();
  in.files.push_back({"static/empty.txt", ""});
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));
  in.files.push_back({"static/all.bin", all_bytes});
  Find(in, kInsomnia)->bytes = "caf\xc3\xa9 \xf0\x9f\x98\xb4\r\nline two\n";
  MustImport(*store_, in);
  Result<Snapshot> snap = store_->Load();
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->generation, 1);
  std::vector<std::pair<std::string, std::string>> got;
  for (const SourceFile& f : snap->files) got.emplace_back(f.path, f.bytes);
  EXPECT_THAT(got, UnorderedElementsAreArray(Expected(in)));
}

TEST_P(StoreContract, GenerationSeesAnotherStoreOnTheSameData) {
  MustImport(*store_, SmallSite());
  std::unique_ptr<Store> other = GetParam().make(dir_);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(MustGeneration(*other), 1);
  ImportInput in = SmallSite();
  in.files[0].bytes = "title = \"Renamed\"\n";
  EXPECT_EQ(MustImport(*other, in).generation, 2);
  EXPECT_EQ(MustGeneration(*store_), 2);
  EXPECT_THAT(Loaded(*store_), UnorderedElementsAreArray(Expected(in)));
  EXPECT_EQ(MustImport(*store_, in).generation, 2);
}

TEST_P(StoreContract, FeedbackBatch) {
  MustImport(*store_, SmallSite());
  const std::string old_rev = SmallSite().articles[1].revision;  // trust
  ImportInput in = SmallSite();
  Find(in, kTrust)->revision = "sha256:" + std::string(64, 'e');
  Remove(in, kInsomnia);
  MustImport(*store_, in);

  std::vector<Result<int64_t>> ids = store_->AddFeedback({
      Feedback("/relationships/trust/", "", ""),                     // current revision
      Feedback("/relationships/trust/", old_rev, "typo"),            // the older revision it names
      Feedback("/nowhere/", "", "lost"),                             // unknown URL
      Feedback("/sleep/insomnia/", "", "unpublished"),               // no longer published
      Feedback("/relationships/trust/", "sha256:unknown", "other"),  // not a revision of it: refused
      Feedback("/relationships/boundaries/", "", "kept"),
      Feedback("/relationships/boundaries/", old_rev, "another article's revision"),  // refused
  });
  ASSERT_EQ(ids.size(), 7u);
  for (size_t i : {0u, 1u, 5u}) ASSERT_TRUE(ids[i].ok()) << i << ": " << ids[i].status().message();
  const std::pair<size_t, Code> refused[] = {
      {2, Code::kNotFound}, {3, Code::kNotFound}, {4, Code::kInvalid}, {6, Code::kInvalid}};
  for (const auto& [i, code] : refused) {
    ASSERT_FALSE(ids[i].ok()) << i;
    EXPECT_EQ(ids[i].status().code(), code) << i << ": " << ids[i].status().message();
  }
  EXPECT_LT(*ids[0], *ids[1]);
  EXPECT_LT(*ids[1], *ids[5]);

  Result<std::vector<FeedbackRecord>> list = store_->ListFeedback();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  const std::string current = Find(in, kTrust)->revision;
  struct Want {
    int64_t id;
    std::string url, path, revision, comment;
    bool helpful;
  };
  std::vector<Want> want = {
      {*ids[0], "/relationships/trust/", kTrust, current, "", true},
      {*ids[1], "/relationships/trust/", kTrust, old_rev, "typo", false},
      {*ids[5], "/relationships/boundaries/", kBoundaries, in.articles[0].revision, "kept", false}};
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    const FeedbackRecord& got = (*list)[i];
    EXPECT_EQ(got.id, want[i].id);
    EXPECT_EQ(got.article_url, want[i].url);
    EXPECT_EQ(got.article_path, want[i].path);
    EXPECT_EQ(got.revision, want[i].revision);
    EXPECT_EQ(got.comment, want[i].comment);
    EXPECT_EQ(got.helpful, want[i].helpful);
    EXPECT_EQ(got.category, want[i].helpful ? "helpful" : "error");
    EXPECT_EQ(got.created_at, "2026-11-26T06:01:02Z");
  }
  // Feedback does not change the content generation.
  EXPECT_EQ(MustGeneration(*store_), 2);
}

TEST_P(StoreContract, FeedbackIsKeptWhenArticleIsUnpublished) {
  MustImport(*store_, SmallSite());
  std::vector<Result<int64_t>> ids = store_->AddFeedback({Feedback("/sleep/insomnia/", "", "a")});
  ASSERT_TRUE(ids[0].ok());
  ImportInput in = SmallSite();
  Remove(in, kInsomnia);
  MustImport(*store_, in);
  Result<std::vector<FeedbackRecord>> list = store_->ListFeedback();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].article_path, kInsomnia);
  EXPECT_EQ((*list)[0].revision, SmallSite().articles[2].revision);
  ids = store_->AddFeedback({Feedback("/sleep/insomnia/", "", "b")});
  ASSERT_FALSE(ids[0].ok());
  EXPECT_EQ(ids[0].status().code(), Code::kNotFound);
}

// Revisions and RevisionBytes: every revision an import stored, oldest first.
TEST_P(StoreContract, RevisionsListsEachStoredRevisionOldestFirst) {
  ImportInput in = SmallSite();
  MustImport(*store_, in);
  const std::string first_bytes = Find(in, kTrust)->bytes;
  ArticleSource* trust = Find(in, kTrust);
  trust->revision = FakeRevision('d');
  trust->bytes += "A changed paragraph.\n";
  MustImport(*store_, in);

  Result<std::vector<RevisionInfo>> revs = store_->Revisions(kTrust);
  ASSERT_TRUE(revs.ok()) << revs.status().message();
  ASSERT_EQ(revs->size(), 2u);
  EXPECT_EQ((*revs)[0].revision, FakeRevision('b'));
  EXPECT_FALSE((*revs)[0].current);
  EXPECT_EQ((*revs)[1].revision, FakeRevision('d'));
  EXPECT_TRUE((*revs)[1].current);
  for (const RevisionInfo& r : *revs) {
    // "2026-11-26T06:01:02Z"
    ASSERT_EQ(r.created_at.size(), 20u) << r.created_at;
    EXPECT_EQ(r.created_at[10], 'T');
    EXPECT_EQ(r.created_at.back(), 'Z');
  }
  EXPECT_LE((*revs)[0].created_at, (*revs)[1].created_at);

  Result<std::string> old_bytes = store_->RevisionBytes(kTrust, FakeRevision('b'));
  ASSERT_TRUE(old_bytes.ok()) << old_bytes.status().message();
  EXPECT_EQ(*old_bytes, first_bytes);
  Result<std::string> new_bytes = store_->RevisionBytes(kTrust, FakeRevision('d'));
  ASSERT_TRUE(new_bytes.ok()) << new_bytes.status().message();
  EXPECT_EQ(*new_bytes, trust->bytes);

  // An untouched article has its one revision, current.
  Result<std::vector<RevisionInfo>> one = store_->Revisions(kInsomnia);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].revision, FakeRevision('c'));
  EXPECT_TRUE((*one)[0].current);
}

TEST_P(StoreContract, RevisionsUnknownAreNotFound) {
  MustImport(*store_, SmallSite());
  EXPECT_EQ(store_->Revisions("content/nope.md").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->RevisionBytes("content/nope.md", FakeRevision('a')).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->RevisionBytes(kTrust, FakeRevision('e')).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->RevisionBytes(kTrust, FakeRevision('a')).status().code(), Code::kNotFound)
      << "another article's revision";
  EXPECT_EQ(store_->RevisionBytes(kTrust, "sha256:bbbb").status().code(), Code::kNotFound);
}

// The same hash stored again with other bytes (a review signed into the front
// matter) is one revision: listed once, with the newest bytes.
TEST_P(StoreContract, SameRevisionWithOtherBytesIsListedOnce) {
  ImportInput in = SmallSite();
  MustImport(*store_, in);
  Find(in, kTrust)->bytes = "---\ntitle: Rebuilding trust\nreviewers: [ana]\n---\nBody\n";
  MustImport(*store_, in);
  Result<std::vector<RevisionInfo>> revs = store_->Revisions(kTrust);
  ASSERT_TRUE(revs.ok());
  ASSERT_EQ(revs->size(), 1u);
  EXPECT_EQ((*revs)[0].revision, FakeRevision('b'));
  EXPECT_TRUE((*revs)[0].current);
  Result<std::string> bytes = store_->RevisionBytes(kTrust, FakeRevision('b'));
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, Find(in, kTrust)->bytes);
}

// An unpublished article keeps its revisions, and they survive a reopen.
TEST_P(StoreContract, RevisionsOfAnUnpublishedArticleSurviveReopen) {
  ImportInput in = SmallSite();
  MustImport(*store_, in);
  const std::string trust_bytes = Find(in, kTrust)->bytes;
  Remove(in, kTrust);
  MustImport(*store_, in);
  Reopen();
  Result<std::vector<RevisionInfo>> revs = store_->Revisions(kTrust);
  ASSERT_TRUE(revs.ok()) << revs.status().message();
  ASSERT_EQ(revs->size(), 1u);
  EXPECT_EQ((*revs)[0].revision, FakeRevision('b'));
  Result<std::string> bytes = store_->RevisionBytes(kTrust, FakeRevision('b'));
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, trust_bytes);
}

TEST_P(StoreContract, DataSurvivesReopen) {
  ImportInput in = SmallSite();
  MustImport(*store_, in);
  Find(in, kTrust)->bytes += "edit\n";
  MustImport(*store_, in);
  ASSERT_TRUE(store_->AddFeedback({Feedback("/relationships/trust/", "", "x")})[0].ok());
  Result<std::vector<FeedbackRecord>> before = store_->ListFeedback();
  ASSERT_TRUE(before.ok());

  Reopen();
  EXPECT_EQ(MustGeneration(*store_), 2);
  EXPECT_THAT(Loaded(*store_), UnorderedElementsAreArray(Expected(in)));
  Result<std::vector<FeedbackRecord>> after = store_->ListFeedback();
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].id, (*before)[0].id);
  EXPECT_EQ((*after)[0].revision, (*before)[0].revision);
  ImportReport r = MustImport(*store_, in);
  EXPECT_EQ(r.unchanged, 3u);
  EXPECT_EQ(r.generation, 2);
  // New ids keep growing after a reopen.
  std::vector<Result<int64_t>> ids = store_->AddFeedback({Feedback("/relationships/trust/", "", "y")});
  ASSERT_TRUE(ids[0].ok());
  EXPECT_GT(*ids[0], (*before)[0].id);
}

// Readers run while imports flip between two versions of the site: every Load
// is one consistent version, and generations never go backwards.
TEST_P(StoreContract, ConcurrentReadersWhileImporting) {
  ImportInput a = SmallSite();
  ImportInput b = SmallSite();
  Find(b, kTrust)->bytes = "version b\n";
  Find(b, kInsomnia)->bytes = "version b\n";
  b.files[0].bytes = "version b\n";
  MustImport(*store_, a);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> loads{0};
  auto reader = [&] {
    int64_t last = 0;
    while (!done.load()) {
      Result<int64_t> g = store_->Generation();
      Result<Snapshot> snap = store_->Load();
      Result<std::vector<FeedbackRecord>> list = store_->ListFeedback();
      if (!g.ok() || !snap.ok() || !list.ok() || *g < last || snap->generation < *g) {
        ++failures;
        continue;
      }
      last = snap->generation;
      int b_count = 0;
      for (const SourceFile& f : snap->files) b_count += f.bytes == "version b\n" ? 1 : 0;
      bool want_b = snap->generation % 2 == 0;
      if (snap->files.size() != 6 || b_count != (want_b ? 3 : 0)) ++failures;
      ++loads;
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(reader);
  threads.emplace_back([&] {
    for (int i = 0; i < 20; ++i) {
      if (!store_->AddFeedback({Feedback("/relationships/boundaries/", "", "c")})[0].ok()) ++failures;
    }
  });
  for (int i = 0; i < 20; ++i) {
    ImportReport r = MustImport(*store_, i % 2 == 0 ? b : a);
    EXPECT_EQ(r.changed.size(), 2u);
    EXPECT_EQ(r.generation, i + 2);
  }
  // At least one load by a reader before they stop (a fast backend on a busy
  // machine can finish all 20 imports before any reader is scheduled).
  while (loads.load() == 0 && failures.load() == 0) std::this_thread::yield();
  done = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(loads.load(), 0);
  Result<std::vector<FeedbackRecord>> list = store_->ListFeedback();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 20u);
}

// Applies ChangesSince's articles and removals to an older Load(): the
// files of the newer one (when no other file changed).
std::vector<std::pair<std::string, std::string>> Applied(std::vector<std::pair<std::string, std::string>> old,
                                                         const Changes& changes) {
  std::map<std::string, std::string> files(old.begin(), old.end());
  for (const std::string& path : changes.removed) files.erase(path);
  for (const SourceFile& f : changes.articles) files[f.path] = f.bytes;
  return {files.begin(), files.end()};
}

TEST_P(StoreContract, ChangesSinceEachGeneration) {
  Result<Changes> empty = store_->ChangesSince(0);
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_TRUE(empty->complete);
  EXPECT_EQ(empty->generation, 0);
  EXPECT_TRUE(empty->articles.empty() && empty->removed.empty() && !empty->files_changed);

  // Imports in turn; after each, every earlier generation's snapshot plus its
  // changes must equal the current one.
  ImportInput in = SmallSite();
  const std::vector<std::pair<std::string, std::function<void(ImportInput&)>>> steps = {
      {"first import", [](ImportInput&) {}},
      {"bytes changed", [](ImportInput& i) { Find(i, kInsomnia)->bytes += "more\n"; }},
      {"removed", [](ImportInput& i) { Remove(i, kBoundaries); }},
      {"added",
       [](ImportInput& i) {
         ArticleSource a = i.articles[0];
         a.path = "content/sleep/naps.md";
         a.url = "/sleep/naps/";
         a.bytes = "naps\n";
         i.articles.push_back(a);
       }},
      {"other file", [](ImportInput& i) { i.files[0].bytes += "# more\n"; }},
      {"nothing", [](ImportInput&) {}},
  };
  std::vector<std::vector<std::pair<std::string, std::string>>> loaded = {Loaded(*store_)};  // by generation
  std::vector<bool> files_changed_at = {false};  // did generation g change other files
  for (const auto& [name, edit] : steps) {
    SCOPED_TRACE(name);
    edit(in);
    Result<ImportReport> report = store_->Import(in);
    ASSERT_TRUE(report.ok()) << report.status().message();
    if (static_cast<size_t>(report->generation) == loaded.size()) {
      loaded.push_back(Loaded(*store_));
      files_changed_at.push_back(report->files_changed > 0);
    }
    for (int64_t g = 0; g < static_cast<int64_t>(loaded.size()); ++g) {
      SCOPED_TRACE("since generation " + std::to_string(g));
      Result<Changes> changes = store_->ChangesSince(g);
      ASSERT_TRUE(changes.ok()) << changes.status().message();
      ASSERT_TRUE(changes->complete);
      EXPECT_EQ(changes->generation, report->generation);
      bool files = false;
      for (size_t later = g + 1; later < files_changed_at.size(); ++later)
        files = files || files_changed_at[later];
      EXPECT_EQ(changes->files_changed, files);
      if (!files) EXPECT_EQ(Applied(loaded[g], *changes), loaded.back());
    }
  }
  Result<Changes> future = store_->ChangesSince(loaded.size() + 5);
  ASSERT_TRUE(future.ok());
  EXPECT_FALSE(future->complete);
  // Still there after reopening (the SQLite database keeps them).
  Reopen();
  Result<Changes> again = store_->ChangesSince(1);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->complete);
  EXPECT_EQ(again->generation, static_cast<int64_t>(loaded.size()) - 1);
}

TEST_P(StoreContract, ChangesSinceTooOldIsIncomplete) {
  ImportInput in = SmallSite();
  for (int i = 0; i < 70; ++i) {  // more generations than any backend keeps
    Find(in, kTrust)->bytes += "x";
    ASSERT_TRUE(store_->Import(in).ok());
  }
  Result<Changes> old = store_->ChangesSince(1);
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->complete);
  EXPECT_TRUE(old->articles.empty());
  Result<Changes> recent = store_->ChangesSince(69);
  ASSERT_TRUE(recent.ok());
  EXPECT_TRUE(recent->complete);
  ASSERT_EQ(recent->articles.size(), 1u);
  EXPECT_EQ(recent->articles[0].path, kTrust);
}

}  // namespace vetted::store
