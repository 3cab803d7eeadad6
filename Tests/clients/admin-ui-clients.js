#!/usr/bin/env node
// Sockets for the Admin UI end-to-end test: one socket.io-client 4.x socket per gateway URL given, on the main
// namespace, no reconnection. Prints one JSON line per change, which the test reads:
//   {"event":"connected","label":"A","id":"<socket id>"}
//   {"event":"disconnected","label":"A","reason":"io server disconnect"}
// and stays up until killed (or timeoutMs passes).
//
//   node admin-ui-clients.js <urlA> <urlB> [timeoutMs]
"use strict";

const { io } = require("socket.io-client");

const args = process.argv.slice(2);
const timeout = /^\d+$/.test(args[args.length - 1] || "") ? Number(args.pop()) : 120000;
if (args.length === 0) {
  console.error("usage: node admin-ui-clients.js <urlA> [<urlB> ...] [timeoutMs]");
  process.exit(2);
}
setTimeout(() => process.exit(0), timeout).unref();
const keepAlive = setInterval(() => {}, 1000);

args.forEach((url, index) => {
  const label = String.fromCharCode(65 + index);
  const socket = io(url.replace(/\/+$/, ""), { reconnection: false, forceNew: true, transports: ["websocket"] });
  socket.on("connect", () => console.log(JSON.stringify({ event: "connected", label, id: socket.id })));
  socket.on("connect_error", (err) => console.log(JSON.stringify({ event: "connect_error", label, message: err.message })));
  socket.on("disconnect", (reason) => console.log(JSON.stringify({ event: "disconnected", label, reason })));
});
process.on("SIGTERM", () => {
  clearInterval(keepAlive);
  process.exit(0);
});
