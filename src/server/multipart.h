// Internal to server/: a small decoder of multipart/form-data request bodies
// (RFC 7578), for the admin's file uploads. The whole body is in memory
// already (the route's body limit bounds it); parts are views into it.
//
// Limits (named, so a hostile body costs little): at most kMaxParts parts,
// at most kMaxPartHeaderBytes of header lines per part. Anything not well
// formed is kInvalid with a sentence naming the problem: no boundary in the
// Content-Type, a body that does not start with the boundary (a preamble is
// allowed), a part without a closing boundary, a part without
// Content-Disposition: form-data and a name.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace vetted::server {

inline constexpr size_t kMaxParts = 32;
inline constexpr size_t kMaxPartHeaderBytes = 4096;

struct FormPart {
  std::string name;          // the form field's name
  std::string filename;      // the file's name as the browser sent it ("" for a plain field)
  std::string content_type;  // the part's Content-Type ("" when absent)
  std::string_view body;     // the bytes (a view into the request body)
};

// True when a Content-Type names multipart/form-data (any case, any parameters).
bool IsMultipartForm(std::string_view content_type);

// The boundary parameter of a Content-Type ("" when absent or not 1-70 characters).
std::string MultipartBoundary(std::string_view content_type);

// Decodes `body` sent with `content_type`. The views in the result point into
// `body`, which must outlive them.
Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body);

// The first part named `name`; nullptr when none.
const FormPart* FindPart(const std::vector<FormPart>& parts, std::string_view name);

}  // namespace vetted::server
