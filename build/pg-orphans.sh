# Sourced by build/postgres.sh: private clusters that nobody would ever stop otherwise.
#
# As root with a checkout that postgres cannot enter, the cluster lives under postgres's home in
# ledger/<hash>, outside the checkout. Each such cluster records its checkout in ledger.checkout;
# once that checkout is gone (CI deletes its clone after every run) or no longer links to it, the
# cluster is an orphan: it is stopped and its files removed. A cluster in a checkout's own .data/pg
# stops by itself within a minute of its checkout's deletion (PostgreSQL checks its lock file).

# Where clusters outside their checkouts live; empty when there are none (not root, no postgres).
pg_elsewhere_root() {
  [ "$(id -u)" = 0 ] || return 0
  local home
  home="$(getent passwd postgres | cut -d: -f6)" && [ -n "$home" ] && echo "$home/ledger"
}

# Records the checkout a cluster belongs to; again at each start, so a moved checkout re-claims it.
tag_checkout() { echo "$ROOT" >"$PG_DATA_DIR/ledger.checkout"; }

# A cluster whose recorded checkout is gone or links elsewhere. One without a record (made by an
# older ./ledger, or being made right now) is never judged an orphan.
is_orphan() {
  local dir="$1" checkout
  [ -f "$dir/ledger.checkout" ] || return 1
  checkout="$(cat "$dir/ledger.checkout")"
  [ "$(readlink -f "$checkout/.data/pg" 2>/dev/null)" != "$(readlink -f "$dir")" ]
}

# Stops each orphaned cluster and removes its files; says so only when it stops or finds something.
# With "verbose", also says when there is nothing to do and lists clusters it cannot judge.
sweep_orphans() {
  local where dir found=0
  where="$(pg_elsewhere_root)"
  [ -n "$where" ] && [ -d "$where" ] || { [ "${1:-}" != verbose ] || echo "ledger: no orphaned clusters" >&2; return 0; }
  for dir in "$where"/*/; do
    dir="${dir%/}"
    [ -d "$dir" ] || continue
    if is_orphan "$dir"; then
      stop_orphan "$dir" && found=$((found + 1))
    elif [ "${1:-}" = verbose ] && [ ! -f "$dir/ledger.checkout" ]; then
      echo "ledger: left alone, no checkout recorded (an older ./ledger made it, or one is making it now): $dir" >&2
    fi
  done
  [ "${1:-}" != verbose ] || [ "$found" -gt 0 ] || echo "ledger: no orphaned clusters" >&2
}

stop_orphan() {
  local dir="$1" bin port checkout done="removed"
  port="$(sed -n 's/^port = //p' "$dir/postgresql.conf" 2>/dev/null | tail -1)"
  checkout="$(cat "$dir/ledger.checkout")"
  if bin="$(pg_bin)" && as_pg_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    as_pg_owner "$bin/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null 2>&1 || {
      echo "ledger: could not stop the orphaned cluster in $dir (port $port); left as it is" >&2
      return 1
    }
    done="stopped and removed"
  fi
  rm -rf "$dir"
  echo "ledger: $done the PostgreSQL cluster of $checkout (port ${port:-?}): that checkout is gone" >&2
}

# ./ledger test stops, at its exit, the cluster that it started itself, so machines running many
# test runs do not collect idle clusters; one that was running already is left running.
stop_at_exit_if_started_here() {
  [ "${PG_STARTED_HERE:-0}" = 1 ] || return 0
  trap stop_if_unused EXIT
}

# Leaves the cluster up when another command connected meanwhile (./ledger up in a second shell).
# The test host's own connections may take a moment to end after it exits: up to 5 s are allowed.
stop_if_unused() {
  local others tries=10
  while others="$(pg_sql "$PG_APP_ROLE" postgres -tAc \
    "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()" 2>/dev/null || echo 0)" \
    && [ "$others" != 0 ] && [ "$tries" -gt 0 ]; do
    sleep 0.5
    tries=$((tries - 1))
  done
  if [ "$others" != 0 ]; then
    echo "ledger: the private PostgreSQL this run started is left running: $others other connections" >&2
    return 0
  fi
  stop_cluster
}
