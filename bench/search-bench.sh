#!/usr/bin/env bash
# Search benchmarks (issue 10), against the local MongoDB-wire server (mongo-java-server with its
# H2 file backend, as `./moa up` runs it). Real MongoDB numbers will differ: this server has no
# index scans and keeps its data in one H2 file.
#   1. recording: 100,000 search.performed events from 100,000 users published to the exchange
#      while search-service consumes them: events/s from the first publish to the drained queue,
#      with 1 listener thread (the baseline) and with 4; CPU per event for search-service and
#      the MongoDB-wire server. Each run starts a new search-service, warmed by 60 s of events.
#   2. GET /api/search/popular (24h, 7d) and /api/search/suggestions (random Korean and English
#      prefixes) through the gateway with wrk (64 connections, 60 s warm-up, 30 s measured),
#      beside the gateway's own liveness; any non-2xx or socket error fails the run.
# MongoDB-wire :27117 (data in a temp dir), RabbitMQ vhost moa-search-bench, search-service
# :18085, gateway :18080 (other routes point nowhere), a leased Redis DB.
#   bench/search-bench.sh [duration-seconds] [connections]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. bench/lib.sh
DURATION=${1:-30}
CONNECTIONS=${2:-64}
WARMUP=${BENCH_WARMUP:-60}
EVENTS=${BENCH_EVENTS:-100000}
USERS=${BENCH_USERS:-100000}
VHOST=moa-search-bench MONGO_PORT=27117 SEARCH_PORT=18085 GATEWAY_PORT=18080
OUT="$ROOT/bench/results"
LOGS="$ROOT/.moa/logs"
DATA=$(mktemp -d)
mkdir -p "$OUT" "$LOGS"

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -q wrk >/dev/null; }
./moa infra >/dev/null
for m in search-service gateway tools/mongo-server; do
  ls "$m"/target/"${m##*/}"-0.1.0-SNAPSHOT.jar >/dev/null 2>&1 || ./moa build
done
# The publisher runs on platform/events' classpath (amqp-client and the Netty it loads).
./mvnw -B -q dependency:build-classpath -pl platform/events -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$DATA/classpath" >/dev/null
AMQP_CP=$(cat "$DATA/classpath")

for port in $MONGO_PORT $SEARCH_PORT $GATEWAY_PORT; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "port $port is in use (a previous run?)"; exit 1; }
done
fresh_vhost "$VHOST"
lease_redis_db

JVM=${BENCH_JVM:--XX:+UseSerialGC -Xss512k -Xmx512m}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # Also the JVMs started inside the results pipeline's subshell.
  pkill -f -- "--server.port=$SEARCH_PORT" 2>/dev/null || true
  pkill -f -- "--server.port=$GATEWAY_PORT" 2>/dev/null || true
  release_redis_db
  drop_vhost "$VHOST"
  rm -rf "$DATA"
}
trap cleanup EXIT
HZ=$(getconf CLK_TCK)

MOA_MONGO_PORT=$MONGO_PORT MOA_MONGO_DATA="$DATA/moa.mv.db" java -Xmx512m -XX:+UseSerialGC \
  -jar tools/mongo-server/target/mongo-server-0.1.0-SNAPSHOT.jar >"$LOGS/bench-mongo.log" 2>&1 &
MONGO=$!
pids+=($MONGO)
for _ in $(seq 1 60); do (exec 3<>"/dev/tcp/127.0.0.1/$MONGO_PORT") 2>/dev/null && break; sleep 0.5; done

SEARCH=""
start_search() { # listener-threads
  java $JVM -jar search-service/target/search-service-0.1.0-SNAPSHOT.jar --server.port=$SEARCH_PORT \
    --spring.mongodb.uri="mongodb://127.0.0.1:$MONGO_PORT/moa_search" --spring.rabbitmq.virtual-host=$VHOST \
    --spring.rabbitmq.listener.simple.concurrency="$1" --spring.rabbitmq.listener.simple.max-concurrency="$1" \
    --moa.security.jwk-set-uri=http://127.0.0.1:9/jwks >"$LOGS/bench-search-$1.log" 2>&1 &
  SEARCH=$!
  await_ready $SEARCH_PORT
}
queue_backlog() {
  curl -fsS -u guest:guest "http://127.0.0.1:15672/api/queues/$VHOST/search.search-events" \
    | python3 -c "import json,sys; q=json.load(sys.stdin); print(q.get('messages', 0))"
}
# Exact (ready + unacknowledged), from the queue itself; costs a CLI start, so polled only near the end.
exact_backlog() {
  rabbitmqctl -q list_queues -p "$VHOST" name messages | awk '$1 == "search.search-events" { print $2 }'
}
publish() { # count seed
  java -cp "$AMQP_CP" bench/tools/PublishSearches.java "$VHOST" "$1" "$USERS" "$2"
}
await_drained() {
  # The management API's counts lag by up to 5 s: two zero readings a few seconds apart.
  until [ "$(queue_backlog)" = 0 ]; do sleep 0.5; done
  sleep 5
  until [ "$(queue_backlog)" = 0 ]; do sleep 0.5; done
}
drain_or_fail() { # deadline listener-threads
  # Recorded for bench_verdict: the rows run in the pipeline's subshell, whose exit ends only it.
  [ "$SECONDS" -lt "$1" ] || { echo "recording with $2 listener thread(s) did not drain in 10 minutes" |
    tee -a "$BENCH_FAILURES"; exit 1; }
}
recording_run() { # listener-threads
  start_search "$1"
  local warm_start=$SECONDS seed=1 before_search before_mongo t0 t1 published
  while [ $((SECONDS - warm_start)) -lt "$WARMUP" ]; do
    publish 5000 "$seed" >/dev/null
    seed=$((seed + 1))
    until [ "$(queue_backlog)" -lt 1000 ]; do sleep 0.5; done
  done
  await_drained
  before_search=$(proc_ticks "$SEARCH"); before_mongo=$(proc_ticks "$MONGO")
  t0=$(date +%s.%N)
  published=$(publish "$EVENTS" 9999)
  # The management API's count lags by up to 5 s: read right after the publish it may still be
  # the 0 from before (a 1-listener run once "finished" in 9 s with ~90,000 events queued). So:
  # until it shows the backlog, then until it is nearly gone, then exactly 0 from RabbitMQ itself
  # (every event acknowledged, i.e. processed).
  # A consumer that stops making progress fails the run instead of hanging it (10 minutes).
  local deadline=$((SECONDS + 600))
  for _ in $(seq 1 20); do [ "$(queue_backlog)" -gt 0 ] && break; sleep 0.5; done
  until [ "$(queue_backlog)" -lt 2000 ]; do drain_or_fail "$deadline" "$1"; sleep 0.5; done
  until [ "$(exact_backlog)" = 0 ]; do drain_or_fail "$deadline" "$1"; sleep 0.2; done
  t1=$(date +%s.%N)
  printf '%-44s events=%d users=%d seconds=%.1f events_per_s=%.0f search_cpu_us_per_event=%d mongo_cpu_us_per_event=%d (%s)\n' \
    "recording, $1 listener thread(s)" "$EVENTS" "$USERS" "$(echo "$t1 - $t0" | bc)" \
    "$(echo "$EVENTS / ($t1 - $t0)" | bc -l)" \
    $(( ($(proc_ticks "$SEARCH") - before_search) * 1000000 / HZ / EVENTS )) \
    $(( ($(proc_ticks "$MONGO") - before_mongo) * 1000000 / HZ / EVENTS )) "$published"
  kill "$SEARCH"; wait "$SEARCH" 2>/dev/null || true
}

http_row() { wrk_row "$1" "http://127.0.0.1:$GATEWAY_PORT$2" "$3" "$WARMUP"; } # name path lua

stamp=$(date -u +%Y-%m-%dT%H:%MZ)
RESULT="$OUT/search-$stamp.txt"
{
  echo "# search-bench $stamp  events=$EVENTS users=$USERS duration=${DURATION}s warmup=${WARMUP}s connections=$CONNECTIONS"
  echo "# jvm: $JVM; MongoDB-wire server: mongo-java-server $(ls ~/.m2/repository/de/bwaldvogel/mongo-java-server-h2-backend/) H2 backend (not MongoDB)"
  echo "# machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; publisher, JVMs, RabbitMQ and wrk share the cores"
  recording_run 1
  recording_run 4
  start_search 4
  java $JVM -jar gateway/target/gateway-0.1.0-SNAPSHOT.jar --server.port=$GATEWAY_PORT \
    --MOA_SEARCH_URL=http://127.0.0.1:$SEARCH_PORT --spring.data.redis.database="$REDIS_DB" \
    --moa.security.jwk-set-uri=http://127.0.0.1:9/jwks \
    --moa.gateway.rate-limit.api.requests=100000000 --moa.gateway.rate-limit.auth.requests=100000000 \
    >"$LOGS/bench-gateway-search.log" 2>&1 &
  pids+=($!)
  await_ready $GATEWAY_PORT
  BENCH_PIDS="gateway=${pids[-1]} search=$SEARCH mongo=$MONGO"
  http_row "baseline: gateway liveness" /actuator/health/liveness plain.lua
  http_row "GET /api/search/popular?window=24h" "/api/search/popular?window=24h&limit=10" plain.lua
  http_row "GET /api/search/popular?window=7d" "/api/search/popular?window=7d&limit=10" plain.lua
  http_row "GET /api/search/suggestions (random prefix)" /api/search/suggestions suggest.lua
} | tee "$RESULT"
echo "written to $RESULT"
bench_verdict
