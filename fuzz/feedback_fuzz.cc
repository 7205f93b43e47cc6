// Reader feedback on arbitrary bytes: ParseFeedbackJson, ParseFeedbackForm and
// MaskPersonalData. Nothing may crash or trip a sanitizer; every accepted
// submission keeps the limits of feedback.h, and an accepted submission sent
// again the other way (form -> JSON, JSON -> form) is read the same. Masking
// keeps UTF-8 valid, is idempotent, and leaves nothing shaped like an email
// address nor a bare run of 7+ digits that the scanner should have taken for a
// phone number.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "server/feedback.h"

namespace {

using vetted::Result;
using vetted::server::FeedbackInput;

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "feedback_fuzz: invariant broken: %s\n", what);
  std::abort();
}

// Code points in s when it is valid UTF-8 (shortest form, no surrogates, at
// most U+10FFFF); -1 otherwise. Written apart from feedback.cc's check.
long CodePoints(std::string_view s) {
  long count = 0;
  for (size_t i = 0; i < s.size(); ++count) {
    auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return -1;
    uint32_t cp = len == 1 ? b : b & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return -1;
      cp = cp << 6 | (c & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += len;
  }
  return count;
}

void CheckAccepted(const FeedbackInput& in) {
  Require(!in.article.empty() && in.article[0] == '/', "article starts with '/'");
  Require(in.article.size() <= vetted::server::kMaxArticleBytes, "article within 512 bytes");
  for (char ch : in.article) {
    auto c = static_cast<unsigned char>(ch);
    Require(c >= 0x20 && c != 0x7F, "article has no control bytes");
  }
  Require(CodePoints(in.article) >= 0, "article is UTF-8");
  Require(in.revision.size() <= vetted::server::kMaxRevisionBytes, "revision within 128 bytes");
  for (char c : in.revision) Require(c > 0x20 && c < 0x7F, "revision is printable ASCII");
  Require(in.category == "helpful" || in.category == "error" || in.category == "other", "category");
  long chars = CodePoints(in.comment);
  Require(chars >= 0, "comment is UTF-8");
  Require(static_cast<size_t>(chars) <= vetted::server::kMaxCommentChars, "comment within 2000 chars");
}

void CheckRefused(const Result<FeedbackInput>& r) {
  Require(r.status().code() == vetted::Code::kInvalid, "refusal is kInvalid");
  Require(!r.status().message().empty(), "refusal has a message");
}

bool Same(const FeedbackInput& a, const FeedbackInput& b) {
  return a.article == b.article && a.revision == b.revision && a.helpful == b.helpful &&
         a.category == b.category && a.comment == b.comment && a.honeypot_filled == b.honeypot_filled;
}

std::string FormEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

// An accepted submission, sent again as JSON and as a form, reads the same.
void CheckRoundTrips(const FeedbackInput& in) {
  nlohmann::json j = {{"article", in.article},   {"helpful", in.helpful},
                      {"category", in.category}, {"comment", in.comment},
                      {"revision", in.revision}, {"website", in.honeypot_filled ? "x" : ""}};
  Result<FeedbackInput> from_json = vetted::server::ParseFeedbackJson(j.dump());
  Require(from_json.ok() && Same(*from_json, in), "accepted submission reads the same as JSON");
  std::string form = "article=" + FormEncode(in.article) + "&helpful=" + (in.helpful ? "yes" : "no") +
                     "&category=" + FormEncode(in.category) + "&comment=" + FormEncode(in.comment) +
                     "&revision=" + FormEncode(in.revision) + "&website=" + (in.honeypot_filled ? "x" : "");
  Result<FeedbackInput> from_form = vetted::server::ParseFeedbackForm(form);
  Require(from_form.ok() && Same(*from_form, in), "accepted submission reads the same as a form");
}

void CheckParsed(const Result<FeedbackInput>& r) {
  if (!r.ok()) return CheckRefused(r);
  CheckAccepted(*r);
  CheckRoundTrips(*r);
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlnum(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsLocal(char c) {
  return IsAlnum(c) || std::string_view("._%+-").find(c) != std::string_view::npos;
}

// "local@domain.tld" as feedback.h describes it: a local part with something
// other than dots, then a domain of non-empty labels whose last label has two
// or more letters. Any such prefix of the text after '@' counts (the text
// may go on with ".2024" or "-x"): a dot, not the first byte and before any
// "..", followed by 2+ letters that end the run or are followed by '.' or '-'.
bool EmailAt(std::string_view s, size_t at) {
  size_t b = at;
  bool local = false;
  while (b > 0 && IsLocal(s[b - 1])) local |= s[--b] != '.';
  auto domain_byte = [&](size_t i) { return i < s.size() && (IsAlnum(s[i]) || s[i] == '.' || s[i] == '-'); };
  if (!local || !domain_byte(at + 1) || s[at + 1] == '.') return false;
  for (size_t i = at + 2; domain_byte(i); ++i) {
    if (s[i] != '.') continue;
    if (s[i - 1] == '.') return false;
    size_t k = i + 1;
    while (k < s.size() && IsAlnum(s[k]) && !IsDigit(s[k])) ++k;
    if (k - i - 1 >= 2 && (!domain_byte(k) || s[k] == '.' || s[k] == '-')) return true;
  }
  return false;
}

// A run of 7+ digits survives masking only glued to a letter or digit before
// it, or as one side of a decimal ("3.1415926").
bool PhoneLeft(std::string_view s) {
  for (size_t b = 0; b < s.size();) {
    if (!IsDigit(s[b])) {
      ++b;
      continue;
    }
    size_t e = b;
    while (e < s.size() && IsDigit(s[e])) ++e;
    bool glued = b > 0 && IsAlnum(s[b - 1]);
    bool decimal = (b >= 2 && s[b - 1] == '.' && IsDigit(s[b - 2])) ||
                   (e + 1 < s.size() && s[e] == '.' && IsDigit(s[e + 1]));
    if (e - b >= 7 && !glued && !decimal) return true;
    b = e;
  }
  return false;
}

void CheckMask(std::string_view text) {
  std::string once = vetted::server::MaskPersonalData(text);
  if (CodePoints(text) >= 0) Require(CodePoints(once) >= 0, "masking keeps UTF-8 valid");
  for (size_t at = once.find('@'); at != std::string::npos; at = once.find('@', at + 1)) {
    Require(!EmailAt(once, at), "no email address left after masking");
  }
  Require(!PhoneLeft(once), "no bare 7+ digit run left after masking");
  Require(vetted::server::MaskPersonalData(once) == once, "masking is idempotent");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  CheckParsed(vetted::server::ParseFeedbackJson(data));
  CheckParsed(vetted::server::ParseFeedbackForm(data));
  CheckMask(data);
  return 0;
}
