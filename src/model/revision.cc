// The revision: what a medical reviewer signs off. See model.h and
// docs/checking.md ("What a revision covers") for the field list.
#include <cstdio>

#include "model/model.h"
#include "util/util.h"

namespace vetted {
namespace {

// Body text as hashed: CRLF -> LF, outer whitespace trimmed.
std::string_view NormalizedBody(std::string_view body, std::string& storage) {
  if (body.find('\r') == std::string_view::npos) return util::Trim(body);
  storage.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n') continue;
    storage.push_back(body[i]);
  }
  return util::Trim(storage);
}

// A double-quoted string: \ and " escaped, control bytes as \n, \t, \r or
// \u00XX, everything else (UTF-8 included) as it is. Never spans lines, so a
// value can never be mistaken for the next field.
void Quote(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void Field(std::string& out, std::string_view label, std::string_view value) {
  out.append(label).append(": ");
  Quote(out, value);
  out.push_back('\n');
}

void ListField(std::string& out, std::string_view label, const std::vector<std::string>& items) {
  out.append(label).append(": [");
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    Quote(out, items[i]);
  }
  out += "]\n";
}

// "  key: value" lines of one reference, empty parts left out (keys are
// fixed words, so leaving one out is unambiguous).
void SubField(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  out.append("  ").append(key).append(": ");
  Quote(out, value);
  out.push_back('\n');
}

void Names(std::string& out, std::string_view key, const std::vector<Name>& names) {
  for (const Name& n : names) {
    out.append("  ").append(key).append(":");
    for (auto [part, value] : {std::pair<std::string_view, const std::string*>{"family", &n.family},
                               {"given", &n.given},
                               {"literal", &n.literal}}) {
      if (value->empty()) continue;
      out.append(" ").append(part).append(" ");
      Quote(out, *value);
    }
    out.push_back('\n');
  }
}

void ReferenceFields(std::string& out, const Reference& r) {
  out += "Reference ";
  Quote(out, r.id);
  out += ":\n";
  SubField(out, "type", r.type);
  Names(out, "author", r.authors);
  Names(out, "editor", r.editors);
  for (auto [key, value] : {std::pair<std::string_view, const std::string*>{"title", &r.title},
                            {"container-title", &r.container_title},
                            {"container-title-short", &r.container_title_short},
                            {"collection-title", &r.collection_title},
                            {"publisher", &r.publisher},
                            {"publisher-place", &r.publisher_place},
                            {"edition", &r.edition},
                            {"volume", &r.volume},
                            {"issue", &r.issue},
                            {"page", &r.page},
                            {"number", &r.number},
                            {"DOI", &r.doi},
                            {"URL", &r.url},
                            {"PMID", &r.pmid}})
    SubField(out, key, *value);
  SubField(out, "issued", r.issued.Iso());
  SubField(out, "accessed", r.accessed.Iso());
}

bool IsLowerHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

namespace {

// RevisionText up to and including "Body:\n" (the body follows it).
void RevisionHead(const Article& a, std::string& out) {
  out += "vetted revision 2\n";
  Field(out, "Title", a.title);
  Field(out, "Description", a.description);
  ListField(out, "Authors", a.authors);
  ListField(out, "Fact checkers", a.fact_checkers);
  ListField(out, "Tags", a.tags);
  ListField(out, "Callouts", a.callouts);
  Field(out, "Image", a.image.src);
  Field(out, "Image alt text", a.image.alt);
  Field(out, "Image caption", a.image.caption);
  Field(out, "Image credit", a.image.credit);
  for (const Reference& r : a.references) ReferenceFields(out, r);
  out += "Body:\n";
}

}  // namespace

std::string RevisionText(const Article& a) {
  std::string storage;
  std::string_view body = NormalizedBody(a.body, storage);
  std::string out;
  out.reserve(body.size() + 512);
  RevisionHead(a, out);
  out.append(body);
  return out;
}

// Hashes the head and then the body where it is, instead of copying the body
// (most of the bytes) into RevisionText first.
std::string RevisionOf(const Article& a) {
  std::string head;
  head.reserve(512);
  RevisionHead(a, head);
  std::string storage;
  util::Sha256 hash;
  hash.Update(head);
  hash.Update(NormalizedBody(a.body, storage));
  return "sha256:" + hash.HexDigest();
}

std::string BodyRevisionOf(std::string_view body) {
  std::string storage;
  return "sha256:" + util::Sha256Hex(NormalizedBody(body, storage));
}

bool IsWellFormedRevision(std::string_view revision) {
  constexpr std::string_view kPrefix = "sha256:";
  return revision.size() == kPrefix.size() + 64 && revision.substr(0, kPrefix.size()) == kPrefix &&
         IsLowerHex(revision.substr(kPrefix.size()));
}

bool ReviewCovers(const Article& a, const Review& r) {
  if (!IsWellFormedRevision(r.revision)) return false;
  if (r.revision == (a.revision.empty() ? RevisionOf(a) : a.revision)) return true;
  return IsWellFormedRevision(a.non_clinical.from) && r.revision == a.non_clinical.from;
}

}  // namespace vetted
