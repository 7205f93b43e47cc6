// `vetted diff ARTICLE [FROM [TO]]`: what a reader sees that changed between
// two revisions, as a unified line diff of their revision texts
// (model RevisionText) with the field of each hunk named. FROM defaults to
// the revision of the latest review in the file, TO to the file as it is now;
// other revisions come from the database (--db).
#include <algorithm>
#include <cstdio>
#include <dtl/dtl.hpp>
#include <string>
#include <vector>

#include "cli/article_file.h"
#include "cli/commands.h"
#include "cli/store_open.h"
#include "util/util.h"

namespace vetted::cli {
namespace {

constexpr long kContext = 3;  // unchanged lines shown around each change

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  for (std::string_view l : util::Split(text, '\n')) out.emplace_back(l);
  return out;
}

// The field each line of a revision text belongs to: "Title", "Image alt
// text", "Reference \"smith2020\"", "Body", ...
std::vector<std::string> FieldsOf(const std::vector<std::string>& lines) {
  std::vector<std::string> out(lines.size());
  std::string field = "Header";
  bool body = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (!body && l == "Body:") {
      body = true;
      field = "Body";
    } else if (!body && i > 0 && !l.empty() && l[0] != ' ') {
      // Labels contain no ": ", and a reference's line is `Reference "id":`.
      field = util::StartsWith(l, "Reference ") ? l.substr(0, l.size() - 1) : l.substr(0, l.find(": "));
    }
    out[i] = field;
  }
  return out;
}

struct Step {
  dtl::edit_t type;
  const std::string* line;
  long old_no, new_no;  // 1-based line numbers in each text (of the line, or where it would be)
};

std::vector<Step> EditScript(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
  diff.onHuge();
  diff.compose();
  std::vector<Step> steps;
  long o = 1, n = 1;
  for (const auto& [elem, info] : diff.getSes().getSequence()) {
    const std::string* line = info.type == dtl::SES_ADD ? &b[static_cast<size_t>(info.afterIdx - 1)]
                                                        : &a[static_cast<size_t>(info.beforeIdx - 1)];
    steps.push_back({info.type, line, o, n});
    if (info.type != dtl::SES_ADD) ++o;
    if (info.type != dtl::SES_DELETE) ++n;
  }
  return steps;
}

// Prints the hunks; returns the fields that changed, in order.
std::vector<std::string> PrintHunks(const std::vector<Step>& steps,
                                    const std::vector<std::string>& old_fields,
                                    const std::vector<std::string>& new_fields) {
  std::vector<std::string> changed;
  const long n = static_cast<long>(steps.size());
  long i = 0;
  while (i < n) {
    while (i < n && steps[i].type == dtl::SES_COMMON) ++i;
    if (i == n) break;
    long begin = std::max(0L, i - kContext), end = i;
    // Extend while the next change is within 2 * context of this one.
    for (long k = i; k < n; ++k)
      if (steps[k].type != dtl::SES_COMMON) {
        if (k - end > 2 * kContext) break;
        end = k;
      }
    long stop = std::min(n, end + kContext + 1);
    long old_count = 0, new_count = 0;
    for (long k = begin; k < stop; ++k) {
      old_count += steps[k].type != dtl::SES_ADD;
      new_count += steps[k].type != dtl::SES_DELETE;
    }
    const Step& first = steps[i];
    std::string field =
        first.type == dtl::SES_ADD ? new_fields[first.new_no - 1] : old_fields[first.old_no - 1];
    std::printf("@@ -%ld,%ld +%ld,%ld @@ %s\n", steps[begin].old_no - (old_count == 0), old_count,
                steps[begin].new_no - (new_count == 0), new_count, field.c_str());
    for (long k = begin; k < stop; ++k) {
      const Step& s = steps[k];
      char mark = s.type == dtl::SES_ADD ? '+' : s.type == dtl::SES_DELETE ? '-' : ' ';
      std::printf("%c%s\n", mark, s.line->c_str());
      if (s.type == dtl::SES_COMMON) continue;
      const std::string& f = s.type == dtl::SES_ADD ? new_fields[s.new_no - 1] : old_fields[s.old_no - 1];
      if (std::find(changed.begin(), changed.end(), f) == changed.end()) changed.push_back(f);
    }
    i = stop;
  }
  return changed;
}

struct Side {
  std::string revision;
  std::string text;   // RevisionText
  std::string label;  // shown after the hash
};

// The revision text of `revision`: the file now, or a stored revision's.
Result<Side> SideOf(const ArticleFile& f, const std::string& revision, const std::string& label,
                    const DiffArgs& args, std::unique_ptr<store::Store>& store) {
  if (revision == f.article.revision)
    return Side{revision, RevisionText(f.article), label.empty() ? "the file now" : label};
  if (!store) {
    Result<std::unique_ptr<store::Store>> opened = OpenExistingStore(args.db);
    if (!opened.ok())
      return Status::NotFound(
          "revision " + revision + " is not the file's current revision (" + f.article.revision +
          "), and older revisions are read from the database: " + opened.status().message());
    store = std::move(*opened);
  }
  Result<std::string> bytes = store->RevisionBytes(f.relative, revision);
  if (!bytes.ok()) {
    if (bytes.status().code() != Code::kNotFound) return bytes.status();
    return Status::NotFound("unknown revision " + revision + ": neither the file now (" + f.article.revision +
                            ") nor stored for " + f.relative + " in " + args.db + " (see `vetted log " +
                            args.article + " --db " + args.db + "`)");
  }
  return Side{revision, RevisionText(ParseRevision(*bytes, f.relative)), label.empty() ? "stored" : label};
}

}  // namespace

int RunDiff(const DiffArgs& args) {
  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "vetted diff: %s\n", message.c_str());
    return 1;
  };
  Result<ArticleFile> f = OpenArticle(args.article);
  if (!f.ok()) return fail(f.status().message());
  std::string from = args.from, to = args.to.empty() ? f->article.revision : args.to;
  std::string from_label;
  if (from.empty()) {
    const Review* latest = LatestReview(f->article);
    if (latest == nullptr || latest->revision.empty())
      return fail(args.article +
                  " has no review that names a revision; give the revision to compare from "
                  "(see `vetted log " +
                  args.article + "`)");
    from = latest->revision;
    from_label = "reviewed by " + latest->by + " on " + latest->date.Iso();
  }
  for (const auto& [value, what] : {std::pair{from, "FROM revision"}, std::pair{to, "TO revision"}})
    if (Status s = CheckRevisionArg(value, what); !s.ok()) return fail(s.message());

  std::unique_ptr<store::Store> store;  // opened only when a side is not the file now
  Result<Side> a = SideOf(*f, from, from_label, args, store);
  if (!a.ok()) return fail(a.status().message());
  Result<Side> b = SideOf(*f, to, "", args, store);
  if (!b.ok()) return fail(b.status().message());

  std::vector<std::string> old_lines = Lines(a->text), new_lines = Lines(b->text);
  std::printf("--- %s %s (%s)\n+++ %s %s (%s)\n", f->relative.c_str(), a->revision.c_str(), a->label.c_str(),
              f->relative.c_str(), b->revision.c_str(), b->label.c_str());
  std::vector<std::string> changed =
      PrintHunks(EditScript(old_lines, new_lines), FieldsOf(old_lines), FieldsOf(new_lines));
  if (changed.empty()) {
    std::printf("no change a reader sees\n");
  } else {
    std::string list;
    for (const auto& c : changed) list += (list.empty() ? "" : ", ") + c;
    std::printf("changed: %s\n", list.c_str());
  }
  return 0;
}

}  // namespace vetted::cli
