#!/usr/bin/env node
'use strict';
// Load generator for the chat benchmark: drives chat-service (through the gateway or direct) and
// the Node baseline (relay.js) with the same STOMP 1.2 over WebSocket client protocol.
//
//   node load.js --url ws://127.0.0.1:18080/ws/chat --clients clients.json --rate 1 \
//     --warmup 60 --duration 60 --drain 10 --out result.json [--pids 123,456] [--parallel 50]
//     [--deflate] [--origin https://dashboard.example] [--connect-timeout 20]
// --deflate offers permessage-deflate (off by default); --origin sends an Origin header (none by default).
//
// clients.json = [{"userId", "token", "roomId"}, ...]; every room has exactly two clients.
// Every client sends --rate messages/s to /app/rooms/<roomId>/messages; each message is expected
// at both clients of the room (the peer, and the sender's own session as the echo).
// Subscriptions: sub-0 /user/queue/messages, sub-1 /user/queue/receipts (read receipts; counted
// only), sub-2 /user/queue/errors (chat-service's per-session problems for failed SENDs).
// Exit code: 0 all correct, 1 a correctness failure (lost, duplicated, out of order, ERROR
// frames or /user/queue/errors problems, unexpected closes, malformed deliveries), 2 setup
// failure (a connection failed).
const fs = require('node:fs');
const { execSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const { performance, monitorEventLoopDelay } = require('node:perf_hooks');
const { parseArgs } = require('node:util');
const WebSocket = require('ws');

const { values: o } = parseArgs({ options: {
  url: { type: 'string' }, clients: { type: 'string' }, out: { type: 'string' },
  rate: { type: 'string', default: '1' }, warmup: { type: 'string', default: '60' },
  duration: { type: 'string', default: '60' }, drain: { type: 'string', default: '10' },
  pids: { type: 'string', default: '' }, parallel: { type: 'string', default: '50' },
  'connect-timeout': { type: 'string', default: '20' }, deflate: { type: 'boolean', default: false },
  origin: { type: 'string' },
} });
if (!o.url || !o.clients) {
  console.error('usage: node load.js --url ws://host:port/ws/chat --clients clients.json [--rate 1] [--warmup 60] '
    + '[--duration 60] [--drain 10] [--out result.json] [--pids 1,2] [--parallel 50] [--deflate]');
  process.exit(2);
}
const RATE = Number(o.rate), WARMUP = Number(o.warmup) * 1000, DURATION = Number(o.duration) * 1000;
const DRAIN = Number(o.drain) * 1000, PARALLEL = Number(o.parallel), CONNECT_TIMEOUT = Number(o['connect-timeout']) * 1000;
const PIDS = o.pids.split(',').filter(Boolean).map(Number);
const HEART_BEAT = 10000;
const now = () => performance.now(); // monotonic ms with µs resolution (hrtime-based); the same clock stamps and receives

const { escape, frameReader } = require('./stomp');

// --- clients ----------------------------------------------------------------------------------
const OK_SELF = 1, OK_PEER = 2, MEASURED = 4; // per sent message: who got it, and its phase
const INITIAL = Math.ceil(RATE * (WARMUP + DURATION) / 1000 * 1.3) + 16;
const clients = JSON.parse(fs.readFileSync(o.clients, 'utf8')).map((c, i) => ({
  i, userId: c.userId, token: c.token, roomId: c.roomId, peer: -1, ws: null, ready: false, closed: false,
  sendPrefix: `SEND\ndestination:${escape(`/app/rooms/${c.roomId}/messages`)}\ncontent-type:application/json\ncontent-length:`,
  n: 0, got: new Uint8Array(INITIAL), seqOf: new Float64Array(INITIAL), lastSeq: null,
  next: 0, lastTx: 0, hbOut: 0,
}));
const byRoom = new Map();
for (const c of clients) byRoom.set(c.roomId, [...(byRoom.get(c.roomId) ?? []), c]);
for (const [roomId, members] of byRoom) {
  if (members.length !== 2) { console.error(`room ${roomId} has ${members.length} clients, expected 2`); process.exit(2); }
  members[0].peer = members[1].i; members[1].peer = members[0].i;
}
const wsUrl = new URL(o.url);
const connectUrl = o.url + (wsUrl.search ? '&' : '?') + 'access_token=';

class Samples {
  constructor() { this.a = new Float64Array(1 << 16); this.n = 0; }
  add(v) {
    if (this.n === this.a.length) { const b = new Float64Array(this.n * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
  summary() {
    const a = this.a.slice(0, this.n).sort();
    const at = (q) => (a.length ? round(a[Math.min(a.length - 1, Math.ceil(q * a.length) - 1)]) : null);
    let sum = 0;
    for (const v of a) sum += v;
    return { count: a.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), mean: a.length ? round(sum / a.length) : null };
  }
}
const round = (v, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

const stats = {
  sent: 0, sentMeasured: 0, delivered: 0, deliveredOfMeasured: 0, duplicated: 0, gaps: 0, gapMissing: 0,
  reorders: 0, seqMismatch: 0, malformed: 0, foreign: 0, errorFrames: 0, unexpectedCloses: 0, socketErrors: 0,
  errorQueueFrames: 0, receiptsQueueFrames: 0, otherFrames: 0, sendSkipped: 0, maxSendLagMs: 0,
};
const errorSamples = [], closeSamples = [];
const peerLatency = new Samples(), echoLatency = new Samples();
let phase = 'connect', shuttingDown = false, outstanding = 0;

function onMessage(c, f) {
  stats.delivered++;
  let m;
  try { m = JSON.parse(f.body); } catch { stats.malformed++; return; }
  if (m.roomId !== c.roomId || typeof m.seq !== 'number') { stats.malformed++; return; }
  const parts = typeof m.text === 'string' ? m.text.split('|') : [];
  const sender = clients[Number(parts[1])], n = Number(parts[2]);
  const ours = parts.length === 3 && sender !== undefined && Number.isInteger(n) && n >= 0 && n < sender.n;
  if (ours && (sender.roomId !== c.roomId || sender.userId !== m.senderId)) { stats.malformed++; return; }
  const bit = ours && sender === c ? OK_SELF : OK_PEER;
  if (ours) {
    if (sender.got[n] & bit) { stats.duplicated++; return; }
    sender.got[n] |= bit;
    outstanding--;
  } else stats.foreign++;
  // Order, per client per room (one room per client): seq must grow by exactly 1.
  if (c.lastSeq !== null && m.seq !== c.lastSeq + 1) {
    if (m.seq > c.lastSeq + 1) { stats.gaps++; stats.gapMissing += m.seq - c.lastSeq - 1; } else stats.reorders++;
  }
  if (c.lastSeq === null || m.seq > c.lastSeq) c.lastSeq = m.seq;
  if (!ours) return;
  if (sender.seqOf[n] === 0) sender.seqOf[n] = m.seq + 1; // stored +1: 0 means not seen yet
  else if (sender.seqOf[n] !== m.seq + 1) stats.seqMismatch++; // the two participants saw different seqs
  if (sender.got[n] & MEASURED) {
    stats.deliveredOfMeasured++;
    (bit === OK_PEER ? peerLatency : echoLatency).add(now() - Number(parts[0]));
  }
}

function onFrame(c, f) {
  switch (f.command) {
    case 'MESSAGE': {
      const sub = f.headers.subscription;
      if (sub === 'sub-0' || (sub === undefined && f.headers.destination === '/user/queue/messages')) onMessage(c, f);
      else if (sub === 'sub-1') stats.receiptsQueueFrames++;
      else if (sub === 'sub-2') {
        stats.errorQueueFrames++;
        const text = `client ${c.i} (${c.userId}): /user/queue/errors ${f.body.slice(0, 300)}`;
        if (errorSamples.length < 10) { errorSamples.push(text); console.error(text); }
      } else stats.otherFrames++;
      break;
    }
    case 'CONNECTED': {
      const [sx, sy] = (f.headers['heart-beat'] ?? '0,0').split(',').map(Number);
      c.hbOut = sy > 0 ? Math.max(HEART_BEAT, sy) : 0;
      c.ws.send('SUBSCRIBE\nid:sub-0\ndestination:/user/queue/messages\n\n\0');
      c.ws.send('SUBSCRIBE\nid:sub-1\ndestination:/user/queue/receipts\n\n\0');
      // chat-service reports a failed SEND (validation, 503, ...) here, not as an ERROR frame.
      c.ws.send('SUBSCRIBE\nid:sub-2\ndestination:/user/queue/errors\nreceipt:ready\n\n\0');
      c.lastTx = now();
      void sx; // the server's heart-beats arrive as bare EOLs and are skipped by the reader
      break;
    }
    case 'RECEIPT':
      if (f.headers['receipt-id'] === 'ready' && !c.ready) { c.ready = true; c.onReady(); }
      break;
    case 'ERROR': {
      stats.errorFrames++;
      const text = `client ${c.i} (${c.userId}): ERROR ${f.headers.message ?? ''} ${f.body.slice(0, 200)}`.trim();
      if (errorSamples.length < 10) { errorSamples.push(text); console.error(text); }
      if (!c.ready) c.onFail(new Error(text));
      break;
    }
    default: stats.otherFrames++;
  }
}

function connect(c) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(connectUrl + encodeURIComponent(c.token),
      { perMessageDeflate: o.deflate, handshakeTimeout: CONNECT_TIMEOUT, ...(o.origin && { origin: o.origin }) });
    c.ws = ws;
    const timer = setTimeout(() => c.onFail(new Error(`client ${c.i}: not ready after ${CONNECT_TIMEOUT} ms`)), CONNECT_TIMEOUT);
    c.onReady = () => { clearTimeout(timer); resolve(); };
    c.onFail = (e) => { clearTimeout(timer); reject(e); };
    ws.on('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => c.onFail(new Error(`client ${c.i} (${c.userId}): HTTP ${res.statusCode} ${res.statusMessage} ${body.slice(0, 300)}`)));
      res.on('error', () => {});
    });
    ws.on('open', () => {
      ws.send(`CONNECT\naccept-version:1.2\nhost:${wsUrl.hostname}\nheart-beat:${HEART_BEAT},${HEART_BEAT}\n\n\0`);
    });
    const read = frameReader((f) => onFrame(c, f));
    ws.on('message', (data) => {
      try { read(data); } catch (e) { stats.malformed++; if (!c.ready) c.onFail(new Error(`client ${c.i}: ${e.message}`)); }
    });
    ws.on('error', (e) => { if (c.ready) stats.socketErrors++; else c.onFail(new Error(`client ${c.i} (${c.userId}): ${e.message}`)); });
    ws.on('close', (code, reason) => {
      c.closed = true;
      if (!c.ready) c.onFail(new Error(`client ${c.i}: closed before ready (${code} ${reason})`));
      else if (!shuttingDown) {
        stats.unexpectedCloses++;
        if (closeSamples.length < 10) { closeSamples.push(`client ${c.i}: ${code} ${reason}`); console.error(`client ${c.i} closed: ${code} ${reason}`); }
      }
    });
  });
}

// --- CPU --------------------------------------------------------------------------------------
let CLK_TCK = 100;
try { CLK_TCK = Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100; } catch {}
function ticks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15), all threads
  } catch { return NaN; }
}
function cpuSnapshot() {
  return { at: now(), delivered: stats.delivered, self: process.cpuUsage(), pids: PIDS.map(ticks) };
}

// --- run --------------------------------------------------------------------------------------
function sendOne(c) {
  if (c.closed) { stats.sendSkipped++; return; }
  const n = c.n;
  if (n === c.got.length) {
    const got = new Uint8Array(n * 2); got.set(c.got); c.got = got;
    const seqOf = new Float64Array(n * 2); seqOf.set(c.seqOf); c.seqOf = seqOf;
  }
  if (phase === 'measured') { c.got[n] = MEASURED; stats.sentMeasured++; }
  const t = now();
  const body = `{"text":"${t.toFixed(3)}|${c.i}|${n}","clientMessageId":"${randomUUID()}"}`;
  c.n++; // after stamping: a delivery can only be matched once n < c.n
  c.ws.send(c.sendPrefix + body.length + '\n\n' + body + '\0');
  c.lastTx = t;
  stats.sent++;
  outstanding += 2;
}

async function main() {
  const t0 = now();
  // Heart-beats from each client's CONNECTED on, as stompjs does (not only once all are ready:
  // the broker closes a connection that promised beats and sent none).
  const heartBeats = setInterval(() => {
    const t = now();
    for (const c of clients) if (c.hbOut && !c.closed && t - c.lastTx >= c.hbOut - 1000) { c.ws.send('\n'); c.lastTx = t; }
  }, 1000);

  let next = 0, failed = null;
  const worker = async () => {
    while (next < clients.length && !failed) {
      try { await connect(clients[next++]); } catch (e) { failed = failed ?? e; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, clients.length) }, worker));
  if (failed) {
    console.error(`CONNECTION FAILED: ${failed.message}`);
    for (const c of clients) c.ws?.terminate();
    process.exit(2);
  }
  const ext = clients[0].ws.extensions || 'none';
  console.error(`${clients.length} clients ready in ${((now() - t0) / 1000).toFixed(1)} s (extensions: ${ext}); `
    + `warm-up ${WARMUP / 1000} s, measure ${DURATION / 1000} s at ${RATE} msg/s per client`);

  const period = 1000 / RATE, start = now();
  const measureStart = start + WARMUP, measureEnd = measureStart + DURATION;
  for (const c of clients) c.next = start + Math.random() * period; // spread the first sends over one period
  phase = 'warmup';
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let begin, end;
  await new Promise((resolve) => {
    const ticker = setInterval(() => {
      const t = now();
      if (phase === 'warmup' && t >= measureStart) { phase = 'measured'; begin = cpuSnapshot(); loop.enable(); }
      if (t >= measureEnd) { end = cpuSnapshot(); loop.disable(); phase = 'drain'; clearInterval(ticker); return resolve(); }
      for (const c of clients) {
        if (t < c.next) continue;
        if (t - c.next > stats.maxSendLagMs) stats.maxSendLagMs = t - c.next;
        sendOne(c);
        c.next += period * (0.5 + Math.random()); // jitter ±50 %, the mean interval stays 1/rate
      }
    }, 5);
  });
  console.error(`measured phase over; draining (up to ${DRAIN / 1000} s, ${outstanding} deliveries outstanding)`);
  const drainStart = now();
  await new Promise((resolve) => {
    const check = setInterval(() => { if (outstanding <= 0 || now() - drainStart >= DRAIN) { clearInterval(check); resolve(); } }, 50);
  });
  const drainedMs = now() - drainStart;

  let lostToSelf = 0, lostToPeer = 0;
  for (const c of clients) {
    for (let n = 0; n < c.n; n++) {
      if (!(c.got[n] & OK_SELF)) lostToSelf++;
      if (!(c.got[n] & OK_PEER)) lostToPeer++;
    }
  }

  // Graceful goodbye, so the server sees normal disconnects.
  shuttingDown = true;
  clearInterval(heartBeats);
  await Promise.all(clients.map((c) => new Promise((resolve) => {
    if (c.closed) return resolve();
    c.ws.once('close', resolve);
    c.ws.send('DISCONNECT\n\n\0');
    c.ws.close(1000);
    setTimeout(() => { c.ws.terminate(); resolve(); }, 3000);
  })));

  const windowMs = end.at - begin.at, deliveredInWindow = end.delivered - begin.delivered;
  const selfCpuMs = (end.self.user + end.self.system - begin.self.user - begin.self.system) / 1000;
  const cpu = (cpuMs) => ({ cpuMs: round(cpuMs), cpuPctOfCore: round(cpuMs / windowMs * 100, 1),
    cpuMsPerDelivered: round(cpuMs / deliveredInWindow, 6), cpuUsPerDelivered: round(cpuMs * 1000 / deliveredInWindow, 1) });
  const pids = {};
  PIDS.forEach((pid, k) => { pids[pid] = cpu((end.pids[k] - begin.pids[k]) * 1000 / CLK_TCK); });
  const ms = (ns) => round(ns / 1e6);
  const correctness = {
    sent: stats.sent, expectedDeliveries: 2 * stats.sent, lost: lostToSelf + lostToPeer, lostToPeer, lostToSelf,
    duplicated: stats.duplicated, gaps: stats.gaps, gapMissingSeqs: stats.gapMissing, reorders: stats.reorders,
    seqMismatch: stats.seqMismatch, malformed: stats.malformed, foreign: stats.foreign, errorFrames: stats.errorFrames,
    errorQueueFrames: stats.errorQueueFrames, unexpectedCloses: stats.unexpectedCloses, socketErrors: stats.socketErrors, sendSkipped: stats.sendSkipped,
    receiptsQueueFrames: stats.receiptsQueueFrames, otherFrames: stats.otherFrames, errorSamples, closeSamples,
  };
  const failures = ['lost', 'duplicated', 'gaps', 'reorders', 'seqMismatch', 'malformed', 'errorFrames', 'errorQueueFrames', 'unexpectedCloses']
    .filter((k) => correctness[k] > 0);
  const result = {
    config: { url: o.url, clients: clients.length, rooms: byRoom.size, rate: RATE, warmupS: WARMUP / 1000,
      durationS: DURATION / 1000, drainS: DRAIN / 1000, deflate: o.deflate, extensions: ext, clkTck: CLK_TCK },
    measured: {
      seconds: round(windowMs / 1000), sent: stats.sentMeasured, sentPerSec: round(stats.sentMeasured / windowMs * 1000, 1),
      delivered: deliveredInWindow, deliveredPerSec: round(deliveredInWindow / windowMs * 1000, 1),
      deliveredOfMeasuredSent: stats.deliveredOfMeasured, expectedOfMeasuredSent: 2 * stats.sentMeasured,
      latencyMs: { peer: peerLatency.summary(), echo: echoLatency.summary() },
    },
    correctness,
    generator: { ...cpu(selfCpuMs), maxSendLagMs: round(stats.maxSendLagMs), drainMs: round(drainedMs),
      // Node's event-loop delay histogram includes its 10 ms sampling interval: ~10 is idle, far above is saturated.
      eventLoopDelayMs: { resolution: 10, p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) } },
    cpu: pids,
    ok: failures.length === 0, failures,
  };
  if (o.out) fs.writeFileSync(o.out, JSON.stringify(result, null, 2) + '\n');

  const m = result.measured, p = m.latencyMs.peer, e = m.latencyMs.echo;
  const cpuText = [...Object.entries(pids).map(([pid, v]) => `pid ${pid} ${v.cpuUsPerDelivered} µs/msg (${v.cpuPctOfCore}%)`),
    `loadgen ${result.generator.cpuUsPerDelivered} µs/msg (${result.generator.cpuPctOfCore}%)`].join(', ');
  console.log(`${result.ok ? 'OK' : 'FAIL ' + failures.join(',')} | sent ${m.sent} (${m.sentPerSec}/s) delivered ${m.delivered} `
    + `(${m.deliveredPerSec}/s) in ${m.seconds} s | peer ms p50 ${p.p50} p90 ${p.p90} p99 ${p.p99} max ${p.max} | `
    + `echo ms p50 ${e.p50} p99 ${e.p99} | whole run: sent ${correctness.sent} lost ${correctness.lost} dup ${correctness.duplicated} `
    + `gaps ${correctness.gaps} reorders ${correctness.reorders} errors ${correctness.errorFrames + correctness.errorQueueFrames} `
    + `closes ${correctness.unexpectedCloses} | cpu ${cpuText} | send lag max ${result.generator.maxSendLagMs} ms`);
  process.exit(result.ok ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(2); });
