#!/usr/bin/env node
'use strict';
// Users, tokens and rooms for chat-bench.sh (Node 20: global fetch, no dependencies).
//
//   node setup.js signup --auth http://127.0.0.1:18081 --pairs 500 --out users.json
//     signs up <pairs> sellers and <pairs> consumers; users.json = {password, sellers: [{id, email}], consumers: [...]}
//   node setup.js prepare --auth http://127.0.0.1:18081 --gateway http://127.0.0.1:18080 --users users.json --dir DIR
//     logs every user in (fresh tokens), then each consumer opens a NEW room with its own seller through the
//     gateway (a random productId per call, so every prepare gets rooms without earlier messages); retries
//     while chat-service does not know the seller yet (404: its user.registered event is still on the way).
//     Writes DIR/rooms.json {"<roomId>": [consumerId, sellerId]} and DIR/clients.json [{userId, token, roomId}].
//   options: --concurrency 16 (requests at once), --wait 180 (s a room may answer 404/503 before giving up)
const fs = require('node:fs');
const { randomUUID } = require('node:crypto');
const { parseArgs } = require('node:util');

const { positionals: [command], values: o } = parseArgs({ allowPositionals: true, options: {
  auth: { type: 'string' }, gateway: { type: 'string' }, pairs: { type: 'string' }, out: { type: 'string' },
  users: { type: 'string' }, dir: { type: 'string' }, concurrency: { type: 'string', default: '16' },
  wait: { type: 'string', default: '180' },
} });
const CONCURRENCY = Number(o.concurrency);
const t0 = performance.now();
const elapsed = () => ((performance.now() - t0) / 1000).toFixed(1);
const fail = (message) => { console.error(`setup: ${message}`); process.exit(1); };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(url, body, token) {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) } });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  return { status: res.status, json, text };
}

// Runs task(item, index) over items with CONCURRENCY at once; the first error stops the rest.
async function each(items, task) {
  const results = new Array(items.length);
  let next = 0, failed = null;
  const worker = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try { results[i] = await task(items[i], i); } catch (e) { failed = failed ?? e; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  if (failed) fail(failed.message);
  return results;
}

async function signup() {
  if (!o.auth || !o.pairs || !o.out) fail('signup needs --auth --pairs --out');
  const pairs = Number(o.pairs), tag = Date.now().toString(36), password = 'chat-bench-password';
  const wanted = [];
  for (let i = 0; i < pairs; i++) {
    wanted.push({ role: 'SELLER', email: `chat-bench-${tag}-s${i}@example.com`, name: `Bench seller ${i}` },
      { role: 'CONSUMER', email: `chat-bench-${tag}-c${i}@example.com`, name: `Bench consumer ${i}` });
  }
  const users = await each(wanted, async (u) => {
    const r = await call(`${o.auth}/api/auth/signup`, { ...u, password });
    if (r.status !== 201 || !r.json?.id) throw new Error(`signup ${u.email}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    return { id: r.json.id, email: u.email, role: u.role };
  });
  const strip = (u) => ({ id: u.id, email: u.email });
  fs.writeFileSync(o.out, JSON.stringify({ password, sellers: users.filter((u) => u.role === 'SELLER').map(strip),
    consumers: users.filter((u) => u.role === 'CONSUMER').map(strip) }));
  console.error(`setup: signed up ${pairs} sellers and ${pairs} consumers in ${elapsed()} s`);
}

const subjectOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub;

async function prepare() {
  if (!o.auth || !o.gateway || !o.users || !o.dir) fail('prepare needs --auth --gateway --users --dir');
  const { password, sellers, consumers } = JSON.parse(fs.readFileSync(o.users, 'utf8'));
  const everyone = [...sellers, ...consumers];
  const tokens = await each(everyone, async (u) => {
    const r = await call(`${o.auth}/api/auth/login`, { email: u.email, password });
    if (r.status !== 200 || !r.json?.accessToken) throw new Error(`login ${u.email}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    if (subjectOf(r.json.accessToken) !== u.id) throw new Error(`login ${u.email}: token for ${subjectOf(r.json.accessToken)}, not ${u.id}`);
    return r.json.accessToken;
  });
  const tokenOf = new Map(everyone.map((u, i) => [u.id, tokens[i]]));
  const loggedIn = elapsed();

  const deadline = performance.now() + Number(o.wait) * 1000;
  let retries = 0;
  const rooms = await each(consumers, async (consumer, i) => {
    const seller = sellers[i];
    for (;;) {
      const r = await call(`${o.gateway}/api/chat/rooms`, { sellerId: seller.id, productId: randomUUID() },
        tokenOf.get(consumer.id));
      if (r.status === 201) {
        if (r.json?.consumerId !== consumer.id || r.json?.sellerId !== seller.id) {
          throw new Error(`room for ${consumer.id}/${seller.id}: unexpected body ${r.text.slice(0, 300)}`);
        }
        return r.json.id;
      }
      // 404: the seller's user.registered has not reached chat-service yet; 503: MongoDB or the room busy.
      if ((r.status === 404 || r.status === 503) && performance.now() < deadline) {
        retries++;
        await sleep(250);
        continue;
      }
      throw new Error(`open room consumer ${consumer.id} -> seller ${seller.id}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    }
  });
  const roomsJson = {}, clients = [];
  consumers.forEach((consumer, i) => {
    const roomId = rooms[i], seller = sellers[i];
    roomsJson[roomId] = [consumer.id, seller.id];
    clients.push({ userId: consumer.id, token: tokenOf.get(consumer.id), roomId },
      { userId: seller.id, token: tokenOf.get(seller.id), roomId });
  });
  fs.mkdirSync(o.dir, { recursive: true });
  fs.writeFileSync(`${o.dir}/rooms.json`, JSON.stringify(roomsJson));
  fs.writeFileSync(`${o.dir}/clients.json`, JSON.stringify(clients));
  console.error(`setup: ${everyone.length} logins in ${loggedIn} s; ${rooms.length} new rooms by ${elapsed()} s `
    + `(${retries} retries while sellers were unknown to chat-service)`);
}

({ signup, prepare }[command] ?? (() => fail('usage: node setup.js signup|prepare ...')))();
