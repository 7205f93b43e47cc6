#!/usr/bin/env bash
# Serves a built site with `vetted serve` on a free loopback port, runs a11y.mjs against it, stops the server.
#   bash e2e/run-a11y.sh VETTED_BINARY BUILT_SITE_DIR [a11y.mjs options, e.g. --shots DIR]
# Exit status: a11y.mjs's (0 pass, 1 a check failed, 2 could not run); 1 when the server never came up.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 2 ]; then
  echo "usage: $0 VETTED_BINARY BUILT_SITE_DIR [a11y.mjs options]" >&2
  exit 2
fi
vetted="$1"
site="$2"
shift 2

if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  echo "run-a11y: $here/node_modules is missing:" \
    "run 'npm ci' in e2e/ (or 'bash scripts/install-deps.sh')." >&2
  exit 1
fi
if [ ! -x "$vetted" ]; then
  echo "run-a11y: not an executable: $vetted" >&2
  exit 1
fi
if [ ! -f "$site/index.html" ]; then
  echo "run-a11y: $site has no index.html: build the site first" >&2
  exit 1
fi

log="$(mktemp)"
pid=""
# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1]); s.close()'
}

# Up to 3 tries: another process may take the port between choosing it and the server binding it.
ready=""
for attempt in 1 2 3; do
  port="$(free_port)"
  "$vetted" serve --dir "$site" --listen "127.0.0.1:$port" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do  # at most ~10 s
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null; then ready=1; break; fi
    sleep 0.1
  done
  [ -n "$ready" ] && break
  echo "run-a11y: server did not come up on port $port (try $attempt); its output:" >&2
  cat "$log" >&2
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
done
if [ -z "$ready" ]; then
  echo "run-a11y: giving up: '$vetted serve' never answered" >&2
  exit 1
fi

echo "run-a11y: serving $site at http://127.0.0.1:$port/ (pid $pid)"
status=0
node "$here/a11y.mjs" "http://127.0.0.1:$port/" "$@" || status=$?
if ! kill -0 "$pid" 2>/dev/null; then
  echo "run-a11y: the server died during the run; its output:" >&2
  cat "$log" >&2
  if [ "$status" -eq 0 ]; then status=1; fi
fi
exit "$status"
