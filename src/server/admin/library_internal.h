// Internal to server/admin/library*.cc: what the library's pages share.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "newsroom/newsroom.h"
#include "server/admin/library_routes.h"
#include "server/multipart.h"

namespace vetted::server::library {

// The library's state, shared by its handlers; lives as long as the router.
struct Context {
  newsroom::Library library;
  const util::Clock* clock;
};

// A posted form, urlencoded or multipart/form-data.
struct Form {
  std::string_view body;  // the request's (must outlive the Form)
  bool multipart = false;
  std::vector<FormPart> parts;
  // A field's value ("" when absent); line ends as "\n" when `text`.
  std::string Value(std::string_view name, bool text = false) const;
  const FormPart* Part(std::string_view name) const { return multipart ? FindPart(parts, name) : nullptr; }
};
// kInvalid naming the problem for a multipart body that is not well formed.
Result<Form> ReadForm(const Request& req);

// The HTTP status for a service's Status: 403, 400, 404, 409 or 500.
int HttpStatus(const Status& status);

// <p class="admin-note" role="status">text</p>, escaped; "" for "".
std::string Note(std::string_view text);
// A page under /admin/library/ (up = "../").
Response LibraryPage(const Request& req, int status, std::string_view title, const std::string& main_html);
// The hidden csrf field of a form.
std::string CsrfField(const Request& req);

// The pages (library.cc, library_files.cc, library_images.cc). `alert`: a
// refusal to show (with `status`); `kept`: the refused form's values.
Response ReferencesPage(Context& ctx, const Request& req, int status = 200, std::string_view alert = "",
                        std::string_view kept = "");
Response PostReferences(Context& ctx, const Request& req);
Response PeoplePage(Context& ctx, const Request& req, int status = 200, std::string_view alert = "",
                    const Form* kept = nullptr);
Response PostPeople(Context& ctx, const Request& req);
Response GlossaryPage(Context& ctx, const Request& req, int status = 200, std::string_view alert = "",
                      const Form* kept = nullptr);
Response PostGlossary(Context& ctx, const Request& req);
Response CalloutsPage(Context& ctx, const Request& req, int status = 200, std::string_view alert = "",
                      const Form* kept = nullptr);
Response PostCallouts(Context& ctx, const Request& req);
Response ImagesPage(Context& ctx, const Request& req, int status = 200, std::string_view alert = "");
Response PostImages(Context& ctx, const Request& req);
Response ImagesJson(Context& ctx, const Request& req);

}  // namespace vetted::server::library
