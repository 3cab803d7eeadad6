#!/usr/bin/env node
// Browser end-to-end check of the demo chat (the gateway's index.html, namespace /chat) with
// headless Debian Chromium driven by playwright-core: three browsers, each with a fresh
// --user-data-dir (alice, bob, carol), plus a second tab of alice's.
//
//   node chat-browser-test.js <baseUrl> <artifactsDir> [timeoutMs]
//
// Checks, in order (every chat line on a page comes from the server; the page echoes nothing):
//   1. the server refuses a missing nickname and an invalid one: #chat-error shows the
//      CONNECT_ERROR message and data ("Nickname required" / "Invalid nickname");
//   2. alice (two tabs), bob and carol sign in; every page lists the three users once;
//   3. alice and bob join room "lobby"; alice's room message reaches bob (and alice), and was
//      carried by a frame bob received;
//   4. bob's private message reaches both of alice's tabs (every socket of the user) and bob's copy;
//   5. carol's broadcast reaches every page; after it has arrived (the same connections deliver in
//      order), carol and alice's second tab (not in the room: rooms are per socket) have no room
//      message, and carol has no private message;
//   6. bob leaves "lobby": alice's next room message does not reach him (checked after a later
//      broadcast has reached him), while alice sees it;
//   7. carol signs out: the others' user lists drop her and say she left.
// Screenshots of alice's, bob's and carol's pages go to <artifactsDir>/chat-*.png.
// Exits 0 only when every check holds; otherwise a FAIL line says which one and why.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");

const [rawBaseUrl, artifactsArg, timeoutArg] = process.argv.slice(2);
if (!rawBaseUrl || !artifactsArg) {
  console.error("usage: node chat-browser-test.js <baseUrl> <artifactsDir> [timeoutMs]");
  process.exit(2);
}
const baseUrl = rawBaseUrl.replace(/\/+$/, "");
const artifactsDir = path.resolve(artifactsArg);
const TIMEOUT = Number(timeoutArg || process.env.OS_E2E_BROWSER_TIMEOUT_MS || 30000);
const CHROMIUM = process.env.OS_E2E_CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let chromium;
try {
  ({ chromium } = require("playwright-core"));
} catch (err) {
  console.error(`FAIL chat: cannot load playwright-core (run ./test.sh or npm ci in Tests/clients): ${err.message}`);
  process.exit(1);
}
if (!fs.existsSync(CHROMIUM)) {
  console.error(`FAIL chat: ${CHROMIUM} not found (Debian package chromium; ./test.sh installs it)`);
  process.exit(1);
}

const browsers = []; // { name, context, userDataDir }
const pages = []; // { name, page, events, frames }
const nonce = Date.now().toString(36);
const step = (text) => console.log(`ok   ${text}`);

// One Chromium per person, each with its own fresh profile directory (launchPersistentContext
// is how playwright passes --user-data-dir).
async function launch(name) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `os-e2e-chat-${name}-`));
  const browser = { name, userDataDir, context: null };
  browsers.push(browser);
  browser.context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1100, height: 820 },
    timeout: TIMEOUT,
  });
  return browser;
}

// Opens the demo page in a tab of `browser`, recording page errors and what the server sent.
async function open(browser, name) {
  const page = browser.context.pages().find((p) => !pages.some((t) => t.page === p)) || (await browser.context.newPage());
  const tab = { name, page, events: [], frames: [] };
  pages.push(tab);
  page.setDefaultTimeout(TIMEOUT);
  page.on("console", (msg) => tab.events.push(`console.${msg.type()}: ${msg.text()}`));
  page.on("pageerror", (err) => tab.events.push(`pageerror: ${err.message}`));
  page.on("requestfailed", (req) => tab.events.push(`requestfailed: ${req.url()} ${req.failure() && req.failure().errorText}`));
  page.on("websocket", (ws) => {
    tab.events.push(`websocket: ${ws.url()}`);
    ws.on("framereceived", ({ payload }) => {
      if (typeof payload === "string") tab.frames.push(payload);
    });
  });
  page.on("response", async (response) => {
    if (!response.url().includes("transport=polling") || response.request().method() !== "GET") return;
    try {
      tab.frames.push(await response.text());
    } catch {
      /* body no longer available */
    }
  });
  const response = await page.goto(`${baseUrl}/`, { waitUntil: "load" });
  if (!response || !response.ok()) throw new Error(`${name}: GET ${baseUrl}/ answered ${response ? response.status() : "nothing"}`);
  return tab;
}

async function expectText(tab, selector, text, what) {
  try {
    await tab.page.waitForFunction(
      ({ selector, text }) => {
        const el = document.querySelector(selector);
        return !!el && el.textContent.includes(text);
      },
      { selector, text }
    );
  } catch (err) {
    const actual = await tab.page.textContent(selector).catch(() => null);
    throw new Error(`${tab.name}: ${what}: ${selector} never contained "${text}" (it shows "${actual}")`);
  }
}

async function signIn(tab, nickname) {
  await tab.page.fill("#nickname", nickname);
  await tab.page.click("#sign-in");
  await expectText(tab, "#chat-status", `connected as ${nickname}`, `sign in as ${nickname}`);
  await tab.page.waitForSelector("#chat", { state: "visible" });
}

// The refusal is the server's: the page shows connect_error's message and data as they came.
async function expectRefused(tab, nickname, message, reason) {
  await tab.page.fill("#nickname", nickname);
  await tab.page.click("#sign-in");
  await expectText(tab, "#chat-error", message, `nickname "${nickname}" refused`);
  await expectText(tab, "#chat-error", reason, `nickname "${nickname}" refused with data`);
  if (await tab.page.isVisible("#chat")) throw new Error(`${tab.name}: the chat is shown although "${nickname}" was refused`);
  if (!tab.frames.some((f) => f.includes(message))) throw new Error(`${tab.name}: "${message}" was shown but no CONNECT_ERROR carried it`);
}

async function expectUsers(tab, names) {
  try {
    await tab.page.waitForFunction(
      (names) => {
        const shown = [...document.querySelectorAll("#users li[data-user]")].map((li) => li.dataset.user);
        return shown.length === names.length && names.every((n) => shown.includes(n));
      },
      names
    );
  } catch {
    const shown = await tab.page.$$eval("#users li[data-user]", (lis) => lis.map((li) => li.dataset.user));
    throw new Error(`${tab.name}: the user list should be [${names}], it is [${shown}]`);
  }
}

// The message list's lines of one kind (room, private, broadcast, system, notice, error).
function lines(tab, kind) {
  return tab.page.$$eval(`#messages li.msg-${kind}`, (lis) =>
    lis.map((li) => ({ text: li.textContent, from: li.dataset.from, room: li.dataset.room, to: li.dataset.to }))
  );
}

async function expectLine(tab, kind, text, what) {
  try {
    await tab.page.waitForFunction(
      ({ kind, text }) => [...document.querySelectorAll(`#messages li.msg-${kind}`)].some((li) => li.textContent.includes(text)),
      { kind, text }
    );
  } catch {
    const shown = await tab.page.$$eval("#messages li", (lis) => lis.map((li) => `${li.className}: ${li.textContent}`));
    throw new Error(`${tab.name}: ${what}: no ${kind} line with "${text}"; the list has:\n  ${shown.join("\n  ")}`);
  }
  return (await lines(tab, kind)).find((l) => l.text.includes(text));
}

async function expectNoLine(tab, text, what) {
  const all = await tab.page.$$eval("#messages li", (lis) => lis.map((li) => li.className + ": " + li.textContent));
  const found = all.find((l) => l.includes(text));
  if (found) throw new Error(`${tab.name}: ${what}: unexpected line "${found}"`);
}

// Sends from the composer; the server's ack clears the input (an error ack leaves it and adds an error line).
async function send(tab, target, text) {
  await tab.page.selectOption("#target", target);
  await tab.page.fill("#text", text);
  await tab.page.click("#send");
  try {
    await tab.page.waitForFunction(() => document.querySelector("#text").value === "");
  } catch {
    const errors = await lines(tab, "error");
    throw new Error(`${tab.name}: sending to ${target} was not acknowledged: ${JSON.stringify(errors.map((e) => e.text))}`);
  }
}

async function join(tab, room) {
  await tab.page.fill("#room", room);
  await tab.page.click("#join");
  await tab.page.waitForSelector(`#rooms li[data-room="${room}"]`);
}

async function leave(tab, room) {
  await tab.page.click(`#rooms li[data-room="${room}"] button.leave`);
  await tab.page.waitForSelector(`#rooms li[data-room="${room}"]`, { state: "detached" });
}

async function screenshot(tab, file) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const target = path.join(artifactsDir, file);
  await tab.page.screenshot({ path: target, fullPage: true });
  return target;
}

async function main() {
  const [aliceBrowser, bobBrowser, carolBrowser] = await Promise.all(["alice", "bob", "carol"].map(launch));
  const alice = await open(aliceBrowser, "alice");
  const bob = await open(bobBrowser, "bob");
  const carol = await open(carolBrowser, "carol");
  // The seed's exchange on the main namespace still runs on the chat page.
  await expectText(alice, "#log", "I'm connected!", "the main namespace's my event → my response");
  step("the page loads in three browsers; the main namespace answered \"I'm connected!\"");

  // 1. Refusals come from the connect handler (ConnectionRefusedException message + data).
  await expectRefused(carol, "", "Nickname required", "missing_nickname");
  await expectRefused(carol, "carol smith!", "Invalid nickname", "invalid_nickname");
  step("a missing and an invalid nickname are refused with the server's message and data");

  // 2. Sign in; alice also in a second tab (same user, two sockets).
  await signIn(alice, "alice");
  await signIn(bob, "bob");
  await signIn(carol, "carol");
  const alice2 = await open(aliceBrowser, "alice (2nd tab)");
  await signIn(alice2, "alice");
  for (const tab of [alice, bob, carol, alice2]) await expectUsers(tab, ["alice", "bob", "carol"]);
  step("alice (two tabs), bob and carol are signed in; every page lists alice, bob and carol");

  // 3. Room message.
  await join(alice, "lobby");
  await join(bob, "lobby");
  await expectLine(alice, "system", "bob joined #lobby", "alice sees bob join the room");
  const roomText = `hello lobby from alice ${nonce}`;
  await send(alice, "room:lobby", roomText);
  const atBob = await expectLine(bob, "room", roomText, "alice's room message reaches bob");
  if (atBob.from !== "alice" || atBob.room !== "lobby") throw new Error(`bob: the room line says from=${atBob.from} room=${atBob.room}`);
  await expectLine(alice, "room", roomText, "alice's room message comes back to alice");
  if (!bob.frames.some((f) => f.includes(roomText))) throw new Error("bob shows the room message but no frame he received carried it");
  step("alice and bob joined #lobby; alice's room message reached bob and alice");

  // 4. Private message to every socket of the user.
  const privateText = `psst alice, bob here ${nonce}`;
  await send(bob, "user:alice", privateText);
  for (const tab of [alice, alice2]) {
    const line = await expectLine(tab, "private", privateText, "bob's private message reaches alice");
    if (line.from !== "bob" || line.to !== "alice") throw new Error(`${tab.name}: the private line says from=${line.from} to=${line.to}`);
  }
  await expectLine(bob, "private", privateText, "bob sees his private message (sent copy)");
  step("bob's private message reached both of alice's tabs (and bob's copy)");

  // 5. Broadcast from carol, who is in no room; it is also the barrier for the negative checks.
  const broadcastText = `hi everyone, carol here ${nonce}`;
  await send(carol, "all", broadcastText);
  for (const tab of [alice, alice2, bob, carol]) await expectLine(tab, "broadcast", broadcastText, "carol's broadcast reaches everyone");
  await expectNoLine(carol, roomText, "carol is not in #lobby");
  await expectNoLine(alice2, roomText, "alice's second tab did not join #lobby (rooms are per socket)");
  await expectNoLine(carol, privateText, "bob's private message was for alice only");
  step("carol's broadcast reached all four pages; the room message did not reach carol, the private one only alice");
  const carolShot = await screenshot(carol, "chat-carol.png");

  // 6. Leave.
  await leave(bob, "lobby");
  await expectLine(alice, "system", "bob left #lobby", "alice sees bob leave the room");
  const afterLeave = `still here? ${nonce}`;
  await send(alice, "room:lobby", afterLeave);
  await expectLine(alice, "room", afterLeave, "alice's second room message comes back to alice");
  const barrier = `after the leave ${nonce}`;
  await send(alice, "all", barrier);
  await expectLine(bob, "broadcast", barrier, "alice's later broadcast reaches bob");
  await expectNoLine(bob, afterLeave, "bob left #lobby");
  await expectNoLine(carol, afterLeave, "carol is not in #lobby");
  step("bob left #lobby: alice's next room message no longer reached him");

  // 7. Sign out.
  await carol.page.click("#sign-out");
  await carol.page.waitForSelector("#chat", { state: "hidden" });
  for (const tab of [alice, bob]) {
    await expectUsers(tab, ["alice", "bob"]);
    await expectLine(tab, "system", "carol left the chat", "carol's sign-out is announced");
  }
  step("carol signed out: alice and bob list alice and bob, and say carol left");

  const errors = pages.flatMap((t) => t.events.filter((e) => e.startsWith("pageerror")).map((e) => `${t.name}: ${e}`));
  if (errors.length) throw new Error(`script errors on the pages:\n  ${errors.join("\n  ")}`);

  const shots = [await screenshot(alice, "chat-alice.png"), await screenshot(bob, "chat-bob.png"), carolShot];
  console.log(`screenshots: ${shots.join(" ")}`);
  console.log(`PASS chat (${CHROMIUM}) ${baseUrl}/`);
  return 0;
}

async function reportFailure(err) {
  console.error(`FAIL chat ${baseUrl}/: ${err.message}`);
  for (const tab of pages) {
    try {
      const file = await screenshot(tab, `chat-failure-${tab.name.replace(/\W+/g, "-")}.png`);
      console.error(`--- ${tab.name}: screenshot ${file}`);
      console.error(`page text: ${(await tab.page.innerText("body")).trim().replace(/\s+/g, " ").slice(0, 800)}`);
    } catch {
      /* best effort */
    }
    if (tab.events.length) console.error(`page events:\n  ${tab.events.join("\n  ")}`);
  }
}

const overall = setTimeout(() => {
  console.error(`FAIL chat: overall timeout of ${4 * TIMEOUT} ms exceeded`);
  process.exit(1);
}, 4 * TIMEOUT);

main()
  .catch(async (err) => {
    await reportFailure(err);
    return 1;
  })
  .then(async (code) => {
    for (const b of browsers) {
      if (b.context) await b.context.close().catch(() => {});
      fs.rmSync(b.userDataDir, { recursive: true, force: true });
    }
    clearTimeout(overall);
    process.exit(code);
  });
