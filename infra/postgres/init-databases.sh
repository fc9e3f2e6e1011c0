#!/usr/bin/env bash
# Creates one database and one login per PostgreSQL-backed service; each login owns only its own
# database and PUBLIC may connect to none of them. Idempotent: safe to run on every start, and it
# sets each login's password to the current one (password rotation: docs/operations.md).
# Runs as the PostgreSQL superuser: by docker's initdb (docker-entrypoint-initdb.d), by hand in
# the compose container, or by `./moa infra` locally. Passwords come from MOA_<SERVICE>_DB_PASSWORD;
# the *_dev defaults are development defaults only, refused when MOA_DB_PASSWORDS_REQUIRED=true
# (docker-compose.prod.yml sets it).
set -euo pipefail

psql_super() { psql -v ON_ERROR_STOP=1 --no-psqlrc -q "$@"; }

for service in auth lookup seller payment mail; do
  var="MOA_${service^^}_DB_PASSWORD"
  password="${!var:-}"
  if [ -z "$password" ]; then
    if [ "${MOA_DB_PASSWORDS_REQUIRED:-false}" = true ]; then
      echo "init-databases.sh: $var is not set (development defaults are refused here)" >&2
      exit 1
    fi
    password="moa_${service}_dev"
  fi
  # psql variables, not shell interpolation: :'x' is a quoted literal, :"x" a quoted identifier,
  # so a password may hold any character.
  psql_super -d postgres -v db="moa_${service}" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'db') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'db')\gexec
ALTER ROLE :"db" WITH LOGIN PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"db";
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
