// Internal to server/admin/: an uploaded picture made into the responsive
// sizes pages use (the library's images, docs/guide-library.md). The one
// place that uses libvips (image_resize.cc); nothing else includes its headers.
//
// Thread safety: ResizeImage may be called from several threads at once
// (libvips is initialised once, on first use).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace vetted::server::admin {

// The widths made of each upload (pixels), never wider than the original:
// widths above it are left out, and an original narrower than the first
// width is kept at its own width.
inline constexpr int kImageWidths[] = {480, 960, 1600};
// The largest picture taken (pixels in all), so a small file that decodes
// into a huge one costs little.
inline constexpr long long kMaxImagePixels = 40'000'000;
// WebP's largest side (pixels).
inline constexpr int kMaxWebpSide = 16383;

struct ResizedImage {
  int width = 0, height = 0;
  std::string bytes;  // WebP
};

// "png", "jpeg", "gif", "webp" from the first bytes; "" for anything else.
std::string_view SniffImage(std::string_view bytes);

// Decodes a PNG, JPEG, GIF or WebP (its first frame; turned upright by its
// EXIF orientation) and makes one WebP (quality 80, metadata stripped) per
// width above, narrowest first, each with its width and height (the aspect
// ratio kept). kInvalid with a sentence for anything else: not one of those
// formats, a file that does not decode, more than kMaxImagePixels, taller
// than kMaxWebpSide at the narrowest size made.
Result<std::vector<ResizedImage>> ResizeImage(std::string_view bytes);

// The width and height an image file declares, as libvips reads it ({0, 0}
// for anything that is not an image).
struct ImageDimensions {
  int width = 0, height = 0;
};
ImageDimensions DimensionsOf(std::string_view bytes);

// A PNG of width x height pixels of one colour (for tests and examples).
std::string SolidPng(int width, int height);

}  // namespace vetted::server::admin
