// `vetted log ARTICLE --db ADDRESS`: the article's revisions as the database
// stored them, oldest first, with the reviews that name each one.
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "cli/article_file.h"
#include "cli/commands.h"
#include "cli/store_open.h"

namespace vetted::cli {
namespace {

// Reviews by the revision they name: (by, date) pairs, each once.
using ReviewsByRevision = std::map<std::string, std::set<std::pair<std::string, std::string>>>;

void AddReviews(const Article& a, ReviewsByRevision& out) {
  for (const Review& r : a.reviewers)
    if (!r.revision.empty()) out[r.revision].emplace(r.by, r.date.Iso());
}

std::string ReviewList(const ReviewsByRevision& reviews, const std::string& revision) {
  auto it = reviews.find(revision);
  if (it == reviews.end()) return "not reviewed";
  std::string out = "reviewed by ";
  bool first = true;
  for (const auto& [by, date] : it->second) {
    out += (first ? "" : ", ") + by + " on " + date;
    first = false;
  }
  return out;
}

}  // namespace

int RunLog(const LogArgs& args) {
  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "vetted log: %s\n", message.c_str());
    return 1;
  };
  Result<ArticleFile> f = OpenArticle(args.article);
  if (!f.ok()) return fail(f.status().message());
  Result<std::unique_ptr<store::Store>> store = OpenExistingStore(args.db);
  if (!store.ok()) return fail(store.status().message());
  Result<std::vector<store::RevisionInfo>> revisions = (*store)->Revisions(f->relative);
  if (!revisions.ok()) {
    if (revisions.status().code() == Code::kNotFound)
      return fail(f->relative + " is not in the database " + args.db + " (run `vetted import " + f->root +
                  " --db " + args.db + "`)");
    return fail(revisions.status().message());
  }
  ReviewsByRevision reviews;
  AddReviews(f->article, reviews);
  for (const auto& r : *revisions) {
    Result<std::string> bytes = (*store)->RevisionBytes(f->relative, r.revision);
    if (bytes.ok()) AddReviews(ParseRevision(*bytes, f->relative), reviews);
  }
  bool file_stored = false;
  for (const auto& r : *revisions) {
    file_stored |= r.revision == f->article.revision;
    std::printf("%s  %s  %-7s  %s\n", r.created_at.c_str(), r.revision.c_str(), r.current ? "current" : "",
                ReviewList(reviews, r.revision).c_str());
  }
  if (!file_stored)
    std::printf("%-20s  %s  %-7s  %s (the file now, not imported)\n", "-", f->article.revision.c_str(), "",
                ReviewList(reviews, f->article.revision).c_str());
  return 0;
}

}  // namespace vetted::cli
