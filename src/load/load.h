// load/: site folder -> Site model. The front door of the module.
//
// Reads site.toml, content/ (sections and articles), pages/, people/,
// references.json / references.bib / references.ris, glossary.yaml,
// callouts/, static/ and theme/ (overlaid on the built-in theme).
// Content problems never stop loading: they are collected in
// Site::diagnostics with file, line, rule id and stage "load". Only a missing
// or unreadable site folder is a non-ok Result.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/model.h"

namespace vetted::load {

struct DirEntry {
  std::string name;  // base name
  bool is_dir = false;
};

// The file system as load/ sees it. Paths are '/' separated. Implementations
// must be safe to call from several threads at once.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // The whole file; kNotFound when absent, kIo when unreadable.
  virtual Result<std::string> Read(const std::string& path) const = 0;
  // Entries of a folder, sorted by name; kNotFound when absent.
  virtual Result<std::vector<DirEntry>> List(const std::string& dir) const = 0;
  virtual bool IsDir(const std::string& path) const = 0;
};

// The real disk. Thread-safe singleton.
const FileSystem& Disk();

// An in-memory file system for tests: Add("site/content/a.md", "...").
class MemoryFileSystem : public FileSystem {
 public:
  void Add(const std::string& path, std::string contents);
  Result<std::string> Read(const std::string& path) const override;
  Result<std::vector<DirEntry>> List(const std::string& dir) const override;
  bool IsDir(const std::string& path) const override;

 private:
  std::map<std::string, std::string> files_;
};

// Loads the site folder `root`. Parses files on several threads. Articles with
// `draft: true` are left out. Hero and profile images whose src is a file in
// static/ get Image::width/height from the file's header (see image_size.h).
// Returns kNotFound when root (or root/site.toml) does not exist.
Result<Site> LoadSite(const std::string& root, const FileSystem& fs = Disk());

// The built-in theme (themes/default/ compiled into the binary).
const std::map<std::string, std::string>& BuiltinTheme();

// Bibliography parsers, exposed for tests and for the store. `file` is used in
// diagnostics. Entries that cannot be read are skipped with a diagnostic.
std::vector<Reference> ParseCslJson(std::string_view text, const std::string& file,
                                    std::vector<Diagnostic>& diagnostics);
std::vector<Reference> ParseBibtex(std::string_view text, const std::string& file,
                                   std::vector<Diagnostic>& diagnostics);
std::vector<Reference> ParseRis(std::string_view text, const std::string& file,
                                std::vector<Diagnostic>& diagnostics);

// Parses one article file's text (front matter + body) as found at `file`
// (relative to the site root, e.g. "content/a/b.md"). Diagnostics are appended.
Article ParseArticle(std::string_view text, const std::string& file, std::vector<Diagnostic>& diagnostics);

}  // namespace vetted::load
