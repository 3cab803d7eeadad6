#!/usr/bin/env node
// End-to-end check of samples/QuickStart with socket.io-client 4.x: two sockets connect, one emits
// `chat message` with an ack, the ack comes back and the other socket receives the message.
//
//   node quickstart-client.js <baseUrl> [timeoutMs]
//
// Exits 0 only when every check passes; otherwise prints "FAIL ..." with the reason.
"use strict";

const { io } = require("socket.io-client");

const [rawBaseUrl, timeoutArg] = process.argv.slice(2);
if (!rawBaseUrl) {
  console.error("usage: node quickstart-client.js <baseUrl> [timeoutMs]");
  process.exit(2);
}
const baseUrl = rawBaseUrl.replace(/\/+$/, "");
const timeout = Number(timeoutArg || 30000);
const version = require("socket.io-client/package.json").version;

function fail(message) {
  console.log(`FAIL socket.io-client ${version} against the QuickStart: ${message}`);
  process.exit(1);
}
setTimeout(() => fail(`not done within ${timeout} ms`), timeout).unref();

function connect() {
  const socket = io(baseUrl, { reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(new Error(`connect_error: ${err.message}`)));
  });
}

(async () => {
  const alice = await connect();
  const bob = await connect();
  const received = new Promise((resolve) => bob.once("chat message", resolve));

  const ack = await alice.timeout(10000).emitWithAck("chat message", "hello");
  if (ack !== "delivered: hello") fail(`ack ${JSON.stringify(ack)}, expected "delivered: hello"`);
  const text = await received;
  if (text !== "hello") fail(`bob received ${JSON.stringify(text)}, expected "hello"`);

  console.log(`OK socket.io-client ${version}: ack ${JSON.stringify(ack)}, broadcast ${JSON.stringify(text)}`);
  alice.close();
  bob.close();
  process.exit(0);
})().catch((err) => fail(err.message));
