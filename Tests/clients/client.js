#!/usr/bin/env node
// End-to-end check of a server with an official Node.js Socket.IO client.
//
//   node client.js <2|3|4> <polling|websocket|upgrade> <baseUrl> [timeoutMs]
//
// 4 = socket.io-client 4.8.x (EIO4), 3 = socket.io-client 3.1.3 (EIO4),
// 2 = socket.io-client 2.2.0 (EIO3, Socket.IO protocol v4, auth via namespace query).
//
// Exits 0 only when every check passes; otherwise prints "FAIL ..." with the reason.
"use strict";

const http = require("http");
const https = require("https");
const { isDeepStrictEqual, inspect } = require("util");

const USAGE = "usage: node client.js <2|3|4> <polling|websocket|upgrade> <baseUrl> [timeoutMs]";
const [versionArg, mode, rawBaseUrl, timeoutArg] = process.argv.slice(2);
const CLIENTS = { 2: "socket.io-client-v2", 3: "socket.io-client-v3", 4: "socket.io-client" };
if (!CLIENTS[versionArg] || !["polling", "websocket", "upgrade"].includes(mode) || !rawBaseUrl) {
  console.error(USAGE);
  process.exit(2);
}
const version = Number(versionArg);
const baseUrl = rawBaseUrl.replace(/\/+$/, "");
const TOTAL_TIMEOUT = Number(timeoutArg || process.env.OS_E2E_CLIENT_TIMEOUT_MS || 30000);
const STEP_TIMEOUT = Math.min(10000, TOTAL_TIMEOUT);
const label = `socket.io-client v${version} (${require(`${CLIENTS[version]}/package.json`).version}) ${mode}`;

// ---- record every HTTP request the client makes (polling and websocket upgrades) ----
const requests = [];
function describeRequest(args) {
  const [first, second] = args;
  let path;
  if (typeof first === "string") path = new URL(first).pathname + new URL(first).search;
  else if (first instanceof URL) path = first.pathname + first.search;
  else path = (first && first.path) || "";
  if (second && typeof second === "object" && second.path) path = second.path;
  const transport = /[?&]transport=([^&]*)/.exec(path);
  return { path, transport: transport ? transport[1] : null };
}
for (const mod of [http, https]) {
  for (const fn of ["request", "get"]) {
    const original = mod[fn];
    mod[fn] = function (...args) {
      requests.push(describeRequest(args));
      return original.apply(this, args);
    };
  }
}
const count = (transport) => requests.filter((r) => r.transport === transport).length;

const io = require(CLIENTS[version]);

// ---- helpers ------------------------------------------------------------------------
const sockets = [];
let checks = 0;

class CheckError extends Error {}

function ok(condition, message) {
  checks++;
  if (!condition) throw new CheckError(message);
}

function equal(actual, expected, what) {
  ok(isDeepStrictEqual(actual, expected), `${what}: expected ${inspect(expected, { depth: 5 })}, got ${inspect(actual, { depth: 5 })}`);
}

function toBuffer(value) {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

/** Resolves with the arguments of the first `event` on `emitter`, rejects on timeout. */
function once(emitter, event, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CheckError(`timed out after ${STEP_TIMEOUT} ms waiting for ${what}`)), STEP_TIMEOUT);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

/** Waits for `event`, failing early if one of `failEvents` fires first. */
function expectEvent(emitter, event, what, failEvents = ["connect_error", "error"]) {
  return new Promise((resolve, reject) => {
    const cleanups = [];
    const done = (fn) => (...args) => {
      clearTimeout(timer);
      cleanups.forEach((c) => c());
      fn(...args);
    };
    const timer = setTimeout(
      done(() => reject(new CheckError(`timed out after ${STEP_TIMEOUT} ms waiting for ${what}`))),
      STEP_TIMEOUT
    );
    const onEvent = done((...args) => resolve(args));
    emitter.on(event, onEvent);
    cleanups.push(() => emitter.off(event, onEvent));
    for (const fe of failEvents) {
      const onFail = done((err) => reject(new CheckError(`${what}: got "${fe}" instead: ${describeError(err)}`)));
      emitter.on(fe, onFail);
      cleanups.push(() => emitter.off(fe, onFail));
    }
  });
}

function describeError(err) {
  if (err instanceof Error) return `${err.message}${err.data !== undefined ? ` data=${inspect(err.data)}` : ""}${err.description ? ` (${inspect(err.description)})` : ""}`;
  return inspect(err, { depth: 5 });
}

function options(extra = {}) {
  const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
  return { transports, upgrade: mode === "upgrade", reconnection: false, timeout: STEP_TIMEOUT, ...extra };
}

/** Opens a socket to `nsp`; v3/v4 send `auth`, v2 sends it as the namespace query. */
function connect(nsp, auth, extra = {}) {
  const opts = version === 2 ? options({ query: auth, ...extra }) : options({ auth, ...extra });
  const socket = io(baseUrl + nsp, opts);
  sockets.push(socket);
  return socket;
}

function engineOf(socket) {
  return socket.io.engine;
}

async function step(name, fn) {
  try {
    await fn();
    console.log(`ok - ${name}`);
  } catch (err) {
    err.step = name;
    throw err;
  }
}

// ---- the scenario --------------------------------------------------------------------
async function run() {
  const mainAuth = { client: `v${version}`, purpose: "main" };
  const customAuth = { client: `v${version}`, purpose: "custom" };
  // socket.io 2.x clients send no CONNECT packet for "/", so the server sees no auth there.
  const expectedMainAuth = version === 2 ? {} : mainAuth;

  const main = connect("/", mainAuth);
  const mainAuthEvent = once(main, "auth", '"auth" on /');
  await step('connect to "/"', async () => {
    await expectEvent(main, "connect", 'connect on "/"');
    ok(main.connected, '"/" socket is not connected after "connect"');
    ok(typeof main.id === "string" && main.id.length > 0, `"/" socket has no id (${inspect(main.id)})`);
  });

  await step('receive "auth" on "/"', async () => {
    const [auth] = await mainAuthEvent;
    equal(auth, expectedMainAuth, '"auth" payload on "/"');
  });

  await step('"message" -> "message-back" round trip', async () => {
    const args = [1, "2", { 3: [true], nested: { text: "héllo wörld ✓", n: null } }];
    const reply = once(main, "message-back", '"message-back"');
    main.emit("message", ...args);
    equal(await reply, args, '"message-back" arguments');
  });

  await step('"message-with-ack" with binary arguments round trip', async () => {
    const bytes = Buffer.from([0, 1, 2, 3, 127, 128, 253, 254, 255]);
    const nestedBytes = Buffer.from("binary ✓ in an object", "utf8");
    const args = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new CheckError(`timed out after ${STEP_TIMEOUT} ms waiting for the ack`)), STEP_TIMEOUT);
      main.emit("message-with-ack", bytes, "text", { nested: nestedBytes, n: 42 }, (...ackArgs) => {
        clearTimeout(timer);
        resolve(ackArgs);
      });
    });
    ok(args.length === 3, `ack has ${args.length} arguments, expected 3: ${inspect(args)}`);
    const first = toBuffer(args[0]);
    ok(first !== null, `ack argument 0 is not binary: ${inspect(args[0])}`);
    ok(first.equals(bytes), `ack binary bytes differ: sent ${bytes.toString("hex")}, got ${first.toString("hex")}`);
    equal(args[1], "text", "ack argument 1");
    const nested = args[2] && toBuffer(args[2].nested);
    ok(nested !== null && nested !== undefined, `ack argument 2 has no binary "nested": ${inspect(args[2])}`);
    ok(nested.equals(nestedBytes), `nested binary bytes differ: got ${nested.toString("hex")}`);
    equal(args[2].n, 42, "ack argument 2 .n");
  });

  await step('multiplex "/" and "/custom" on one connection', async () => {
    const custom = connect("/custom", customAuth);
    const customAuthEvent = once(custom, "auth", '"auth" on /custom');
    await expectEvent(custom, "connect", 'connect on "/custom"');
    const [auth] = await customAuthEvent;
    equal(auth, customAuth, '"auth" payload on "/custom"');
    ok(custom.io === main.io, '"/custom" did not reuse the Manager of "/" (no multiplexing)');
    ok(engineOf(custom) === engineOf(main), '"/" and "/custom" use different Engine.IO connections');
    ok(typeof custom.id === "string" && custom.id.length > 0, `"/custom" socket has no id (${inspect(custom.id)})`);
    ok(custom.id !== main.id, `"/" and "/custom" have the same socket id ${custom.id}`);
    // both namespaces still work side by side
    const reply = once(main, "message-back", '"message-back" after multiplexing');
    main.emit("message", "still here");
    equal(await reply, ["still here"], '"message-back" after multiplexing');
  });

  await step('refused connection to "/private"', async () => {
    const refused = connect("/private", { token: "wrong" });
    if (version === 2) {
      // socket.io 2.x: the CONNECT_ERROR (ERROR packet) data arrives as an "error" event
      const [data] = await expectEvent(refused, "error", 'the "error" event on "/private"', ["connect"]);
      equal(data, { reason: "bad token" }, '"error" data on "/private"');
    } else {
      const [err] = await expectEvent(refused, "connect_error", '"connect_error" on "/private"', ["connect"]);
      ok(err instanceof Error, `connect_error is not an Error: ${inspect(err)}`);
      equal(err.message, "Not authorized", "connect_error message");
      equal(err.data, { reason: "bad token" }, "connect_error data");
    }
    ok(!refused.connected, '"/private" socket is connected although refused');
    ok(main.connected, '"/" got disconnected by the refusal on "/private"');
  });

  await step('unknown namespace "/does-not-exist" is refused', async () => {
    const unknown = connect("/does-not-exist", {});
    if (version === 2) {
      // socket.io 2.x hands the ERROR packet's data to "error"; Node's socket.io 4 sends it {message} too
      const [data] = await expectEvent(unknown, "error", 'the "error" event on "/does-not-exist"', ["connect"]);
      equal(data, { message: "Invalid namespace" }, '"error" data on "/does-not-exist"');
    } else {
      const [err] = await expectEvent(unknown, "connect_error", '"connect_error" on "/does-not-exist"', ["connect"]);
      ok(err instanceof Error, `connect_error is not an Error: ${inspect(err)}`);
      equal(err.message, "Invalid namespace", "connect_error message");
    }
    ok(!unknown.connected, '"/does-not-exist" socket is connected although refused');
    ok(main.connected, '"/" got disconnected by the refusal on "/does-not-exist"');
  });

  await step('successful connection to "/private" with the token', async () => {
    const allowed = connect("/private", { token: "let-me-in" }, { forceNew: true });
    await expectEvent(allowed, "connect", 'connect on "/private" with the token');
    ok(allowed.connected, '"/private" socket is not connected');
  });

  await step(`transport mode "${mode}"`, async () => {
    const engine = engineOf(main);
    if (mode === "polling") {
      ok(count("polling") > 0, "no polling request was made");
      equal(count("websocket"), 0, "websocket requests in polling mode");
      equal(engine.transport.name, "polling", "transport in polling mode");
    } else if (mode === "websocket") {
      equal(count("polling"), 0, `polling requests in websocket mode (${inspect(requests.filter((r) => r.transport === "polling").map((r) => r.path))})`);
      ok(count("websocket") > 0, "no websocket request was made");
      equal(engine.transport.name, "websocket", "transport in websocket mode");
    } else {
      ok(count("polling") > 0, "upgrade mode did not start with polling");
      if (engine.transport.name !== "websocket") await once(engine, "upgrade", "the Engine.IO upgrade to websocket");
      equal(engine.transport.name, "websocket", "transport after upgrade");
      ok(count("websocket") > 0, "no websocket request was made");
      const reply = once(main, "message-back", '"message-back" after the upgrade');
      main.emit("message", "after upgrade", Buffer.from([9, 8, 7]));
      const [text, bin] = await reply;
      equal(text, "after upgrade", '"message-back" text after the upgrade');
      ok(toBuffer(bin) && toBuffer(bin).equals(Buffer.from([9, 8, 7])), `"message-back" binary after the upgrade: ${inspect(bin)}`);
    }
  });
}

const overall = setTimeout(() => {
  console.error(`FAIL ${label}: overall timeout of ${TOTAL_TIMEOUT} ms exceeded`);
  process.exit(1);
}, TOTAL_TIMEOUT);

run().then(
  () => {
    clearTimeout(overall);
    sockets.forEach((s) => s.close());
    console.log(`PASS ${label}: ${checks} checks against ${baseUrl}`);
    process.exit(0);
  },
  (err) => {
    clearTimeout(overall);
    console.error(`FAIL ${label} at step "${err.step || "?"}": ${err instanceof CheckError ? err.message : err.stack}`);
    console.error(`HTTP requests made: ${inspect(requests.map((r) => r.path), { maxArrayLength: 50 })}`);
    sockets.forEach((s) => s.close());
    process.exit(1);
  }
);
