#!/usr/bin/env bash
# Makes sure PostgreSQL with the pgvector extension is installed and running on this machine
# (Debian, run as root), and that the databases of the local run (parley) and the tests
# (parley_test) exist. Idempotent: a machine
# that already has it is left as it is, in about a second.
#
# Debian bookworm has no pgvector package, so it is built from Debian trixie's source package
# against the installed PostgreSQL (about 30 s). The apt source list for that lives in a
# temporary directory and is passed on the command line: the machine's own apt setup is untouched.
set -euo pipefail

log() { echo "[postgres-setup] $*"; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  log "installing PostgreSQL"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)

if [ ! -f "/usr/share/postgresql/$version/extension/vector.control" ]; then
  log "building pgvector for PostgreSQL $version"
  work=$(mktemp -d)
  chmod 755 "$work" # apt's download user reads the lists there
  trap 'rm -rf "$work"' EXIT
  # The same mirror the machine already uses, with the trixie suite and source packages only.
  mirror=$(grep -h -m1 -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' || true)
  [ -n "$mirror" ] || mirror=$(grep -h -m1 -E '^deb ' /etc/apt/sources.list | awk '{print $2}')
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  mkdir -p "$work/lists/partial"
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: %s\n' "$mirror" "$keyring" > "$work/trixie.sources"
  apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work" -o "Dir::State::Lists=$work/lists")
  apt-get "${apt_opts[@]}" update -qq
  apt-get update -qq # the machine's own lists, for the build dependencies
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-$version" build-essential >/dev/null 2>&1
  (cd "$work" && apt-get "${apt_opts[@]}" source -qq pgvector >/dev/null 2>&1)
  src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
  make -s -C "$src" PG_CONFIG="/usr/lib/postgresql/$version/bin/pg_config" >/dev/null
  make -s -C "$src" PG_CONFIG="/usr/lib/postgresql/$version/bin/pg_config" install >/dev/null
fi

if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi

# Least privilege, as in production: each service logs in as its own role that owns its own schema
# and nothing else (llm-service: llm, delivery-service: delivery, ingress-service: ingress), with
# that schema first on its search path. Role parley owns the databases and administers them (the
# tests use it to take a service's database away). All passwords here are local test credentials,
# not secrets; production sets its own (docker-compose.yml).
psql_admin() { su postgres -c "PGOPTIONS='-c client_min_messages=warning' psql -qtA -v ON_ERROR_STOP=1 $*"; }
ensure_role() {
  psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname = '$1'\"" | grep -q 1 \
    || psql_admin "-c \"CREATE ROLE $1 LOGIN PASSWORD '$1'\""
}
ensure_role parley
psql_admin "-c \"ALTER ROLE parley CREATEROLE\"" >/dev/null
psql_admin "-c \"GRANT pg_signal_backend TO parley\"" >/dev/null
services="llm delivery ingress"
for service in $services; do ensure_role "parley_$service"; done
# parley may reset the services' schemas (the local run and the tests start on a fresh broker, and
# the databases must start afresh with it).
psql_admin "-c \"GRANT parley_llm, parley_delivery, parley_ingress TO parley\"" >/dev/null
for database in parley parley_test; do # the local run's and the tests'
  psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname = '$database'\"" | grep -q 1 \
    || su postgres -c "createdb -O parley $database"
  psql_admin "-c \"ALTER DATABASE $database OWNER TO parley\""
  psql_admin "-d $database -c \"SET client_min_messages TO warning; CREATE EXTENSION IF NOT EXISTS vector\""
  psql_admin "-d $database -c \"REVOKE ALL ON DATABASE $database FROM PUBLIC\"" >/dev/null
  psql_admin "-d $database -c \"REVOKE CREATE ON SCHEMA public FROM PUBLIC\"" >/dev/null
  for service in $services; do
    role="parley_$service"
    psql_admin "-d $database -c \"GRANT CONNECT ON DATABASE $database TO $role\"" >/dev/null
    psql_admin "-d $database -c \"CREATE SCHEMA IF NOT EXISTS $service AUTHORIZATION $role\"" >/dev/null
    psql_admin "-d $database -c \"REVOKE ALL ON SCHEMA $service FROM PUBLIC\"" >/dev/null
    psql_admin "-d $database -c \"ALTER ROLE $role IN DATABASE $database SET search_path = $service, public\"" >/dev/null
  done
done
log "PostgreSQL $version with pgvector is ready (databases parley and parley_test; roles parley, parley_llm, parley_delivery, parley_ingress)"
