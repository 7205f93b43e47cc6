// CSL-JSON (references.json) and inline CSL items from front matter.
#include <nlohmann/json.hpp>

#include "load/internal.h"
#include "load/load.h"
#include "util/util.h"

namespace vetted::load {
namespace {

using Json = nlohmann::json;

// A string field that may have been written as a number.
std::string Text(const Json& item, const char* key) {
  auto it = item.find(key);
  if (it == item.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  if (it->is_number()) return it->dump();
  return "";
}

int Int(const Json& v) {
  if (v.is_number_integer()) return static_cast<int>(v.get<long long>());
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    int n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return 0;
      n = n * 10 + (c - '0');
      if (n > 100000) return 0;
    }
    return n;
  }
  return 0;
}

std::vector<Name> Names(const Json& item, const char* key) {
  std::vector<Name> names;
  auto it = item.find(key);
  if (it == item.end() || !it->is_array()) return names;
  for (const auto& n : *it) {
    Name name;
    if (n.is_string()) {
      name.literal = n.get<std::string>();
    } else if (n.is_object()) {
      name.family = Text(n, "family");
      name.given = Text(n, "given");
      name.literal = Text(n, "literal");
      std::string particle = Text(n, "non-dropping-particle");
      if (!particle.empty() && !name.family.empty()) name.family = particle + " " + name.family;
    } else {
      continue;
    }
    if (name.family.empty() && name.given.empty() && name.literal.empty()) continue;
    names.push_back(std::move(name));
  }
  return names;
}

Date DateField(const Json& item, const char* key) {
  auto it = item.find(key);
  if (it == item.end()) return {};
  if (it->is_string() || it->is_number()) return ParseLooseDate(Text(item, key)).value_or(Date{});
  if (!it->is_object()) return {};
  auto parts = it->find("date-parts");
  if (parts != it->end() && parts->is_array() && !parts->empty() && (*parts)[0].is_array()) {
    const Json& p = (*parts)[0];
    Date d;
    if (p.size() > 0) d.year = Int(p[0]);
    if (p.size() > 1) d.month = Int(p[1]);
    if (p.size() > 2) d.day = Int(p[2]);
    if (d.month < 0 || d.month > 12) d.month = 0;
    if (d.month == 0 || d.day < 0 || d.day > 31) d.day = 0;
    if (d.year > 0) return d;
  }
  for (const char* alt : {"raw", "literal"}) {
    std::string s = Text(*it, alt);
    if (auto d = ParseLooseDate(s)) return *d;
  }
  return {};
}

// Lines of the values directly inside the top-level array.
std::vector<int> ItemLines(std::string_view text) {
  std::vector<int> lines;
  int depth = 0, line = 1;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') ++line;
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (depth == 1) lines.push_back(line);
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return lines;
}

Json YamlToJson(const YamlNode& n) {
  switch (n.kind) {
    case YamlNode::Kind::kNull:
      return nullptr;
    case YamlNode::Kind::kScalar:
      return n.text;
    case YamlNode::Kind::kSequence: {
      Json a = Json::array();
      for (const auto& item : n.items) a.push_back(YamlToJson(item));
      return a;
    }
    case YamlNode::Kind::kMapping: {
      Json o = Json::object();
      for (const auto& e : n.entries) o[e.key] = YamlToJson(e.value);
      return o;
    }
  }
  return nullptr;
}

std::optional<Reference> ReferenceFromCsl(const Json& item, const std::string& file, int line,
                                          std::vector<Diagnostic>& diagnostics) {
  if (!item.is_object()) {
    Report(diagnostics, file, line, Severity::kError, "bibliography-syntax", "a CSL item must be an object");
    return std::nullopt;
  }
  Reference r;
  r.pos = {file, line};
  r.id = Text(item, "id");
  if (r.id.empty()) {
    Report(diagnostics, file, line, Severity::kError, "bibliography-syntax", "CSL item without an `id`");
    return std::nullopt;
  }
  if (std::string type = Text(item, "type"); !type.empty()) r.type = type;
  r.authors = Names(item, "author");
  r.editors = Names(item, "editor");
  r.title = Text(item, "title");
  r.container_title = Text(item, "container-title");
  r.container_title_short = Text(item, "container-title-short");
  if (r.container_title_short.empty()) r.container_title_short = Text(item, "journalAbbreviation");
  r.collection_title = Text(item, "collection-title");
  r.publisher = Text(item, "publisher");
  r.publisher_place = Text(item, "publisher-place");
  r.edition = Text(item, "edition");
  r.volume = Text(item, "volume");
  r.issue = Text(item, "issue");
  r.page = Text(item, "page");
  r.number = Text(item, "number");
  r.doi = Text(item, "DOI");
  if (r.doi.empty()) r.doi = Text(item, "doi");
  r.url = Text(item, "URL");
  if (r.url.empty()) r.url = Text(item, "url");
  r.pmid = Text(item, "PMID");
  r.issued = DateField(item, "issued");
  r.accessed = DateField(item, "accessed");
  return r;
}

}  // namespace

std::vector<Reference> ParseCslJson(std::string_view text, const std::string& file,
                                    std::vector<Diagnostic>& diagnostics) {
  std::vector<Reference> refs;
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    size_t at = e.byte > 0 ? e.byte - 1 : 0;
    Report(diagnostics, file, LineAt(text, at), Severity::kError, "bibliography-syntax",
           std::string("invalid JSON: ") + e.what());
    return refs;
  }
  if (!doc.is_array()) {
    Report(diagnostics, file, 1, Severity::kError, "bibliography-syntax",
           "CSL-JSON must be an array of items");
    return refs;
  }
  std::vector<int> lines = ItemLines(text);
  refs.reserve(doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    int line = i < lines.size() ? lines[i] : 1;
    if (auto r = ReferenceFromCsl(doc[i], file, line, diagnostics)) refs.push_back(std::move(*r));
  }
  return refs;
}

std::vector<Reference> ReferencesFromYaml(const YamlNode& list, const std::string& file,
                                          std::vector<Diagnostic>& diagnostics) {
  std::vector<Reference> refs;
  for (const auto& item : list.items) {
    if (auto r = ReferenceFromCsl(YamlToJson(item), file, item.line, diagnostics))
      refs.push_back(std::move(*r));
  }
  return refs;
}

}  // namespace vetted::load
