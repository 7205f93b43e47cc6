#include "util/util.h"

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <new>
#include <thread>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace vetted::util {
namespace {

// The one reading of UTF-8's rules (Unicode 3.9, table 3-7): the length (1-4)
// of the well-formed sequence at s[i], or 0 when it is ill-formed; then *bad
// is the length of its maximal ill-formed part (at least 1: a byte that
// cannot start a sequence, else the lead and the continuation bytes that fit
// before the first that does not, or the rest of s), which a lenient reader
// replaces by one U+FFFD, as nlohmann-json's replace handler does.
size_t Utf8Sequence(std::string_view s, size_t i, size_t* bad) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return 1;
  size_t extra = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the first continuation byte
  if (b >= 0xC2 && b <= 0xDF) {
    extra = 1;
  } else if (b >= 0xE0 && b <= 0xEF) {
    extra = 2;
    if (b == 0xE0) lo = 0xA0;  // overlong
    if (b == 0xED) hi = 0x9F;  // surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    extra = 3;
    if (b == 0xF0) lo = 0x90;  // overlong
    if (b == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    *bad = 1;  // a continuation byte or 0xC0, 0xC1, 0xF5..0xFF: never valid
    return 0;
  }
  for (size_t k = 1; k <= extra; ++k) {
    if (i + k >= s.size()) {
      *bad = s.size() - i;
      return 0;
    }
    const auto c = static_cast<unsigned char>(s[i + k]);
    if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) {
      *bad = k;
      return 0;
    }
  }
  return extra + 1;
}

// Appends the JSON escape of `c` (a quote, a backslash or a control character).
void AppendJsonEscape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default: {
      static const char kHex[] = "0123456789abcdef";
      char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out.append(esc, sizeof esc);
    }
  }
}

}  // namespace

namespace {

#ifdef __SSE2__
// Bit k set when at[k] is one of & < > " '.
unsigned SpecialMask16(const char* at) {
  const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
                quot = _mm_set1_epi8('"'), apos = _mm_set1_epi8('\'');
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  __m128i m = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot)), _mm_cmpeq_epi8(v, apos)));
  return static_cast<unsigned>(_mm_movemask_epi8(m));
}
#endif

}  // namespace

// Templates escape every variable and most bytes need no escape: scanning 16
// bytes a step took AppendEscaped from ~5% of a site build's instructions to ~1%.
size_t NextToEscape(std::string_view s, size_t from) {
  size_t i = from;
#ifdef __SSE2__
  for (; i + 16 <= s.size(); i += 16) {
    unsigned bits = SpecialMask16(s.data() + i);
    if (bits != 0) return i + static_cast<size_t>(__builtin_ctz(bits));
  }
  if (i < s.size() && s.size() >= 16) {
    // The last partial block: test the final 16 bytes, ignoring those already
    // tested. Most escaped texts are short (a few dozen bytes), so a byte loop
    // over the tail cost more than the blocks.
    size_t at = s.size() - 16;
    unsigned bits = SpecialMask16(s.data() + at) >> (i - at);
    return bits != 0 ? i + static_cast<size_t>(__builtin_ctz(bits)) : s.size();
  }
#endif
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'') return i;
  }
  return i;
}

void AppendEscaped(std::string& out, std::string_view s, std::string_view apostrophe) {
  size_t start = 0;
  for (;;) {
    size_t i = NextToEscape(s, start);
    out.append(s.data() + start, i - start);
    if (i == s.size()) return;
    switch (s[i]) {
      case '&':
        out.append("&amp;", 5);
        break;
      case '<':
        out.append("&lt;", 4);
        break;
      case '>':
        out.append("&gt;", 4);
        break;
      case '"':
        out.append("&quot;", 6);
        break;
      default:  // '\''
        out.append(apostrophe);
        break;
    }
    start = i + 1;
  }
}

std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  AppendEscaped(out, s);
  return out;
}

namespace {

// Code points a slug never keeps (they become a dash like punctuation):
// spaces other than ' ', soft hyphen, zero-width and direction marks, bidi
// embeddings, overrides and isolates, line and paragraph separators, the
// byte-order mark. In an address they are invisible or reorder what is shown.
bool InvisibleInSlug(uint32_t cp) {
  return cp == 0xA0 || cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
         (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF;
}

}  // namespace

std::string Slugify(std::string_view s) {
  // A dash only ever stands for dropped bytes, so the slug is never longer
  // than s: written in place into a buffer of s's size (no push_back checks).
  std::string out(s.size(), '\0');
  size_t n = 0;
  bool dash = false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xC2 && c <= 0xEF) {  // a 2- or 3-byte sequence: kept whole unless invisible
      size_t len = c >= 0xE0 ? 3 : 2;
      if (i + len <= s.size()) {
        uint32_t cp = len == 2 ? (c & 0x1Fu) << 6 | (s[i + 1] & 0x3Fu)
                               : (c & 0x0Fu) << 12 | (s[i + 1] & 0x3Fu) << 6 | (s[i + 2] & 0x3Fu);
        if (InvisibleInSlug(cp)) {
          dash = true;
          i += len - 1;
          continue;
        }
      }
    }
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<unsigned char>(c - 'A' + 'a');
      keep = true;
    }
    if (keep) {
      if (dash && n != 0) out[n++] = '-';
      dash = false;
      out[n++] = static_cast<char>(c);
    } else if (c != '\'') {
      dash = true;
    }
  }
  out.resize(n);
  return out;
}

std::string Humanize(std::string_view slug) {
  std::string out(slug);
  for (char& c : out)
    if (c == '-' || c == '_') c = ' ';
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return s.substr(b, e - b);
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, p - start));
    start = p + 1;
  }
}

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(from, start);
    if (p == std::string_view::npos) break;
    out.append(s.substr(start, p - start));
    out.append(to);
    start = p + from.size();
  }
  out.append(s.substr(start));
  return out;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0;  // s[run, k) is still to be copied as is
  for (size_t k = 0; k < s.size();) {
    auto c = static_cast<unsigned char>(s[k]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++k;
      continue;
    }
    if (c >= 0x80) {
      size_t bad = 0;
      size_t n = Utf8Sequence(s, k, &bad);
      if (n > 0) {  // well-formed: copied as is
        k += n;
        continue;
      }
      out.append(s.data() + run, k - run);
      out += "\xEF\xBF\xBD";  // U+FFFD for the maximal ill-formed part
      k += bad;
      run = k;
      continue;
    }
    out.append(s.data() + run, k - run);
    run = ++k;
    AppendJsonEscape(out, c);
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool PercentDecode(std::string_view s, std::string* out, bool plus_is_space) {
  out->clear();
  out->reserve(s.size());
  bool ok = true;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && plus_is_space) {
      *out += ' ';
    } else if (c == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 && HexDigit(s[i + 2]) >= 0) {
      *out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else {
      if (c == '%') ok = false;
      *out += c;
    }
  }
  return ok;
}

std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes);
  return h.HexDigest();
}

// OpenSSL's SHA-256 uses the CPU's SHA extensions: about 5 times faster than
// libsodium's portable code on the 100 MB benchmark corpus. Setting up a
// digest costs OpenSSL 3 about as much as hashing 1 KB (fetching the
// algorithm, allocating its context), so the algorithm is fetched once and
// each thread keeps its finished contexts for the next hash.
struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
  std::string hex;  // set by HexDigest
};

namespace {

const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

// This thread's idle digest contexts.
struct ContextPool {
  static constexpr size_t kKeep = 4;
  std::vector<EVP_MD_CTX*> idle;
  ContextPool() { idle.reserve(kKeep); }  // so that ~Sha256 never allocates
  ~ContextPool() {
    for (EVP_MD_CTX* ctx : idle) EVP_MD_CTX_free(ctx);
  }
};
thread_local ContextPool context_pool;

}  // namespace

Sha256::Sha256() : impl_(new Impl) {
  std::vector<EVP_MD_CTX*>& idle = context_pool.idle;
  if (!idle.empty()) {
    impl_->ctx = idle.back();
    idle.pop_back();
  } else {
    impl_->ctx = EVP_MD_CTX_new();
  }
  if (impl_->ctx == nullptr || EVP_DigestInit_ex2(impl_->ctx, Sha256Algorithm(), nullptr) != 1) {
    EVP_MD_CTX_free(impl_->ctx);
    delete impl_;
    throw std::bad_alloc();
  }
}

Sha256::~Sha256() {
  std::vector<EVP_MD_CTX*>& idle = context_pool.idle;
  if (idle.size() < ContextPool::kKeep) {
    idle.push_back(impl_->ctx);
  } else {
    EVP_MD_CTX_free(impl_->ctx);
  }
  delete impl_;
}

void Sha256::Update(std::string_view bytes) {
  if (impl_->hex.empty() && !bytes.empty()) EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size());
}

std::string Sha256::HexDigest() {
  if (!impl_->hex.empty()) return impl_->hex;
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(impl_->ctx, hash, &size);
  static const char* kHex = "0123456789abcdef";
  impl_->hex.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    impl_->hex.push_back(kHex[hash[i] >> 4]);
    impl_->hex.push_back(kHex[hash[i] & 15]);
  }
  return impl_->hex;
}

unsigned WorkerCount() {
  return std::max(1u, std::thread::hardware_concurrency());
}

void ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
  unsigned workers = static_cast<unsigned>(std::min<size_t>(WorkerCount(), n));
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto run = [&] {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) fn(i);
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < workers; ++t) threads.emplace_back(run);
  run();
  for (auto& t : threads) t.join();
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp, bool* valid) {
  size_t bad = 0;
  const size_t n = Utf8Sequence(s, i, &bad);
  if (valid) *valid = n > 0;
  if (n == 0) {
    *cp = 0xFFFD;
    return 1;
  }
  const auto b = static_cast<unsigned char>(s[i]);
  char32_t value = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < n; ++k) value = (value << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *cp = value;
  return n;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

long ValidUtf8Length(std::string_view s) {
  long count = 0;
  for (size_t i = 0; i < s.size(); ++count) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII: the common case, no call
      ++i;
      continue;
    }
    char32_t cp;
    bool valid;
    i += DecodeUtf8(s, i, &cp, &valid);
    if (!valid) return -1;
  }
  return count;
}

namespace {
class RealClock : public Clock {
 public:
  long long NowSeconds() const override { return static_cast<long long>(std::time(nullptr)); }
};

std::string FormatUtc(long long seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm gmt{};
  gmtime_r(&t, &gmt);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, format, &gmt);
  return std::string(buf, n);
}
}  // namespace

const Clock& SystemClock() {
  static const RealClock clock;
  return clock;
}

std::string FormatIsoUtc(long long seconds) {
  return FormatUtc(seconds, "%Y-%m-%dT%H:%M:%SZ");
}
std::string FormatIsoDate(long long seconds) {
  return FormatUtc(seconds, "%Y-%m-%d");
}
std::string FormatHttpDate(long long seconds) {
  // strftime's %a and %b follow the C locale, which the project never changes.
  return FormatUtc(seconds, "%a, %d %b %Y %H:%M:%S GMT");
}

size_t EditDistance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string ClosestMatch(std::string_view typed, const std::vector<std::string>& candidates) {
  size_t limit = std::clamp<size_t>((typed.size() + 2) / 3, 1, 3);
  const std::string* best = nullptr;
  size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    size_t d = EditDistance(typed, c);
    if (d == 0 || d >= best_distance) continue;
    best = &c;
    best_distance = d;
  }
  return best ? *best : std::string();
}

}  // namespace vetted::util
