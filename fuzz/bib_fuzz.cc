// Bibliography parsers (BibTeX, RIS, CSL-JSON) on arbitrary bytes, then the
// AMA formatter on every reference they produce: nothing may crash, and the
// HTML entry must pass the same audit as markup output (no "<script", no
// event handlers, no javascript: links, only the tags cite/ emits).
#include <cstddef>
#include <cstdint>
#include <string>

#include "cite/cite.h"
#include "fuzz/html_check.h"
#include "load/load.h"

namespace {

void FormatAll(const std::vector<vetted::Reference>& refs, const char* parser) {
  for (const vetted::Reference& ref : refs) {
    std::string html = vetted::cite::FormatHtml(ref);
    vetted::fuzz::RequireSafeHtml(html, parser);
    std::string text = vetted::cite::FormatText(ref);
    (void)text;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vetted;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<Diagnostic> diagnostics;
  FormatAll(load::ParseBibtex(text, "references.bib", diagnostics), "ParseBibtex+FormatHtml");
  FormatAll(load::ParseRis(text, "references.ris", diagnostics), "ParseRis+FormatHtml");
  FormatAll(load::ParseCslJson(text, "references.json", diagnostics), "ParseCslJson+FormatHtml");
  return 0;
}
