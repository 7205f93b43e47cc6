// Compares cite::FormatText with Pandoc's citeproc (CSL style
// american-medical-association) on every reference of testdata/ama.json.
// Pandoc is run for real; without it this test fails.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cite/cite.h"

namespace vetted::cite {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kStyle = "/usr/share/citation-style-language/styles/american-medical-association.csl";

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();  // numbers: "volume": 5
}

std::vector<Name> Names(const json& obj, const char* key) {
  std::vector<Name> out;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return out;
  for (const json& n : *it) out.push_back({Str(n, "family"), Str(n, "given"), Str(n, "literal")});
  return out;
}

Date DateOf(const json& obj, const char* key) {
  Date d;
  auto it = obj.find(key);
  if (it == obj.end() || !it->contains("date-parts")) return d;
  const json& parts = (*it)["date-parts"][0];
  int* fields[] = {&d.year, &d.month, &d.day};
  for (size_t i = 0; i < parts.size() && i < 3; ++i) {
    *fields[i] = parts[i].is_string() ? std::stoi(parts[i].get<std::string>()) : parts[i].get<int>();
  }
  return d;
}

// CSL-JSON item -> vetted::Reference (only the fields the model has).
Reference FromCsl(const json& item) {
  Reference r;
  r.id = Str(item, "id");
  r.type = Str(item, "type");
  r.authors = Names(item, "author");
  r.editors = Names(item, "editor");
  r.title = Str(item, "title");
  r.container_title = Str(item, "container-title");
  r.container_title_short = Str(item, "container-title-short");
  r.collection_title = Str(item, "collection-title");
  r.publisher = Str(item, "publisher");
  r.publisher_place = Str(item, "publisher-place");
  r.edition = Str(item, "edition");
  r.volume = Str(item, "volume");
  r.issue = Str(item, "issue");
  r.page = Str(item, "page");
  r.number = Str(item, "number");
  r.doi = Str(item, "DOI");
  r.url = Str(item, "URL");
  r.pmid = Str(item, "PMID");
  r.issued = DateOf(item, "issued");
  r.accessed = DateOf(item, "accessed");
  return r;
}

// Runs a shell command; returns its stdout and sets *status.
std::string RunCommand(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *status = -1;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  *status = pclose(p);
  return out;
}

// Pandoc's plain output: entries "N. text" separated by blank lines.
std::map<int, std::string> SplitEntries(const std::string& text) {
  std::map<int, std::string> out;
  std::istringstream in(text);
  std::string line, para;
  auto flush = [&] {
    size_t dot = para.find(". ");
    if (dot != std::string::npos && dot > 0 && para.find_first_not_of("0123456789") == dot) {
      out[std::stoi(para.substr(0, dot))] = para.substr(dot + 2);
    }
    para.clear();
  };
  while (std::getline(in, line)) {
    if (line.empty()) {
      flush();
    } else {
      para += para.empty() ? line : " " + line;
    }
  }
  flush();
  return out;
}

TEST(PandocTest, FormatTextMatchesCiteprocForEveryFixtureEntry) {
  int status = 0;
  RunCommand("command -v pandoc >/dev/null 2>&1", &status);
  ASSERT_EQ(status, 0) << "pandoc is not installed: run scripts/install-deps.sh";
  ASSERT_TRUE(fs::exists(kStyle)) << kStyle << " is missing: run scripts/install-deps.sh "
                                  << "(Debian package citation-style-language-styles)";

  // VETTED_CITE_FIXTURE may name another CSL-JSON file to compare (for exploring).
  const char* other = std::getenv("VETTED_CITE_FIXTURE");
  fs::path fixture = other ? fs::path(other) : fs::path(VETTED_SOURCE_DIR) / "src/cite/testdata/ama.json";
  std::ifstream in(fixture);
  ASSERT_TRUE(in) << fixture;
  json items = json::parse(in);
  if (!other) {
    ASSERT_GE(items.size(), 30u);
  }

  fs::path dir = fs::path(VETTED_BINARY_DIR) / "cite_pandoc_test";
  fs::create_directories(dir);
  fs::path doc = dir / "doc.md";
  {
    std::ofstream md(doc);
    md << "---\nnocite: \"";
    for (size_t i = 0; i < items.size(); ++i) md << (i ? ", @" : "@") << items[i]["id"].get<std::string>();
    md << "\"\n---\n";
  }
  std::string cmd = "pandoc '" + doc.string() + "' --citeproc --csl '" + kStyle + "' --bibliography '" +
                    fixture.string() + "' -t plain --wrap=none 2>&1";
  std::string output = RunCommand(cmd, &status);
  ASSERT_EQ(status, 0) << output;
  std::map<int, std::string> entries = SplitEntries(output);
  ASSERT_EQ(entries.size(), items.size()) << output;

  int matched = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    Reference ref = FromCsl(items[i]);
    std::string ours = FormatText(ref);
    const std::string& theirs = entries[static_cast<int>(i + 1)];
    EXPECT_EQ(ours, theirs) << "reference " << ref.id;
    matched += ours == theirs;
  }
  std::printf("[ pandoc   ] %d of %zu references identical to Pandoc citeproc\n", matched, items.size());
}

}  // namespace
}  // namespace vetted::cite
