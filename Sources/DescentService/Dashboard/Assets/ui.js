"use strict";
// Descent dashboard, shared by every page: error reporting, DOM and number helpers, API calls,
// and timers that end with the page. Loaded first; the other scripts read it through `UI`.
/* exported UI */
const UI = (function () {
const COLORS = ["#1f5fbf", "#c0392b", "#1e8449", "#8e44ad", "#b9770e", "#117a8b", "#5d6d7e", "#a93266"];
const FINAL = ["succeeded", "failed", "diverged", "cancelled", "pruned"];
const errorsSeen = [];

function reportError(text) {
  errorsSeen.push(String(text));
  const pre = document.getElementById("errors");
  if (pre) { pre.hidden = false; pre.textContent = errorsSeen.join("\n"); }
  document.body.setAttribute("data-js-errors", String(errorsSeen.length));
}
window.addEventListener("error", (e) => reportError("error: " + e.message + " at " + e.filename + ":" + e.lineno));
window.addEventListener("unhandledrejection", (e) => { if (!isPageGone(e.reason)) reportError("unhandled: " + (e.reason && e.reason.stack || e.reason)); });
document.addEventListener("DOMContentLoaded", () => document.body.setAttribute("data-js-errors", String(errorsSeen.length)));

// ---------- DOM ----------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}
function svgEl(tag, attrs, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}
function statusBadge(s) { return el("span", { class: "status " + s, text: s }); }
function problem(main, err) { main.append(el("p", { class: "status failed", role: "alert", text: String(err.message || err) })); }
function card(title, ...children) { return el("section", { class: "card" }, el("h2", { text: title }), ...children); }

// ---------- numbers (the API writes non-finite doubles as strings) ----------
function num(x) { return typeof x === "number" ? x : (x === "NaN" ? NaN : x === "Infinity" ? Infinity : x === "-Infinity" ? -Infinity : NaN); }
function fmt(x) {
  x = num(x);
  if (!isFinite(x)) return x === undefined || isNaN(x) ? "–" : String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e5 || a < 1e-3 ? x.toExponential(3) : x.toPrecision(5).replace(/\.?0+$/, "");
}
function isAbsent(v) { return v === null || v === undefined; }

// ---------- API ----------
async function api(path, opts) {
  const o = Object.assign({ headers: {} }, opts || {});
  if (o.signal && o.signal.aborted) throw pageGone();
  if (o.json !== undefined) { o.method = o.method || "POST"; o.body = JSON.stringify(o.json); o.headers["Content-Type"] = "application/json"; }
  const r = await fetch(path, o);
  if (r.status === 204) return null;
  const body = await r.json().catch(() => null);
  if (!r.ok) {
    const e = body && body.error || { code: "http_" + r.status, message: r.statusText };
    throw new Error(e.code + ": " + e.message + (e.field ? " (" + e.field + ")" : ""));
  }
  return body;
}

// ---------- page lifetime: timers, streams and requests end when the router leaves the page ----------
// Each page takes its Life when it starts (`UI.page()`) and reaches the network and the clock only
// through it: once the router has left the page, its requests reject with a "page gone" error (which
// nobody reports), its timers are cleared and a stream it opens late is closed at once, so a page that
// was still loading cannot write into the next one.
function pageGone() { const e = new Error("left the page"); e.name = "AbortError"; return e; }
function isPageGone(e) { return !!e && e.name === "AbortError"; }
class Life {
  constructor() { this.controller = new AbortController(); this.ends = []; }
  alive() { return !this.controller.signal.aborted; }
  onEnd(f) { if (this.alive()) this.ends.push(f); else f(); }
  every(ms, f) { if (!this.alive()) return; const t = setInterval(() => { if (this.alive()) f(); }, ms); this.onEnd(() => clearInterval(t)); }
  after(ms, f) { if (!this.alive()) return; const t = setTimeout(() => { if (this.alive()) f(); }, ms); this.onEnd(() => clearTimeout(t)); }
  api(path, opts) { return api(path, Object.assign({}, opts || {}, { signal: this.controller.signal })); }
  end() {
    this.controller.abort();
    for (const f of this.ends.splice(0)) { try { f(); } catch (e) { /* page gone */ } }
  }
}
let current = new Life();
function page() { return current; }
function leavePage() { current.end(); current = new Life(); return current; }

return { COLORS, FINAL, reportError, el, svgEl, statusBadge, problem, card, num, fmt, isAbsent, api, isPageGone, page, leavePage };
})();
