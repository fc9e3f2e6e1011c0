#!/usr/bin/env bash
# Login and token-verification throughput, as ratios against a trivial baseline measured in the
# same run. Starts its own auth-service (:18081) and gateway (:18080) from the built jars on the
# local infrastructure (database moa_auth, Redis DB 0), with the gateway's rate limits lifted.
#   bench/auth-bench.sh [duration-seconds] [connections]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. bench/lib.sh
DURATION=${1:-30}
CONNECTIONS=${2:-64}
JIT_WARMUP=${BENCH_WARMUP:-60} # seconds of load through the gateway (and so auth-service) first
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
for port in $AUTH_PORT $GATEWAY_PORT; do await_ready $port; done
BENCH_PIDS="auth=${pids[0]} gateway=${pids[1]}"

email="bench.$(date +%s%N)@example.com"
curl -fsS -XPOST "http://127.0.0.1:$AUTH_PORT/api/auth/signup" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"bench-password\",\"name\":\"Bench\",\"role\":\"CONSUMER\"}" >/dev/null
BENCH_TOKEN=$(curl -fsS -XPOST "http://127.0.0.1:$AUTH_PORT/api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"bench-password\"}" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
export BENCH_TOKEN
# The login row is many users signing in from many addresses, as in production: the throttle
# counts a login in flight against its account (5) and IP (20), so 64 concurrent logins of one
# account from one address are refused by design. BENCH_LOGIN_USERS accounts (signed up here,
# 8 at a time), each request one of them from a random X-Forwarded-For (login.lua).
LOGIN_USERS=${BENCH_LOGIN_USERS:-256}
run_id=$(date +%s%N)
seq 1 "$LOGIN_USERS" | xargs -P 8 -I{} curl -fsS -o /dev/null -XPOST "http://127.0.0.1:$AUTH_PORT/api/auth/signup" \
  -H 'Content-Type: application/json' \
  -d "{\"email\":\"login.$run_id.{}@example.com\",\"password\":\"bench-password\",\"name\":\"Bench\",\"role\":\"CONSUMER\"}"
export BENCH_LOGIN_PREFIX="login.$run_id." BENCH_LOGIN_USERS=$LOGIN_USERS

run() { wrk_row "$1" "$2" "$3" "${WARMUP:-5}"; } # name url script; warm-up: pools
# Both JVMs warmed under load first: /me through the gateway runs both token checks and the DB.
wrk -t2 -c"$CONNECTIONS" -d"${JIT_WARMUP}s" -s bench/bearer.lua "http://127.0.0.1:$GATEWAY_PORT/api/auth/me" >/dev/null 2>&1

stamp=$(date -u +%Y-%m-%dT%H:%MZ)
{
  echo "# auth-bench $stamp  warm-up=${JIT_WARMUP}s, then ${WARMUP:-5}s per row; duration=${DURATION}s connections=$CONNECTIONS threads=2"
  echo "# jvm: $JVM"
  echo "# machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; wrk and both JVMs share the cores"
  run "baseline: auth liveness (direct)" "http://127.0.0.1:$AUTH_PORT/actuator/health/liveness" plain.lua
  run "jwks (direct)" "http://127.0.0.1:$AUTH_PORT/api/auth/.well-known/jwks.json" plain.lua
  run "jwks via gateway (no token)" "http://127.0.0.1:$GATEWAY_PORT/api/auth/.well-known/jwks.json" plain.lua
  run "me (direct: verify + DB)" "http://127.0.0.1:$AUTH_PORT/api/auth/me" bearer.lua
  run "me via gateway (verify twice + DB)" "http://127.0.0.1:$GATEWAY_PORT/api/auth/me" bearer.lua
  # ~25 logins/s on 2 cores: 64 of them in flight queue ~2.5 s, beyond wrk's 2 s timeout.
  WRK_TIMEOUT=10s run "login (direct, BCrypt cost 10)" "http://127.0.0.1:$AUTH_PORT/api/auth/login" login.lua
} | tee "$OUT/auth-$stamp.txt"
bench_verdict
