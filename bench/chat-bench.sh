#!/usr/bin/env bash
# Chat benchmark: CLIENTS (1,000) connected WebSocket clients in CLIENTS/2 rooms (one consumer and
# one seller each) exchanging messages through the gateway, against a baseline measured in the
# same run: a minimal Node.js ws relay (bench/chat/relay.js) doing the same fan-out behind an
# identical gateway, driven by the same load generator (bench/chat/load.js) with the same arguments.
#   1. chat-service :18086 (RabbitMQ STOMP relay, MongoDB-wire server :27118) behind gateway A :18080
#   2. relay.js :18096 (in memory) behind gateway B :18090
# Each run: BENCH_RATE msg/s per client, BENCH_WARMUP s warm-up, BENCH_DURATION s measured,
# BENCH_DRAIN s to collect what is still on its way; reports delivered/s, send→receive latency to
# the peer (p50/p90/p99/max), lost/duplicated/gaps/reorders/errors over the whole run (must all be
# 0), and CPU µs per delivered message per process (gateway, service, RabbitMQ, MongoDB-wire
# server, load generator). Each run gets new rooms (no earlier messages) and tokens minted right
# before it. Exits non-zero if either run is not clean.
# Users come from auth-service :18081 (database moa_chat_bench_auth, role moa_test, BCrypt cost
# BENCH_BCRYPT_COST=4: setup speed only) publishing user.registered into RabbitMQ vhost
# moa-chat-bench, where chat-service learns who the sellers are. Gateways use a leased Redis DB.
#   CLIENTS=1000 BENCH_RATE=2 BENCH_WARMUP=60 BENCH_DURATION=60 BENCH_DRAIN=10 bench/chat-bench.sh
# Other env: BENCH_JVM (JVM flags), BENCH_OUT (results directory, default bench/results).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. bench/lib.sh
CLIENTS=${CLIENTS:-1000}
RATE=${BENCH_RATE:-2}
WARMUP=${BENCH_WARMUP:-60}
DURATION=${BENCH_DURATION:-60}
DRAIN=${BENCH_DRAIN:-10}
BCRYPT_COST=${BENCH_BCRYPT_COST:-4}
VHOST=moa-chat-bench AUTH_DB=moa_chat_bench_auth MONGO_PORT=27118
AUTH_PORT=18081 CHAT_PORT=18086 GATEWAY_A=18080 GATEWAY_B=18090 RELAY_PORT=18096
OUT=${BENCH_OUT:-$ROOT/bench/results}
LOGS="$ROOT/.moa/logs"
mkdir -p "$OUT" "$LOGS"

[ $((CLIENTS % 2)) = 0 ] && [ "$CLIENTS" -ge 2 ] || { echo "CLIENTS must be even (two per room)"; exit 1; }
# Tokens are minted right before each run and live 15 minutes: connect + warm-up + measured + drain must fit.
[ $((WARMUP + DURATION + DRAIN)) -le 780 ] || { echo "warm-up + duration + drain must stay under 13 minutes (token lifetime)"; exit 1; }
command -v node >/dev/null || { echo "node (20+) is required"; exit 1; }

./moa infra >/dev/null
for m in auth-service chat-service gateway tools/mongo-server; do
  [ -f "$m/target/${m##*/}-0.1.0-SNAPSHOT.jar" ] || ./moa build
done
[ -d bench/chat/node_modules/ws ] || (cd bench/chat && npm ci --no-audit --no-fund >/dev/null)

for port in $AUTH_PORT $CHAT_PORT $GATEWAY_A $GATEWAY_B $RELAY_PORT $MONGO_PORT; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "port $port is in use (a previous run?)"; exit 1; }
done

DATA=$(mktemp -d)
REDIS_DB=""
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 80); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  release_redis_db
  drop_vhost "$VHOST"
  dropdb --if-exists "$AUTH_DB" >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT

export PGHOST=127.0.0.1 PGUSER=moa_test PGPASSWORD=moa_test # development-only test role
export PGOPTIONS='-c client_min_messages=warning' # no NOTICE when the database is not there
dropdb --if-exists "$AUTH_DB" >/dev/null
createdb "$AUTH_DB"
fresh_vhost "$VHOST"
lease_redis_db

# The jars run from a copy: a build elsewhere may replace target/*.jar while the JVMs still read them.
mkdir -p "$DATA/jars"
for m in auth-service chat-service gateway tools/mongo-server; do
  cp "$m/target/${m##*/}-0.1.0-SNAPSHOT.jar" "$DATA/jars/"
done
JVM=${BENCH_JVM:--XX:+UseSerialGC -Xss512k -Xmx384m}
JWKS=http://127.0.0.1:$AUTH_PORT/api/auth/.well-known/jwks.json
LAST_PID=""
start() { # jar-name log-name args...
  local jar=$1 name=$2; shift 2
  java $JVM -jar "$DATA/jars/$jar-0.1.0-SNAPSHOT.jar" "$@" >"$LOGS/bench-chat-$name.log" 2>&1 &
  LAST_PID=$!
  pids+=($!)
}

MOA_MONGO_HOST=127.0.0.1 MOA_MONGO_PORT=$MONGO_PORT MOA_MONGO_DATA="$DATA/mongo/moa.mv.db" \
  java -XX:+UseSerialGC -Xmx384m -jar "$DATA/jars/mongo-server-0.1.0-SNAPSHOT.jar" >"$LOGS/bench-chat-mongo.log" 2>&1 &
MONGO=$!
pids+=($MONGO)
for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$MONGO_PORT") 2>/dev/null && break; sleep 0.5; done
(exec 3<>"/dev/tcp/127.0.0.1/$MONGO_PORT") 2>/dev/null || { echo "MongoDB-wire server did not start; see $LOGS/bench-chat-mongo.log"; exit 1; }

start auth-service auth --server.port=$AUTH_PORT --spring.rabbitmq.virtual-host=$VHOST \
  --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$AUTH_DB" --spring.datasource.username=$PGUSER \
  --spring.datasource.password=$PGPASSWORD --moa.auth.password.bcrypt-cost="$BCRYPT_COST"
AUTH=$LAST_PID
MOA_CHAT_MONGO_URI="mongodb://127.0.0.1:$MONGO_PORT/moa_chat_bench" MOA_SECURITY_JWK_SET_URI=$JWKS \
  start chat-service chat --server.port=$CHAT_PORT --spring.rabbitmq.virtual-host=$VHOST
CHAT=$LAST_PID
gateway() { # port chat-url
  start gateway "gateway-$1" --server.port="$1" --MOA_AUTH_URL=http://127.0.0.1:$AUTH_PORT --MOA_CHAT_URL="$2" \
    --moa.security.jwk-set-uri=$JWKS --spring.data.redis.database="$REDIS_DB" \
    --moa.gateway.rate-limit.api.requests=100000000 --moa.gateway.rate-limit.auth.requests=100000000
}
gateway $GATEWAY_A http://127.0.0.1:$CHAT_PORT
GWA=$LAST_PID
gateway $GATEWAY_B http://127.0.0.1:$RELAY_PORT
GWB=$LAST_PID
await_ready $AUTH_PORT $AUTH
await_ready $CHAT_PORT $CHAT # its queue chat.user-events exists before the first signup publishes
await_ready $GATEWAY_A $GWA
await_ready $GATEWAY_B $GWB
BEAM=$(pgrep -o -u rabbitmq -x beam.smp || pgrep -o -x beam.smp || true)
[ -n "$BEAM" ] || { echo "RabbitMQ's beam.smp not found"; exit 1; }

SETUP="node bench/chat/setup.js --auth http://127.0.0.1:$AUTH_PORT --concurrency 16"
$SETUP signup --pairs $((CLIENTS / 2)) --out "$DATA/users.json"

stamp=$(date -u +%Y-%m-%dT%H:%MZ)
RESULT="$OUT/chat-$stamp.txt"
# A storm of CLIENTS connections, 50 at a time (load.js --parallel): each may take up to
# BENCH_CONNECT_TIMEOUT s; the time to connect them all is reported.
LOAD_ARGS=(--rate "$RATE" --warmup "$WARMUP" --duration "$DURATION" --drain "$DRAIN" --connect-timeout "${BENCH_CONNECT_TIMEOUT:-60}")
log() { echo "$*" | tee -a "$RESULT"; }
log "# chat-bench $(date -u '+%Y-%m-%d %H:%M UTC')  clients=$CLIENTS rooms=$((CLIENTS / 2)) rate=${RATE}/s per client warmup=${WARMUP}s duration=${DURATION}s drain=${DRAIN}s"
log "# load.js ${LOAD_ARGS[*]} (identical for both runs); fresh rooms and tokens per run"
log "# jvm: $JVM (chat-service, gateways, auth-service); $(java -version 2>&1 | head -n 1); node $(node --version)"
log "# RabbitMQ $(curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview | sed -E 's/.*"rabbitmq_version":"([^"]+)".*/\1/') (STOMP plugin, vhost $VHOST); MongoDB-wire server: tools/mongo-server (mongo-java-server, H2 file; not MongoDB)"
log "# machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB, load average at start $(cut -d' ' -f1-3 /proc/loadavg); load generator, JVMs, RabbitMQ and the relay share the cores"

# run NAME URL DIR PIDS-JSON: new rooms and tokens, then load.js; the exit code lands in DIR/status.
run() {
  local name=$1 url=$2 dir=$3 status=0
  log "## $name: $url"
  node bench/chat/load.js --url "$url" --clients "$dir/clients.json" "${LOAD_ARGS[@]}" --pids "$4" \
    --out "$dir/result.json" 2>&1 | tee -a "$RESULT" || status=$?
  echo "$status" >"$dir/status"
  [ -f "$dir/result.json" ] && cp "$dir/result.json" "$OUT/chat-$stamp.$name.json"
  return 0
}
# 1. chat-service through gateway A
$SETUP prepare --gateway http://127.0.0.1:$GATEWAY_A --users "$DATA/users.json" --dir "$DATA/chat-service"
run chat-service "ws://127.0.0.1:$GATEWAY_A/ws/chat" "$DATA/chat-service" "$GWA,$CHAT,$BEAM,$MONGO"
# 2. the Node relay through gateway B, on a second set of rooms (opened in chat-service too: the ids are real)
$SETUP prepare --gateway http://127.0.0.1:$GATEWAY_A --users "$DATA/users.json" --dir "$DATA/relay"
node bench/chat/relay.js --port $RELAY_PORT --rooms "$DATA/relay/rooms.json" >"$LOGS/bench-chat-relay.log" 2>&1 &
RELAY=$!
pids+=($RELAY)
for _ in $(seq 1 100); do grep -q listening "$LOGS/bench-chat-relay.log" && break; sleep 0.1; done
grep -q listening "$LOGS/bench-chat-relay.log" || { cat "$LOGS/bench-chat-relay.log"; echo "relay did not start"; exit 1; }
run relay "ws://127.0.0.1:$GATEWAY_B/ws/chat" "$DATA/relay" "$GWB,$RELAY,$BEAM,$MONGO"

node - "$DATA" "$GWA,$CHAT,$BEAM,$MONGO" "$GWB,$RELAY,$BEAM,$MONGO" <<'EOF' | tee -a "$RESULT"
const fs = require('node:fs');
const [dir, pidsA, pidsB] = process.argv.slice(2);
const roles = ['gateway', 'service', 'rabbitmq', 'mongo'];
const runs = [['chat-service', pidsA], ['relay', pidsB]].map(([name, pids]) => {
  const status = Number(fs.readFileSync(`${dir}/${name}/status`, 'utf8'));
  let r = null;
  try { r = JSON.parse(fs.readFileSync(`${dir}/${name}/result.json`, 'utf8')); } catch {}
  return { name, status, r, pids: Object.fromEntries(pids.split(',').map((p, i) => [roles[i], p])) };
});
const fmt = (v, d = 1) => (v === null || v === undefined || Number.isNaN(v) ? '-'
  : Number(v).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const ratio = (a, b) => (a != null && b ? `${(a / b).toFixed(2)}×` : '-');
const get = (run, f) => (run.r ? f(run.r) : null);
const cpu = (run, role, key = 'cpuUsPerDelivered') => get(run, (r) => r.cpu[run.pids[role]]?.[key]);
const [a, b] = runs;
const rows = [];
const row = (label, f, d = 1, withRatio = false) => {
  const va = get(a, f), vb = get(b, f);
  rows.push([label, fmt(va, d), fmt(vb, d), withRatio ? ratio(va, vb) : '']);
};
const text = (label, f) => rows.push([label, get(a, f) ?? '-', get(b, f) ?? '-', '']);
row('delivered/s (measured window)', (r) => r.measured.deliveredPerSec, 1, true);
row('sent/s (measured window)', (r) => r.measured.sentPerSec);
row('peer latency p50 ms', (r) => r.measured.latencyMs.peer.p50, 2);
row('peer latency p90 ms', (r) => r.measured.latencyMs.peer.p90, 2);
row('peer latency p99 ms', (r) => r.measured.latencyMs.peer.p99, 2, true);
row('peer latency max ms', (r) => r.measured.latencyMs.peer.max, 2);
row('echo (own session) p50 ms', (r) => r.measured.latencyMs.echo.p50, 2);
row('echo (own session) p99 ms', (r) => r.measured.latencyMs.echo.p99, 2);
row('whole run: sent', (r) => r.correctness.sent, 0);
row('lost', (r) => r.correctness.lost, 0);
row('duplicated', (r) => r.correctness.duplicated, 0);
row('seq gaps', (r) => r.correctness.gaps, 0);
row('reorders', (r) => r.correctness.reorders, 0);
row('seq mismatch between participants', (r) => r.correctness.seqMismatch, 0);
row('errors (ERROR frames + /user/queue/errors)', (r) => r.correctness.errorFrames + r.correctness.errorQueueFrames, 0);
row('unexpected closes', (r) => r.correctness.unexpectedCloses, 0);
const cpuRow = (label, role) => rows.push([label, fmt(cpu(a, role)), fmt(cpu(b, role)), ratio(cpu(a, role), cpu(b, role))]);
const pctRow = (label, role) => rows.push([label, fmt(cpu(a, role, 'cpuPctOfCore')), fmt(cpu(b, role, 'cpuPctOfCore')), '']);
cpuRow('CPU µs/delivered: gateway (A | B)', 'gateway');
cpuRow('CPU µs/delivered: chat-service | relay', 'service');
cpuRow('CPU µs/delivered: RabbitMQ (beam.smp)', 'rabbitmq');
cpuRow('CPU µs/delivered: MongoDB-wire server', 'mongo');
row('CPU µs/delivered: load generator', (r) => r.generator.cpuUsPerDelivered);
const total = (run) => (run.r ? roles.reduce((s, role) => s + (cpu(run, role) ?? 0), 0) : null);
rows.push(['CPU µs/delivered: all four processes', fmt(total(a)), fmt(total(b)), ratio(total(a), total(b))]);
pctRow('CPU % of a core: gateway', 'gateway');
pctRow('CPU % of a core: chat-service | relay', 'service');
pctRow('CPU % of a core: RabbitMQ', 'rabbitmq');
pctRow('CPU % of a core: MongoDB-wire server', 'mongo');
row('CPU % of a core: load generator', (r) => r.generator.cpuPctOfCore);
row('load generator: max send lag ms', (r) => r.generator.maxSendLagMs);
row('load generator: event-loop delay p99 ms', (r) => r.generator.eventLoopDelayMs.p99);
rows.push(['load.js exit code', String(a.status), String(b.status), '']);
text('result', (r) => (r.ok ? 'OK' : 'FAIL ' + r.failures.join(',')));
const head = ['', 'chat-service (gw A)', 'node relay (gw B)', 'chat ÷ relay'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
console.log('## summary');
console.log(line(head));
for (const r of rows) console.log(line(r));
console.log(`pids: chat run ${JSON.stringify(a.pids)}, relay run ${JSON.stringify(b.pids)}`);
EOF

status_a=$(cat "$DATA/chat-service/status") status_b=$(cat "$DATA/relay/status")
echo "written to $RESULT (+ chat-$stamp.chat-service.json, chat-$stamp.relay.json)"
if [ "$status_a" != 0 ] || [ "$status_b" != 0 ]; then
  echo "FAILED: load.js exited $status_a (chat-service) and $status_b (relay)"
  exit 1
fi
