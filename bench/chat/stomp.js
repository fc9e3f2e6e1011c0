'use strict';
// STOMP 1.2 framing shared by relay.js and load.js (and check.js).
const ESCAPES = { '\\': '\\\\', ':': '\\c', '\n': '\\n', '\r': '\\r' };
const UNESCAPES = { '\\': '\\', c: ':', n: '\n', r: '\r' };
const escape = (v) => String(v).replace(/[\\:\n\r]/g, (c) => ESCAPES[c]);
const unescape = (v) => (v.includes('\\') ? v.replace(/\\(.)/g, (m, c) => UNESCAPES[c] ?? m) : v);

function frame(command, headers, body = '') {
  let out = command + '\n';
  for (const [name, value] of Object.entries(headers)) out += `${name}:${escape(value)}\n`;
  if (body) out += `content-length:${Buffer.byteLength(body)}\n`;
  return out + '\n' + body + '\0';
}

// One frame starting at buf[start], or null while incomplete (the rest waits for more data).
function readFrame(buf, start) {
  let command = null, pos = start;
  const headers = Object.create(null);
  for (;;) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) return null;
    const line = buf.toString('utf8', pos, nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl);
    pos = nl + 1;
    if (command === null) { command = line; continue; }
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`malformed header line in ${command}`);
    const raw = command === 'CONNECT' || command === 'CONNECTED';
    const name = raw ? line.slice(0, colon) : unescape(line.slice(0, colon));
    if (!(name in headers)) headers[name] = raw ? line.slice(colon + 1) : unescape(line.slice(colon + 1)); // first wins
  }
  let end;
  if (headers['content-length'] !== undefined) {
    end = pos + Number(headers['content-length']);
    if (buf.length <= end) return null;
    if (buf[end] !== 0) throw new Error('frame body longer than its content-length');
  } else if ((end = buf.indexOf(0, pos)) < 0) return null;
  return { command, headers, body: buf.toString('utf8', pos, end), next: end + 1 };
}

// Per connection: buffers partial frames; several frames per WebSocket message are fine.
function frameReader(onFrame) {
  let pending = null;
  return (chunk) => {
    const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    let pos = 0;
    for (;;) {
      while (pos < buf.length && (buf[pos] === 10 || buf[pos] === 13)) pos++; // heart-beats
      if (pos >= buf.length) return;
      const f = readFrame(buf, pos);
      if (!f) { pending = buf.subarray(pos); return; }
      pos = f.next;
      onFrame(f);
    }
  };
}

// --- authentication ---------------------------------------------------------------------------
// The token's signature is NOT verified here: the gateway in front of the real service already
// verified it, and this relay stands in for what sits behind the gateway. We only read `sub`.

module.exports = { escape, unescape, frame, readFrame, frameReader };
