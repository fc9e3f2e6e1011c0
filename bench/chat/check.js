#!/usr/bin/env node
'use strict';
// Protocol corner checks for relay.js (run by selftest.sh before the load): upgrade auth, frames
// split over and batched in WebSocket messages, header escaping, UTF-8 content-length, fan-out to
// every session of both participants, resend idempotency, non-participant ERROR, receipts,
// server heart-beats. Uses the first three clients of clients.json (room of 0 and 1; 2 is outside).
//   node check.js --url ws://127.0.0.1:PORT/ws/chat --clients clients.json
const fs = require('node:fs');
const assert = require('node:assert/strict');
const { parseArgs } = require('node:util');
const WebSocket = require('ws');

const { values: o } = parseArgs({ options: { url: { type: 'string' }, clients: { type: 'string' } } });
const [a, b, outsider] = JSON.parse(fs.readFileSync(o.clients, 'utf8'));
assert.equal(a.roomId, b.roomId);
assert.notEqual(outsider.roomId, a.roomId);

// A deliberately simple, independent frame reader (splits on NUL; fine for what the relay sends).
class Session {
  constructor(url, options) {
    this.frames = []; this.waiters = []; this.raw = []; this.buf = '';
    this.ws = new WebSocket(url, options);
    this.closed = new Promise((resolve) => this.ws.on('close', resolve));
    this.ws.on('message', (data) => {
      this.raw.push(data.toString());
      this.buf += data.toString();
      let nul;
      while ((nul = this.buf.indexOf('\0')) >= 0) {
        const text = this.buf.slice(0, nul).replace(/^[\r\n]+/, '');
        this.buf = this.buf.slice(nul + 1);
        const [head, ...rest] = text.split('\n\n');
        const [command, ...lines] = head.split('\n');
        const headers = {};
        for (const l of lines) {
          const i = l.indexOf(':');
          headers[l.slice(0, i)] ??= l.slice(i + 1).replace(/\\c/g, ':').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
        }
        this.frames.push({ command, headers, body: rest.join('\n\n') });
      }
      this.waiters = this.waiters.filter((w) => !w());
    });
  }
  open() { return new Promise((resolve, reject) => { this.ws.once('open', resolve); this.ws.once('error', reject); }); }
  next(command, timeout = 2000) {
    return new Promise((resolve, reject) => {
      const take = () => {
        const i = this.frames.findIndex((f) => f.command === command);
        if (i < 0) return false;
        resolve(this.frames.splice(i, 1)[0]);
        return true;
      };
      if (take()) return;
      this.waiters.push(take);
      setTimeout(() => reject(new Error(`no ${command} within ${timeout} ms; got ${JSON.stringify(this.frames)}`)), timeout);
    });
  }
  send(text) { this.ws.send(text); }
}
const url = (c) => `${o.url}?access_token=${c.token}`;
const status = (u, headers) => new Promise((resolve) => {
  const ws = new WebSocket(u, { headers });
  ws.on('unexpected-response', (req, res) => { resolve(res.statusCode); ws.terminate(); });
  ws.on('open', () => { resolve(101); ws.close(); });
  ws.on('error', () => {});
});
async function connected(c, heartBeat = '0,0', options) {
  const s = new Session(c ? url(c) : o.url, options);
  await s.open();
  s.send(`CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:${heartBeat}\n\n\0`);
  const f = await s.next('CONNECTED');
  assert.equal(f.headers.version, '1.2');
  assert.equal(f.headers['heart-beat'], '10000,10000');
  return s;
}

async function main() {
  const started = Date.now();
  // Heart-beats: the client wants one every 1 s, the server offers 10 s => a bare EOL every 10 s.
  const beating = await connected(a, '0,1000');

  assert.equal(await status(o.url), 401, 'no token');
  assert.equal(await status(`${o.url}?access_token=not-a-jwt`), 401, 'garbage token');
  assert.equal(await status(o.url.replace('/ws/chat', '/ws/other') + `?access_token=${a.token}`), 404, 'wrong path');

  // CONNECT split over two WebSocket messages; the Authorization header instead of the query.
  const a1 = new Session(o.url, { headers: { Authorization: `Bearer ${a.token}` } });
  await a1.open();
  a1.send('CONNECT\naccept-version:1.2\nhost:loc');
  a1.send('alhost\nheart-beat:0,0\n\n\0');
  await a1.next('CONNECTED');
  // Two subscriptions, a heart-beat and a receipt, batched into one WebSocket message; an escaped id.
  a1.send('SUBSCRIBE\r\nid:s\\c0\r\ndestination:/user/queue/messages\r\n\r\n\0\r\n\nSUBSCRIBE\nid:r\ndestination:/user/queue/receipts\nreceipt:x\n\n\0');
  assert.equal((await a1.next('RECEIPT')).headers['receipt-id'], 'x');

  const a2 = await connected(a); // the sender's second session
  const b1 = await connected(b);
  for (const [s, id] of [[a2, 'm'], [b1, 'sub-0']]) {
    s.send(`SUBSCRIBE\nid:${id}\ndestination:/user/queue/messages\nreceipt:ok\n\n\0`);
    await s.next('RECEIPT');
  }

  const body = JSON.stringify({ text: '안녕하세요 ☕ a:b\nc', clientMessageId: 'cm-1' });
  const send = `SEND\ndestination:/app/rooms/${a.roomId}/messages\ncontent-type:application/json\n`
    + `content-length:${Buffer.byteLength(body)}\nreceipt:sent-1\n\n${body}\0`;
  a1.send(send);
  assert.equal((await a1.next('RECEIPT')).headers['receipt-id'], 'sent-1');
  const got = await Promise.all([a1, a2, b1].map((s) => s.next('MESSAGE')));
  assert.deepEqual(got.map((f) => f.headers.subscription), ['s:0', 'm', 'sub-0']);
  const messages = got.map((f) => JSON.parse(f.body));
  for (const [i, m] of messages.entries()) {
    assert.deepEqual(m, messages[0]);
    assert.equal(got[i].headers.destination, '/user/queue/messages');
    assert.equal(got[i].headers['content-type'], 'application/json');
    assert.ok(got[i].headers['message-id']);
  }
  const m = messages[0];
  assert.equal(m.text, '안녕하세요 ☕ a:b\nc');
  assert.equal(m.roomId, a.roomId);
  assert.equal(m.senderId, a.userId);
  assert.equal(m.seq, 1);
  assert.match(m.id, /^[0-9a-f-]{36}$/);
  assert.ok(!Number.isNaN(Date.parse(m.sentAt)));

  // Resend of the same clientMessageId: the same message back to the sender's sessions, no new seq.
  a2.send(send.replace('receipt:sent-1\n', ''));
  for (const s of [a1, a2]) assert.deepEqual(JSON.parse((await s.next('MESSAGE')).body), m);
  b1.send(`SEND\ndestination:/app/rooms/${b.roomId}/messages\n\n${JSON.stringify({ text: 'hi', clientMessageId: 'cm-1' })}\0`);
  const reply = await Promise.all([a1, b1].map((s) => s.next('MESSAGE')));
  assert.deepEqual(reply.map((f) => JSON.parse(f.body).seq), [2, 2], 'same clientMessageId from another sender is new');
  assert.equal(b1.frames.length, 0, 'the peer got nothing for the resend');

  // A non-participant is refused with an ERROR and disconnected.
  const x = await connected(outsider);
  x.send(`SEND\ndestination:/app/rooms/${a.roomId}/messages\n\n{"text":"intrude","clientMessageId":"x"}\0`);
  assert.match((await x.next('ERROR')).headers.message, /participant/);
  await x.closed;

  // DISCONNECT with a receipt.
  a2.send('DISCONNECT\nreceipt:bye\n\n\0');
  assert.equal((await a2.next('RECEIPT')).headers['receipt-id'], 'bye');
  await a2.closed;

  const wait = 10500 - (Date.now() - started);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  assert.ok(beating.raw.includes('\n'), 'a server heart-beat within 10.5 s');
  for (const s of [beating, a1, b1]) s.ws.close();
  console.log('protocol check passed');
}
main().then(() => process.exit(0), (e) => { console.error('protocol check FAILED:', e); process.exit(1); });
