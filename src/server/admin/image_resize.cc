// libvips behind image_resize.h; the only file that includes <vips/vips.h>.
#include "server/admin/image_resize.h"

#include <vips/vips.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace vetted::server::admin {

namespace {

bool InitVips() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    ok = VIPS_INIT("vetted") == 0;
    if (ok) {
      vips_cache_set_max(0);  // every upload is new: nothing to reuse
      vips_concurrency_set(1);
      // A damaged upload is answered with a Status; libvips's own warnings
      // about it would only clutter the server's log.
      g_log_set_handler(
          "VIPS", G_LOG_LEVEL_WARNING, [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {}, nullptr);
    }
  });
  return ok;
}

struct Unref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using Image = std::unique_ptr<VipsImage, Unref>;

std::string VipsError(std::string_view what) {
  std::string message(what);
  vips_error_clear();
  return message;
}

}  // namespace

std::string_view SniffImage(std::string_view b) {
  if (b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "png";
  if (b.substr(0, 3) == "\xFF\xD8\xFF") return "jpeg";
  if (b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a") return "gif";
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return "webp";
  return "";
}

// True when `bytes` look like markup (SVG, XML, HTML): '<' first, after any
// byte-order mark and white space.
static bool LooksLikeMarkup(std::string_view b) {
  if (b.substr(0, 3) == "\xEF\xBB\xBF") b.remove_prefix(3);
  size_t first = b.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && b[first] == '<';
}

Result<std::vector<ResizedImage>> ResizeImage(std::string_view bytes) {
  if (SniffImage(bytes).empty()) {
    if (LooksLikeMarkup(bytes))
      return Status::Invalid(
          "SVG and other markup files are not taken (a drawing can carry script): upload a PNG, JPEG, GIF or "
          "WebP");
    return Status::Invalid("the file is not an image (PNG, JPEG, GIF or WebP are taken)");
  }
  if (!InitVips()) return Status::Internal("libvips could not start");
  void* buf = const_cast<char*>(bytes.data());
  VipsImage* raw = vips_image_new_from_buffer(buf, bytes.size(), "", nullptr);
  if (raw == nullptr)
    return Status::Invalid(VipsError("the image cannot be read (a damaged or partial file?)"));
  Image header(raw);
  int width = vips_image_get_width(header.get()), height = vips_image_get_height(header.get());
  // The thumbnails are turned upright (EXIF orientation): sizes are chosen
  // from the upright picture's width.
  if (vips_image_get_orientation_swap(header.get())) std::swap(width, height);
  if (width <= 0 || height <= 0 || static_cast<long long>(width) * height > kMaxImagePixels)
    return Status::Invalid("the image is too large: at most " + std::to_string(kMaxImagePixels / 1'000'000) +
                           " megapixels are taken");
  std::vector<int> widths;
  for (int w : kImageWidths)
    if (w <= width) widths.push_back(w);
  if (widths.empty()) widths.push_back(width);
  // WebP cannot hold a side over kMaxWebpSide: a picture that would still be
  // taller than that at its narrowest size is refused, not a server error.
  if (static_cast<long long>(height) * widths.front() > static_cast<long long>(kMaxWebpSide) * width)
    return Status::Invalid("the image is too tall for its width: resized, it would be over " +
                           std::to_string(kMaxWebpSide) + " pixels high, more than WebP can hold");
  std::vector<ResizedImage> out;
  for (int w : widths) {
    VipsImage* thumb = nullptr;
    // height: large enough that the width decides; DOWN: never upscales.
    if (vips_thumbnail_buffer(buf, bytes.size(), &thumb, w, "height", 100000, "size", VIPS_SIZE_DOWN,
                              nullptr) != 0)
      return Status::Invalid(VipsError("the image cannot be decoded (a damaged or partial file?)"));
    Image small(thumb);
    // libvips decodes lazily: a file whose header reads well but whose data
    // is damaged fails only when the pixels are needed. Decode them here, so
    // that such a file is the uploader's 400 and a failing encode below is
    // vetted's own error.
    VipsImage* decoded = vips_image_copy_memory(small.get());
    if (decoded == nullptr)
      return Status::Invalid(VipsError("the image cannot be decoded (a damaged or partial file?)"));
    small.reset(decoded);
    void* data = nullptr;
    size_t len = 0;
    if (vips_webpsave_buffer(small.get(), &data, &len, "Q", 80, "strip", TRUE, nullptr) != 0)
      return Status::Internal(VipsError("the image could not be encoded as WebP"));
    ResizedImage r;
    r.width = vips_image_get_width(small.get());
    r.height = vips_image_get_height(small.get());
    r.bytes.assign(static_cast<const char*>(data), len);
    g_free(data);
    out.push_back(std::move(r));
  }
  return out;
}

ImageDimensions DimensionsOf(std::string_view bytes) {
  if (SniffImage(bytes).empty() || !InitVips()) return {};
  VipsImage* raw = vips_image_new_from_buffer(const_cast<char*>(bytes.data()), bytes.size(), "", nullptr);
  if (raw == nullptr) {
    vips_error_clear();
    return {};
  }
  Image image(raw);
  return {vips_image_get_width(image.get()), vips_image_get_height(image.get())};
}

std::string SolidPng(int width, int height) {
  if (!InitVips()) return "";
  VipsImage* black = nullptr;
  if (vips_black(&black, width, height, "bands", 3, nullptr) != 0) return "";
  Image img(black);
  VipsImage* lit = nullptr;
  double add[] = {200, 120, 40};
  double mul[] = {1, 1, 1};
  if (vips_linear(img.get(), &lit, mul, add, 3, "uchar", TRUE, nullptr) != 0) return "";
  Image coloured(lit);
  void* data = nullptr;
  size_t len = 0;
  if (vips_pngsave_buffer(coloured.get(), &data, &len, nullptr) != 0) return "";
  std::string out(static_cast<const char*>(data), len);
  g_free(data);
  return out;
}

}  // namespace vetted::server::admin
