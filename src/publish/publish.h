// publish/: the one pipeline every way of publishing goes through: `vetted
// build` (folder -> folder), `vetted import` (folder -> store), the server's
// reload and `vetted export` (store -> pages). The phases, in order:
//
//   1. load      a site folder (load::LoadSite) or a store snapshot
//                (LoadSnapshot below) becomes a Site model;
//   2. validate  Validate(): the load diagnostics, the markup diagnostics and
//                every check rule (the same list `vetted check` prints);
//                any diagnostic of severity error refuses: nothing is written;
//   3. render    pages through the theme (render::RenderSite), or the search
//                text of each article for the store;
//   4. publish   ToFolder() writes a staging folder that replaces the output
//                only when all went well; ToImport() hands the caller the
//                store::ImportInput to import.
//
// Warnings never refuse; callers print them (Print()).
// Errors are values: nothing here throws, and only Print() writes output (to
// the stream it is given).
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "load/load.h"
#include "markup/markup.h"
#include "model/model.h"
#include "model/status.h"
#include "store/store.h"
#include "util/util.h"

namespace vetted::publish {

// ---- time -------------------------------------------------------------------

// Today's date (UTC) by `clock`: the date review-overdue measures against
// unless ValidateOptions::today says otherwise. Thread-safe.
Date Today(const util::Clock& clock = util::SystemClock());

// ---- phase 1: load (from a store) -------------------------------------------

// Turns a store snapshot into a Site the way load::LoadSite loads a folder
// (the files are placed under the folder "site"). The snapshot's files are
// moved into *files, which must outlive *site (its static files are read from
// there). kNotFound when the snapshot holds no site; LoadSite's errors
// otherwise. Content problems are left in site->diagnostics.
Status LoadSnapshot(store::Snapshot snapshot, load::MemoryFileSystem* files, Site* site);

// ---- phase 2: validate -------------------------------------------------------

struct ValidateOptions {
  Date today;             // empty: Today()
  double max_grade = -1;  // readability limit; < 0: the site's readability_grade
  // When `docs` holds no article Documents (markup::ArticleMode::
  // kArticlesOnDemand): true renders every article body once, on several
  // threads, only for its markup diagnostics (broken links, unknown
  // citations, ...), keeping none of it. false leaves those diagnostics to
  // the render phase (a streaming build finds them as it renders each page).
  bool article_markup = false;
  // With article_markup, optionally: per article (parallel to site.articles),
  // markup diagnostics already known (the server's reload reuses those of
  // articles whose file and link targets did not change); nullopt entries
  // are rendered. On return every entry holds the article's markup
  // diagnostics. Ignored when its size is not site.articles.size().
  std::vector<std::optional<std::vector<Diagnostic>>>* known_article_markup = nullptr;
  // Optional, parallel to site.articles: grades already known for the
  // readability rule (check::Options::known_grades; NaN: compute it).
  const std::vector<double>* known_grades = nullptr;
};

// Every diagnostic of the site, sorted by file, line and rule, duplicates
// removed: site.diagnostics (load), the Documents' diagnostics (markup) and
// every check rule (check::Run). Rules that need an article's Document
// (readability, uncited-reference) skip articles `docs` does not hold.
// Never fails; thread-safe on shared read-only inputs.
std::vector<Diagnostic> Validate(const Site& site, const markup::SiteDocs& docs,
                                 const ValidateOptions& options);

struct Tally {
  size_t errors = 0, warnings = 0;
};
Tally Count(const std::vector<Diagnostic>& diagnostics);

// Sorts as Validate does and removes exact duplicates (for lists merged from
// several phases).
void Normalize(std::vector<Diagnostic>& diagnostics);

// One line per diagnostic, "ROOT/file:line: severity: message [rule]" (the
// format of `vetted check`); `root` empty: the file as it is. With
// errors_only, warnings are left out.
std::string Format(const std::vector<Diagnostic>& diagnostics, const std::string& root,
                   bool errors_only = false);

// Ok when no diagnostic is an error; otherwise kInvalid with a message that
// names the number of errors and lists them (Format, errors only, no root).
Status Refusal(const std::vector<Diagnostic>& diagnostics);

// ---- the reporter -------------------------------------------------------------

// Prints diagnostics to `out` as Format does. quiet: errors only, and the
// warnings counted in one line, "vetted COMMAND: N warnings (HINT)" (no
// parentheses when `hint` is empty). Returns the tally.
Tally Print(std::FILE* out, const std::vector<Diagnostic>& diagnostics, const std::string& root, bool quiet,
            const char* command, const std::string& hint);

// "vetted COMMAND: 2 errors; nothing was WHAT (HINT)".
std::string RefusedLine(const char* command, size_t errors, const char* what, const std::string& hint);

// ---- phases 3 and 4: to a folder --------------------------------------------

struct FolderOptions {
  std::string out;  // output folder
  ValidateOptions validate;
  // Reads a file of the site's static/ folder (load::Disk(), or the snapshot's files).
  std::function<Result<std::string>(const StaticFile&)> read_static;
  // "Related articles" supplier (render::Options::related); empty = built in.
  std::function<std::vector<std::string>(const std::string&)> related;
  // Called with (articles rendered, articles in all) as pages are written.
  std::function<void(size_t, size_t)> progress;
  // Called as each phase ends ("validate", "render+publish", "swap").
  std::function<void(const char*)> phase;
};

struct FolderReport {
  std::vector<Diagnostic> diagnostics;  // sorted; any error means nothing was written
  size_t pages = 0;                     // .html files written
  size_t files = 0;                     // every file written
  bool refused() const { return Count(diagnostics).errors > 0; }
};

// Validates the site, then renders every page (article bodies one at a time,
// each rendered once: their markup diagnostics join the report) and writes
// it, with the static files and the static search (search/index.html and
// its index, render::Options::search_text), into a staging folder beside `out` that
// replaces `out` only when there is no error. On refusal `out` is untouched.
// kInvalid when `out` is a file or a non-empty folder vetted did not write;
// kInvalid when a template fails; kIo when a file cannot be written or read.
// Renders on several threads; call from one thread.
Result<FolderReport> ToFolder(const Site& site, const FolderOptions& options);

// The `feedback-unconfigured` warning (stage "publish") for a site whose
// static pages would have no way to send feedback (neither feedback_endpoint
// nor feedback_report in site.toml); false when one is set. ToFolder adds it.
bool FeedbackUnconfigured(const SiteConfig& config, Diagnostic* out);

// Refuses a non-empty output folder that vetted did not write (kInvalid).
Status CheckOutputFolder(const std::string& out);

// ---- phases 3 and 4: to a store ----------------------------------------------

struct ImportPlan {
  std::vector<Diagnostic> diagnostics;  // sorted; any error means `input` is empty
  store::ImportInput input;             // what Store::Import takes
  bool refused() const { return Count(diagnostics).errors > 0; }
};

// Validates the site (every article rendered: the search text needs it),
// then reads every file of the site folder `root` through `fs` (hidden names
// and folders that `vetted build` wrote are skipped) and sorts them into
// articles (with their search text) and other files. kIo/kNotFound when the
// folder cannot be listed or a file cannot be read. Thread-safe on shared
// read-only inputs; reads on several threads.
Result<ImportPlan> ToImport(const Site& site, const std::string& root, const load::FileSystem& fs,
                            const ValidateOptions& options,
                            const std::function<void(const char*)>& phase = {});

// ---- import, reusing what did not change ----------------------------------

// What ToImport needs from rendering one article, kept between imports so an
// article whose bytes and surroundings did not change is not rendered again:
// by article source path, each entry with the key it was made for (the hash
// of the article's bytes and of everything else its rendering depends on:
// every link target and every other file of the site, see ImportOptions::salt).
// Not thread-safe: one import at a time.
class ArticleCache {
 public:
  struct Entry {
    std::string key;
    // The article's Document without html, links, words and heading ids and
    // levels (what validation and the search text read).
    markup::Document doc;
    std::string search_glossary;  // SearchDocument::glossary
    double grade = 0;             // check::FleschKincaidGrade(doc.plain_text)
  };
  // The entry for `path` made for `key`; nullptr when there is none.
  const Entry* Find(const std::string& path, const std::string& key) const;
  Entry* FindMutable(const std::string& path, const std::string& key);
  void Put(const std::string& path, Entry entry);
  // Drops every entry whose path is not in `paths`.
  void Retain(const std::unordered_set<std::string>& paths);
  size_t size() const { return entries_.size(); }

  // The cache saved in `file`; empty when the file is missing, unreadable or
  // not a cache (never fails: a cache only saves time). A record cut short
  // (a save interrupted) and all after it are ignored.
  static ArticleCache ReadFile(const std::string& file);
  // Saves the entries put since ReadFile (appending; the file is written
  // anew, through a temporary file and a rename, when most of it is stale).
  // kIo when the file cannot be written (the cache in memory is unchanged).
  Status WriteFile(const std::string& file);

 private:
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_set<std::string> changed_;  // paths put since the last ReadFile/WriteFile
  size_t records_ = 0;                       // records in the file
};

// Every file under the site folder `root`, paths relative to it, sorted;
// hidden names and folders that `vetted build` wrote are skipped (what an
// import stores). Reads on several threads. kIo/kNotFound when a folder
// cannot be listed or a file cannot be read.
Result<std::vector<store::SourceFile>> ReadFolder(const std::string& root, const load::FileSystem& fs);

// A FileSystem that answers Read from files already read (ReadFolder's,
// under `root`) and everything else from `base`: load::LoadSite through it
// reads nothing twice. `files` and `base` must outlive it. Thread-safe.
class PrereadFileSystem : public load::FileSystem {
 public:
  PrereadFileSystem(const std::string& root, const std::vector<store::SourceFile>& files,
                    const load::FileSystem& base);
  Result<std::string> Read(const std::string& path) const override;
  Result<std::vector<load::DirEntry>> List(const std::string& dir) const override;
  bool IsDir(const std::string& path) const override;

 private:
  std::unordered_map<std::string, const std::string*> bytes_;  // full path -> bytes
  const load::FileSystem& base_;
};

struct ImportOptions {
  ValidateOptions validate;  // article_markup is ignored: ToImport renders (or reuses) every article
  std::function<void(const char*)> phase;  // called as each phase ends
  // Optional: reused and updated (entries of articles no longer in the site
  // are dropped). With it, the result is the same as without it.
  ArticleCache* cache = nullptr;
  // Part of every cache key: what else the rendering depends on (the
  // program's version), so a cache made by another build is not used.
  std::string salt;
  // Optional, with `cache`: called once the cache holds every article's
  // rendering and before the search texts are made (to save it, e.g.
  // ArticleCache::WriteFile). When set, the search texts take the plain
  // texts out of the cache's entries instead of copying them: the cache in
  // memory is not to be used again (read its file).
  std::function<void(ArticleCache&)> save_cache;
};

// ToImport on the site folder's files, read once (ReadFolder; `site` loaded
// from them, e.g. through PrereadFileSystem): validates the site (each
// article rendered, or its rendering taken from options.cache), then sorts
// `files` into articles (with their search text; their bytes are moved, not
// copied) and other files. kInternal when an article of `site` is not among
// `files`. Call from one thread (it works on several).
Result<ImportPlan> ToImport(const Site& site, std::vector<store::SourceFile> files,
                            const ImportOptions& options);

// What importing `input` would do to work done in the newsroom (the store's
// Workflow(); none: no conflicts): one line per newsroom article that the
// import would overwrite (the folder holds another revision than the one
// readers see) or unpublish (live, and missing from the folder), e.g.
// "content/a.md: published in the newsroom (sha256:...); the folder would
// replace it with sha256:...". Drafts that never went live are left alone
// by an import and are no conflict. kIo when the store fails.
Result<std::vector<std::string>> NewsroomConflicts(store::Store& store, const store::ImportInput& input);

// ---- one saved article at a time (`vetted dev`) -------------------------------

// A site folder imported once and kept in memory (with its article cache),
// so that a saved article is validated and planned without reading or
// rendering the other files again. Not thread-safe: one caller.
class FolderSession {
 public:
  // `fs` must outlive the session; options.cache and save_cache are ignored (the
  // session has its own cache, kept in memory).
  FolderSession(std::string root, const load::FileSystem& fs, ImportOptions options);
  ~FolderSession();

  // Reads and loads the whole folder and plans its import, as ToImport does
  // (kNotFound/kIo as ReadFolder and load::LoadSite). The site is kept for
  // ArticlesChanged, also when refused.
  Result<ImportPlan> ImportAll();

  // The files `paths` (relative to the root) were saved. When each is an
  // article of the kept site and still is, with the same URL, aliases and
  // tags, neither a draft nor with a hero image: re-reads only those,
  // validates the whole site again (every check rule; the other articles'
  // renderings are reused) and plans the import of only those articles
  // (input.articles; input.files empty), for Store::ImportArticles; the
  // result is what ImportAll would give for them. kConflict when that does
  // not hold, or before a successful ImportAll (call ImportAll); kIo when a
  // file cannot be read. Nothing is kept from a failed call.
  Result<ImportPlan> ArticlesChanged(const std::vector<std::string>& paths);

  // True when `path` (relative to the root) is a file the last ImportAll read.
  bool Knows(const std::string& path) const { return known_.count(path) > 0; }

 private:
  struct State;
  std::string root_;
  const load::FileSystem& fs_;
  ImportOptions options_;
  ArticleCache cache_;
  std::unordered_set<std::string> known_;
  std::unique_ptr<State> state_;
};

// ---- one article as it would be (the newsroom's editor) ------------------------

struct PreviewOptions {
  ValidateOptions validate;  // article_markup is ignored: every article is rendered
  // "Related articles" supplier (render::Options::related); empty = built in.
  std::function<std::vector<std::string>(const std::string&)> related;
};

struct ArticlePreview {
  // The article's URL ("/a/b/"), "" when the site would not hold it (e.g. its
  // front matter says `draft: true`).
  std::string url;
  // Its page as readers would see it, through the site's theme; "" when
  // `url` is "".
  std::string html;
  // What `vetted check` would say about the file `path` in that site (load,
  // markup and every check rule), sorted by line; `file` is `path`.
  std::vector<Diagnostic> diagnostics;
};

// The site of `snapshot` (a store's published content) with the file `path`
// ("content/<section>/<slug>.md") set to `source`, loaded, validated and
// rendered as the server and `vetted build` do (every phase through its
// front door), without storing anything: the article's page and its
// diagnostics. Only that article's body is rendered (the rules that read
// rendered text look at it alone; their findings about other files are
// not asked for). kInvalid for a path outside
// content/ or not ending in .md; LoadSnapshot's errors; kInvalid when a
// template fails. Thread-safe on its own inputs.
Result<ArticlePreview> PreviewArticle(store::Snapshot snapshot, const std::string& path,
                                      const std::string& source, const PreviewOptions& options = {});
// The same on a site already loaded from such a snapshot (a server's served
// site), without reading or parsing the other files again: answers what the
// snapshot form would. kConflict when the article needs what only a whole
// load gives (its folder is no section yet, or its hero image is one the
// site has not sized): use the snapshot form then.
Result<ArticlePreview> PreviewArticle(const Site& site, const std::string& path, const std::string& source,
                                      const PreviewOptions& options = {});

// The search text of one rendered article (exposed for tests). With the
// site's glossary, SearchDocument::glossary holds, for every term the body
// mentions (markup::Document::glossary_terms), the term and its aliases that
// the article's title, description, headings and body do not already contain
// (compared word by word after util::SearchSpelling), one per line.
store::SearchDocument SearchText(const Article& article, const markup::Document& doc,
                                 const std::vector<GlossaryTerm>& glossary = {});

}  // namespace vetted::publish

namespace vetted::publish {

// ---- one revision as readers would see it (the newsroom's preview pages) -----

// The HTML page of the article at `path` ("content/<section>/<slug>.md")
// with `source` as its text, rendered with the rest of `site` (the served
// site: its theme, people, references, sections) the way the served site
// renders its article pages; it takes the place of the article at the same
// file, or joins the site. A `draft: true` in the source is ignored. Nothing
// is stored or cached. kInvalid when the template fails; markup problems are
// not errors (the page shows what the renderer makes of the text).
// Thread-safe (reads `site` only). Renders the site's indexes: not cheap.
Result<std::string> RenderRevisionPage(const Site& site, const std::string& path, const std::string& source);

}  // namespace vetted::publish
