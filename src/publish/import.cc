// Phases 2 to 4 into a store: validate, extract each article's search text,
// collect the site folder's files as one store::ImportInput.
#include <algorithm>
#include <unordered_map>

#include "check/check.h"
#include "publish/publish.h"
#include "util/util.h"

namespace vetted::publish {
namespace {

constexpr const char* kOutputMarker = ".vetted-output";  // a folder `vetted build` wrote: not content

// Every file under `dir` (relative to the site root `root`, '/' separated),
// skipping hidden names and folders that are vetted build output.
Status CollectFiles(const load::FileSystem& fs, const std::string& root, const std::string& dir,
                    std::vector<std::string>& out) {
  std::string full = dir.empty() ? root : root + "/" + dir;
  Result<std::vector<load::DirEntry>> entries = fs.List(full);
  if (!entries.ok())
    return Status::Error(entries.status().code(), "cannot read " + full + ": " + entries.status().message());
  if (!dir.empty())
    for (const auto& e : *entries)
      if (!e.is_dir && e.name == kOutputMarker) return Status::Ok();
  for (const auto& e : *entries) {
    if (e.name.empty() || e.name[0] == '.') continue;
    std::string rel = dir.empty() ? e.name : dir + "/" + e.name;
    if (e.is_dir) {
      if (Status ok = CollectFiles(fs, root, rel, out); !ok.ok()) return ok;
    } else {
      out.push_back(std::move(rel));
    }
  }
  return Status::Ok();
}

std::string Join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string GlossaryText(const store::SearchDocument& s, const markup::Document& doc,
                         const std::vector<GlossaryTerm>& glossary) {
  if (doc.glossary_terms.empty() || glossary.empty()) return "";
  const std::string text =
      util::SpelledWords(s.title + "\n" + s.description + "\n" + s.headings + "\n" + s.body);
  std::string out;
  for (const std::string& key : doc.glossary_terms) {
    auto t =
        std::find_if(glossary.begin(), glossary.end(), [&](const GlossaryTerm& g) { return g.term == key; });
    if (t == glossary.end()) continue;
    std::vector<const std::string*> forms = {&t->term};
    for (const std::string& alias : t->aliases) forms.push_back(&alias);
    for (const std::string* form : forms) {
      std::string words = util::SpelledWords(*form);
      if (words.size() <= 1 || text.find(words) != std::string::npos) continue;
      out += util::Trim(*form);
      out += '\n';
    }
  }
  return out;
}

store::SearchDocument SearchTextWith(const Article& a, const markup::Document& doc, std::string glossary) {
  store::SearchDocument s;
  s.title = a.title;
  s.description = a.description;
  for (const auto& h : doc.toc) s.headings += h.text + "\n";
  s.body = doc.plain_text;
  s.section = a.section_path.empty() ? "/" : "/" + a.section_path[0] + "/";
  s.tags = Join(a.tags, ' ');
  s.glossary = std::move(glossary);
  return s;
}

// SearchTextWith, taking the plain text out of `doc` instead of copying it
// (10,000 articles: about 100 MB not copied).
store::SearchDocument TakeSearchText(const Article& a, markup::Document& doc, std::string glossary) {
  std::string body = std::move(doc.plain_text);
  doc.plain_text = std::string();
  store::SearchDocument s = SearchTextWith(a, doc, std::move(glossary));
  s.body = std::move(body);
  return s;
}

// What every article's rendering depends on besides its own file: the
// program (salt), every URL a link may resolve to, each article's file, URL
// and aliases (markup's link resolver), and every other file of the site
// (bibliography, glossary, callouts, people, sections, pages, static files,
// site.toml). As a hash.
std::string ContextKey(const Site& site, const markup::SiteDocs& docs,
                       const std::vector<store::SourceFile>& files, const std::vector<bool>& is_article,
                       const std::string& salt) {
  std::string text = salt;
  text += '\n';
  for (const std::string& url : docs.urls) text.append(url).push_back('\n');
  for (const Article& a : site.articles) {
    text.append(a.file).push_back('\t');
    text.append(a.url);
    for (const std::string& alias : a.aliases) text.append("\t").append(alias);
    text.push_back('\n');
  }
  std::vector<std::string> hashes(files.size());
  util::ParallelFor(files.size(), [&](size_t f) {
    if (!is_article[f]) hashes[f] = util::Sha256Hex(files[f].bytes);
  });
  for (size_t f = 0; f < files.size(); ++f)
    if (!is_article[f]) text.append(files[f].path).append("\t").append(hashes[f]).push_back('\n');
  return util::Sha256Hex(text);
}

// Per article: its cache key and its search text's glossary field; the
// ContextKey the keys end with.
struct ArticleExtras {
  std::vector<std::string> keys;
  std::vector<std::string> bytes_hashes;  // util::Sha256Hex of each article's bytes (with a cache only)
  std::vector<std::string> glossary;
  std::vector<double> grades;  // check::FleschKincaidGrade of each plain text
  std::string context;
};

// Article i rendered for the import: its Document without what the import
// does not read, and its search text's glossary field.
markup::Document RenderForImport(const Site& site, const markup::SiteDocs& docs, size_t i,
                                 std::string* glossary, double* grade) {
  markup::Document doc = docs.article_renderer->Render(i).doc;
  doc.html = std::string();
  doc.links = {};
  doc.plain_text.shrink_to_fit();
  store::SearchDocument s = SearchTextWith(site.articles[i], doc, "");
  *glossary = GlossaryText(s, doc, site.glossary);
  *grade = check::FleschKincaidGrade(doc.plain_text);
  return doc;
}

// Fills docs.articles: each article's Document taken (moved) from the cache
// when its key matches, else rendered (on several threads). ReturnToCache
// gives them back.
ArticleExtras ArticleDocs(const Site& site, const std::vector<store::SourceFile>& files,
                          const std::vector<size_t>& file_of, const ImportOptions& o,
                          markup::SiteDocs& docs) {
  const size_t n = site.articles.size();
  ArticleExtras x{std::vector<std::string>(n), {}, std::vector<std::string>(n), std::vector<double>(n), ""};
  if (o.cache) {
    std::vector<bool> is_article(files.size(), false);
    for (size_t f : file_of) is_article[f] = true;
    x.context = ContextKey(site, docs, files, is_article, o.salt);
    x.bytes_hashes.resize(n);
    util::ParallelFor(n, [&](size_t i) {
      x.bytes_hashes[i] = util::Sha256Hex(files[file_of[i]].bytes);
      x.keys[i] = x.bytes_hashes[i] + x.context;
    });
  }
  // Looked up before the parallel loop: the cache is not thread-safe.
  std::vector<ArticleCache::Entry*> hits(n, nullptr);
  if (o.cache)
    for (size_t i = 0; i < n; ++i) hits[i] = o.cache->FindMutable(site.articles[i].file, x.keys[i]);
  docs.articles.resize(n);
  util::ParallelFor(n, [&](size_t i) {
    if (hits[i]) {
      docs.articles[i] = std::move(hits[i]->doc);
      x.glossary[i] = hits[i]->search_glossary;
      x.grades[i] = hits[i]->grade;
      return;
    }
    docs.articles[i] = RenderForImport(site, docs, i, &x.glossary[i], &x.grades[i]);
  });
  return x;
}

// Puts every article's Document (back) into the cache; drops the entries of
// files that are no longer articles.
// `retain`: also drop the entries of other paths.
void ReturnToCache(const Site& site, markup::SiteDocs& docs, const ArticleExtras& x, ArticleCache* cache,
                   bool retain = true) {
  if (!cache) return;
  std::unordered_set<std::string> paths;
  for (size_t i = 0; i < site.articles.size(); ++i) {
    if (retain) paths.insert(site.articles[i].file);
    cache->Put(site.articles[i].file,
               ArticleCache::Entry{x.keys[i], std::move(docs.articles[i]), x.glossary[i], x.grades[i]});
  }
  if (retain) cache->Retain(paths);
}

Result<ImportPlan> PlanImport(const Site& site, std::vector<store::SourceFile> files, const ImportOptions& o,
                              markup::SiteDocs& docs, ArticleExtras& extras);

}  // namespace

store::SearchDocument SearchText(const Article& a, const markup::Document& doc,
                                 const std::vector<GlossaryTerm>& glossary) {
  store::SearchDocument s = SearchTextWith(a, doc, "");
  s.glossary = GlossaryText(s, doc, glossary);
  return s;
}

Result<std::vector<store::SourceFile>> ReadFolder(const std::string& root, const load::FileSystem& fs) {
  std::vector<std::string> paths;
  if (Status ok = CollectFiles(fs, root, "", paths); !ok.ok()) return ok;
  std::sort(paths.begin(), paths.end());
  std::vector<Result<std::string>> contents(paths.size(), Status::Internal("not read"));
  util::ParallelFor(paths.size(), [&](size_t i) { contents[i] = fs.Read(root + "/" + paths[i]); });
  std::vector<store::SourceFile> files(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    if (!contents[i].ok()) return contents[i].status();
    files[i] = {std::move(paths[i]), std::move(*contents[i])};
  }
  return files;
}

PrereadFileSystem::PrereadFileSystem(const std::string& root, const std::vector<store::SourceFile>& files,
                                     const load::FileSystem& base)
    : base_(base) {
  bytes_.reserve(files.size());
  for (const store::SourceFile& f : files) bytes_.emplace(root + "/" + f.path, &f.bytes);
}

Result<std::string> PrereadFileSystem::Read(const std::string& path) const {
  if (auto it = bytes_.find(path); it != bytes_.end()) return *it->second;
  return base_.Read(path);
}

Result<std::vector<load::DirEntry>> PrereadFileSystem::List(const std::string& dir) const {
  return base_.List(dir);
}

bool PrereadFileSystem::IsDir(const std::string& path) const {
  return base_.IsDir(path);
}

Result<ImportPlan> ToImport(const Site& site, const std::string& root, const load::FileSystem& fs,
                            const ValidateOptions& options, const std::function<void(const char*)>& phase) {
  Result<std::vector<store::SourceFile>> files = ReadFolder(root, fs);
  if (!files.ok()) return files.status();
  if (phase) phase("read");
  ImportOptions o;
  o.validate = options;
  o.phase = phase;
  return ToImport(site, std::move(*files), o);
}

Result<ImportPlan> ToImport(const Site& site, std::vector<store::SourceFile> files, const ImportOptions& o) {
  markup::SiteDocs docs;
  ArticleExtras extras;
  return PlanImport(site, std::move(files), o, docs, extras);
}

namespace {

// ToImport, leaving the site's Documents (articles: in the cache) and the
// articles' keys to the caller.
Result<ImportPlan> PlanImport(const Site& site, std::vector<store::SourceFile> files, const ImportOptions& o,
                              markup::SiteDocs& docs, ArticleExtras& extras) {
  auto done = [&](const char* name) {
    if (o.phase) o.phase(name);
  };
  // Which file each article is (files are sorted by path).
  std::vector<size_t> file_of(site.articles.size());
  for (size_t i = 0; i < site.articles.size(); ++i) {
    auto it = std::lower_bound(files.begin(), files.end(), site.articles[i].file,
                               [](const store::SourceFile& f, const std::string& p) { return f.path < p; });
    if (it == files.end() || it->path != site.articles[i].file)
      return Status::Internal("import: " + site.articles[i].file + " was not read with the site's files");
    file_of[i] = static_cast<size_t>(it - files.begin());
  }
  docs = markup::RenderSite(site, markup::ArticleMode::kArticlesOnDemand);
  extras = ArticleDocs(site, files, file_of, o, docs);
  done("markup");
  ImportPlan plan;
  ValidateOptions validate = o.validate;
  validate.article_markup = false;
  validate.known_grades = &extras.grades;
  plan.diagnostics = Validate(site, docs, validate);
  done("validate");
  // The Documents go (back) into the cache, which may be saved now: then the
  // search texts below take the entries' texts instead of copying them.
  ReturnToCache(site, docs, extras, o.cache);
  const bool take = !o.cache || o.save_cache;
  if (o.cache && o.save_cache) o.save_cache(*o.cache);
  if (plan.refused()) return plan;
  std::vector<markup::Document*> texts(site.articles.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    ArticleCache::Entry* e = o.cache ? o.cache->FindMutable(site.articles[i].file, extras.keys[i]) : nullptr;
    texts[i] = e ? &e->doc : &docs.articles[i];
  }

  store::ImportInput& input = plan.input;
  input.articles.reserve(site.articles.size());
  std::vector<int> article_at(files.size(), -1);
  for (size_t i = 0; i < file_of.size(); ++i) article_at[file_of[i]] = static_cast<int>(i);
  std::vector<store::ArticleSource> articles(site.articles.size());
  util::ParallelFor(articles.size(), [&](size_t i) {
    const Article& article = site.articles[i];
    store::SourceFile& file = files[file_of[i]];
    articles[i] = {std::move(file.path),
                   article.url,
                   article.revision,
                   std::move(file.bytes),
                   take ? TakeSearchText(article, *texts[i], extras.glossary[i])
                        : SearchTextWith(article, *texts[i], extras.glossary[i]),
                   extras.bytes_hashes.empty() ? std::string() : extras.bytes_hashes[i]};
  });
  for (size_t f = 0; f < files.size(); ++f) {
    if (article_at[f] < 0)
      input.files.push_back(std::move(files[f]));
    else
      input.articles.push_back(std::move(articles[static_cast<size_t>(article_at[f])]));
  }
  done("collect");
  return plan;
}

}  // namespace

// ---- FolderSession ------------------------------------------------------------

struct FolderSession::State {
  std::unique_ptr<Site> site;  // docs point into it
  markup::SiteDocs docs;       // articles: in the session's cache, by keys
  ArticleExtras extras;
  std::unordered_map<std::string, size_t> article_of;  // source path -> index
};

FolderSession::FolderSession(std::string root, const load::FileSystem& fs, ImportOptions options)
    : root_(std::move(root)), fs_(fs), options_(std::move(options)) {
  options_.cache = &cache_;
  options_.save_cache = nullptr;  // the session keeps using its cache
}

FolderSession::~FolderSession() = default;

Result<ImportPlan> FolderSession::ImportAll() {
  state_.reset();
  known_.clear();
  Result<std::vector<store::SourceFile>> files = ReadFolder(root_, fs_);
  if (!files.ok()) return files.status();
  for (const store::SourceFile& f : *files) known_.insert(f.path);
  PrereadFileSystem preread(root_, *files, fs_);
  Result<Site> site = load::LoadSite(root_, preread);
  if (!site.ok()) return site.status();
  auto state = std::make_unique<State>();
  state->site = std::make_unique<Site>(std::move(*site));
  Result<ImportPlan> plan = PlanImport(*state->site, std::move(*files), options_, state->docs, state->extras);
  if (!plan.ok()) return plan;
  for (size_t i = 0; i < state->site->articles.size(); ++i)
    state->article_of[state->site->articles[i].file] = i;
  state_ = std::move(state);
  return plan;
}

namespace {

Status NotIncremental(const std::string& path, const char* why) {
  return Status::Error(Code::kConflict, path + ": " + why + "; the whole folder is imported again");
}

struct SavedArticle {
  size_t index;  // in the site's articles
  std::string bytes;
  Article article;
  std::vector<Diagnostic> diagnostics;  // loading it
};

// Reads and parses the saved article files `paths`; kConflict when one is
// not an article of `site` any more, or more than its text changed.
Result<std::vector<SavedArticle>> ReadSaved(const std::vector<std::string>& paths, const std::string& root,
                                            const load::FileSystem& fs, const Site& site,
                                            const std::unordered_map<std::string, size_t>& article_of) {
  std::vector<SavedArticle> saved;
  for (const std::string& path : paths) {
    auto at = article_of.find(path);
    if (at == article_of.end()) return NotIncremental(path, "not an article of the site");
    Result<std::string> bytes = fs.Read(root + "/" + path);
    if (!bytes.ok() && bytes.status().code() == Code::kNotFound) return NotIncremental(path, "removed");
    if (!bytes.ok()) return bytes.status();
    SavedArticle s{at->second, std::move(*bytes), {}, {}};
    s.article = load::ParseArticle(s.bytes, path, s.diagnostics);
    const Article& old = site.articles[s.index];
    if (s.article.draft || s.article.url != old.url || s.article.aliases != old.aliases ||
        s.article.tags != old.tags || !s.article.image.src.empty() || !old.image.src.empty())
      return NotIncremental(path, "its URL, aliases, tags, draft state or image changed");
    saved.push_back(std::move(s));
  }
  return saved;
}

}  // namespace

Result<ImportPlan> FolderSession::ArticlesChanged(const std::vector<std::string>& paths) {
  if (!state_) return Status::Error(Code::kConflict, "no site imported yet");
  State& st = *state_;
  Site& site = *st.site;
  // First read and check every file; change nothing until all are fine.
  Result<std::vector<SavedArticle>> read = ReadSaved(paths, root_, fs_, site, st.article_of);
  if (!read.ok()) return read.status();
  std::vector<SavedArticle>& saved = *read;
  // Then take them into the kept site, render them, and validate everything.
  for (SavedArticle& s : saved) {
    const std::string& path = site.articles[s.index].file;
    std::erase_if(site.diagnostics,
                  [&](const Diagnostic& d) { return d.pos.file == path && d.stage == "load"; });
    site.diagnostics.insert(site.diagnostics.end(), s.diagnostics.begin(), s.diagnostics.end());
    site.articles[s.index] = std::move(s.article);
  }
  const size_t n = site.articles.size();
  st.docs.articles.resize(n);
  std::vector<bool> fresh(n, false);
  for (const SavedArticle& s : saved) fresh[s.index] = true;
  for (size_t i = 0; i < n; ++i) {
    if (fresh[i]) continue;
    ArticleCache::Entry* e = cache_.FindMutable(site.articles[i].file, st.extras.keys[i]);
    if (!e)
      fresh[i] = true;  // not cached (e.g. not cacheable): rendered again below
    else
      st.docs.articles[i] = std::move(e->doc);
  }
  util::ParallelFor(n, [&](size_t i) {
    if (fresh[i])
      st.docs.articles[i] = RenderForImport(site, st.docs, i, &st.extras.glossary[i], &st.extras.grades[i]);
  });
  for (const SavedArticle& s : saved) {
    st.extras.bytes_hashes[s.index] = util::Sha256Hex(s.bytes);
    st.extras.keys[s.index] = st.extras.bytes_hashes[s.index] + st.extras.context;
  }
  ImportPlan plan;
  ValidateOptions validate = options_.validate;
  validate.article_markup = false;
  validate.known_grades = &st.extras.grades;
  plan.diagnostics = Validate(site, st.docs, validate);
  if (options_.phase) options_.phase("validate");
  if (!plan.refused()) {
    for (SavedArticle& s : saved) {
      const Article& a = site.articles[s.index];
      plan.input.articles.push_back(
          {a.file, a.url, a.revision, std::move(s.bytes),
           SearchTextWith(a, st.docs.articles[s.index], st.extras.glossary[s.index]),
           st.extras.bytes_hashes[s.index]});
    }
  }
  ReturnToCache(site, st.docs, st.extras, &cache_, /*retain=*/false);  // the same articles as before
  return plan;
}

}  // namespace vetted::publish
