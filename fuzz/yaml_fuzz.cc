// Front-matter YAML. Differential: whenever the fast subset parser accepts a
// text, libyaml must accept it too and build the same tree (kinds, texts,
// styles, keys, lines); the subset must leave its output null when it
// declines. Then load::ParseArticle on the same bytes must not crash and must
// report only well-formed diagnostics.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "load/load.h"
#include "load/yaml.h"

namespace vetted::fuzz {
namespace {

using load::YamlNode;

// Every field of the tree, lines included, on one line.
void Dump(const YamlNode& n, std::string& out) {
  out += std::to_string(n.line);
  switch (n.kind) {
    case YamlNode::Kind::kNull:
      out += "~";
      return;
    case YamlNode::Kind::kScalar:
      out += n.plain ? "p<" : "q<";
      out += n.text;
      out += ">";
      return;
    case YamlNode::Kind::kSequence:
      out += "[";
      for (const YamlNode& item : n.items) Dump(item, out), out += ",";
      out += "]";
      return;
    case YamlNode::Kind::kMapping:
      out += "{";
      for (const load::YamlEntry& e : n.entries) {
        out += std::to_string(e.line) + ":<" + e.key + ">=";
        Dump(e.value, out);
        out += ",";
      }
      out += "}";
      return;
  }
}

std::string Dump(const YamlNode& n) {
  std::string out;
  Dump(n, out);
  return out;
}

[[noreturn]] void Fail(std::string_view text, const std::string& what) {
  std::fprintf(stderr, "%s\n--- input ---\n%.*s\n", what.c_str(), static_cast<int>(text.size()), text.data());
  std::abort();
}

void Differential(std::string_view text) {
  YamlNode fast;
  if (!load::ParseYamlSubset(text, 7, fast)) {
    if (!fast.IsNull() || !fast.items.empty() || !fast.entries.empty())
      Fail(text, "declined but output not null");
    return;
  }
  YamlNode full;
  load::YamlError error;
  if (!load::ParseYamlFull(text, 7, full, error))
    Fail(text,
         "subset accepted, libyaml refused at line " + std::to_string(error.line) + ": " + error.message);
  std::string a = Dump(fast), b = Dump(full);
  if (a != b) Fail(text, "trees differ\nsubset:  " + a + "\nlibyaml: " + b);
}

}  // namespace
}  // namespace vetted::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vetted;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::Differential(text);
  std::vector<Diagnostic> diagnostics;
  Article a = load::ParseArticle(text, "content/s/a.md", diagnostics);
  for (const Diagnostic& d : diagnostics)
    if (d.pos.file != "content/s/a.md" || d.rule.empty() || d.pos.line < 0)
      fuzz::Fail(text, "bad diagnostic");
  if (a.body.size() > text.size()) fuzz::Fail(text, "body longer than the file");
  return 0;
}
