# Shared helpers for run.sh: one temporary work folder, processes started and always stopped, bounded waits.
# Sourced, not run. Everything listens on 127.0.0.1 (or a Unix socket) only.

BENCH_DIR=${BENCH_DIR:?}
WORK=$(mktemp -d /tmp/portal-bench.XXXXXX)
STARTED_PIDS=()
CLEANUP_HOOKS=()

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# Starts a command in the background with its output in $WORK/NAME.log; prints its pid.
# Call it as `start_bg NAME cmd...` and read the pid from $LAST_PID (a $(...) subshell would lose it).
start_bg() {
    local name=$1
    shift
    "$@" >"$WORK/$name.log" 2>&1 &
    LAST_PID=$!
    STARTED_PIDS+=("$LAST_PID")
}

# Stops one process we started: TERM, then KILL after 10 s.
stop_pid() {
    local pid=$1 waited=0
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 100 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local hook pid
    for hook in "${CLEANUP_HOOKS[@]}"; do "$hook" || true; done
    for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        log "work folder kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until URL answers 2xx, or fails after SECONDS (default 60); stops early if PID died.
wait_http() {
    local url=$1 seconds=${2:-60} pid=${3:-} deadline
    deadline=$(($(date +%s) + seconds))
    until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

# Builds the named products of the benchmarks package in release mode; sets BIN to their folder.
build_products() {
    local product
    # SwiftPM keeps the build plan of a path dependency (the portal) when only that package's manifest
    # changed, so new compiler settings there would not reach the benchmarks: always plan afresh (cheap;
    # compiling stays incremental).
    rm -f "$BENCH_DIR"/.build/release.yaml "$BENCH_DIR"/.build/*/release/description.json
    for product in "$@"; do
        log "building $product (release)"
        swift build -c release --package-path "$BENCH_DIR" --product "$product" >"$WORK/build-$product.log" 2>&1 && continue
        # A build plan cached before the root package lost a file fails with "missing inputs": replan once.
        grep -q "missing inputs" "$WORK/build-$product.log" || { tail -40 "$WORK/build-$product.log" >&2; die "build of $product"; }
        rm -f "$BENCH_DIR"/.build/*/release/description.json
        swift build -c release --package-path "$BENCH_DIR" --product "$product" >"$WORK/build-$product.log" 2>&1 \
            || { tail -40 "$WORK/build-$product.log" >&2; die "build of $product"; }
    done
    BIN=$(swift build -c release --package-path "$BENCH_DIR" --show-bin-path)
}

# Reads KEY=VALUE out of a RESULT line.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# Peak resident set size of a live process, in KiB.
peak_rss_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# Nanoseconds since the epoch.
now_ns() { date +%s%N; }

# One core for the single-core measurements: BENCH_CORE, else the last one (the first one keeps the rest of
# the machine). On a shared machine, pick the core the other work is not on (ps -o psr).
single_core() { echo "${BENCH_CORE:-$(($(nproc) - 1))}"; }

# Formats a/b with two decimals, or "n/a".
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing (${2:-install it})"; }
