# Sourced by build/postgres.sh: who may log in to the private cluster, and as what.
#
# Two roles, each with a generated password in a 0600 file under .data/: ledger_admin, the cluster's
# superuser, which only this script uses (to make the app's role and to upgrade old clusters), and
# ledger, the app's role: no SUPERUSER (so no COPY ... TO PROGRAM), no CREATEROLE, CREATEDB for
# the tests' per-run databases, owner of the databases it uses. pg_hba.conf accepts scram-sha-256
# logins over 127.0.0.1 and nothing else; there is no Unix socket.

PG_ADMIN_ROLE=ledger_admin
PG_APP_ROLE=ledger
PG_ADMIN_PASSWORD_FILE="$ROOT/.data/pg.admin"
PG_APP_PASSWORD_FILE="$ROOT/.data/pg.password"

# A password made once and kept where only the checkout's owner can read it. Hex, so it needs no
# quoting in SQL or in a connection string.
password_in() {
  if [ ! -s "$1" ]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$1")
  fi
  chmod 600 "$1"
  cat "$1"
}

# psql against the private cluster as a role, with that role's password; SQL from -c or stdin.
pg_sql() {
  local role="$1" db="$2" file="$PG_APP_PASSWORD_FILE"
  shift 2
  [ "$role" = "$PG_ADMIN_ROLE" ] && file="$PG_ADMIN_PASSWORD_FILE"
  PGPASSWORD="$(cat "$file" 2>/dev/null || true)" PGCONNECT_TIMEOUT=10 PGOPTIONS="-c client_min_messages=warning" \
    "$(pg_bin)/psql" -X -w -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$role" -d "$db" "$@"
}

# initdb for a new cluster: the superuser is ledger_admin and has its password from the start.
init_cluster() {
  local bin="$1" pwfile
  password_in "$PG_ADMIN_PASSWORD_FILE" >/dev/null
  # initdb runs as the server's user, which cannot read .data/pg.admin: a private copy it can.
  pwfile="$(as_pg_owner mktemp -p /tmp)"
  cat "$PG_ADMIN_PASSWORD_FILE" >"$pwfile"
  as_pg_owner "$bin/initdb" -D "$(pg_data)" -U "$PG_ADMIN_ROLE" --pwfile="$pwfile" \
    --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null || { rm -f "$pwfile"; exit 1; }
  rm -f "$pwfile"
  write_hba
}

# Password logins over 127.0.0.1 only: no trust line, and no socket (unix_socket_directories = '').
write_hba() {
  cat >"$PG_DATA_DIR/pg_hba.conf" <<'HBA'
# Written by ./ledger (build/pg-auth.sh): password (scram-sha-256) logins over 127.0.0.1 only.
host all all 127.0.0.1/32 scram-sha-256
HBA
  grep -q '^password_encryption' "$PG_DATA_DIR/postgresql.conf" \
    || echo "password_encryption = 'scram-sha-256'" >>"$PG_DATA_DIR/postgresql.conf"
}

# After each start: upgrades a cluster from before passwords, and remakes the app's role when it
# cannot log in (a new cluster, or a lost .data/pg.password).
secure_cluster() {
  if grep -q '^[^#]*trust' "$PG_DATA_DIR/pg_hba.conf"; then upgrade_from_trust; fi
  pg_sql "$PG_APP_ROLE" postgres -tAc "select 1" >/dev/null 2>&1 && return 0
  make_app_role || {
    echo "ledger: cannot log in to the private cluster as $PG_ADMIN_ROLE (.data/pg.admin lost?); remove .data/ to start over" >&2
    exit 1
  }
}

# The app's role, made or repaired by the superuser, with the password of .data/pg.password.
make_app_role() {
  local pw
  pw="$(password_in "$PG_APP_PASSWORD_FILE")"
  pg_sql "$PG_ADMIN_ROLE" postgres <<SQL
select 'create role $PG_APP_ROLE' where not exists (select from pg_roles where rolname = '$PG_APP_ROLE')
\gexec
alter role $PG_APP_ROLE login nosuperuser nocreaterole createdb password '$pw';
SQL
}

# Clusters made before passwords trust every local login, and the app's `ledger` is their bootstrap
# superuser, which owns the system catalogs and so can never be made safe. It becomes ledger_admin,
# a new `ledger` takes over the databases and what is in them, then pg_hba switches to passwords.
# Each step checks where the last run stopped, so an interrupted upgrade finishes on the next run.
upgrade_from_trust() {
  echo "ledger: securing the private cluster: password logins, and the app's role stops being a superuser" >&2
  scram_for_new_passwords
  if [ "$(pg_sql "$PG_APP_ROLE" postgres -tAc "select rolname from pg_roles where oid = 10")" = "$PG_APP_ROLE" ]; then
    # No session can rename its own role: a short-lived superuser renames the bootstrap one.
    pg_sql "$PG_APP_ROLE" postgres -c "drop role if exists ledger_upgrade" -c "create role ledger_upgrade superuser login"
    pg_sql ledger_upgrade postgres <<SQL
begin;
alter role $PG_APP_ROLE rename to $PG_ADMIN_ROLE;
create role $PG_APP_ROLE;
commit;
SQL
  fi
  # Passwords go through stdin: a command line is visible to every local user.
  pg_sql "$PG_ADMIN_ROLE" postgres <<SQL
drop role if exists ledger_upgrade;
alter role $PG_ADMIN_ROLE password '$(password_in "$PG_ADMIN_PASSWORD_FILE")';
SQL
  make_app_role
  give_databases_to_app
  write_hba
  as_pg_owner "$(pg_bin)/pg_ctl" -D "$(pg_data)" reload >/dev/null
}

# Passwords set during the upgrade are stored as SCRAM verifiers, whatever the default.
scram_for_new_passwords() {
  grep -q '^password_encryption' "$PG_DATA_DIR/postgresql.conf" && return 0
  echo "password_encryption = 'scram-sha-256'" >>"$PG_DATA_DIR/postgresql.conf"
  as_pg_owner "$(pg_bin)/pg_ctl" -D "$(pg_data)" reload >/dev/null
}

# Every database but `postgres`, and everything in it the bootstrap superuser (oid 10) owns outside
# the system schemas and extensions, passes to the app's role, so Marten can still alter its tables.
give_databases_to_app() {
  local db
  for db in $(pg_sql "$PG_ADMIN_ROLE" postgres -tAc \
    "select datname from pg_database where not datistemplate and datname <> 'postgres' and datdba = 10"); do
    pg_sql "$PG_ADMIN_ROLE" postgres -c "alter database \"$db\" owner to $PG_APP_ROLE"
  done
  for db in $(pg_sql "$PG_ADMIN_ROLE" postgres -tAc \
    "select datname from pg_database where datdba = (select oid from pg_roles where rolname = '$PG_APP_ROLE')"); do
    pg_sql "$PG_ADMIN_ROLE" "$db" -v app="$PG_APP_ROLE" >/dev/null <<'SQL'
select set_config('ledger.app_role', :'app', false);
do $$
declare
  app text := current_setting('ledger.app_role');
  todo text;
begin
  for todo in
    select format('alter schema %I owner to %I', nspname, app) from pg_namespace
     where nspowner = 10 and nspname not like 'pg\_%' and nspname <> 'information_schema'
    union all
    -- tables, views and sequences of their own; a table takes its serial/identity sequences along
    select format('alter %s %s owner to %I',
                  case c.relkind when 'S' then 'sequence' when 'v' then 'view'
                                 when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end,
                  c.oid::regclass, app)
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relowner = 10 and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
       and n.nspname not like 'pg\_%' and n.nspname <> 'information_schema'
       and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid
                          and (d.deptype = 'e' or (d.deptype in ('a', 'i') and d.refclassid = 'pg_class'::regclass)))
    union all
    select format('alter routine %s owner to %I', p.oid::regprocedure, app)
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where p.proowner = 10 and n.nspname not like 'pg\_%' and n.nspname <> 'information_schema'
       and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
    union all
    -- enums, domains, ranges and composite types of their own (a table's row type goes with it)
    select format('alter type %s owner to %I', t.oid::regtype, app)
      from pg_type t join pg_namespace n on n.oid = t.typnamespace
     where t.typowner = 10 and t.typtype in ('c', 'd', 'e', 'r')
       and (t.typrelid = 0 or (select relkind from pg_class where oid = t.typrelid) = 'c')
       and n.nspname not like 'pg\_%' and n.nspname <> 'information_schema'
       and not exists (select from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
  loop
    execute todo;
  end loop;
end
$$;
SQL
  done
}
