// The text that goes live: a revision's source with the review records the
// store holds written into its front matter (articles.h, PublishedSource).
#include <string_view>

#include "load/load.h"
#include "newsroom/newsroom.h"
#include "util/util.h"

namespace vetted::newsroom {
namespace {

// A YAML double-quoted scalar: \ " and control bytes escaped.
std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

// The top-level key a front-matter line starts, or "" (indented, a list
// item, a comment or blank).
std::string_view KeyOf(std::string_view line) {
  if (line.empty() || line[0] == ' ' || line[0] == '\t' || line[0] == '-' || line[0] == '#') return {};
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return {};
  return util::Trim(line.substr(0, colon));
}

// Whether a line belongs to the value of the key above it (indented, a block
// list item at column 0, or blank).
bool Continues(std::string_view line) {
  return line.empty() || line == "\r" || line[0] == ' ' || line[0] == '\t' || line[0] == '-';
}

std::string Block(const std::vector<ReviewRecord>& reviews, const std::string& updated,
                  const NonClinicalChange& nc, const std::string& add_published) {
  std::string out;
  if (!add_published.empty()) out += "published: " + add_published + "\n";
  out += "updated: " + updated + "\n";
  if (!reviews.empty()) {
    out += "reviewers:\n";
    for (const ReviewRecord& r : reviews) {
      out += "  - by: " + Quoted(r.by) + "\n    date: " + r.date + "\n    revision: " + Quoted(r.revision) +
             "\n";
    }
  }
  if (!nc.from.empty()) {
    out += "non_clinical_change:\n  from: " + Quoted(nc.from) + "\n  date: " + nc.date.Iso() +
           "\n  reason: " + Quoted(nc.reason) + "\n";
  }
  return out;
}

}  // namespace

Result<std::string> PublishedSource(const std::string& source, const std::string& path,
                                    const std::vector<ReviewRecord>& reviews, const std::string& updated,
                                    const NonClinicalChange& non_clinical,
                                    const std::string& first_published) {
  const std::string& first = first_published.empty() ? updated : first_published;
  if (!Date::Parse(first)) return Status::Invalid(path + ": not a date: \"" + first + "\"");
  std::string_view text = source;
  std::string bom;
  if (util::StartsWith(text, "\xEF\xBB\xBF")) {
    bom = "\xEF\xBB\xBF";
    text.remove_prefix(3);
  }
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos <= text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  auto trimmed = [](std::string_view l) { return util::Trim(l); };
  if (lines.empty() || trimmed(lines[0]) != "---")
    return Status::Invalid(path + ": the article has no front matter");
  size_t close = 0;
  for (size_t i = 1; i < lines.size() && close == 0; ++i)
    if (trimmed(lines[i]) == "---" || trimmed(lines[i]) == "...") close = i;
  if (close == 0) return Status::Invalid(path + ": the front matter is not closed by a `---` line");

  std::string out = bom + std::string(lines[0]) + "\n";
  bool has_published = false, skipping = false;
  for (size_t i = 1; i < close; ++i) {
    std::string_view key = KeyOf(lines[i]);
    if (!key.empty()) {
      skipping = key == "reviewers" || key == "updated" || key == "draft" || key == "non_clinical_change";
      has_published = has_published || key == "published";
    } else if (!Continues(lines[i])) {
      skipping = false;  // a comment at column 0 ends a value
    }
    if (!skipping) out.append(lines[i]).push_back('\n');
  }
  out += Block(reviews, updated, non_clinical, has_published ? "" : first);
  for (size_t i = close; i < lines.size(); ++i) {
    out.append(lines[i]);
    if (i + 1 < lines.size()) out.push_back('\n');
  }

  // The edit must leave the revision as it was and show exactly these reviews.
  std::vector<Diagnostic> ignored;
  Article before = load::ParseArticle(source, path, ignored);
  Article after = load::ParseArticle(out, path, ignored);
  bool same = before.revision == after.revision && after.reviewers.size() == reviews.size() &&
              after.non_clinical.from == non_clinical.from && after.updated.Iso() == updated && !after.draft;
  for (size_t i = 0; same && i < reviews.size(); ++i)
    same = after.reviewers[i].by == reviews[i].by && after.reviewers[i].revision == reviews[i].revision &&
           after.reviewers[i].date.Iso() == reviews[i].date;
  if (!same) {
    return Status::Invalid(path +
                           ": could not write the review records into the front matter without changing "
                           "anything else (is the front matter valid YAML?)");
  }
  return out;
}

namespace {

// A source's front matter as (key, its lines) in order, and the rest.
struct FrontMatter {
  bool ok = false;  // false: no front matter; all of it is in `rest`
  std::vector<std::pair<std::string, std::string>> keys;
  std::string rest;
};

FrontMatter SplitFrontMatter(std::string_view text) {
  FrontMatter out;
  if (util::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::string_view> lines = util::Split(text, '\n');
  auto chomp = [](std::string_view l) { return util::EndsWith(l, "\r") ? l.substr(0, l.size() - 1) : l; };
  size_t close = 0;
  if (!lines.empty() && util::Trim(lines[0]) == "---")
    for (size_t i = 1; i < lines.size() && close == 0; ++i)
      if (util::Trim(lines[i]) == "---" || util::Trim(lines[i]) == "...") close = i;
  if (close == 0) {
    out.rest = std::string(text);
    return out;
  }
  out.ok = true;
  for (size_t i = 1; i < close; ++i) {
    std::string_view line = chomp(lines[i]);
    std::string_view key = KeyOf(line);
    if (!key.empty() || out.keys.empty()) {
      out.keys.push_back({std::string(key), std::string(line)});
    } else {
      out.keys.back().second += "\n" + std::string(line);
    }
  }
  for (size_t i = close; i < lines.size(); ++i) {
    out.rest.append(lines[i]);
    if (i + 1 < lines.size()) out.rest.push_back('\n');
  }
  return out;
}

// Whether `key` means the same in the two parsed files although its lines
// differ: always for the keys the revision covers (the two are sources of
// one revision, so only their writing can differ), and for the settings
// load/ reads when their values are equal. Unknown keys: never.
bool SameMeaning(const std::string& key, const Article& a, const Article& b) {
  for (const char* k :
       {"title", "description", "authors", "fact_checkers", "tags", "callouts", "image", "references"})
    if (key == k) return true;
  if (key == "published") return a.published.Iso() == b.published.Iso();
  if (key == "updated") return a.updated.Iso() == b.updated.Iso();
  if (key == "aliases") return a.aliases == b.aliases;
  if (key == "aspect") return a.aspect == b.aspect;
  if (key == "draft") return a.draft == b.draft;
  if (key == "review_interval") return a.review_interval_months == b.review_interval_months;
  if (key == "toc")
    return a.toc.show == b.toc.show && a.toc.min_level == b.toc.min_level &&
           a.toc.max_level == b.toc.max_level;
  return false;
}

const std::string* FindKey(const FrontMatter& fm, const std::string& key) {
  for (const auto& [k, lines] : fm.keys)
    if (k == key) return &lines;
  return nullptr;
}

}  // namespace

std::string SettingsChanges(const std::string& before, const std::string& after, const std::string& path) {
  if (before == after) return "";
  FrontMatter b = SplitFrontMatter(before), a = SplitFrontMatter(after);
  if (!a.ok || !b.ok) return "the file changed: " + before + " -> " + after;
  std::vector<Diagnostic> ignored;
  Article was = load::ParseArticle(before, path, ignored), is = load::ParseArticle(after, path, ignored);
  bool parsed = was.front_matter_ok && is.front_matter_ok;
  std::string out;
  auto line = [&](const std::string* from, const std::string* to) {
    if (!out.empty()) out += "\n";
    out += (from ? *from : std::string("(none)")) + " -> " + (to ? *to : std::string("(none)"));
  };
  auto same = [&](const std::string& key) { return parsed && SameMeaning(key, was, is); };
  for (const auto& [key, lines] : a.keys) {
    const std::string* old = FindKey(b, key);
    if ((old == nullptr || *old != lines) && !same(key)) line(old, &lines);
  }
  for (const auto& [key, lines] : b.keys)
    if (FindKey(a, key) == nullptr && !same(key)) line(&lines, nullptr);
  if (a.rest != b.rest) {
    if (!out.empty()) out += "\n";
    out += "the article text changed only in ways readers do not see (spacing, line breaks)";
  }
  return out;
}

bool LiveSettingsChanged(const ArticleRecord& record) {
  return LiveSettingsChanged(record.article.live_revision, record.audit);
}

bool LiveSettingsChanged(const std::string& live, const std::vector<store::AuditEntry>& audit) {
  if (live.empty()) return false;
  bool changed = false;
  for (const store::AuditEntry& e : audit) {
    if (e.action == "publish") changed = false;
    if (e.action == "save-settings" && e.revision == live) changed = true;
  }
  return changed;
}

}  // namespace vetted::newsroom
