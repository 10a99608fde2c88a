# Sourced by ./ledger. Makes sure a PostgreSQL is there and exports LEDGER_DB.
#
# With LEDGER_DB set, that database is used as it is. Otherwise a private cluster lives under
# .data/pg (git-ignored), listening on 127.0.0.1 only, on the first free port from LEDGER_PG_PORT
# (default 55432; the choice is kept in .data/pg.port so later runs find the same cluster), with
# password logins only (build/pg-auth.sh). PostgreSQL comes from Debian's packages and is installed
# when missing; the server refuses to run as root, so as root it runs as `postgres`.

PG_DATA_DIR="$ROOT/.data/pg"
PG_PORT_FILE="$ROOT/.data/pg.port"
# shellcheck source=build/pg-auth.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg-auth.sh"
# shellcheck source=build/pg-orphans.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg-orphans.sh"

# Hides the password of a connection string, however its key is spelled or spaced.
redact() { sed -E 's/((password|pwd)[[:space:]]*=)[^;]*/\1***/Ig' <<<"$1"; }

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

install_postgres() {
  echo "ledger: installing PostgreSQL from Debian's packages..." >&2
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
  # Debian starts a system cluster on 5432; Ledger uses a private one and leaves that alone.
}

# As root, the server runs as `postgres`, which may not be able to enter the checkout (a clone
# under /root, say). Then the cluster lives under postgres's home and .data/pg links to it.
make_data_dir() {
  if [ "$(id -u)" != 0 ]; then mkdir -p "$PG_DATA_DIR"; return; fi
  if runuser -u postgres -- test -x "$ROOT/.data"; then
    mkdir -p "$PG_DATA_DIR"
  else
    local elsewhere
    elsewhere="$(getent passwd postgres | cut -d: -f6)/ledger/$(echo -n "$ROOT" | sha1sum | cut -c1-12)"
    rm -rf "$elsewhere" && mkdir -p "$elsewhere" && ln -sfn "$elsewhere" "$PG_DATA_DIR"
  fi
  chown postgres:postgres "$PG_DATA_DIR/"
}

# The path postgres itself is given: .data/pg may be a link to a place postgres can enter.
pg_data() { readlink -f "$PG_DATA_DIR"; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local port="${LEDGER_PG_PORT:-55432}"
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

# PostgreSQL maps its shared buffers into every backend, and on 4 kB pages a backend faults on each
# buffer page it touches for the first time: on these virtual machines a fresh connection's first
# search of ~300 cached pages took 19-26 ms, and 1.2-1.4 ms with 2 MB pages. So, as root, the kernel
# is asked for as many huge pages as the cluster's shared memory needs before the server starts
# (huge_pages = try: without them it starts as before). LEDGER_PG_HUGE_PAGES=off leaves the kernel alone.
reserve_huge_pages() {
  local knob=/proc/sys/vm/nr_hugepages need have free
  [ "$(id -u)" = 0 ] && [ "${LEDGER_PG_HUGE_PAGES:-on}" != off ] && [ -w "$knob" ] || return 0
  need="$(as_pg_owner "$1/postgres" -D "$(pg_data)" -C shared_memory_size_in_huge_pages 2>/dev/null)" || return 0
  have="$(cat "$knob")"
  free="$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)"
  [[ "$need" =~ ^[0-9]+$ && "$free" =~ ^[0-9]+$ ]] && [ "$need" -gt "$free" ] || return 0
  echo $((have + need - free)) >"$knob" 2>/dev/null || return 0
  echo "ledger: reserved $need huge pages for PostgreSQL's shared memory (LEDGER_PG_HUGE_PAGES=off to skip)" >&2
}

start_cluster() {
  local bin
  bin="$(pg_bin)" || { install_postgres; bin="$(pg_bin)"; }
  mkdir -p "$ROOT/.data"
  if [ ! -f "$PG_DATA_DIR/PG_VERSION" ]; then
    rm -rf "$PG_DATA_DIR"  # a cluster whose creation was interrupted
    PG_PORT="$(free_port)"
    echo "$PG_PORT" >"$PG_PORT_FILE"
    echo "ledger: creating a private PostgreSQL cluster in .data/pg (port $PG_PORT)" >&2
    make_data_dir
    init_cluster "$bin"
    cat >>"$PG_DATA_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
max_connections = 300
shared_buffers = 512MB
synchronous_commit = on
fsync = on
# Ledger is write-heavy: fewer, larger checkpoints mean fewer full-page images in the WAL.
max_wal_size = 4GB
checkpoint_timeout = 15min
CONF
  fi
  PG_PORT="$(cat "$PG_PORT_FILE" 2>/dev/null || sed -n 's/^port = //p' "$PG_DATA_DIR/postgresql.conf" | tail -1)"
  tag_checkout
  if ! as_pg_owner "$bin/pg_ctl" -D "$(pg_data)" status >/dev/null 2>&1; then
    reserve_huge_pages "$bin"
    as_pg_owner "$bin/pg_ctl" -D "$(pg_data)" -l "$(pg_data)/server.log" -w -t 60 start >/dev/null \
      || { echo "ledger: PostgreSQL did not start; see .data/pg/server.log" >&2; exit 1; }
    PG_STARTED_HERE=1
  fi
  secure_cluster
}

ensure_database() {
  if [ -n "${LEDGER_DB:-}" ]; then export LEDGER_DB; return; fi
  sweep_orphans
  start_cluster
  if ! pg_sql "$PG_APP_ROLE" postgres -tAc "select 1 from pg_database where datname='$1'" | grep -q 1; then
    pg_sql "$PG_APP_ROLE" postgres -c "create database $1" >/dev/null
  fi
  export LEDGER_DB="Host=127.0.0.1;Port=$PG_PORT;Username=$PG_APP_ROLE;Password=$(cat "$PG_APP_PASSWORD_FILE");Database=$1;Maximum Pool Size=100"
}

stop_cluster() {
  local bin
  bin="$(pg_bin)" || return 0
  [ -f "$PG_DATA_DIR/PG_VERSION" ] || { echo "ledger: no private cluster in .data/pg" >&2; return 0; }
  as_pg_owner "$bin/pg_ctl" -D "$(pg_data)" -m fast stop >/dev/null 2>&1 || true
  echo "ledger: private PostgreSQL stopped" >&2
}
