// Search latency through our own Store (SQLite backend): imports a corpus made
// by make-corpus.py into a fresh database, then times Store::Search on 1-3 word
// queries drawn from the corpus vocabulary (fixed seed) and Store::Related on
// random articles. Run by bench/search-latency.sh.
//
//   search_latency CORPUS_DIR DB_PATH [QUERIES=2000] [SEED=42]
//
// The importer here reads the corpus's Markdown directly (front matter values
// are JSON; body = text with Markdown symbols, citations and link targets
// removed; headings = the "## " lines), close to what `vetted import` indexes.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "util/util.h"

namespace fs = std::filesystem;
using vetted::store::ArticleSource;
using vetted::store::ImportInput;
using vetted::store::SearchQuery;
using vetted::store::Store;

namespace {

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Markdown to plain text: drops [@citations], "(url)" after "]", and the symbols # * [ ] _ `.
std::string PlainText(std::string_view md) {
  std::string out;
  for (size_t i = 0; i < md.size(); ++i) {
    char c = md[i];
    if (c == '[' && i + 1 < md.size() && md[i + 1] == '@') {
      size_t end = md.find(']', i);
      if (end != std::string_view::npos) {
        i = end;
        continue;
      }
    }
    if (c == ']' && i + 1 < md.size() && md[i + 1] == '(') {
      size_t end = md.find(')', i);
      if (end != std::string_view::npos) {
        i = end;
        continue;
      }
    }
    if (c == '#' || c == '*' || c == '[' || c == ']' || c == '_' || c == '`') continue;
    out += c;
  }
  return out;
}

bool ReadArticle(const fs::path& root, const fs::path& file, ArticleSource& a) {
  std::string text = ReadFile(file);
  if (text.rfind("---\n", 0) != 0) return false;
  size_t end = text.find("\n---\n", 4);
  if (end == std::string::npos) return false;
  std::string body = text.substr(end + 5);
  for (std::string_view line : vetted::util::Split(std::string_view(text).substr(4, end - 4), '\n')) {
    size_t colon = line.find(": ");
    if (colon == std::string_view::npos) continue;
    std::string key(line.substr(0, colon));
    nlohmann::json value = nlohmann::json::parse(line.substr(colon + 2), nullptr, false);
    if (key == "title" && value.is_string()) a.search.title = value.get<std::string>();
    if (key == "description" && value.is_string()) a.search.description = value.get<std::string>();
    if (key == "tags" && value.is_array()) {
      for (const auto& t : value) a.search.tags += (a.search.tags.empty() ? "" : " ") + t.get<std::string>();
    }
  }
  for (std::string_view line : vetted::util::Split(body, '\n')) {
    if (vetted::util::StartsWith(line, "## ")) a.search.headings += std::string(line.substr(3)) + "\n";
  }
  a.search.body = PlainText(body);
  fs::path rel = fs::relative(file, root / "content");
  std::string stem = rel.parent_path().string() + "/" + rel.stem().string();
  a.path = "content/" + rel.string();
  a.url = "/" + stem + "/";
  a.search.section = "/" + rel.begin()->string() + "/";
  a.bytes = std::move(text);
  a.revision = "sha256:" + vetted::util::Sha256Hex(body);
  return true;
}

// CPU time of this thread, ms: unlike wall time, not stretched while other processes hold the cores.
double CpuMs() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void Report(const char* name, std::vector<double> ms, std::vector<double> cpu) {
  for (const char* kind : {"wall", "cpu"}) {
    std::vector<double>& v = kind[0] == 'w' ? ms : cpu;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]; };
    std::printf("%-34s %-4s n=%-5zu p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms\n", name, kind,
                v.size(), at(0.5), at(0.9), at(0.99), v.back());
  }
}

std::vector<std::string> MakeQueries(const std::vector<std::string>& vocab, size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> queries;
  for (size_t i = 0; i < n; ++i) {
    size_t words = 1 + rng() % 3;
    std::string q;
    for (size_t w = 0; w < words; ++w) q += (w ? " " : "") + vocab[rng() % vocab.size()];
    queries.push_back(q);
  }
  return queries;
}

// Times every query; returns false on the first error.
bool TimeSearches(Store& store, const std::vector<std::string>& queries, const char* name, size_t* hits) {
  std::vector<double> ms, cpu;
  for (const std::string& q : queries) {
    SearchQuery query;
    query.text = q;
    double c0 = CpuMs();
    auto t0 = std::chrono::steady_clock::now();
    auto r = store.Search(query);
    ms.push_back(Ms(std::chrono::steady_clock::now() - t0));
    cpu.push_back(CpuMs() - c0);
    if (!r.ok()) {
      std::fprintf(stderr, "search '%s': %s\n", q.c_str(), r.status().message().c_str());
      return false;
    }
    *hits += r->hits.size();
  }
  Report(name, ms, cpu);
  return true;
}

bool TimeRelated(Store& store, const std::vector<std::string>& urls, const char* name) {
  std::vector<double> ms, cpu;
  for (const std::string& url : urls) {
    double c0 = CpuMs();
    auto t0 = std::chrono::steady_clock::now();
    auto r = store.Related(url, 5);
    ms.push_back(Ms(std::chrono::steady_clock::now() - t0));
    cpu.push_back(CpuMs() - c0);
    if (!r.ok() || r->empty()) {
      std::fprintf(stderr, "related '%s' failed or empty\n", url.c_str());
      return false;
    }
  }
  Report(name, ms, cpu);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: search_latency CORPUS_DIR DB_PATH [QUERIES=2000] [SEED=42]\n");
    return 2;
  }
  fs::path root = argv[1];
  std::string db_path = argv[2];
  size_t n = argc > 3 ? std::stoul(argv[3]) : 2000;
  unsigned seed = argc > 4 ? static_cast<unsigned>(std::stoul(argv[4])) : 42;

  ImportInput input;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root / "content")) {
    if (e.is_regular_file() && e.path().extension() == ".md") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::set<std::string> vocab_set;
  for (const fs::path& f : files) {
    ArticleSource a;
    if (!ReadArticle(root, f, a)) continue;
    std::string title = vetted::util::ToLower(a.search.title);
    for (std::string_view w : vetted::util::Split(title, ' ')) {
      if (!w.empty()) vocab_set.emplace(w);
    }
    input.articles.push_back(std::move(a));
  }
  std::vector<std::string> vocab(vocab_set.begin(), vocab_set.end());
  std::printf("corpus: %zu articles, query vocabulary %zu words (from titles)\n", input.articles.size(),
              vocab.size());

  fs::remove(db_path);
  fs::remove(db_path + "-wal");
  fs::remove(db_path + "-shm");
  vetted::store::SqliteOptions options;
  options.durable = false;
  auto store = vetted::store::OpenSqlite(db_path, options);
  if (!store.ok()) return std::fprintf(stderr, "open: %s\n", store.status().message().c_str()), 1;
  auto t0 = std::chrono::steady_clock::now();
  auto report = (*store)->Import(input);
  if (!report.ok()) return std::fprintf(stderr, "import: %s\n", report.status().message().c_str()), 1;
  std::printf("import: %.0f ms (%zu added)\n", Ms(std::chrono::steady_clock::now() - t0),
              report->added.size());

  std::vector<std::string> urls;
  std::mt19937 rng(seed + 1);
  for (int i = 0; i < 500; ++i) urls.push_back(input.articles[rng() % input.articles.size()].url);
  size_t hits = 0;
  // Cold: the first use of each word reads its scores from FTS5 (once per content generation).
  if (!TimeSearches(**store, MakeQueries(vocab, n, seed), "search, cold (first use of words)", &hits))
    return 1;
  for (unsigned pass = 1; pass <= 5; ++pass) {
    std::string name = "search, warm pass " + std::to_string(pass);
    if (!TimeSearches(**store, MakeQueries(vocab, n, seed + 1 + pass), name.c_str(), &hits)) return 1;
  }
  if (!TimeRelated(**store, urls, "related(5), first call per url")) return 1;
  if (!TimeRelated(**store, urls, "related(5), repeated (cached)")) return 1;
  std::printf("hits returned: %zu\n", hits);
  return 0;
}
