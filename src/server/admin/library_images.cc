// The library's images: an upload (with required alternative text and
// credit) made into responsive WebP sizes (image_resize.h), stored as site
// files under static/images/ and recorded in library/images.json, and the
// list of what was uploaded.
#include <nlohmann/json.hpp>
#include <set>

#include "server/admin/image_resize.h"
#include "server/admin/internal.h"
#include "server/admin/library_internal.h"
#include "util/util.h"

namespace vetted::server::library {

namespace {

using Json = nlohmann::ordered_json;
using admin::kImageWidths;
using admin::ResizedImage;
using admin::ResizeImage;

// The largest image file taken (the route's body limit, kImageUploadLimit,
// leaves room for the form's other fields).
constexpr size_t kMaxImageBytes = 8 * 1024 * 1024;

std::string Esc(std::string_view s) {
  return util::Escape(s);
}

std::string Trimmed(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// The record (library/images.json) among `files`: an array of images, oldest first.
Json RecordIn(const std::vector<store::SourceFile>& files) {
  for (const store::SourceFile& f : files)
    if (f.path == newsroom::kImagesFile) {
      Json list = Json::parse(f.bytes, nullptr, false);
      return list.is_array() ? list : Json::array();
    }
  return Json::array();
}

Result<Json> ImageRecord(Context& ctx) {
  Result<store::Snapshot> snapshot = ctx.library.Files();
  if (!snapshot.ok()) return snapshot.status();
  return RecordIn(snapshot->files);
}

// A file name stem from the uploaded name: lowercase letters, digits, hyphens.
std::string Stem(std::string_view filename) {
  size_t slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  filename = filename.substr(0, filename.rfind('.'));
  std::string out;
  for (char c : filename) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool keep = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (keep)
      out += l;
    else if (!out.empty() && out.back() != '-')
      out += '-';
    if (out.size() >= 60) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "image" : out;
}

std::string Kilobytes(size_t bytes) {
  return std::to_string((bytes + 1023) / 1024) + " KB";
}

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Response ImagesPage(Context& ctx, const Request& req, int status, std::string_view alert) {
  Result<Json> record = ImageRecord(ctx);
  if (!record.ok()) return admin::Refuse(req, 500, record.status().message(), "admin_library");
  std::string html = "<h1>Images</h1>\n" + admin::Alert(alert);
  if (std::string saved = QueryValue(req.Query(), "saved"); !saved.empty() && Stem(saved) == saved)
    html += Note("Image " + saved + " uploaded; its sizes are on the site once it reloads.");
  html += "<p>Each picture is kept in web sizes (up to " + std::to_string(kImageWidths[0]) + ", " +
          std::to_string(kImageWidths[1]) + " and " + std::to_string(kImageWidths[2]) +
          " pixels wide, never wider than the original) as WebP. Use a size in an article's front matter as "
          "shown; the page gets its width and height from the file.</p>\n";
  if (record->empty()) {
    html += "<p>Nothing here yet.</p>\n";
  } else {
    html +=
        "<table>\n<thead><tr><th scope=\"col\">Image</th><th scope=\"col\">Alternative text and credit</th>"
        "<th scope=\"col\">Sizes</th><th scope=\"col\">Front matter</th></tr></thead>\n<tbody>\n";
    for (const Json& image : *record) {
      std::string name = image.value("name", ""), alt = image.value("alt", ""),
                  credit = image.value("credit", "");
      const Json sizes = image.value("sizes", Json::array());
      std::string first, middle;
      std::string list = "<ul>\n";
      for (const Json& s : sizes) {
        std::string src = s.value("src", "");
        if (first.empty()) first = src;
        if (s.value("width", 0) <= kImageWidths[1] || middle.empty())
          middle = src;  // the size an article uses
        list += "<li>" + std::to_string(s.value("width", 0)) + " × " + std::to_string(s.value("height", 0)) +
                " pixels, " + Kilobytes(s.value("bytes", 0)) + ": <code>" + Esc(src) + "</code></li>\n";
      }
      list += "</ul>";
      // Relative to /admin/library/images: the site's root is two folders up.
      std::string preview = first.empty() ? ""
                                          : "<img src=\"../.." + Esc(first) + "\" alt=\"" + Esc(alt) +
                                                "\" width=\"160\" loading=\"lazy\">";
      html += "<tr><td>" + preview + "<br><code>" + Esc(name) + "</code></td><td>" + Esc(alt) +
              "<br>Credit: " + Esc(credit) + "</td><td>" + list +
              "</td><td><code>image: {src: " + Esc(middle) + ", alt: " + Esc(Quoted(alt)) +
              ", credit: " + Esc(Quoted(credit)) + "}</code></td></tr>\n";
    }
    html += "</tbody>\n</table>\n";
  }
  if (newsroom::MayChangeLibrary(req.actor, newsroom::LibraryPart::kImages)) {
    html +=
        "<h2>Upload an image</h2>\n<form method=\"post\" action=\"images\" "
        "enctype=\"multipart/form-data\">\n" +
        CsrfField(req) +
        "<p><label for=\"image\">Image file</label>\n"
        "<input type=\"file\" id=\"image\" name=\"image\" "
        "accept=\"image/png,image/jpeg,image/gif,image/webp\" "
        "aria-describedby=\"image-hint\" required>\n<span id=\"image-hint\">PNG, JPEG, GIF or WebP, at "
        "most " +
        std::to_string(kMaxImageBytes / (1024 * 1024)) +
        " MB.</span></p>\n"
        "<p><label for=\"alt\">Alternative text</label>\n"
        "<input type=\"text\" id=\"alt\" name=\"alt\" size=\"60\" aria-describedby=\"alt-hint\" required>\n"
        "<span id=\"alt-hint\">What the picture shows, for readers who cannot see it.</span></p>\n"
        "<p><label for=\"credit\">Credit</label>\n"
        "<input type=\"text\" id=\"credit\" name=\"credit\" size=\"60\" aria-describedby=\"credit-hint\" "
        "required>\n<span id=\"credit-hint\">Who made it, e.g. \"Photo: Ana Lee\".</span></p>\n"
        "<p><button type=\"submit\">Upload image</button></p>\n</form>\n";
  }
  return LibraryPage(req, status, "Images", html);
}

Response PostImages(Context& ctx, const Request& req) {
  Result<Form> form = ReadForm(req);
  if (!form.ok()) return ImagesPage(ctx, req, 400, form.status().message());
  if (!newsroom::MayChangeLibrary(req.actor, newsroom::LibraryPart::kImages))
    return ImagesPage(ctx, req, 403, "Only writers and editors may upload images.");
  const FormPart* file = form->Part("image");
  if (!form->multipart || file == nullptr || file->body.empty())
    return ImagesPage(ctx, req, 400, "Choose an image file to upload.");
  std::string alt = Trimmed(form->Value("alt")), credit = Trimmed(form->Value("credit"));
  if (alt.empty())
    return ImagesPage(
        ctx, req, 400,
        "Alternative text is required: say what the picture shows, for readers who cannot see it.");
  if (credit.empty()) return ImagesPage(ctx, req, 400, "A credit is required: say who made the picture.");
  // The record is JSON, which holds only UTF-8 text (a browser always sends it).
  if (util::ValidUtf8Length(alt) < 0 || util::ValidUtf8Length(credit) < 0)
    return ImagesPage(ctx, req, 400, "The alternative text and the credit must be UTF-8 text.");
  if (file->body.size() > kMaxImageBytes)
    return ImagesPage(ctx, req, 400,
                      "The file is too large: at most " + std::to_string(kMaxImageBytes / (1024 * 1024)) +
                          " MB are taken.");
  Result<std::vector<ResizedImage>> sizes = ResizeImage(file->body);
  if (!sizes.ok())
    return ImagesPage(ctx, req, HttpStatus(sizes.status()), "Image file: " + sizes.status().message() + ".");

  const std::string stem = Stem(file->filename), at = util::FormatIsoUtc(ctx.clock->NowSeconds());
  std::string name;
  newsroom::LibraryChange change;
  change.part = newsroom::LibraryPart::kImages;
  change.action = "library.image.upload";
  // Named and recorded inside the transaction, so two uploads never take one name.
  change.edit = [&](const std::vector<store::SourceFile>& files, newsroom::LibraryChange& c) -> Status {
    Json record = RecordIn(files);
    std::set<std::string> taken;
    for (const Json& image : record) taken.insert(image.value("name", ""));
    name = stem;
    for (int n = 2; taken.count(name) > 0; ++n) name = stem + "-" + std::to_string(n);
    c.detail = name + ":";
    Json entry = {{"name", name},          {"alt", alt},
                  {"credit", credit},      {"uploaded_at", at},
                  {"by", req.actor.email}, {"sizes", Json::array()}};
    for (const ResizedImage& r : *sizes) {
      std::string file_name = name + "-" + std::to_string(r.width) + ".webp";
      entry["sizes"].push_back({{"src", "/images/" + file_name},
                                {"width", r.width},
                                {"height", r.height},
                                {"bytes", r.bytes.size()},
                                {"type", "image/webp"}});
      c.detail += " " + std::to_string(r.width) + "x" + std::to_string(r.height);
      c.put.push_back({"static/images/" + file_name, r.bytes});
    }
    record.push_back(std::move(entry));
    c.put.push_back({std::string(newsroom::kImagesFile), record.dump(2) + "\n"});
    return Status::Ok();
  };
  if (Status s = ctx.library.Change(req.actor, change); !s.ok())
    return ImagesPage(ctx, req, HttpStatus(s), s.message());
  return Redirect(303, "images?saved=" + name, "admin_library");
}

Response ImagesJson(Context& ctx, const Request& req) {
  Result<Json> record = ImageRecord(ctx);
  if (!record.ok()) return JsonError(500, record.status().message(), "admin_library");
  return JsonResponse(200, *record, "admin_library");
}

}  // namespace vetted::server::library
