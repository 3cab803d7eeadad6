#!/usr/bin/env node
// End-to-end check of the authentication the `dotnet new orleanssocket` app has wired in, switched on by configuration
// (a JWT signing key, Authentication:RequireAuthenticatedUser=true), with socket.io-client 4.x: no token is refused
// with 401 on polling and WebSocket; alice (token in extraHeaders) and bob (token as the access_token query, over
// WebSocket, and a made-up name in `auth`) connect, and the chat knows them by their tokens' names: alice is told that
// bob joined, and bob's message reaches her from "bob".
//
//   node template-auth-client.js <baseUrl> <alice's token> <bob's token> [timeoutMs]
//
// Exits 0 only when every check passes; otherwise prints "FAIL ..." with the reason.
"use strict";

const { io } = require("socket.io-client");

const [rawBaseUrl, aliceToken, bobToken, timeoutArg] = process.argv.slice(2);
if (!rawBaseUrl || !aliceToken || !bobToken) {
  console.error("usage: node template-auth-client.js <baseUrl> <aliceToken> <bobToken> [timeoutMs]");
  process.exit(2);
}
const baseUrl = rawBaseUrl.replace(/\/+$/, "");
const timeout = Number(timeoutArg || 30000);

function fail(message) {
  console.log(`FAIL template auth: ${message}`);
  process.exit(1);
}
setTimeout(() => fail(`not done within ${timeout} ms`), timeout).unref();

function open(options) {
  return io(baseUrl, { reconnection: false, forceNew: true, ...options });
}

function outcome(socket) {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve({ connected: true }));
    socket.once("connect_error", (err) => resolve({ connected: false, err }));
  });
}

function statusOf(err) {
  const d = err && err.description;
  if (typeof d === "number") return d;
  const m = /\b(401|403)\b/.exec(String((d && (d.message || (d.error && d.error.message))) || d || err.message));
  return m ? Number(m[1]) : String(err && err.message);
}

(async () => {
  for (const transports of [["polling"], ["websocket"]]) {
    const anonymous = open({ transports, auth: { name: "mallory" } });
    const result = await outcome(anonymous);
    anonymous.close();
    if (result.connected || statusOf(result.err) !== 401) fail(`no token over ${transports}: ${result.connected ? "connected" : statusOf(result.err)}`);
    console.log(`ok   no token over ${transports}: refused (401)`);
  }

  const alice = open({ extraHeaders: { Authorization: `Bearer ${aliceToken}` } });
  const joined = [];
  const lines = [];
  alice.on("user joined", (name) => joined.push(name));
  alice.on("chat message", (line) => lines.push(line));
  let result = await outcome(alice);
  if (!result.connected) fail(`alice (extraHeaders): ${result.err.message}`);
  console.log("ok   alice connected with her token in extraHeaders");

  const bob = open({ transports: ["websocket"], query: { access_token: bobToken }, auth: { name: "mallory" } });
  result = await outcome(bob);
  if (!result.connected) fail(`bob (access_token): ${result.err.message}`);
  const until = async (predicate, what) => {
    while (!predicate()) {
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log(`ok   ${what}`);
  };
  await until(() => joined.includes("bob"), "alice is told that bob joined (the token's name, not auth's)");
  if (joined.includes("mallory")) fail("the chat took the auth name over the token's");
  const sent = await bob.emitWithAck("chat message", "signed hello");
  if (sent !== true) fail(`bob's message was not acked true: ${JSON.stringify(sent)}`);
  await until(() => lines.some((l) => l.text === "signed hello" && l.from === "bob"), "bob's message reaches alice from \"bob\"");
  alice.close();
  bob.close();
  console.log("PASS template-auth-client");
  process.exit(0);
})().catch((err) => fail(err && err.stack || String(err)));
