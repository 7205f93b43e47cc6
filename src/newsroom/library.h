// Internal to newsroom/ (included by newsroom/newsroom.h): the site's shared
// material writers use (docs/guide-library.md): the bibliography, images,
// people, the glossary and the callouts. Once a site is edited in the
// newsroom the published content in the store is the source of truth, so
// these are site files of the published content (store::Snapshot::files),
// and every change is one transaction: the rule (who may), the same checks
// as `vetted check` on the whole site with the change (a change the check
// refuses is refused with its findings), one audit entry, and the new
// content (WorkflowTx::ImportContent; the server's reload picks it up).
//
// Thread safety: a Library may be used from any number of threads at once
// (each call is its own store transaction).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "model/status.h"
#include "store/store.h"
#include "util/util.h"

namespace vetted::newsroom {

struct Actor;

// The parts of the library, each with its own files and rule.
enum class LibraryPart { kReferences, kImages, kPeople, kGlossary, kCallouts };

// "reference", "image", "person", "glossary", "callout" (in audit action
// names: "library.reference.import").
std::string_view LibraryPartName(LibraryPart part);

// Who may see the library: writers, medical reviewers and editors.
bool MayReadLibrary(const Actor& actor);
// Who may change a part: the bibliography and images, writers and editors
// (they add sources and pictures while writing); people, the glossary and
// the callouts, editors only.
bool MayChangeLibrary(const Actor& actor, LibraryPart part);

// True when `path` (a site file path) belongs to `part`: references.json,
// references.bib, references.ris; static/images/* and library/images.json;
// people/<id>.md; glossary.yaml; callouts/<name>.md. Names are lowercase
// letters, digits, '-', '_' and '.', without "..".
bool LibraryPathOf(LibraryPart part, std::string_view path);

// One change to the library's files.
struct LibraryChange {
  LibraryPart part = LibraryPart::kReferences;
  std::string action;                  // the audit action, e.g. "library.person.save"
  std::string detail;                  // what changed, in words (the audit entry's detail)
  std::vector<store::SourceFile> put;  // files written (added or replaced)
  std::vector<std::string> remove;     // files removed
  // Optional: called inside the transaction with the published files as it
  // sees them, before `put` and `remove` are applied, to fill them (and
  // `detail`) from what is there (an append that another change cannot
  // lose). An error refuses the change. With nothing to put or remove after
  // it, Change does nothing (no audit entry) and returns ok.
  std::function<Status(const std::vector<store::SourceFile>& files, LibraryChange& change)> edit;
};

struct LibraryOptions {
  const util::Clock* clock = &util::SystemClock();  // must outlive the service
};

// What an import of references did.
struct ReferenceImport {
  std::vector<std::string> added;    // ids added to references.json, in file order
  std::vector<std::string> clashes;  // ids the site already has: left as they are
};

// The site's references file the newsroom writes (CSL-JSON).
inline constexpr std::string_view kReferencesFile = "references.json";
// The record of uploaded images (alt text, credit, sizes), CSL-like JSON.
inline constexpr std::string_view kImagesFile = "library/images.json";

class Library {
 public:
  // `store` must have a WorkflowStore (Store::Workflow() non-null) and outlive this.
  Library(store::Store& store, LibraryOptions options = {});

  // The published content (the site's files). kIo when the store fails.
  Result<store::Snapshot> Files();
  // The site as the published content makes it, without its articles (its
  // people, glossary, callouts, bibliography, pages; static_files empty).
  // kNotFound when there is no site yet.
  Result<Site> LoadSite();

  // Applies `change` in one transaction (see above). kForbidden when the
  // actor may not change that part; kInvalid for a path that is not the
  // part's, or when the site with the change does not pass the checks (the
  // message lists the findings, "file:line: error: ... [rule]"); kIo when the
  // store fails. Nothing is changed unless it returns ok.
  Status Change(const Actor& actor, const LibraryChange& change);

  // Imports a bibliography `text` (CSL-JSON, BibTeX or RIS; the format from
  // the extension of `name` when it is .json, .bib or .ris, else from the
  // text) through load/'s parsers, merging by id into references.json: a
  // reference whose id the site already has (in any of its bibliography
  // files, or earlier in `text`) is a clash and left as it is; the others are
  // appended (CSL-JSON items as written, others converted). kInvalid naming
  // "name:line: message" when the text cannot be read (nothing is imported),
  // or when it holds no reference; then as Change (action
  // "library.reference.import"). No new reference (all clashes): ok, nothing
  // changed, no audit entry.
  Result<ReferenceImport> ImportReferences(const Actor& actor, std::string_view text, std::string_view name);

 private:
  store::Store& store_;
  LibraryOptions options_;
};

// One CSL-JSON item (an object, as text) for a reference; fields left empty
// are left out.
std::string CslJsonItem(const Reference& ref);

}  // namespace vetted::newsroom
