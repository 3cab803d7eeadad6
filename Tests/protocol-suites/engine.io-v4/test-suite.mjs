// Engine.IO protocol v4 conformance suite, run against the bare Engine.IO endpoint
// `/engine.io/` of the server under test (echoes every message).
// Test cases follow the official Engine.IO v4 test suite one for one; see ../README.md.
//
//   PROTOCOL_SUITE_URL=http://127.0.0.1:3000 mocha --exit engine.io-v4/test-suite.mjs
import {
  expect,
  http,
  sleep,
  bytesOf,
  trackSockets,
  PING_INTERVAL,
  PING_TIMEOUT,
  MAX_PAYLOAD,
  HEARTBEAT_TEST_TIMEOUT,
} from "../lib/harness.mjs";

const EP = "/engine.io/";
const Q = `${EP}?EIO=4&transport=polling`;
const ws = trackSockets(afterEach);

/** Opens a polling session and returns its sid. */
async function pollingSession() {
  const res = await http(Q);
  expect(res.status).to.equal(200);
  const text = await res.text();
  return JSON.parse(text.slice(1)).sid;
}

const poll = (sid, extra = "", init = undefined) => http(`${Q}&sid=${sid}${extra}`, init);
const push = (sid, body) => http(`${Q}&sid=${sid}`, { method: "POST", body });

function expectOpenPacket(text, upgrades) {
  expect(text).to.match(/^0/);
  const open = JSON.parse(text.slice(1));
  expect(open).to.have.all.keys("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
  expect(open.sid).to.be.a("string");
  expect(open.upgrades).to.deep.equal(upgrades);
  expect(open.pingInterval).to.equal(PING_INTERVAL);
  expect(open.pingTimeout).to.equal(PING_TIMEOUT);
  expect(open.maxPayload).to.equal(MAX_PAYLOAD);
}

/** Asserts a push/poll exchange echoes `payload` unchanged. */
async function expectEcho(payload) {
  const sid = await pollingSession();
  const pushed = await push(sid, payload);
  expect(pushed.status).to.equal(200);
  expect(await pushed.text()).to.equal("ok");
  const polled = await poll(sid);
  expect(polled.status).to.equal(200);
  expect(await polled.text()).to.equal(payload);
}

/** Polling-to-WebSocket upgrade up to the "3probe" answer; returns the WebSocket. */
async function probe(sid) {
  const socket = ws(`${EP}?EIO=4&transport=websocket&sid=${sid}`);
  await socket.next("open");
  socket.send("2probe");
  expect(await socket.next("message")).to.equal("3probe");
  return socket;
}

describe("Engine.IO protocol", () => {
  describe("handshake", () => {
    describe("HTTP long-polling", () => {
      it("successfully opens a session", async () => {
        const res = await http(Q);
        expect(res.status).to.equal(200);
        expectOpenPacket(await res.text(), ["websocket"]);
      });

      it("fails with an invalid 'EIO' query parameter", async () => {
        expect((await http(`${EP}?transport=polling`)).status).to.equal(400);
        expect((await http(`${EP}?EIO=abc&transport=polling`)).status).to.equal(400);
      });

      it("fails with an invalid 'transport' query parameter", async () => {
        expect((await http(`${EP}?EIO=4`)).status).to.equal(400);
        expect((await http(`${EP}?EIO=4&transport=abc`)).status).to.equal(400);
      });

      it("fails with an invalid request method", async () => {
        expect((await http(Q, { method: "POST" })).status).to.equal(400);
        expect((await http(Q, { method: "PUT" })).status).to.equal(400);
      });
    });

    describe("WebSocket", () => {
      it("successfully opens a session", async () => {
        const socket = ws(`${EP}?EIO=4&transport=websocket`);
        expectOpenPacket(await socket.next("message"), []);
      });

      it("fails with an invalid 'EIO' query parameter", async () => {
        await ws(`${EP}?transport=websocket`).next("close");
        await ws(`${EP}?EIO=abc&transport=websocket`).next("close");
      });

      it("fails with an invalid 'transport' query parameter", async () => {
        await ws(`${EP}?EIO=4`).next("close");
        await ws(`${EP}?EIO=4&transport=abc`).next("close");
      });
    });
  });

  describe("message", () => {
    describe("HTTP long-polling", () => {
      it("sends and receives a payload containing one plain text packet", async () => {
        await expectEcho("4hello");
      });

      it("sends and receives a payload containing several plain text packets", async () => {
        await expectEcho("4test1\x1e4test2\x1e4test3");
      });

      it("sends and receives a payload containing plain text and binary packets", async () => {
        await expectEcho("4hello\x1ebAQIDBA==");
      });

      it("closes the session upon invalid packet format", async () => {
        const sid = await pollingSession();
        try {
          const res = await push(sid, "abc");
          expect(res.status).to.equal(400);
        } catch (err) {
          if (err.name === "AssertionError") throw err;
          // the server may also drop the connection: fetch then rejects
        }
        expect((await poll(sid)).status).to.equal(400);
      });

      it("closes the session upon duplicate poll requests", async () => {
        const sid = await pollingSession();
        const [first, second] = await Promise.all([
          poll(sid),
          sleep(5).then(() => poll(sid, "&t=burst")),
        ]);
        expect(first.status).to.equal(200);
        expect(await first.text()).to.equal("1"); // CLOSE packet for the pending poll
        // Node.js answers the overlapping request with 500, 400 is accepted as well
        expect(second.status).to.be.oneOf([400, 500]);
        expect((await poll(sid)).status).to.equal(400);
      });

      it("closes the session upon cancelled polling request", async () => {
        const sid = await pollingSession();
        const abort = new AbortController();
        poll(sid, "", { signal: abort.signal }).catch(() => {});
        await sleep(5);
        abort.abort();
        expect((await poll(sid)).status).to.equal(400);
      });
    });

    describe("WebSocket", () => {
      it("sends and receives a plain text packet", async () => {
        const socket = ws(`${EP}?EIO=4&transport=websocket`);
        await socket.next("open");
        await socket.next("message"); // open packet
        socket.send("4hello");
        expect(await socket.next("message")).to.equal("4hello");
      });

      it("sends and receives a binary packet", async () => {
        const socket = ws(`${EP}?EIO=4&transport=websocket`);
        await socket.next("message"); // open packet
        socket.send(Uint8Array.from([1, 2, 3, 4]));
        const data = await socket.next("message");
        expect(data).to.be.instanceOf(ArrayBuffer);
        expect(bytesOf(data)).to.deep.equal([1, 2, 3, 4]);
      });

      it("closes the session upon invalid packet format", async () => {
        const socket = ws(`${EP}?EIO=4&transport=websocket`);
        await socket.next("message"); // open packet
        socket.send("abc");
        await socket.next("close");
      });
    });
  });

  describe("heartbeat", function () {
    this.timeout(HEARTBEAT_TEST_TIMEOUT);

    describe("HTTP long-polling", () => {
      it("sends ping/pong packets", async () => {
        const sid = await pollingSession();
        for (let round = 0; round < 3; round++) {
          const polled = await poll(sid);
          expect(polled.status).to.equal(200);
          expect(await polled.text()).to.equal("2");
          expect((await push(sid, "3")).status).to.equal(200);
        }
      });

      it("closes the session upon ping timeout", async () => {
        const sid = await pollingSession();
        await sleep(PING_INTERVAL + PING_TIMEOUT);
        expect((await poll(sid)).status).to.equal(400);
      });
    });

    describe("WebSocket", () => {
      it("sends ping/pong packets", async () => {
        const socket = ws(`${EP}?EIO=4&transport=websocket`);
        await socket.next("message"); // open packet
        for (let round = 0; round < 3; round++) {
          expect(await socket.next("message")).to.equal("2");
          socket.send("3");
        }
      });

      it("closes the session upon ping timeout", async () => {
        const socket = ws(`${EP}?EIO=4&transport=websocket`);
        await socket.next("close"); // never answers the PING
      });
    });
  });

  describe("close", () => {
    describe("HTTP long-polling", () => {
      it("forcefully closes the session", async () => {
        const sid = await pollingSession();
        const [polled] = await Promise.all([poll(sid), push(sid, "1")]);
        expect(polled.status).to.equal(200);
        expect(await polled.text()).to.equal("6"); // NOOP ends the pending poll
        expect((await poll(sid)).status).to.equal(400);
      });
    });

    describe("WebSocket", () => {
      it("forcefully closes the session", async () => {
        const socket = ws(`${EP}?EIO=4&transport=websocket`);
        await socket.next("message"); // open packet
        socket.send("1");
        await socket.next("close");
      });
    });
  });

  describe("upgrade", () => {
    it("successfully upgrades from HTTP long-polling to WebSocket", async () => {
      const sid = await pollingSession();
      const socket = await probe(sid);
      const polled = await poll(sid);
      expect(polled.status).to.equal(200);
      expect(await polled.text()).to.equal("6"); // NOOP ends polling cleanly
      socket.send("5"); // UPGRADE
      socket.send("4hello");
      expect(await socket.next("message")).to.equal("4hello");
    });

    it("ignores HTTP requests with same sid after upgrade", async () => {
      const sid = await pollingSession();
      const socket = await probe(sid);
      socket.send("5");
      expect((await poll(sid)).status).to.equal(400);
      socket.send("4hello");
      expect(await socket.next("message")).to.equal("4hello");
    });

    it("ignores WebSocket connection with same sid after upgrade", async () => {
      const sid = await pollingSession();
      const socket = await probe(sid);
      socket.send("5");
      await ws(`${EP}?EIO=4&transport=websocket&sid=${sid}`).next("close");
      socket.send("4hello");
      expect(await socket.next("message")).to.equal("4hello");
    });
  });
});
