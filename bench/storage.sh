#!/usr/bin/env bash
# Writes per second on SQLite and on PostgreSQL, same service, same run: demo-ledger's
# POST /entries (an insert and an outbox row in one transaction, the relay publishing it), a
# release build, wrk with 2 threads and 16 connections for BENCH_STORAGE_SECONDS (10) s,
# BENCH_RUNS (3) runs each; prints the median, min and max and the ratio PostgreSQL / SQLite. Both engines write durably (SQLite
# synchronous=FULL, PostgreSQL fsync on). Loopback only; every process it starts is stopped by pid.
#   bench/storage.sh
# BENCH_BIN=DIR uses the executables in DIR as they are (the tests' smoke run), without
# building or setting up.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
release_products demo-ledger
runs=${BENCH_RUNS:-3}
seconds=${BENCH_STORAGE_SECONDS:-10}
command -v wrk >/dev/null || { echo "bench: wrk is needed (scripts/setup installs it)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

kafka=$(free_port)
start_broker "$kafka"
pids+=("$broker_pid")

start_postgres ledger
pids+=("$postgres_pid")

cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"account":"bench","amount":1}'
wrk.headers["Content-Type"] = "application/json"
LUA

# run ENGINE VARIABLE=VALUE: wrk runs against a fresh demo-ledger; prints requests/s per run.
run() {
  local port; port=$(free_port)
  env HOST=127.0.0.1 PORT="$port" KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$kafka" "$2" \
    "$bin/demo-ledger" >"$work/$1.log" 2>&1 &
  local pid=$!; pids+=($pid)
  wait_for "curl -fs http://127.0.0.1:$port/readyz" "demo-ledger on $1"
  for _ in $(seq 1 "$runs"); do
    wrk -t2 -c16 -d"${seconds}s" -s "$work/post.lua" "http://127.0.0.1:$port/entries" >"$work/wrk.out"
    if grep -q 'Non-2xx' "$work/wrk.out"; then echo "bench: $1: $(grep 'Non-2xx' "$work/wrk.out")" >&2; fi
    awk '/Requests\/sec/ {print $2}' "$work/wrk.out"
  done
  kill -INT "$pid"; wait "$pid" || true
}

read -r sqlite_median sqlite_min sqlite_max < <(run sqlite "DATABASE_PATH=$work/ledger.sqlite" | stats 0)
read -r pg_median pg_min pg_max < <(run postgresql "DATABASE_URL=$postgres_url" | stats 0)
echo "machine: $(nproc) cores, $(uname -m), $(. /etc/os-release; echo "$PRETTY_NAME")"
printf 'SQLite      POST /entries: %s req/s (min %s, max %s)\n' "$sqlite_median" "$sqlite_min" "$sqlite_max"
printf 'PostgreSQL  POST /entries: %s req/s (min %s, max %s)\n' "$pg_median" "$pg_min" "$pg_max"
awk -v a="$pg_median" -v b="$sqlite_median" 'BEGIN {printf "ratio PostgreSQL / SQLite: %.2f\n", a / b}'
