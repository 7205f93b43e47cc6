// Bibliography imports as the newsroom makes them (newsroom::Library::
// ImportReferences: CSL-JSON, BibTeX or RIS through load/'s parsers, merged
// into references.json in one transaction, checked as `vetted check` would)
// over a memory store with a tiny published site. The first byte picks the
// file name (.json, .bib, .ris, or none: the format is then guessed from the
// text); the rest is the file.
// Invariants: no crash, no exception, no sanitizer report; a refusal is
// kInvalid with a message and changes nothing; an import that is taken
// leaves a references.json that load/ reads without error, holding every
// reference there was plus exactly the ids reported added (none of them a
// clash), and one more audit entry when something was added.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "load/load.h"
#include "newsroom/newsroom.h"
#include "store/open.h"

using vetted::fuzz::Require;
namespace newsroom = vetted::newsroom;
namespace store = vetted::store;

namespace {

store::ImportInput TinySite() {
  std::string file =
      "---\ntitle: Sleep\ndescription: About sleep.\nauthors: [wendy]\npublished: 2026-01-10\n---\n\n"
      "Sleep matters [@doe2019].\n";
  store::ImportInput in;
  in.files = {
      {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
      {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
      {"references.json", "[{\"id\": \"doe2019\", \"type\": \"book\", \"title\": \"Sleep\"}]\n"}};
  std::vector<vetted::Diagnostic> diagnostics;
  store::ArticleSource a;
  a.path = "content/sleep.md";
  a.url = "/sleep/";
  a.revision = vetted::load::ParseArticle(file, a.path, diagnostics).revision;
  a.bytes = file;
  a.search.title = "Sleep";
  in.articles.push_back(a);
  return in;
}

std::vector<vetted::Reference> References(store::Store& s, size_t* audit) {
  auto snap = s.Load();
  Require(snap.ok(), "import_fuzz", "the store loads");
  std::vector<vetted::Reference> out;
  for (const store::SourceFile& f : snap->files) {
    if (f.path != "references.json") continue;
    std::vector<vetted::Diagnostic> d;
    out = vetted::load::ParseCslJson(f.bytes, f.path, d);
    for (const auto& x : d)
      Require(x.severity != vetted::Severity::kError, "import_fuzz", "references.json reads without error");
  }
  vetted::Status read = s.Workflow()->Read([&](store::WorkflowTx& tx) -> vetted::Status {
    auto entries = tx.Audit(0);
    if (!entries.ok()) return entries.status();
    *audit = entries->size();
    return vetted::Status::Ok();
  });
  Require(read.ok(), "import_fuzz", "the audit log reads");
  auto check = s.Workflow()->VerifyAudit();
  Require(check.ok() && check->intact, "import_fuzz", "the audit chain verifies");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const char* kNames[] = {"refs.json", "refs.bib", "refs.ris", ""};
  std::string_view name = kNames[data[0] % 4];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::unique_ptr<store::Store> s = std::move(store::Open("memory:")).value();
  Require(s->Import(TinySite()).ok(), "import_fuzz", "harness: import");
  newsroom::Actor editor;
  editor.account_id = 1;
  editor.email = "ed@x.org";
  editor.roles = newsroom::kEditor;
  size_t audit_before = 0, audit_after = 0;
  std::vector<vetted::Reference> before = References(*s, &audit_before);
  newsroom::Library library(*s);
  auto done = library.ImportReferences(editor, text, name);
  std::vector<vetted::Reference> after = References(*s, &audit_after);
  if (!done.ok()) {
    Require(done.status().code() == vetted::Code::kInvalid, "import_fuzz", "a refusal is kInvalid");
    Require(!done.status().message().empty(), "import_fuzz", "a refusal has a message");
    Require(after.size() == before.size() && audit_after == audit_before, "import_fuzz",
            "a refusal changes nothing");
    return 0;
  }
  std::set<std::string> ids_before, ids_after;
  for (const auto& r : before) ids_before.insert(r.id);
  for (const auto& r : after) ids_after.insert(r.id);
  Require(after.size() == before.size() + done->added.size(), "import_fuzz", "exactly the added references");
  for (const std::string& id : done->added) {
    Require(ids_before.count(id) == 0, "import_fuzz", "an added id was not there before");
    Require(ids_after.count(id) == 1, "import_fuzz", "an added id is there after");
  }
  for (const std::string& id : done->clashes)
    Require(ids_after.count(id) == 1, "import_fuzz", "a clash is kept");
  Require(audit_after == audit_before + (done->added.empty() ? 0 : 1), "import_fuzz", "one audit entry");
  return 0;
}
