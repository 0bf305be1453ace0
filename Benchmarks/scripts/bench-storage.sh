# Storage benchmark: an indexed single-row lookup through our Storage pool against pgbench's select-only
# run, on one throwaway PostgreSQL cluster (Unix socket only), with the same client counts.
# Sourced by run.sh after lib.sh.

PG_DURATION=${BENCH_PG_DURATION:-10}
PG_CLIENTS=${BENCH_PG_CLIENTS:-"1 8"}
PG_SCALE=${BENCH_PG_SCALE:-10}
# Rounds per client count: each round runs pgbench -S, pgbench -S -M prepared and ours back to back, and
# the medians are compared, so a slow spell of a shared machine hits both sides alike.
PG_ROUNDS=${BENCH_PG_ROUNDS:-3}

# The median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

pg_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/initdb" ] && { echo "$dir"; return; }
    done
    command -v initdb >/dev/null && dirname "$(command -v initdb)"
}

# Runs a command as the cluster's owner: PostgreSQL refuses to run as root.
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_stop() {
    [ -n "${PG_DATA:-}" ] && [ -f "$PG_DATA/postmaster.pid" ] || return 0
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -t 60 stop >/dev/null 2>&1 || true
}

pg_start() {
    PG_BIN=$(pg_bin)
    [ -n "$PG_BIN" ] || die "PostgreSQL server binaries not found (apt-get install -y postgresql)"
    need pgbench "apt-get install -y postgresql-contrib or postgresql-client"
    PG_ROOT=$(mktemp -d /tmp/portal-bench-pg.XXXXXX)
    PG_DATA=$PG_ROOT/data
    [ "$(id -u)" != 0 ] || chown postgres: "$PG_ROOT"
    chmod 755 "$PG_ROOT"
    CLEANUP_HOOKS+=(pg_stop pg_remove)
    log "initdb in $PG_ROOT"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres --no-sync >"$WORK/initdb.log" 2>&1 || die "initdb"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -t 60 -l "$PG_ROOT/server.log" \
        -o "-c listen_addresses='' -c unix_socket_directories='$PG_ROOT' -c max_connections=300 -c shared_buffers=256MB" \
        start >/dev/null || { cat "$PG_ROOT/server.log" >&2; die "PostgreSQL start"; }
    PG_URL="postgresql:///bench?host=$PG_ROOT&user=postgres"
}

pg_remove() { [ -n "${PG_ROOT:-}" ] && rm -rf "$PG_ROOT"; }

bench_storage() {
    build_products storage-bench
    pg_start
    "$PG_BIN/createdb" -h "$PG_ROOT" -U postgres bench || die "createdb"
    log "pgbench -i -s $PG_SCALE (pgbench_accounts: $((PG_SCALE * 100000)) rows, primary key on aid)"
    timeout 600 pgbench -i -q -s "$PG_SCALE" -h "$PG_ROOT" -U postgres bench >"$WORK/pgbench-init.log" 2>&1 \
        || { cat "$WORK/pgbench-init.log" >&2; die "pgbench -i"; }

    local clients jobs round simple prepared ours summary=()
    local simples preparedes ourprep ourparams
    for clients in $PG_CLIENTS; do
        jobs=$((clients < 2 ? 1 : 2))
        simples=() preparedes=() ourprep=() ourparams=()
        for round in $(seq "$PG_ROUNDS"); do
            simple=$(timeout $((PG_DURATION + 120)) pgbench -S -n -c "$clients" -j "$jobs" -T "$PG_DURATION" \
                -h "$PG_ROOT" -U postgres bench 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | tail -1)
            prepared=$(timeout $((PG_DURATION + 120)) pgbench -S -n -M prepared -c "$clients" -j "$jobs" -T "$PG_DURATION" \
                -h "$PG_ROOT" -U postgres bench 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | tail -1)
            ours=$(timeout $((PG_DURATION + 120)) "$BIN/storage-bench" --url "$PG_URL" --clients "$clients" --loops "$jobs" \
                --duration "$PG_DURATION" --rows $((PG_SCALE * 100000)) | grep '^RESULT') || ours="RESULT tps=0"
            log "clients=$clients round $round/$PG_ROUNDS: pgbench simple=$simple prepared=$prepared ours: $ours"
            simples+=("${simple:-0}") preparedes+=("${prepared:-0}")
            ourprep+=("$(field tps "$ours")") ourparams+=("$(field tps_params "$ours")")
        done
        simple=$(median "${simples[@]}") prepared=$(median "${preparedes[@]}")
        local mine mineparams
        mine=$(median "${ourprep[@]}") mineparams=$(median "${ourparams[@]}")
        summary+=("$(printf '  %7s | %11.0f %11.0f | %11.0f %11.0f | %12s %12s' "$clients" "$simple" "$prepared" \
            "$mine" "$mineparams" "$(ratio "$mine" "$prepared")" "$(ratio "$mineparams" "$simple")")")
    done

    echo
    echo "== Storage: indexed single-row lookup (SELECT abalance FROM pgbench_accounts WHERE aid = \$1), ${PG_DURATION}s each, median of $PG_ROUNDS rounds"
    echo "   one PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') cluster on a Unix socket, pgbench scale $PG_SCALE; lookups/s"
    echo "   ours: clients spread over as many event loops as pgbench has threads (-j), as request handlers run on HTTP loops"
    printf '  %7s | %11s %11s | %11s %11s | %12s %12s\n' clients "pgbench -S" "-S -M prep" "ours prep" "ours params" \
        "prep/prep" "params/-S"
    printf '%s\n' "${summary[@]}"
    echo "  prep/prep = our pool with a prepared statement / pgbench -S -M prepared (the headline; goal >= 0.8)"
    echo "  params/-S = our pool with bound parameters, unnamed statement / pgbench -S (simple protocol)"
    pg_stop
}
