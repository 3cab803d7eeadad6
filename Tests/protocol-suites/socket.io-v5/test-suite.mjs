// Socket.IO protocol v5 (over Engine.IO v4) conformance suite, run against `/socket.io/`
// of the server under test with the "protocol" test profile:
//   "/" and "/custom" emit "auth" (the handshake auth) on connection; on "/", "message"
//   -> "message-back" with the same arguments, "message-with-ack" -> ack with them.
// Test cases follow the official Socket.IO v5 test suite one for one; see ../README.md.
//
//   PROTOCOL_SUITE_URL=http://127.0.0.1:3000 mocha --exit socket.io-v5/test-suite.mjs
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
  CONNECT_TIMEOUT,
} from "../lib/harness.mjs";

const EP = "/socket.io/";
const Q = `${EP}?EIO=4&transport=polling`;
const WSQ = `${EP}?EIO=4&transport=websocket`;
const ws = trackSockets(afterEach);

async function pollingSession() {
  const res = await http(Q);
  expect(res.status).to.equal(200);
  return JSON.parse((await res.text()).slice(1)).sid;
}

const poll = (sid) => http(`${Q}&sid=${sid}`);
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

/** Asserts a Socket.IO CONNECT answer `40<nsp,>{"sid":...}` for namespace prefix `prefix`. */
function expectConnectAnswer(data, prefix) {
  expect(data.startsWith(`40${prefix}`), `CONNECT answer ${data}`).to.equal(true);
  const handshake = JSON.parse(data.slice(2 + prefix.length));
  expect(handshake).to.have.all.keys("sid");
  expect(handshake.sid).to.be.a("string");
}

/** WebSocket connected to "/" (CONNECT answer and "auth" event consumed). */
async function connectedSocket() {
  const socket = ws(WSQ);
  await socket.next("message"); // Engine.IO open packet
  socket.send("40");
  await socket.next("message"); // Socket.IO CONNECT answer
  await socket.next("message"); // "auth" event
  return socket;
}

/** Opens a WebSocket, sends `connectPacket`, returns [socket, first Socket.IO answer]. */
async function connectWith(connectPacket) {
  const socket = ws(WSQ);
  await socket.next("message"); // Engine.IO open packet
  socket.send(connectPacket);
  return [socket, await socket.next("message")];
}

describe("Engine.IO protocol", () => {
  describe("handshake", () => {
    describe("HTTP long-polling", () => {
      it("should successfully open a session", async () => {
        const res = await http(Q);
        expect(res.status).to.equal(200);
        expectOpenPacket(await res.text(), ["websocket"]);
      });

      it("should fail with an invalid 'EIO' query parameter", async () => {
        expect((await http(`${EP}?transport=polling`)).status).to.equal(400);
        expect((await http(`${EP}?EIO=abc&transport=polling`)).status).to.equal(400);
      });

      it("should fail with an invalid 'transport' query parameter", async () => {
        expect((await http(`${EP}?EIO=4`)).status).to.equal(400);
        expect((await http(`${EP}?EIO=4&transport=abc`)).status).to.equal(400);
      });

      it("should fail with an invalid request method", async () => {
        expect((await http(Q, { method: "POST" })).status).to.equal(400);
        expect((await http(Q, { method: "PUT" })).status).to.equal(400);
      });
    });

    describe("WebSocket", () => {
      it("should successfully open a session", async () => {
        expectOpenPacket(await ws(WSQ).next("message"), []);
      });

      it("should fail with an invalid 'EIO' query parameter", async () => {
        await ws(`${EP}?transport=websocket`).next("close");
        await ws(`${EP}?EIO=abc&transport=websocket`).next("close");
      });

      it("should fail with an invalid 'transport' query parameter", async () => {
        await ws(`${EP}?EIO=4`).next("close");
        await ws(`${EP}?EIO=4&transport=abc`).next("close");
      });
    });
  });

  describe("heartbeat", function () {
    this.timeout(HEARTBEAT_TEST_TIMEOUT);

    describe("HTTP long-polling", () => {
      it("should send ping/pong packets", async () => {
        const sid = await pollingSession();
        for (let round = 0; round < 3; round++) {
          const polled = await poll(sid);
          expect(polled.status).to.equal(200);
          expect(await polled.text()).to.equal("2");
          expect((await push(sid, "3")).status).to.equal(200);
        }
      });

      it("should close the session upon ping timeout", async () => {
        const sid = await pollingSession();
        await sleep(PING_INTERVAL + PING_TIMEOUT);
        expect((await poll(sid)).status).to.equal(400);
      });
    });

    describe("WebSocket", () => {
      it("should send ping/pong packets", async () => {
        const socket = ws(WSQ);
        await socket.next("message"); // open packet
        for (let round = 0; round < 3; round++) {
          expect(await socket.next("message")).to.equal("2");
          socket.send("3");
        }
      });

      it("should close the session upon ping timeout", async () => {
        await ws(WSQ).next("close"); // never answers the PING
      });
    });
  });

  describe("close", () => {
    describe("HTTP long-polling", () => {
      it("should forcefully close the session", async () => {
        const sid = await pollingSession();
        const [polled] = await Promise.all([poll(sid), push(sid, "1")]);
        expect(polled.status).to.equal(200);
        expect(await polled.text()).to.equal("6");
        expect((await poll(sid)).status).to.equal(400);
      });
    });

    describe("WebSocket", () => {
      it("should forcefully close the session", async () => {
        const socket = ws(WSQ);
        await socket.next("message"); // open packet
        socket.send("1");
        await socket.next("close");
      });
    });
  });

  describe("upgrade", () => {
    it("should successfully upgrade from HTTP long-polling to WebSocket", async () => {
      const sid = await pollingSession();
      const socket = ws(`${WSQ}&sid=${sid}`);
      await socket.next("open");
      socket.send("2probe");
      expect(await socket.next("message")).to.equal("3probe");
      socket.send("5"); // complete the upgrade
    });

    it("should ignore HTTP requests with same sid after upgrade", async () => {
      const sid = await pollingSession();
      const socket = ws(`${WSQ}&sid=${sid}`);
      await socket.next("open");
      socket.send("2probe");
      socket.send("5"); // sent right behind the probe, as upstream does
      expect(await socket.next("message")).to.equal("3probe");
      expect((await poll(sid)).status).to.equal(400);
    });

    it("should ignore WebSocket connection with same sid after upgrade", async () => {
      const sid = await pollingSession();
      const socket = ws(`${WSQ}&sid=${sid}`);
      await socket.next("open");
      socket.send("2probe");
      socket.send("5");
      expect(await socket.next("message")).to.equal("3probe");
      await ws(`${WSQ}&sid=${sid}`).next("close");
    });
  });
});

describe("Socket.IO protocol", () => {
  describe("connect", () => {
    it("should allow connection to the main namespace", async () => {
      const [socket, answer] = await connectWith("40");
      expectConnectAnswer(answer, "");
      expect(await socket.next("message")).to.equal('42["auth",{}]');
    });

    it("should allow connection to the main namespace with a payload", async () => {
      const [socket, answer] = await connectWith('40{"token":"123"}');
      expectConnectAnswer(answer, "");
      expect(await socket.next("message")).to.equal('42["auth",{"token":"123"}]');
    });

    it("should allow connection to a custom namespace", async () => {
      const [socket, answer] = await connectWith("40/custom,");
      expectConnectAnswer(answer, "/custom,");
      expect(await socket.next("message")).to.equal('42/custom,["auth",{}]');
    });

    it("should allow connection to a custom namespace with a payload", async () => {
      const [socket, answer] = await connectWith('40/custom,{"token":"abc"}');
      expectConnectAnswer(answer, "/custom,");
      expect(await socket.next("message")).to.equal('42/custom,["auth",{"token":"abc"}]');
    });

    it("should disallow connection to an unknown namespace", async () => {
      const [, answer] = await connectWith("40/random");
      expect(answer).to.equal('44/random,{"message":"Invalid namespace"}');
    });

    it("should disallow connection with an invalid handshake", async () => {
      const socket = ws(WSQ);
      await socket.next("message"); // Engine.IO open packet
      socket.send("4abc");
      await socket.next("close");
    });

    it("should close the connection if no handshake is received", async function () {
      this.timeout(CONNECT_TIMEOUT + 1000); // upstream: mocha's 2000 ms, connectTimeout 1000 ms in the test profile
      await ws(WSQ).next("close");
    });
  });

  describe("disconnect", () => {
    it("should disconnect from the main namespace", async () => {
      const socket = await connectedSocket();
      socket.send("41");
      // the Engine.IO connection stays open: the next packet is a PING
      expect(await socket.next("message")).to.equal("2");
    });

    it("should connect then disconnect from a custom namespace", async () => {
      const socket = await connectedSocket();
      await socket.next("message"); // PING
      socket.send("40/custom");
      await socket.next("message"); // CONNECT answer
      await socket.next("message"); // "auth" event
      socket.send("41/custom");
      socket.send('42["message","message to main namespace"]');
      expect(await socket.next("message")).to.equal('42["message-back","message to main namespace"]');
    });
  });

  describe("message", () => {
    it("should send a plain-text packet", async () => {
      const socket = await connectedSocket();
      socket.send('42["message",1,"2",{"3":[true]}]');
      expect(await socket.next("message")).to.equal('42["message-back",1,"2",{"3":[true]}]');
    });

    it("should send a packet with binary attachments", async () => {
      const socket = await connectedSocket();
      socket.send('452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
      socket.send(Uint8Array.from([1, 2, 3]));
      socket.send(Uint8Array.from([4, 5, 6]));
      const [header, first, second] = await socket.messagesIgnoringPings(3);
      expect(header).to.equal('452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
      expect(bytesOf(first)).to.deep.equal([1, 2, 3]);
      expect(bytesOf(second)).to.deep.equal([4, 5, 6]);
    });

    it("should send a plain-text packet with an ack", async () => {
      const socket = await connectedSocket();
      socket.send('42456["message-with-ack",1,"2",{"3":[false]}]');
      expect(await socket.next("message")).to.equal('43456[1,"2",{"3":[false]}]');
    });

    it("should send a packet with binary attachments and an ack", async () => {
      const socket = await connectedSocket();
      socket.send('452-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
      socket.send(Uint8Array.from([1, 2, 3]));
      socket.send(Uint8Array.from([4, 5, 6]));
      const [header, first, second] = await socket.messagesIgnoringPings(3);
      expect(header).to.equal('462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
      expect(bytesOf(first)).to.deep.equal([1, 2, 3]);
      expect(bytesOf(second)).to.deep.equal([4, 5, 6]);
    });

    it("should close the connection upon invalid format (unknown packet type)", async () => {
      const socket = await connectedSocket();
      socket.send("4abc");
      await socket.next("close");
    });

    it("should close the connection upon invalid format (invalid payload format)", async () => {
      const socket = await connectedSocket();
      socket.send("42{}");
      await socket.next("close");
    });

    it("should close the connection upon invalid format (invalid ack id)", async () => {
      const socket = await connectedSocket();
      socket.send('42abc["message-with-ack",1,"2",{"3":[false]}]');
      await socket.next("close");
    });
  });
});
