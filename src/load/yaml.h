// Internal to load/: a small YAML document tree built with libyaml's event
// parser. Only what front matter, glossary.yaml and inline references need:
// scalars (with their style), sequences and mappings, each with its line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vetted::load {

struct YamlEntry;

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMapping };
  Kind kind = Kind::kNull;
  std::string text;                // scalars only
  bool plain = false;              // scalar written without quotes (so `true` may be a bool)
  int line = 0;                    // file line where the node starts
  std::vector<YamlNode> items;     // sequences
  std::vector<YamlEntry> entries;  // mappings, in document order

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsMapping() const { return kind == Kind::kMapping; }
  // The value of `key` in a mapping; nullptr when absent or not a mapping.
  const YamlNode* Find(std::string_view key) const;
  // YAML 1.1 booleans in plain style (true/false/yes/no/on/off, any case).
  std::optional<bool> AsBool() const;
};

struct YamlEntry {
  std::string key;
  int line = 0;  // line of the key
  YamlNode value;
};

struct YamlError {
  std::string message;
  int line = 0;
};

// Parses one YAML document. `first_line` is the file line of text's first
// line, so node lines are file lines. An empty document gives a null node.
// Returns false and fills `error` on a syntax error. Thread-safe.
bool ParseYaml(std::string_view text, int first_line, YamlNode& out, YamlError& error);

// The two ways ParseYaml works, exposed for tests: libyaml for everything,
// and a fast path for a conservative subset (block mappings and sequences of
// one-line scalars and flow collections; see yaml_fast.cc) that returns
// false, leaving `out` null, for anything outside it. Where the subset
// accepts a text, its tree equals libyaml's.
bool ParseYamlFull(std::string_view text, int first_line, YamlNode& out, YamlError& error);
bool ParseYamlSubset(std::string_view text, int first_line, YamlNode& out);

}  // namespace vetted::load
