// Internal to server/admin/: an article's source file (front matter + Markdown
// body, docs/writing.md) as the editor's form fields, and back.
//
// Every front-matter key of the content format that a writer sets has a
// field. The keys the newsroom writes itself at publication (reviewers,
// updated, non_clinical_change, draft) and keys vetted does not know are not
// edited: they are carried as they were, verbatim (ArticleFields::kept), and
// written after the edited keys. Values are read by load/'s parser
// (load::ParseArticle); lists are shown comma separated (aliases one a line),
// inline references as their YAML text.
#pragma once

#include <string>
#include <string_view>

namespace vetted::server::admin {

struct ArticleFields {
  std::string title, description;
  std::string authors;        // person ids, ", " between them
  std::string published;      // YYYY-MM-DD, or "" (the newsroom sets it at the first publication)
  std::string fact_checkers;  // person ids, ", "
  std::string tags;           // ", "
  std::string aspect;
  std::string aliases;   // one a line
  std::string callouts;  // ", "
  std::string toc;       // "" (the default), "false", or "2-3" (heading levels)
  std::string image_src, image_alt, image_credit, image_caption;
  std::string references;  // the YAML value of `references`, as written
  std::string body;        // the Markdown after the front matter, byte for byte
  // The front-matter lines of every key the form does not edit, verbatim.
  std::string kept;
  // True when the front matter could not be read: it is all in `kept`.
  bool unreadable = false;

  bool operator==(const ArticleFields&) const = default;
};

// The fields of `source`, an article file at `path` ("content/a/b.md").
ArticleFields FieldsOfSource(const std::string& source, const std::string& path);

// The file the fields make: "---\n", the edited keys in the content format's
// order (empty ones left out), `kept`, "---\n", the body.
std::string SourceOfFields(const ArticleFields& fields);

// The fields of a posted form (application/x-www-form-urlencoded; names as
// the editor's controls; CR LF turned into LF). `kept` is left empty: the
// caller takes it from the stored revision, never from the form.
ArticleFields FieldsOfForm(std::string_view body);

// The labelled controls of every field but the body, escaped, for the
// editor's <form>.
std::string FieldControls(const ArticleFields& fields);

}  // namespace vetted::server::admin
