// multipart/form-data (multipart.h).
#include "server/multipart.h"

#include <cctype>

namespace vetted::server {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of parameter `name` in "type; a=1; b=\"x y\"" ("" when absent).
// Quoted values may escape a quote or backslash with a backslash.
std::string Param(std::string_view header, std::string_view name) {
  size_t i = header.find(';');
  while (i != std::string_view::npos && i < header.size()) {
    ++i;
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
    size_t eq = header.find('=', i);
    if (eq == std::string_view::npos) return "";
    std::string key = Lower(Trim(header.substr(i, eq - i)));
    size_t v = eq + 1;
    std::string value;
    if (v < header.size() && header[v] == '"') {
      ++v;
      while (v < header.size() && header[v] != '"') {
        if (header[v] == '\\' && v + 1 < header.size()) ++v;
        value += header[v++];
      }
      i = header.find(';', v);
    } else {
      size_t end = header.find(';', v);
      value = std::string(Trim(header.substr(v, end == std::string_view::npos ? end : end - v)));
      i = end;
    }
    if (key == name) return value;
  }
  return "";
}

Status ParseHeaders(std::string_view head, FormPart& part) {
  bool form_data = false;
  size_t at = 0;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    std::string_view line = head.substr(at, end == std::string_view::npos ? end : end - at);
    at = end == std::string_view::npos ? head.size() : end + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Status::Invalid("a part's header line has no colon");
    std::string key = Lower(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (key == "content-disposition") {
      form_data = Lower(Trim(value.substr(0, value.find(';')))) == "form-data";
      part.name = Param(value, "name");
      part.filename = Param(value, "filename");
    } else if (key == "content-type") {
      part.content_type = std::string(value);
    }
  }
  if (!form_data || part.name.empty())
    return Status::Invalid("a part lacks Content-Disposition: form-data with a name");
  return Status::Ok();
}

}  // namespace

bool IsMultipartForm(std::string_view content_type) {
  return Lower(Trim(content_type.substr(0, content_type.find(';')))) == "multipart/form-data";
}

std::string MultipartBoundary(std::string_view content_type) {
  std::string b = Param(content_type, "boundary");
  return b.empty() || b.size() > 70 ? "" : b;
}

Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body) {
  if (!IsMultipartForm(content_type)) return Status::Invalid("the form is not sent as multipart/form-data");
  const std::string boundary = MultipartBoundary(content_type);
  if (boundary.empty()) return Status::Invalid("the multipart form names no boundary");
  const std::string first = "--" + boundary;
  const std::string delimiter = "\r\n--" + boundary;
  size_t at;
  if (body.substr(0, first.size()) == first) {
    at = first.size();
  } else {
    at = body.find(delimiter);
    if (at == std::string_view::npos)
      return Status::Invalid("the multipart body does not start with its boundary");
    at += delimiter.size();
  }
  std::vector<FormPart> parts;
  while (true) {
    // After a boundary: "--" ends the body; else the line ends (maybe with spaces).
    if (body.substr(at, 2) == "--") return parts;
    while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
    if (body.substr(at, 2) != "\r\n")
      return Status::Invalid("a multipart boundary is not followed by a line end");
    at += 2;
    if (parts.size() == kMaxParts)
      return Status::Invalid("the form has more than " + std::to_string(kMaxParts) + " parts");
    size_t head_end = body.find("\r\n\r\n", at);
    size_t head_len = head_end == std::string_view::npos ? body.size() - at : head_end - at;
    if (head_len > kMaxPartHeaderBytes) return Status::Invalid("a part's header is too long");
    if (head_end == std::string_view::npos) return Status::Invalid("a part's header does not end");
    FormPart part;
    if (Status s = ParseHeaders(body.substr(at, head_len), part); !s.ok()) return s;
    size_t content = head_end + 4;
    size_t end = body.find(delimiter, content);
    if (end == std::string_view::npos) return Status::Invalid("the multipart body ends inside a part");
    part.body = body.substr(content, end - content);
    parts.push_back(std::move(part));
    at = end + delimiter.size();
  }
}

const FormPart* FindPart(const std::vector<FormPart>& parts, std::string_view name) {
  for (const FormPart& p : parts)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace vetted::server
