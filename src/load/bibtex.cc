// references.bib: BibTeX / BibLaTeX entries -> Reference.
#include <algorithm>
#include <cstdlib>
#include <map>

#include "load/internal.h"
#include "load/load.h"
#include "util/util.h"

namespace vetted::load {
namespace {

struct RawEntry {
  std::string type, key;
  int line = 0;
  std::vector<std::pair<std::string, std::string>> fields;  // lower-case name -> raw value

  const std::string* Get(std::string_view name) const {
    for (const auto& f : fields)
      if (f.first == name) return &f.second;
    return nullptr;
  }
};

bool IsIdent(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == ':' || c == '.' || c == '+' || c == '/';
}

class BibReader {
 public:
  BibReader(std::string_view text, const std::string& file, std::vector<Diagnostic>& diagnostics)
      : text_(text), file_(file), diagnostics_(diagnostics) {
    const char* months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                            "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int m = 0; m < 12; ++m) macros_[months[m]] = std::to_string(m + 1);
  }

  // Reads every entry; a broken entry is reported and skipped.
  std::vector<RawEntry> ReadAll() {
    std::vector<RawEntry> entries;
    for (;;) {
      size_t at = text_.find('@', pos_);
      if (at == std::string_view::npos) break;
      Advance(at);
      RawEntry e;
      if (Entry(e)) {
        if (!e.key.empty()) entries.push_back(std::move(e));
      } else {
        Report(diagnostics_, file_, error_line_, Severity::kError, "bibliography-syntax", error_);
        Advance(std::max(pos_, at + 1));
      }
    }
    return entries;
  }

 private:
  // Moves to `to`, counting lines.
  void Advance(size_t to) {
    for (; pos_ < to && pos_ < text_.size(); ++pos_)
      if (text_[pos_] == '\n') ++line_;
  }
  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r' || text_[pos_] == '\n'))
      Advance(pos_ + 1);
  }
  bool Fail(std::string message) {
    error_ = std::move(message);
    error_line_ = line_;
    return false;
  }
  std::string Ident() {
    size_t start = pos_;
    while (pos_ < text_.size() && IsIdent(text_[pos_])) ++pos_;
    return util::ToLower(text_.substr(start, pos_ - start));
  }

  // {...} with nested braces, or "..." (braces may hide quotes); returns the inside.
  bool Delimited(std::string& out) {
    char open = text_[pos_];
    size_t start = pos_ + 1;
    int depth = 0;
    for (size_t i = start; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == '\\') {
        ++i;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && depth > 0) {
        --depth;
      } else if ((open == '{' && c == '}') || (open == '"' && c == '"' && depth == 0)) {
        out.append(text_.substr(start, i - start));
        Advance(i + 1);
        return true;
      }
    }
    return Fail("unterminated field value");
  }

  // value = part ('#' part)*; part = {..} | ".." | number | macro name.
  bool Value(std::string& out) {
    for (;;) {
      SkipSpace();
      if (pos_ >= text_.size()) return Fail("unexpected end of file in a field value");
      char c = text_[pos_];
      if (c == '{' || c == '"') {
        if (!Delimited(out)) return false;
      } else if (IsIdent(c)) {
        std::string word = Ident();
        auto it = macros_.find(word);
        out += it != macros_.end() ? it->second : word;
      } else {
        return Fail(std::string("unexpected '") + c + "' in a field value");
      }
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '#') return true;
      Advance(pos_ + 1);
    }
  }

  // Fields up to the closing delimiter.
  bool Fields(RawEntry& e, char close) {
    for (;;) {
      SkipSpace();
      while (pos_ < text_.size() && text_[pos_] == ',') {
        Advance(pos_ + 1);
        SkipSpace();
      }
      if (pos_ >= text_.size()) return Fail("entry `" + e.key + "` is not closed");
      if (text_[pos_] == close) {
        Advance(pos_ + 1);
        return true;
      }
      std::string name = Ident();
      if (name.empty()) return Fail(std::string("unexpected '") + text_[pos_] + "' in entry `" + e.key + "`");
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '=') return Fail("expected '=' after field `" + name + "`");
      Advance(pos_ + 1);
      std::string value;
      if (!Value(value)) return false;
      e.fields.emplace_back(std::move(name), std::move(value));
    }
  }

  bool Entry(RawEntry& e) {
    e.line = line_;
    Advance(pos_ + 1);  // '@'
    e.type = Ident();
    SkipSpace();
    if (pos_ >= text_.size() || (text_[pos_] != '{' && text_[pos_] != '(')) {
      if (e.type.empty()) return true;  // a stray '@' in a comment
      return Fail("expected '{' after @" + e.type);
    }
    char close = text_[pos_] == '{' ? '}' : ')';
    if (e.type == "comment" || e.type == "preamble") {
      std::string ignored;
      return Delimited(ignored);
    }
    Advance(pos_ + 1);
    SkipSpace();
    if (e.type == "string") {
      RawEntry def;
      if (!Fields(def, close)) return false;
      for (auto& [name, value] : def.fields) macros_[name] = value;
      return true;
    }
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != close && text_[pos_] != '\n') ++pos_;
    e.key = std::string(util::Trim(text_.substr(start, pos_ - start)));
    if (e.key.empty()) return Fail("@" + e.type + " entry without a citation key");
    return Fields(e, close);
  }

  std::string_view text_;
  const std::string& file_;
  std::vector<Diagnostic>& diagnostics_;
  std::map<std::string, std::string> macros_;
  size_t pos_ = 0;
  int line_ = 1;
  std::string error_;
  int error_line_ = 0;
};

std::string CslType(const std::string& type, const RawEntry& e) {
  if (type == "article") return "article-journal";
  if (type == "book" || type == "mvbook") return "book";
  if (type == "incollection" || type == "inbook") return "chapter";
  if (type == "inproceedings" || type == "conference") return "paper-conference";
  if (type == "techreport" || type == "report") return "report";
  if (type == "online" || type == "electronic" || type == "www") return "webpage";
  if (type == "phdthesis" || type == "mastersthesis" || type == "thesis") return "thesis";
  if (type == "misc") return e.Get("url") ? "webpage" : "document";
  return "document";
}

std::vector<Name> Names(const std::string* raw) {
  std::vector<Name> names;
  if (!raw) return names;
  std::string text(*raw);
  for (char& c : text)
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  // Split at " and " outside braces.
  int depth = 0;
  size_t start = 0;
  auto flush = [&](size_t end) {
    std::string_view part = util::Trim(std::string_view(text).substr(start, end - start));
    if (!part.empty() && part != "others") names.push_back(NameFromText(part));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}') --depth;
    if (depth == 0 && text[i] == ' ' &&
        (text.compare(i, 5, " and ") == 0 || text.compare(i, 5, " AND ") == 0)) {
      flush(i);
      start = i + 5;
      i += 3;
    }
  }
  flush(text.size());
  return names;
}

int MonthOf(std::string_view raw) {
  std::string m = util::ToLower(util::Trim(raw));
  if (!m.empty() && m[0] >= '0' && m[0] <= '9') {
    int v = std::atoi(m.c_str());
    return v >= 1 && v <= 12 ? v : 0;
  }
  const char* names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int i = 0; i < 12; ++i)
    if (m.compare(0, 3, names[i]) == 0) return i + 1;
  return 0;
}

// URLs and DOIs keep ~ and -- as they are; only braces and backslash escapes go.
std::string Verbatim(const std::string* raw) {
  std::string out;
  if (!raw) return out;
  for (size_t i = 0; i < raw->size(); ++i) {
    char c = (*raw)[i];
    if (c == '{' || c == '}' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '\\' && i + 1 < raw->size()) c = (*raw)[++i];
    out.push_back(c);
  }
  return std::string(util::Trim(out));
}

std::string Doi(std::string doi) {
  for (const char* prefix :
       {"https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"}) {
    if (util::StartsWith(doi, prefix)) return doi.substr(std::string_view(prefix).size());
  }
  return doi;
}

Reference Convert(const RawEntry& e, const std::string& file) {
  auto text = [&](std::string_view name) {
    const std::string* v = e.Get(name);
    return v ? LatexToText(*v, true) : std::string();
  };
  auto first = [&](std::initializer_list<std::string_view> names) {
    for (auto n : names)
      if (std::string v = text(n); !v.empty()) return v;
    return std::string();
  };
  Reference r;
  r.id = e.key;
  r.pos = {file, e.line};
  r.type = CslType(e.type, e);
  r.authors = Names(e.Get("author"));
  r.editors = Names(e.Get("editor"));
  r.title = text("title");
  bool article = r.type == "article-journal";
  r.container_title =
      article ? first({"journaltitle", "journal"}) : first({"booktitle", "journal", "maintitle"});
  if (r.container_title.empty() && r.type == "webpage") r.container_title = text("organization");
  r.container_title_short = first({"shortjournal", "journalabbrev", "journal-abbreviation"});
  r.collection_title = text("series");
  r.publisher = first({"publisher", "institution", "school", "organization"});
  if (r.type == "webpage" && r.publisher == r.container_title) r.publisher.clear();
  r.publisher_place = first({"address", "location"});
  r.edition = text("edition");
  r.volume = text("volume");
  r.issue = text("issue");
  if (article && r.issue.empty()) r.issue = text("number");
  if (!article) r.number = text("number");
  if (const std::string* pages = e.Get("pages")) {
    r.page = util::ReplaceAll(util::ReplaceAll(LatexToText(*pages, false), "--", "-"), "\u2013", "-");
  }
  r.doi = Doi(Verbatim(e.Get("doi")));
  r.url = Verbatim(e.Get("url"));
  r.pmid = text("pmid");
  if (std::string date = text("date"); !date.empty()) {
    r.issued = ParseLooseDate(date).value_or(Date{});
  } else if (auto year = ParseLooseDate(text("year"))) {
    r.issued = *year;
    if (const std::string* m = e.Get("month")) r.issued.month = MonthOf(*m);
  }
  r.accessed = ParseLooseDate(text("urldate")).value_or(Date{});
  return r;
}

}  // namespace

std::vector<Reference> ParseBibtex(std::string_view text, const std::string& file,
                                   std::vector<Diagnostic>& diagnostics) {
  BibReader reader(text, file, diagnostics);
  std::vector<Reference> refs;
  for (const RawEntry& e : reader.ReadAll()) refs.push_back(Convert(e, file));
  return refs;
}

}  // namespace vetted::load
