#!/usr/bin/env node
// Connection state recovery with the official socket.io-client 4.8 (Socket.IO 4.6+ feature).
//
//   node recovery-client.js <baseUrl> [count] [timeoutMs] [reconnectUrl]
//
// With reconnectUrl, A reconnects there (another gateway of the same cluster, as a load balancer
// might send it): the session must be recovered across gateways.
//
// Server: the protocol profile with SocketIO:ConnectionStateRecovery:Enabled=true
// (`join` (room) → ack socket id; `to_room` (room, ...args) → `room` event to the room).
// Client A joins room "r"; client B sends `to_room` "r" n for n = 1..count, one every 20 ms.
// Midway A's transport is dropped (engine closed as by a network failure); A reconnects by itself.
// Checks: A comes back with recovered === true and the same socket id, and receives every n
// exactly once, in order (the packets sent while it was away are replayed after CONNECT).
"use strict";
const { io } = require("socket.io-client");

const [baseUrl, countArg, timeoutArg, reconnectUrl] = process.argv.slice(2);
if (!baseUrl) { console.error("usage: node recovery-client.js <baseUrl> [count] [timeoutMs]"); process.exit(2); }
const COUNT = Number(countArg || 100);
const TIMEOUT = Number(timeoutArg || 30000);

const fail = (msg) => { console.log(`FAIL recovery: ${msg}`); process.exit(1); };
setTimeout(() => fail(`timed out after ${TIMEOUT} ms`), TIMEOUT).unref();

const opts = { transports: ["websocket"], reconnectionDelay: 100, reconnectionDelayMax: 200, forceNew: true };
const a = io(baseUrl, opts);
const b = io(baseUrl, opts);
const received = [];
let firstId = null;
let dropped = false;

a.on("room", (n) => received.push(n)); // the offset arrives as an extra argument; the value is the first

const once = (s, ev) => new Promise((resolve) => s.once(ev, resolve));

(async () => {
  await Promise.all([once(a, "connect"), once(b, "connect")]);
  firstId = a.id;
  if (a.recovered) fail("first connection reported recovered");
  const joined = await a.timeout(5000).emitWithAck("join", "r");
  if (joined !== a.id) fail(`join acked ${joined}, expected ${a.id}`);
  console.log(`ok - A ${a.id} joined "r"`);

  const reconnected = new Promise((resolve) => a.io.on("reconnect", resolve));
  for (let n = 1; n <= COUNT; n++) {
    b.emit("to_room", "r", n);
    if (n === Math.floor(COUNT / 3) && !dropped) {
      dropped = true;
      if (reconnectUrl) a.io.uri = reconnectUrl; // the Manager opens its next engine on this URI
      a.io.engine.close(); // as if the network dropped: A will reconnect and ask for recovery
      console.log(`ok - A's transport dropped after ${n} sends`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await reconnected;
  if (!a.connected) await once(a, "connect");
  if (!a.recovered) fail("A reconnected but socket.recovered is false");
  if (a.id !== firstId) fail(`A came back as ${a.id}, expected ${firstId}`);
  console.log(`ok - A recovered with the same id ${a.id}${reconnectUrl ? ` on ${reconnectUrl}` : ""}`);

  const deadline = Date.now() + 5000;
  while (received.length < COUNT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const expected = Array.from({ length: COUNT }, (_, i) => i + 1);
  if (JSON.stringify(received) !== JSON.stringify(expected)) {
    fail(`A received ${received.length} messages: ${JSON.stringify(received)}; expected 1..${COUNT} exactly once, in order`);
  }
  console.log(`ok - A received all ${COUNT} room messages exactly once, in order`);
  console.log(`PASS recovery: socket.io-client ${require("socket.io-client/package.json").version} against ${baseUrl}`);
  a.close(); b.close();
  process.exit(0);
})().catch((e) => fail(e && e.stack || String(e)));
