// LoadSite: walks the site folder and assembles the Site model.
#include <algorithm>
#include <cstdint>
#include <future>
#include <unordered_map>

#include "load/image_size.h"
#include "load/internal.h"
#include "load/load.h"
#include "util/util.h"

namespace vetted::load {
namespace {

constexpr long kMaxDepth = 32;  // folder nesting we follow

class SiteReader {
 public:
  SiteReader(const std::string& root, const FileSystem& fs, Site& site) : root_(root), fs_(fs), site_(site) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  }

  std::string Path(std::string_view rel) const {
    return root_.empty() ? std::string(rel) : root_ + "/" + std::string(rel);
  }

  // The file's text, or nullopt (with a diagnostic unless it is simply absent).
  std::optional<std::string> ReadOptional(const std::string& rel,
                                          std::vector<Diagnostic>& diagnostics) const {
    auto text = fs_.Read(Path(rel));
    if (text.ok()) return std::move(text.value());
    if (text.status().code() != Code::kNotFound) {
      Report(diagnostics, rel, 0, Severity::kError, "invalid-value",
             "cannot read file: " + text.status().message());
    }
    return std::nullopt;
  }

  std::vector<DirEntry> List(const std::string& rel) const {
    auto entries = fs_.List(Path(rel));
    return entries.ok() ? std::move(entries.value()) : std::vector<DirEntry>();
  }

  // Every file under `rel`, recursively, as paths relative to `rel`.
  void ListFiles(const std::string& rel, const std::string& prefix, bool skip_hidden,
                 std::vector<std::string>& out) const {
    if (std::count(prefix.begin(), prefix.end(), '/') > kMaxDepth) return;  // a symlink loop
    for (const auto& e : List(rel)) {
      if (skip_hidden && !e.name.empty() && e.name[0] == '.') continue;
      if (e.is_dir) {
        ListFiles(rel + "/" + e.name, prefix + e.name + "/", skip_hidden, out);
      } else {
        out.push_back(prefix + e.name);
      }
    }
  }

  // content/: article files and section folders, depth first.
  void WalkContent(const std::string& rel, std::vector<std::string>& path) {
    if (static_cast<long>(path.size()) > kMaxDepth) return;  // a symlink loop
    for (const auto& e : List(rel)) {
      if (e.name.empty() || e.name[0] == '.') continue;
      std::string child = rel + "/" + e.name;
      if (e.is_dir) {
        path.push_back(e.name);
        section_paths_.push_back(path);
        WalkContent(child, path);
        path.pop_back();
      } else if (util::EndsWith(e.name, ".md") && e.name != "_section.md") {
        article_files_.push_back(std::move(child));
      }
    }
  }

  // Parses `files` on several threads; `parse(text, file, diagnostics)`.
  // Slot i holds file i's result (none when unreadable); diagnostics are
  // appended to the site's in file order.
  template <typename T, typename Parse>
  std::vector<std::optional<T>> ParseSlots(const std::vector<std::string>& files, Parse parse) {
    std::vector<std::optional<T>> slots(files.size());
    std::vector<std::vector<Diagnostic>> diags(files.size());
    util::ParallelFor(files.size(), [&](size_t i) {
      if (auto text = ReadOptional(files[i], diags[i]))
        slots[i].emplace(parse(std::move(*text), files[i], diags[i]));
    });
    for (auto& list : diags)
      for (auto& d : list) site_.diagnostics.push_back(std::move(d));
    return slots;
  }

  template <typename T, typename Parse>
  std::vector<T> ParseAll(const std::vector<std::string>& files, Parse parse) {
    auto slots = ParseSlots<T>(files, parse);
    std::vector<T> out;
    out.reserve(files.size());
    for (auto& slot : slots)
      if (slot) out.push_back(std::move(*slot));
    return out;
  }

  // The .md files directly in folder `rel`, e.g. "people/x.md", with their stems.
  std::vector<std::string> MarkdownIn(const std::string& rel) const {
    std::vector<std::string> files;
    for (const auto& e : List(rel))
      if (!e.is_dir && util::EndsWith(e.name, ".md") && e.name[0] != '.') files.push_back(rel + "/" + e.name);
    return files;
  }

  static std::string Stem(const std::string& file) {
    size_t slash = file.rfind('/');
    std::string name = file.substr(slash == std::string::npos ? 0 : slash + 1);
    return name.substr(0, name.size() - 3);
  }

  void Articles();
  void Sections();
  void Others();
  void Bibliography(std::vector<Reference>& refs, std::vector<Diagnostic>& diagnostics) const;
  void ThemeAndStatic();

 private:
  std::string root_;
  const FileSystem& fs_;
  Site& site_;
  std::vector<std::string> article_files_;
  std::vector<std::vector<std::string>> section_paths_;
};

void SiteReader::Articles() {
  std::vector<std::string> path;
  WalkContent("content", path);
  auto slots = ParseSlots<Article>(
      article_files_, [](std::string&& text, const std::string& file, std::vector<Diagnostic>& d) {
        return ParseArticleText(std::move(text), file, d);
      });
  // Published articles by URL (stable: equal URLs keep file order). Sorting
  // indices moves each (large) Article once instead of O(n log n) times.
  std::vector<uint32_t> order;
  order.reserve(slots.size());
  for (size_t i = 0; i < slots.size(); ++i)
    if (slots[i] && !slots[i]->draft) order.push_back(static_cast<uint32_t>(i));
  auto by_url = [&](uint32_t a, uint32_t b) { return slots[a]->url < slots[b]->url; };
  if (!std::is_sorted(order.begin(), order.end(), by_url))
    std::stable_sort(order.begin(), order.end(), by_url);
  site_.articles.reserve(order.size());
  for (uint32_t i : order) site_.articles.push_back(std::move(*slots[i]));
}

void SiteReader::Sections() {
  for (const auto& path : section_paths_) {
    Section s;
    s.path = path;
    s.url = "/";
    std::string folder = "content";
    for (const auto& p : path) {
      s.url += p + "/";
      folder += "/" + p;
    }
    std::string file = folder + "/_section.md";
    if (auto text = ReadOptional(file, site_.diagnostics))
      ParseSectionFile(*text, file, s, site_.diagnostics);
    if (s.title.empty()) s.title = s.ShownTitle();  // the humanized folder name
    site_.sections.push_back(std::move(s));
  }
  std::sort(site_.sections.begin(), site_.sections.end(),
            [](const Section& a, const Section& b) { return a.url < b.url; });
}

void SiteReader::Others() {
  using Diags = std::vector<Diagnostic>;
  site_.pages = ParseAll<Page>(MarkdownIn("pages"), [](const std::string& t, const std::string& f, Diags& d) {
    return ParsePage(t, f, Stem(f), d);
  });
  std::sort(site_.pages.begin(), site_.pages.end(),
            [](const Page& a, const Page& b) { return a.url < b.url; });
  auto people = ParseAll<Person>(
      MarkdownIn("people"),
      [](const std::string& t, const std::string& f, Diags& d) { return ParsePerson(t, f, Stem(f), d); });
  for (auto& p : people) site_.people.emplace(p.id, std::move(p));
  site_.callouts = ParseAll<Callout>(
      MarkdownIn("callouts"),
      [](const std::string& t, const std::string& f, Diags& d) { return ParseCallout(t, f, Stem(f), d); });
  if (auto text = ReadOptional("glossary.yaml", site_.diagnostics)) {
    site_.glossary = ParseGlossary(*text, "glossary.yaml", site_.diagnostics);
  }
}

// Reads the bibliography files into `refs` and `diagnostics` (not the site's:
// LoadSite runs this on its own thread, beside the article parsing).
void SiteReader::Bibliography(std::vector<Reference>& refs, std::vector<Diagnostic>& diagnostics) const {
  using Parser = std::vector<Reference> (*)(std::string_view, const std::string&, std::vector<Diagnostic>&);
  const std::pair<const char*, Parser> kFiles[] = {
      {"references.json", ParseCslJson}, {"references.bib", ParseBibtex}, {"references.ris", ParseRis}};
  std::unordered_map<std::string, SourcePos> seen;
  for (const auto& [name, parse] : kFiles) {
    auto text = ReadOptional(name, diagnostics);
    if (!text) continue;
    for (auto& ref : parse(*text, name, diagnostics)) {
      auto [it, fresh] = seen.emplace(ref.id, ref.pos);
      if (!fresh) {
        Report(diagnostics, ref.pos.file, ref.pos.line, Severity::kWarning, "invalid-value",
               "duplicate reference id `" + ref.id + "` (first defined at " + it->second.file + ":" +
                   std::to_string(it->second.line) + "); this entry is ignored");
        continue;
      }
      refs.push_back(std::move(ref));
    }
  }
}

void SiteReader::ThemeAndStatic() {
  std::vector<std::string> files;
  ListFiles("static", "", false, files);
  for (auto& f : files) site_.static_files.push_back({f, Path("static/" + f)});
  site_.theme.files = BuiltinTheme();
  files.clear();
  ListFiles("theme", "", true, files);
  for (const auto& f : files) {
    if (auto text = ReadOptional("theme/" + f, site_.diagnostics)) site_.theme.files[f] = std::move(*text);
  }
}

}  // namespace

Result<Site> LoadSite(const std::string& root, const FileSystem& fs) {
  Site site;
  site.root = root;
  SiteReader reader(root, fs, site);
  if (!fs.IsDir(root.empty() ? "." : root)) return Status::NotFound("site folder not found: " + root);
  auto config = fs.Read(reader.Path("site.toml"));
  if (!config.ok()) {
    if (config.status().code() == Code::kNotFound)
      return Status::NotFound(reader.Path("site.toml") + " not found");
    return config.status();
  }
  site.config = ParseConfig(config.value(), "site.toml", site.diagnostics);
  // The bibliography (one large file, parsed in one piece) is read beside the
  // articles instead of after them; its diagnostics keep their place.
  std::vector<Diagnostic> bib_diagnostics;
  std::future<void> bib =
      std::async(std::launch::async, [&] { reader.Bibliography(site.bibliography, bib_diagnostics); });
  try {
    reader.Articles();
    reader.Sections();
    reader.Others();
  } catch (...) {
    bib.wait();
    throw;
  }
  bib.get();
  for (auto& d : bib_diagnostics) site.diagnostics.push_back(std::move(d));
  reader.ThemeAndStatic();
  AddImageSizes(site, fs);  // hero and profile images: width and height from the files
  return site;
}

}  // namespace vetted::load
