// Pixel dimensions of an image file, read from its header, so that pages can
// give <img> a width and height (no layout shift while it loads).
#pragma once

#include <string_view>

#include "model/model.h"

namespace vetted::load {

class FileSystem;

struct ImageSize {
  int width = 0, height = 0;  // 0 = unknown
};

// The dimensions declared in the first bytes of a PNG, GIF, JPEG (its first
// SOF marker), WebP (VP8, VP8L or VP8X) or SVG (width/height in px or plain
// numbers, else the viewBox) file. Unknown formats, truncated or malformed
// headers give {0, 0}. Reads only within `bytes`, at most a bounded prefix;
// never throws.
ImageSize ImageSizeOf(std::string_view bytes);

// Sets width and height of every article hero image and person profile image
// whose src names a file of the site's static/ folder ("/images/a.jpg" for
// static/images/a.jpg); each referenced file is read once. Others stay 0.
void AddImageSizes(Site& site, const FileSystem& fs);

}  // namespace vetted::load
