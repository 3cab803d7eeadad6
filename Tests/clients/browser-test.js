#!/usr/bin/env node
// Browser end-to-end check of the gateway's demo page with headless Debian Chromium,
// driven by playwright-core (no browser download: /usr/bin/chromium is used).
//
//   node browser-test.js <baseUrl> <screenshot.png> [timeoutMs]
//
// Opens <baseUrl>/, waits until #log shows "I'm connected!" (the server's answer to the
// page's "my event"), checks that the text really came from the server (a received
// WebSocket frame or polling response carries it) and that the page's `socket.connected`
// is true, then saves a screenshot. Exits 0 only when all of that holds.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");

const [rawBaseUrl, screenshotArg, timeoutArg] = process.argv.slice(2);
if (!rawBaseUrl || !screenshotArg) {
  console.error("usage: node browser-test.js <baseUrl> <screenshot.png> [timeoutMs]");
  process.exit(2);
}
const baseUrl = rawBaseUrl.replace(/\/+$/, "");
const screenshotPath = path.resolve(screenshotArg);
const TIMEOUT = Number(timeoutArg || process.env.OS_E2E_BROWSER_TIMEOUT_MS || 30000);
const EXPECTED = "I'm connected!";
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
  console.error(`FAIL browser: cannot load playwright-core (run ./test.sh or npm ci in Tests/clients): ${err.message}`);
  process.exit(1);
}
if (!fs.existsSync(CHROMIUM)) {
  console.error(`FAIL browser: ${CHROMIUM} not found (Debian package chromium; ./test.sh installs it)`);
  process.exit(1);
}

async function main() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "os-e2e-chromium-"));
  const pageLog = [];
  const serverTexts = []; // payloads received from the server that mention EXPECTED
  let context;
  try {
    // launchPersistentContext is how playwright takes a --user-data-dir (a fresh one here)
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1024, height: 640 },
      timeout: TIMEOUT,
    });
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(TIMEOUT);
    page.on("console", (msg) => pageLog.push(`console.${msg.type()}: ${msg.text()}`));
    page.on("pageerror", (err) => pageLog.push(`pageerror: ${err.message}`));
    page.on("requestfailed", (req) => pageLog.push(`requestfailed: ${req.url()} ${req.failure() && req.failure().errorText}`));
    page.on("websocket", (socket) => {
      pageLog.push(`websocket: ${socket.url()}`);
      socket.on("framereceived", ({ payload }) => {
        if (typeof payload === "string" && payload.includes(EXPECTED)) serverTexts.push(`ws: ${payload}`);
      });
    });
    page.on("response", async (response) => {
      if (!response.url().includes("transport=polling") || response.request().method() !== "GET") return;
      try {
        const body = await response.text();
        if (body.includes(EXPECTED)) serverTexts.push(`polling: ${body}`);
      } catch {
        /* body no longer available */
      }
    });

    const response = await page.goto(`${baseUrl}/`, { waitUntil: "load" });
    if (!response || !response.ok()) throw new Error(`GET ${baseUrl}/ answered ${response ? response.status() : "nothing"}`);

    await page.waitForFunction((text) => {
      const log = document.querySelector("#log");
      return !!log && log.textContent.includes(text);
    }, EXPECTED);

    const connected = await page.evaluate(() => {
      // `socket` may be a global lexical binding (const/let) or a window property
      // eslint-disable-next-line no-undef
      const s = typeof socket !== "undefined" ? socket : window.socket;
      return s ? s.connected === true : null;
    });
    if (connected === null) throw new Error("the page has no global `socket`");
    if (!connected) throw new Error("the page's socket.connected is false");

    // the log line must come from the server: some received frame/response carries it
    const deadline = Date.now() + 2000;
    while (serverTexts.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (serverTexts.length === 0) throw new Error(`#log shows "${EXPECTED}" but no message from the server carried it`);

    fs.mkdirSync(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });
    const logText = (await page.textContent("#log")).trim().replace(/\s+/g, " ");
    console.log(`#log: ${logText}`);
    console.log(`from the server: ${serverTexts[0]}`);
    console.log(`screenshot: ${screenshotPath}`);
    console.log(`PASS browser (${CHROMIUM}) ${baseUrl}/`);
    return 0;
  } catch (err) {
    console.error(`FAIL browser ${baseUrl}/: ${err.message}`);
    if (context) {
      try {
        const page = context.pages()[0];
        if (page) {
          fs.mkdirSync(path.dirname(screenshotPath), { recursive: true });
          await page.screenshot({ path: screenshotPath, fullPage: true });
          console.error(`screenshot of the failure: ${screenshotPath}`);
          console.error(`page text: ${(await page.innerText("body")).trim().replace(/\s+/g, " ").slice(0, 500)}`);
        }
      } catch {
        /* best effort */
      }
    }
    if (pageLog.length) console.error(`page events:\n  ${pageLog.join("\n  ")}`);
    return 1;
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

const overall = setTimeout(() => {
  console.error(`FAIL browser: overall timeout of ${TIMEOUT + 15000} ms exceeded`);
  process.exit(1);
}, TIMEOUT + 15000);

main().then((code) => {
  clearTimeout(overall);
  process.exit(code);
});
