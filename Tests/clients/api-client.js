#!/usr/bin/env node
// End-to-end check of the server API (the test gateway's `api` profile, Tests/Hosts/TestHandlers/ApiHandlers.cs)
// with an official Node.js Socket.IO client and several connections at once.
//
//   node api-client.js <2|3|4> <polling|websocket|upgrade> <baseUrl> [timeoutMs]
//
// 4 = socket.io-client 4.8.x, 3 = 3.1.3 (EIO4), 2 = 2.2.0 (EIO3: no auth for "/", so the user id and
// other settings travel in the connection query; CONNECT_ERROR arrives as an "error" event with the data only).
// Exits 0 only when every check passes; otherwise prints "FAIL ..." with the step and the reason.
"use strict";

const { isDeepStrictEqual, inspect } = require("util");

const USAGE = "usage: node api-client.js <2|3|4> <polling|websocket|upgrade> <baseUrl> [timeoutMs]";
const [versionArg, mode, rawBaseUrl, timeoutArg] = process.argv.slice(2);
const CLIENTS = { 2: "socket.io-client-v2", 3: "socket.io-client-v3", 4: "socket.io-client" };
if (!CLIENTS[versionArg] || !["polling", "websocket", "upgrade"].includes(mode) || !rawBaseUrl) {
  console.error(USAGE);
  process.exit(2);
}
const version = Number(versionArg);
const baseUrl = rawBaseUrl.replace(/\/+$/, "");
const TOTAL_TIMEOUT = Number(timeoutArg || process.env.OS_E2E_CLIENT_TIMEOUT_MS || 60000);
const STEP_TIMEOUT = Math.min(10000, TOTAL_TIMEOUT);
// How long "nothing more arrives" is watched for (a broadcast that should skip a socket, a user emit that must arrive once).
const QUIET_MS = 400;
const io = require(CLIENTS[version]);
const label = `socket.io-client v${version} (${require(`${CLIENTS[version]}/package.json`).version}) ${mode}`;
// Names unique to this run: other tests may share the server.
const runId = `${version}${mode[0]}-${Math.random().toString(36).slice(2, 8)}`;

// ---- helpers ------------------------------------------------------------------------
class CheckError extends Error {}
let checks = 0;
const sockets = [];

function ok(condition, message) {
  checks++;
  if (!condition) throw new CheckError(message);
}

function equal(actual, expected, what) {
  ok(isDeepStrictEqual(actual, expected), `${what}: expected ${inspect(expected, { depth: 6 })}, got ${inspect(actual, { depth: 6 })}`);
}

function toBuffer(value) {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Every event the scenario listens for (socket.io-client 2.x has no onAny).
const EVENTS = ["welcome", "room_msg", "nested", "upgraded", "broadcast_msg", "user_msg", "other_msg", "multi_back", "message", "json",
  "vol", "gone", "tick", "hello_other", "disconnect", "connect_error", "error"];

/** Records a socket's events; next() waits for one (bounded), none() checks that none arrived. */
class Inbox {
  constructor(name, socket) {
    this.name = name;
    this.items = [];
    this.waiters = [];
    for (const event of EVENTS) {
      socket.on(event, (...args) => {
        if (typeof args[args.length - 1] === "function") args.pop();
        this.items.push({ event, args });
        this.flush();
      });
    }
  }

  flush() {
    for (const waiter of [...this.waiters]) {
      const index = this.items.findIndex((item) => item.event === waiter.event && waiter.match(item.args));
      if (index < 0) continue;
      const [item] = this.items.splice(index, 1);
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      clearTimeout(waiter.timer);
      waiter.resolve(item.args);
    }
  }

  next(event, what, match = () => true) {
    return new Promise((resolve, reject) => {
      const waiter = { event, match, resolve };
      waiter.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const seen = this.items.map((i) => `${i.event}${inspect(i.args, { depth: 3, breakLength: Infinity })}`);
        reject(new CheckError(`${this.name}: timed out after ${STEP_TIMEOUT} ms waiting for ${what} ("${event}"); unconsumed events: ${seen.join(", ") || "none"}`));
      }, STEP_TIMEOUT);
      this.waiters.push(waiter);
      this.flush();
    });
  }

  count(event, match = () => true) {
    return this.items.filter((i) => i.event === event && match(i.args)).length;
  }

  async none(event, what, match = () => true) {
    await sleep(QUIET_MS);
    const n = this.count(event, match);
    ok(n === 0, `${this.name} got ${what} ("${event}") ${n} time(s) but should not have`);
  }
}

function transportOptions(extra = {}) {
  const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
  return { transports, upgrade: mode === "upgrade", reconnection: false, timeout: STEP_TIMEOUT, forceNew: true, ...extra };
}

/** A new connection to `nsp`. `settings` go in the auth object (v3/v4) or the query (v2, and always `tag`). */
function open(name, nsp, settings = {}, tag = name) {
  const opts = version === 2
    ? transportOptions({ query: { ...settings, tag } })
    : transportOptions({ auth: settings, query: { tag } });
  const socket = io(baseUrl + nsp, opts);
  sockets.push(socket);
  return { socket, inbox: new Inbox(name, socket), name };
}

/** Waits for "connect", failing early on a refusal. */
function connected(client) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CheckError(`${client.name}: timed out after ${STEP_TIMEOUT} ms waiting for "connect"`)), STEP_TIMEOUT);
    if (client.socket.connected) {
      clearTimeout(timer);
      resolve();
      return;
    }
    client.socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    const fail = (err) => {
      clearTimeout(timer);
      reject(new CheckError(`${client.name}: refused instead of connected: ${inspect(err && err.message ? [err.message, err.data] : err)}`));
    };
    client.socket.once("connect_error", fail);
    client.socket.once("error", fail);
  });
}

/** Opens and waits for "connect" and "welcome". */
async function connect(name, settings = {}) {
  const client = open(name, "/", settings);
  await connected(client);
  const [welcome] = await client.inbox.next("welcome", `"welcome" on ${name}`);
  equal(welcome, { id: client.socket.id, user: settings.user === undefined ? null : settings.user }, `${name}: "welcome"`);
  return client;
}

/** Emits with an ack callback; resolves with the ack arguments (bounded). */
function ack(client, event, ...args) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CheckError(`${client.name}: timed out after ${STEP_TIMEOUT} ms waiting for the ack of "${event}"`)), STEP_TIMEOUT);
    client.socket.emit(event, ...args, (...reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}

/** The refusal a client sees: { message, data } (v2: only data, as the "error" event). */
function refusal(client) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CheckError(`${client.name}: timed out after ${STEP_TIMEOUT} ms waiting for the refusal`)), STEP_TIMEOUT);
    client.socket.once("connect", () => {
      clearTimeout(timer);
      reject(new CheckError(`${client.name}: connected although it should be refused`));
    });
    if (version === 2) {
      client.socket.once("error", (data) => {
        clearTimeout(timer);
        resolve({ message: undefined, data });
      });
    } else {
      client.socket.once("connect_error", (err) => {
        clearTimeout(timer);
        resolve({ message: err.message, data: err.data });
      });
    }
  });
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
  const userA = `${runId}-userA`;
  const userC = `${runId}-userC`;
  const room = `${runId}-room`;
  const side = `${runId}-side`;
  let a, b, c, w;

  await step("connect four clients (users from auth / query), each gets welcome", async () => {
    [a, b, c, w] = await Promise.all([
      connect("A", { user: userA }),
      connect("B", { user: userA }),
      connect("C", { user: userC }),
      connect("W"),
    ]);
    ok(new Set([a, b, c, w].map((x) => x.socket.id)).size === 4, "socket ids are not distinct");
    equal(await ack(w, "join", "watchers"), [[w.socket.id, "watchers"].sort()], 'W: "join" ack (its rooms)');
  });

  await step("the socket's current transport (ISocket.Transport, FetchSockets), also after an upgrade", async () => {
    const engine = a.socket.io.engine;
    if (mode === "upgrade" && engine.transport.name !== "websocket") {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new CheckError(`A: no upgrade to websocket within ${STEP_TIMEOUT} ms`)), STEP_TIMEOUT);
        engine.once("upgrade", () => { clearTimeout(timer); resolve(); });
      });
    }
    const expected = mode === "polling" ? "polling" : "websocket";
    equal(engine.transport.name, expected, "the client's own transport");
    if (mode === "upgrade") equal(await a.inbox.next("upgraded", '"upgraded" from the upgrade handler'), ["websocket"], '"upgraded"');
    const [reply] = await ack(a, "transport");
    equal(reply, { transport: expected, fetched: expected, handshake: reply.handshake }, '"transport" ack');
    // socket.io 2.x is connected to "/" when the session opens, so surely before the upgrade: the handshake keeps "polling".
    if (version === 2) equal(reply.handshake, mode === "websocket" ? "websocket" : "polling", "handshake transport");
  });

  await step("binary arguments: bytes in, bytes out", async () => {
    const [lbl, reversed, length, ...rest] = await ack(a, "binary", Buffer.from([0, 1, 2, 255]), "lbl");
    equal(rest, [], "extra ack arguments");
    equal(lbl, "lbl", "ack argument 0");
    ok(toBuffer(reversed) && toBuffer(reversed).equals(Buffer.from([255, 2, 1, 0])), `ack argument 1 is not the reversed bytes: ${inspect(reversed)}`);
    equal(length, 4, "ack argument 2");
  });

  await step("multi-argument event and ack (Ack.Many)", async () => {
    equal(await ack(a, "multi", 7, "b", { c: [1, 2] }, true), [true, { c: [1, 2] }, "b", 7], '"multi" ack');
  });

  await step("multi-argument server emit with binary", async () => {
    a.socket.emit("emit_multi");
    const [one, two, three, bytes] = await a.inbox.next("multi_back", '"multi_back"');
    equal([one, two, three], [1, "two", { three: 3 }], '"multi_back" arguments 0-2');
    ok(toBuffer(bytes) && toBuffer(bytes).equals(Buffer.from([4, 5, 6])), `"multi_back" argument 3 is not bytes 4,5,6: ${inspect(bytes)}`);
  });

  let held = null; // the ack callback of a question the client answers only when the scenario says so
  await step("server EmitWithAck answered by the client", async () => {
    a.socket.on("question", (q, cb) => {
      if (String(q).startsWith("hold")) held = () => cb(`answer:${q}`);
      else if (!String(q).startsWith("ignore")) cb(`answer:${q}`);
    });
    equal(await ack(a, "ask_client", "q1", 3000), [{ answer: ["answer:q1"] }], '"ask_client" ack');
  });

  await step("server EmitWithAck timeout: TimeoutException reported by the handler", async () => {
    const [reply] = await ack(a, "ask_client", "ignore me", 300);
    ok(reply && typeof reply.error === "string" && /^TimeoutException: .*did not acknowledge 'question' within 300 ms/.test(reply.error),
      `"ask_client" did not report a TimeoutException: ${inspect(reply)}`);
  });

  await step("a handler awaiting the client's ack does not hold up the socket's next event", async () => {
    let firstDone = false;
    const first = ack(a, "ask_client", "hold", 8000).then((reply) => { firstDone = true; return reply; });
    const [me] = await ack(a, "whoami"); // sent after "ask_client", answered while it still waits
    equal(me.id, a.socket.id, '"whoami" ack while "ask_client" waits');
    ok(!firstDone, '"ask_client" was acked before the client answered its question');
    ok(typeof held === "function", 'the client got no "question" to answer');
    held();
    equal(await first, [{ answer: ["answer:hold"] }], '"ask_client" ack after the late answer');
  });

  await step("IAck: a handler keeps the ack and another handler answers it", async () => {
    let keptDone = false;
    const kept = ack(a, "keep_ack", "k1").then((reply) => { keptDone = true; return reply; });
    equal(await ack(a, "release_ack", "nope", 0), [false], '"release_ack" of an unknown key');
    ok(!keptDone, '"keep_ack" was acked although its handler kept the ack');
    equal(await ack(a, "release_ack", "k1", { late: [1, 2] }), [true], '"release_ack" ack');
    equal(await kept, [{ late: [1, 2] }], '"keep_ack" ack, sent by the "release_ack" handler');
  });

  await step("IAck: a handler that never answers leaves the ack unanswered", async () => {
    let answered = false;
    a.socket.emit("decline_ack", () => { answered = true; });
    equal(await ack(a, "compute_after_decline"), [{ caught: "compute_after_decline", args: [] }], "the next event's ack");
    await sleep(QUIET_MS);
    ok(!answered, '"decline_ack" was acked');
  });

  await step("join a room: the ack lists the socket's rooms", async () => {
    for (const x of [a, b, c]) equal(await ack(x, "join", room), [[x.socket.id, room].sort()], `${x.name}: "join" ack`);
  });

  await step("socket.To(room): the room except the sender", async () => {
    a.socket.emit("to_room", room, "hi from A");
    const isThis = (args) => args[1] === "hi from A";
    for (const x of [b, c]) equal(await x.inbox.next("room_msg", '"room_msg"', isThis), [room, "hi from A", a.socket.id], `${x.name}: "room_msg"`);
    await a.inbox.none("room_msg", "its own socket.To(room) emit", isThis);
    await w.inbox.none("room_msg", "a room emit although not in the room", isThis);
  });

  await step("Server.To(room): the room including the sender", async () => {
    a.socket.emit("server_to_room", room, "all of room");
    const isThis = (args) => args[1] === "all of room";
    for (const x of [a, b, c]) equal(await x.inbox.next("room_msg", '"room_msg"', isThis), [room, "all of room", a.socket.id], `${x.name}: "room_msg"`);
    await w.inbox.none("room_msg", "a room emit although not in the room", isThis);
  });

  await step("binary nested in arguments on broadcasts, from the client and from the server", async () => {
    a.socket.emit("server_to_room", room, { file: Buffer.from([1, 2, 3]), deep: [{ bytes: Buffer.from([4]) }] });
    const withFile = (args) => args[1] && typeof args[1] === "object" && "file" in args[1];
    for (const x of [a, b, c]) {
      const [, msg] = await x.inbox.next("room_msg", '"room_msg" with binary inside', withFile);
      ok(toBuffer(msg.file) && toBuffer(msg.file).equals(Buffer.from([1, 2, 3])), `${x.name}: msg.file is not the bytes 1,2,3: ${inspect(msg)}`);
      ok(toBuffer(msg.deep[0].bytes) && toBuffer(msg.deep[0].bytes).equals(Buffer.from([4])), `${x.name}: msg.deep[0].bytes is not the byte 4: ${inspect(msg)}`);
    }
    equal(await ack(a, "nested_binary", room), [true], '"nested_binary" ack');
    for (const x of [a, b, c]) {
      const [value] = await x.inbox.next("nested", '"nested"');
      ok(toBuffer(value.file) && toBuffer(value.file).equals(Buffer.from([7, 8, 9])), `${x.name}: "nested" file is not the bytes 7,8,9: ${inspect(value)}`);
      ok(toBuffer(value.meta.inner) && toBuffer(value.meta.inner).equals(Buffer.from([1])), `${x.name}: "nested" meta.inner is not the byte 1: ${inspect(value)}`);
    }
    a.socket.on("question_bin", (value, cb) => cb(Boolean(toBuffer(value.file) && toBuffer(value.file).equals(Buffer.from([7, 8, 9])))));
    equal(await ack(a, "ask_binary", 3000), [{ answer: [true] }], '"ask_binary" ack (the client got the bytes inside the object)');
  });

  await step("Server.To(room).Except(room) and Except(socket id)", async () => {
    await ack(b, "join", side);
    a.socket.emit("to_room_except", room, side, "not side");
    const notSide = (args) => args[1] === "not side";
    for (const x of [a, c]) await x.inbox.next("room_msg", '"room_msg" (except side)', notSide);
    a.socket.emit("to_room_except", room, c.socket.id, "not C");
    const notC = (args) => args[1] === "not C";
    for (const x of [a, b]) await x.inbox.next("room_msg", '"room_msg" (except C)', notC);
    await b.inbox.none("room_msg", "an emit that excepted its room", notSide);
    await c.inbox.none("room_msg", "an emit that excepted its id", notC);
  });

  await step("socket.Broadcast: every other socket of the namespace", async () => {
    a.socket.emit("broadcast", "to everyone else");
    const isThis = (args) => args[0] === "to everyone else";
    for (const x of [b, c, w]) equal(await x.inbox.next("broadcast_msg", '"broadcast_msg"', isThis), ["to everyone else", a.socket.id], `${x.name}: "broadcast_msg"`);
    await a.inbox.none("broadcast_msg", "its own broadcast", isThis);
  });

  await step("Server.ToUser(id): both sockets of the user, once each", async () => {
    c.socket.emit("to_user", userA, "for user A");
    const isThis = (args) => args[0] === "for user A";
    for (const x of [a, b]) equal(await x.inbox.next("user_msg", '"user_msg"', isThis), ["for user A"], `${x.name}: "user_msg"`);
    await sleep(QUIET_MS);
    for (const x of [a, b]) equal(x.inbox.count("user_msg", isThis), 0, `${x.name}: more "user_msg" after the first`);
    await c.inbox.none("user_msg", "another user's message", isThis);
  });

  await step("broadcast acks: Server.To(room).Timeout(..).EmitWithAck collects the answers", async () => {
    for (const x of [a, b]) x.socket.on("poll", (r, cb) => cb(`${x.name}:${r}`));
    c.socket.on("poll", () => {}); // C never answers
    const [result] = await ack(a, "bcast_ack", room, 2000); // the whole timeout: long enough for A and B on a loaded machine
    equal(result, {
      targeted: 3,
      allAnswered: false,
      answers: { [a.socket.id]: [`A:${room}`], [b.socket.id]: [`B:${room}`] },
    }, '"bcast_ack" result (C silent)');
    const [all] = await ack(c, "bcast_ack", side, 2000);
    equal(all, { targeted: 1, allAnswered: true, answers: { [b.socket.id]: [`B:${side}`] } }, '"bcast_ack" result (everyone answers)');
  });

  await step('Send: "message" and "json" from the server; client send and "json" handled', async () => {
    a.socket.emit("send", { x: 1 }, false);
    equal(await a.inbox.next("message", '"message" from Send(data)'), [{ x: 1 }], '"message"');
    a.socket.emit("send", "as json", true);
    equal(await a.inbox.next("json", '"json" from Send(data, json: true)'), ["as json"], '"json"');
    a.socket.send("hello");
    equal(await a.inbox.next("message", '"message" echoed by the "message" handler'), ["hello"], 'echoed "message"');
    equal(await ack(a, "message", { m: 2 }), ['message:{"m":2}'], '"message" handler ack');
    equal(await ack(a, "json", { j: [1] }), ['json:{"j":[1]}'], '"json" handler ack');
    equal(await a.inbox.next("message", '"message" echo'), [{ m: 2 }], '"message" echo');
    equal(await a.inbox.next("json", '"json" echo'), [{ j: [1] }], '"json" echo');
  });

  await step("volatile emits reach a client that can take them", async () => {
    equal(await ack(a, "volatile", 5), [5], '"volatile" ack');
    await a.inbox.next("vol", '"vol"');
    await sleep(100);
    const got = 1 + a.inbox.count("vol");
    ok(got >= 1 && got <= 5, `"vol" arrived ${got} times, expected 1..5`);
  });

  await step("catch-all handler (OnAny) acks unknown events", async () => {
    equal(await ack(a, "no_such_event", 1, "two"), [{ caught: "no_such_event", args: [1, "two"] }], "catch-all ack");
  });

  await step('another namespace: "/other" multiplexed, Server.Of("/other")', async () => {
    const other = { name: "A/other", socket: a.socket.io.socket("/other", version === 2 ? undefined : { auth: {} }) };
    sockets.push(other.socket);
    other.inbox = new Inbox("A/other", other.socket);
    if (version === 2 && !other.socket.connected) other.socket.open();
    await connected(other);
    equal(await other.inbox.next("hello_other", '"hello_other"'), [other.socket.id], '"hello_other"');
    equal(await ack(other, "whoami"), [{ id: other.socket.id, ns: "/other" }], '"/other" whoami');
    a.socket.emit("emit_other", "to /other");
    equal(await other.inbox.next("other_msg", '"other_msg"'), ["to /other"], '"other_msg"');
    await a.inbox.none("other_msg", 'a "/other" emit on "/"');
    await b.inbox.none("other_msg", 'a "/other" emit on "/"');
  });

  await step("refused by the connect handler (message and data)", async () => {
    const refusedMain = open("refused-main", "/", { refuse: "yes" });
    const r = await refusal(refusedMain);
    if (version !== 2) equal(r.message, "Refused by the connect handler", "connect_error message");
    equal(r.data, { reason: "yes" }, "refusal data");
    const refused = open("refused-secure", "/secure", { token: "bad" });
    const s = await refusal(refused);
    if (version !== 2) equal(s.message, "Not authorized", "connect_error message on /secure");
    equal(s.data, { code: 4001 }, "refusal data on /secure");
    const allowed = open("secure", "/secure", { token: "ok" });
    await connected(allowed);
    equal(await ack(allowed, "whoami"), [{ id: allowed.socket.id, ns: "/secure" }], '"/secure" whoami');
  });

  await step("refused by connection middleware (message and data)", async () => {
    const refused = open("refused-guarded", "/guarded", { pass: "bad" });
    const r = await refusal(refused);
    if (version !== 2) equal(r.message, "Refused by middleware", "connect_error message");
    equal(r.data, { by: "middleware" }, "refusal data");
    const allowed = open("guarded", "/guarded", { pass: "ok" });
    await connected(allowed);
    equal(await ack(allowed, "whoami"), [{ id: allowed.socket.id, ns: "/guarded" }], '"/guarded" whoami');
  });

  await step("FetchSockets: id, rooms, handshake (auth, query) and data", async () => {
    await ack(a, "set_data", "color", "red");
    await ack(b, "set_data", "n", 2);
    const [list] = await ack(w, "fetch", room);
    const expected = [a, b, c].map((x) => ({
      id: x.socket.id,
      rooms: (x === b ? [x.socket.id, room, side] : [x.socket.id, room]).sort(),
      auth: version === 2 ? {} : { user: x === c ? userC : userA },
      tag: x.name,
      user: x === c ? userC : userA,
      data: x === a ? { color: "red" } : x === b ? { n: 2 } : {},
    })).sort((p, q) => (p.id < q.id ? -1 : p.id > q.id ? 1 : 0));
    equal(list, expected, '"fetch" result');
  });

  await step("Count and Rooms(sid)", async () => {
    equal(await ack(w, "count", room), [3], '"count" of the room');
    equal(await ack(w, "count", side), [1], '"count" of the side room');
    equal(await ack(w, "rooms_of", b.socket.id), [[b.socket.id, room, side].sort()], '"rooms_of" B');
  });

  await step("SocketsJoin / SocketsLeave", async () => {
    const extra = `${runId}-extra`;
    await ack(w, "sockets_join", room, extra);
    equal(await ack(w, "count", extra), [3], "count after SocketsJoin");
    equal((await ack(c, "whoami"))[0].rooms, [c.socket.id, room, extra].sort(), "C's rooms after SocketsJoin");
    a.socket.emit("server_to_room", extra, "to extra");
    for (const x of [a, b, c]) await x.inbox.next("room_msg", '"room_msg" in the joined room', (args) => args[1] === "to extra");
    await ack(w, "sockets_leave", room, extra);
    equal(await ack(w, "count", extra), [0], "count after SocketsLeave");
    equal((await ack(c, "whoami"))[0].rooms, [c.socket.id, room].sort(), "C's rooms after SocketsLeave");
  });

  await step("CloseRoom", async () => {
    await ack(w, "close_room", side);
    equal(await ack(w, "count", side), [0], "count after CloseRoom");
    equal((await ack(b, "whoami"))[0].rooms, [b.socket.id, room].sort(), "B's rooms after CloseRoom");
    a.socket.emit("server_to_room", side, "to closed room");
    await b.inbox.none("room_msg", "an emit to a closed room", (args) => args[1] === "to closed room");
  });

  await step("the hosted service's periodic emit (PeriodicTicker)", async () => {
    await ack(w, "join", "ticker");
    const [n] = await w.inbox.next("tick", '"tick"');
    ok(Number.isInteger(n) && n > 0, `"tick" argument is not a positive integer: ${inspect(n)}`);
    await ack(w, "leave", "ticker");
  });

  const gone = (x) => {
    const id = x.socket.id; // read now: a disconnected socket has no id
    return w.inbox.next("gone", `"gone" for ${x.name}`, (args) => args[0] === id);
  };

  await step("disconnect one socket (Server.In(id).DisconnectSockets): reason on both sides", async () => {
    const id = c.socket.id;
    const goneC = gone(c);
    b.socket.emit("disconnect_socket", id);
    equal((await c.inbox.next("disconnect", '"disconnect" on C'))[0], "io server disconnect", "C's disconnect reason");
    equal(await goneC, [id, "server namespace disconnect"], "disconnect handler's reason for C");
  });

  await step("socket.Disconnect() from its own handler", async () => {
    const id = a.socket.id;
    const goneA = gone(a);
    a.socket.emit("disconnect_me");
    equal((await a.inbox.next("disconnect", '"disconnect" on A'))[0], "io server disconnect", "A's disconnect reason");
    equal(await goneA, [id, "server namespace disconnect"], "disconnect handler's reason for A");
  });

  await step("client disconnect: the disconnect handler's reason", async () => {
    const id = b.socket.id;
    const goneB = gone(b);
    b.socket.disconnect();
    equal(await goneB, [id, "client namespace disconnect"], "disconnect handler's reason for B");
  });

  await step("DisconnectSockets of a room", async () => {
    const doomed = `${runId}-doomed`;
    const [d, e] = await Promise.all([connect("D"), connect("E")]);
    for (const x of [d, e]) await ack(x, "join", doomed);
    const goneBoth = Promise.all([gone(d), gone(e)]);
    w.socket.emit("disconnect_room", doomed);
    for (const x of [d, e]) equal((await x.inbox.next("disconnect", `"disconnect" on ${x.name}`))[0], "io server disconnect", `${x.name}'s disconnect reason`);
    const reasons = await goneBoth;
    equal(reasons.map((r) => r[1]), ["server namespace disconnect", "server namespace disconnect"], "disconnect handler's reasons");
    equal(await ack(w, "count", doomed), [0], "count after DisconnectSockets");
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
    sockets.forEach((s) => s.close());
    process.exit(1);
  }
);
