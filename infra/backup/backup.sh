#!/usr/bin/env bash
# Backs up the compose deployment's data (docs/operations.md, "Backups"): one pg_dump per service
# database (custom format), the roles without their passwords, and a mongodump archive, into
# DIR/<UTC time>/. Taken from the running stores: each database is consistent in itself, not with
# the others (the events between them are replayed by a backfill after a restore). A backup is
# complete when its SHA256SUMS exists.
# Order: a projection is dumped before its owner, so it can be behind its owner's restored state
# (a backfill catches it up) but not ahead: a projection ahead of its owner keeps a change the
# owner lost, and ignores the owner's next change, which reuses that version number (a cancel
# made between two dumps stayed on the seller dashboard while the subscription was charged on).
# MongoDB (chat's users, search's titles) first, then mail, lookup, seller (names, dashboard),
# payment, auth. Only payment's product catalog, a projection of seller's products, is dumped
# after them (seller's dashboard is a projection of payment: one of the two has to be). Shipping it off the host (S3, …) is the operator's tooling.
#   infra/backup/backup.sh [DIR]        (./moa backup [DIR]); DIR: $MOA_BACKUP_DIR or /var/backups/moa
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../compose/lib.sh"

dir="${1:-${MOA_BACKUP_DIR:-/var/backups/moa}}/$(date -u +%Y%m%dT%H%M%SZ)"
umask 077 # dumps hold user data
mkdir -p "$dir"

databases=$(compose exec -T postgres psql -U postgres -d postgres -Atc \
  "SELECT datname FROM pg_database WHERE datname LIKE 'moa\_%'
   ORDER BY array_position(ARRAY['moa_mail','moa_lookup','moa_seller','moa_payment','moa_auth'], datname::text), 1")
[ -n "$databases" ] || die "no moa_* database in the postgres container"
compose exec -T mongodb bash -c "$MONGO_ROOT_ARGS"' exec mongodump --quiet --archive --gzip "${args[@]}"' \
  >"$dir/mongo.archive.gz"
for db in $databases; do
  compose exec -T postgres pg_dump -U postgres --format=custom "$db" >"$dir/$db.dump"
done
compose exec -T postgres pg_dumpall -U postgres --globals-only --no-role-passwords >"$dir/globals.sql"

(cd "$dir" && sha256sum -- *.dump globals.sql mongo.archive.gz >SHA256SUMS)
echo "$dir"
