#!/usr/bin/env node
// End-to-end check of an app made by `dotnet new orleanssocket` (or the gateway of `orleanssocket-cluster`) with
// socket.io-client 4.x: alice and bob connect with a name (alice is told that bob joined), alice sends
// `chat message`, the ack is true, and both receive { from: "alice", text: "hello" } (the chat sends every message
// to everyone, the sender too); an empty message is acked false.
//
//   node template-chat-client.js <baseUrl> [timeoutMs]
//
// Exits 0 only when every check passes; otherwise prints "FAIL ..." with the reason.
"use strict";

const { io } = require("socket.io-client");

const [rawBaseUrl, timeoutArg] = process.argv.slice(2);
if (!rawBaseUrl) {
  console.error("usage: node template-chat-client.js <baseUrl> [timeoutMs]");
  process.exit(2);
}
const baseUrl = rawBaseUrl.replace(/\/+$/, "");
const timeout = Number(timeoutArg || 30000);
const version = require("socket.io-client/package.json").version;

function fail(message) {
  console.log(`FAIL socket.io-client ${version} against the template's chat: ${message}`);
  process.exit(1);
}
setTimeout(() => fail(`not done within ${timeout} ms`), timeout).unref();

function connect(name) {
  const socket = io(baseUrl, { reconnection: false, forceNew: true, auth: { name } });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(new Error(`${name}: connect_error: ${err.message}`)));
  });
}

const nextMessage = (socket) => new Promise((resolve) => socket.once("chat message", resolve));

function expectLine(who, line) {
  if (!line || line.from !== "alice" || line.text !== "hello")
    fail(`${who} received ${JSON.stringify(line)}, expected {"from":"alice","text":"hello"}`);
}

(async () => {
  const alice = await connect("alice");
  const joined = new Promise((resolve) => alice.once("user joined", resolve));
  const bob = await connect("bob");
  const joinedName = await joined;
  if (joinedName !== "bob") fail(`alice was told ${JSON.stringify(joinedName)} joined, expected "bob"`);

  const toBob = nextMessage(bob);
  const toAlice = nextMessage(alice);
  const ack = await alice.timeout(10000).emitWithAck("chat message", "  hello ");
  if (ack !== true) fail(`ack ${JSON.stringify(ack)}, expected true`);
  expectLine("bob", await toBob);
  expectLine("alice", await toAlice);

  const refused = await bob.timeout(10000).emitWithAck("chat message", "   ");
  if (refused !== false) fail(`an empty message was acked ${JSON.stringify(refused)}, expected false`);

  console.log(`OK socket.io-client ${version}: ack ${ack}, bob and alice got ${JSON.stringify({ from: "alice", text: "hello" })}`);
  alice.close();
  bob.close();
  process.exit(0);
})().catch((err) => fail(err.message));
