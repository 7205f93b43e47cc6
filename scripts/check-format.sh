#!/usr/bin/env bash
# Fails when a C++ file of the project is not formatted as .clang-format says.
# `make format` fixes it.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src tests fuzz bench -name '*.cc' -o -name '*.h' | grep -v node_modules | sort)
if [ ${#files[@]} -eq 0 ]; then echo "check-format: no C++ files found" >&2; exit 1; fi
if ! out=$(clang-format --dry-run -Werror "${files[@]}" 2>&1); then
  echo "$out" | grep -E "^[^ ].*(error|warning):" | cut -d: -f1 | sort -u | sed 's/^/check-format: not formatted: /'
  echo "check-format: run \`make format\`" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
