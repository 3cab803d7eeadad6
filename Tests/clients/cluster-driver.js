#!/usr/bin/env node
// Drives official socket.io-client 4.x sockets for the multi-process cluster tests (Tests/EndToEnd/MultiProcess).
//
//   node cluster-driver.js
//
// One JSON command per stdin line, one JSON message per stdout line. Every command has a `req`
// number; its answer is {"reply":req,"ok":true,...} or {"reply":req,"ok":false,"error":"..."}.
//
//   {"req":1,"cmd":"connect","id":"a1","urls":["http://127.0.0.1:5001"],"auth":{"user":"u1"}}
//        connects to urls[0] over websocket; answers {"sid":...,"url":...} once connected.
//        With several urls the socket fails over: after a disconnect the client did not ask for,
//        it connects to the next url (then the next, round robin) until connected again.
//        With "recover":true the same socket.io-client socket reconnects there by itself (its Manager's
//        uri is moved to the next url), so it presents its pid and offset (connection state recovery).
//   {"req":2,"cmd":"emit","id":"a1","event":"join","args":["room"],"timeoutMs":10000}
//        emits with an ack; answers {"ack":[...]} (the ack's arguments).
//   {"req":3,"cmd":"seq","id":"a1","count":10000}
//        emits `seq` 0..count-1 without acks, then `seq-report` with one; answers {"ack":[...],"ms":...}.
//   {"req":4,"cmd":"pump","id":"a1","event":"room-say","args":["room"],"count":300,"intervalMs":10,"timeoutMs":2000}
//        emits event(...args, n) for n = 0..count-1, one every intervalMs on whatever socket `id` has then
//        (after a failover, the new one), each with an ack; answers {"acked":[n...],"failed":[n...],"ms":...}
//        once every emit was acked or timed out.
//   {"req":5,"cmd":"close","id":"a1"}
//
// Unsolicited messages: {"ev":"connect","id","sid","url","recovered"} on every (re)connection,
// {"ev":"disconnect","id","reason"}, and {"ev":"event","id","event","args","t"} for every event a
// socket receives (t: Date.now() on arrival). A `question` event with an ack function is answered with "<id> answers <question>".
"use strict";

const readline = require("readline");
const { io } = require("socket.io-client");

const sockets = new Map();

function out(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

function open(id, urls, auth, recover, onFirstConnect) {
  const state = { id, urls, auth, recover: !!recover, index: 0, socket: null, closed: false, first: onFirstConnect };
  sockets.set(id, state);
  connectTo(state);
}

function connectTo(state) {
  const url = state.urls[state.index % state.urls.length];
  const socket = io(url, {
    transports: ["websocket"],
    forceNew: true,
    auth: state.auth,
    // With one url the client's own reconnection is used; with several the driver rotates urls itself.
    reconnection: state.urls.length === 1 || state.recover,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
    timeout: 5000,
  });
  state.socket = socket;
  socket.on("connect", () => {
    out({ ev: "connect", id: state.id, sid: socket.id, url: socket.io.uri, recovered: socket.recovered });
    if (state.first) {
      const first = state.first;
      state.first = null;
      first(null, { sid: socket.id, url });
    }
  });
  socket.on("connect_error", (err) => {
    if (state.recover && state.urls.length > 1 && !state.closed) nextUri(state, socket);
    else if (state.urls.length > 1 && !state.closed) rotate(state, socket);
    else if (state.first && !socket.active) {
      const first = state.first;
      state.first = null;
      first(err.message);
    }
  });
  socket.on("disconnect", (reason) => {
    out({ ev: "disconnect", id: state.id, reason });
    if (state.urls.length > 1 && !state.closed && reason !== "io client disconnect") {
      if (state.recover) nextUri(state, socket);
      else rotate(state, socket);
    }
  });
  socket.onAny((event, ...args) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args.pop();
      last(`${state.id} answers ${args[0]}`);
    }
    out({ ev: "event", id: state.id, event, args, t: Date.now() });
  });
}

// The Manager opens its next engine on this uri: the same socket reconnects there, with its pid and offset.
function nextUri(state, socket) {
  state.index++;
  socket.io.uri = state.urls[state.index % state.urls.length];
}

function rotate(state, socket) {
  if (state.socket !== socket) return;
  socket.removeAllListeners();
  socket.close();
  state.index++;
  setTimeout(() => {
    if (!state.closed && state.socket === socket) connectTo(state);
  }, 200);
}

function socketOf(id) {
  const state = sockets.get(id);
  if (!state) throw new Error(`no socket ${id}`);
  return state.socket;
}

async function handle(command) {
  switch (command.cmd) {
    case "connect":
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("connect timed out")), command.timeoutMs || 15000);
        open(command.id, command.urls, command.auth || {}, command.recover, (err, result) => {
          clearTimeout(timer);
          if (err) reject(new Error(err));
          else resolve(result);
        });
      });
    case "emit": {
      const socket = socketOf(command.id);
      const ack = await socket.timeout(command.timeoutMs || 10000).emitWithAck(command.event, ...(command.args || []));
      return { ack: [ack] };
    }
    case "seq": {
      const socket = socketOf(command.id);
      const started = Date.now();
      for (let n = 0; n < command.count; n++) socket.emit("seq", n);
      const report = await socket.timeout(command.timeoutMs || 120000).emitWithAck("seq-report");
      return { ack: [report], ms: Date.now() - started };
    }
    case "pump": {
      const started = Date.now();
      const acked = [];
      const failed = [];
      const emits = [];
      for (let n = 0; n < command.count; n++) {
        const state = sockets.get(command.id);
        if (!state) throw new Error(`no socket ${command.id}`);
        emits.push(
          state.socket
            .timeout(command.timeoutMs || 2000)
            .emitWithAck(command.event, ...(command.args || []), n)
            .then(() => acked.push(n), () => failed.push(n))
        );
        await new Promise((r) => setTimeout(r, command.intervalMs || 10));
      }
      await Promise.all(emits);
      acked.sort((a, b) => a - b);
      failed.sort((a, b) => a - b);
      return { acked, failed, ms: Date.now() - started };
    }
    case "close": {
      const state = sockets.get(command.id);
      if (state) {
        state.closed = true;
        state.socket.close();
        sockets.delete(command.id);
      }
      return {};
    }
    default:
      throw new Error(`unknown command ${command.cmd}`);
  }
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  let command;
  try {
    command = JSON.parse(line);
  } catch (e) {
    out({ ev: "error", error: `bad command: ${e.message}` });
    return;
  }
  handle(command).then(
    (result) => out({ reply: command.req, ok: true, ...result }),
    (err) => out({ reply: command.req, ok: false, error: err && err.message ? err.message : String(err) })
  );
}).on("close", () => {
  for (const state of sockets.values()) {
    state.closed = true;
    state.socket.close();
  }
  process.exit(0);
});
