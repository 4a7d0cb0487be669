#!/usr/bin/env bash
# Fuzzes every parser of outside input in motcua-core for a bounded time.
#
#   fuzz/run.sh [SECONDS_PER_TARGET]      (default 60)
#
# Builds all cargo-fuzz targets of fuzz/ (its own workspace, target dir fuzz/target) with
# the nightly toolchain, then runs each one for SECONDS_PER_TARGET seconds:
#   cargo +nightly fuzz run <target> fuzz/corpus-work/<target> fuzz/corpus/<target> -- -max_total_time=N
# fuzz/corpus/<target> holds the committed seeds (read only here); new inputs go to
# fuzz/corpus-work/<target> (not committed). Prints one line per target (runs executed,
# crashes), stops at the first crash and exits non-zero on any crash. Each run's full log
# is fuzz/logs/<target>.log.
#
# Needs: rustup's nightly toolchain and `cargo install cargo-fuzz --locked`.
# Set FUZZ_TARGETS="a b" to run only some targets; NICE (default 15) for the niceness.
#
# A crash leaves its input in fuzz/artifacts/<target>/crash-<sha1> (or oom-/timeout-).
# To reproduce it, with the panic message and backtrace:
#   cd fuzz && RUST_BACKTRACE=1 cargo +nightly fuzz run <target> artifacts/<target>/crash-<sha1>
# To shrink it:
#   cd fuzz && cargo +nightly fuzz tmin <target> artifacts/<target>/crash-<sha1>
# To see it as text: cargo +nightly fuzz fmt <target> <file>, or xxd <file>.
set -uo pipefail

secs="${1:-60}"
case "$secs" in '' | *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2 ;; esac
nice_level="${NICE:-15}"
cd "$(dirname "$0")"

targets="${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}"
mkdir -p logs
echo "building fuzz targets…"
if ! nice -n "$nice_level" cargo +nightly fuzz build >logs/build.log 2>&1; then
    tail -30 logs/build.log >&2
    echo "build failed (fuzz/logs/build.log)" >&2
    exit 2
fi

status=0
for t in $targets; do
    mkdir -p "corpus-work/$t" "corpus/$t"
    log="logs/$t.log"
    nice -n "$nice_level" cargo +nightly fuzz run "$t" "corpus-work/$t" "corpus/$t" -- \
        -max_total_time="$secs" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    if [ -z "$runs" ]; then
        # No final stats (the process died): the last progress line has the count.
        runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    fi
    artifact=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | sed 's/Test unit written to //')
    if [ "$rc" -eq 0 ]; then
        printf '%-18s runs %-10s crashes 0\n' "$t" "${runs:-?}"
    else
        printf '%-18s runs %-10s crashes 1  %s\n' "$t" "${runs:-?}" "${artifact:-(see fuzz/$log)}"
        grep -m1 -E "panicked at|ERROR: libFuzzer" "$log" | sed 's/^/    /'
        grep -m1 -A2 -E "panicked at" "$log" | tail -n +2 | sed 's/^/    /'
        status=1
        break
    fi
done
exit "$status"
