#!/usr/bin/env bash
# Self-test of the chat benchmark tools: 1,000 fake clients (unsigned JWTs with random UUID subs)
# in 500 rooms against relay.js on a free port; passes only if load.js reports nothing lost,
# duplicated or out of order. Also runs check.js (relay protocol corners: split and batched
# frames, escaping, resend idempotency, non-participant ERROR, receipts, heart-beats).
#   bash selftest.sh        env: CLIENTS (1000) RATE (2) WARMUP (5) DURATION (10) DRAIN (5) KEEP=1 keeps the temp dir
set -euo pipefail
cd "$(dirname "$0")"
CLIENTS=${CLIENTS:-1000} RATE=${RATE:-2} WARMUP=${WARMUP:-5} DURATION=${DURATION:-10} DRAIN=${DRAIN:-5}

[ -d node_modules/ws ] || npm ci --no-audit --no-fund >/dev/null
tmp=$(mktemp -d)
relay_pid=
cleanup() {
  [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

node - "$tmp" "$CLIENTS" <<'EOF'
const fs = require('node:fs'), { randomUUID } = require('node:crypto');
const [dir, count] = [process.argv[2], Number(process.argv[3])];
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (sub, role) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub, role,
  iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 900 })}.`; // unsigned
const rooms = {}, clients = [];
for (let r = 0; r < count / 2; r++) {
  const roomId = randomUUID(), consumer = randomUUID(), seller = randomUUID();
  rooms[roomId] = [consumer, seller];
  clients.push({ userId: consumer, token: token(consumer, 'CONSUMER'), roomId },
    { userId: seller, token: token(seller, 'SELLER'), roomId });
}
fs.writeFileSync(`${dir}/rooms.json`, JSON.stringify(rooms));
fs.writeFileSync(`${dir}/clients.json`, JSON.stringify(clients));
EOF

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
node relay.js --port "$port" --rooms "$tmp/rooms.json" >"$tmp/relay.log" 2>&1 &
relay_pid=$!
for _ in $(seq 50); do grep -q listening "$tmp/relay.log" && break; sleep 0.1; done
grep -q listening "$tmp/relay.log" || { cat "$tmp/relay.log"; echo "relay did not start"; exit 1; }

echo "== protocol check against relay :$port"
node check.js --url "ws://127.0.0.1:$port/ws/chat" --clients "$tmp/clients.json"

echo "== load: $CLIENTS clients, $RATE msg/s each, warm-up ${WARMUP}s, measured ${DURATION}s"
status=0
node load.js --url "ws://127.0.0.1:$port/ws/chat" --clients "$tmp/clients.json" --rate "$RATE" \
  --warmup "$WARMUP" --duration "$DURATION" --drain "$DRAIN" --pids "$relay_pid" --out "$tmp/result.json" || status=$?
cp "$tmp/result.json" "${OUT:-/dev/null}" 2>/dev/null || true
[ "$status" = 0 ] || { echo "SELFTEST FAILED: load.js exited $status"; exit 1; }
node -e '
const r = require(process.argv[1]), c = r.correctness;
const bad = ["lost", "duplicated", "gaps", "reorders", "seqMismatch", "errorFrames", "errorQueueFrames", "unexpectedCloses"].filter((k) => c[k] !== 0);
if (c.sent === 0 || r.measured.delivered === 0) bad.push("nothing sent or delivered");
if (bad.length) { console.error("SELFTEST FAILED:", bad.join(", ")); process.exit(1); }
console.log("SELFTEST PASSED");' "$tmp/result.json"
