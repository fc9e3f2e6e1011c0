#!/usr/bin/env node
'use strict';
// Baseline for the chat benchmark: the fan-out a plain Node chat server does, speaking the same
// client protocol as chat-service (STOMP 1.2 over a WebSocket on /ws/chat), all in memory.
//   node relay.js --port 18096 --rooms rooms.json     rooms.json = {"<roomId>": ["<userA>", "<userB>"]}
const http = require('node:http');
const fs = require('node:fs');
const { randomUUID } = require('node:crypto');
const { parseArgs } = require('node:util');
const { WebSocketServer } = require('ws');

const { values: opts } = parseArgs({ options: {
  port: { type: 'string', default: '18096' },
  host: { type: 'string', default: '127.0.0.1' },
  rooms: { type: 'string' },
} });
if (!opts.rooms) { console.error('usage: node relay.js --port 18096 --rooms rooms.json'); process.exit(2); }

const rooms = new Map(); // roomId -> { participants, seq, sent: Map<"sender clientMessageId", Message> }
for (const [id, participants] of Object.entries(JSON.parse(fs.readFileSync(opts.rooms, 'utf8')))) {
  rooms.set(id, { participants, seq: 0, sent: new Map() });
}
const sessionsByUser = new Map(); // userId -> Set<session>
const HEART_BEAT = 10000;
const SEND_DESTINATION = /^\/app\/rooms\/([^/]+)\/messages$/;
let sessionCount = 0;

const { frame, frameReader } = require('./stomp');

function subjectOf(token) {
  try {
    const sub = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub;
    return typeof sub === 'string' && sub ? sub : null;
  } catch { return null; }
}

function userOf(req) {
  const url = new URL(req.url, 'http://relay');
  if (url.pathname !== '/ws/chat') return { status: '404 Not Found' };
  const auth = req.headers.authorization;
  const token = url.searchParams.get('access_token') ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : null);
  const userId = token && subjectOf(token);
  return userId ? { userId } : { status: '401 Unauthorized' };
}

// --- sessions ---------------------------------------------------------------------------------
function deliver(userIds, message) {
  const body = JSON.stringify(message);
  for (const userId of userIds) {
    for (const s of sessionsByUser.get(userId) ?? []) {
      const subscription = s.subs.get('/user/queue/messages');
      if (subscription === undefined) continue;
      s.ws.send(frame('MESSAGE', { destination: '/user/queue/messages', 'content-type': 'application/json',
        subscription, 'message-id': `${s.id}-${s.messageCount++}` }, body));
    }
  }
}

function onSend(s, f) {
  const match = SEND_DESTINATION.exec(f.headers.destination ?? '');
  const room = match && rooms.get(match[1]);
  if (!room || !room.participants.includes(s.userId)) throw new Error('not a participant of this room');
  const { text, clientMessageId } = JSON.parse(f.body);
  if (typeof text !== 'string' || typeof clientMessageId !== 'string') throw new Error('text and clientMessageId required');
  const key = s.userId + ' ' + clientMessageId;
  const earlier = room.sent.get(key);
  if (earlier) return deliver([s.userId], earlier); // a resend: the sender's sessions get the same message again
  const message = { id: randomUUID(), roomId: match[1], seq: ++room.seq, senderId: s.userId, text,
    sentAt: new Date().toISOString() };
  room.sent.set(key, message);
  deliver(room.participants, message);
}

function onFrame(s, f) {
  const { command, headers } = f;
  if (command === 'CONNECT' || command === 'STOMP') {
    const [cx, cy] = (headers['heart-beat'] ?? '0,0').split(',').map(Number);
    if (cy > 0) s.heartBeat = setInterval(() => s.ws.send('\n'), Math.max(cy, HEART_BEAT));
    // Incoming heart-beats (every max(cx, 10000) ms) are tolerated; silence is not policed.
    s.connected = true;
    if (!sessionsByUser.has(s.userId)) sessionsByUser.set(s.userId, new Set());
    sessionsByUser.get(s.userId).add(s);
    s.ws.send(frame('CONNECTED', { version: '1.2', 'heart-beat': `${HEART_BEAT},${HEART_BEAT}`,
      'user-name': s.userId, server: 'moa-chat-relay' }));
  } else if (!s.connected) {
    throw new Error('CONNECT first');
  } else if (command === 'SUBSCRIBE') {
    s.subs.set(headers.destination, headers.id);
  } else if (command === 'UNSUBSCRIBE') {
    for (const [destination, id] of s.subs) if (id === headers.id) s.subs.delete(destination);
  } else if (command === 'SEND') {
    onSend(s, f);
  } else if (command !== 'DISCONNECT') {
    throw new Error(`unsupported command ${command}`);
  }
  if (headers.receipt !== undefined) s.ws.send(frame('RECEIPT', { 'receipt-id': headers.receipt }));
  if (command === 'DISCONNECT') s.ws.close(1000);
}

function onConnection(ws, userId) {
  const s = { ws, userId, id: (sessionCount++).toString(36), subs: new Map(), connected: false,
    messageCount: 0, heartBeat: null };
  const read = frameReader((f) => onFrame(s, f));
  ws.on('message', (data) => {
    try { read(data); } catch (e) {
      // STOMP: the server closes the connection right after an ERROR frame.
      ws.send(frame('ERROR', { message: e.message }));
      ws.close(1002, 'STOMP error');
    }
  });
  ws.on('error', () => {});
  ws.on('close', () => {
    clearInterval(s.heartBeat);
    sessionsByUser.get(userId)?.delete(s);
  });
}

const wss = new WebSocketServer({ noServer: true });
const server = http.createServer((req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => {
  const { userId, status } = userOf(req);
  if (!userId) return socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, userId));
});
server.listen(Number(opts.port), opts.host, () =>
  console.log(`relay listening on ws://${opts.host}:${opts.port}/ws/chat (${rooms.size} rooms, pid ${process.pid})`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
