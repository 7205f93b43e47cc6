// An article's source as the editor's fields, and back (article_form.h).
#include "server/admin/article_form.h"

#include <vector>

#include "load/load.h"
#include "server/app_internal.h"
#include "util/util.h"

namespace vetted::server::admin {
namespace {

// The keys the form edits, in the order SourceOfFields writes them.
constexpr std::string_view kEdited[] = {"title",         "description", "authors", "published",
                                        "fact_checkers", "tags",        "aspect",  "aliases",
                                        "callouts",      "toc",         "image",   "references"};

bool Edited(std::string_view key) {
  for (std::string_view k : kEdited)
    if (k == key) return true;
  return false;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    out.push_back(text.substr(start, end - start));  // with its '\n'
    start = end;
  }
  return out;
}

std::string_view Chomp(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// The key a front-matter line starts ("" when it continues the one before:
// indented, a comment, blank, or a list item).
std::string KeyOf(std::string_view line) {
  if (line.empty() || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == '-' ||
      line[0] == '\n' || line[0] == '\r')
    return "";
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return "";
  std::string_view key = util::Trim(line.substr(0, colon));
  if (key.size() >= 2 && (key[0] == '"' || key[0] == '\'') && key.back() == key[0])
    key = key.substr(1, key.size() - 2);
  return std::string(key);
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// "a, b,c" or one a line -> {"a", "b", "c"}, blanks dropped.
std::vector<std::string> Items(std::string_view text, char sep) {
  std::vector<std::string> out;
  for (std::string_view part : util::Split(text, sep)) {
    part = util::Trim(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

// A YAML double-quoted scalar (JSON's string syntax is a subset of it).
std::string Quoted(std::string_view s) {
  std::string out;
  util::AppendJsonString(out, s);
  return out;
}

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// A list item: plain when it is an id-like word YAML reads as that string, else quoted.
std::string Item(std::string_view s) {
  bool plain = !s.empty() && s[0] != '-';
  bool digits_only = true;
  for (char c : s) {
    bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!word) plain = false;
    if (c < '0' || c > '9') digits_only = false;
  }
  std::string lower = util::ToLower(s);
  for (const char* special : {"true", "false", "yes", "no", "on", "off", "null", "y", "n"})
    if (lower == special) plain = false;
  return plain && !digits_only ? std::string(s) : Quoted(s);
}

std::string FlowList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + Item(items[i]);
  return out + "]";
}

// A line as the loader judges a front matter's fences (load/document.cc):
// without its line break and trailing white space.
std::string_view Bare(std::string_view line) {
  while (!line.empty() &&
         (line.back() == '\n' || line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  return line;
}

bool IsFence(std::string_view line) {
  return Bare(line) == "---" || Bare(line) == "...";
}

// `text` for the inside of the front matter: a line that would end it ("---"
// or "...", which a writer may paste into the references with a CSL YAML
// file) is indented by a space, so that it stays in the front matter, where
// the check reports it at its line, instead of turning the rest of the front
// matter into the article's text.
std::string Fenced(std::string_view text) {
  std::string out;
  for (std::string_view line : Lines(text)) {
    if (IsFence(line)) out += ' ';
    out += line;
  }
  return out;
}

std::string Normalized(std::string text) {
  return util::ReplaceAll(util::ReplaceAll(text, "\r\n", "\n"), "\r", "\n");
}

}  // namespace

ArticleFields FieldsOfSource(const std::string& source, const std::string& path) {
  ArticleFields f;
  std::vector<std::string_view> lines = Lines(source);
  // The front matter: between a first line "---" and the next "---" (or "...").
  size_t close = 0;
  if (!lines.empty() && Bare(lines[0]) == "---") {
    for (size_t i = 1; i < lines.size(); ++i)
      if (IsFence(lines[i])) {
        close = i;
        break;
      }
  }
  if (close == 0) {
    f.body = source;
    return f;
  }
  size_t body_at = 0;
  for (size_t i = 0; i <= close; ++i) body_at += lines[i].size();
  f.body = source.substr(body_at);

  std::vector<Diagnostic> diagnostics;
  Article a = load::ParseArticle(source, path, diagnostics);
  if (!a.front_matter_ok) {
    f.unreadable = true;
    for (size_t i = 1; i < close; ++i) f.kept += lines[i];
    return f;
  }
  // The front matter's lines by key, in order.
  std::string key;
  bool present[std::size(kEdited)] = {};
  for (size_t i = 1; i < close; ++i) {
    std::string k = KeyOf(lines[i]);
    if (!k.empty()) key = k;
    // A comment at the margin stays where the form does not edit: with the kept keys.
    if (!Edited(key) || lines[i][0] == '#') {
      f.kept += lines[i];
      if (!f.kept.empty() && f.kept.back() != '\n') f.kept += '\n';
      continue;
    }
    for (size_t j = 0; j < std::size(kEdited); ++j)
      if (kEdited[j] == key) present[j] = true;
    if (key == "references") {
      std::string_view line = lines[i];
      if (!k.empty()) {  // the key's line: what follows the colon
        std::string_view rest = util::Trim(Chomp(line.substr(line.find(':') + 1)));
        if (!rest.empty()) f.references += std::string(rest) + "\n";
      } else {
        f.references += std::string(Chomp(line)) + "\n";
      }
    }
  }
  f.title = a.title;
  f.description = a.description;
  f.authors = Join(a.authors, ", ");
  if (!a.published.empty()) f.published = a.published.Iso();
  f.fact_checkers = Join(a.fact_checkers, ", ");
  f.tags = Join(a.tags, ", ");
  f.aspect = a.aspect;
  f.aliases = Join(a.aliases, "\n");
  f.callouts = Join(a.callouts, ", ");
  if (present[9]) {  // toc
    f.toc = a.toc.show ? std::to_string(a.toc.min_level) + "-" + std::to_string(a.toc.max_level) : "false";
  }
  f.image_src = a.image.src;
  f.image_alt = a.image.alt;
  f.image_credit = a.image.credit;
  f.image_caption = a.image.caption;
  return f;
}

std::string SourceOfFields(const ArticleFields& f) {
  std::string out = "---\n";
  if (f.unreadable) {
    out += Fenced(f.kept);
    if (!out.empty() && out.back() != '\n') out += '\n';
    return out + "---\n" + f.body;
  }
  auto scalar = [&](const char* key, const std::string& value) {
    if (!value.empty()) out += std::string(key) + ": " + Quoted(value) + "\n";
  };
  auto list = [&](const char* key, const std::string& value, char sep) {
    std::vector<std::string> items = Items(value, sep);
    if (!items.empty()) out += std::string(key) + ": " + FlowList(items) + "\n";
  };
  scalar("title", f.title);
  scalar("description", f.description);
  list("authors", f.authors, ',');
  if (!f.published.empty())
    out += "published: " + (IsDate(f.published) ? f.published : Quoted(f.published)) + "\n";
  list("fact_checkers", f.fact_checkers, ',');
  list("tags", f.tags, ',');
  scalar("aspect", f.aspect);
  list("aliases", f.aliases, '\n');
  list("callouts", f.callouts, ',');
  if (f.toc == "false") {
    out += "toc: false\n";
  } else if (f.toc.size() == 3 && f.toc[1] == '-') {
    out += "toc: {levels: [" + f.toc.substr(0, 1) + ", " + f.toc.substr(2, 1) + "]}\n";
  }
  if (!f.image_src.empty() || !f.image_alt.empty() || !f.image_credit.empty() || !f.image_caption.empty()) {
    out += "image:\n";
    for (auto [key, value] : {std::pair{"src", &f.image_src}, std::pair{"alt", &f.image_alt},
                              std::pair{"credit", &f.image_credit}, std::pair{"caption", &f.image_caption}})
      if (!value->empty()) out += std::string("  ") + key + ": " + Quoted(*value) + "\n";
  }
  std::string refs = f.references;
  while (!refs.empty() && (refs.back() == '\n' || refs.back() == ' ')) refs.pop_back();
  if (!util::Trim(refs).empty()) {
    bool block = refs[0] == ' ' || refs[0] == '-' || refs[0] == '\t';
    out += std::string("references:") + (block ? "\n" : " ") + Fenced(refs) + "\n";
  }
  out += Fenced(f.kept);
  if (!f.kept.empty() && f.kept.back() != '\n') out += '\n';
  return out + "---\n" + f.body;
}

ArticleFields FieldsOfForm(std::string_view body) {
  ArticleFields f;
  std::string_view form = body;
  auto get = [&](const char* name) { return Normalized(QueryValue(form, name)); };
  f.title = get("title");
  f.description = get("description");
  f.authors = get("authors");
  f.published = get("published");
  f.fact_checkers = get("fact_checkers");
  f.tags = get("tags");
  f.aspect = get("aspect");
  f.aliases = get("aliases");
  f.callouts = get("callouts");
  f.toc = get("toc");
  f.image_src = get("image_src");
  f.image_alt = get("image_alt");
  f.image_credit = get("image_credit");
  f.image_caption = get("image_caption");
  f.references = get("references");
  f.body = get("body");
  return f;
}

namespace {

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

// <label>, optional hint, then the control.
std::string Control(const char* name, const char* label, const std::string& value, const char* hint = "",
                    const char* type = "text", bool required = false) {
  std::string id = std::string("f-") + name;
  std::string out = "<label for=\"" + id + "\">" + label + "</label>\n";
  std::string described;
  if (*hint) {
    out += "<p id=\"" + id + "-help\" class=\"admin-help\">" + hint + "</p>\n";
    described = " aria-describedby=\"" + id + "-help\"";
  }
  out += "<input id=\"" + id + "\" name=\"" + name + "\" type=\"" + type + "\" value=\"" + Esc(value) + "\"" +
         described + (required ? " required" : "") + ">\n";
  return out;
}

std::string Area(const char* name, const char* label, const std::string& value, const char* hint, int rows) {
  std::string id = std::string("f-") + name;
  std::string out = "<label for=\"" + id + "\">" + label + "</label>\n";
  std::string described;
  if (*hint) {
    out += "<p id=\"" + id + "-help\" class=\"admin-help\">" + hint + "</p>\n";
    described = " aria-describedby=\"" + id + "-help\"";
  }
  // The newline after the tag: HTML drops one there, so a value starting with one keeps it.
  out += "<textarea id=\"" + id + "\" name=\"" + name + "\" rows=\"" + std::to_string(rows) + "\"" +
         described + ">\n" + Esc(value) + "</textarea>\n";
  return out;
}

}  // namespace

std::string FieldControls(const ArticleFields& f) {
  std::string out;
  out += Control("title", "Title", f.title, "", "text", true);
  out += Control("description", "Summary", f.description,
                 "One sentence under the title; also what search engines show.", "text", true);
  out += Control("authors", "Authors", f.authors, "Person ids from the people folder, separated by commas.",
                 "text", true);
  out += Control("published", "First published", f.published,
                 "Leave empty for a new article: it is set when the article is first published.", "date");
  out += Control("fact_checkers", "Fact checkers", f.fact_checkers, "Person ids, separated by commas.");
  out += Control("tags", "Tags", f.tags, "Topics, separated by commas.");
  out += Control("aspect", "Aspect", f.aspect, "What the page covers: causes, treatment, diagnosis, ...");
  out += Control("callouts", "Boxes (callouts)", f.callouts,
                 "Names of boxes from the callouts folder, separated by commas.");
  out += Area("aliases", "Old addresses (aliases)", f.aliases,
              "Addresses that should send readers here, one a line.", 2);
  // The contents list: the format's values, and the current one when it is another.
  std::string toc = "<label for=\"f-toc\">Contents list</label>\n<select id=\"f-toc\" name=\"toc\">\n";
  std::vector<std::pair<std::string, std::string>> options = {{"", "Main headings (the default)"},
                                                              {"2-3", "Main headings and sub-headings"},
                                                              {"false", "No contents list"}};
  bool known = false;
  for (const auto& [value, label] : options) known = known || value == f.toc;
  if (!known) options.push_back({f.toc, "Heading levels " + f.toc});
  for (const auto& [value, label] : options)
    toc += "<option value=\"" + Esc(value) + "\"" + (value == f.toc ? " selected" : "") + ">" + Esc(label) +
           "</option>\n";
  out += toc + "</select>\n";
  out += "<fieldset>\n<legend>Hero image</legend>\n";
  out +=
      Control("image_src", "Image address", f.image_src, "For example /images/sleep.jpg (from the Library).");
  out += Control("image_alt", "Image description (alt text)", f.image_alt,
                 "Required with an image: what it shows, for people who cannot see it.");
  out += Control("image_credit", "Image credit", f.image_credit);
  out += Control("image_caption", "Image caption", f.image_caption);
  out += "</fieldset>\n";
  out += Area("references", "Sources for this article only (CSL YAML)", f.references,
              "Sources cited only here, as a YAML list of CSL items; most sources belong in the Library.", 4);
  return out;
}

}  // namespace vetted::server::admin
