// references.ris: RIS records (Zotero, Mendeley, PubMed, EndNote exports) -> Reference.
#include <set>

#include "load/internal.h"
#include "load/load.h"
#include "util/util.h"

namespace vetted::load {
namespace {

std::string CslType(std::string_view ty) {
  if (ty == "JOUR" || ty == "JFULL" || ty == "EJOUR" || ty == "MGZN" || ty == "NEWS")
    return "article-journal";
  if (ty == "BOOK" || ty == "EBOOK" || ty == "EDBOOK") return "book";
  if (ty == "CHAP" || ty == "ECHAP") return "chapter";
  if (ty == "RPRT" || ty == "GOVDOC") return "report";
  if (ty == "ELEC" || ty == "WEB" || ty == "BLOG" || ty == "ICOMM") return "webpage";
  if (ty == "CONF" || ty == "CPAPER") return "paper-conference";
  if (ty == "THES") return "thesis";
  return "document";
}

// A record while it is being read.
struct Record {
  int line = 0;
  std::string ty, id, start_page, end_page, t2;
  Reference ref;
};

// "TY  - JOUR": tag, then spaces, '-', and the value.
bool SplitLine(std::string_view line, std::string_view& tag, std::string_view& value) {
  if (line.size() < 5 || line[0] < 'A' || line[0] > 'Z') return false;
  size_t i = 2;
  while (i < line.size() && line[i] == ' ') ++i;
  if (i >= line.size() || line[i] != '-' || i < 3) return false;
  tag = line.substr(0, 2);
  value = util::Trim(line.substr(i + 1));
  return true;
}

// RIS writes people as "Family, Given"; a name without a comma is an organisation.
Name RisName(std::string_view v) {
  if (v.find(',') != std::string_view::npos) return NameFromText(v);
  Name n;
  n.literal.assign(v);
  return n;
}

void SetIfEmpty(std::string& field, std::string_view value) {
  if (field.empty()) field.assign(value);
}

void Apply(Record& rec, std::string_view tag, std::string_view v) {
  Reference& r = rec.ref;
  if (tag == "AU" || tag == "A1") {
    r.authors.push_back(RisName(v));
  } else if (tag == "A2" || tag == "ED") {
    r.editors.push_back(RisName(v));
  } else if (tag == "TI" || tag == "T1" || tag == "CT") {
    SetIfEmpty(r.title, v);
  } else if (tag == "T2" || tag == "BT") {
    SetIfEmpty(rec.t2, v);
  } else if (tag == "JF" || tag == "JO") {
    SetIfEmpty(r.container_title, v);
  } else if (tag == "JA" || tag == "J2" || tag == "J1") {
    SetIfEmpty(r.container_title_short, v);
  } else if (tag == "T3") {
    SetIfEmpty(r.collection_title, v);
  } else if (tag == "VL") {
    r.volume.assign(v);
  } else if (tag == "IS") {
    r.issue.assign(v);
  } else if (tag == "SP") {
    rec.start_page.assign(v);
  } else if (tag == "EP") {
    rec.end_page.assign(v);
  } else if (tag == "PY" || tag == "Y1" || tag == "DA") {
    auto d = ParseLooseDate(v);
    if (d && (r.issued.empty() || (d->year == r.issued.year && d->month != 0 && r.issued.month == 0)))
      r.issued = *d;
  } else if (tag == "Y2") {
    if (auto d = ParseLooseDate(v)) r.accessed = *d;
  } else if (tag == "DO") {
    r.doi.assign(v);
  } else if (tag == "UR" || tag == "L2") {
    SetIfEmpty(r.url, v);
  } else if (tag == "PB") {
    r.publisher.assign(v);
  } else if (tag == "CY" || tag == "PP") {
    r.publisher_place.assign(v);
  } else if (tag == "ET") {
    r.edition.assign(v);
  } else if (tag == "M1" || tag == "SN") {
    // Report numbers come as M1 in some exports; SN is an ISSN/ISBN, not kept.
    if (tag == "M1") SetIfEmpty(r.number, v);
  } else if (tag == "ID") {
    rec.id.assign(v);
  } else if (tag == "AN" && v.find_first_not_of("0123456789") == std::string_view::npos) {
    r.pmid.assign(v);
  }
}

// An id for records without ID: first author's family name + year, e.g. "smith2020".
std::string MakeId(const Reference& r, std::set<std::string>& used) {
  std::string base;
  std::string_view who =
      r.authors.empty()
          ? std::string_view(r.title)
          : std::string_view(r.authors[0].family.empty() ? r.authors[0].literal : r.authors[0].family);
  for (char c : who) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) base.push_back(c);
    if (c >= 'A' && c <= 'Z') base.push_back(static_cast<char>(c - 'A' + 'a'));
    if (base.size() >= 20) break;
  }
  if (base.empty()) base = "ref";
  if (r.issued.year) base += std::to_string(r.issued.year);
  std::string id = base;
  for (char suffix = 'a'; used.count(id) && suffix <= 'z'; ++suffix) id = base + suffix;
  return id;
}

Reference Finish(Record& rec, std::set<std::string>& used) {
  Reference& r = rec.ref;
  r.type = CslType(rec.ty);
  if (!rec.t2.empty()) {
    // T2 is the journal for articles and the book for chapters.
    if (r.container_title.empty() || r.type == "chapter") r.container_title = rec.t2;
  }
  if (r.type == "article-journal" && r.container_title.empty()) r.container_title = r.container_title_short;
  r.page = rec.start_page;
  if (!rec.end_page.empty() && rec.end_page != rec.start_page) r.page += "-" + rec.end_page;
  r.id = rec.id.empty() ? MakeId(r, used) : rec.id;
  used.insert(r.id);
  return std::move(r);
}

}  // namespace

std::vector<Reference> ParseRis(std::string_view text, const std::string& file,
                                std::vector<Diagnostic>& diagnostics) {
  std::vector<Reference> refs;
  std::set<std::string> used;
  std::optional<Record> rec;
  int line_no = 0;
  size_t pos = 0;
  if (util::StartsWith(text, "\xEF\xBB\xBF")) pos = 3;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    std::string_view tag, value;
    if (!SplitLine(line, tag, value)) continue;  // blank lines and continuation text
    if (tag == "TY") {
      if (rec) {
        Report(diagnostics, file, rec->line, Severity::kError, "bibliography-syntax",
               "RIS record is not closed by `ER  -`");
      }
      rec.emplace();
      rec->line = line_no;
      rec->ty.assign(value);
      rec->ref.pos = {file, line_no};
    } else if (!rec) {
      Report(diagnostics, file, line_no, Severity::kError, "bibliography-syntax",
             "RIS tag `" + std::string(tag) + "` outside a record (records start with `TY  -`)");
    } else if (tag == "ER") {
      refs.push_back(Finish(*rec, used));
      rec.reset();
    } else {
      Apply(*rec, tag, value);
    }
  }
  if (rec) {
    Report(diagnostics, file, rec->line, Severity::kError, "bibliography-syntax",
           "RIS record is not closed by `ER  -`");
  }
  return refs;
}

}  // namespace vetted::load
