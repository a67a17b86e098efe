#!/usr/bin/env bash
# Scale-out: events per second applied by 1, 2 and 4 replicas of ticketing-show in one consumer
# group on 4-partition topics, sharing one database, on SQLite (one file) and on PostgreSQL, as a
# ratio to one replica on the same engine. Each run is `bench-saga consume` (BENCH_SCALE_EVENTS,
# 10000, BookingPlaced waiting; it fails unless every booking took exactly one seat) on a fresh
# broker and a fresh database; BENCH_RUNS (3) runs each; prints a Markdown table.
#   bench/scale.sh
# BENCH_BIN=DIR uses the executables in DIR as they are (the tests' smoke run), without
# building or setting up. Loopback only; every process it starts is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
if [ -z "${BENCH_BIN:-}" ]; then
  scripts/setup >/dev/null
  swift build -c release --product ticketing-show >/dev/null
  swift build -c release --product bench-saga >/dev/null
fi
bin=${BENCH_BIN:-$(swift build -c release --show-bin-path)}
runs=${BENCH_RUNS:-3}
events=${BENCH_SCALE_EVENTS:-10000}
replica_counts=${BENCH_SCALE_REPLICAS:-1 2 4}

work=$(mktemp -d)
broker_pid=
postgres_pid=
cleanup() {
  for pid in $broker_pid $postgres_pid; do kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
start_postgres scale

# consume ENGINE REPLICAS: events applied per second, one line per run, into $work/ENGINE.REPLICAS.
consume() {
  local run port url=() line
  for run in $(seq 1 "$runs"); do
    port=$(free_port)
    start_broker "$port"
    if [ "$1" = postgresql ]; then
      psql -q "$postgres_url" -c "CREATE DATABASE run_$2_$run" >/dev/null
      url=(--database-url "${postgres_url%/*}/run_$2_$run")
    fi
    line=$("$bin/bench-saga" consume --executable "$bin/ticketing-show" --broker "127.0.0.1:$port" --events "$events" \
      --replicas "$2" "${url[@]}")
    printf 'bench: %s, %s replicas: %s\n' "$1" "$2" "$line" >&2
    kill -INT "$broker_pid"; wait "$broker_pid" || true; broker_pid=
    echo "$line" | tr ' ' '\n' | awk -F= '$1 == "consumed_per_s" {print $2}' >>"$work/$1.$2"
  done
}

declare -A median spread
for engine in sqlite postgresql; do
  for n in $replica_counts; do
    consume "$engine" "$n"
    read -r m mn mx < <(stats 0 <"$work/$engine.$n")
    median[$engine.$n]=$m; spread[$engine.$n]="$mn–$mx"
  done
done
one=${replica_counts%% *}
echo "| replicas | SQLite, events/s | ratio | PostgreSQL, events/s | ratio |"
echo "|---|---|---|---|---|"
for n in $replica_counts; do
  row="| $n"
  for engine in sqlite postgresql; do
    row+=" | ${median[$engine.$n]} (${spread[$engine.$n]}) | $(awk -v a="${median[$engine.$n]}" -v b="${median[$engine.$one]}" 'BEGIN {printf "%.2f", a / b}')"
  done
  echo "$row |"
done
