// Front matter: splitting a Markdown file and reading typed values.
#include <algorithm>
#include <cstring>

#include "load/internal.h"
#include "util/util.h"

namespace vetted::load {
namespace {

// The line starting at `pos` without its terminator and trailing blanks.
std::string_view LineFrom(std::string_view text, size_t pos, size_t& next) {
  size_t end = text.find('\n', pos);
  next = end == std::string_view::npos ? text.size() : end + 1;
  std::string_view line = text.substr(pos, (end == std::string_view::npos ? text.size() : end) - pos);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  return line;
}

std::string Quote(std::string_view key) {
  std::string out(1, '`');
  out.append(key).push_back('`');
  return out;
}

// The text of 1-based line `line` of `text` ("" past the end).
std::string_view LineText(std::string_view text, int line) {
  size_t pos = 0;
  for (int l = 1; l < line && pos < text.size(); ++l) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return {};
    pos = nl + 1;
  }
  size_t end = text.find('\n', pos);
  std::string_view out = text.substr(pos, end == std::string_view::npos ? text.size() - pos : end - pos);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return out;
}

// A hint for the YAML mistakes people make most in front matter, from the
// offending line: an unquoted ": " inside a value ("title: Sleep: what helps").
std::string YamlHint(std::string_view text, int line) {
  std::string_view l = LineText(text, line);
  size_t colon = l.find(": ");
  if (colon == std::string_view::npos) return "";
  std::string_view key = util::Trim(l.substr(0, colon));
  std::string_view value = util::Trim(l.substr(colon + 2));
  if (key.empty() || value.empty() || value[0] == '"' || value[0] == '\'' || value[0] == '[' ||
      value[0] == '{' || value.find(": ") == std::string_view::npos)
    return "";
  std::string quoted;
  for (char c : value) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return " (the value of `" + std::string(key) + "` contains \": \"; put it in quotes: " + std::string(key) +
         ": \"" + quoted + "\")";
}

// Parses the front matter starting at `yaml_begin` (after the opening ---);
// returns the offset where the body starts and sets doc.body_line.
size_t SplitFrontMatter(std::string_view text, size_t yaml_begin, const std::string& file, Document& doc,
                        std::vector<Diagnostic>& diagnostics) {
  size_t pos = yaml_begin;
  for (int line = 2; pos < text.size(); ++line) {
    size_t after = 0;
    std::string_view l = LineFrom(text, pos, after);
    if (l == "---" || l == "...") {
      YamlError err;
      if (!ParseYaml(text.substr(yaml_begin, pos - yaml_begin), 2, doc.meta, err)) {
        Report(diagnostics, file, err.line, Severity::kError, "yaml-syntax",
               "front matter: " + err.message + YamlHint(text, err.line));
        doc.meta = YamlNode();
        doc.yaml_ok = false;
      }
      doc.body_line = line + 1;
      return after;
    }
    pos = after;
  }
  Report(diagnostics, file, 1, Severity::kError, "yaml-syntax", "front matter is not closed by a `---` line");
  doc.yaml_ok = false;
  doc.body_line = 2;
  return yaml_begin;
}

}  // namespace

void Report(std::vector<Diagnostic>& out, const std::string& file, int line, Severity severity,
            std::string rule, std::string message) {
  Diagnostic d;
  d.pos.file = file;
  d.pos.line = line;
  d.severity = severity;
  d.message = std::move(message);
  d.rule = std::move(rule);
  d.stage = "load";
  out.push_back(std::move(d));
}

int LineAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

Document ParseDocument(std::string text, const std::string& file, std::vector<Diagnostic>& diagnostics) {
  Document doc;
  std::string_view view = text;
  size_t start = util::StartsWith(view, "\xEF\xBB\xBF") ? 3 : 0;
  size_t next = 0, body_offset = start;
  if (LineFrom(view, start, next) == "---") {
    doc.has_front_matter = true;
    body_offset = SplitFrontMatter(view, next, file, doc, diagnostics);
  }
  // The body keeps the file's buffer: no second allocation for large articles.
  text.erase(0, body_offset);
  doc.body = std::move(text);
  return doc;
}

bool ScalarText(const YamlNode& n, std::string& out) {
  if (!n.IsScalar()) return false;
  out = n.text;
  return true;
}

bool ScalarList(const YamlNode& n, std::vector<std::string>& out) {
  if (n.IsScalar()) {
    out.assign(1, n.text);
    return true;
  }
  if (!n.IsSequence()) return false;
  std::vector<std::string> list;
  list.reserve(n.items.size());
  for (const auto& item : n.items) {
    if (!item.IsScalar()) return false;
    list.push_back(item.text);
  }
  out = std::move(list);
  return true;
}

std::optional<Date> ParseDateText(std::string_view text) {
  text = util::Trim(text);
  // Accept a time after the date (2021-03-04T10:00:00Z, 2021-03-04 10:00).
  if (text.size() > 10 && (text[10] == 'T' || text[10] == 't' || text[10] == ' ')) text = text.substr(0, 10);
  return Date::Parse(text);
}

std::optional<Date> ParseLooseDate(std::string_view text) {
  int parts[3] = {0, 0, 0};
  int count = 0;
  size_t i = 0;
  text = util::Trim(text);
  while (i < text.size() && count < 3) {
    size_t start = i;
    int v = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 5)
      v = v * 10 + (text[i++] - '0');
    if (i == start) break;
    if (count == 0 && i - start != 4) return std::nullopt;
    parts[count++] = v;
    if (i < text.size() && (text[i] == '-' || text[i] == '/' || text[i] == '.'))
      ++i;
    else
      break;
  }
  if (count == 0) return std::nullopt;
  Date d;
  d.year = parts[0];
  if (parts[1] >= 1 && parts[1] <= 12) {
    d.month = parts[1];
    if (parts[2] >= 1 && parts[2] <= 31) d.day = parts[2];
  }
  return d;
}

int MetaReader::LineOf(std::string_view key) const {
  for (const auto& e : meta_.entries)
    if (e.key == key) return e.line;
  return 1;
}

void MetaReader::Invalid(int line, const std::string& message) const {
  Report(diagnostics_, file_, line, Severity::kError, "invalid-value", message);
}

void MetaReader::WarnNearMisses(std::initializer_list<std::string_view> known) const {
  std::vector<std::string> names(known.begin(), known.end());
  for (const auto& e : meta_.entries) {
    if (std::find(names.begin(), names.end(), e.key) != names.end()) continue;
    std::string close = util::ClosestMatch(e.key, names);
    if (close.empty()) continue;
    Report(diagnostics_, file_, e.line, Severity::kWarning, "unknown-key",
           "unknown key " + Quote(e.key) + " is ignored; did you mean " + Quote(close) + "?");
  }
}

void MetaReader::Require(std::string_view key) const {
  const YamlNode* n = meta_.Find(key);
  if (!n) {
    Report(diagnostics_, file_, 1, Severity::kError, "required-key",
           "missing required key " + Quote(key) + " in front matter");
    return;
  }
  bool empty = n->IsNull() || (n->IsScalar() && util::Trim(n->text).empty()) ||
               (n->IsSequence() && n->items.empty()) || (n->IsMapping() && n->entries.empty());
  if (empty) {
    Report(diagnostics_, file_, LineOf(key), Severity::kError, "required-key",
           "required key " + Quote(key) + " is empty");
  }
}

bool MetaReader::String(std::string_view key, std::string& out) const {
  const YamlNode* n = meta_.Find(key);
  if (!n || n->IsNull()) return false;
  if (ScalarText(*n, out)) return true;
  Invalid(LineOf(key), Quote(key) + " must be a string");
  return false;
}

bool MetaReader::StringList(std::string_view key, std::vector<std::string>& out) const {
  const YamlNode* n = meta_.Find(key);
  if (!n || n->IsNull()) return false;
  if (ScalarList(*n, out)) return true;
  Invalid(LineOf(key), Quote(key) + " must be a list of strings");
  return false;
}

bool MetaReader::DateValue(std::string_view key, Date& out) const {
  const YamlNode* n = meta_.Find(key);
  if (!n || n->IsNull()) return false;
  if (n->IsScalar()) {
    if (auto d = ParseDateText(n->text)) {
      out = *d;
      return true;
    }
  }
  Invalid(LineOf(key),
          Quote(key) + " is not a date (YYYY-MM-DD): \"" + (n->IsScalar() ? n->text : "") + "\"");
  return false;
}

bool MetaReader::Bool(std::string_view key, bool& out) const {
  const YamlNode* n = meta_.Find(key);
  if (!n || n->IsNull()) return false;
  if (auto b = n->AsBool()) {
    out = *b;
    return true;
  }
  Invalid(LineOf(key), Quote(key) + " must be true or false");
  return false;
}

bool MetaReader::ImageValue(std::string_view key, Image& out) const {
  const YamlNode* n = meta_.Find(key);
  if (!n || n->IsNull()) return false;
  Image img;
  img.line = LineOf(key);
  if (n->IsScalar()) {
    img.src = n->text;
  } else if (n->IsMapping()) {
    MetaReader sub(*n, file_, diagnostics_);
    sub.String("src", img.src);
    sub.String("alt", img.alt);
    sub.String("credit", img.credit);
    sub.String("caption", img.caption);
  } else {
    Invalid(img.line, Quote(key) + " must be a mapping {src, alt, credit, caption}");
    return false;
  }
  out = std::move(img);
  return true;
}

}  // namespace vetted::load
