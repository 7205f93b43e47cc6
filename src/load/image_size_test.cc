// Image headers on tiny in-memory files, and the sizes LoadSite fills in.
#include "load/image_size.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "load/load.h"

namespace vetted::load {
namespace {

std::string Be16(int v) {
  return {static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)};
}
std::string Be32(int v) {
  return Be16(v >> 16) + Be16(v & 0xFFFF);
}
std::string Le16(int v) {
  return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
}
std::string Le24(int v) {
  return Le16(v & 0xFFFF) + std::string(1, static_cast<char>(v >> 16));
}
std::string Le32(uint32_t v) {
  return Le16(v & 0xFFFF) + Le16(v >> 16);
}
std::string Bin(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

std::string Png(int w, int h) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + Be32(13) + "IHDR" + Be32(w) + Be32(h) + Bin({8, 6, 0, 0, 0});
}
std::string Jpeg(const std::string& before_frame, int sof, int w, int h) {
  std::string jfif = Bin({0xFF, 0xE0}) + Be16(16) + std::string("JFIF\0\1\1\0\0\1\0\1\0\0", 14);
  return Bin({0xFF, 0xD8}) + jfif + before_frame + Bin({0xFF, sof}) + Be16(17) + Bin({8}) + Be16(h) +
         Be16(w) + Bin({3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1});
}
std::string Riff(const std::string& chunk) {
  return "RIFF" + Le32(4 + chunk.size()) + "WEBP" + chunk;
}

struct Case {
  const char* what;
  std::string bytes;
  int width, height;
};

std::vector<Case> Cases() {
  std::string dht = Bin({0xFF, 0xC4}) + Be16(5) + Bin({0, 1, 2});
  return {
      {"png", Png(640, 480), 640, 480},
      {"gif87", "GIF87a" + Le16(16) + Le16(9) + Bin({0, 0, 0}), 16, 9},
      {"gif89", "GIF89a" + Le16(300) + Le16(2) + Bin({0, 0, 0}), 300, 2},
      {"jpeg baseline", Jpeg("", 0xC0, 1200, 800), 1200, 800},
      {"jpeg progressive after DHT and fill bytes", Jpeg(dht + Bin({0xFF, 0xFF}), 0xC2, 33, 44), 33, 44},
      {"webp lossy",
       Riff("VP8 " + Le32(10) + Bin({0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A}) + Le16(320) + Le16(240)), 320, 240},
      {"webp lossy scale bits ignored",
       Riff("VP8 " + Le32(10) + Bin({0, 0, 0, 0x9D, 0x01, 0x2A}) + Le16(0x4000 | 50) + Le16(0xC000 | 60)), 50,
       60},
      {"webp lossless", Riff("VP8L" + Le32(5) + Bin({0x2F}) + Le32((100 - 1) | (75 - 1) << 14)), 100, 75},
      {"webp extended", Riff("VP8X" + Le32(10) + Le32(0) + Le24(1920 - 1) + Le24(1080 - 1)), 1920, 1080},
      {"svg width height", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"60px\"></svg>",
       120, 60},
      {"svg viewBox", "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 24 12.4\" xmlns=\"x\"/>", 24, 12},
      {"svg percent falls back to viewBox", "<svg width='100%' height='100%' viewBox='0,0,300,150'>", 300,
       150},
      {"svg stroke-width is not width", "<svg stroke-width=\"3\" viewBox=\"0 0 8 9\">", 8, 9},
      {"svg without size", "<svg xmlns=\"x\"><rect/></svg>", 0, 0},
      {"svg em units", "<svg width=\"3em\" height=\"2em\">", 0, 0},
      {"empty", "", 0, 0},
      {"text", "hello, world", 0, 0},
      {"png truncated", Png(640, 480).substr(0, 20), 0, 0},
      {"png zero width", Png(0, 480), 0, 0},
      {"png absurd size", Png(1 << 30, 480), 0, 0},
      {"jpeg scan before frame", Bin({0xFF, 0xD8, 0xFF, 0xDA}) + Be16(2), 0, 0},
      {"jpeg zero length loops not", Bin({0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xC0}), 0, 0},
      {"jpeg garbage after SOI", Bin({0xFF, 0xD8, 0x12, 0x34, 0x56, 0x78}), 0, 0},
      {"jpeg length past end", Bin({0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0xFF, 0xC0}), 0, 0},
      {"webp bad start code", Riff("VP8 " + Le32(10) + Bin({0, 0, 0, 0x9D, 0x01, 0x2B}) + Le16(3) + Le16(3)),
       0, 0},
      {"riff not webp", "RIFF" + Le32(4) + "WAVEfmt ", 0, 0},
  };
}

TEST(ImageSizeTest, Table) {
  for (const Case& c : Cases()) {
    ImageSize s = ImageSizeOf(c.bytes);
    EXPECT_EQ(s.width, c.width) << c.what;
    EXPECT_EQ(s.height, c.height) << c.what;
  }
}

// Every prefix, and random corruptions, of every case: no crash, and either
// nothing or a positive size.
TEST(ImageSizeTest, TruncatedAndCorruptedInputsAreSafe) {
  std::mt19937 rng(7);
  for (const Case& c : Cases()) {
    for (size_t n = 0; n < c.bytes.size(); ++n) {
      ImageSize s = ImageSizeOf(std::string_view(c.bytes).substr(0, n));
      EXPECT_EQ(s.width > 0, s.height > 0) << c.what << " prefix " << n;
    }
    for (int round = 0; round < 200 && !c.bytes.empty(); ++round) {
      std::string b = c.bytes;
      b[rng() % b.size()] = static_cast<char>(rng());
      ImageSize s = ImageSizeOf(b);
      EXPECT_EQ(s.width > 0, s.height > 0) << c.what;
      EXPECT_LE(s.width, 1 << 16);
    }
  }
}

TEST(ImageSizeTest, LoadSiteFillsHeroAndProfileImagesFromStatic) {
  MemoryFileSystem fs;
  fs.Add("site/site.toml", "title = \"T\"\nbase_url = \"https://t.example/\"\n");
  fs.Add("site/content/a/hero.md",
         "---\ntitle: H\ndescription: D\nauthors: [ana]\npublished: 2024-01-01\n"
         "image: {src: /img/hero.png, alt: A hero}\n---\nBody.\n");
  fs.Add("site/content/a/remote.md",
         "---\ntitle: R\ndescription: D\nauthors: [ana]\npublished: 2024-01-01\n"
         "image: {src: \"https://cdn.example/x.png\", alt: Remote}\n---\nBody.\n");
  fs.Add("site/content/a/missing.md",
         "---\ntitle: M\ndescription: D\nauthors: [ana]\npublished: 2024-01-01\n"
         "image: {src: /img/none.png, alt: Missing}\n---\nBody.\n");
  fs.Add("site/people/ana.md", "---\nname: Ana\nimage: {src: /people/ana.gif, alt: Ana}\n---\nBio.\n");
  fs.Add("site/static/img/hero.png", Png(800, 450));
  fs.Add("site/static/people/ana.gif", "GIF89a" + Le16(96) + Le16(128) + Bin({0, 0, 0}));
  auto site = LoadSite("site", fs);
  ASSERT_TRUE(site.ok()) << site.status().message();
  ASSERT_EQ(site->articles.size(), 3u);
  std::map<std::string, std::pair<int, int>> got;
  for (const auto& a : site->articles) got[a.image.src] = {a.image.width, a.image.height};
  EXPECT_EQ(got["/img/hero.png"], std::make_pair(800, 450));
  EXPECT_EQ(got["https://cdn.example/x.png"], std::make_pair(0, 0));
  EXPECT_EQ(got["/img/none.png"], std::make_pair(0, 0));
  const Person& ana = site->people.at("ana");
  EXPECT_EQ(ana.image.width, 96);
  EXPECT_EQ(ana.image.height, 128);
}

}  // namespace
}  // namespace vetted::load
