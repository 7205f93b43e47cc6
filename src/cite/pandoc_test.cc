// Compares cite::FormatText with Pandoc's citeproc (CSL style
// american-medical-association) on every reference of testdata/ama.json,
// read with load::ParseCslJson as a site build reads its bibliography.
// Pandoc is run for real; without it this test fails.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cite/cite.h"
#include "load/load.h"

namespace vetted::cite {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kStyle = "/usr/share/citation-style-language/styles/american-medical-association.csl";

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
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json items = json::parse(text);
  // The references as a site build reads them: through the loader's CSL-JSON parser.
  std::vector<Diagnostic> diagnostics;
  std::vector<Reference> refs = load::ParseCslJson(text, fixture.string(), diagnostics);
  for (const Diagnostic& d : diagnostics) ADD_FAILURE() << d.pos.line << ": " << d.message;
  ASSERT_EQ(refs.size(), items.size());
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
    const Reference& ref = refs[i];
    ASSERT_EQ(ref.id, items[i]["id"].get<std::string>());
    std::string ours = FormatText(ref);
    const std::string& theirs = entries[static_cast<int>(i + 1)];
    EXPECT_EQ(ours, theirs) << "reference " << ref.id;
    matched += ours == theirs;
  }
  std::printf("[ pandoc   ] %d of %zu references identical to Pandoc citeproc\n", matched, items.size());
}

}  // namespace
}  // namespace vetted::cite
