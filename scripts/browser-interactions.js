"use strict";
// Drives the dashboard in headless Chromium over the DevTools protocol (a minimal WebSocket client on
// Node's http module, no packages) and checks what a page dump cannot: tick labels against the fixture
// shared with the server, leaving pages while they load or poll, the new-experiment form (error beside
// the button, replaced on a second click; `start` as "a, b"; the steps hint; batch_norm; loading a
// preset) and the list's filters. Each wait polls a condition in the page until a deadline.
//
// Usage: node scripts/browser-interactions.js DEVTOOLS_HTTP_URL DASHBOARD_URL RUNNING_EXPERIMENT_ID
// Prints "ok   …" per check and "FAIL: …" per failure; exits 1 on any failure.
const http = require("http");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const [devtools, base, runningId] = process.argv.slice(2);
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "Tests", "Fixtures", "tick-labels.json"), "utf8"));

function getJSON(url) {
  return new Promise((resolve, reject) => http.get(url, (r) => { let b = ""; r.on("data", (c) => (b += c)); r.on("end", () => { try { resolve(JSON.parse(b)); } catch (e) { reject(e); } }); }).on("error", reject));
}

// ---------- a WebSocket client (RFC 6455), text frames only ----------
function connect(wsUrl) {
  const u = new URL(wsUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, headers: {
      Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": crypto.randomBytes(16).toString("base64") } });
    req.on("upgrade", (res, socket) => {
      let buffer = Buffer.alloc(0), parts = [];
      const listeners = [];
      socket.on("data", (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          if (buffer.length < 2) return;
          const fin = buffer[0] & 0x80, op = buffer[0] & 0x0f;
          let len = buffer[1] & 0x7f, at = 2;
          if (len === 126) { if (buffer.length < 4) return; len = buffer.readUInt16BE(2); at = 4; }
          else if (len === 127) { if (buffer.length < 10) return; len = Number(buffer.readBigUInt64BE(2)); at = 10; }
          if (buffer.length < at + len) return;
          const payload = buffer.subarray(at, at + len);
          buffer = buffer.subarray(at + len);
          if (op === 1 || op === 0) { parts.push(payload); if (fin) { const text = Buffer.concat(parts).toString("utf8"); parts = []; for (const l of listeners) l(text); } }
        }
      });
      const send = (text) => {
        const data = Buffer.from(text, "utf8"), mask = crypto.randomBytes(4);
        const head = data.length < 126 ? Buffer.from([0x81, 0x80 | data.length])
          : data.length < 65536 ? Buffer.from([0x81, 0x80 | 126, data.length >> 8, data.length & 255])
            : (() => { const h = Buffer.alloc(10); h[0] = 0x81; h[1] = 0x80 | 127; h.writeBigUInt64BE(BigInt(data.length), 2); return h; })();
        const body = Buffer.alloc(data.length);
        for (let i = 0; i < data.length; i++) body[i] = data[i] ^ mask[i & 3];
        socket.write(Buffer.concat([head, mask, body]));
      };
      resolve({ send, onMessage: (f) => listeners.push(f), close: () => socket.destroy() });
    });
    req.on("error", reject);
    req.end();
  });
}

// ---------- DevTools protocol ----------
async function openPage() {
  const targets = await getJSON(devtools + "/json/list");
  const target = targets.find((t) => t.type === "page");
  if (!target) throw new Error("no page target");
  const ws = await connect(target.webSocketDebuggerUrl);
  let next = 1;
  const waiting = new Map();
  ws.onMessage((text) => { const m = JSON.parse(text); if (m.id && waiting.has(m.id)) { waiting.get(m.id)(m); waiting.delete(m.id); } });
  const call = (method, params) => new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, (m) => (m.error ? reject(new Error(method + ": " + m.error.message)) : resolve(m.result)));
    ws.send(JSON.stringify({ id, method, params: params || {} }));
  });
  const evaluate = async (expression) => {
    const r = await call("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error("in page: " + (r.exceptionDetails.exception && r.exceptionDetails.exception.description || r.exceptionDetails.text));
    return r.result.value;
  };
  await call("Emulation.setDeviceMetricsOverride", { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
  return { call, evaluate, close: () => ws.close() };
}

let failures = 0;
function check(ok, what) { if (ok) console.log("ok   " + what); else { console.log("FAIL: " + what); failures++; } }

async function main() {
  const page = await openPage();
  const { evaluate } = page;
  // Polls `expression` in the page until it is truthy; false when `seconds` pass first.
  const waitFor = async (expression, seconds) => {
    const deadline = Date.now() + (seconds || 20) * 1000;
    while (Date.now() < deadline) {
      if (await evaluate(expression).catch(() => false)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };
  const go = async (hash, ready) => {
    // The same hash again gives no hashchange: then the page is shown anew as a reload would.
    await evaluate(`document.body.removeAttribute("data-page-ready");
      if (location.hash === ${JSON.stringify(hash)}) window.dispatchEvent(new HashChangeEvent("hashchange")); else location.hash = ${JSON.stringify(hash)}; true`);
    return waitFor(`document.body.getAttribute("data-page-ready") === ${JSON.stringify(ready)}`);
  };
  const errors = () => evaluate(`document.body.getAttribute("data-js-errors") + " " + document.getElementById("errors").textContent`);

  await page.call("Page.navigate", { url: base + "/#/experiments" });
  check(await waitFor(`document.body.getAttribute("data-page-ready") === "experiments"`), "list page loads");

  // Tick labels: the dashboard's formatter agrees with the fixture the Swift tests read.
  const labels = await evaluate(`(${JSON.stringify(fixture.cases)}).map((c) => Charts.tickLabels(Charts.niceTicks(c.lo, c.hi, 6), Charts.niceStep(c.lo, c.hi, 6)))`);
  fixture.cases.forEach((c, i) => check(JSON.stringify(labels[i]) === JSON.stringify(c.labels), `tick labels on [${c.lo}, ${c.hi}]: ${labels[i]}`));

  // Leaving a running experiment's page: its stream and timers stop and never write into the next page.
  check(await go("#/experiments/" + runningId, "experiments"), "running experiment's page loads");
  const stepsAt = () => evaluate(`fetch("/v1/experiments/${runningId}").then((r) => r.json()).then((x) => x.progress.steps_done)`);
  const before = await stepsAt();
  check(await go("#/analysis", "analysis"), "analysis page loads after the running experiment's");
  await evaluate(`window.leftAt = performance.now(); true`);
  // Wait until the run has reported progress since (its page would have reloaded) and 2 s have passed.
  const progressed = await waitFor(`fetch("/v1/experiments/${runningId}").then((r) => r.json()).then((x) => x.progress.steps_done > ${before} && performance.now() > window.leftAt + 2000)`, 30);
  check(progressed, "the running experiment progressed while the analysis page was shown");
  check(await evaluate(`document.querySelector("main h1").textContent`) === "Critical-point analysis", "the analysis page keeps its title");
  check((await errors()).startsWith("0 "), "no JavaScript error after leaving a running experiment: " + await errors());
  // Leaving a page while it still loads.
  await evaluate(`location.hash = "#/experiments/${runningId}"; setTimeout(() => { location.hash = "#/new"; }, 0); true`);
  check(await waitFor(`document.body.getAttribute("data-page-ready") === "new" && document.querySelector("main h1").textContent === "New experiment"`), "the form replaces a page left while loading");
  await evaluate(`window.leftAt = performance.now(); true`);
  await waitFor(`performance.now() > window.leftAt + 2000`);
  check(await evaluate(`document.querySelectorAll("main h1").length === 1 && document.querySelector("main h1").textContent === "New experiment" && !document.getElementById("exp-title")`), "nothing of the left page appears in the form");
  check((await errors()).startsWith("0 "), "no JavaScript error after leaving a loading page: " + await errors());

  // The form: the steps hint is the catalog's, which is what the server enforces.
  check(await go("#/new", "new"), "form loads");
  const stepsRange = await evaluate(`fetch("/v1/catalog").then((r) => r.json()).then((c) => c.experiment.find((p) => p.name === "steps").range)`);
  const hint = await evaluate(`document.getElementById("exp-steps").parentElement.querySelector(".field-range").textContent + " max=" + document.getElementById("exp-steps").max`);
  check(stepsRange === "[1, 10000000]" && hint === "[1, 10000000] max=10000000", `steps hint ${hint} matches the catalog ${stepsRange}`);
  // start takes "a, b" and JSON.
  const startAs = (text) => evaluate(`(() => { const i = document.getElementById("exp-start"); i.value = ${JSON.stringify(text)}; i.dispatchEvent(new Event("input", { bubbles: true })); return JSON.stringify(JSON.parse(document.getElementById("spec-json").textContent).start); })()`);
  check(await startAs("0.5, -0.25") === "[0.5,-0.25]", "start accepts 'a, b'");
  check(await startAs("[0.5, -0.25]") === "[0.5,-0.25]", "start accepts JSON");
  // The server's error appears beside the button, in view, and a second click replaces it. (Three
  // coordinates for a 2-parameter objective pass the browser's own checks; the server refuses them.)
  await evaluate(`(() => {
    const sel = document.getElementById("objective-type"); sel.value = "rosenbrock"; sel.dispatchEvent(new Event("change", { bubbles: true }));
    const s = document.getElementById("exp-start"); s.value = "1, 2, 3"; s.dispatchEvent(new Event("input", { bubbles: true }));
    document.getElementById("submit-experiment").click(); return true; })()`);
  check(await waitFor(`!document.getElementById("form-error").hidden && document.getElementById("form-error").textContent.includes("(start)")`),
    "submitting a wrong start shows the server's error: " + await evaluate(`document.getElementById("form-error").textContent`));
  const placement = await evaluate(`(() => { const e = document.getElementById("form-error").getBoundingClientRect(), b = document.getElementById("submit-experiment").getBoundingClientRect(); return { inView: e.top >= 0 && e.bottom <= innerHeight, near: Math.abs(e.top + e.height / 2 - (b.top + b.height / 2)) < 60 }; })()`);
  check(placement.inView && placement.near, "the error is beside the submit button and in view: " + JSON.stringify(placement));
  await evaluate(`document.getElementById("form-error").hidden = true; document.getElementById("submit-experiment").click(); true`);
  check(await waitFor(`!document.getElementById("form-error").hidden`), "a second click answers again");
  check(await evaluate(`document.querySelectorAll("main [role=alert]").length`) === 1, "a second click replaces the error instead of adding one");
  // batch_norm is a switch with its members.
  const bn = await evaluate(`(() => {
    const sel = document.getElementById("objective-type"); sel.value = "mlp"; sel.dispatchEvent(new Event("change", { bubbles: true }));
    const on = document.getElementById("objective-batch_norm"), off = JSON.parse(document.getElementById("spec-json").textContent).objective.batch_norm;
    on.click();
    const m = document.getElementById("objective-batch_norm-momentum"); m.value = "0.8"; m.dispatchEvent(new Event("input", { bubbles: true }));
    return { type: on.type, off: off === undefined, on: JSON.stringify(JSON.parse(document.getElementById("spec-json").textContent).objective.batch_norm) };
  })()`);
  check(bn.type === "checkbox" && bn.off && bn.on === '{"momentum":0.8}', "batch_norm is a switch with its members: " + JSON.stringify(bn));
  // A preset loads into the form.
  const preset = await evaluate(`fetch("/v1/presets").then((r) => r.json()).then((l) => l.items.find((p) => p.kind === "experiment") || l.items[0])`);
  const want = preset.kind === "study" ? (preset.body.experiments ? preset.body.experiments[0] : preset.body.base) : preset.body;
  // The form's spec leaves out values equal to their defaults; the steps input shows them all.
  const loaded = await evaluate(`(() => { document.querySelector('[data-edit-preset="${preset.name}"]').click();
    return Object.assign(JSON.parse(document.getElementById("spec-json").textContent), { steps: Number(document.getElementById("exp-steps").value) }); })()`);
  check(loaded.objective.type === want.objective.type && JSON.stringify(loaded.start) === JSON.stringify(want.start) && loaded.optimizer.type === want.optimizer.type && (want.steps === undefined || loaded.steps === want.steps) &&
    JSON.stringify(loaded.optimizer.lr) === JSON.stringify(want.optimizer.lr), `preset ${preset.name} loads into the form: ${JSON.stringify(loaded)} from ${JSON.stringify(want)}`);

  // The list: filters ignore case; an empty filtered list says so.
  check(await go("#/experiments?optimizer=SGD", "experiments"), "list with a filter loads");
  check(await waitFor(`document.querySelectorAll("#experiments tbody tr[data-id]").length > 0`), "optimizer=SGD finds the sgd runs");
  check(await go("#/experiments?tag=no-such-tag", "experiments"), "list with an unmatched filter loads");
  check(await waitFor(`(document.getElementById("list-empty") || {}).textContent === "No experiments match these filters."`), "an empty filtered list says no experiments match");
  check((await errors()).startsWith("0 "), "no JavaScript error in the interactions: " + await errors());
  page.close();
}

main().then(() => {
  console.log(failures ? `interactions: ${failures} failure(s)` : "interactions: all checks passed");
  process.exit(failures ? 1 : 0);
}, (e) => { console.log("FAIL: " + (e.stack || e)); process.exit(1); });
