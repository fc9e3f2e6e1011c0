#!/usr/bin/env bash
# Backs up the compose deployment's data (docs/operations.md, "Backups"): one pg_dump per service
# database (custom format), the roles without their passwords, and a mongodump archive, into
# DIR/<UTC time>/. Taken from the running stores: each database is consistent in itself, not with
# the others (the events between them are replayed by a backfill after a restore). A backup is
# complete when its SHA256SUMS exists. Shipping it off the host (S3, …) is the operator's tooling.
#   infra/backup/backup.sh [DIR]        (./moa backup [DIR]); DIR: $MOA_BACKUP_DIR or /var/backups/moa
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../compose/lib.sh"

dir="${1:-${MOA_BACKUP_DIR:-/var/backups/moa}}/$(date -u +%Y%m%dT%H%M%SZ)"
umask 077 # dumps hold user data
mkdir -p "$dir"

databases=$(compose exec -T postgres psql -U postgres -d postgres -Atc \
  "SELECT datname FROM pg_database WHERE datname LIKE 'moa\_%' ORDER BY 1")
[ -n "$databases" ] || die "no moa_* database in the postgres container"
for db in $databases; do
  compose exec -T postgres pg_dump -U postgres --format=custom "$db" >"$dir/$db.dump"
done
compose exec -T postgres pg_dumpall -U postgres --globals-only --no-role-passwords >"$dir/globals.sql"
compose exec -T mongodb bash -c "$MONGO_ROOT_ARGS"' exec mongodump --quiet --archive --gzip "${args[@]}"' \
  >"$dir/mongo.archive.gz"

(cd "$dir" && sha256sum -- *.dump globals.sql mongo.archive.gz >SHA256SUMS)
echo "$dir"
