#!/usr/bin/env bash
# Builds the libFuzzer target for the DICOM reader (Fuzz/DICOMReader) and runs it, seeded with pydicom's
# bundled test files. Crashes land in .build/fuzz/artifacts; turn each into a regression test in
# Tests/DICOMTests/FuzzRegressionTests.swift by copying it to Fuzz/DICOMReader/regressions/ under a
# name saying what went wrong (not crash-*, which .gitignore excludes).
# Usage: Fuzz/run-dicom-reader-fuzz.sh [RUNS (default 1000000)] [extra libFuzzer flags...]
# FUZZ_SANITIZERS=fuzzer,address adds AddressSanitizer (about 5x slower; the reader is safe Swift apart
# from the zlib wrapper, so the default is libFuzzer alone).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-1000000}"
shift || true
out=.build/fuzz
mkdir -p "$out/obj" "$out/corpus" "$out/artifacts"

sanitizers=${FUZZ_SANITIZERS:-fuzzer}
flags=(-O -sanitize=$sanitizers -parse-as-library -swift-version 6 -package-name portal
       -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
       -enable-upcoming-feature InternalImportsByDefault)
swiftc "${flags[@]}" -module-name Hashing -emit-module -emit-module-path "$out/obj/Hashing.swiftmodule" \
    -I Sources/COpenSSL -wmo -c Sources/Hashing/*.swift -o "$out/obj/Hashing.o"
# Sources/DICOM minus what depends on more than the reader's own modules.
mapfile -t sources < <(find Sources/DICOM -name '*.swift' -not -path '*/Deidentification/*' -not -path '*/Pseudonym*/*')
swiftc "${flags[@]}" -module-name DICOMFuzz -I "$out/obj" -I Sources/CZlib -I Sources/COpenSSL \
    "${sources[@]}" Fuzz/DICOMReader/FuzzReader.swift "$out/obj/Hashing.o" -lz -lcrypto -o "$out/dicom-reader-fuzz"

python_files=$(python3 -c "import pydicom,os;print(os.path.join(os.path.dirname(pydicom.__file__),'data','test_files'))" 2>/dev/null || true)
if [ -n "$python_files" ] && [ -z "$(ls -A "$out/corpus")" ]; then
    find "$python_files" -maxdepth 1 -type f -size -300k -exec cp {} "$out/corpus/" \;
fi
# The Swift runtime backtracer would catch the trap before libFuzzer saves the crashing input.
export SWIFT_BACKTRACE=enable=no
exec "$out/dicom-reader-fuzz" "$out/corpus" -runs="$runs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$out/artifacts/" -print_final_stats=1 "$@"
