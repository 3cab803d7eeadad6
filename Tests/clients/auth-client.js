#!/usr/bin/env node
// End-to-end check of Socket.IO behind ASP.NET Core authentication (the test gateway's auth profile) with the
// official socket.io-client 4.x.
//
//   node auth-client.js <baseUrl> <token of a user> <token of an admin> [timeoutMs]
//
// The secure path (/secure/) requires an authenticated user, the admin path (/admins/) the role "admin". A token
// reaches ASP.NET Core in the HTTP requests: the `extraHeaders` Authorization header, or `query.access_token`;
// the `auth` object travels in the CONNECT packet, after the HTTP request was authorized, so alone it is refused.
// The `admin only` handler has [Authorize(Roles = "admin")], checked where the handlers run (the silo): a user
// without the role gets `refused` from the error handler and no ack; an admin gets the ack.
// Exits 0 only when every check passes; otherwise prints "FAIL ..." with the reason.
"use strict";

const { io } = require("socket.io-client");

const [rawBaseUrl, userToken, adminToken, timeoutArg] = process.argv.slice(2);
if (!rawBaseUrl || !userToken || !adminToken) {
  console.error("usage: node auth-client.js <baseUrl> <userToken> <adminToken> [timeoutMs]");
  process.exit(2);
}
const baseUrl = rawBaseUrl.replace(/\/+$/, "");
const STEP_TIMEOUT = Number(timeoutArg || 10000);

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

function open(path, options) {
  return io(baseUrl, { path, reconnection: false, forceNew: true, ...options });
}

// Resolves with the socket once connected; rejects with the connect_error.
function connected(socket, what) {
  return withTimeout(new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(err));
  }), what);
}

// Resolves with the connect_error; rejects when the socket connects.
function refused(socket, what) {
  return withTimeout(new Promise((resolve, reject) => {
    socket.once("connect", () => reject(new Error(`${what}: connected, expected a refusal`)));
    socket.once("connect_error", (err) => resolve(err));
  }), what);
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

async function whoami(socket) {
  return withTimeout(socket.emitWithAck("whoami"), "whoami ack");
}

// [Authorize(Roles = "admin")] on `admin only`, in the silo.
async function adminOnly(socket, what, name, admin) {
  if (admin) {
    const reply = await withTimeout(socket.emitWithAck("admin only"), `${what}: admin only ack`);
    check(reply === `admin only: ${name}`, `${what}: admin only answered ${JSON.stringify(reply)}`);
    console.log(`ok   ${what}: [Authorize(Roles = "admin")] admin only: ${JSON.stringify(reply)}`);
    return;
  }
  let acked = false;
  const refusal = withTimeout(new Promise((resolve) => socket.once("refused", resolve)), `${what}: admin only refused`);
  socket.emit("admin only", () => { acked = true; });
  const refused = await refusal;
  check(refused.event === "admin only" && refused.message === "Forbidden" && refused.status === 403,
    `${what}: admin only refused with ${JSON.stringify(refused)}`);
  await whoami(socket); // events of a socket are handled in order: an ack of `admin only` would have come first
  check(!acked, `${what}: admin only was acked: the handler ran for a user without the role`);
  console.log(`ok   ${what}: [Authorize(Roles = "admin")] admin only refused: ${JSON.stringify(refused)}, no ack`);
}

async function expectRefused(what, path, options, status) {
  const socket = open(path, options);
  try {
    const err = await refused(socket, what);
    check(statusOf(err) === status, `${what}: expected HTTP ${status}, got ${JSON.stringify(statusOf(err))} (${err.message})`);
    console.log(`ok   ${what}: refused (${status})`);
  } finally {
    socket.close();
  }
}

async function expectUser(what, path, options, name, admin) {
  const socket = open(path, options);
  try {
    await connected(socket, what);
    const me = await whoami(socket);
    check(me.authenticated === true, `${what}: not authenticated in the handler: ${JSON.stringify(me)}`);
    check(me.name === name && me.userId === name, `${what}: expected ${name}, got ${JSON.stringify(me)}`);
    check(me.admin === admin, `${what}: admin ${admin} expected, got ${JSON.stringify(me)}`);
    await adminOnly(socket, what, name, admin);
    if (options.transports === undefined) {
      // polling upgraded to WebSocket: the upgrade request carries the token too.
      await withTimeout(new Promise((resolve) => {
        if (socket.io.engine.transport.name === "websocket") resolve();
        else socket.io.engine.once("upgrade", resolve);
      }), `${what}: upgrade`);
      const after = await whoami(socket);
      check(after.transport === "websocket" && after.name === name, `${what}: after the upgrade ${JSON.stringify(after)}`);
    }
    console.log(`ok   ${what}: ${JSON.stringify(me)}`);
  } finally {
    socket.close();
  }
}

(async () => {
  const secure = "/secure/";
  const admins = "/admins/";
  const header = (token) => ({ Authorization: `Bearer ${token}` });

  await expectRefused("polling without a token", secure, { transports: ["polling"] }, 401);
  await expectRefused("websocket without a token", secure, { transports: ["websocket"] }, 401);
  await expectRefused("auth object only (CONNECT packet)", secure, { transports: ["polling"], auth: { token: userToken } }, 401);
  await expectRefused("invalid token", secure, { transports: ["polling"], extraHeaders: header(userToken + "x") }, 401);

  await expectUser("extraHeaders, polling upgraded to websocket", secure, { extraHeaders: header(userToken) }, "alice", false);
  await expectUser("extraHeaders, websocket", secure, { transports: ["websocket"], extraHeaders: header(userToken) }, "alice", false);
  await expectUser("query access_token, websocket", secure, { transports: ["websocket"], query: { access_token: userToken } }, "alice", false);
  await expectUser("query access_token, polling upgraded", secure, { query: { access_token: userToken } }, "alice", false);

  await expectRefused("admin policy, user token", admins, { transports: ["polling"], extraHeaders: header(userToken) }, 403);
  await expectRefused("admin policy, user token, websocket", admins, { transports: ["websocket"], query: { access_token: userToken } }, 403);
  await expectUser("admin policy, admin token", admins, { extraHeaders: header(adminToken) }, "root", true);

  console.log("PASS auth-client");
  process.exit(0);
})().catch((err) => fail(err && err.stack || String(err)));
