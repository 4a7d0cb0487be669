#!/usr/bin/env bash
# Checks the public pages with axe-core in Debian's headless Chromium; fails on any serious
# or critical finding. Usage: tests/a11y/run.sh [BASE_URL] (default: starts a demo server).
# Needs: node/npm, chromium (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm install --silent --no-audit --no-fund
BASE=${1:-}
if [ -z "$BASE" ]; then
  dir=$(mktemp -d)
  cargo run --quiet --release -p motcua -- demo --no-serve --data-dir "$dir" --dossiers 30 > /dev/null
  cargo run --quiet --release -p motcua -- serve --data-dir "$dir" --listen 127.0.0.1:18181 > "$dir/server.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18181/healthz > /dev/null && break; sleep 0.2; done
  BASE=http://127.0.0.1:18181
fi
node axe.js "$BASE" / /thu-tuc "/thu-tuc?q=khai+sinh" /thu-tuc/1.001193 /thu-tuc/1.001193/in /nop-ho-so/1.001193 \
  /tra-cuu /danh-gia /phan-anh /thong-ke /dang-nhap
