// The library service (library.h) over a memory store: who may change what,
// checked and audited changes, and reference imports merged by id.
#include <gtest/gtest.h>

#include <memory>

#include "load/load.h"
#include "newsroom/newsroom.h"
#include "store/open.h"

namespace vetted::newsroom {
namespace {

const Actor kWendy{1, "w@x.org", "wendy", kWriter};
const Actor kRita{2, "r@x.org", "", kReviewer};
const Actor kEd{3, "e@x.org", "", kEditor};
const Actor kAda{4, "a@x.org", "", kAdmin};

TEST(LibraryRules, WhoMayChangeWhat) {
  struct Case {
    const Actor* actor;
    LibraryPart part;
    bool may;
  } cases[] = {
      {&kWendy, LibraryPart::kReferences, true}, {&kWendy, LibraryPart::kImages, true},
      {&kWendy, LibraryPart::kPeople, false},    {&kWendy, LibraryPart::kGlossary, false},
      {&kWendy, LibraryPart::kCallouts, false},  {&kRita, LibraryPart::kReferences, false},
      {&kRita, LibraryPart::kPeople, false},     {&kEd, LibraryPart::kPeople, true},
      {&kEd, LibraryPart::kGlossary, true},      {&kEd, LibraryPart::kCallouts, true},
      {&kEd, LibraryPart::kReferences, true},    {&kAda, LibraryPart::kPeople, false},
      {&kAda, LibraryPart::kReferences, false},
  };
  for (const Case& c : cases)
    EXPECT_EQ(MayChangeLibrary(*c.actor, c.part), c.may) << c.actor->email << " " << LibraryPartName(c.part);
  EXPECT_TRUE(MayReadLibrary(kWendy));
  EXPECT_TRUE(MayReadLibrary(kRita));
  EXPECT_FALSE(MayReadLibrary(kAda));
}

TEST(LibraryRules, PathsBelongToTheirPart) {
  EXPECT_TRUE(LibraryPathOf(LibraryPart::kPeople, "people/ana-lee.md"));
  EXPECT_FALSE(LibraryPathOf(LibraryPart::kPeople, "people/../site.toml"));
  EXPECT_FALSE(LibraryPathOf(LibraryPart::kPeople, "people/Ana.md"));
  EXPECT_FALSE(LibraryPathOf(LibraryPart::kPeople, "content/a.md"));
  EXPECT_TRUE(LibraryPathOf(LibraryPart::kGlossary, "glossary.yaml"));
  EXPECT_TRUE(LibraryPathOf(LibraryPart::kCallouts, "callouts/get-help.md"));
  EXPECT_TRUE(LibraryPathOf(LibraryPart::kImages, "static/images/x-480.webp"));
  EXPECT_FALSE(LibraryPathOf(LibraryPart::kImages, "static/images/.x"));
  EXPECT_TRUE(LibraryPathOf(LibraryPart::kReferences, "references.json"));
  EXPECT_FALSE(LibraryPathOf(LibraryPart::kReferences, "site.toml"));
}

class LibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::Open("memory:")).value();
    store::ImportInput in;
    in.files = {
        {"site.toml", "title = \"T\"\nbase_url = \"https://t.example/\"\n"},
        {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
        {"references.json", "[{\"id\": \"old\", \"type\": \"book\", \"title\": \"Old book\"}]\n"},
    };
    ASSERT_TRUE(store_->Import(in).ok());
    LibraryOptions options;
    options.clock = &clock_;
    library_ = std::make_unique<Library>(*store_, options);
  }
  std::string FileText(const std::string& path) {
    Result<store::Snapshot> snapshot = store_->Load();
    for (const store::SourceFile& f : snapshot->files)
      if (f.path == path) return f.bytes;
    return "";
  }
  size_t AuditCount() {
    size_t n = 0;
    EXPECT_TRUE(store_->Workflow()
                    ->Read([&](store::WorkflowTx& tx) {
                      n = tx.Audit(0)->size();
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  util::FixedClock clock_{1'800'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Library> library_;
};

TEST_F(LibraryTest, AChangeIsCheckedAuditedAndPublished) {
  LibraryChange change;
  change.part = LibraryPart::kPeople;
  change.action = "library.person.save";
  change.detail = "people/ana.md";
  change.put = {{"people/ana.md", "---\nname: Ana Lee\nroles: [editor]\n---\nAna edits.\n"}};
  int64_t before = *store_->Generation();
  ASSERT_TRUE(library_->Change(kEd, change).ok());
  EXPECT_GT(*store_->Generation(), before);
  EXPECT_NE(FileText("people/ana.md").find("Ana Lee"), std::string::npos);
  EXPECT_EQ(AuditCount(), 1u);

  // A writer may not; a person without a name is refused with the finding.
  EXPECT_EQ(library_->Change(kWendy, change).code(), Code::kForbidden);
  change.put = {{"people/ana.md", "---\nroles: [editor]\n---\nNo name.\n"}};
  Status bad = library_->Change(kEd, change);
  EXPECT_EQ(bad.code(), Code::kInvalid);
  EXPECT_NE(bad.message().find("people/ana.md"), std::string::npos) << bad.message();
  EXPECT_NE(FileText("people/ana.md").find("Ana Lee"), std::string::npos);
  EXPECT_EQ(AuditCount(), 1u);
  // Only the part's own files.
  change.put = {{"site.toml", "title = \"X\"\n"}};
  EXPECT_EQ(library_->Change(kEd, change).code(), Code::kInvalid);
}

TEST_F(LibraryTest, ImportsEachFormatMergingById) {
  Result<ReferenceImport> csl = library_->ImportReferences(
      kWendy,
      R"([{"id": "old", "title": "Clash"}, {"id": "who2024", "type": "report", "title": "Sleep", "author": [{"literal": "WHO"}], "issued": {"date-parts": [[2024]]}}])",
      "refs.json");
  ASSERT_TRUE(csl.ok()) << csl.status().message();
  EXPECT_EQ(csl->added, std::vector<std::string>{"who2024"});
  EXPECT_EQ(csl->clashes, std::vector<std::string>{"old"});
  Result<ReferenceImport> bib =
      library_->ImportReferences(kWendy,
                                 "@article{smith2018,\n  author = {Smith, Jane},\n  title = {Naps},\n  "
                                 "journal = {J Sleep},\n  year = 2018\n}\n",
                                 "");
  ASSERT_TRUE(bib.ok()) << bib.status().message();
  EXPECT_EQ(bib->added, std::vector<std::string>{"smith2018"});
  Result<ReferenceImport> ris = library_->ImportReferences(
      kEd, "TY  - JOUR\nAU  - Lee, Kim\nTI  - Dreams\nT2  - Sleep Med\nPY  - 2020\nER  - \n", "x.ris");
  ASSERT_TRUE(ris.ok()) << ris.status().message();
  EXPECT_EQ(ris->added, std::vector<std::string>{"lee2020"});
  std::string json = FileText("references.json");
  for (const char* id : {"\"old\"", "\"who2024\"", "\"smith2018\"", "\"lee2020\"", "Old book"})
    EXPECT_NE(json.find(id), std::string::npos) << id;
  EXPECT_EQ(json.find("Clash"), std::string::npos);
  EXPECT_EQ(AuditCount(), 3u);

  Result<Site> site = library_->LoadSite();
  ASSERT_TRUE(site.ok());
  EXPECT_EQ(site->bibliography.size(), 4u);
}

TEST_F(LibraryTest, ABrokenFileNamesItsLineAndChangesNothing) {
  Result<ReferenceImport> bad =
      library_->ImportReferences(kWendy, "[\n{\"id\": \"a\",\n  oops}\n]", "refs.json");
  ASSERT_EQ(bad.status().code(), Code::kInvalid);
  EXPECT_NE(bad.status().message().find("refs.json:3"), std::string::npos) << bad.status().message();
  EXPECT_EQ(library_->ImportReferences(kWendy, "", "x.bib").status().code(), Code::kInvalid);
  EXPECT_EQ(library_->ImportReferences(kRita, "[]", "").status().code(), Code::kForbidden);
  EXPECT_EQ(AuditCount(), 0u);
  // Every id a clash: nothing to write, no audit entry.
  Result<ReferenceImport> same = library_->ImportReferences(kWendy, R"([{"id": "old"}])", "");
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->added.empty());
  EXPECT_EQ(AuditCount(), 0u);
}

// A BibTeX or RIS file in Latin-1 (not UTF-8) threw from inside the
// transaction when its reference was written as JSON: now refused by name.
TEST_F(LibraryTest, AFileThatIsNotUtf8IsRefused) {
  for (const char* name : {"refs.bib", "refs.ris", ""}) {
    std::string text = std::string(name) == "refs.ris" ? "TY  - JOUR\nID  - m1\nTI  - Caf\xe9\nER  - \n"
                                                       : "@article{m1, title={Caf\xe9 and sleep}, year=2020}";
    Result<ReferenceImport> r = library_->ImportReferences(kWendy, text, name);
    ASSERT_EQ(r.status().code(), Code::kInvalid) << name;
    EXPECT_NE(r.status().message().find("not UTF-8"), std::string::npos) << r.status().message();
  }
  EXPECT_EQ(AuditCount(), 0u);
}

TEST(CslJsonItem, RoundTripsThroughTheParser) {
  Reference r;
  r.id = "x";
  r.type = "article-journal";
  r.authors = {{"Smith", "Jane", ""}};
  r.title = "T";
  r.doi = "10.1/x";
  r.issued = {2020, 4, 0};
  std::vector<Diagnostic> d;
  std::vector<Reference> back = load::ParseCslJson("[" + CslJsonItem(r) + "]", "f", d);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].authors[0].family, "Smith");
  EXPECT_EQ(back[0].issued.Iso(), "2020-04");
  EXPECT_EQ(back[0].doi, "10.1/x");
}

}  // namespace
}  // namespace vetted::newsroom
