#!/usr/bin/env bash
# API fuzzing with schemathesis (https://schemathesis.readthedocs.io), run by .ci/run.
#
# What it does: schemathesis reads the OpenAPI document the server publishes at
# /api/openapi.json, generates requests from it (valid and invalid bodies, query strings,
# headers and path values; its "coverage" phase then its "fuzzing" phase) and checks every
# answer:
#   - not_a_server_error           never a 5xx;
#   - response_schema_conformance  a documented status comes with a body of its schema;
#   - status_code_conformance      the status is one the operation documents;
#   - content_type_conformance     the Content-Type is the documented one (JSON).
# Not checked: positive_data_acceptance and negative_data_rejection, since the document
# types enumerations (channel, state, kind…) and the Idempotency-Key as bare strings, so
# "schema-valid" requests are refused by design; see FINDINGS.md.
#
# It runs twice against the same demo server, with the bearer token of the demo's
# receiving officer of Phường Nha Trang (motcua.nhatrang) first, then anonymously (as a
# citizen or a stranger would). The staff run goes first, before anonymous failed guesses
# lock lookups from the address (staff with a valid token are not held up, but the order
# keeps the staff run independent of that rule). DELETE /api/v1/auth/token is left out of
# the staff run, as it would revoke the token the run uses. schemathesis.toml steers
# generated values towards existing dossiers, their applicants' phones and ID numbers,
# procedures and agencies (fixtures.py reads them from the server first), so that most
# requests reach the handlers' logic rather than "not found".
#
# Repeatable: deterministic generation (--generation-deterministic: no randomness, no
# example database; --seed is kept for the rest), one worker, a fixed budget of examples
# per operation, a fresh demo data set. It prints the number of cases and of failing
# cases per run and in total, and exits non-zero on any failure or error. Reports (JUnit
# XML, JSON, and a cassette of every request and answer) go to tests/schemathesis/artifacts/
# (not committed); `st replay ID` needs the server, so repeat a failure with its curl line.
# About 4,650 cases in about a minute on 2 cores. Known findings: FINDINGS.md.
#
# Usage: tests/schemathesis/run.sh [BASE_URL]
# Without BASE_URL it uses the binary named by MOTCUA_BIN, or target/debug/motcua (built
# with `cargo build -p motcua --locked` if missing), makes a demo data set in a temporary
# directory (`motcua demo --no-serve --dossiers 30`), serves it on a loopback port the system picks (tests/demo-server.sh) and
# stops it on exit. A server given by BASE_URL must hold the demo accounts and data, and
# is written to (dossiers are created, received, withdrawn…).
# Schemathesis (requirements.txt, every package pinned) is installed with pip into a venv
# under ${XDG_CACHE_HOME:-~/.cache}/motcua/, named after the hash of requirements.txt
# (MOTCUA_SCHEMATHESIS_VENV overrides); it needs Python 3.11+ (python3, or $PYTHON) with
# venv (Debian's python3-venv is installed when missing).
# Knobs: SCHEMATHESIS_MAX_EXAMPLES (per operation, default 100), SCHEMATHESIS_SEED
# (default 20260701), SCHEMATHESIS_WORKERS (default 1; more is faster but less repeatable).
set -euo pipefail
cd "$(dirname "$0")"
started=$SECONDS

max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-100}
seed=${SCHEMATHESIS_SEED:-20260701}
workers=${SCHEMATHESIS_WORKERS:-1}
checks=not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance
staff_user=motcua.nhatrang
demo_password=motcua-demo-2026

# --- schemathesis, pinned, in a cached venv -------------------------------------------------
python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2> /dev/null; then
  echo "schemathesis: $python is missing or older than 3.11" >&2
  exit 1
fi
if ! "$python" -c 'import ensurepip, venv' 2> /dev/null; then
  echo "schemathesis: installing Debian's python3-venv" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv > /dev/null
fi
venv=${MOTCUA_SCHEMATHESIS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/motcua/schemathesis-$(sha256sum requirements.txt | cut -c1-16)}
want=$(sed -n 's/^schemathesis==//p' requirements.txt)
if [ "$("$venv/bin/schemathesis" --version 2> /dev/null | awk '{print $NF}')" != "$want" ]; then
  echo "schemathesis: installing $want into $venv" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r requirements.txt
fi
st=$venv/bin/schemathesis
echo "schemathesis: $("$st" --version)"

# --- a demo server, unless one is given ---------------------------------------------------
BASE=${1:-${BASE_URL:-}}
. ../demo-server.sh
start_demo schemathesis
echo "schemathesis: testing $BASE/api/openapi.json"

rm -rf artifacts
mkdir -p artifacts/dictionaries
# The values schemathesis.toml points at, and the staff token (signed in before any
# fuzzing, so that no lock gets in the way).
token=$("$python" fixtures.py "$BASE" artifacts/dictionaries "$staff_user" "$demo_password") \
  || { echo "schemathesis: could not read the demo data or sign in as $staff_user" >&2; exit 1; }

# run NAME [more schemathesis options…]: one run, its reports in artifacts/NAME/.
run() {
  local name=$1
  shift
  echo
  echo "== $name"
  HYPOTHESIS_STORAGE_DIRECTORY=artifacts/hypothesis "$st" --config-file schemathesis.toml run "$BASE/api/openapi.json" \
    --checks "$checks" --phases examples,coverage,fuzzing \
    --max-examples "$max_examples" --seed "$seed" --generation-deterministic \
    --workers "$workers" --request-timeout 30 --suppress-health-check all \
    --no-color --output-truncate false \
    --report junit,json,vcr --report-dir "artifacts/$name" --report-json-path "artifacts/$name/report.json" \
    "$@" || true
}

run staff -H "Authorization: Bearer $token" --exclude-operation-id revoke
run anonymous

# --- the verdict ----------------------------------------------------------------------------
echo
status=0
"$python" - artifacts/staff/report.json artifacts/anonymous/report.json << 'EOF' || status=$?
import json, sys
cases = failing = errors = 0
ok = True
for path in sys.argv[1:]:
    name = path.split("/")[-2]
    try:
        r = json.load(open(path, encoding="utf-8"))
    except OSError:
        print(f"schemathesis: {name}: no report (schemathesis did not finish)")
        ok = False
        continue
    tc = r["test_cases"]
    n_errors = sum(e["count"] for e in r["errors"])
    print(f"schemathesis: {name}: {tc['generated']} cases, {tc['with_failures']} failures "
          f"({tc['unique_failures']} unique), {n_errors} errors")
    for f in r["failures"]:
        print(f"  - {f['title']} ({f['count']}): {', '.join(f['operations'])}")
    for e in r["errors"]:
        print(f"  - error: {e['title']} ({e['count']})")
    cases += tc["generated"]
    failing += tc["with_failures"]
    errors += n_errors
    ok = ok and r["complete"] and r["exit_code"] == 0
print(f"schemathesis: total {cases} cases, {failing} failures, {errors} errors")
sys.exit(0 if ok and failing == 0 and errors == 0 else 1)
EOF
if [ "$status" != 0 ] && [ -n "$DEMO_DIR" ]; then
  echo "== server log (last 40 lines)"
  tail -n 40 "$DEMO_DIR/server.log" || true
fi
echo "schemathesis: $((SECONDS - started)) s"
exit $status
