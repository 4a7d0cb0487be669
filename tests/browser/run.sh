#!/usr/bin/env bash
# motcua in a real browser (Debian's headless Chromium driven by playwright-core):
#  1. the axe-core accessibility check of the public pages (fails on any serious or
#     critical finding);
#  2. the end-to-end tests of the citizen flows (e2e/1-7) and of the staff back office
#     under /can-bo (e2e/8-13: online acceptance, a two-agency dossier, supplement,
#     apology, dashboard, counter), the citizen pages on a 360 px phone (e2e/14),
#     e2e/*.test.js with node's test runner.
# Full-page screenshots of every step go to tests/browser/artifacts/ (not committed).
#
# Usage: tests/browser/run.sh [BASE_URL]
# Without BASE_URL it builds target/debug/motcua (`cargo build -p motcua --locked`; or uses
# the binary named by MOTCUA_BIN), makes a demo data set in a temporary directory
# (`motcua demo --no-serve --dossiers 30`), serves it on a loopback port the system picks (tests/demo-server.sh) with the demo
# mailbox (`--demo-mailbox`: the account flow reads its one-time code at /hop-thu-demo) and
# stops it on exit. A server given by BASE_URL needs the demo mailbox too (`motcua demo`
# turns it on). One flow alone, against a running server:
#   BASE_URL=http://127.0.0.1:8080 node --test tests/browser/e2e/2-supplement.test.js
# The PDF receipt's text is checked with pdftotext (Debian's poppler-utils) when installed.
# Installs what it needs: chromium (apt) when /usr/bin/chromium is missing, and the npm
# packages from package-lock.json when node_modules is missing.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
started=$SECONDS

if [ ! -x /usr/bin/chromium ]; then
  echo "browser: installing Debian's chromium" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "browser: installing Node.js and npm" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm > /dev/null
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

BASE=${1:-${BASE_URL:-}}
. ../demo-server.sh
start_demo browser --demo-mailbox
echo "browser: testing $BASE"

rm -rf artifacts
mkdir -p artifacts
export BASE_URL=$BASE ARTIFACTS_DIR=$here/artifacts

status=0
echo "== accessibility (axe-core)"
node axe.js "$BASE" / /thu-tuc "/thu-tuc?q=khai+sinh" "/thu-tuc?co-quan=commune_people_committee" /thu-tuc/1.001193 /thu-tuc/1.001193/in \
  /nop-ho-so/1.001193 /tra-cuu /danh-gia /phan-anh /thong-ke /dang-nhap \
  /tai-khoan/dang-ky /tai-khoan/dang-nhap /tai-khoan/quen-mat-khau /hop-thu-demo || status=1

echo "== end-to-end flows"
node --test --test-concurrency=1 --test-timeout=120000 e2e/*.test.js || status=1

if [ "$status" != 0 ] && [ -n "$DEMO_DIR" ]; then
  echo "== server log (last 40 lines)"
  tail -n 40 "$DEMO_DIR/server.log" || true
fi
echo "browser: $(ls artifacts/*.png 2> /dev/null | wc -l) screenshots in tests/browser/artifacts; $((SECONDS - started)) s"
exit $status
