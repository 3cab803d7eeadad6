// A load balancer without affinity, for the no-sticky-sessions test: each HTTP request goes to the next backend
// in turn, and so does each WebSocket upgrade (a second turn of its own), whatever session they belong to.
// Plain node http/net, no dependencies. Every request is logged: which backend, method, sid, transport, status.
//
//   const proxy = await startProxy(["http://127.0.0.1:5001", "http://127.0.0.1:5002"]);
//   proxy.url, proxy.log, proxy.nextHttp, proxy.nextWebSocket, await proxy.close()
//
// Run alone: node round-robin-proxy.js <port> <backendUrl>...   (logs one JSON line per request)
"use strict";

const http = require("http");
const net = require("net");

function startProxy(backendUrls, { port = 0, onLog = null } = {}) {
  const backends = backendUrls.map((u) => new URL(u));
  const agents = backends.map(() => new http.Agent({ keepAlive: true }));
  const sockets = new Set();
  const log = [];
  let httpTurn = 0;
  let webSocketTurn = 0;

  function record(req, backend, kind) {
    const url = new URL(req.url, "http://proxy");
    const entry = {
      n: log.length,
      kind,
      backend,
      method: req.method,
      transport: url.searchParams.get("transport"),
      sid: url.searchParams.get("sid"),
      openedSid: null, // a handshake: the sid its open packet gave
      status: null,
      error: null,
    };
    log.push(entry);
    return entry;
  }

  function done(entry) {
    if (onLog) onLog(entry);
  }

  const server = http.createServer((req, res) => {
    const backend = httpTurn;
    httpTurn = (httpTurn + 1) % backends.length;
    const entry = record(req, backend, "http");
    const target = backends[backend];
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: agents[backend] },
      (answer) => {
        entry.status = answer.statusCode;
        res.writeHead(answer.statusCode, answer.statusMessage, answer.rawHeaders);
        if (entry.sid === null && entry.transport === "polling" && answer.statusCode === 200) {
          // A handshake: note the sid of the open packet ("0{...}" in v4, "96:0{...}" in v3).
          const chunks = [];
          answer.on("data", (chunk) => chunks.push(chunk));
          answer.on("end", () => {
            const match = /"sid":"([^"]+)"/.exec(Buffer.concat(chunks).toString("utf8"));
            entry.openedSid = match ? match[1] : null;
          });
        }
        answer.on("end", () => done(entry));
        answer.pipe(res);
      }
    );
    upstream.on("error", (err) => {
      entry.error = err.message;
      entry.status = entry.status || 502;
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`proxy: ${err.message}`);
      done(entry);
    });
    // The client left (e.g. a poll aborted): so does the relayed request.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });

  server.on("upgrade", (req, client, head) => {
    const backend = webSocketTurn;
    webSocketTurn = (webSocketTurn + 1) % backends.length;
    const entry = record(req, backend, "websocket");
    const target = backends[backend];
    const upstream = net.connect(Number(target.port), target.hostname);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on("error", (err) => {
      entry.error = err.message;
      end();
    });
    client.on("error", end);
    upstream.on("close", end);
    client.on("close", end);
    upstream.on("connect", () => {
      let raw = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) raw += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      upstream.write(raw + "\r\n");
      if (head && head.length) upstream.write(head);
      upstream.once("data", (chunk) => {
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(chunk.toString("latin1", 0, 32));
        entry.status = status ? Number(status[1]) : null;
        done(entry);
      });
      upstream.pipe(client);
      client.pipe(upstream);
    });
  });

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        port: address.port,
        log,
        backends: backendUrls,
        get nextHttp() {
          return httpTurn;
        },
        get nextWebSocket() {
          return webSocketTurn;
        },
        close() {
          for (const socket of sockets) socket.destroy();
          agents.forEach((a) => a.destroy());
          return new Promise((r) => server.close(() => r()));
        },
      });
    });
  });
}

module.exports = { startProxy };

if (require.main === module) {
  const [port, ...backends] = process.argv.slice(2);
  if (!port || backends.length === 0) {
    console.error("usage: node round-robin-proxy.js <port> <backendUrl>...");
    process.exit(2);
  }
  startProxy(backends, { port: Number(port), onLog: (e) => console.log(JSON.stringify(e)) }).then((p) =>
    console.error(`round-robin proxy on ${p.url} -> ${backends.join(", ")}`)
  );
}
