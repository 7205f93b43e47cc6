// The PostgreSQL search index on its own: rows written with IndexArticle
// (as the import does, in its transaction) and read by Search and Related,
// from one node and from two nodes sharing the database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "store/postgres/pg.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/store_impl.h"
#include "store/postgres/testing/cluster.h"

namespace vetted::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class PostgresSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    schema_ = pg_testing::SchemaFor(std::string(info->test_suite_name()) + "." + info->name());
    ASSERT_TRUE(pg_testing::DropSchema(schema_).ok());
    Result<std::string> address = pg_testing::Address(schema_);
    ASSERT_TRUE(address.ok()) << address.status().message();
    address_ = *address;
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    (void)pg_testing::DropSchema(schema_);
  }

  std::unique_ptr<Store> Open() {
    Result<std::unique_ptr<Store>> store = OpenPostgres(address_);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  static pg::Pool& PoolOf(Store& store) { return static_cast<postgres::PostgresStore&>(store).pool(); }

  // What the import does for a published article: its row in `articles`
  // and its search row, in one transaction on `store`'s connection.
  Status PublishStatus(Store& store, const std::string& url, const SearchDocument& doc) {
    Result<pg::Pool::Lease> conn = PoolOf(store).Acquire();
    if (!conn.ok()) return conn.status();
    pg::Transaction tx(**conn);
    if (!tx.status().ok()) return tx.status();
    Result<pg::Rows> id = (*conn)->Query(
        "INSERT INTO articles(path, url, published) VALUES ($1, $2, true) "
        "ON CONFLICT (path) DO UPDATE SET url = excluded.url RETURNING id",
        "content" + url + "index.md", url);
    if (!id.ok()) return id.status();
    if (Status s = postgres::IndexArticle(**conn, id->Int(0, 0), url, doc); !s.ok()) return s;
    return tx.Commit();
  }

  ::testing::AssertionResult Publish(Store& store, const std::string& url, const SearchDocument& doc) {
    Status s = PublishStatus(store, url, doc);
    if (s.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << s.message();
  }
  ::testing::AssertionResult Unpublish(Store& store, const std::string& url) {
    Status s = UnpublishStatus(store, url);
    if (s.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << s.message();
  }

  Status UnpublishStatus(Store& store, const std::string& url) {
    Result<pg::Pool::Lease> conn = PoolOf(store).Acquire();
    if (!conn.ok()) return conn.status();
    pg::Transaction tx(**conn);
    Result<pg::Rows> id =
        (*conn)->Query("UPDATE articles SET published = false WHERE url = $1 RETURNING id", url);
    if (!id.ok()) return id.status();
    if (id->empty()) return Status::NotFound(url);
    if (Status s = postgres::UnindexArticle(**conn, id->Int(0, 0)); !s.ok()) return s;
    return tx.Commit();
  }

  static SearchDocument Doc(std::string section, std::string title, std::string body,
                            std::string description = "", std::string tags = "", std::string glossary = "") {
    SearchDocument d;
    d.section = std::move(section);
    d.title = std::move(title);
    d.body = std::move(body);
    d.description = std::move(description);
    d.tags = std::move(tags);
    d.glossary = std::move(glossary);
    return d;
  }

  SearchResults Find(Store& store, const std::string& text, const std::string& section = "") {
    SearchQuery q;
    q.text = text;
    q.section = section;
    Result<SearchResults> r = store.Search(q);
    EXPECT_TRUE(r.ok()) << text << ": " << r.status().message();
    return r.ok() ? *r : SearchResults();
  }

  std::vector<std::string> Urls(Store& store, const std::string& text, const std::string& section = "") {
    std::vector<std::string> urls;
    for (const SearchHit& h : Find(store, text, section).hits) urls.push_back(h.url);
    return urls;
  }

  static std::vector<std::string> Marked(const SearchHit& h) {
    std::vector<std::string> out;
    for (const auto& [b, e] : h.match_ranges) out.push_back(h.snippet.substr(b, e - b));
    return out;
  }

  std::string schema_;
  std::string address_;
  std::unique_ptr<Store> store_;
};

TEST_F(PostgresSearchTest, IndexedArticlesAreFoundByStemAndSpelling) {
  ASSERT_TRUE(Publish(*store_, "/mood/crying/",
                      Doc("/mood/", "Why we cry", "People cried at weddings. Crying is normal.")));
  ASSERT_TRUE(Publish(*store_, "/health/iron/",
                      Doc("/health/", "Iron", "Iron-deficiency anaemia makes people tired.")));
  ASSERT_TRUE(Publish(*store_, "/health/food/", Doc("/health/", "Food", "Fibre helps, and so does water.")));
  EXPECT_THAT(Urls(*store_, "CRY"), ElementsAre("/mood/crying/"));
  EXPECT_THAT(Urls(*store_, "anemia"), ElementsAre("/health/iron/"));
  EXPECT_THAT(Urls(*store_, "fiber"), ElementsAre("/health/food/"));
  // No stop words: "does" and "and" are words like any other.
  EXPECT_THAT(Urls(*store_, "does"), ElementsAre("/health/food/"));
  EXPECT_THAT(Urls(*store_, "people"), UnorderedElementsAre("/mood/crying/", "/health/iron/"));
  EXPECT_THAT(Urls(*store_, "people", "/health/"), ElementsAre("/health/iron/"));
  EXPECT_THAT(Urls(*store_, "zebra"), IsEmpty());
  // The author's spelling and every stemmed form are marked.
  SearchResults r = Find(*store_, "anemia");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].snippet,
            "Iron-deficiency anaemia makes people tired");  // from the first word to the last
  EXPECT_THAT(Marked(r.hits[0]), ElementsAre("anaemia"));
  r = Find(*store_, "crying");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_THAT(Marked(r.hits[0]), ElementsAre("Crying"));  // Porter: "cried" is "cri", "crying" "cry"
  EXPECT_EQ(r.hits[0].title, "Why we cry");
  EXPECT_EQ(r.hits[0].section, "/mood/");
  EXPECT_GT(r.hits[0].score, 0);
}

TEST_F(PostgresSearchTest, FieldsWeighAsDocumented) {
  ASSERT_TRUE(Publish(*store_, "/a/glossary/", Doc("/a/", "One", "nothing here", "", "", "lavender")));
  ASSERT_TRUE(Publish(*store_, "/a/body/", Doc("/a/", "Two", "the lavender field")));
  ASSERT_TRUE(Publish(*store_, "/a/tags/", Doc("/a/", "Three", "text", "", "lavender")));
  ASSERT_TRUE(Publish(*store_, "/a/title/", Doc("/a/", "Lavender", "text")));
  EXPECT_THAT(Urls(*store_, "lavender"), ElementsAre("/a/title/", "/a/tags/", "/a/body/", "/a/glossary/"));
}

TEST_F(PostgresSearchTest, ReindexReplacesAndUnindexRemoves) {
  ASSERT_TRUE(Publish(*store_, "/a/x/", Doc("/a/", "Roses", "red roses")));
  EXPECT_THAT(Urls(*store_, "roses"), ElementsAre("/a/x/"));
  ASSERT_TRUE(Publish(*store_, "/a/x/", Doc("/a/", "Tulips", "yellow tulips")));
  EXPECT_THAT(Urls(*store_, "roses"), IsEmpty());
  EXPECT_THAT(Urls(*store_, "tulip"), ElementsAre("/a/x/"));
  ASSERT_TRUE(Unpublish(*store_, "/a/x/"));
  EXPECT_THAT(Urls(*store_, "tulip"), IsEmpty());
  EXPECT_EQ(store_->Related("/a/x/", 5).status().code(), Code::kNotFound);
}

TEST_F(PostgresSearchTest, OddTextIsIndexedAndSearchedWithoutError) {
  // Invalid UTF-8 and a NUL byte in the text (PostgreSQL text holds neither).
  std::string body = std::string("bad \xff byte and a\0nul ", 21) + std::string(3000, 'z') + " orchid";
  ASSERT_TRUE(Publish(*store_, "/a/odd/", Doc("/a/", "Odd", body)));
  EXPECT_THAT(Urls(*store_, "orchid"), ElementsAre("/a/odd/"));
  EXPECT_THAT(Urls(*store_, "nul"), ElementsAre("/a/odd/"));
  for (std::string text : {std::string("'"), std::string("\\"), std::string("it's"), std::string("a\\b"),
                           std::string("&|!:*()<->"), std::string("\xff orchid"), std::string(64, 'q')}) {
    SearchQuery q;
    q.text = text;
    EXPECT_TRUE(store_->Search(q).ok()) << text;
  }
  EXPECT_THAT(Urls(*store_, "it's orchid"), ElementsAre("/a/odd/"));  // any word when not all
}

TEST_F(PostgresSearchTest, RelatedPrefersSharedRareWords) {
  ASSERT_TRUE(Publish(*store_, "/s/dreams/",
                      Doc("/s/", "Dreams and rest", "REM sleep", "What dreams do.", "sleep dreams")));
  ASSERT_TRUE(Publish(*store_, "/s/naps/", Doc("/s/", "Naps", "Keep it short", "Naps help", "sleep rest")));
  ASSERT_TRUE(Publish(*store_, "/m/a/", Doc("/m/", "Scents and the brain", "smell")));
  ASSERT_TRUE(Publish(*store_, "/m/b/", Doc("/m/", "Tears and meaning", "crying")));
  ASSERT_TRUE(Publish(*store_, "/m/c/", Doc("/m/", "Unrelated", "nothing")));
  Result<std::vector<std::string>> r = store_->Related("/s/dreams/", 10);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->front(), "/s/naps/");
  EXPECT_THAT(*r, ::testing::Not(::testing::Contains("/s/dreams/")));
  EXPECT_THAT(*r, ::testing::Not(::testing::Contains("/m/c/")));
  EXPECT_EQ(store_->Related("/nope/", 10).status().code(), Code::kNotFound);
}

// Two nodes on one database: what node A indexes node B finds at once, and
// both indexing at the same time from threads loses and duplicates nothing.
TEST_F(PostgresSearchTest, TwoNodesShareTheIndex) {
  std::unique_ptr<Store> b = Open();
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(Publish(*store_, "/a/first/", Doc("/a/", "Marigold", "orange marigolds")));
  EXPECT_THAT(Urls(*b, "marigold"), ElementsAre("/a/first/"));
  constexpr int kEach = 40;
  std::vector<Status> results(2 * kEach);
  std::vector<std::thread> threads;
  Store* nodes[2] = {store_.get(), b.get()};
  for (int n = 0; n < 2; ++n) {
    threads.emplace_back([&, n] {
      for (int i = 0; i < kEach; ++i) {
        // Distinct articles, and one article that both nodes keep re-indexing.
        std::string url = "/n" + std::to_string(n) + "/a" + std::to_string(i) + "/";
        results[n * kEach + i] = PublishStatus(*nodes[n], url, Doc("/n/", "Article", "common peony"));
        Status shared = PublishStatus(*nodes[n], "/shared/x/", Doc("/shared/", "Shared", "common peony"));
        if (!shared.ok()) results[n * kEach + i] = shared;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.message();
  for (Store* node : nodes) {
    SearchQuery q;
    q.text = "peony";
    Result<SearchResults> r = node->Search(q);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->total, 2u * kEach + 1);
  }
  Result<pg::Pool::Lease> conn = PoolOf(*b).Acquire();
  ASSERT_TRUE(conn.ok());
  Result<pg::Rows> rows = (*conn)->Query("SELECT count(*), count(DISTINCT url) FROM search");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->Int(0, 0), 2 * kEach + 2);
  EXPECT_EQ(rows->Int(0, 1), 2 * kEach + 2);
}

}  // namespace
}  // namespace vetted::store
