// The second factor: TOTP (RFC 6238 over RFC 4226's HOTP; HMAC-SHA-1 through
// OpenSSL's libcrypto, which util already links) and base32 (RFC 4648).
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <cctype>

#include "newsroom/newsroom.h"

namespace vetted::newsroom {
namespace {

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const char* at = std::char_traits<char>::find(kBase32, 32, c);
    if (at == nullptr) return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(at - kBase32);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

std::string HotpCode(std::string_view key, uint64_t counter, int digits) {
  unsigned char message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message, sizeof message, mac, &mac_len);
  int offset = mac[mac_len - 1] & 0x0f;
  uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                    (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                    (static_cast<uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  uint32_t modulo = 1;
  for (int i = 0; i < digits; ++i) modulo *= 10;
  std::string code = std::to_string(binary % modulo);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

std::string TotpCode(std::string_view key, long long unix_seconds, int digits) {
  return HotpCode(key, static_cast<uint64_t>(unix_seconds / kTotpStepSeconds), digits);
}

std::optional<long long> TotpMatch(std::string_view key, std::string_view code, long long unix_seconds) {
  std::string typed;
  for (char c : code)
    if (c != ' ') typed += c;
  if (typed.size() != 6) return std::nullopt;
  long long step = unix_seconds / kTotpStepSeconds;
  for (long long s : {step, step - 1, step + 1}) {
    std::string want = HotpCode(key, static_cast<uint64_t>(s), 6);
    if (CsrfMatches(want, typed)) return s;
  }
  return std::nullopt;
}

std::string NewTotpSecret() {
  if (sodium_init() < 0) return "";
  std::string raw(20, '\0');  // 160 bits, as RFC 4226 recommends
  randombytes_buf(raw.data(), raw.size());
  return Base32Encode(raw);
}

std::string TotpUri(std::string_view secret, std::string_view email, std::string_view issuer) {
  auto encode = [](std::string_view s) {
    std::string out;
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '@') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
    return out;
  };
  return "otpauth://totp/" + encode(issuer) + ":" + encode(email) + "?secret=" + std::string(secret) +
         "&issuer=" + encode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace vetted::newsroom
