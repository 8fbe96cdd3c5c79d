#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and the bench: initdb in a new temporary folder,
# listening on 127.0.0.1 only (a free port), password authentication with a random password, and
# one empty database. PostgreSQL refuses to run as root: started by root, the cluster runs as the
# `postgres` user (the Debian package creates it); started by anyone else, as that user.
#
#   scripts/test-postgres.sh start   prints two lines on stdout: URL=postgres://… and DIR=/tmp/…
#   scripts/test-postgres.sh stop DIR   stops that cluster and removes its folder
#
# Durability is off (fsync, synchronous_commit, full_page_writes): this cluster holds test data only.
set -euo pipefail

find_bin() {
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then
    echo "$newest"
  elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && command -v createdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
  else
    echo "test-postgres: no PostgreSQL server binaries (initdb, pg_ctl) found; install the postgresql package" >&2
    exit 3
  fi
}

# Runs a command as the cluster's owner: the postgres user under root, else the caller.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  node -e "const s = require('node:net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

start() {
  local bin dir port password
  bin=$(find_bin)
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "test-postgres: running as root and there is no postgres user to run the cluster as" >&2
    exit 3
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/ic-pg-XXXXXX")
  chmod 0700 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s\n' "$password" >"$dir/pwfile"
  chmod 0600 "$dir/pwfile"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"
  as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres --pwfile="$dir/pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-instructions >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 4; }
  rm -f "$dir/pwfile"
  port=$(free_port)
  as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 4; }
  PGPASSWORD="$password" "$bin/createdb" --host=127.0.0.1 --port="$port" --username=postgres ic_test
  echo "URL=postgres://postgres:$password@127.0.0.1:$port/ic_test"
  echo "DIR=$dir"
}

stop() {
  local dir=${1:?usage: test-postgres.sh stop DIR}
  [ -d "$dir/data" ] || { echo "test-postgres: $dir holds no cluster" >&2; exit 2; }
  local bin
  bin=$(find_bin)
  as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
stop) stop "${2:-}" ;;
*)
  echo "usage: test-postgres.sh start | stop DIR" >&2
  exit 2
  ;;
esac
