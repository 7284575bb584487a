#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the vault tests and prints the URL to use,
# as `export MASKER_TEST_DATABASE_URL=…`. Usage:  eval "$(bash scripts/postgres.sh start)"
#                                                 bash scripts/postgres.sh stop
# Debian's server binaries (apt package `postgresql`, installed by scripts/setup.sh); initdb and
# pg_ctl refuse to run as root, so as root they run as the `postgres` user. The cluster lives in
# $MASKER_PG_DIR (default /tmp/masker-pg) and listens on 127.0.0.1:$MASKER_PG_PORT (default 54329),
# apart from any system cluster on 5432. Password authentication (scram-sha-256), with a random
# password kept in the cluster directory, so the tests exercise a URL with a password in it.
# MASKER_PG_MAX_CONNECTIONS (default 200) sets max_connections when the server starts.
set -euo pipefail
action="${1:-start}"
dir="${MASKER_PG_DIR:-/tmp/masker-pg}"
port="${MASKER_PG_PORT:-54329}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres.sh: no PostgreSQL server binaries under /usr/lib/postgresql; run scripts/setup.sh (apt package postgresql)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    if [ ! -s "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
      chmod 700 "$dir"
      password="$(head -c 18 /dev/urandom | base64 | tr -d '+/=')"
      pwfile="$(mktemp)"
      printf '%s\n' "$password" >"$pwfile"
      [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
      as_owner "$bin/initdb" -D "$dir" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" -E UTF8 >/dev/null
      rm -f "$pwfile"
      printf '%s\n' "$password" | as_owner tee "$dir/masker-password" >/dev/null
      as_owner chmod 600 "$dir/masker-password"
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$dir" -w -t 60 -l "$dir/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=${MASKER_PG_MAX_CONNECTIONS:-200}" start >/dev/null
    fi
    password="$(as_owner cat "$dir/masker-password")"
    if ! PGPASSWORD="$password" psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
         "SELECT 1 FROM pg_database WHERE datname = 'masker_test'" | grep -q 1; then
      PGPASSWORD="$password" psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE masker_test" >/dev/null
    fi
    echo "export MASKER_TEST_DATABASE_URL='postgres://postgres:$password@127.0.0.1:$port/masker_test?sslmode=disable'"
    ;;
  stop)
    if [ -s "$dir/PG_VERSION" ]; then as_owner "$bin/pg_ctl" -D "$dir" -w stop -m "${MASKER_PG_STOP_MODE:-fast}" >/dev/null 2>&1 || true; fi
    ;;
  *)
    echo "usage: postgres.sh start|stop" >&2
    exit 64
    ;;
esac
