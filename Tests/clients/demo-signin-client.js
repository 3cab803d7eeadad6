#!/usr/bin/env node
// End-to-end check of the demo chat's sign-in (Gateway/Host with Demo:SignIn:SigningKey; samples/DemoApp/DemoSignIn.cs)
// with the official socket.io-client 4.x: tokens from the demo's POST /login, the chat namespace /chat.
//
//   node demo-signin-client.js <baseUrl> <handshake|connect> [timeoutMs]
//
// handshake: the gateway maps Socket.IO with RequireAuthorization() (Demo:SignIn:RequireAuthorization true): the token
//   goes in the HTTP requests (extraHeaders Authorization, or the access_token query); none, or only in `auth`: 401.
// connect: anyone may open a connection; the chat's connect handler takes the token from `auth.token` and checks it
//   with the same JWT scheme (none: connect_error "Sign in first"; a forged one: "Invalid token").
// Either way the chat knows the user by the token's name (the welcome, the online list, private messages' sender).
// Exits 0 only when every check passes; otherwise prints "FAIL ..." with the reason.
"use strict";

const { io } = require("socket.io-client");

const [rawBaseUrl, mode, timeoutArg] = process.argv.slice(2);
if (!rawBaseUrl || !["handshake", "connect"].includes(mode)) {
  console.error("usage: node demo-signin-client.js <baseUrl> <handshake|connect> [timeoutMs]");
  process.exit(2);
}
const baseUrl = rawBaseUrl.replace(/\/+$/, "");
const STEP_TIMEOUT = Number(timeoutArg || 10000);
const sockets = [];

function fail(message) {
  console.log(`FAIL ${message}`);
  process.exit(1);
}

function check(condition, message) {
  if (!condition) fail(message);
}

function withTimeout(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), STEP_TIMEOUT); }),
  ]).finally(() => clearTimeout(timer));
}

async function login(name) {
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }),
  });
  return { status: response.status, body: await response.json() };
}

// A /chat socket that records what it receives from the moment it exists (the welcome comes with the CONNECT answer).
function chat(options) {
  const socket = io(`${baseUrl}/chat`, { reconnection: false, forceNew: true, ...options });
  socket.received = [];
  socket.onAny((event, ...args) => socket.received.push({ event, args }));
  sockets.push(socket);
  return socket;
}

function outcome(socket, what) {
  return withTimeout(new Promise((resolve) => {
    socket.once("connect", () => resolve({ connected: true }));
    socket.once("connect_error", (err) => resolve({ connected: false, err }));
  }), what);
}

async function connected(what, options) {
  const socket = chat(options);
  const result = await outcome(socket, what);
  check(result.connected, `${what}: refused: ${result.err && result.err.message} ${JSON.stringify(result.err && (result.err.data || result.err.description))}`);
  return socket;
}

// The HTTP status of a refused handshake: engine.io-client gives it as the polling error's description; the
// WebSocket error (Node's ws) names it in its message.
function statusOf(err) {
  const d = err && err.description;
  if (typeof d === "number") return d;
  const text = String((d && (d.message || (d.error && d.error.message))) || d || err.message);
  const m = /\b(401|403)\b/.exec(text);
  return m ? Number(m[1]) : text;
}

async function refusedWithStatus(what, options, status) {
  const socket = chat(options);
  const result = await outcome(socket, what);
  check(!result.connected, `${what}: connected, expected HTTP ${status}`);
  check(statusOf(result.err) === status, `${what}: expected HTTP ${status}, got ${JSON.stringify(statusOf(result.err))} (${result.err.message})`);
  socket.close();
  console.log(`ok   ${what}: refused (${status})`);
}

async function refusedByChat(what, options, message, reason) {
  const socket = chat(options);
  const result = await outcome(socket, what);
  check(!result.connected, `${what}: connected, expected connect_error "${message}"`);
  check(result.err.message === message && result.err.data && result.err.data.reason === reason,
    `${what}: expected "${message}" (${reason}), got "${result.err.message}" ${JSON.stringify(result.err.data)}`);
  socket.close();
  console.log(`ok   ${what}: connect_error "${message}" ${JSON.stringify(result.err.data)}`);
}

async function until(socket, predicate, what) {
  await withTimeout((async () => {
    while (!socket.received.some(predicate)) await new Promise((r) => setTimeout(r, 20));
  })(), what);
  return socket.received.find(predicate);
}

// The chat treats the socket as the token's user: its welcome, the online list, and the sender of its messages.
async function expectChatUser(what, socket, name, other) {
  await until(socket, (m) => m.event === "message" && m.args[0] === `Welcome, ${name}! Join a room, then message it, a user or everyone.`, `${what}: welcome`);
  await until(socket, (m) => m.event === "users" && m.args[0].users.includes(name), `${what}: online list`);
  if (other) {
    const reply = await withTimeout(socket.emitWithAck("private message", { to: other.name, text: `hi from ${what}` }), `${what}: private message ack`);
    check(reply.ok === true, `${what}: private message refused: ${JSON.stringify(reply)}`);
    const line = await until(other.socket, (m) => m.event === "private message" && m.args[0].text === `hi from ${what}`, `${what}: private message received`);
    check(line.args[0].from === name && line.args[0].to === other.name, `${what}: the line names ${JSON.stringify(line.args[0])}`);
  }
  console.log(`ok   ${what}: in the chat as ${name}`);
}

(async () => {
  const bad = await login("not a name!");
  check(bad.status === 400 && /letters, digits/.test(bad.body.error), `POST /login with an invalid name: ${bad.status} ${JSON.stringify(bad.body)}`);
  const alice = await login("alice");
  const bob = await login("bob");
  check(alice.status === 200 && alice.body.name === "alice" && typeof alice.body.token === "string", `POST /login: ${JSON.stringify(alice)}`);
  console.log("ok   POST /login: a token, and 400 for an invalid name");
  const header = (token) => ({ Authorization: `Bearer ${token}` });

  if (mode === "handshake") {
    await refusedWithStatus("no token, polling", { transports: ["polling"] }, 401);
    await refusedWithStatus("no token, websocket", { transports: ["websocket"] }, 401);
    await refusedWithStatus("token in auth only (the CONNECT packet comes after the HTTP request)", { transports: ["polling"], auth: { token: alice.body.token } }, 401);
    await refusedWithStatus("a forged token", { extraHeaders: header(alice.body.token.slice(0, -2) + "xx") }, 401);
    const a = await connected("alice, extraHeaders, polling upgraded", { extraHeaders: header(alice.body.token), auth: { nickname: "mallory" } });
    await expectChatUser("alice (extraHeaders)", a, "alice");
    const b = await connected("bob, access_token query, websocket", { transports: ["websocket"], query: { access_token: bob.body.token } });
    await expectChatUser("bob (access_token)", b, "bob", { name: "alice", socket: a });
    await expectChatUser("alice (extraHeaders)", a, "alice", { name: "bob", socket: b });
  } else {
    await refusedByChat("no token", { auth: {} }, "Sign in first", "not_signed_in");
    await refusedByChat("a nickname without a token", { auth: { nickname: "mallory" } }, "Sign in first", "not_signed_in");
    await refusedByChat("a forged token in auth", { auth: { token: alice.body.token.slice(0, -2) + "xx" } }, "Invalid token", "invalid_token");
    const a = await connected("alice, auth.token, polling upgraded", { auth: { token: alice.body.token } });
    await expectChatUser("alice (auth)", a, "alice");
    const b = await connected("bob, auth.token, websocket", { transports: ["websocket"], auth: { token: bob.body.token } });
    await expectChatUser("bob (auth)", b, "bob", { name: "alice", socket: a });
    const h = await connected("bob again, extraHeaders (also accepted)", { extraHeaders: header(bob.body.token) });
    await expectChatUser("bob (extraHeaders)", h, "bob", { name: "alice", socket: a });
  }

  sockets.forEach((s) => s.close());
  console.log(`PASS demo-signin-client ${mode}`);
  process.exit(0);
})().catch((err) => fail(err && err.stack || String(err)));
