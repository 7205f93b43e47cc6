// Internal to load/: helpers shared by the module's source files.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "load/yaml.h"
#include "model/model.h"

namespace vetted::load {

// Appends a load-stage diagnostic.
void Report(std::vector<Diagnostic>& out, const std::string& file, int line, Severity severity,
            std::string rule, std::string message);

// A Markdown file split into YAML front matter and body.
struct Document {
  YamlNode meta;  // a mapping, or null when there is no front matter
  bool has_front_matter = false;
  bool yaml_ok = true;  // false after a yaml-syntax diagnostic
  std::string body;
  int body_line = 1;
};

// Splits `text` and parses its front matter; a YAML error is reported as
// yaml-syntax and leaves `meta` null.
Document ParseDocument(std::string text, const std::string& file, std::vector<Diagnostic>& diagnostics);

// ParseArticle taking ownership of the file's text (saves a copy of the body).
Article ParseArticleText(std::string text, const std::string& file, std::vector<Diagnostic>& diagnostics);

// Reads typed values from front matter, reporting invalid-value on a wrong
// type. Each returns false (leaving `out` alone) when the key is absent.
class MetaReader {
 public:
  MetaReader(const YamlNode& meta, const std::string& file, std::vector<Diagnostic>& diagnostics)
      : meta_(meta), file_(file), diagnostics_(diagnostics) {}
  bool String(std::string_view key, std::string& out) const;
  bool StringList(std::string_view key, std::vector<std::string>& out) const;
  bool DateValue(std::string_view key, Date& out) const;
  bool Bool(std::string_view key, bool& out) const;
  bool ImageValue(std::string_view key, Image& out) const;
  // Reports required-key unless `key` holds a non-empty value.
  void Require(std::string_view key) const;
  void Invalid(int line, const std::string& message) const;
  // Unknown keys are allowed and ignored, but one close to a known key (a
  // typo such as `reviewer:` for `reviewers:`) gets an "unknown-key" warning
  // naming the known one.
  void WarnNearMisses(std::initializer_list<std::string_view> known) const;
  const YamlNode* Find(std::string_view key) const { return meta_.Find(key); }
  int LineOf(std::string_view key) const;

 private:
  const YamlNode& meta_;
  const std::string& file_;
  std::vector<Diagnostic>& diagnostics_;
};

// Scalar node -> string; sequences of scalars -> strings. False on wrong type.
bool ScalarText(const YamlNode& n, std::string& out);
bool ScalarList(const YamlNode& n, std::vector<std::string>& out);
// A date scalar (YYYY-MM-DD, optionally followed by a time) -> Date.
std::optional<Date> ParseDateText(std::string_view text);

// A loose date: "2020", "2020-03", "2020/03/15/", "2020-03-15"; the first
// group must be a 4-digit year. Month names are not understood here.
std::optional<Date> ParseLooseDate(std::string_view text);

// LaTeX-flavoured BibTeX text -> UTF-8: accents ({\"o}, \'e, \c{c}), escaped
// symbols (\&), braces removed, whitespace collapsed; with `dashes`, -- and
// --- become en and em dashes.
std::string LatexToText(std::string_view raw, bool dashes);

// A personal name written "Family, Given" or "Given Family" (lower-case
// particles such as "van" go with the family name); a name in braces
// "{World Health Organization}" is a literal.
Name NameFromText(std::string_view text);

// Inline CSL items from YAML (`references:` in front matter), mapped exactly as
// CSL-JSON items are.
std::vector<Reference> ReferencesFromYaml(const YamlNode& list, const std::string& file,
                                          std::vector<Diagnostic>& diagnostics);

// Other front-matter files.
Person ParsePerson(std::string_view text, const std::string& file, const std::string& id,
                   std::vector<Diagnostic>& diagnostics);
Page ParsePage(std::string_view text, const std::string& file, const std::string& slug,
               std::vector<Diagnostic>& diagnostics);
Callout ParseCallout(std::string_view text, const std::string& file, const std::string& name,
                     std::vector<Diagnostic>& diagnostics);
void ParseSectionFile(std::string_view text, const std::string& file, Section& section,
                      std::vector<Diagnostic>& diagnostics);
std::vector<GlossaryTerm> ParseGlossary(std::string_view text, const std::string& file,
                                        std::vector<Diagnostic>& diagnostics);

// site.toml -> SiteConfig (config.cc, the only user of toml++).
SiteConfig ParseConfig(std::string_view text, const std::string& file, std::vector<Diagnostic>& diagnostics);

// 1-based line of byte `offset` in `text`.
int LineAt(std::string_view text, size_t offset);

}  // namespace vetted::load
