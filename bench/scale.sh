#!/usr/bin/env bash
# Scale-out: events per second applied by 1, 2 and 4 replicas of ticketing-show in one consumer
# group on 4-partition topics, sharing one database, on SQLite (one file) and on PostgreSQL, as a
# ratio to the first replica count on the same engine. Each run is `bench-saga consume`
# (BENCH_SCALE_EVENTS, 10000, BookingPlaced waiting; it fails unless every booking took exactly
# one seat) on a fresh broker and a fresh database; BENCH_RUNS (3) rounds, in each of which every
# replica count takes its turn, in the other order every other round, so that a drift over time
# does not land on one count. Prints what it ran, then a Markdown table.
#   bench/scale.sh
# BENCH_BIN=DIR uses the executables in DIR as they are (the tests' smoke run), without
# building or setting up. Loopback only; every process it starts is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
release_products ticketing-show bench-saga
runs=${BENCH_RUNS:-3}
events=${BENCH_SCALE_EVENTS:-10000}
read -r -a counts <<<"${BENCH_SCALE_REPLICAS:-1 2 4}"
psql="$(pg_config --bindir)/psql"

work=$(mktemp -d)
broker_pid=
postgres_pid=
cleanup() {
  for pid in $broker_pid $postgres_pid; do kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
start_postgres scale

# consume ENGINE REPLICAS: one run; its events applied per second appended to $work/ENGINE.REPLICAS.
consume() {
  local port url=() line
  port=$(free_port)
  start_broker "$port"
  if [ "$1" = postgresql ]; then
    "$psql" -q "$postgres_url" -c "CREATE DATABASE run" >/dev/null
    url=(--database-url "${postgres_url%/*}/run")
  fi
  line=$("$bin/bench-saga" consume --executable "$bin/ticketing-show" --broker "127.0.0.1:$port" --events "$events" \
    --replicas "$2" "${url[@]}" --without-references)
  printf 'bench: %s, %s replicas: %s\n' "$1" "$2" "$line" >&2
  kill -INT "$broker_pid"; wait "$broker_pid" || true; broker_pid=
  if [ "$1" = postgresql ]; then "$psql" -q "$postgres_url" -c "DROP DATABASE run" >/dev/null; fi
  echo "$line" | tr ' ' '\n' | awk -F= '$1 == "consumed_per_s" {print $2}' >>"$work/$1.$2"
}

for round in $(seq 1 "$runs"); do
  order=("${counts[@]}")
  if [ $((round % 2)) = 0 ]; then order=(); for n in "${counts[@]}"; do order=("$n" "${order[@]}"); done; fi
  for engine in sqlite postgresql; do
    for n in "${order[@]}"; do consume "$engine" "$n"; done
  done
done

declare -A median spread
for engine in sqlite postgresql; do
  for n in "${counts[@]}"; do
    read -r m mn mx < <(stats 0 <"$work/$engine.$n")
    median[$engine.$n]=$m; spread[$engine.$n]="$mn–$mx"
  done
done
echo "$events events a run, $runs runs of each replica count."
echo
echo "| replicas | SQLite, events/s | ratio to ${counts[0]} | PostgreSQL, events/s | ratio to ${counts[0]} |"
echo "|---|---|---|---|---|"
for n in "${counts[@]}"; do
  row="| $n"
  for engine in sqlite postgresql; do
    row+=" | ${median[$engine.$n]} (${spread[$engine.$n]}) | $(awk -v a="${median[$engine.$n]}" -v b="${median[$engine.${counts[0]}]}" 'BEGIN {printf "%.2f", a / b}')"
  done
  echo "$row |"
done
