#!/usr/bin/env bash
# The seller dashboard's year chart (GET /api/seller/dashboard/daily?days=365) for a seller with
# 100,000 subscriptions and 100,000 payments among 1,000,000 of each, before and after
# seller-service's V3 indexes: the statement is DashboardRepository.DAILY, read from the source,
# timed with EXPLAIN ANALYZE in a fresh database (moa_dashboard_bench, dropped at the end).
# Usage: bench/dashboard-daily.sh [runs-after]   (the run before takes ~100 s, so it runs once)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5}
DB=moa_dashboard_bench
SELLER=11111111-1111-1111-1111-111111111111
MIGRATIONS=$ROOT/seller-service/src/main/resources/db/migration
OUT=$ROOT/bench/results/dashboard-daily-$(date -u +%Y%m%dT%H%M%SZ).txt
mkdir -p "$ROOT/bench/results"

"$ROOT/moa" infra >/dev/null
psql_as() { su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -d $1" ; }
echo "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB;" | psql_as postgres
trap 'echo "DROP DATABASE IF EXISTS $DB;" | psql_as postgres' EXIT
psql_as $DB <"$MIGRATIONS/V2__dashboard.sql"
echo "seeding 1,000,000 subscriptions and 1,000,000 payments (every tenth the measured seller's)"
psql_as $DB <<SQL
INSERT INTO dashboard_subscriptions
SELECT gen_random_uuid(), CASE WHEN i % 10 = 0 THEN '$SELLER'::uuid ELSE gen_random_uuid() END,
       gen_random_uuid(), CASE WHEN i % 3 = 0 THEN 'CANCELED' ELSE 'ACTIVE' END, 9900, 'MONTHLY', 'KRW', 1,
       now() - (random() * 400) * interval '1 day',
       CASE WHEN i % 3 = 0 THEN now() - (random() * 300) * interval '1 day' END
FROM generate_series(1, 1000000) i;
INSERT INTO dashboard_payments
SELECT gen_random_uuid(), CASE WHEN i % 10 = 0 THEN '$SELLER'::uuid ELSE gen_random_uuid() END,
       gen_random_uuid(), 9900, 'KRW', now() - (random() * 400) * interval '1 day'
FROM generate_series(1, 1000000) i;
VACUUM ANALYZE;
SQL

# DashboardRepository.DAILY with its parameters filled in: the last 365 UTC days.
daily=$(sed -n '/static final String DAILY = """/,/""";/p' \
  "$ROOT/seller-service/src/main/java/com/moa/seller/dashboard/DashboardRepository.java" |
  sed '1d; s/""";//' |
  sed "s/:seller/'$SELLER'::uuid/g; s/:first/'$(date -u -d '364 days ago' +%F)'/; s/:last/'$(date -u +%F)'/")
explain() { echo "EXPLAIN (ANALYZE, BUFFERS) $daily;" | psql_as $DB | tee -a "$OUT" | sed -nE 's/.*Execution Time: ([0-9.]+) ms.*/\1/p'; }

echo "before V3 (1 run):" | tee -a "$OUT"
before=$(explain)
echo "  $before ms"
psql_as $DB <"$MIGRATIONS/V3__dashboard_daily_indexes.sql"
echo "VACUUM ANALYZE;" | psql_as $DB
echo "after V3 ($RUNS runs):" | tee -a "$OUT"
after=()
for _ in $(seq "$RUNS"); do after+=("$(explain)"); done
echo "  ${after[*]} ms"
median=$(printf '%s\n' "${after[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "before ÷ after (median): $(awk -v b="$before" -v a="$median" 'BEGIN {printf "%.0f", b / a}')x; plans in $OUT"
