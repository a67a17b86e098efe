#!/usr/bin/env bash
# Requests per second for GET /shows/{id}: ticketing-show on its own and through the gateway,
# against nginx (one worker, no access log) serving the same bytes from a file, with the same
# wrk settings (2 threads, 64 connections); release builds, BENCH_RUNS runs (3) of
# BENCH_HTTP_SECONDS (8) each. Prints a Markdown table: median (min–max), the ratio to nginx, and
# the answers that were not 2xx plus socket errors, which must be 0. Loopback only; every
# process it starts is stopped by its pid.
#   bench/http.sh
# BENCH_BIN=DIR uses the executables in DIR as they are (the tests' smoke run), without
# building or setting up.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
release_products
runs=${BENCH_RUNS:-3}
seconds=${BENCH_HTTP_SECONDS:-8}
command -v wrk >/dev/null || { echo "bench: wrk is needed (scripts/setup installs it)" >&2; exit 1; }

work=$(mktemp -d); chmod 755 "$work"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

kafka=$(free_port); show=$(free_port); gateway=$(free_port); static=$(free_port)
start_broker "$kafka"
pids+=("$broker_pid")
env HOST=127.0.0.1 PORT="$show" DATABASE_PATH="$work/show.sqlite" KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$kafka" \
  "$bin/ticketing-show" >"$work/show.log" 2>&1 &
pids+=($!)
env HOST=127.0.0.1 PORT="$gateway" ROUTES="/shows=http://127.0.0.1:$show" "$bin/gateway" >/dev/null 2>&1 &
pids+=($!)
wait_for "curl -fs http://127.0.0.1:$show/readyz" "ticketing-show"
wait_for "curl -fs http://127.0.0.1:$gateway/readyz" "the gateway"
curl -fs -H 'Content-Type: application/json' -d '{"showName":"bench","totalCount":100,"remainCount":100}' \
  "http://127.0.0.1:$show/shows" >/dev/null

# nginx serves the bytes the show service answers, under the same path.
mkdir -p "$work/www/shows"
curl -fs "http://127.0.0.1:$show/shows/1" >"$work/www/shows/1"
start_nginx "$static" "root $work/www;"
pids+=("$nginx_pid")
wait_for "curl -fs http://127.0.0.1:$static/shows/1" "nginx"

# measure NAME PORT: requests/s per run in $work/NAME, failures (non-2xx answers and socket errors) summed.
measure() {
  : >"$work/$1"; : >"$work/$1.failures"
  for _ in $(seq 1 "$runs"); do
    wrk -t2 -c64 -d"${seconds}s" "http://127.0.0.1:$2/shows/1" >"$work/wrk.out"
    awk '/Requests\/sec/ {print $2}' "$work/wrk.out" >>"$work/$1"
    awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$work/wrk.out" >>"$work/$1.failures"
  done
}
measure nginx "$static"
measure service "$show"
measure gateway "$gateway"

read -r nginx_median _ _ < <(stats 0 <"$work/nginx")
echo "| | requests/s | ratio to nginx | not 2xx, socket errors |"
echo "|---|---|---|---|"
for name in nginx service gateway; do
  read -r median min max < <(stats 0 <"$work/$name")
  failures=$(awk '{s += $1} END {print s + 0}' "$work/$name.failures")
  label=$(case $name in nginx) echo "nginx, same bytes";; service) echo "ticketing-show";; gateway) echo "gateway → ticketing-show";; esac)
  ratio=$(awk -v a="$median" -v b="$nginx_median" 'BEGIN {printf "%.2f", a / b}')
  echo "| $label | $median ($min–$max) | $ratio | $failures |"
done
