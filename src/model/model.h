// The Site model: plain data produced by load/ (or, later, the store) and
// consumed by markup/, render/ and check/. No I/O, no behaviour beyond small
// pure helpers. Every struct is a value type, safe to share read-only between
// threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/shared_list.h"
#include "model/status.h"

namespace vetted {

// A calendar date. Year-only or year-month dates (bibliographies) keep the
// missing parts at 0.
struct Date {
  int year = 0, month = 0, day = 0;

  bool empty() const { return year == 0; }
  bool complete() const { return year != 0 && month != 0 && day != 0; }
  // "YYYY-MM-DD" (or "YYYY-MM" / "YYYY" when parts are missing; "" when empty).
  std::string Iso() const;
  // "26 November 2026" (NHS.UK style), parts omitted when missing.
  std::string Long() const;
  // Days since 1970-01-01 (complete dates only).
  long DaysSinceEpoch() const;
  // Adds months, clamping the day to the month's length.
  Date AddMonths(int months) const;
  // Parses YYYY-MM-DD, YYYY-MM or YYYY; nullopt for anything else or out of range.
  static std::optional<Date> Parse(std::string_view text);
  auto operator<=>(const Date&) const = default;
};

// Where something came from, for messages: "content/a/b.md:12".
struct SourcePos {
  std::string file;  // path relative to the site folder, '/' separated
  int line = 0;      // 1-based; 0 = whole file
};

enum class Severity { kError, kWarning };

// One content problem. Printed as "file:line: error|warning: message [rule]".
struct Diagnostic {
  SourcePos pos;
  Severity severity = Severity::kError;
  std::string message;
  std::string rule;   // stable id, e.g. "required-key", "unknown-citation"
  std::string stage;  // "load", "markup", "check"
};

struct Image {
  std::string src, alt, credit, caption;
  int line = 0;  // line of the `image` key in front matter
  // Pixel size read from the file when src names a file in static/ (load
  // fills them in); 0 = unknown.
  int width = 0, height = 0;
};

struct Person {
  std::string id;                  // file name in people/ without .md
  std::string name;                // required
  std::string credentials;         // "MD", "PhD, RN"
  std::vector<std::string> roles;  // writer, medical-reviewer, fact-checker, editor
  std::string title;               // job title
  std::string summary;             // one or two sentences for bylines
  Image image;
  std::vector<std::string> same_as;
  std::string bio_markdown;  // the body
  int body_line = 0;         // line where the body starts
  SourcePos pos;

  bool HasRole(std::string_view role) const;
  // "Name, MD" or "Name".
  std::string NameWithCredentials() const;
};

struct Review {
  std::string by;  // person id
  Date date;
  std::string revision;  // as written: "sha256:<hex>" when well formed, or empty
  int line = 0;
};

// A change an editor published without a new medical review (a typo, a
// broken link; docs/checking.md "Non-clinical changes"): the approved
// revision it was made from, when, and why. `from` empty: none recorded.
struct NonClinicalChange {
  std::string from;  // "sha256:<hex>" of the approved revision it came from
  Date date;
  std::string reason;
  int line = 0;
};

// A CSL name: either family/given or a literal (organisation).
struct Name {
  std::string family, given, literal;
};

// A bibliography entry, in CSL terms. Types we format specially:
// article-journal, book, chapter, report, webpage; anything else falls back.
struct Reference {
  std::string id;
  std::string type = "article-journal";
  std::vector<Name> authors;
  std::vector<Name> editors;
  std::string title;
  std::string container_title;        // journal, book (for chapters), website
  std::string container_title_short;  // journal abbreviation (AMA uses it)
  std::string collection_title;
  std::string publisher, publisher_place;
  std::string edition, volume, issue, page, number;
  std::string doi, url, pmid;
  Date issued;
  Date accessed;
  SourcePos pos;
};

struct TocConfig {
  bool show = true;
  int min_level = 2;
  int max_level = 2;
};

struct Article {
  // Identity and location.
  std::string file;                       // "content/relationships/x.md"
  std::vector<std::string> section_path;  // {"relationships", "sex-and-relationships"}
  std::string slug;                       // "x"
  std::string url;                        // "/relationships/sex-and-relationships/x/"

  // Front matter.
  std::string title, description;
  std::vector<std::string> authors;
  Date published, updated;
  std::vector<Review> reviewers;
  // Front matter `review_interval` ("1 year", "18 months") in months: this
  // article's review stays current for that long instead of the site's
  // review_interval (ReviewIntervalMonths); 0 = the site's.
  int review_interval_months = 0;
  NonClinicalChange non_clinical;  // `non_clinical_change`, not part of the revision
  std::vector<std::string> fact_checkers;
  std::vector<std::string> tags;
  Image image;
  std::vector<Reference> references;  // inline CSL items
  std::vector<std::string> callouts;
  TocConfig toc;
  std::string aspect;
  std::vector<std::string> aliases;
  bool draft = false;
  std::map<std::string, int> key_lines;  // front-matter key -> line, for messages
  // False when the front matter could not be read (a yaml-syntax error, or not
  // a mapping): the fields above are then empty, and check/ reports no finding
  // that only follows from that (no reviewers, unknown citation keys, ...).
  bool front_matter_ok = true;

  // Body.
  std::string body;      // Markdown after the front matter
  int body_line = 1;     // file line of the body's first line
  std::string revision;  // "sha256:<hex>" of what a reader sees (RevisionOf), set by load/
};

struct Section {
  std::vector<std::string> path;  // {"relationships", "sex-and-relationships"}
  std::string url;                // "/relationships/sex-and-relationships/"
  std::string title;              // from _section.md, else from the folder name
  std::string description;
  std::string intro_markdown;
  int body_line = 1;
  std::string file;  // "content/relationships/_section.md" or "" when absent

  // What every page calls the section: title, or the humanized folder name
  // (util::Humanize) when title is empty (load always sets one; a Site built
  // by hand may not).
  std::string ShownTitle() const;
};

// A standalone page from pages/: /<slug>/.
struct Page {
  std::string file, slug, url, title, description;
  std::string body;
  int body_line = 1;
  std::map<std::string, int> key_lines;
};

struct GlossaryTerm {
  std::string term;  // the key, e.g. "dyspareunia"
  std::string definition;
  std::vector<std::string> aliases;
  int line = 0;  // in glossary.yaml
};

struct Callout {
  std::string name;  // file name in callouts/ without .md
  std::string title;
  std::string kind = "note";  // help, crisis, note
  std::string disclosure;
  std::vector<std::string> topics;
  std::string body_markdown;
  int body_line = 1;
  std::string file;
};

struct SiteConfig {
  std::string title;
  std::string base_url;  // always ends with '/'
  std::string language = "en";
  std::string review_interval = "2 years";
  int review_interval_months = 24;
  std::string audience = "patient";  // patient | clinician
  std::string sourcing_policy =
      "We use peer-reviewed studies, clinical guidelines and reputable health organisations as sources, "
      "and every claim that needs support links to one.";
  double readability_max_grade = 9.0;  // [check] readability_grade
  // Where a static build's feedback goes (docs/writing.md). feedback_endpoint:
  // the absolute URL of a vetted server taking the feedback, ending in '/'
  // (the form posts to <endpoint>feedback); feedback_report: a mailto: or
  // http(s) URL for a plain "Report an error" link. "" = not set.
  std::string feedback_endpoint;
  std::string feedback_report;
  // The newsroom (docs/newsroom-workflow.md): approving medical reviewers a
  // new article, or a change its writer marks major, needs before it may be
  // published: 1 or 2 (site.toml `approvals_for_new_or_major`).
  int approvals_for_new_or_major = 1;
  std::map<std::string, int> key_lines;
};

// Theme files: templates (*.mustache) and assets (css, js, images), by name,
// relative to the theme folder. The built-in theme overlaid with the site's
// theme/ folder.
struct Theme {
  std::map<std::string, std::string> files;
  const std::string* Find(std::string_view name) const;
};

// A static file to copy: path relative to the site's static/ folder.
struct StaticFile {
  std::string relative_path;
  std::string source_path;  // absolute or cwd-relative path to read from
};

struct Site {
  std::string root;  // the site folder as given
  SiteConfig config;
  // Drafts excluded; sorted by url. Copies of a Site share the articles
  // (SharedList: copy on write), so a copy is cheap.
  SharedList<Article> articles;
  std::vector<Section> sections;  // every folder under content/, sorted by url
  std::vector<Page> pages;        // sorted by url
  std::map<std::string, Person> people;
  std::vector<Reference> bibliography;  // site-wide, in file order
  std::vector<GlossaryTerm> glossary;   // sorted by term
  std::vector<Callout> callouts;        // sorted by name
  std::vector<StaticFile> static_files;
  Theme theme;
  std::vector<Diagnostic> diagnostics;  // problems found while loading

  const Person* FindPerson(std::string_view id) const;
  const Callout* FindCallout(std::string_view name) const;
};

// ---- Revisions (model/revision.cc) ----------------------------------------
// A revision is identified by "sha256:" + the SHA-256 (lowercase hex) of
// RevisionText(article): everything a reader sees as the article and nothing
// else. Included: title, description, authors, fact checkers, tags (they pick
// the boxes shown with the article), callouts, image src/alt/caption/credit,
// inline references, body. Excluded: reviewers (the review records), dates,
// draft, aliases, toc settings, aspect, unknown keys, the file's location.
// docs/checking.md gives the reason for each. All functions are pure and
// thread-safe.

// The canonical text of an article's revision, "vetted revision 2" then one
// labelled line per field in a fixed order ("Title: \"...\"", lists as
// ["a", "b"], strings double-quoted with \\, \" and control bytes escaped),
// a "Reference \"id\":" block per inline reference, and "Body:" followed by the
// body (CRLF -> LF, outer whitespace trimmed) to the end. Unambiguous: no
// value spans lines and the body comes last. Readable, for `vetted diff`.
std::string RevisionText(const Article& a);

// "sha256:<64 lowercase hex>" of RevisionText(a).
std::string RevisionOf(const Article& a);

// vetted 0.1's revision: the hash of the body alone (same normalisation).
// Only to recognise reviews signed before the revision covered the whole
// article; never the current revision.
std::string BodyRevisionOf(std::string_view body);

// True for "sha256:" followed by exactly 64 lowercase hex digits.
bool IsWellFormedRevision(std::string_view revision);

// Whether review `r` covers what a reader sees of `a` now: it is pinned to
// a's revision, or to the approved revision a's recorded non-clinical change
// was made from (a.non_clinical.from, well formed). A review naming no
// revision is not covered here (callers decide; check warns unpinned-review).
bool ReviewCovers(const Article& a, const Review& r);

// Parses "2 years", "18 months", "1 year" into months; nullopt otherwise.
std::optional<int> ParseInterval(std::string_view text);
// How long a medical review of `a` stays current, in months: its own
// review_interval when set, else the site's. Next review due = the latest
// review's date + this (render::ReviewOf; check's review-overdue).
int ReviewIntervalMonths(const SiteConfig& config, const Article& a);

// Formats one diagnostic as "file:line: error: message [rule]".
std::string FormatDiagnostic(const Diagnostic& d);

}  // namespace vetted
