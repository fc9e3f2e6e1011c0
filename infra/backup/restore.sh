#!/usr/bin/env bash
# Restores a backup made by backup.sh (docs/operations.md, "Restore and the restore drill").
#   infra/backup/restore.sh --drill DIR  (./moa restore --drill DIR) restores every database into a
#                                        scratch copy beside the live one (drill_<name>), prints what
#                                        each holds, and drops it: proves the backup, touches nothing
#   infra/backup/restore.sh DIR          (./moa restore DIR) replaces the live data: stops the apps,
#                                        restores every database, starts them again
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../compose/lib.sh"

drill=false
if [ "${1:-}" = --drill ]; then drill=true; shift; fi
[ $# -eq 1 ] || die "usage: infra/backup/restore.sh [--drill] DIR"
dir=$(cd "$1" && pwd)
[ -f "$dir/SHA256SUMS" ] || die "$dir is not a complete backup (no SHA256SUMS)"
(cd "$dir" && sha256sum --quiet -c SHA256SUMS) || die "$dir: checksums do not match"

psql_super() { compose exec -T postgres psql -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
apps=(gateway auth-service seller-service lookup-service payment-service search-service chat-service mail-service)

if ! $drill; then
  echo "Stopping the apps (the stores keep running)"
  compose stop "${apps[@]}"
fi

for dump in "$dir"/moa_*.dump; do
  db=$(basename "$dump" .dump)
  target=$db
  if $drill; then
    target="drill_$db"
    psql_super -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $target" -c "CREATE DATABASE $target OWNER $db"
  fi
  # Objects owned by the service's login, whoever restores them; --clean drops what the dump has.
  compose exec -T postgres pg_restore -U postgres --dbname="$target" --role="$db" --no-owner \
    --clean --if-exists --single-transaction --exit-on-error <"$dump"
  if $drill; then
    echo "== $db (restored as $target): schema version and rows per table"
    psql_super -d "$target" -At <<'SQL'
SELECT 'flyway version ' || max(version::int) FROM flyway_schema_history WHERE success AND version ~ '^[0-9]+$';
SELECT format('SELECT %L || '' '' || count(*) FROM %I.%I', table_name, table_schema, table_name)
  FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name\gexec
SQL
    psql_super -d postgres -c "DROP DATABASE $target"
  fi
done

# The service databases only (moa_*); MongoDB's logins (admin) stay as they are.
if $drill; then
  compose exec -T mongodb bash -c "$MONGO_ROOT_ARGS"' exec mongorestore --quiet --archive --gzip "${args[@]}" \
    --nsInclude "moa_*.*" --nsFrom "moa_\$db\$.\$collection\$" --nsTo "drill_moa_\$db\$.\$collection\$"' \
    <"$dir/mongo.archive.gz"
  echo "== MongoDB (restored as drill_*): documents per collection"
  compose exec -T mongodb bash -c "$MONGO_ROOT_ARGS"' exec mongosh --quiet "${args[@]}" --eval "
    db.getMongo().getDBNames().filter((name) => name.startsWith(\"drill_\")).forEach((name) => {
      const d = db.getSiblingDB(name);
      d.getCollectionNames().forEach((c) => print(name + \".\" + c + \" \" + d.getCollection(c).countDocuments()));
      d.dropDatabase();
    });"'
  echo "Drill done: every database restored and dropped again; compare the counts with the live ones."
else
  compose exec -T mongodb bash -c "$MONGO_ROOT_ARGS"' exec mongorestore --quiet --archive --gzip "${args[@]}" \
    --drop --nsInclude "moa_*.*"' <"$dir/mongo.archive.gz"
  echo "Starting the apps"
  compose start "${apps[@]}"
  echo "Restored $dir. Next: ./moa backfill users, ./moa backfill products and ./moa backfill"
  echo "subscriptions (projections catch up with their owners' restored state), then ./moa dlq for"
  echo "each service (docs/operations.md)."
fi
