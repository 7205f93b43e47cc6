#include "util/util.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

namespace vetted::util {
namespace {

TEST(UtilTest, Escape) {
  EXPECT_EQ(Escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(Escape("plain"), "plain");
  // Specials before, inside and after a 16-byte block, and the apostrophe argument.
  const std::string long_text = "0123456789abcdef<0123456789abcde'\"tail&";
  std::string out = "x";
  AppendEscaped(out, long_text, "&apos;");
  EXPECT_EQ(out, "x0123456789abcdef&lt;0123456789abcde&apos;&quot;tail&amp;");
  EXPECT_EQ(Escape(std::string(40, 'a') + ">"), std::string(40, 'a') + "&gt;");
}

TEST(UtilTest, Slugify) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"Why you might cry", "why-you-might-cry"},
      {"  Hello, World!  ", "hello-world"},
      {"Don't panic", "dont-panic"},
      {"Step 1: rest", "step-1-rest"},
      {"Ünïcode stays", "Ünïcode-stays"},
      {"---", ""},
      // Invisible and direction-changing characters are dropped like punctuation.
      {"evil\u202Egnp.exe", "evil-gnp-exe"},
      {"java\u200Bscript", "java-script"},
      {"a\u2028b\u00A0c\uFEFF", "a-b-c"},
      {"\u2066x\u2069", "x"},
      {"caf\u00E9 \uFF1Cx\uFF1E", "caf\u00E9-\uFF1Cx\uFF1E"},
  };
  for (const auto& c : cases) EXPECT_EQ(Slugify(c.in), c.out) << c.in;
}

TEST(UtilTest, TrimSplitReplace) {
  EXPECT_EQ(Trim("  a b \n"), "a b");
  auto parts = Split("a,,b", ',');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], "");
  EXPECT_EQ(ReplaceAll("a--b--c", "--", "-"), "a-b-c");
  EXPECT_EQ(UrlEncode("a b&c/é"), "a%20b%26c%2F%C3%A9");
  EXPECT_EQ(Utf8Length("héllo"), 5u);
}

TEST(UtilTest, PercentDecode) {
  struct Case {
    std::string in;
    bool plus_is_space;
    bool ok;
    std::string out;
  };
  const Case cases[] = {
      {"/a%20b/", false, true, "/a b/"}, {"a+b", false, true, "a+b"},
      {"a+b%2B", true, true, "a b+"},    {"%C3%A9", false, true, "\xC3\xA9"},
      {"%zz+x", true, false, "%zz x"},   {"end%2", false, false, "end%2"},
      {"%", false, false, "%"},          {"%2e%2E", false, true, ".."},
  };
  for (const Case& c : cases) {
    std::string out = "old";
    EXPECT_EQ(PercentDecode(c.in, &out, c.plus_is_space), c.ok) << c.in;
    EXPECT_EQ(out, c.out) << c.in;
  }
  EXPECT_TRUE(EqualsIgnoreCase("Content-Length", "content-LENGTH"));
  EXPECT_FALSE(EqualsIgnoreCase("gzip", "gzip2"));
}

TEST(UtilTest, Sha256) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(UtilTest, Sha256InPiecesEqualsOneShot) {
  std::string long_text(100000, 'x');
  for (size_t i = 0; i < long_text.size(); i += 7) long_text[i] = static_cast<char>('a' + i % 26);
  struct Case {
    std::vector<std::string_view> pieces;
    std::string whole;
  };
  std::string_view l = long_text;
  const Case cases[] = {
      {{}, ""},
      {{"", "abc", ""}, "abc"},
      {{"a", "b", "c"}, "abc"},
      {{l.substr(0, 63), l.substr(63, 65), l.substr(128)}, long_text},
  };
  for (const Case& c : cases) {
    Sha256 h;
    for (std::string_view p : c.pieces) h.Update(p);
    std::string digest = h.HexDigest();
    EXPECT_EQ(digest, Sha256Hex(c.whole));
    EXPECT_EQ(h.HexDigest(), digest);  // a second call returns the same digest
    h.Update("more");                  // ignored once finished
    EXPECT_EQ(h.HexDigest(), digest);
  }
}

TEST(UtilTest, ParallelForVisitsEachIndexOnce) {
  std::vector<std::atomic<int>> seen(1000);
  ParallelFor(seen.size(), [&](size_t i) { seen[i]++; });
  for (auto& s : seen) EXPECT_EQ(s.load(), 1);
  ParallelFor(0, [&](size_t) { FAIL(); });
}

TEST(UtilTest, EditDistanceAndClosestMatch) {
  struct Case {
    const char* a;
    const char* b;
    size_t distance;
  };
  for (const Case& c :
       {Case{"", "", 0}, Case{"abc", "", 3}, Case{"kitten", "sitting", 3}, Case{"Priya", "priya", 0},
        Case{"priya-natrajan", "priya-nair", 5}, Case{"buidl", "build", 2}}) {
    EXPECT_EQ(EditDistance(c.a, c.b), c.distance) << c.a << " / " << c.b;
    EXPECT_EQ(EditDistance(c.b, c.a), c.distance) << c.b << " / " << c.a;
  }
  std::vector<std::string> commands = {"build", "check", "import", "serve", "export"};
  EXPECT_EQ(ClosestMatch("biuld", commands), "build");
  EXPECT_EQ(ClosestMatch("serv", commands), "serve");
  EXPECT_EQ(ClosestMatch("xyz", commands), "");
  EXPECT_EQ(ClosestMatch("build", commands), "");  // an exact match is no suggestion
  EXPECT_EQ(ClosestMatch("samuel-adeyem", {"samuel-adeyemi", "maya-okafor"}), "samuel-adeyemi");
  EXPECT_EQ(ClosestMatch("anything", {}), "");
}

TEST(UtilTest, Utf8DecodeEncode) {
  struct Case {
    std::string bytes;
    long length;  // ValidUtf8Length
  };
  for (const Case& c : {Case{"", 0}, Case{"abc", 3}, Case{"caf\xC3\xA9", 4}, Case{"\xE2\x82\xAC", 1},
                        Case{"\xF0\x9F\x98\x80", 1}, Case{"\xC3", -1}, Case{"\x80", -1},
                        Case{"\xC0\xAF", -1},          // overlong '/'
                        Case{"\xE0\x80\xAF", -1},      // overlong
                        Case{"\xED\xA0\x80", -1},      // a surrogate
                        Case{"\xF4\x90\x80\x80", -1},  // above U+10FFFF
                        Case{"\xE2\x82", -1},
                        Case{"a\xFF"
                             "b",
                             -1}}) {
    EXPECT_EQ(ValidUtf8Length(c.bytes), c.length) << testing::PrintToString(c.bytes);
  }
  // Decoding an invalid byte gives U+FFFD and steps one byte.
  char32_t cp = 0;
  bool valid = true;
  EXPECT_EQ(DecodeUtf8("\xE2\x82"
                       "A",
                       0, &cp, &valid),
            1u);
  EXPECT_FALSE(valid);
  EXPECT_EQ(cp, U'\uFFFD');
  EXPECT_EQ(DecodeUtf8("\xF0\x9F\x98\x80", 0, &cp, &valid), 4u);
  EXPECT_TRUE(valid);
  EXPECT_EQ(cp, U'\U0001F600');
  // Encoding round-trips every boundary, and refuses surrogates.
  for (char32_t c :
       {U'\u0000', U'\u007F', U'\u0080', U'\u07FF', U'\u0800', U'\uFFFF', U'\U00010000', U'\U0010FFFF'}) {
    std::string out;
    AppendUtf8(out, c);
    char32_t back = 0;
    EXPECT_EQ(DecodeUtf8(out, 0, &back, &valid), out.size());
    EXPECT_TRUE(valid);
    EXPECT_EQ(back, c);
  }
  std::string out;
  AppendUtf8(out, 0xD800);
  EXPECT_EQ(out, "\xEF\xBF\xBD");
}

// AppendJsonString is the hand-written JSON of the hot paths: it must write
// what nlohmann-json writes (dump() without ensure_ascii, invalid UTF-8
// replaced), for every kind of string.
TEST(UtilTest, JsonStringIsWhatNlohmannWrites) {
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
  const std::string cases[] = {"",
                               "plain",
                               "say \"hi\"",
                               "back\\slash /",
                               controls,
                               "tab\tnew\nline\r",
                               "\x7F del",
                               "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
                               "</script><!--",
                               "\xEF\xBF\xBD itself",
                               "\x80 stray",
                               "\xC3",
                               "ab\xC3",
                               "\xE2\x82",
                               "\xE2\x82"
                               "A",
                               "\xF0\x9F\x98",
                               "\xF0\x9F\x98"
                               "x",
                               "\xC0\xAF overlong",
                               "\xE0\x80\xAF",
                               "\xED\xA0\x80 surrogate",
                               "\xF4\x90\x80\x80 too high",
                               "\xF5\xFF\xFE",
                               "\xC3\xC3\xA9",
                               "\xE2\x28\xA1",
                               "a\xFF"
                               "b\x01\"",
                               std::string("nul\0inside", 11)};
  for (const std::string& s : cases) {
    std::string ours;
    AppendJsonString(ours, s);
    std::string theirs = nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    EXPECT_EQ(ours, theirs) << testing::PrintToString(s);
  }
  // Nested in an object and an array, as the JSON-LD writer uses it.
  nlohmann::ordered_json j = {{"name", "x\"y\xE2\x82"}, {"list", {"a", "\n"}}};
  std::string ours = "{\"name\":";
  AppendJsonString(ours, "x\"y\xE2\x82");
  ours += ",\"list\":[";
  AppendJsonString(ours, "a");
  ours += ',';
  AppendJsonString(ours, "\n");
  ours += "]}";
  EXPECT_EQ(ours, j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

TEST(UtilTest, ClockAndUtcFormats) {
  FixedClock clock(1795672862);  // 2026-11-26T06:01:02Z, a Thursday
  EXPECT_EQ(FormatIsoUtc(clock.NowSeconds()), "2026-11-26T06:01:02Z");
  EXPECT_EQ(FormatIsoDate(clock.NowSeconds()), "2026-11-26");
  EXPECT_EQ(FormatHttpDate(clock.NowSeconds()), "Thu, 26 Nov 2026 06:01:02 GMT");
  clock.Advance(86400 * 6);
  EXPECT_EQ(FormatIsoDate(clock.NowSeconds()), "2026-12-02");
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_GT(SystemClock().NowSeconds(), 1795672862 - 86400 * 400);
}

}  // namespace
}  // namespace vetted::util
