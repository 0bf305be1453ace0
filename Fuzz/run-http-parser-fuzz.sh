#!/usr/bin/env bash
# Builds the request parser (Sources/HTTPServer/Parser) with libFuzzer and AddressSanitizer and runs it.
# Usage: Fuzz/run-http-parser-fuzz.sh [runs]   (default 1,000,000 inputs; extra arguments go to libFuzzer)
# Findings (crash-*, leak-*) land in .build/fuzz/; the grown corpus in .build/fuzz/corpus.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-1000000}"
shift || true
out="$root/.build/fuzz"
mkdir -p "$out/corpus"
cp -n "$root"/Fuzz/HTTPParser/seeds/* "$out/corpus/" 2>/dev/null || true
swiftc -O -sanitize=fuzzer,address -parse-as-library \
    "$root"/Sources/HTTPServer/Parser/*.swift "$root/Fuzz/HTTPParser/main.swift" \
    -o "$out/http-parser-fuzzer"
cd "$out"
# The Swift runtime backtracer would run inside the sanitizer and obscure the report.
export SWIFT_BACKTRACE=enable=no
./http-parser-fuzzer -runs="$runs" -max_len=4096 -print_final_stats=1 "$@" corpus
