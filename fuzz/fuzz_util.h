// Small helpers the newsroom fuzz targets share.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace vetted::fuzz {

// Aborts (a finding) with the target's name and the broken invariant.
inline void Require(bool ok, const char* target, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "%s: invariant broken: %s\n", target, what);
  std::abort();
}

// The input cut at its first NUL byte into two texts (the second "" when none).
inline std::pair<std::string_view, std::string_view> SplitAtNul(std::string_view in) {
  size_t at = in.find('\0');
  if (at == std::string_view::npos) return {in, {}};
  return {in.substr(0, at), in.substr(at + 1)};
}

}  // namespace vetted::fuzz
