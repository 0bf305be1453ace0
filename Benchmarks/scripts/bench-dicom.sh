# DICOM benchmark: de-identification of a synthetic 600-slice 512x512 CT series on one core. First with
# files written and made durable: `portal dicom deidentify` against `cp -r` of the same series followed by
# the same sync, and against dicognito (also followed by that sync); then the library alone (deid-bench)
# against dcmtk's dcmodify and Orthanc's anonymisation. Sourced by run.sh after lib.sh.

CT_SLICES=${BENCH_CT_SLICES:-600}
CT_SIZE=${BENCH_CT_SIZE:-512}
CT_SERIES=${BENCH_CT_SERIES:-/tmp/portal-bench-ct-$CT_SLICES-$CT_SIZE}
DICOM_ROUNDS=${BENCH_DICOM_ROUNDS:-5}
DICOGNITO_VERSION=0.19.0

# dicognito from PyPI, pinned, installed for the user running the benchmark when missing.
ensure_dicognito() {
    if python3 -c "import dicognito, sys; sys.exit(dicognito.__version__ != '$DICOGNITO_VERSION')" 2>/dev/null; then
        return
    fi
    log "installing dicognito $DICOGNITO_VERSION (pip)"
    python3 -m pip install -q "dicognito==$DICOGNITO_VERSION" >"$WORK/pip-dicognito.log" 2>&1 \
        || python3 -m pip install -q --break-system-packages "dicognito==$DICOGNITO_VERSION" >>"$WORK/pip-dicognito.log" 2>&1 \
        || { tail -5 "$WORK/pip-dicognito.log" >&2; die "pip install dicognito==$DICOGNITO_VERSION"; }
}

# Runs a command pinned to CORE after an untimed global sync (so that no earlier step's dirty pages are
# charged to the command's own sync); prints its wall time in seconds, process start included.
timed_on_core() {
    local core=$1 start
    shift
    sync
    start=$(now_ns)
    timeout 900 taskset -c "$core" "$@" >>"$WORK/timed.log" 2>&1 || { tail -5 "$WORK/timed.log" >&2; return 1; }
    awk -v a="$start" -v b="$(now_ns)" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}

# The median, and the smallest, of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
best() { printf '%s\n' "$@" | sort -g | head -1; }

# Writes the series once (about 300 MB); later runs reuse it while its .complete marker is there.
make_series() {
    if [ -f "$CT_SERIES/.complete" ]; then
        log "reusing $CT_SERIES"
        return
    fi
    python3 -c 'import pydicom, numpy' 2>/dev/null || die "pydicom and numpy are needed (pip install pydicom numpy)"
    log "writing $CT_SLICES slices of ${CT_SIZE}x$CT_SIZE into $CT_SERIES"
    timeout 900 python3 "$BENCH_DIR/scripts/make-ct-series.py" "$CT_SERIES" --slices "$CT_SLICES" --size "$CT_SIZE" >&2 \
        || die "series generation"
}

# dcmodify doing roughly the Basic Profile's work: names and IDs replaced or emptied, identifying
# attributes removed everywhere (inside sequences too), private elements removed, new UIDs.
DCMODIFY_EDITS=(
    -ma "(0010,0010)=ANONYMOUS" -ma "(0010,0020)=PSEUDONYM" -ma "(0008,0050)=" -ma "(0020,0010)="
    -ma "(0008,0090)=" -ma "(0010,0030)="
    -ea "(0010,1000)" -ea "(0010,1040)" -ea "(0010,2160)" -ea "(0010,4000)" -ea "(0008,0080)" -ea "(0008,0081)"
    -ea "(0008,1010)" -ea "(0008,1050)" -ea "(0008,1070)" -ea "(0018,1000)" -ea "(0040,0275)" -ea "(0008,1110)"
    -ea "(0008,1030)" -ea "(0008,103e)" -ea "(0018,1030)" -ea "(0010,4000)"
    -i "(0012,0062)=YES" -i "(0012,0063)=dcmodify benchmark edits"
    -ep -gst -gse -gin
)

# Identifying values make-ct-series.py plants; none may be left in our output.
PLANTED=(Dupont PAT-000123456 Martin^Claire SN-99887766 Saint-Exemple NIR-2560775123456 Durand^Paul "Operator badge")

# Checks our output is complete, readable by dcmtk and free of the planted values (not timed).
check_ours() {
    local out=$1 files=$2 written value found
    written=$(find "$out" -name '*.dcm' | wc -l)
    [ "$written" -eq "$files" ] || die "deid-bench wrote $written of $files files"
    dcmdump -q "$(find "$out" -name '*.dcm' -print -quit)" >/dev/null || die "dcmdump cannot read our output"
    for value in "${PLANTED[@]}"; do
        found=$({ grep -l -a -F -r -e "$value" "$out" || true; } | wc -l)
        [ "$found" -eq 0 ] || die "'$value' left in $found of our output files"
    done
    OURS_CHECK="all $files outputs written, dcmdump reads them, none of ${#PLANTED[@]} planted identifying values left"
}

# Files written and durable: the portal's CLI, cp -r + sync -f and dicognito + sync -f, each on CORE, one
# after the other in each of DICOM_ROUNDS rounds (a busy spell of a shared machine hits all three alike);
# medians are compared, and bests beside them. Outputs are kept until the end: ext4 slows inode allocation
# right after many deletions (recently_deleted), which would penalise whoever runs next.
bench_dicom_durable() {
    local core=$1 bytes=$2 files=$3 round seconds written portal=() copy=() plain=() dicognito=()
    head -c 32 /dev/urandom >"$WORK/deid.key"
    for round in $(seq "$DICOM_ROUNDS"); do
        log "round $round/$DICOM_ROUNDS on core $core: portal dicom deidentify, cp -r + sync -f, dicognito + sync -f, cp -r"
        seconds=$(timed_on_core "$core" "$BIN/portal" dicom deidentify --key-file "$WORK/deid.key" --centre BENCH \
            --out "$WORK/durable/portal-$round" "$CT_SERIES") || die "portal dicom deidentify"
        portal+=("$seconds")
        seconds=$(timed_on_core "$core" sh -c 'cp -r "$1" "$2" && sync -f "$2"' cp "$CT_SERIES" "$WORK/durable/cp-$round") \
            || die "cp -r"
        copy+=("$seconds")
        seconds=$(timed_on_core "$core" sh -c \
            'python3 -m dicognito --quiet --output-directory "$2" "$1/*.dcm" && sync -f "$2"' \
            dicognito "$CT_SERIES" "$WORK/durable/dicognito-$round") || die "dicognito"
        dicognito+=("$seconds")
        seconds=$(timed_on_core "$core" cp -r "$CT_SERIES" "$WORK/durable/plain-$round") || die "cp -r"
        plain+=("$seconds")
    done
    check_ours "$WORK/durable/portal-1" "$files"
    written=$(find "$WORK/durable/dicognito-1" -name '*.dcm' | wc -l)
    [ "$written" -eq "$files" ] || die "dicognito wrote $written of $files files"
    rm -rf "$WORK/durable"

    local row='  %-40s %8s %8s %8s %12s %10s  %s\n'
    local portal_median portal_best
    portal_median=$(median "${portal[@]}")
    portal_best=$(best "${portal[@]}")
    echo
    echo "== DICOM, files written and durable: $files CT slices (${CT_SIZE}x$CT_SIZE, $((bytes / 1000000)) MB) on one core (core $core)"
    printf "$row" tool "median s" "best s" "MB/s" "portal/tool" "(bests)" goal
    durable_row() {
        local label=$1 goal=$2 median best mbps
        shift 2
        median=$(median "$@")
        best=$(best "$@")
        mbps=$(awk -v b="$bytes" -v s="$median" 'BEGIN { printf "%.0f", b / s / 1e6 }')
        if [ "$goal" = - ]; then
            printf "$row" "$label" "$median" "$best" "$mbps" - - -
        else
            printf "$row" "$label" "$median" "$best" "$mbps" "$(ratio "$median" "$portal_median")" \
                "$(ratio "$best" "$portal_best")" "$goal"
        fi
    }
    durable_row "portal dicom deidentify (durable)" - "${portal[@]}"
    durable_row "cp -r + sync -f (durable copy)" ">= 0.80" "${copy[@]}"
    durable_row "dicognito $DICOGNITO_VERSION + sync -f" ">= 10" "${dicognito[@]}"
    durable_row "cp -r alone (page cache, not durable)" "(reference)" "${plain[@]}"
    echo "  rounds (s): portal ${portal[*]}; cp -r + sync -f ${copy[*]}; dicognito + sync -f ${dicognito[*]};"
    echo "  cp -r alone ${plain[*]}"
    echo "  check: $OURS_CHECK"
    echo "  seconds: wall time, process start included, of the whole series read from the page cache; a global sync"
    echo "  precedes each run, untimed. portal/tool = tool's seconds / portal's (above 1: the portal is faster)."
    echo "  portal: every slice read, de-identified and written to a temporary, all made durable by syncfs(2), renamed,"
    echo "  the folder fsynced. cp -r (GNU coreutils $(cp --version | awk 'NR==1{print $NF}'): copy_file_range, an in-kernel copy),"
    echo "  then sync -f (syncfs(2)) on the copy. dicognito: python3 -m dicognito --output-directory, then sync -f."
}

bench_dicom() {
    need dcmodify "apt-get install -y dcmtk"
    ensure_dicognito
    build_products deid-bench portal
    make_series
    local core bytes files start ours_line ours_s mem_line mem_s dcm_s orthanc_line orthanc_s
    local ours_mbps mem_mbps dcm_mbps orthanc_mbps
    core=$(single_core)
    files=$(find "$CT_SERIES" -name '*.dcm' | wc -l)
    bytes=$(find "$CT_SERIES" -name '*.dcm' -printf '%s\n' | awk '{ s += $1 } END { print s }')
    # Warm the page cache so every tool reads from memory.
    cat "$CT_SERIES"/*.dcm >/dev/null

    bench_dicom_durable "$core" "$bytes" "$files"

    log "ours: deid-bench on core $core, writing files"
    mkdir -p "$WORK/ours-out"
    start=$(now_ns)
    ours_line=$(timeout 900 taskset -c "$core" "$BIN/deid-bench" --out "$WORK/ours-out" "$CT_SERIES" | grep '^RESULT') \
        || die "deid-bench"
    ours_s=$(awk -v a="$start" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    log "ours: $ours_line (wall ${ours_s}s)"
    check_ours "$WORK/ours-out" "$files"
    rm -rf "$WORK/ours-out"

    log "ours: deid-bench on core $core, output discarded"
    start=$(now_ns)
    mem_line=$(timeout 900 taskset -c "$core" "$BIN/deid-bench" --discard "$CT_SERIES" | grep '^RESULT') || die "deid-bench"
    mem_s=$(awk -v a="$start" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    log "ours: $mem_line (wall ${mem_s}s)"

    log "dcmodify on core $core"
    cp -r "$CT_SERIES" "$WORK/dcmodify"
    start=$(now_ns)
    timeout 900 taskset -c "$core" dcmodify -nb -imt -ie "${DCMODIFY_EDITS[@]}" "$WORK"/dcmodify/*.dcm \
        >"$WORK/dcmodify.log" 2>&1 || { tail -5 "$WORK/dcmodify.log" >&2; die "dcmodify"; }
    dcm_s=$(awk -v a="$start" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    rm -rf "$WORK/dcmodify"

    orthanc_line="RESULT seconds="
    if command -v Orthanc >/dev/null; then
        log "Orthanc on core $core"
        local isolate=()
        unshare -n true 2>/dev/null && isolate=(unshare -n)
        orthanc_line=$(timeout 1200 "${isolate[@]}" "$BENCH_DIR/scripts/orthanc-run.sh" "$CT_SERIES" "$WORK/orthanc" "$core" \
            | grep '^RESULT') || { tail -20 "$WORK/orthanc/orthanc.log" >&2 2>/dev/null; orthanc_line="RESULT seconds="; }
        rm -rf "$WORK/orthanc/orthanc-storage"
    else
        log "Orthanc is missing (apt-get install -y orthanc): skipped"
    fi
    orthanc_s=$(field seconds "$orthanc_line")

    ours_mbps=$(awk -v b="$bytes" -v s="$ours_s" 'BEGIN { printf "%.0f", b / s / 1e6 }')
    mem_mbps=$(awk -v b="$bytes" -v s="$mem_s" 'BEGIN { printf "%.0f", b / s / 1e6 }')
    dcm_mbps=$(awk -v b="$bytes" -v s="$dcm_s" 'BEGIN { printf "%.0f", b / s / 1e6 }')
    orthanc_mbps=$(awk -v b="$bytes" -v s="$orthanc_s" 'BEGIN { if (s > 0) printf "%.0f", b / s / 1e6 }')

    local row='  %-34s %8s %8s %12s %12s\n'
    echo
    echo "== DICOM: de-identify $files CT slices (${CT_SIZE}x$CT_SIZE, $((bytes / 1000000)) MB) on one core (core $core)"
    printf "$row" tool seconds "MB/s" "ours(files)/" "ours(mem)/"
    printf "$row" "ours: deid-bench, files written" "$ours_s" "$ours_mbps" - -
    printf "$row" "ours: deid-bench, output discarded" "$mem_s" "$mem_mbps" - -
    printf "$row" "dcmtk dcmodify $(dcmodify --version 2>/dev/null | grep -o -m1 'v[0-9][0-9.]*' | head -1)" \
        "$dcm_s" "$dcm_mbps" "$(ratio "$ours_mbps" "$dcm_mbps")" "$(ratio "$mem_mbps" "$dcm_mbps")"
    printf "$row" "Orthanc $(Orthanc --version 2>/dev/null | awk 'NR==1{print $2}') anonymize" \
        "${orthanc_s:-n/a}" "${orthanc_mbps:-n/a}" "$(ratio "$ours_mbps" "$orthanc_mbps")" "$(ratio "$mem_mbps" "$orthanc_mbps")"
    echo "  ours (files):     $ours_line"
    echo "  ours (discarded): $mem_line"
    echo "  check: $OURS_CHECK"
    echo "  seconds: wall time of each tool over the whole series read from the page cache, process start"
    echo "  included; dcmodify and ours (files) write every output file; Orthanc: the POST"
    echo "  /studies/{id}/anonymize call alone (upload untimed). MB/s of input. Goal: >= 1000 MB/s, >= 10x Orthanc."
}
