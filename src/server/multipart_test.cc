// multipart/form-data decoding (multipart.h), table-driven.
#include "server/multipart.h"

#include <gtest/gtest.h>

namespace vetted::server {
namespace {

const std::string kType = "multipart/form-data; boundary=XyZ";

TEST(Multipart, DecodesFieldsAndFiles) {
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".bib\"\r\n"
      "Content-Type: application/x-bibtex\r\n\r\n@book{a,\r\n--X\r\n}\r\n"
      "--XyZ\r\ncontent-disposition: FORM-DATA; name=empty\r\n\r\n\r\n"
      "--XyZ--\r\n";
  Result<std::vector<FormPart>> parts = ParseMultipart(kType, body);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].name, "csrf");
  EXPECT_EQ((*parts)[0].body, "tok");
  EXPECT_EQ((*parts)[1].filename, "a \"b\".bib");
  EXPECT_EQ((*parts)[1].content_type, "application/x-bibtex");
  EXPECT_EQ((*parts)[1].body, "@book{a,\r\n--X\r\n}");
  EXPECT_EQ((*parts)[2].name, "empty");
  EXPECT_EQ((*parts)[2].body, "");
  EXPECT_EQ(FindPart(*parts, "file"), &(*parts)[1]);
  EXPECT_EQ(FindPart(*parts, "nope"), nullptr);
}

TEST(Multipart, BinaryBytesAndAPreambleAreKept) {
  std::string bytes("\x89PNG\r\n\x1a\n\0\0\r\n--Xy", 16);
  std::string body =
      "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\n\r\n" +
      bytes + "\r\n--XyZ--";
  Result<std::vector<FormPart>> parts = ParseMultipart("Multipart/Form-Data; boundary=\"XyZ\"", body);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, bytes);
}

TEST(Multipart, RefusesWhatIsNotWellFormed) {
  const std::string disp = "Content-Disposition: form-data; name=\"a\"\r\n\r\nx";
  struct Case {
    const char* name;
    std::string type, body, problem;
  } cases[] = {
      {"not multipart", "application/x-www-form-urlencoded", "a=1", "not sent as multipart"},
      {"no boundary", "multipart/form-data", "--x\r\n", "no boundary"},
      {"boundary too long", "multipart/form-data; boundary=" + std::string(71, 'b'), "", "no boundary"},
      {"no start", kType, "hello", "does not start"},
      {"unclosed part", kType, "--XyZ\r\n" + disp, "ends inside a part"},
      {"no disposition", kType, "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",
       "form-data with a name"},
      {"no name", kType, "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",
       "form-data with a name"},
      {"header without end", kType, "--XyZ\r\nContent-Disposition: form-data; name=a", "does not end"},
      {"header too long", kType, "--XyZ\r\nX: " + std::string(5000, 'h') + "\r\n\r\nx\r\n--XyZ--",
       "too long"},
      {"junk after boundary", kType, "--XyZjunk\r\n" + disp + "\r\n--XyZ--", "line end"},
  };
  for (const Case& c : cases) {
    Result<std::vector<FormPart>> parts = ParseMultipart(c.type, c.body);
    ASSERT_FALSE(parts.ok()) << c.name;
    EXPECT_NE(parts.status().message().find(c.problem), std::string::npos)
        << c.name << ": " << parts.status().message();
  }
  std::string many;
  for (size_t i = 0; i <= kMaxParts; ++i) many += "--XyZ\r\n" + disp + "\r\n";
  many += "--XyZ--";
  EXPECT_NE(ParseMultipart(kType, many).status().message().find("more than"), std::string::npos);
}

TEST(Multipart, RecognizesTheContentType) {
  EXPECT_TRUE(IsMultipartForm("multipart/form-data; boundary=a"));
  EXPECT_TRUE(IsMultipartForm(" MULTIPART/FORM-DATA"));
  EXPECT_FALSE(IsMultipartForm("multipart/mixed; boundary=a"));
  EXPECT_EQ(MultipartBoundary("multipart/form-data; charset=utf-8; boundary=----a b"), "----a b");
}

}  // namespace
}  // namespace vetted::server
