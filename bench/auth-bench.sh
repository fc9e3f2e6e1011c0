#!/usr/bin/env bash
# Login and token-verification throughput, as ratios against a trivial baseline measured in the
# same run. Starts its own auth-service (:18081) and gateway (:18080) from the built jars on the
# local infrastructure (database moa_auth, Redis DB 0), with the gateway's rate limits lifted.
#   bench/auth-bench.sh [duration-seconds] [connections]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. bench/lib.sh
DURATION=${1:-15}
CONNECTIONS=${2:-16}
AUTH_PORT=18081 GATEWAY_PORT=18080
OUT="$ROOT/bench/results"
mkdir -p "$OUT" "$ROOT/.moa/logs"

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -q wrk >/dev/null; }
./moa infra >/dev/null
[ -f auth-service/target/auth-service-0.1.0-SNAPSHOT.jar ] && [ -f gateway/target/gateway-0.1.0-SNAPSHOT.jar ] || ./moa build

# Full JIT by default (throughput); BENCH_JVM="-XX:TieredStopAtLevel=1 ..." measures the start-up flags ./moa uses.
JVM=${BENCH_JVM:--XX:+UseSerialGC -Xss512k -Xmx384m}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

java $JVM -jar auth-service/target/auth-service-0.1.0-SNAPSHOT.jar --server.port=$AUTH_PORT \
  >"$ROOT/.moa/logs/bench-auth.log" 2>&1 &
pids+=($!)
java $JVM -jar gateway/target/gateway-0.1.0-SNAPSHOT.jar --server.port=$GATEWAY_PORT \
  --MOA_AUTH_URL=http://127.0.0.1:$AUTH_PORT \
  --moa.gateway.rate-limit.api.requests=100000000 --moa.gateway.rate-limit.auth.requests=100000000 \
  >"$ROOT/.moa/logs/bench-gateway.log" 2>&1 &
pids+=($!)
for port in $AUTH_PORT $GATEWAY_PORT; do
  for _ in $(seq 1 240); do
    curl -fsS "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1 && break
    sleep 0.5
  done
done

email="bench.$(date +%s%N)@example.com"
curl -fsS -XPOST "http://127.0.0.1:$AUTH_PORT/api/auth/signup" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"bench-password\",\"name\":\"Bench\",\"role\":\"CONSUMER\"}" >/dev/null
export BENCH_LOGIN_BODY="{\"email\":\"$email\",\"password\":\"bench-password\"}"
BENCH_TOKEN=$(curl -fsS -XPOST "http://127.0.0.1:$AUTH_PORT/api/auth/login" -H 'Content-Type: application/json' \
  -d "$BENCH_LOGIN_BODY" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
export BENCH_TOKEN

run() { wrk_row "$1" "$2" "$3" "${WARMUP:-15}"; } # name url script; warm-up: JIT, pools

stamp=$(date -u +%Y-%m-%dT%H:%MZ)
{
  echo "# auth-bench $stamp  duration=${DURATION}s connections=$CONNECTIONS threads=2"
  echo "# jvm: $JVM"
  echo "# machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; wrk and both JVMs share the cores"
  run "baseline: auth liveness (direct)" "http://127.0.0.1:$AUTH_PORT/actuator/health/liveness" plain.lua
  run "jwks (direct)" "http://127.0.0.1:$AUTH_PORT/api/auth/.well-known/jwks.json" plain.lua
  run "jwks via gateway (no token)" "http://127.0.0.1:$GATEWAY_PORT/api/auth/.well-known/jwks.json" plain.lua
  run "me (direct: verify + DB)" "http://127.0.0.1:$AUTH_PORT/api/auth/me" bearer.lua
  run "me via gateway (verify twice + DB)" "http://127.0.0.1:$GATEWAY_PORT/api/auth/me" bearer.lua
  run "login (direct, BCrypt cost 10)" "http://127.0.0.1:$AUTH_PORT/api/auth/login" login.lua
} | tee "$OUT/auth-$stamp.txt"
bench_verdict
