// The admin's form decoders on arbitrary bytes: urlencoded forms (ParseQuery,
// as every admin POST reads its fields), the article editor's form
// (FieldsOfForm -> SourceOfFields -> FieldsOfSource), and multipart/form-data
// (ParseMultipart, the library's ReadForm) with a fixed boundary and with the
// input's first line as the Content-Type.
// Invariants: a decoded form, encoded again, decodes to the same pairs; the
// editor's body comes back byte for byte from the file the form makes;
// multipart parts are at most kMaxParts, each named, each body a view inside
// the request body; the library's Form reads the same values.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "server/admin/article_form.h"
#include "server/admin/library_internal.h"
#include "server/app_internal.h"
#include "server/multipart.h"

using vetted::fuzz::Require;
namespace server = vetted::server;

namespace {

std::string FormEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void Urlencoded(std::string_view in) {
  auto pairs = server::ParseQuery(in);
  std::string again;
  for (const auto& [k, v] : pairs) {
    if (!again.empty()) again += '&';
    again += FormEncode(k) + '=' + FormEncode(v);
  }
  auto pairs2 = server::ParseQuery(again);
  // A name without '=' decodes to (name, ""); encoded again it carries '=': same pair.
  Require(pairs == pairs2, "form_fuzz", "urlencoded: decode(encode(decode(x))) == decode(x)");
}

void Editor(std::string_view in) {
  server::admin::ArticleFields f = server::admin::FieldsOfForm(in);
  std::string source = server::admin::SourceOfFields(f);
  server::admin::ArticleFields back = server::admin::FieldsOfSource(source, "content/fuzz.md");
  Require(back.body == f.body, "form_fuzz", "editor: the body comes back byte for byte");
  (void)server::admin::FieldControls(back);
}

void Multipart(std::string_view type, std::string_view body) {
  auto parts = server::ParseMultipart(type, body);
  if (parts.ok()) {
    Require(parts->size() <= server::kMaxParts, "form_fuzz", "multipart: at most kMaxParts parts");
    for (const server::FormPart& p : *parts) {
      Require(!p.name.empty(), "form_fuzz", "multipart: every part has a name");
      Require(p.body.data() >= body.data() && p.body.data() + p.body.size() <= body.data() + body.size(),
              "form_fuzz", "multipart: a part's body lies inside the request body");
      Require(server::FindPart(*parts, p.name) != nullptr, "form_fuzz", "multipart: FindPart finds it");
    }
  } else {
    Require(parts.status().code() == vetted::Code::kInvalid && !parts.status().message().empty(), "form_fuzz",
            "multipart: a refusal is kInvalid with a message");
  }
  server::Request req;
  req.method = "POST";
  req.target = "/admin/library/references";
  req.headers = {{"Content-Type", std::string(type)}};
  req.body = std::string(body);
  auto form = server::library::ReadForm(req);
  Require(form.ok() == (parts.ok() || !server::IsMultipartForm(type)), "form_fuzz",
          "ReadForm refuses what ParseMultipart refuses");
  if (form.ok() && parts.ok()) {
    Require(form->multipart, "form_fuzz", "ReadForm: multipart");
    for (const server::FormPart& p : *parts)
      Require(form->Value(p.name) == std::string(server::FindPart(*parts, p.name)->body), "form_fuzz",
              "ReadForm: a part's value is its body");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Urlencoded(in);
  Editor(in);
  Multipart("multipart/form-data; boundary=XyZ", in);
  size_t nl = in.find('\n');
  if (nl != std::string_view::npos) Multipart(in.substr(0, nl), in.substr(nl + 1));
  return 0;
}
