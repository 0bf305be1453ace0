#!/usr/bin/env bash
# Runs the portal's benchmarks in one go and prints the figures with their ratios to the peers.
#
#   Benchmarks/run.sh [http|storage|dicom|all]     (default: all)
#
# Builds what it needs in release mode, starts every server on 127.0.0.1 or a Unix socket, stops all it
# started (also on Ctrl-C or failure), and gives up after BENCH_MAX_SECONDS (default 3600).
# Knobs (environment): BENCH_DURATION (wrk seconds, 10), BENCH_CONNECTIONS ("1 64 256"),
# BENCH_STREAM_BYTES (1 GiB), BENCH_PG_CLIENTS ("1 8"), BENCH_PG_DURATION (10), BENCH_PG_SCALE (10), BENCH_PG_ROUNDS (3),
# BENCH_CT_SLICES (600), BENCH_CT_SIZE (512), BENCH_DICOM_ROUNDS (5), BENCH_CORE (last), BENCH_ROUNDS (1), BENCH_KEEP=1 keeps the work folder and
# its logs, BENCH_QUICK=1 a smoke run of the harness with short runs and small sizes (figures not comparable).
# See Benchmarks/README.md for what is measured and how to read the ratios.
set -euo pipefail

if [ -z "${BENCH_UNDER_TIMEOUT:-}" ]; then
    BENCH_UNDER_TIMEOUT=1 exec timeout -k 30 "${BENCH_MAX_SECONDS:-3600}" "$0" "$@"
fi

if [ "${BENCH_QUICK:-0}" = 1 ]; then
    : "${BENCH_DURATION:=2}" "${BENCH_CONNECTIONS:=1 64}" "${BENCH_STREAM_BYTES:=268435456}"
    : "${BENCH_PG_DURATION:=2}" "${BENCH_PG_SCALE:=1}" "${BENCH_PG_ROUNDS:=1}" "${BENCH_CT_SLICES:=60}"
    : "${BENCH_DICOM_ROUNDS:=1}"
    export BENCH_DURATION BENCH_CONNECTIONS BENCH_STREAM_BYTES BENCH_PG_DURATION BENCH_PG_SCALE BENCH_PG_ROUNDS BENCH_CT_SLICES
    export BENCH_DICOM_ROUNDS
fi

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
export BENCH_DIR
# shellcheck source=scripts/lib.sh
source "$BENCH_DIR/scripts/lib.sh"
# shellcheck source=scripts/bench-http.sh
source "$BENCH_DIR/scripts/bench-http.sh"
# shellcheck source=scripts/bench-storage.sh
source "$BENCH_DIR/scripts/bench-storage.sh"
# shellcheck source=scripts/bench-dicom.sh
source "$BENCH_DIR/scripts/bench-dicom.sh"

what=${1:-all}
case "$what" in
    http | storage | dicom | all) ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown benchmark '$what' (http, storage, dicom or all)" ;;
esac
need swift "Swift 6 toolchain"
need python3

echo "Portal benchmarks ($what) on $(uname -m), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$BENCH_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
case "$what" in
    http) bench_http ;;
    storage) bench_storage ;;
    dicom) bench_dicom ;;
    all)
        bench_http
        bench_storage
        bench_dicom
        ;;
esac
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
