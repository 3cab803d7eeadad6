// Shared helpers of the protocol suites (Node.js only).
// Dependencies (chai, ws) are resolved from Tests/clients/node_modules (`npm ci` there,
// or ./test.sh); override the location with OS_E2E_NODE_MODULES_PARENT.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const depsRoot = process.env.OS_E2E_NODE_MODULES_PARENT || path.resolve(here, "../../clients");
const require = createRequire(path.join(depsRoot, "package.json"));

let chai, WebSocketImpl;
try {
  chai = require("chai");
  WebSocketImpl = require("ws");
} catch (err) {
  throw new Error(`cannot load chai/ws from ${depsRoot}/node_modules: run ./test.sh (or npm ci in Tests/clients) first. ${err.message}`);
}

export const { expect } = chai;

/** Base URL of the server under test: PROTOCOL_SUITE_URL, default http://localhost:3000. */
export const URL = (process.env.PROTOCOL_SUITE_URL || "http://localhost:3000").replace(/\/+$/, "");
export const WS_URL = URL.replace(/^http/, "ws");

/**
 * Timings of the "protocol" test profile: pingInterval 300, pingTimeout 200 and (Socket.IO) connectTimeout 1000 as
 * upstream, unless PROTOCOL_SUITE_PING_INTERVAL / PROTOCOL_SUITE_PING_TIMEOUT / PROTOCOL_SUITE_CONNECT_TIMEOUT name
 * those the server under test was started with. Every test's session hears its first PING after pingInterval and,
 * unanswered, is closed pingTimeout later; a Socket.IO session that connects no namespace is closed after
 * connectTimeout (which must outlast the heartbeat tests: three pingIntervals, or pingInterval + pingTimeout).
 */
export const PING_INTERVAL = Number(process.env.PROTOCOL_SUITE_PING_INTERVAL || 300);
export const PING_TIMEOUT = Number(process.env.PROTOCOL_SUITE_PING_TIMEOUT || 200);
export const CONNECT_TIMEOUT = Number(process.env.PROTOCOL_SUITE_CONNECT_TIMEOUT || 1000);
export const MAX_PAYLOAD = 1000000;

/** The heartbeat tests' time limit: upstream's 5000 ms at 300/200, longer by four heartbeats' growth for longer ones. */
export const HEARTBEAT_TEST_TIMEOUT = 5000 + 4 * Math.max(0, PING_INTERVAL + PING_TIMEOUT - 500);

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The bytes of an ArrayBuffer / typed array / Buffer as a plain array of numbers. */
export function bytesOf(data) {
  if (data instanceof ArrayBuffer) return Array.from(new Uint8Array(data));
  if (ArrayBuffer.isView(data)) return Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  throw new Error(`not binary data: ${typeof data} ${String(data).slice(0, 50)}`);
}

/** HTTP request with the global fetch; `path` is appended to URL. */
export function http(path, init) {
  return fetch(URL + path, init);
}

/**
 * A WebSocket whose "open", "message" and "close" events are queued, so a test can await
 * them one by one without missing any (`await ws.next("message")`). Text frames arrive as
 * strings, binary frames as ArrayBuffers. Connection errors are swallowed (a refused
 * upgrade surfaces as "close").
 */
export function openWebSocket(path) {
  const socket = new WebSocketImpl(WS_URL + path);
  socket.binaryType = "arraybuffer";
  socket.on("error", () => {});
  const queues = { open: [], message: [], close: [] };
  const waiters = { open: [], message: [], close: [] };
  for (const type of Object.keys(queues)) {
    socket.addEventListener(type, (event) => {
      const value = type === "message" ? event.data : event;
      if (waiters[type].length) waiters[type].shift()(value);
      else queues[type].push(value);
    });
  }
  return {
    raw: socket,
    /** Resolves with the next queued event of `type` (the data, for "message"). */
    next(type) {
      if (queues[type].length) return Promise.resolve(queues[type].shift());
      return new Promise((resolve) => waiters[type].push(resolve));
    },
    /** The next `count` messages, PING packets ("2") left out. */
    async messagesIgnoringPings(count) {
      const packets = [];
      while (packets.length < count) {
        const data = await this.next("message");
        if (data !== "2") packets.push(data);
      }
      return packets;
    },
    send(data) {
      socket.send(data);
    },
    close() {
      socket.close();
    },
  };
}

/** Closes every WebSocket opened through `track` after each test. */
export function trackSockets(afterEachHook) {
  const open = [];
  afterEachHook(() => {
    while (open.length) {
      const s = open.pop();
      try {
        s.raw.terminate();
      } catch {
        /* already closed */
      }
    }
  });
  return (path) => {
    const s = openWebSocket(path);
    open.push(s);
    return s;
  };
}
