#!/usr/bin/env bash
# Installs what vetted needs to build, test and run, on Debian 12.
# Only what is missing is installed; run as root or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build and runtime libraries.
PKGS=(
  build-essential cmake ninja-build ccache pkg-config git python3
  libboost1.81-dev        # Boost.Beast / Asio: the HTTP server
  libmd4c-dev             # Markdown parser (callback API)
  libyaml-dev             # YAML front matter and glossary (libyaml: fast, C)
  libtomlplusplus-dev     # site.toml
  nlohmann-json3-dev      # CSL-JSON bibliographies, JSON-LD, check --format json
  libkainjow-mustache-dev # theme templates
  libcli11-dev            # command line
  libdtl-dev              # `vetted diff` (lines) and the review pages' word diff of two revisions (header-only, <dtl/dtl.hpp>)
  libssl-dev              # SHA-256 revision hashes (hardware-accelerated; see docs/performance.md)
  libsqlite3-dev          # the store: SQLite with FTS5
  libpq-dev               # the store on PostgreSQL (store/postgres/)
  postgresql              # tests: a throwaway PostgreSQL cluster (initdb in a temp folder) for the store contract suites
  libsodium-dev           # keyed hash of client addresses for the feedback rate limit; newsroom passwords (argon2id)
  libqrencode-dev         # newsroom: the QR code of a two-step sign-in (TOTP) set-up, as inline SVG
  libvips-dev             # newsroom library: uploaded images resized to responsive WebP sizes
  zlib1g-dev              # gzip for served pages
  libbrotli-dev           # brotli for served pages
  libgtest-dev googletest # unit tests
  clang-format python3    # make test: the format and layering checks
  pandoc citation-style-language-styles  # reference test: AMA output compared with citeproc
  hugo                    # bench/: the comparison engine for builds
  nginx wrk               # bench/: the comparison server and the load generator; nginx also runs deploy/nginx.conf
  haproxy                 # bench/nodes.sh: deploy/haproxy.cfg in front of two nodes
  chromium                # browser tests (axe-core through playwright-core)
  nodejs npm              # browser tests and the HTML checker
  default-jre-headless    # the W3C Nu HTML Checker (vnu-jar) runs on Java
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PKGS[@]}"; do
  # nodejs/npm may come from another repository (e.g. NodeSource); a working node is enough.
  if [ "$p" = nodejs ] || [ "$p" = npm ]; then
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && continue
  fi
  if [ "$p" = default-jre-headless ]; then command -v java >/dev/null 2>&1 && continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Browser-test and HTML-checker packages from npm (versions pinned in e2e/package-lock.json).
if [ -f e2e/package.json ] && [ ! -d e2e/node_modules ]; then
  echo "install-deps: npm ci in e2e/"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
