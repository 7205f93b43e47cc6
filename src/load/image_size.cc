// Image headers: only the few bytes that carry the dimensions, each read
// checked against the buffer's end.
#include "load/image_size.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <string>

#include "load/load.h"
#include "util/util.h"

namespace vetted::load {
namespace {

constexpr int kMaxSide = 1 << 16;  // anything larger is not a web image we trust

class Bytes {
 public:
  explicit Bytes(std::string_view b) : b_(b) {}
  bool Has(size_t at, size_t n) const { return at <= b_.size() && n <= b_.size() - at; }
  uint32_t U8(size_t at) const { return Has(at, 1) ? static_cast<unsigned char>(b_[at]) : 0; }
  uint32_t Be16(size_t at) const { return U8(at) << 8 | U8(at + 1); }
  uint32_t Le16(size_t at) const { return U8(at) | U8(at + 1) << 8; }
  uint32_t Le24(size_t at) const { return Le16(at) | U8(at + 2) << 16; }
  uint32_t Be32(size_t at) const { return Be16(at) << 16 | Be16(at + 2); }
  bool Is(size_t at, std::string_view s) const {
    return Has(at, s.size()) && b_.compare(at, s.size(), s) == 0;
  }
  size_t size() const { return b_.size(); }

 private:
  std::string_view b_;
};

ImageSize Checked(uint64_t w, uint64_t h) {
  if (w == 0 || h == 0 || w > kMaxSide || h > kMaxSide) return {};
  return {static_cast<int>(w), static_cast<int>(h)};
}

ImageSize Png(const Bytes& b) {
  if (!b.Has(0, 24) || !b.Is(12, "IHDR")) return {};
  return Checked(b.Be32(16), b.Be32(20));
}

ImageSize Gif(const Bytes& b) {
  if (!b.Has(0, 10)) return {};
  return Checked(b.Le16(6), b.Le16(8));
}

// Walks the marker segments up to the first start-of-frame (SOF0..SOF15
// except DHT C4, JPG C8 and DAC CC); stops at the scan or the end.
ImageSize Jpeg(const Bytes& b) {
  size_t at = 2;
  for (int segments = 0; segments < 1024 && b.Has(at, 4); ++segments) {
    if (b.U8(at) != 0xFF) return {};
    uint32_t marker = b.U8(at + 1);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // no length
      at += 2;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return {};  // end, or scan data before any frame
    uint32_t length = b.Be16(at + 2);
    if (length < 2) return {};
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      if (!b.Has(at + 4, 5)) return {};
      return Checked(b.Be16(at + 7), b.Be16(at + 5));  // precision, height, width
    }
    at += 2 + length;
  }
  return {};
}

ImageSize WebP(const Bytes& b) {
  if (!b.Is(8, "WEBP")) return {};
  if (b.Is(12, "VP8 ")) {  // lossy: frame tag (3), start code 9D 01 2A, 14-bit sizes
    if (!b.Has(20, 10) || b.U8(23) != 0x9D || b.U8(24) != 0x01 || b.U8(25) != 0x2A) return {};
    return Checked(b.Le16(26) & 0x3FFF, b.Le16(28) & 0x3FFF);
  }
  if (b.Is(12, "VP8L")) {  // lossless: signature 0x2F, then 14 + 14 bits (minus one)
    if (!b.Has(20, 5) || b.U8(20) != 0x2F) return {};
    uint32_t bits = b.U8(21) | b.U8(22) << 8 | b.U8(23) << 16 | b.U8(24) << 24;
    return Checked((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (b.Is(12, "VP8X")) {  // extended: flags (4), then 24-bit canvas sizes (minus one)
    if (!b.Has(20, 10)) return {};
    return Checked(uint64_t{b.Le24(24)} + 1, uint64_t{b.Le24(27)} + 1);
  }
  return {};
}

// The value of attribute `name` in an SVG start tag ("" when absent).
std::string_view Attribute(std::string_view tag, std::string_view name) {
  for (size_t p = tag.find(name); p != std::string_view::npos; p = tag.find(name, p + 1)) {
    char before = p > 0 ? tag[p - 1] : ' ';
    size_t eq = p + name.size();
    if (!(before == ' ' || before == '\n' || before == '\t' || before == '\r')) continue;
    while (eq < tag.size() && tag[eq] == ' ') ++eq;
    if (eq >= tag.size() || tag[eq] != '=') continue;
    ++eq;
    while (eq < tag.size() && tag[eq] == ' ') ++eq;
    if (eq >= tag.size() || (tag[eq] != '"' && tag[eq] != '\'')) return {};
    size_t end = tag.find(tag[eq], eq + 1);
    if (end == std::string_view::npos) return {};
    return tag.substr(eq + 1, end - eq - 1);
  }
  return {};
}

// A length in CSS pixels: "120", "120px", "120.5"; 0 for %, em and others.
double Pixels(std::string_view v) {
  v = util::Trim(v);
  if (util::EndsWith(v, "px")) v.remove_suffix(2);
  if (v.empty() || v.size() > 16) return 0;
  double value = 0, scale = 0;
  for (char c : v) {
    if (c == '.' && scale == 0) {
      scale = 1;
    } else if (c >= '0' && c <= '9') {
      value = value * 10 + (c - '0');
      if (scale != 0) scale *= 10;
    } else {
      return 0;
    }
  }
  return scale > 0 ? value / scale : value;
}

ImageSize Svg(std::string_view text) {
  size_t open = text.find("<svg");
  if (open == std::string_view::npos) return {};
  size_t close = text.find('>', open);
  if (close == std::string_view::npos) return {};
  std::string_view tag = text.substr(open + 4, close - open - 4);
  double w = Pixels(Attribute(tag, "width")), h = Pixels(Attribute(tag, "height"));
  if (w <= 0 || h <= 0) {
    std::string_view box = Attribute(tag, "viewBox");
    double v[4] = {0, 0, 0, 0};
    size_t at = 0;
    for (int i = 0; i < 4; ++i) {
      while (at < box.size() && (box[at] == ' ' || box[at] == ',')) ++at;
      size_t end = box.find_first_of(" ,", at);
      if (end == std::string_view::npos) end = box.size();
      v[i] = Pixels(box.substr(at, end - at));
      at = end;
    }
    w = v[2];
    h = v[3];
  }
  if (!(w >= 1 && h >= 1 && w <= kMaxSide && h <= kMaxSide)) return {};
  return Checked(static_cast<uint64_t>(std::lround(w)), static_cast<uint64_t>(std::lround(h)));
}

}  // namespace

ImageSize ImageSizeOf(std::string_view bytes) {
  bytes = bytes.substr(0, std::min<size_t>(bytes.size(), 1 << 20));  // headers are near the start
  Bytes b(bytes);
  if (b.Is(0, "\x89PNG\r\n\x1a\n")) return Png(b);
  if (b.Is(0, "GIF87a") || b.Is(0, "GIF89a")) return Gif(b);
  if (b.U8(0) == 0xFF && b.U8(1) == 0xD8) return Jpeg(b);
  if (b.Is(0, "RIFF")) return WebP(b);
  std::string_view head = bytes.substr(0, std::min<size_t>(bytes.size(), 64 * 1024));
  if (head.find("<svg") != std::string_view::npos) return Svg(head);
  return {};
}

void AddImageSizes(Site& site, const FileSystem& fs) {
  std::map<std::string, const StaticFile*, std::less<>> files;
  for (const StaticFile& f : site.static_files) files.emplace(f.relative_path, &f);
  std::map<std::string, ImageSize, std::less<>> sizes;
  auto fill = [&](Image& image) {
    std::string_view src = image.src;
    if (src.size() < 2 || src[0] != '/' || src[1] == '/') return;  // only site paths
    src = src.substr(1);
    src = src.substr(0, src.find_first_of("?#"));
    auto it = sizes.find(src);
    if (it == sizes.end()) {
      ImageSize size;
      auto file = files.find(src);
      if (file != files.end()) {
        auto bytes = fs.Read(file->second->source_path);
        if (bytes.ok()) size = ImageSizeOf(bytes.value());
      }
      it = sizes.emplace(std::string(src), size).first;
    }
    image.width = it->second.width;
    image.height = it->second.height;
  };
  for (Article& a : site.articles)
    if (!a.image.src.empty()) fill(a.image);
  for (auto& [id, p] : site.people)
    if (!p.image.src.empty()) fill(p.image);
}

}  // namespace vetted::load
