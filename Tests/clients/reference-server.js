#!/usr/bin/env node
// Reference server for the end-to-end harness: the "protocol" test profile of the
// OrleansSocket gateway, implemented with the official Node.js socket.io / engine.io.
// It exists to validate the harness (clients, protocol suites, browser test); the
// same tests then run unchanged against the gateway.
//
// Usage (either form):
//   node reference-server.js <port>
//   node reference-server.js [--profile protocol] --urls http://127.0.0.1:<port>
//
// The gateway's timing options are accepted as its command line spells them (the official
// clients' tests relax them, ClientServerFixture): --SocketIO:Engine:PingInterval=<ms>,
// --SocketIO:Engine:PingTimeout=<ms>, --SocketIO:ConnectTimeout=<hh:mm:ss>.
//
// It always serves the union of the "protocol" profile and the demo page, so the
// same command works for both fixtures; --profile is accepted and ignored.
//
//   /socket.io/   Socket.IO (EIO 3 and 4), pingInterval 300, pingTimeout 200,
//                 maxPayload 1000000, connectTimeout 1000, CORS *
//     "/", "/custom": on connection emit "auth" with the handshake auth
//                 ({} when none; for EIO3 / socket.io 2.x clients: the namespace
//                 query parameters as an object)
//     "/":        "message" -> emit "message-back" with the same arguments
//                 "message-with-ack" -> ack with the same arguments
//                 "my event" -> emit "my response" with the same payload (demo page)
//     "/private": refused unless auth {token: "let-me-in"} with CONNECT_ERROR
//                 message "Not authorized", data {reason: "bad token"}
//   /engine.io/   bare Engine.IO (EIO 3 and 4), same timings, echoes every message
//   /            tiny demo page (reference-demo.html) for the browser test
"use strict";

const fs = require("fs");
const http = require("http");
const path = require("path");
const engine = require("engine.io");
const { Server } = require("socket.io");

function parseArgs(argv) {
  let port;
  const timings = {};
  const seconds = (hms) => hms.split(":").reduce((total, part) => total * 60 + Number(part), 0);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const option = /^--SocketIO:(Engine:PingInterval|Engine:PingTimeout|ConnectTimeout)=(.+)$/.exec(a);
    if (option) {
      const [, key, value] = option;
      if (key === "Engine:PingInterval") timings.pingInterval = Number(value);
      else if (key === "Engine:PingTimeout") timings.pingTimeout = Number(value);
      else timings.connectTimeout = seconds(value) * 1000;
    } else if (a === "--urls") {
      const url = new URL(argv[++i].split(";")[0]);
      port = Number(url.port);
    } else if (a.startsWith("--urls=")) {
      port = Number(new URL(a.substring(7).split(";")[0]).port);
    } else if (a === "--profile") {
      i++; // accepted, ignored: this server always serves every profile
    } else if (/^\d+$/.test(a)) {
      port = Number(a);
    } else {
      throw new Error(`unknown argument: ${a}`);
    }
  }
  if (!port) port = Number(process.env.PORT || 3000);
  return { port, timings };
}

const { port, timings } = parseArgs(process.argv.slice(2));

const TIMINGS = {
  pingInterval: 300,
  pingTimeout: 200,
  maxHttpBufferSize: 1e6,
  allowEIO3: true,
  cors: { origin: "*" },
  ...(timings.pingInterval ? { pingInterval: timings.pingInterval } : {}),
  ...(timings.pingTimeout ? { pingTimeout: timings.pingTimeout } : {}),
};

const DEMO_PAGE = fs.readFileSync(path.join(__dirname, "reference-demo.html"));

const httpServer = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, "http://localhost");
  if (req.method === "GET" && (pathname === "/" || pathname === "/index.html")) {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(DEMO_PAGE);
    return;
  }
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found");
});

// ---- invalid polling payloads are answered with 400 ------------------------------------
// Node's engine.io closes the session on a malformed POST body but still answers 200 "ok";
// the protocol suites (and the gateway) expect HTTP 400. Patch the polling transport
// (the one engine.io instance shared with socket.io) to do that.
const { Polling } = require(path.join(path.dirname(require.resolve("engine.io")), "transports", "polling.js"));
const originalOnData = Polling.prototype.onData;
Polling.prototype.onData = function (data) {
  let invalid = false;
  const check = (packet) => {
    if (packet.type === "error") invalid = true;
  };
  if (this.protocol === 3) this.parser.decodePayload(data, check);
  else this.parser.decodePayload(data).forEach(check);
  this.invalidPayload = invalid;
  return originalOnData.call(this, data);
};
const originalOnDataRequest = Polling.prototype.onDataRequest;
Polling.prototype.onDataRequest = function (req, res) {
  const transport = this;
  const writeHead = res.writeHead;
  res.writeHead = function (status, ...rest) {
    if (status === 200 && transport.invalidPayload) return writeHead.call(this, 400, ...rest);
    return writeHead.call(this, status, ...rest);
  };
  return originalOnDataRequest.call(this, req, res);
};

// ---- bare Engine.IO echo endpoint -------------------------------------------------
const eio = engine.attach(httpServer, { ...TIMINGS, path: "/engine.io" });
eio.on("connection", (socket) => {
  socket.on("message", (data) => socket.send(data));
});

// ---- Socket.IO "protocol" profile -------------------------------------------------
const io = new Server(httpServer, { ...TIMINGS, path: "/socket.io", connectTimeout: timings.connectTimeout || 1000 });

function emitAuth(socket) {
  socket.emit("auth", socket.handshake.auth || {});
}

io.on("connection", (socket) => {
  emitAuth(socket);
  socket.on("message", (...args) => socket.emit("message-back", ...args));
  socket.on("message-with-ack", (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (ack) ack(...args);
  });
  socket.on("my event", (payload) => socket.emit("my response", payload));
});

io.of("/custom").on("connection", emitAuth);

io.of("/private")
  .use((socket, next) => {
    const auth = socket.handshake.auth || {};
    if (auth.token === "let-me-in") return next();
    const err = new Error("Not authorized");
    err.data = { reason: "bad token" };
    next(err);
  })
  .on("connection", () => {});

// ---- EIO query validation ---------------------------------------------------------
// With allowEIO3, Node's engine.io treats a missing or unknown EIO value as protocol 3.
// The gateway answers 400 instead (as the protocol suites expect), so this server does
// the same: only EIO=3 and EIO=4 reach engine.io.
const ENDPOINTS = new Set(["/engine.io/", "/engine.io", "/socket.io/", "/socket.io"]);
function badEio(req) {
  const url = new URL(req.url, "http://localhost");
  if (!ENDPOINTS.has(url.pathname)) return false;
  const eioVersion = url.searchParams.get("EIO");
  return eioVersion !== "3" && eioVersion !== "4";
}
const UNSUPPORTED = JSON.stringify({ code: 5, message: "Unsupported protocol version" });

function wrapListeners(event, guard) {
  const listeners = httpServer.listeners(event).slice(0);
  httpServer.removeAllListeners(event);
  httpServer.on(event, (...args) => {
    if (guard(...args)) return;
    for (const l of listeners) l.apply(httpServer, args);
  });
}
wrapListeners("request", (req, res) => {
  if (!badEio(req)) return false;
  res.writeHead(400, { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" });
  res.end(UNSUPPORTED);
  return true;
});
wrapListeners("upgrade", (req, socket) => {
  if (!badEio(req)) return false;
  socket.end(
    "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(UNSUPPORTED)}\r\n\r\n${UNSUPPORTED}`
  );
  return true;
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`reference server listening on http://127.0.0.1:${port}`);
});

function shutdown() {
  io.close();
  eio.close();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
