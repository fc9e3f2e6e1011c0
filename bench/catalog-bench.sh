#!/usr/bin/env bash
# Catalog benchmarks (issue 3), each beside a baseline measured in the same run:
#   1. GET /api/products through the gateway, response cache on vs off (p50/p99/throughput)
#   2. the same request through the gateway vs direct to lookup-service
#   3. view counting: 20,000 views by distinct viewers over 64 connections (exact count and
#      throughput), beside a deliberately naive read-then-write counter in the same harness
# Starts two lookup-services from the built jars, cache on (:18082) and off (:18092), each behind
# a gateway of its own (:18080, :18090), so both paths are measured warm and interleaved, on the
# local infrastructure: a fresh database moa_lookup_bench (role moa_test) seeded with
# BENCH_PRODUCTS products, a leased Redis DB, RabbitMQ vhost moa-bench. Rate limits are lifted.
#   bench/catalog-bench.sh [duration-seconds] [connections]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. bench/lib.sh
DURATION=${1:-30}
CONNECTIONS=${2:-64}
JIT_WARMUP=${BENCH_WARMUP:-60} # seconds of load through each gateway (and so its lookup) first
PRODUCTS=${BENCH_PRODUCTS:-10000}
VIEWS=${BENCH_VIEWS:-20000}
VIEW_CONNECTIONS=${BENCH_VIEW_CONNECTIONS:-64}
LOOKUP_PORT=18082 GATEWAY_PORT=18080 UNCACHED_LOOKUP_PORT=18092 UNCACHED_GATEWAY_PORT=18090
DB=moa_lookup_bench VHOST=moa-bench
OUT="$ROOT/bench/results"
LOGS="$ROOT/.moa/logs"
mkdir -p "$OUT" "$LOGS"

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -q wrk >/dev/null; }
command -v ab >/dev/null || { echo "installing ab"; apt-get install -y -q apache2-utils >/dev/null; }
./moa infra >/dev/null
[ -f lookup-service/target/lookup-service-0.1.0-SNAPSHOT.jar ] && [ -f gateway/target/gateway-0.1.0-SNAPSHOT.jar ] || ./moa build

export PGHOST=127.0.0.1 PGUSER=moa_test PGPASSWORD=moa_test # development-only test role
for port in $LOOKUP_PORT $GATEWAY_PORT $UNCACHED_LOOKUP_PORT $UNCACHED_GATEWAY_PORT; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "port $port is in use (a previous run?)"; exit 1; }
done
dropdb --if-exists "$DB" >/dev/null
createdb "$DB"
fresh_vhost "$VHOST"
lease_redis_db

JVM=${BENCH_JVM:--XX:+UseSerialGC -Xss512k -Xmx384m}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  release_redis_db
  drop_vhost "$VHOST"
}
trap cleanup EXIT

start_lookup() { # port extra-args...
  local port=$1; shift
  java $JVM -jar lookup-service/target/lookup-service-0.1.0-SNAPSHOT.jar --server.port="$port" \
    --spring.profiles.active=bench \
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$DB" --spring.datasource.username=$PGUSER \
    --spring.datasource.password=$PGPASSWORD --spring.datasource.hikari.maximum-pool-size=10 \
    --spring.rabbitmq.virtual-host=$VHOST --spring.data.redis.database="$REDIS_DB" "$@" \
    >"$LOGS/bench-lookup-$port.log" 2>&1 &
  pids+=($!)
}
start_gateway() { # port lookup-port
  java $JVM -jar gateway/target/gateway-0.1.0-SNAPSHOT.jar --server.port="$1" \
    --MOA_LOOKUP_URL="http://127.0.0.1:$2" --spring.data.redis.database="$REDIS_DB" \
    --moa.gateway.rate-limit.api.requests=100000000 --moa.gateway.rate-limit.auth.requests=100000000 \
    >"$LOGS/bench-gateway-$1.log" 2>&1 &
  pids+=($!)
}

start_lookup $LOOKUP_PORT
await_ready $LOOKUP_PORT # migrates the database before the second instance starts
start_lookup $UNCACHED_LOOKUP_PORT --moa.lookup.cache.enabled=false
start_gateway $GATEWAY_PORT $LOOKUP_PORT
start_gateway $UNCACHED_GATEWAY_PORT $UNCACHED_LOOKUP_PORT
for port in $UNCACHED_LOOKUP_PORT $GATEWAY_PORT $UNCACHED_GATEWAY_PORT; do await_ready $port; done
# CPU µs per request in every row, per JVM (start order: lookup, uncached lookup, gateways).
BENCH_PIDS="lookup=${pids[0]} lookup_uncached=${pids[1]} gateway=${pids[2]} gateway_uncached=${pids[3]}"

seed_catalog "$DB" "$PRODUCTS"
VIEWED=$(psql -At -d "$DB" -c "SELECT id FROM catalog_products WHERE status = 'PUBLISHED' ORDER BY published_at DESC LIMIT 1")

run() { wrk_row "$1" "$2" plain.lua "${WARMUP:-5}"; } # name url; warm-up: pools, cache

ab_run() { # name url -> throughput, latency and errors (ab's "Length" failures only mean the
  # body length varied, e.g. the view count's digits: not errors)
  local report
  report=$(ab -q -k -n "$VIEWS" -c "$VIEW_CONNECTIONS" "$2" 2>&1)
  printf '%-44s rps=%s p50_ms=%s p99_ms=%s errors(connect,receive,exceptions)=%s non2xx=%s\n' "$1" \
    "$(awk '/Requests per second/{print $4}' <<<"$report")" \
    "$(awk '$1=="50%"{print $2}' <<<"$report")" "$(awk '$1=="99%"{print $2}' <<<"$report")" \
    "$(sed -nE 's/.*\(Connect: ([0-9]+), Receive: ([0-9]+), Length: [0-9]+, Exceptions: ([0-9]+)\).*/\1,\2,\3/p' <<<"$report" | grep . || echo 0,0,0)" \
    "$(awk '/Non-2xx responses/{print $3}' <<<"$report" | grep . || echo 0)"
  local failed non2xx
  failed=$(sed -nE 's/.*\(Connect: ([0-9]+), Receive: ([0-9]+), Length: [0-9]+, Exceptions: ([0-9]+)\).*/\1 \2 \3/p' <<<"$report")
  non2xx=$(awk '/Non-2xx responses/{print $3}' <<<"$report")
  [ -z "$non2xx" ] && { [ -z "$failed" ] || [ "$failed" = "0 0 0" ]; } || echo "$1: ab errors ($failed) non-2xx ${non2xx:-0}" >>"$BENCH_FAILURES"
}

listed_views() { # current count of $VIEWED as the listing shows it (flushed + pending)
  curl -fsS "http://127.0.0.1:$LOOKUP_PORT/api/products/feed?size=1" | sed -E 's/.*"viewCount":([0-9]+).*/\1/'
}
flushed_views() { psql -At -d "$DB" -c "SELECT view_count FROM catalog_products WHERE id = '$VIEWED'"; }

LIST="/api/products?page=0&size=20"
POPULAR="/api/products?category=BOOKS&sort=popular&size=20"
for port in $GATEWAY_PORT $UNCACHED_GATEWAY_PORT; do # JIT warm-up of all four JVMs
  wrk -t2 -c"$CONNECTIONS" -d"${JIT_WARMUP}s" "http://127.0.0.1:$port$LIST" >/dev/null 2>&1
done
stamp=$(date -u +%Y-%m-%dT%H:%MZ)
{
  echo "# catalog-bench $stamp  warm-up=${JIT_WARMUP}s per gateway+lookup, then ${WARMUP:-5}s per row; duration=${DURATION}s connections=$CONNECTIONS threads=2 products=$PRODUCTS"
  echo "# jvm: $JVM"
  echo "# machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; wrk/ab, four JVMs, PostgreSQL and Redis share the cores"
  run "baseline: lookup liveness (direct)" "http://127.0.0.1:$LOOKUP_PORT/actuator/health/liveness"
  for round in 1 2; do
    echo "## list page 0, round $round (cache on: lookup :$LOOKUP_PORT; off: :$UNCACHED_LOOKUP_PORT)"
    run "via gateway, cached" "http://127.0.0.1:$GATEWAY_PORT$LIST"
    run "via gateway, uncached" "http://127.0.0.1:$UNCACHED_GATEWAY_PORT$LIST"
    run "direct, cached" "http://127.0.0.1:$LOOKUP_PORT$LIST"
    run "direct, uncached" "http://127.0.0.1:$UNCACHED_LOOKUP_PORT$LIST"
  done
  echo "## category BOOKS, sort popular"
  run "via gateway, cached" "http://127.0.0.1:$GATEWAY_PORT$POPULAR"
  run "via gateway, uncached" "http://127.0.0.1:$UNCACHED_GATEWAY_PORT$POPULAR"

  echo "## view counting: $VIEWS requests, $VIEW_CONNECTIONS connections, each request a new viewer (ab sends no cookie)"
  before=$(listed_views)
  ab_run "exact counter: GET /api/products/{id}" "http://127.0.0.1:$LOOKUP_PORT/api/products/$VIEWED"
  after=$(listed_views)
  echo "exact counter: before=$before after=$after counted=$((after - before)) expected=$VIEWS"
  for _ in $(seq 1 40); do [ "$(flushed_views)" = "$after" ] && break; sleep 0.5; done
  echo "exact counter: flushed to PostgreSQL=$(flushed_views)"
  ab_run "naive read-then-write: GET /bench/naive-views" "http://127.0.0.1:$LOOKUP_PORT/bench/naive-views/$VIEWED"
  naive=$(redis-cli -n "$REDIS_DB" GET "bench:naive-views:$VIEWED")
  echo "naive counter: counted=$naive expected=$VIEWS lost=$((VIEWS - naive))"
} | tee "$OUT/catalog-$stamp.txt"
bench_verdict
