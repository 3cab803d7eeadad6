// Engine.IO protocol v3 conformance suite (socket.io 2.x clients), run against the bare
// Engine.IO endpoint `/engine.io/` of the server under test (echoes every message).
// Test cases follow the official Engine.IO v3 test suite one for one; see ../README.md.
//
//   PROTOCOL_SUITE_URL=http://127.0.0.1:3000 mocha --exit engine.io-v3/test-suite.mjs
import { expect, http, sleep, bytesOf, trackSockets, PING_INTERVAL, PING_TIMEOUT, HEARTBEAT_TEST_TIMEOUT } from "../lib/harness.mjs";

const EP = "/engine.io/";
const Q = `${EP}?EIO=3&transport=polling`;
const ws = trackSockets(afterEach);

/** Splits a v3 text payload "<length>:<packet>" of one packet. */
function singlePacket(payload) {
  const colon = payload.indexOf(":");
  return { length: payload.slice(0, colon), packet: payload.slice(colon + 1) };
}

/** Opens a polling session (base64 for binary unless `binary`) and returns its sid. */
async function pollingSession(binary = false) {
  const res = await http(binary ? Q : `${Q}&b64=1`);
  expect(res.status).to.equal(200);
  return JSON.parse(singlePacket(await res.text()).packet.slice(1)).sid;
}

const poll = (sid, extra = "") => http(`${Q}&sid=${sid}${extra}`);
const push = (sid, body) => http(`${Q}&sid=${sid}`, { method: "POST", body });

function expectOpenPacket(packet, upgrades) {
  expect(packet).to.match(/^0/);
  const open = JSON.parse(packet.slice(1));
  expect(open.sid).to.be.a("string");
  expect(open.upgrades).to.deep.equal(upgrades);
  expect(open.pingInterval).to.equal(PING_INTERVAL);
  expect(open.pingTimeout).to.equal(PING_TIMEOUT);
  expect(open.maxPayload).to.be.oneOf([undefined, 1000000]);
}

/** Asserts a push/poll exchange on a base64 session echoes `payload` unchanged. */
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
  const socket = ws(`${EP}?EIO=3&transport=websocket&sid=${sid}`);
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
        const { length, packet } = singlePacket(await res.text());
        expect(length).to.equal(String(packet.length));
        expectOpenPacket(packet, ["websocket"]);
      });

      it("fails with an invalid 'transport' query parameter", async () => {
        expect((await http(`${EP}?EIO=3`)).status).to.equal(400);
        expect((await http(`${EP}?EIO=3&transport=abc`)).status).to.equal(400);
      });

      it("fails with an invalid request method", async () => {
        expect((await http(Q, { method: "POST" })).status).to.equal(400);
      });
    });

    describe("WebSocket", () => {
      it("successfully opens a session", async () => {
        const socket = ws(`${EP}?EIO=3&transport=websocket`);
        expectOpenPacket(await socket.next("message"), []);
      });

      it("fails with an invalid 'EIO' query parameter", async () => {
        await ws(`${EP}?transport=websocket`).next("close");
        await ws(`${EP}?EIO=abc&transport=websocket`).next("close");
      });

      it("fails with an invalid 'transport' query parameter", async () => {
        await ws(`${EP}?EIO=3`).next("close");
        await ws(`${EP}?EIO=3&transport=abc`).next("close");
      });
    });
  });

  describe("message", () => {
    describe("HTTP long-polling", () => {
      it("sends and receives a payload containing one plain text packet", async () => {
        await expectEcho("6:4hello");
      });

      it("sends and receives a payload containing several plain text packets", async () => {
        await expectEcho("6:4test16:4test26:4test3");
      });

      it("sends and receives a payload containing plain text and binary packets (base64 encoded)", async () => {
        await expectEcho("6:4hello10:b4AQIDBA==");
      });

      it("sends and receives a payload containing plain text and binary packets (binary)", async () => {
        const sid = await pollingSession(true);
        const pushed = await push(sid, "6:4hello10:b4AQIDBA==");
        expect(pushed.status).to.equal(200);
        expect(await pushed.text()).to.equal("ok");
        const polled = await poll(sid);
        expect(polled.status).to.equal(200);
        // binary payload: <0=string|1=binary> <length digits> 0xff <packet>
        //   0 6 255 "4hello"   1 5 255 <4 = MESSAGE> 1 2 3 4
        expect(bytesOf(await polled.arrayBuffer())).to.deep.equal([
          0, 6, 255, 52, 104, 101, 108, 108, 111, 1, 5, 255, 4, 1, 2, 3, 4,
        ]);
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

      // Skipped upstream ("FIXME CORS error", a browser-only problem). It runs here, with
      // the status of the poll after the close relaxed to 400 or 500 (upstream: 500).
      it("closes the session upon duplicate poll requests", async () => {
        const sid = await pollingSession();
        const [first, second] = await Promise.all([
          poll(sid),
          sleep(5).then(() => poll(sid, "&t=burst")),
        ]);
        expect(first.status).to.equal(200);
        expect(await first.text()).to.equal("1:1"); // CLOSE packet for the pending poll
        expect(second.status).to.be.oneOf([400, 500]);
        expect((await poll(sid)).status).to.be.oneOf([400, 500]);
      });
    });

    describe("WebSocket", () => {
      it("sends and receives a plain text packet", async () => {
        const socket = ws(`${EP}?EIO=3&transport=websocket`);
        await socket.next("open");
        await socket.next("message"); // open packet
        socket.send("4hello");
        expect(await socket.next("message")).to.equal("4hello");
      });

      it("sends and receives a binary packet", async () => {
        const socket = ws(`${EP}?EIO=3&transport=websocket`);
        await socket.next("message"); // open packet
        socket.send(Uint8Array.from([4, 1, 2, 3, 4])); // v3: first byte is the packet type
        const data = await socket.next("message");
        expect(data).to.be.instanceOf(ArrayBuffer);
        expect(bytesOf(data)).to.deep.equal([4, 1, 2, 3, 4]);
      });

      it("closes the session upon invalid packet format", async () => {
        const socket = ws(`${EP}?EIO=3&transport=websocket`);
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
          expect((await push(sid, "1:2")).status).to.equal(200); // v3: the client pings
          const polled = await poll(sid);
          expect(polled.status).to.equal(200);
          expect(await polled.text()).to.equal("1:3");
        }
      });

      it("closes the session upon ping timeout", async () => {
        const sid = await pollingSession();
        await sleep(PING_INTERVAL + PING_TIMEOUT);
        expect((await push(sid, "1:2")).status).to.equal(400);
      });
    });

    describe("WebSocket", () => {
      it("sends ping/pong packets", async () => {
        const socket = ws(`${EP}?EIO=3&transport=websocket`);
        await socket.next("message"); // open packet
        for (let round = 0; round < 3; round++) {
          socket.send("2");
          expect(await socket.next("message")).to.equal("3");
        }
      });

      it("closes the session upon ping timeout", async () => {
        const socket = ws(`${EP}?EIO=3&transport=websocket`);
        await socket.next("close"); // never pings
      });
    });
  });

  describe("close", () => {
    describe("HTTP long-polling", () => {
      it("forcefully closes the session", async () => {
        const sid = await pollingSession();
        const [polled] = await Promise.all([poll(sid), push(sid, "1:1")]);
        expect(polled.status).to.equal(200);
        expect(await polled.text()).to.equal("1:6"); // NOOP ends the pending poll
        expect((await poll(sid)).status).to.equal(400);
      });
    });

    describe("WebSocket", () => {
      it("forcefully closes the session", async () => {
        const socket = ws(`${EP}?EIO=3&transport=websocket`);
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
      expect(await polled.text()).to.equal("1:6"); // NOOP ends polling cleanly
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
      await ws(`${EP}?EIO=3&transport=websocket&sid=${sid}`).next("close");
      socket.send("4hello");
      expect(await socket.next("message")).to.equal("4hello");
    });
  });
});
