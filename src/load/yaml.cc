#include "load/yaml.h"

#include <yaml.h>

#include <map>

#include "util/util.h"

namespace vetted::load {
namespace {

constexpr int kMaxDepth = 64;          // deeper nesting is refused (stack safety)
constexpr size_t kMaxNodes = 200'000;  // guards against alias expansion bombs

// One libyaml event, deleted when it goes out of scope.
struct Event {
  yaml_event_t ev{};
  bool live = false;
  ~Event() { Reset(); }
  void Reset() {
    if (live) yaml_event_delete(&ev);
    live = false;
  }
};

class Builder {
 public:
  Builder(std::string_view text, int first_line, YamlError& error) : first_line_(first_line), error_(error) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~Builder() { yaml_parser_delete(&parser_); }
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;

  bool Document(YamlNode& out) {
    Event e;
    // Skip STREAM_START and DOCUMENT_START; an empty stream is a null document.
    for (;;) {
      if (!Next(e)) return false;
      if (e.ev.type == YAML_STREAM_END_EVENT) return true;
      if (e.ev.type != YAML_STREAM_START_EVENT && e.ev.type != YAML_DOCUMENT_START_EVENT) break;
    }
    if (!Node(e, out, 0)) return false;
    // Read the end of the document so trailing garbage is reported.
    if (!Next(e)) return false;
    return true;
  }

 private:
  int Line(const yaml_mark_t& m) const { return static_cast<int>(m.line) + first_line_; }

  bool Next(Event& e) {
    e.Reset();
    if (!yaml_parser_parse(&parser_, &e.ev)) {
      error_.message = parser_.problem ? parser_.problem : "invalid YAML";
      if (parser_.context) error_.message = std::string(parser_.context) + ": " + error_.message;
      error_.line = Line(parser_.problem_mark);
      return false;
    }
    e.live = true;
    return true;
  }

  bool Fail(const std::string& message, int line) {
    error_.message = message;
    error_.line = line;
    return false;
  }

  static bool IsNullWord(const yaml_event_t& ev) {
    if (ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return false;
    std::string_view v(reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length);
    return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
  }

  // Builds the node that starts with event `e` (already read).
  bool Node(Event& e, YamlNode& out, int depth) {
    if (++nodes_ > kMaxNodes) return Fail("YAML document is too large", Line(e.ev.start_mark));
    if (depth > kMaxDepth) return Fail("YAML nesting is too deep", Line(e.ev.start_mark));
    out.line = Line(e.ev.start_mark);
    const yaml_char_t* anchor = nullptr;
    switch (e.ev.type) {
      case YAML_SCALAR_EVENT:
        anchor = e.ev.data.scalar.anchor;
        if (IsNullWord(e.ev)) {
          out.kind = YamlNode::Kind::kNull;
        } else {
          out.kind = YamlNode::Kind::kScalar;
          out.text.assign(reinterpret_cast<const char*>(e.ev.data.scalar.value), e.ev.data.scalar.length);
          out.plain = e.ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        }
        break;
      case YAML_ALIAS_EVENT: {
        auto it = anchors_.find(reinterpret_cast<const char*>(e.ev.data.alias.anchor));
        if (it == anchors_.end()) return Fail("unknown YAML alias", out.line);
        int line = out.line;
        out = it->second;
        out.line = line;
        return true;
      }
      case YAML_SEQUENCE_START_EVENT:
        anchor = e.ev.data.sequence_start.anchor;
        if (!Sequence(out, depth)) return false;
        break;
      case YAML_MAPPING_START_EVENT:
        anchor = e.ev.data.mapping_start.anchor;
        if (!Mapping(out, depth)) return false;
        break;
      default:
        return Fail("unexpected YAML event", out.line);
    }
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = out;
    return true;
  }

  bool Sequence(YamlNode& out, int depth) {
    out.kind = YamlNode::Kind::kSequence;
    // Anchor pointers of the start event stay valid: the caller keeps it alive.
    Event e;
    for (;;) {
      if (!Next(e)) return false;
      if (e.ev.type == YAML_SEQUENCE_END_EVENT) return true;
      out.items.emplace_back();
      if (!Node(e, out.items.back(), depth + 1)) return false;
    }
  }

  bool Mapping(YamlNode& out, int depth) {
    out.kind = YamlNode::Kind::kMapping;
    Event e;
    for (;;) {
      if (!Next(e)) return false;
      if (e.ev.type == YAML_MAPPING_END_EVENT) return true;
      YamlEntry& entry = out.entries.emplace_back();
      YamlNode key;
      if (!Node(e, key, depth + 1)) return false;
      entry.key = std::move(key.text);  // complex keys become ""
      entry.line = key.line;
      if (!Next(e)) return false;
      if (!Node(e, entry.value, depth + 1)) return false;
    }
  }

  yaml_parser_t parser_;
  int first_line_;
  YamlError& error_;
  size_t nodes_ = 0;
  std::map<std::string, YamlNode> anchors_;
};

}  // namespace

const YamlNode* YamlNode::Find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e.value;
  return nullptr;
}

std::optional<bool> YamlNode::AsBool() const {
  if (kind != Kind::kScalar || !plain) return std::nullopt;
  for (const char* t : {"true", "yes", "on"})
    if (util::EqualsIgnoreCase(text, t)) return true;
  for (const char* f : {"false", "no", "off"})
    if (util::EqualsIgnoreCase(text, f)) return false;
  return std::nullopt;
}

bool ParseYaml(std::string_view text, int first_line, YamlNode& out, YamlError& error) {
  if (ParseYamlSubset(text, first_line, out)) return true;
  return ParseYamlFull(text, first_line, out, error);
}

bool ParseYamlFull(std::string_view text, int first_line, YamlNode& out, YamlError& error) {
  out = YamlNode();
  Builder b(text, first_line, error);
  return b.Document(out);
}

}  // namespace vetted::load
