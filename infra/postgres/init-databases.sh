#!/usr/bin/env bash
# Creates one database and one login per PostgreSQL-backed service; each login owns only its own
# database and PUBLIC may connect to none of them. Idempotent: safe to run on every start.
# Runs as the PostgreSQL superuser: by docker's initdb (docker-entrypoint-initdb.d) or by
# `./moa infra` locally. Passwords come from the environment; the *_dev defaults are development
# defaults only and must be overridden in production.
set -euo pipefail

psql_super() { psql -v ON_ERROR_STOP=1 --no-psqlrc -q "$@"; }

for service in auth lookup seller payment mail; do
  upper=$(echo "$service" | tr '[:lower:]' '[:upper:]')
  var="MOA_${upper}_DB_PASSWORD"
  password="${!var:-moa_${service}_dev}"
  db="moa_${service}"
  psql_super -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${db}') THEN
    CREATE ROLE ${db} LOGIN PASSWORD '${password}';
  ELSE
    ALTER ROLE ${db} LOGIN PASSWORD '${password}';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE ${db} OWNER ${db}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${db}')\gexec
REVOKE ALL ON DATABASE ${db} FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${db};
SQL
done

# Local machines also get a role that tests use to create throw-away databases.
if [ "${MOA_CREATE_TEST_ROLE:-false}" = "true" ]; then
  psql_super -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'moa_test') THEN
    CREATE ROLE moa_test LOGIN CREATEDB PASSWORD 'moa_test';
  END IF;
END \$\$;
SQL
fi
