#!/usr/bin/env bash
# Starts a local PostgreSQL for the test suite (installing Debian's package if
# missing), creates the test role and database, and prints the URL to export:
#   eval "$(scripts/test-postgres.sh)"   # sets RELAIS_TEST_DATABASE_URL
# Everything it says goes to stderr except the final export line.
set -euo pipefail

log() { echo "test-postgres: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  log "creating cluster $version/main"
  pg_createcluster "$version" main >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "starting cluster $version/main on port $port"
  pg_ctlcluster "$version" main start >&2
fi

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
  log "PostgreSQL did not start on port $port"
  exit 1
fi

as_postgres() { (cd / && su postgres -c "$1"); }
as_postgres "psql -q -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname='relais_test'\" | grep -q 1 \
  || psql -q -p $port -c \"CREATE ROLE relais_test LOGIN PASSWORD 'relais_test' CREATEDB\"" >&2
as_postgres "psql -q -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname='relais_test'\" | grep -q 1 \
  || createdb -p $port -O relais_test relais_test" >&2

log "ready on 127.0.0.1:$port"
echo "export RELAIS_TEST_DATABASE_URL=postgres://relais_test:relais_test@127.0.0.1:$port/relais_test"
