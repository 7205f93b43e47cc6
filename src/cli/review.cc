// `vetted review sign ARTICLE --by PERSON [--date D]`: records a medical
// review of the article's current revision in its front matter, appending
// {by, date, revision} to `reviewers` and changing no other byte of the file.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

#include "check/check.h"
#include "cli/article_file.h"
#include "cli/commands.h"
#include "markup/markup.h"
#include "util/util.h"

namespace vetted::cli {
namespace {

struct Line {
  size_t begin, end;  // [begin, end) without the terminator
  size_t next;        // start of the next line
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    if (end > pos && text[end - 1] == '\r') --end;
    lines.push_back({pos, end, next});
    pos = next;
  }
  return lines;
}

size_t Indent(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// A person id as a YAML scalar: plain when it is a simple word, else quoted.
std::string YamlScalar(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s)
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.');
  // Words YAML reads as booleans or null, and number-like ids, are quoted.
  for (const char* special : {"true", "false", "yes", "no", "on", "off", "null", "y", "n"})
    plain = plain && util::ToLower(s) != special;
  if (plain && s.find_first_not_of("0123456789.-") != std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// An article file's lines, as far as adding a review needs them.
struct FrontMatter {
  std::string_view text;
  std::vector<Line> lines;
  std::string eol;   // the file's line ending: "\n" or "\r\n"
  size_t close = 0;  // the closing --- line
  size_t key = 0;    // the `reviewers:` line; 0 when absent
  std::string_view View(size_t i) const { return text.substr(lines[i].begin, lines[i].end - lines[i].begin); }
};

Result<FrontMatter> ReadFrontMatter(std::string_view text) {
  FrontMatter fm{text, SplitLines(text), "\n"};
  if (fm.lines.empty()) return Status::Invalid("the file has no front matter");
  if (fm.lines[0].next >= 2 && text.substr(fm.lines[0].next - 2, 2) == "\r\n") fm.eol = "\r\n";
  if (util::StartsWith(fm.View(0), "\xEF\xBB\xBF")) fm.lines[0].begin += 3;
  if (util::Trim(fm.View(0)) != "---") return Status::Invalid("the file has no front matter");
  for (size_t i = 1; i < fm.lines.size() && fm.close == 0; ++i)
    if (fm.View(i) == "---" || fm.View(i) == "...") fm.close = i;
  if (fm.close == 0) return Status::Invalid("the front matter is not closed by a `---` line");
  for (size_t i = 1; i < fm.close && fm.key == 0; ++i)
    if (util::StartsWith(fm.View(i), "reviewers") && util::StartsWith(util::Trim(fm.View(i).substr(9)), ":"))
      fm.key = i;
  return fm;
}

// Where a new item goes in the block list under fm.key: after the block's
// last non-blank line, with the indentation of its first item.
void BlockListPlace(const FrontMatter& fm, size_t& after, size_t& dash, size_t& inner) {
  after = fm.key, dash = std::string::npos, inner = std::string::npos;
  for (size_t i = fm.key + 1; i < fm.close; ++i) {
    std::string_view l = fm.View(i);
    std::string_view t = util::Trim(l);
    if (t.empty() || (t[0] == '#' && Indent(l) == 0)) continue;
    if (Indent(l) == 0 && t[0] != '-') break;  // the next key
    after = i;
    if (dash == std::string::npos && t[0] == '-') {
      dash = Indent(l);
      size_t content = l.find_first_not_of(' ', dash + 1);
      inner = content == std::string_view::npos ? dash + 2 : content;
    }
  }
  if (dash == std::string::npos) dash = 2, inner = 4;
}

// The file with one more review in its front matter's `reviewers` list;
// kInvalid with a message when the front matter has a form this cannot
// extend without rewriting it.
Result<std::string> AddReview(std::string_view text, const std::string& by, const std::string& date,
                              const std::string& revision) {
  Result<FrontMatter> read = ReadFrontMatter(text);
  if (!read.ok()) return read.status();
  const FrontMatter& fm = *read;
  auto item = [&](size_t dash, size_t inner) {
    std::string d(dash, ' '), in(inner, ' ');
    return d + "- by: " + YamlScalar(by) + fm.eol + in + "date: " + date + fm.eol + in + "revision: \"" +
           revision + "\"" + fm.eol;
  };
  std::string out(text);
  if (fm.key == 0) {  // no reviewers yet: a new key at the end of the front matter
    out.insert(fm.lines[fm.close].begin, "reviewers:" + fm.eol + item(2, 4));
    return out;
  }
  std::string_view line = fm.View(fm.key);
  std::string_view value = util::Trim(line.substr(line.find(':') + 1));
  if (util::StartsWith(value, "[")) {  // flow list on one line: [..] -> [.., {..}]
    size_t open = line.find('['), close = line.rfind(']');
    if (close == std::string_view::npos)
      return Status::Invalid("`reviewers` is a flow list over several lines; add the review by hand");
    bool empty = util::Trim(line.substr(open + 1, close - open - 1)).empty();
    out.insert(fm.lines[fm.key].begin + close, std::string(empty ? "" : ", ") + "{by: " + YamlScalar(by) +
                                                   ", date: " + date + ", revision: \"" + revision + "\"}");
    return out;
  }
  if (!value.empty() && value[0] != '#')
    return Status::Invalid("`reviewers: " + std::string(value) + "` is not a list; add the review by hand");
  size_t after = 0, dash = 0, inner = 0;
  BlockListPlace(fm, after, dash, inner);
  // lines[after] ends with a terminator: the closing --- follows it.
  out.insert(fm.lines[after].next, item(dash, inner));
  return out;
}

std::string Today() {
  return util::FormatIsoDate(util::SystemClock().NowSeconds());
}

// The article's error diagnostics (load, markup and check stages).
std::vector<Diagnostic> ArticleErrors(const ArticleFile& f) {
  std::vector<Diagnostic> all = f.diagnostics;
  if (f.in_site) {
    markup::SiteDocs docs = markup::RenderSite(f.site);
    check::Options options;
    all = check::Run(f.site, docs, options);
  }
  std::vector<Diagnostic> errors;
  for (auto& d : all)
    if (d.severity == Severity::kError && d.pos.file == f.relative) errors.push_back(std::move(d));
  return errors;
}

// Why `by` may not sign `a`; "" when they may.
std::string Refusal(const ArticleFile& f, const std::string& by) {
  const Person* p = f.site.FindPerson(by);
  if (p == nullptr) {
    std::vector<std::string> ids;
    for (const auto& [id, person] : f.site.people) ids.push_back(id);
    std::string close = util::ClosestMatch(by, ids);
    return "\"" + by + "\" is not a known person (no people/" + by + ".md in " + f.root + ")" +
           (close.empty() ? "" : "; did you mean \"" + close + "\"?");
  }
  if (!p->HasRole("medical-reviewer"))
    return "\"" + by + "\" (" + p->name + ") does not have the medical-reviewer role in " + p->pos.file;
  if (util::Trim(p->credentials).empty())
    return "\"" + by + "\" (" + p->name + ") has no credentials in " + p->pos.file;
  for (const auto& author : f.article.authors)
    if (author == by) return "\"" + by + "\" is an author of " + f.relative + " and may not review it";
  return "";
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".vetted-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out.flush()) return Status::Io("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::permissions(tmp, std::filesystem::status(path, ec).permissions(), ec);
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Io("cannot replace " + path + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

int RunReviewSign(const ReviewSignArgs& args) {
  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "vetted review sign: %s\n", message.c_str());
    return 1;
  };
  std::string date = args.date.empty() ? Today() : args.date;
  if (auto d = Date::Parse(date); !d || !d->complete())
    return fail("--date takes a date as YYYY-MM-DD, not '" + date + "'");
  Result<ArticleFile> f = OpenArticle(args.article);
  if (!f.ok()) return fail(f.status().message());
  if (std::string why = Refusal(*f, args.by); !why.empty()) return fail(why);
  std::vector<Diagnostic> errors = ArticleErrors(*f);
  if (!errors.empty()) {
    for (auto d : errors) {
      d.pos.file = f->root + "/" + d.pos.file;
      std::fprintf(stderr, "%s\n", FormatDiagnostic(d).c_str());
    }
    return fail(args.article + " has " + std::to_string(errors.size()) + " error" +
                (errors.size() == 1 ? "" : "s") + "; fix them before signing a review");
  }
  const std::string& revision = f->article.revision;
  Result<std::string> edited = AddReview(f->bytes, args.by, date, revision);
  if (!edited.ok()) return fail(args.article + ": " + edited.status().message());
  // The edit must add exactly this review and leave the revision as it was.
  Article after = ParseRevision(*edited, f->relative);
  const Review* latest = after.reviewers.empty() ? nullptr : &after.reviewers.back();
  if (after.revision != revision || after.reviewers.size() != f->article.reviewers.size() + 1 ||
      latest == nullptr || latest->by != args.by || latest->date.Iso() != date ||
      latest->revision != revision)
    return fail(args.article +
                ": could not add the review without changing anything else; add to `reviewers` "
                "by hand: {by: " +
                args.by + ", date: " + date + ", revision: \"" + revision + "\"}");
  if (Status s = WriteFile(args.article, *edited); !s.ok()) return fail(s.message());
  std::printf("%s: reviewed by %s on %s, revision %s\n", args.article.c_str(), args.by.c_str(), date.c_str(),
              revision.c_str());
  return 0;
}

}  // namespace vetted::cli
