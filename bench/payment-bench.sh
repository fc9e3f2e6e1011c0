#!/usr/bin/env bash
# Payment benchmarks (issue 8), each beside a baseline measured in the same run:
#   1. purchases/s through the gateway (POST /api/subscriptions, a new product and key each time)
#      with the sandbox provider answering in 0 ms and in 50 ms, beside the gateway's own
#      liveness; CPU per purchase per process from /proc/<pid>/stat
#   2. renewing BENCH_RENEWALS (10,000) due subscriptions with one payment-service instance and
#      with two on the same database: wall time, and charges per subscription (must be exactly 1)
# Fresh databases moa_payment_bench / moa_auth_bench (role moa_test), RabbitMQ vhost moa-bench,
# a leased Redis DB; auth-service :18081 (the consumer's token), payment-service :18084 (0 ms) and
# :18094 (50 ms), gateways :18080 / :18090. Every JVM is warmed under load first.
#   bench/payment-bench.sh [duration-seconds] [connections]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. bench/lib.sh
DURATION=${1:-30}
CONNECTIONS=${2:-64}
WARMUP=${BENCH_WARMUP:-60}
RENEWALS=${BENCH_RENEWALS:-10000}
PURCHASES=${BENCH_PURCHASES:-1000000} # seeded products: a quarter each for two warm-ups and two runs
SLICE=$((PURCHASES / 4))
DB=moa_payment_bench AUTH_DB=moa_auth_bench VHOST=moa-bench
OUT="$ROOT/bench/results"
LOGS="$ROOT/.moa/logs"
mkdir -p "$OUT" "$LOGS"

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -q wrk >/dev/null; }
./moa infra >/dev/null
for m in auth-service payment-service gateway; do
  [ -f "$m/target/$m-0.1.0-SNAPSHOT.jar" ] || ./moa build
done

export PGHOST=127.0.0.1 PGUSER=moa_test PGPASSWORD=moa_test # development-only test role
for port in 18080 18090 18081 18084 18094; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "port $port is in use (a previous run?)"; exit 1; }
done
for db in $DB $AUTH_DB; do dropdb --if-exists "$db" >/dev/null; createdb "$db"; done
curl -fsS -u guest:guest -XPUT "http://127.0.0.1:15672/api/vhosts/$VHOST" >/dev/null
curl -fsS -u guest:guest -XPUT "http://127.0.0.1:15672/api/permissions/$VHOST/guest" \
  -H 'Content-Type: application/json' -d '{"configure":".*","write":".*","read":".*"}' >/dev/null
REDIS_DB=""
for db in $(seq 15 -1 1); do
  if [ "$(redis-cli -n 0 SET "moa:test-lease:$db" bench NX EX 7200)" = "OK" ]; then REDIS_DB=$db; break; fi
done
[ -n "$REDIS_DB" ] || { echo "no free Redis DB (1-15 leased)"; exit 1; }

JVM=${BENCH_JVM:--XX:+UseSerialGC -Xss512k -Xmx512m}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # Also those started in a subshell (the renewal runs).
  pkill -f -- "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/$DB" 2>/dev/null || true
  redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null; redis-cli -n 0 DEL "moa:test-lease:$REDIS_DB" >/dev/null
  # The events of a few hundred thousand purchases wait in consumer queues nobody reads here.
  curl -fsS -u guest:guest -XDELETE "http://127.0.0.1:15672/api/vhosts/$VHOST" >/dev/null || true
}
trap cleanup EXIT
LAST_PID=""
start() { # module port log-name args...
  local module=$1 port=$2 name=$3; shift 3
  java $JVM -jar "$module/target/$module-0.1.0-SNAPSHOT.jar" --server.port="$port" \
    --spring.rabbitmq.virtual-host=$VHOST "$@" >"$LOGS/bench-$name.log" 2>&1 &
  LAST_PID=$!
  pids+=($!)
}
store() { echo --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$1" --spring.datasource.username=$PGUSER \
  --spring.datasource.password=$PGPASSWORD; }
JWKS=--moa.security.jwk-set-uri=http://127.0.0.1:18081/api/auth/.well-known/jwks.json

start auth-service 18081 auth $(store $AUTH_DB) --moa.auth.password.bcrypt-cost=4
await_ready 18081
payment() { # port latency log-name [more args]
  local port=$1 latency=$2 name=$3; shift 3
  start payment-service "$port" "$name" $(store $DB) $JWKS --moa.payment.sandbox.latency="$latency" \
    --spring.datasource.hikari.maximum-pool-size=20 "$@"
}
payment 18084 0ms payment-0ms --moa.payment.billing.scheduled=false
PAY0=$LAST_PID
await_ready 18084 # migrates the database before the second instance starts
payment 18094 50ms payment-50ms --moa.payment.billing.scheduled=false
PAY50=$LAST_PID
gateway() { # port payment-port
  start gateway "$1" "gateway-$1" --MOA_AUTH_URL=http://127.0.0.1:18081 --MOA_PAYMENT_URL="http://127.0.0.1:$2" \
    $JWKS --spring.data.redis.database="$REDIS_DB" \
    --moa.gateway.rate-limit.api.requests=100000000 --moa.gateway.rate-limit.auth.requests=100000000
}
gateway 18080 18084
GW0=$LAST_PID
gateway 18090 18094
GW50=$LAST_PID
for port in 18094 18080 18090; do await_ready $port; done

# The consumer every purchase is made by (one subscription per product, so one product each).
curl -fsS -XPOST http://127.0.0.1:18081/api/auth/signup -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"correct horse","name":"Bench","role":"CONSUMER"}' >/dev/null
export BENCH_TOKEN=$(curl -fsS -XPOST http://127.0.0.1:18081/api/auth/login -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"correct horse"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')

# The catalog snapshot as product.upserted would leave it: PURCHASES products, one plan each.
psql -q -d "$DB" 2>/dev/null <<SQL
INSERT INTO catalog_products (id, seller_id, title, status, version)
SELECT gen_random_uuid(), gen_random_uuid(), 'Bench box ' || i, 'PUBLISHED', 1 FROM generate_series(1, $PURCHASES) i;
INSERT INTO catalog_plans (id, product_id, position, name, billing_period, price, currency)
SELECT gen_random_uuid(), id, 0, 'Monthly', 'MONTHLY', 9900, 'KRW' FROM catalog_products;
ANALYZE;
SQL
export BENCH_THREADS=2
products_file() { # first-index count -> a file of product,plan lines (disjoint slices per run)
  local file
  file=$(mktemp)
  psql -At -F, -d "$DB" -c "SELECT p.id, l.id FROM catalog_products p JOIN catalog_plans l ON l.product_id = p.id
    ORDER BY p.id OFFSET $1 LIMIT $2" >"$file"
  echo "$file"
}
HZ=$(getconf CLK_TCK)

purchase_row() { # name gateway-port gateway-pid payment-pid products-offset
  local script before_gw before_pay line requests
  script=$(mktemp --suffix=.lua)
  cat bench/purchase.lua bench/report.lua >"$script"
  export BENCH_PRODUCTS_FILE
  BENCH_PRODUCTS_FILE=$(products_file "$5" "$SLICE")
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" "http://127.0.0.1:$2/api/subscriptions" >/dev/null 2>&1
  BENCH_PRODUCTS_FILE=$(products_file "$(($5 + SLICE))" "$SLICE")
  before_gw=$(proc_ticks "$3"); before_pay=$(proc_ticks "$4")
  line=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$script" "http://127.0.0.1:$2/api/subscriptions" | grep '^RESULT')
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
  printf '%-40s %s gateway_cpu_us_per_req=%d payment_cpu_us_per_req=%d\n' "$1" "${line#RESULT }" \
    $(( ($(proc_ticks "$3") - before_gw) * 1000000 / HZ / requests )) \
    $(( ($(proc_ticks "$4") - before_pay) * 1000000 / HZ / requests ))
  rm -f "$script"
}

stamp=$(date -u +%Y-%m-%dT%H:%MZ)
RESULT="$OUT/payment-$stamp.txt"
{
  echo "# payment-bench $stamp  duration=${DURATION}s warmup=${WARMUP}s connections=$CONNECTIONS threads=2"
  echo "# jvm: $JVM"
  echo "# machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; wrk, the JVMs, PostgreSQL, Redis and RabbitMQ share the cores"
  echo "## purchases through the gateway (each: PENDING commit, provider call, settle commit, 2 outbox events)"
  BENCH_PIDS="gateway=$GW0" wrk_row "baseline: gateway liveness" "http://127.0.0.1:18080/actuator/health/liveness" plain.lua 10
  purchase_row "purchase, sandbox 0 ms" 18080 "$GW0" "$PAY0" 0
  purchase_row "purchase, sandbox 50 ms" 18090 "$GW50" "$PAY50" $((2 * SLICE))
  echo "## charges per purchase (must be 1): $(psql -At -d "$DB" -c "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM sandbox_charges c JOIN payments p ON p.id = c.idempotency_key GROUP BY p.subscription_id) x")"
} | tee "$RESULT"

# --- renewals -------------------------------------------------------------------------------
kill "$GW0" "$GW50" "$PAY0" "$PAY50" 2>/dev/null || true
sleep 2
renewal_run() { # instances
  psql -q -d "$DB" <<SQL
TRUNCATE payments, subscriptions, idempotency_keys, sandbox_charges, event_outbox CASCADE;
INSERT INTO subscriptions (id, user_id, product_id, seller_id, product_title, plan_id, plan_name, billing_period,
    price, currency, status, payment_token, current_period_start, current_period_end, next_charge_at,
    created_at, updated_at)
SELECT gen_random_uuid(), gen_random_uuid(), p.id, p.seller_id, p.title, l.id, l.name, 'MONTHLY', 9900, 'KRW',
       'ACTIVE', 'tok_ok', now() - interval '1 month', now() - interval '1 minute', now() - interval '1 minute',
       now() - interval '1 month', now() - interval '1 month'
FROM (SELECT * FROM catalog_products ORDER BY id LIMIT $RENEWALS) p JOIN catalog_plans l ON l.product_id = p.id;
ANALYZE subscriptions;
SQL
  local ports=()
  for i in $(seq 1 "$1"); do
    payment $((18184 + i)) 0ms "renewal-$1-$i" --moa.payment.billing.interval=500ms
    ports+=($((18184 + i)))
  done
  for port in "${ports[@]}"; do await_ready "$port"; done
  until [ "$(psql -At -d "$DB" -c "SELECT count(*) FROM subscriptions WHERE next_charge_at <= now() AND status = 'ACTIVE'")" = 0 ] \
    && [ "$(psql -At -d "$DB" -c "SELECT count(*) FROM payments WHERE status = 'PENDING'")" = 0 ]; do
    sleep 0.2
  done
  # From the first claim to the last settled charge, by the database's clock: JVM start-up
  # and the scheduler's first delay are not part of it.
  printf 'renewal, %d instance(s): %d due subscriptions renewed in %.1f s; renewal charges per subscription: min=%s max=%s; provider charges=%s\n' \
    "$1" "$RENEWALS" "$(psql -At -d "$DB" -c "SELECT extract(epoch FROM max(resolved_at) - min(requested_at)) FROM payments WHERE kind = 'RENEWAL'")" \
    $(psql -At -F' ' -d "$DB" -c "SELECT min(n), max(n) FROM (SELECT s.id, count(p.id) AS n FROM subscriptions s LEFT JOIN payments p ON p.subscription_id = s.id AND p.kind = 'RENEWAL' AND p.status = 'SUCCEEDED' GROUP BY s.id) x") \
    "$(psql -At -d "$DB" -c "SELECT count(*) FROM sandbox_charges")"
  for port in "${ports[@]}"; do pkill -f "server.port=$port" || true; done
  sleep 2
}
{
  echo "## renewals (each started with ${RENEWALS} due subscriptions; JVMs not warmed: a batch job's cold start is part of it)"
  renewal_run 1
  renewal_run 2
} | tee -a "$RESULT"
echo "written to $RESULT"
bench_verdict
