// cli/: what `vetted review sign`, `vetted log` and `vetted diff` share: an
// article file given on the command line, its site, and its revision text.
// Not a library API; messages are for people.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/model.h"

namespace vetted::cli {

// An article file named on the command line, with its site loaded.
struct ArticleFile {
  std::string path;                     // as given
  std::string root;                     // the site folder: the nearest ancestor with site.toml and content/
  std::string relative;                 // "content/a/b.md", as the site and the store name it
  std::string bytes;                    // the whole file
  Site site;                            // the whole site (drafts left out by load/)
  Article article;                      // this article (parsed on its own when it is a draft)
  bool in_site = false;                 // found among site.articles (else parsed on its own: a draft)
  std::vector<Diagnostic> diagnostics;  // this article's load diagnostics when parsed on its own
};

// Reads `path` and loads its site. Errors (kNotFound, kInvalid with a message
// a person can act on): the file is missing, is a section's _section.md, or
// is not under some site's content/ folder.
Result<ArticleFile> OpenArticle(const std::string& path);

// The article described by `bytes` at `relative` (a stored revision's file).
Article ParseRevision(const std::string& bytes, const std::string& relative);

// The review with the greatest date (the later entry on a tie), or nullptr.
const Review* LatestReview(const Article& a);

// kInvalid "... is not a revision" for a value that is not "sha256:" and 64
// lowercase hex digits, naming the value in full.
Status CheckRevisionArg(const std::string& value, const char* what);

// "file is a section file (_section.md): only articles have revisions" when
// the base name is _section.md; nullopt otherwise.
std::optional<std::string> SectionFileMessage(const std::string& path);

}  // namespace vetted::cli
