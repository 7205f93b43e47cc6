// The library's image upload (src/server/admin/image_resize.*) on arbitrary
// bytes: SniffImage, DimensionsOf and ResizeImage (libvips decodes, resizes,
// encodes WebP). Invariants: ResizeImage accepts only what SniffImage names;
// an accepted image gives 1 to 3 WebP files, narrowest first, none wider than
// the original nor than the widths asked for, each of positive size with the
// original's aspect ratio (to a pixel); a refusal is kInvalid with a message
// (an upload the server cannot take is the uploader's problem to fix, never a
// 500).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "fuzz/fuzz_util.h"
#include "server/admin/image_resize.h"

using vetted::fuzz::Require;
namespace admin = vetted::server::admin;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view kind = admin::SniffImage(in);
  admin::ImageDimensions dims = admin::DimensionsOf(in);
  if (kind.empty())
    Require(dims.width == 0 && dims.height == 0, "image_fuzz", "no dimensions for a non-image");
  auto sizes = admin::ResizeImage(in);
  if (!sizes.ok()) {
    Require(sizes.status().code() == vetted::Code::kInvalid, "image_fuzz", "a refused upload is kInvalid");
    Require(!sizes.status().message().empty(), "image_fuzz", "a refusal has a message");
    return 0;
  }
  Require(!kind.empty(), "image_fuzz", "only sniffed images are taken");
  Require(!sizes->empty() && sizes->size() <= std::size(admin::kImageWidths), "image_fuzz", "1 to 3 sizes");
  Require(dims.width > 0 && dims.height > 0, "image_fuzz", "an accepted image has dimensions");
  // The sizes are of the upright picture (EXIF orientation may swap the sides).
  if (!sizes->empty() && (*sizes)[0].width > dims.width) std::swap(dims.width, dims.height);
  int last = 0;
  for (const admin::ResizedImage& r : *sizes) {
    Require(r.width > last, "image_fuzz", "narrowest first");
    last = r.width;
    Require(r.width <= dims.width && r.height > 0, "image_fuzz", "never wider than the original");
    Require(r.width <= admin::kImageWidths[std::size(admin::kImageWidths) - 1], "image_fuzz", "at most 1600");
    Require(r.height <= admin::kMaxWebpSide, "image_fuzz", "within WebP's largest side");
    double want = static_cast<double>(dims.height) * r.width / dims.width;
    Require(std::abs(want - r.height) <= 1.0 + want * 0.01, "image_fuzz", "aspect ratio kept");
    Require(r.bytes.size() >= 12 && r.bytes.compare(0, 4, "RIFF") == 0 && r.bytes.compare(8, 4, "WEBP") == 0,
            "image_fuzz", "WebP bytes");
  }
  return 0;
}
