#!/bin/bash
# Run once by the postgres container on its first start (docker-compose.yml). Least privilege:
# each service gets its own login role owning only its own schema (llm, delivery, ingress) with that
# schema first on its search path; the registry its own role and database. Passwords come from the
# environment, never from this repository.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE EXTENSION IF NOT EXISTS vector;
REVOKE ALL ON DATABASE $POSTGRES_DB FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE ROLE parley_registry LOGIN PASSWORD '$PARLEY_REGISTRY_DB_PASSWORD';
CREATE DATABASE registry OWNER parley_registry;
SQL

for service in llm delivery ingress; do
  variable="PARLEY_$(echo "$service" | tr a-z A-Z)_DB_PASSWORD"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE parley_$service LOGIN PASSWORD '${!variable}';
GRANT CONNECT ON DATABASE $POSTGRES_DB TO parley_$service;
CREATE SCHEMA $service AUTHORIZATION parley_$service;
REVOKE ALL ON SCHEMA $service FROM PUBLIC;
ALTER ROLE parley_$service IN DATABASE $POSTGRES_DB SET search_path = $service, public;
SQL
done
