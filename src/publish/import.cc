// Phases 2 to 4 into a store: validate, extract each article's search text,
// collect the site folder's files as one store::ImportInput.
#include <algorithm>
#include <unordered_map>

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

// " w1 w2 ... ": the words of `text` (runs of ASCII letters and digits and
// of non-ASCII bytes), lower-cased and spelled by util::SearchSpelling.
std::string SpelledWords(std::string_view text) {
  std::string out = " ";
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    out += util::SearchSpelling(word);
    out += ' ';
    word.clear();
  };
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80) {
      word += c;
    } else if (c >= 'A' && c <= 'Z') {
      word += static_cast<char>(c - 'A' + 'a');
    } else {
      flush();
    }
  }
  flush();
  return out;
}

std::string GlossaryText(const store::SearchDocument& s, const markup::Document& doc,
                         const std::vector<GlossaryTerm>& glossary) {
  if (doc.glossary_terms.empty() || glossary.empty()) return "";
  const std::string text = SpelledWords(s.title + "\n" + s.description + "\n" + s.headings + "\n" + s.body);
  std::string out;
  for (const std::string& key : doc.glossary_terms) {
    auto t =
        std::find_if(glossary.begin(), glossary.end(), [&](const GlossaryTerm& g) { return g.term == key; });
    if (t == glossary.end()) continue;
    std::vector<const std::string*> forms = {&t->term};
    for (const std::string& alias : t->aliases) forms.push_back(&alias);
    for (const std::string* form : forms) {
      std::string words = SpelledWords(*form);
      if (words.size() <= 1 || text.find(words) != std::string::npos) continue;
      out += util::Trim(*form);
      out += '\n';
    }
  }
  return out;
}

}  // namespace

store::SearchDocument SearchText(const Article& a, const markup::Document& doc,
                                 const std::vector<GlossaryTerm>& glossary) {
  store::SearchDocument s;
  s.title = a.title;
  s.description = a.description;
  for (const auto& h : doc.toc) s.headings += h.text + "\n";
  s.body = doc.plain_text;
  s.section = a.section_path.empty() ? "/" : "/" + a.section_path[0] + "/";
  s.tags = Join(a.tags, ' ');
  s.glossary = GlossaryText(s, doc, glossary);
  return s;
}

Result<ImportPlan> ToImport(const Site& site, const std::string& root, const load::FileSystem& fs,
                            const ValidateOptions& options, const std::function<void(const char*)>& phase) {
  auto done = [&](const char* name) {
    if (phase) phase(name);
  };
  markup::SiteDocs docs = markup::RenderSite(site, markup::ArticleMode::kAllArticles);
  done("markup");
  ImportPlan plan;
  plan.diagnostics = Validate(site, docs, options);
  done("validate");
  if (plan.refused()) return plan;

  std::vector<std::string> paths;
  if (Status ok = CollectFiles(fs, root, "", paths); !ok.ok()) return ok;
  std::sort(paths.begin(), paths.end());
  std::unordered_map<std::string, size_t> article_of;  // source path -> article index
  for (size_t i = 0; i < site.articles.size(); ++i) article_of[site.articles[i].file] = i;
  // Read every file (on several threads), then sort them into articles and other files.
  std::vector<Result<std::string>> contents(paths.size(), Status::Internal("not read"));
  util::ParallelFor(paths.size(), [&](size_t i) { contents[i] = fs.Read(root + "/" + paths[i]); });
  store::ImportInput& input = plan.input;
  input.articles.reserve(site.articles.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    if (!contents[i].ok()) return contents[i].status();
    auto a = article_of.find(path);
    if (a == article_of.end()) {
      input.files.push_back({path, std::move(*contents[i])});
      continue;
    }
    const Article& article = site.articles[a->second];
    input.articles.push_back({path, article.url, article.revision, std::move(*contents[i]),
                              SearchText(article, docs.articles[a->second], site.glossary)});
  }
  done("collect");
  return plan;
}

}  // namespace vetted::publish
