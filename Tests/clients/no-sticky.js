#!/usr/bin/env node
// No sticky sessions: socket.io-client 4.x through a round-robin proxy (round-robin-proxy.js) in front of two
// gateways of one cluster, so that successive requests of one session land on different gateways.
//
//   node no-sticky.js <polling|upgrade> <gatewayUrlA> <gatewayUrlB> [timeoutMs]
//
// polling: transports ['polling']: connect, auth, many emits/acks (binary included), a burst, a second namespace;
//          then, from the proxy's log: both gateways served GETs and POSTs of the session, all answered 200.
// upgrade: transports ['polling', 'websocket']: two connections, one whose WebSocket goes to the gateway that
//          did the handshake and one whose WebSocket goes to the other (the proxy's turns are set by sending one
//          unrelated request through it, as another client would); each upgrades, emits and gets acks over it.
// Exits 0 only when every check passes; prints "FAIL ..." otherwise.
"use strict";

const http = require("http");
const { isDeepStrictEqual, inspect } = require("util");
const { startProxy } = require("./round-robin-proxy");
const io = require("socket.io-client");

const [mode, gatewayA, gatewayB, timeoutArg] = process.argv.slice(2);
if (!["polling", "upgrade"].includes(mode) || !gatewayA || !gatewayB) {
  console.error("usage: node no-sticky.js <polling|upgrade> <gatewayUrlA> <gatewayUrlB> [timeoutMs]");
  process.exit(2);
}
const TOTAL_TIMEOUT = Number(timeoutArg || 60000);
const STEP_TIMEOUT = Math.min(10000, TOTAL_TIMEOUT);
const ROUND_TRIPS = 40;
const label = `no sticky sessions, socket.io-client ${require("socket.io-client/package.json").version} ${mode}`;

class CheckError extends Error {}
let checks = 0;
const sockets = [];
let proxy = null;

function ok(condition, message) {
  checks++;
  if (!condition) throw new CheckError(message);
}

function equal(actual, expected, what) {
  ok(isDeepStrictEqual(actual, expected), `${what}: expected ${inspect(expected, { depth: 5 })}, got ${inspect(actual, { depth: 5 })}`);
}

function withTimeout(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new CheckError(`timed out after ${STEP_TIMEOUT} ms waiting for ${what}`)), STEP_TIMEOUT);
    }),
  ]).finally(() => clearTimeout(timer));
}

function once(emitter, event, what) {
  const promise = withTimeout(new Promise((resolve) => emitter.once(event, (...args) => resolve(args))), what);
  promise.catch(() => {}); // may be awaited later: not an unhandled rejection meanwhile
  return promise;
}

function connected(socket, what) {
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", (err) => reject(new CheckError(`${what}: connect_error ${err.message}`)));
    }),
    what
  );
}

function ack(socket, ...args) {
  return withTimeout(new Promise((resolve) => socket.emit(...args, (...reply) => resolve(reply))), `the ack of "${args[0]}"`);
}

function toBuffer(value) {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

async function step(name, fn) {
  try {
    await fn();
    console.log(`ok - ${name}`);
  } catch (err) {
    err.step = err.step || name;
    throw err;
  }
}

function connect(nsp, auth, transports) {
  const socket = io(proxy.url + nsp, { transports, upgrade: transports.length > 1, reconnection: false, timeout: STEP_TIMEOUT, auth });
  sockets.push(socket);
  return socket;
}

/** One unrelated request through the proxy (another client's), which moves its HTTP turn on by one. */
function neutralRequest() {
  return withTimeout(
    new Promise((resolve, reject) => {
      http.get(`${proxy.url}/`, (res) => {
        res.resume();
        res.on("end", resolve);
      }).on("error", reject);
    }),
    "an unrelated request through the proxy"
  );
}

/** Emits, messages back, binary acks: `rounds` times, then a burst that must come back in order. */
async function roundTrips(socket, rounds, tag) {
  for (let i = 0; i < rounds; i++) {
    const reply = once(socket, "message-back", `"message-back" ${tag} #${i}`);
    socket.emit("message", i, `${tag} ${i}`, { nested: [i, "ü"] });
    equal(await reply, [i, `${tag} ${i}`, { nested: [i, "ü"] }], `"message-back" ${tag} #${i}`);
    const bytes = Buffer.from([i & 0xff, 0, 255, 128]);
    const [first, second] = await ack(socket, "message-with-ack", bytes, { i });
    ok(toBuffer(first) && toBuffer(first).equals(bytes), `ack ${tag} #${i}: binary differs: ${inspect(first)}`);
    equal(second, { i }, `ack ${tag} #${i} second argument`);
  }
  const burst = 25;
  const received = [];
  const all = withTimeout(
    new Promise((resolve) => {
      const onBack = (n) => {
        received.push(n);
        if (received.length === burst) {
          socket.off("message-back", onBack);
          resolve();
        }
      };
      socket.on("message-back", onBack);
    }),
    `a burst of ${burst} "message-back" ${tag}`
  );
  for (let n = 0; n < burst; n++) socket.emit("message", n);
  await all;
  equal(received, [...Array(burst).keys()], `burst order ${tag}`);
}

function requestsOf(sid) {
  return proxy.log.filter((e) => e.sid === sid || e.openedSid === sid);
}

function summary(sid) {
  const counts = {};
  for (const e of requestsOf(sid)) {
    const key = `${e.kind === "websocket" ? "WS" : e.method}@${e.backend}`;
    counts[key] = (counts[key] || 0) + 1;
  }
  return counts;
}

async function runPolling() {
  const main = connect("/", { client: "no-sticky", purpose: "main" }, ["polling"]);
  const authEvent = once(main, "auth", '"auth" on "/"');
  await step('connect to "/" over polling through the proxy', () => connected(main, 'connect on "/"'));
  await step('receive "auth" on "/"', async () => equal((await authEvent)[0], { client: "no-sticky", purpose: "main" }, '"auth" on "/"'));
  await step(`${ROUND_TRIPS} emit / message-back / binary ack round trips and an ordered burst`, () => roundTrips(main, ROUND_TRIPS, "/"));
  await step('multiplex "/custom" on the same Engine.IO session', async () => {
    const custom = connect("/custom", { purpose: "custom" }, ["polling"]);
    const customAuth = once(custom, "auth", '"auth" on "/custom"');
    await connected(custom, 'connect on "/custom"');
    equal((await customAuth)[0], { purpose: "custom" }, '"auth" on "/custom"');
    ok(custom.io.engine === main.io.engine, '"/custom" uses another Engine.IO connection');
    const [echo] = await ack(custom, "message-with-ack", "on custom");
    equal(echo, "on custom", 'ack on "/custom"');
  });
  await step("the proxy's log: both gateways served GETs and POSTs of the session", () => {
    const sid = main.io.engine.id;
    const mine = requestsOf(sid);
    const handshake = mine.find((e) => e.openedSid === sid);
    ok(handshake, `no handshake for ${sid} in the proxy's log`);
    for (const backend of [0, 1]) {
      ok(mine.some((e) => e.method === "GET" && e.sid === sid && e.backend === backend), `no GET of ${sid} went to gateway ${backend}: ${inspect(summary(sid))}`);
      ok(mine.some((e) => e.method === "POST" && e.backend === backend), `no POST of ${sid} went to gateway ${backend}: ${inspect(summary(sid))}`);
    }
    const failed = mine.filter((e) => e.status !== 200 && e.status !== null);
    equal(failed.map((e) => `${e.method}@${e.backend} ${e.status}`), [], "requests of the session not answered 200");
    equal(main.io.engine.transport.name, "polling", "transport");
    console.log(`# session ${sid}: handshake on gateway ${handshake.backend}; requests per method@gateway ${inspect(summary(sid))}`);
  });
}

async function runUpgrade() {
  for (const wanted of ["other", "same"]) {
    await step(`upgrade with the WebSocket on the ${wanted} gateway than the handshake`, async () => {
      // The handshake takes the proxy's next HTTP turn, the WebSocket its next WebSocket turn.
      const sameTurn = proxy.nextHttp === proxy.nextWebSocket;
      if (sameTurn !== (wanted === "same")) await neutralRequest();
      const socket = connect("/", { purpose: `upgrade-${wanted}` }, ["polling", "websocket"]);
      const authEvent = once(socket, "auth", '"auth"');
      await connected(socket, `connect (${wanted})`);
      equal((await authEvent)[0], { purpose: `upgrade-${wanted}` }, '"auth"');
      const engine = socket.io.engine;
      if (engine.transport.name !== "websocket") await once(engine, "upgrade", "the upgrade to websocket");
      equal(engine.transport.name, "websocket", "transport after the upgrade");
      await roundTrips(socket, 10, `upgrade-${wanted}`);

      const sid = engine.id;
      const mine = requestsOf(sid);
      const handshake = mine.find((e) => e.openedSid === sid);
      const webSockets = mine.filter((e) => e.kind === "websocket");
      ok(handshake, `no handshake for ${sid} in the proxy's log`);
      equal(webSockets.length, 1, `WebSocket upgrades of ${sid}`);
      equal(webSockets[0].status, 101, "the WebSocket handshake's status");
      const landed = webSockets[0].backend === handshake.backend ? "same" : "other";
      equal(landed, wanted, `gateway of the WebSocket (handshake on ${handshake.backend}, WebSocket on ${webSockets[0].backend})`);
      console.log(`# session ${sid}: handshake on gateway ${handshake.backend}, WebSocket on gateway ${webSockets[0].backend}; ${inspect(summary(sid))}`);
      socket.close();
    });
  }
}

async function main() {
  proxy = await startProxy([gatewayA, gatewayB]);
  console.log(`# proxy ${proxy.url} -> ${gatewayA}, ${gatewayB}`);
  if (mode === "polling") await runPolling();
  else await runUpgrade();
}

const overall = setTimeout(() => finish(new CheckError(`overall timeout of ${TOTAL_TIMEOUT} ms exceeded`)), TOTAL_TIMEOUT);

async function finish(err) {
  clearTimeout(overall);
  sockets.forEach((s) => s.close());
  if (err) {
    console.error(`FAIL ${label} at step "${err.step || "?"}": ${err instanceof CheckError ? err.message : err.stack}`);
    if (proxy) console.error(`proxy log (last 40): ${inspect(proxy.log.slice(-40), { depth: 3, maxArrayLength: 40, breakLength: 200 })}`);
  } else {
    console.log(`PASS ${label}: ${checks} checks, ${proxy.log.length} requests through the proxy`);
  }
  if (proxy) await Promise.race([proxy.close(), new Promise((r) => setTimeout(r, 2000))]);
  process.exit(err ? 1 : 0);
}

main().then(() => finish(null), finish);
