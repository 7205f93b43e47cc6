// people/, pages/, callouts/, _section.md and glossary.yaml.
#include <algorithm>

#include "load/internal.h"
#include "util/util.h"

namespace vetted::load {
namespace {

// Parses front matter and checks it is a mapping (null when absent).
bool ReadMeta(const Document& doc, const std::string& file, std::vector<Diagnostic>& diagnostics) {
  if (!doc.yaml_ok) return false;
  if (doc.meta.IsMapping() || doc.meta.IsNull()) return true;
  Report(diagnostics, file, doc.meta.line, Severity::kError, "invalid-value",
         "front matter must be a mapping of keys to values");
  return false;
}

}  // namespace

Person ParsePerson(std::string_view text, const std::string& file, const std::string& id,
                   std::vector<Diagnostic>& diagnostics) {
  Person p;
  p.id = id;
  p.pos = {file, 1};
  Document doc = ParseDocument(std::string(text), file, diagnostics);
  p.bio_markdown = std::move(doc.body);
  p.body_line = doc.body_line;
  if (!ReadMeta(doc, file, diagnostics)) return p;
  MetaReader r(doc.meta, file, diagnostics);
  r.WarnNearMisses({"name", "credentials", "roles", "title", "summary", "image", "same_as"});
  r.Require("name");
  r.String("name", p.name);
  r.String("credentials", p.credentials);
  r.StringList("roles", p.roles);
  r.String("title", p.title);
  r.String("summary", p.summary);
  r.ImageValue("image", p.image);
  r.StringList("same_as", p.same_as);
  return p;
}

Page ParsePage(std::string_view text, const std::string& file, const std::string& slug,
               std::vector<Diagnostic>& diagnostics) {
  Page p;
  p.file = file;
  p.slug = slug;
  p.url = "/" + slug + "/";
  Document doc = ParseDocument(std::string(text), file, diagnostics);
  p.body = std::move(doc.body);
  p.body_line = doc.body_line;
  if (!ReadMeta(doc, file, diagnostics)) return p;
  for (const auto& e : doc.meta.entries) p.key_lines.emplace(e.key, e.line);
  MetaReader r(doc.meta, file, diagnostics);
  r.Require("title");
  r.String("title", p.title);
  r.String("description", p.description);
  return p;
}

Callout ParseCallout(std::string_view text, const std::string& file, const std::string& name,
                     std::vector<Diagnostic>& diagnostics) {
  Callout c;
  c.name = name;
  c.file = file;
  Document doc = ParseDocument(std::string(text), file, diagnostics);
  c.body_markdown = std::move(doc.body);
  c.body_line = doc.body_line;
  if (!ReadMeta(doc, file, diagnostics)) return c;
  MetaReader r(doc.meta, file, diagnostics);
  r.String("title", c.title);
  r.String("kind", c.kind);
  r.String("disclosure", c.disclosure);
  r.StringList("topics", c.topics);
  return c;
}

void ParseSectionFile(std::string_view text, const std::string& file, Section& section,
                      std::vector<Diagnostic>& diagnostics) {
  section.file = file;
  Document doc = ParseDocument(std::string(text), file, diagnostics);
  section.intro_markdown = std::move(doc.body);
  section.body_line = doc.body_line;
  if (!ReadMeta(doc, file, diagnostics)) return;
  MetaReader r(doc.meta, file, diagnostics);
  r.String("title", section.title);
  r.String("description", section.description);
}

std::vector<GlossaryTerm> ParseGlossary(std::string_view text, const std::string& file,
                                        std::vector<Diagnostic>& diagnostics) {
  std::vector<GlossaryTerm> terms;
  YamlNode root;
  YamlError err;
  if (!ParseYaml(text, 1, root, err)) {
    Report(diagnostics, file, err.line, Severity::kError, "yaml-syntax", err.message);
    return terms;
  }
  if (root.IsNull()) return terms;
  if (!root.IsMapping()) {
    Report(diagnostics, file, root.line, Severity::kError, "invalid-value",
           "glossary.yaml must map each term to its definition");
    return terms;
  }
  for (const auto& e : root.entries) {
    GlossaryTerm t;
    t.term = e.key;
    t.line = e.line;
    bool ok = ScalarText(e.value, t.definition);
    if (!ok && e.value.IsMapping()) {
      MetaReader r(e.value, file, diagnostics);
      r.String("definition", t.definition);
      r.StringList("aliases", t.aliases);
      ok = true;
    }
    if (!ok || util::Trim(t.definition).empty() || util::Trim(t.term).empty()) {
      Report(diagnostics, file, e.line, Severity::kError, "invalid-value",
             "glossary term `" + e.key + "` needs a definition (a string or {definition, aliases})");
      continue;
    }
    terms.push_back(std::move(t));
  }
  std::stable_sort(terms.begin(), terms.end(),
                   [](const GlossaryTerm& a, const GlossaryTerm& b) { return a.term < b.term; });
  return terms;
}

}  // namespace vetted::load
