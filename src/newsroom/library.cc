// The library (library.h): who may change which shared files, and each
// change as one checked, audited transaction over the published content.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "load/load.h"
#include "newsroom/internal.h"
#include "newsroom/newsroom.h"
#include "publish/publish.h"

namespace vetted::newsroom {

namespace {

using Json = nlohmann::ordered_json;

bool SafeName(std::string_view name) {
  if (name.empty() || name.find("..") != std::string_view::npos || name.front() == '.') return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

// "dir/<safe name><ext>" (ext may be "").
bool NamedIn(std::string_view path, std::string_view dir, std::string_view ext) {
  if (!util::StartsWith(path, dir) || !util::EndsWith(path, ext)) return false;
  std::string_view name = path.substr(dir.size());
  return name.size() > ext.size() && SafeName(name);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

enum class BibFormat { kCslJson, kBibtex, kRis };

BibFormat FormatOf(std::string_view text, std::string_view name) {
  std::string lower = Lower(name);
  if (util::EndsWith(lower, ".json")) return BibFormat::kCslJson;
  if (util::EndsWith(lower, ".bib")) return BibFormat::kBibtex;
  if (util::EndsWith(lower, ".ris")) return BibFormat::kRis;
  size_t i = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (i == std::string_view::npos) return BibFormat::kCslJson;
  if (text[i] == '[' || text[i] == '{') return BibFormat::kCslJson;
  if (text[i] == '@' || text[i] == '%') return BibFormat::kBibtex;
  return BibFormat::kRis;
}

void PutName(Json& out, const char* key, const std::vector<Name>& names) {
  if (names.empty()) return;
  Json list = Json::array();
  for (const Name& n : names) {
    Json o = Json::object();
    if (!n.family.empty()) o["family"] = n.family;
    if (!n.given.empty()) o["given"] = n.given;
    if (!n.literal.empty()) o["literal"] = n.literal;
    list.push_back(std::move(o));
  }
  out[key] = std::move(list);
}

void PutDate(Json& out, const char* key, const Date& d) {
  if (d.empty()) return;
  Json parts = Json::array({d.year});
  if (d.month != 0) parts.push_back(d.month);
  if (d.month != 0 && d.day != 0) parts.push_back(d.day);
  out[key] = Json{{"date-parts", Json::array({parts})}};
}

}  // namespace

std::string_view LibraryPartName(LibraryPart part) {
  switch (part) {
    case LibraryPart::kReferences:
      return "reference";
    case LibraryPart::kImages:
      return "image";
    case LibraryPart::kPeople:
      return "person";
    case LibraryPart::kGlossary:
      return "glossary";
    case LibraryPart::kCallouts:
      return "callout";
  }
  return "";
}

bool MayReadLibrary(const Actor& actor) {
  return (actor.roles & (kWriter | kReviewer | kEditor)) != 0;
}

bool MayChangeLibrary(const Actor& actor, LibraryPart part) {
  if (part == LibraryPart::kReferences || part == LibraryPart::kImages)
    return actor.Has(kWriter) || actor.Has(kEditor);
  return actor.Has(kEditor);
}

bool LibraryPathOf(LibraryPart part, std::string_view path) {
  switch (part) {
    case LibraryPart::kReferences:
      return path == "references.json" || path == "references.bib" || path == "references.ris";
    case LibraryPart::kImages:
      return path == kImagesFile || NamedIn(path, "static/images/", "");
    case LibraryPart::kPeople:
      return NamedIn(path, "people/", ".md");
    case LibraryPart::kGlossary:
      return path == "glossary.yaml";
    case LibraryPart::kCallouts:
      return NamedIn(path, "callouts/", ".md");
  }
  return false;
}

std::string CslJsonItem(const Reference& r) {
  Json o = Json::object();
  o["id"] = r.id;
  o["type"] = r.type;
  PutName(o, "author", r.authors);
  PutName(o, "editor", r.editors);
  for (auto [key, value] : {std::pair<const char*, const std::string*>{"title", &r.title},
                            {"container-title", &r.container_title},
                            {"container-title-short", &r.container_title_short},
                            {"collection-title", &r.collection_title},
                            {"publisher", &r.publisher},
                            {"publisher-place", &r.publisher_place},
                            {"edition", &r.edition},
                            {"volume", &r.volume},
                            {"issue", &r.issue},
                            {"page", &r.page},
                            {"number", &r.number},
                            {"DOI", &r.doi},
                            {"URL", &r.url},
                            {"PMID", &r.pmid}})
    if (!value->empty()) o[key] = *value;
  PutDate(o, "issued", r.issued);
  PutDate(o, "accessed", r.accessed);
  return o.dump();
}

Library::Library(store::Store& store, LibraryOptions options) : store_(store), options_(options) {}

Result<store::Snapshot> Library::Files() {
  return store_.Load();
}

Result<Site> Library::LoadSite() {
  Result<store::Snapshot> snapshot = store_.Load();
  if (!snapshot.ok()) return snapshot.status();
  // The shared files only: articles are not parsed (the library lists none).
  std::erase_if(snapshot->files,
                [](const store::SourceFile& f) { return util::StartsWith(f.path, "content/"); });
  load::MemoryFileSystem files;
  Site site;
  if (Status s = publish::LoadSnapshot(std::move(*snapshot), &files, &site); !s.ok()) return s;
  site.static_files.clear();  // they point into `files`, which goes
  return site;
}

Status Library::Change(const Actor& actor, const LibraryChange& requested) {
  const std::string part(LibraryPartName(requested.part));
  if (!MayChangeLibrary(actor, requested.part))
    return Status::Forbidden(
        requested.part == LibraryPart::kReferences || requested.part == LibraryPart::kImages
            ? "only writers and editors may change the site's " + part + "s"
            : "only editors may change the site's " + part + (part == "glossary" ? "" : "s"));
  store::WorkflowStore* workflow = store_.Workflow();
  if (workflow == nullptr) return Status::Internal("the store keeps no newsroom records");
  const std::string now = util::FormatIsoUtc(options_.clock->NowSeconds());
  return workflow->Write([&](store::WorkflowTx& tx) -> Status {
    Result<store::Snapshot> snapshot = tx.LoadContent();
    if (!snapshot.ok()) return snapshot.status();
    LibraryChange change = requested;
    if (change.edit)
      if (Status s = change.edit(snapshot->files, change); !s.ok()) return s;
    if (change.put.empty() && change.remove.empty()) return Status::Ok();
    for (const store::SourceFile& f : change.put)
      if (!LibraryPathOf(change.part, f.path)) return Status::Invalid(f.path + " is not a " + part + " file");
    for (const std::string& p : change.remove)
      if (!LibraryPathOf(change.part, p)) return Status::Invalid(p + " is not a " + part + " file");
    std::set<std::string> gone(change.remove.begin(), change.remove.end());
    for (const store::SourceFile& f : change.put) gone.insert(f.path);
    std::erase_if(snapshot->files, [&](const store::SourceFile& f) { return gone.count(f.path) > 0; });
    for (const store::SourceFile& f : change.put) snapshot->files.push_back(f);
    load::MemoryFileSystem files;
    Site site;
    if (Status s = publish::LoadSnapshot(std::move(*snapshot), &files, &site); !s.ok()) return s;
    publish::ValidateOptions validate;
    validate.today = *Date::Parse(now.substr(0, 10));
    Result<publish::ImportPlan> plan = publish::ToImport(site, "site", files, validate);
    if (!plan.ok()) return plan.status();
    if (plan->refused()) return publish::Refusal(plan->diagnostics);
    if (Status s = internal::Record(tx, actor, now, change.action, 0, "", "", "", change.detail); !s.ok())
      return s;
    Result<store::ImportReport> imported = tx.ImportContent(plan->input);  // last: see WorkflowStore::Write
    return imported.ok() ? Status::Ok() : imported.status();
  });
}

Result<ReferenceImport> Library::ImportReferences(const Actor& actor, std::string_view text,
                                                  std::string_view name) {
  if (!MayChangeLibrary(actor, LibraryPart::kReferences))
    return Status::Forbidden("only writers and editors may import references");
  const std::string file = name.empty() ? "pasted text" : std::string(name);
  // references.json holds only UTF-8 (JSON); a BibTeX or RIS file in another
  // encoding would otherwise fail when written.
  if (util::ValidUtf8Length(text) < 0)
    return Status::Invalid(file + ": not UTF-8 text (save the file as UTF-8 and import it again)");
  std::vector<Diagnostic> diagnostics;
  std::vector<Reference> refs;
  BibFormat format = FormatOf(text, name);
  if (format == BibFormat::kCslJson) refs = load::ParseCslJson(text, file, diagnostics);
  if (format == BibFormat::kBibtex) refs = load::ParseBibtex(text, file, diagnostics);
  if (format == BibFormat::kRis) refs = load::ParseRis(text, file, diagnostics);
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Severity::kError)
      return Status::Invalid(file + ":" + std::to_string(d.pos.line) + ": " + d.message);
  if (refs.empty()) return Status::Invalid(file + ": no references found (CSL-JSON, BibTeX or RIS)");
  // The items of a CSL-JSON upload as written (by id), kept as they are.
  std::unordered_map<std::string, Json> original;
  if (format == BibFormat::kCslJson) {
    for (const Json& item : Json::parse(text.begin(), text.end(), nullptr, false))
      if (item.is_object() && item.contains("id") && item["id"].is_string())
        original.emplace(item["id"].get<std::string>(), item);
  }

  ReferenceImport out;
  LibraryChange change;
  change.part = LibraryPart::kReferences;
  change.action = "library.reference.import";
  // Merged inside the transaction, against the bibliography as it is then.
  change.edit = [&](const std::vector<store::SourceFile>& files, LibraryChange& c) -> Status {
    out = {};
    std::unordered_set<std::string> known;
    Json list = Json::array();
    for (const store::SourceFile& f : files) {
      std::vector<Diagnostic> ignored;
      std::vector<Reference> have;
      if (f.path == "references.json") {
        have = load::ParseCslJson(f.bytes, f.path, ignored);
        list = Json::parse(f.bytes, nullptr, false);
        if (!list.is_array()) return Status::Invalid("references.json is not a CSL-JSON array; fix it first");
      } else if (f.path == "references.bib") {
        have = load::ParseBibtex(f.bytes, f.path, ignored);
      } else if (f.path == "references.ris") {
        have = load::ParseRis(f.bytes, f.path, ignored);
      }
      for (const Reference& r : have) known.insert(r.id);
    }
    for (const Reference& r : refs) {
      if (!known.insert(r.id).second) {
        out.clashes.push_back(r.id);
        continue;
      }
      auto it = original.find(r.id);
      list.push_back(it != original.end() ? it->second : Json::parse(CslJsonItem(r)));
      out.added.push_back(r.id);
    }
    if (out.added.empty()) return Status::Ok();
    c.detail = std::to_string(out.added.size()) + " added from " + file + ": " + Join(out.added);
    if (!out.clashes.empty()) c.detail += "; already there, left as they were: " + Join(out.clashes);
    c.put.push_back({std::string(kReferencesFile), list.dump(2) + "\n"});
    return Status::Ok();
  };
  if (Status s = Change(actor, change); !s.ok()) return s;
  return out;
}

}  // namespace vetted::newsroom
