"use strict";
// Descent dashboard: hash-routed pages, charts drawn as inline SVG. No dependencies.
(function () {
const NS = "http://www.w3.org/2000/svg";
const COLORS = ["#1f5fbf", "#c0392b", "#1e8449", "#8e44ad", "#b9770e", "#117a8b", "#5d6d7e", "#a93266"];
const FINAL = ["succeeded", "failed", "diverged", "cancelled"];
let cleanup = [];
const errorsSeen = [];

function reportError(text) {
  errorsSeen.push(String(text));
  const pre = document.getElementById("errors");
  if (pre) { pre.hidden = false; pre.textContent = errorsSeen.join("\n"); }
  document.body.setAttribute("data-js-errors", String(errorsSeen.length));
}
window.addEventListener("error", (e) => reportError("error: " + e.message + " at " + e.filename + ":" + e.lineno));
window.addEventListener("unhandledrejection", (e) => reportError("unhandled: " + (e.reason && e.reason.stack || e.reason)));

// ---------- small helpers ----------
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
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}
function num(x) { return typeof x === "number" ? x : (x === "NaN" ? NaN : x === "Infinity" ? Infinity : x === "-Infinity" ? -Infinity : NaN); }
function fmt(x) {
  x = num(x);
  if (!isFinite(x)) return x === undefined || isNaN(x) ? "–" : String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e5 || a < 1e-3 ? x.toExponential(3) : x.toPrecision(5).replace(/\.?0+$/, "");
}
async function api(path, opts) {
  const o = Object.assign({ headers: {} }, opts || {});
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
function onCleanup(f) { cleanup.push(f); }
function every(ms, f) { const t = setInterval(f, ms); onCleanup(() => clearInterval(t)); }
function statusBadge(s) { return el("span", { class: "status " + s, text: s }); }
function problem(main, err) { main.append(el("p", { class: "status failed", role: "alert", text: String(err.message || err) })); }
function isAbsent(v) { return v === null || v === undefined; }

// ---------- charts ----------
function niceTicks(lo, hi, n) {
  if (!isFinite(lo) || !isFinite(hi)) return [];
  if (lo === hi) return [lo];
  const raw = (hi - lo) / (n - 1), base = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / base;
  const step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * base, out = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9 && out.length < 50; k++) out.push(Math.abs(k * step) < step * 1e-9 ? 0 : k * step);
  return out;
}
function tickText(v) { const a = Math.abs(v); return v === 0 ? "0" : (a >= 1e4 || a < 1e-2) ? v.toExponential(0) : String(+v.toPrecision(4)); }
function bounds(values, log) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (isFinite(v) && (!log || v > 0)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (lo > hi) return log ? [0.1, 10] : [0, 1];
  if (lo === hi) { if (log) { lo /= 10; hi *= 10; } else { const p = lo === 0 ? 1 : Math.abs(lo) * 0.1; lo -= p; hi += p; } }
  return [lo, hi];
}
// Frame with axes; returns {svg, sx, sy, plot} where sx/sy map data to pixels (null if not drawable).
function frame(opts) {
  const W = opts.width || 640, H = opts.height || 320, L = 62, R = 14, T = 10, B = 40;
  const svg = svgEl("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": opts.title || "chart", "font-size": 11 });
  svg.append(svgEl("title", {}, opts.title || "chart"));
  const [x0, x1] = opts.xb, [y0, y1] = opts.yb, logY = !!opts.logY;
  const sx = (v) => isFinite(v) ? L + (v - x0) / (x1 - x0) * (W - L - R) : null;
  const ly = (v) => Math.log10(v);
  const sy = (v) => !isFinite(v) || (logY && v <= 0) ? null : H - B - (logY ? (ly(v) - ly(y0)) / (ly(y1) - ly(y0)) : (v - y0) / (y1 - y0)) * (H - T - B);
  const g = svgEl("g", { class: "axes", fill: "#1a1a1a" });
  g.append(svgEl("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", stroke: "#555" }));
  for (const v of niceTicks(x0, x1, 6)) { const p = sx(v); g.append(svgEl("line", { class: "tick", x1: p, x2: p, y1: H - B, y2: H - B + 4, stroke: "#555" }), svgEl("text", { x: p, y: H - B + 16, "text-anchor": "middle" }, tickText(v))); }
  let yt = niceTicks(y0, y1, 6);
  if (logY) { const e0 = Math.ceil(ly(y0) - 1e-9), e1 = Math.floor(ly(y1) + 1e-9); const ex = []; const k = Math.max(1, Math.ceil((e1 - e0 + 1) / 7)); for (let e = e0; e <= e1; e += k) ex.push(Math.pow(10, e)); if (ex.length >= 2) yt = ex; else yt = yt.filter((v) => v > 0); }
  for (const v of yt) { const p = sy(v); if (p === null) continue; g.append(svgEl("line", { x1: L, x2: W - R, y1: p, y2: p, stroke: "#e4e4e4" }), svgEl("line", { class: "tick", x1: L - 4, x2: L, y1: p, y2: p, stroke: "#555" }), svgEl("text", { x: L - 6, y: p + 4, "text-anchor": "end" }, tickText(v))); }
  g.append(svgEl("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle" }, opts.xLabel || ""));
  g.append(svgEl("text", { x: 12, y: (T + H - B) / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${(T + H - B) / 2})` }, (opts.yLabel || "") + (logY ? " (log)" : "")));
  svg.append(g);
  const clipId = "clip" + Math.random().toString(36).slice(2);
  const defs = svgEl("defs"); const cp = svgEl("clipPath", { id: clipId }); cp.append(svgEl("rect", { x: L, y: T, width: W - L - R, height: H - T - B })); defs.append(cp); svg.append(defs);
  const plot = svgEl("g", { "clip-path": `url(#${clipId})` }); svg.append(plot);
  return { svg, sx, sy, plot };
}
function pathD(points) {
  let d = "", pen = false;
  for (const [x, y] of points) { if (x === null || y === null) { pen = false; continue; } d += (pen ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1); pen = true; }
  return d;
}
function legend(names) {
  return el("div", { class: "legend" }, names.map((n, i) => { const s = el("span", { text: n }); s.style.setProperty("--c", COLORS[i % COLORS.length]); return s; }));
}
// series: [{name, xs, ys}]
function lineChart(series, opts) {
  const logY = !!opts.logY && series.some((s) => s.ys.some((v) => v > 0));
  const f = frame(Object.assign({}, opts, { logY, xb: bounds(series.flatMap((s) => s.xs), false), yb: bounds(series.flatMap((s) => s.ys), logY) }));
  series.forEach((s, i) => f.plot.append(svgEl("path", { class: "series", d: pathD(s.xs.map((x, k) => [f.sx(x), f.sy(s.ys[k])])), fill: "none", stroke: COLORS[i % COLORS.length], "stroke-width": 1.6 })));
  const box = el("figure", { class: "plot" }, f.svg);
  if (series.length > 1 || opts.legend) box.append(legend(series.map((s) => s.name)));
  return box;
}
function sparkline(ys) {
  const vals = ys.map(num), pos = vals.some((v) => v > 0) && vals.every((v) => !isFinite(v) || v >= 0);
  const [lo, hi] = bounds(vals, pos), W = 120, H = 28;
  const y = (v) => { if (!isFinite(v) || (pos && v <= 0)) return null; const t = pos ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1) : (v - lo) / (hi - lo || 1); return H - 2 - t * (H - 4); };
  const svg = svgEl("svg", { class: "spark", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "loss sparkline" });
  svg.append(svgEl("path", { class: "series", d: pathD(vals.map((v, i) => [1 + i / Math.max(1, vals.length - 1) * (W - 2), y(v)])), fill: "none", stroke: COLORS[0], "stroke-width": 1.5 }));
  return svg;
}
// Marching squares; grid = {xs, ys, values[j][i]}; returns segments [[x,y],[x,y]] per level.
function contourSegments(grid, level) {
  const { xs, ys } = grid, V = grid.values.map((r) => r.map(num)), segs = [];
  const at = (i, j, i2, j2) => { const a = V[j][i], b = V[j2][i2], t = b === a ? 0.5 : (level - a) / (b - a); return [xs[i] + t * (xs[i2] - xs[i]), ys[j] + t * (ys[j2] - ys[j])]; };
  for (let j = 0; j + 1 < ys.length; j++) for (let i = 0; i + 1 < xs.length; i++) {
    const c = [V[j][i], V[j][i + 1], V[j + 1][i + 1], V[j + 1][i]];
    if (!c.every(isFinite)) continue;
    const up = c.map((v) => v >= level);
    const e = [() => at(i, j, i + 1, j), () => at(i + 1, j, i + 1, j + 1), () => at(i, j + 1, i + 1, j + 1), () => at(i, j, i, j + 1)];
    const crossed = [0, 1, 2, 3].filter((k) => up[k] !== up[(k + 1) % 4]);
    if (crossed.length === 2) segs.push([e[crossed[0]](), e[crossed[1]]()]);
    else if (crossed.length === 4) {
      if (((c[0] + c[1] + c[2] + c[3]) / 4 >= level) === up[0]) segs.push([e[0](), e[1]()], [e[2](), e[3]()]);
      else segs.push([e[0](), e[3]()], [e[1](), e[2]()]);
    }
  }
  return segs;
}
// opts: {grid, paths:[{name,xs,ys}], markers:[{x,y,label}], arrows:[{x,y,dx,dy,label}], title}
function contourChart(opts) {
  const g = opts.grid, flat = g.values.flat().map(num).filter(isFinite);
  const f = frame({ title: opts.title, width: 560, height: 480, xb: [g.xs[0], g.xs[g.xs.length - 1]], yb: [g.ys[0], g.ys[g.ys.length - 1]], xLabel: "w1", yLabel: "w2" });
  const lo = Math.min(...flat), hi = Math.max(...flat), n = 14;
  const cg = svgEl("g", { class: "contours", fill: "none" });
  for (let k = 0; k < n && hi > lo; k++) {
    const t = k / (n - 1), level = lo + (hi - lo) * Math.pow(10, -3 + 3 * t) * 0.98;
    const d = contourSegments(g, level).map(([a, b]) => `M${f.sx(a[0]).toFixed(1)} ${f.sy(a[1]).toFixed(1)}L${f.sx(b[0]).toFixed(1)} ${f.sy(b[1]).toFixed(1)}`).join("");
    if (d) cg.append(svgEl("path", { class: "contour", d, stroke: `rgb(${22 + 98 * t | 0},${50 + 130 * t | 0},${110 + 60 * t | 0})`, "stroke-width": 1 }));
  }
  f.plot.append(cg);
  (opts.paths || []).forEach((p, i) => {
    const c = COLORS[i % COLORS.length], pts = p.xs.map((x, k) => [f.sx(x), f.sy(p.ys[k])]);
    f.plot.append(svgEl("path", { class: "series", d: pathD(pts), fill: "none", stroke: c, "stroke-width": 2 }));
    const ok = pts.filter(([x, y]) => x !== null && y !== null);
    if (ok.length) { f.plot.append(svgEl("circle", { cx: ok[0][0], cy: ok[0][1], r: 4, fill: "#fff", stroke: c, "stroke-width": 2 }), svgEl("circle", { cx: ok[ok.length - 1][0], cy: ok[ok.length - 1][1], r: 4, fill: c })); }
  });
  for (const a of opts.arrows || []) {
    const x0 = f.sx(a.x), y0 = f.sy(a.y), x1 = f.sx(a.x + a.dx), y1 = f.sy(a.y + a.dy);
    if ([x0, y0, x1, y1].some((v) => v === null)) continue;
    const ang = Math.atan2(y1 - y0, x1 - x0), h = 9;
    f.plot.append(svgEl("path", { class: "arrow", d: `M${x0} ${y0}L${x1} ${y1}M${x1} ${y1}L${x1 - h * Math.cos(ang - 0.4)} ${y1 - h * Math.sin(ang - 0.4)}M${x1} ${y1}L${x1 - h * Math.cos(ang + 0.4)} ${y1 - h * Math.sin(ang + 0.4)}`, stroke: "#b00020", "stroke-width": 2.5, fill: "none" }));
    if (a.label) f.plot.append(svgEl("text", { x: x1 + 6, y: y1, fill: "#b00020", "font-size": 12 }, a.label));
  }
  for (const m of opts.markers || []) {
    const x = f.sx(m.x), y = f.sy(m.y);
    if (x === null || y === null) continue;
    f.plot.append(svgEl("path", { class: "marker", d: `M${x - 5} ${y - 5}L${x + 5} ${y + 5}M${x - 5} ${y + 5}L${x + 5} ${y - 5}`, stroke: "#000", "stroke-width": 2 }));
    f.plot.append(svgEl("text", { x: x + 8, y: y - 6, "font-size": 12, fill: "#000", stroke: "#fff", "stroke-width": 3, "paint-order": "stroke" }, m.label));
  }
  const box = el("figure", { class: "plot" }, f.svg);
  if ((opts.paths || []).length) box.append(legend(opts.paths.map((p) => p.name)));
  return box;
}
function rangeOf(vals, pad) {
  const v = vals.filter(isFinite); if (!v.length) return [-2, 2];
  const lo = Math.min(...v), hi = Math.max(...v), p = Math.max((hi - lo) * pad, 0.5);
  return [lo - p, hi + p];
}
function card(title, ...children) { return el("section", { class: "card" }, el("h2", { text: title }), ...children); }

// ---------- experiments list ----------
const sparkCache = new Map();
async function pageList(main, params) {
  main.append(el("h1", { text: "Experiments" }));
  const filters = { status: params.get("status") || "", objective: params.get("objective") || "", optimizer: params.get("optimizer") || "", tag: params.get("tag") || "" };
  const apply = () => { const q = new URLSearchParams(); for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v); location.hash = "#/experiments" + (q.toString() ? "?" + q : ""); };
  const status = el("select", { id: "f-status", onchange: (e) => { filters.status = e.target.value; apply(); } }, el("option", { value: "", text: "any" }), ["queued", "running", ...FINAL].map((s) => el("option", { value: s, text: s, selected: s === filters.status })));
  const text = (name) => el("input", { id: "f-" + name, value: filters[name], size: 12, onchange: (e) => { filters[name] = e.target.value.trim(); apply(); } });
  main.append(el("form", { class: "row", role: "search", onsubmit: (e) => e.preventDefault() },
    el("label", {}, "Status", status), el("label", {}, "Objective", text("objective")), el("label", {}, "Optimizer", text("optimizer")), el("label", {}, "Tag", text("tag")),
    el("span", { class: "muted", id: "list-updated", "aria-live": "off" })));
  const body = el("tbody");
  main.append(el("div", { class: "table-wrap" }, el("table", { id: "experiments" },
    el("caption", { class: "muted", text: "Newest first; refreshes while experiments run." }),
    el("thead", {}, el("tr", {}, ["Name", "Status", "Objective", "Optimizer", "Batch", "Final loss", "Best loss", "Loss"].map((h, i) => el("th", { scope: "col", class: i === 2 || i === 4 ? "wide" : null, text: h })))), body)));
  let busy = false;
  async function refresh() {
    if (busy) return; busy = true;
    try {
      const q = new URLSearchParams({ limit: "100" }); for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
      const list = await api("/v1/experiments?" + q);
      const rows = list.items.map((x) => {
        const s = x.summary || {}, spark = el("td", { class: "spark-cell" });
        const tr = el("tr", { "data-id": x.id },
          el("td", {}, el("a", { href: "#/experiments/" + encodeURIComponent(x.id), text: x.name || x.id })),
          el("td", {}, statusBadge(x.status), x.status === "running" ? el("span", { class: "muted", text: " " + Math.round(100 * x.progress.steps_done / Math.max(1, x.progress.steps_total)) + "%" }) : null),
          el("td", { class: "wide", text: x.spec.objective.type }), el("td", { text: x.spec.optimizer.type }),
          el("td", { class: "wide num", text: isAbsent(x.spec.batch_size) ? "full" : x.spec.batch_size }),
          el("td", { class: "num", text: fmt(s.final_loss) }), el("td", { class: "num", text: fmt(s.best_loss) }), spark);
        fillSpark(x, spark);
        return tr;
      });
      body.replaceChildren(...rows);
      if (!rows.length) body.append(el("tr", {}, el("td", { colspan: 8, class: "muted", text: "No experiments yet — start one from “New experiment”." })));
      document.getElementById("list-updated").textContent = "updated " + new Date().toLocaleTimeString();
    } catch (e) { reportError(e.message); } finally { busy = false; }
  }
  async function fillSpark(x, td) {
    const key = x.id + ":" + x.progress.steps_done;
    let ys = sparkCache.get(key);
    if (!ys) {
      const t = await api(`/v1/experiments/${encodeURIComponent(x.id)}/trajectory?fields=loss&max_points=60`).catch(() => null);
      if (!t) return;
      ys = t.loss.map(num); sparkCache.set(key, ys);
    }
    if (ys.length > 1) td.append(sparkline(ys));
  }
  await refresh();
  every(3000, refresh);
}

// ---------- experiment view ----------
async function pageExperiment(main, id) {
  main.append(el("h1", { id: "exp-title", text: "Experiment " + id }));
  let x = await api("/v1/experiments/" + encodeURIComponent(id));
  const head = el("div"), charts = el("div", { class: "grid2" }), surface = el("div", { class: "grid2" });
  const logToggle = el("input", { type: "checkbox", id: "log-y", checked: true, onchange: () => drawCharts() });
  main.append(head, el("div", { class: "row" }, el("label", { class: "inline" }, logToggle, "log-scale loss axis"),
    el("a", { href: `/v1/experiments/${id}/plot.svg?kind=loss` }, "loss.svg"), el("a", { href: `/v1/experiments/${id}/trajectory`, type: "application/json" }, "trajectory JSON"),
    el("button", { class: "secondary", type: "button", id: "cancel-run", hidden: FINAL.includes(x.status), onclick: async () => { await api(`/v1/experiments/${id}/cancel`, { method: "POST" }); } }, "Cancel run")), charts, surface);
  let traj = null;
  function drawHead() {
    document.getElementById("exp-title").textContent = x.name || x.id;
    const s = x.summary || {};
    head.replaceChildren(el("dl", { class: "kv" },
      el("dt", { text: "status" }), el("dd", {}, statusBadge(x.status), " " + x.progress.steps_done + " / " + x.progress.steps_total + " steps"),
      el("dt", { text: "objective" }), el("dd", { text: JSON.stringify(x.spec.objective) }),
      el("dt", { text: "optimizer" }), el("dd", { text: JSON.stringify(x.spec.optimizer) }),
      el("dt", { text: "batch size" }), el("dd", { text: isAbsent(x.spec.batch_size) ? "full batch" : String(x.spec.batch_size) }),
      el("dt", { text: "final / best loss" }), el("dd", { text: fmt(s.final_loss) + " / " + fmt(s.best_loss) + (!isAbsent(s.best_step) ? " (step " + s.best_step + ")" : "") }),
      el("dt", { text: "stop reason" }), el("dd", { text: s.stop_reason || "–" }),
      x.error ? el("dt", { text: "error" }) : null, x.error ? el("dd", { text: x.error.message }) : null));
  }
  function drawCharts() {
    if (!traj) return;
    const steps = traj.step, parts = [];
    parts.push(card("Loss vs step", lineChart([{ name: "loss", xs: steps, ys: traj.loss.map(num) }], { title: "loss vs step", xLabel: "step", yLabel: "loss", logY: logToggle.checked })));
    parts.push(card("Learning rate vs step", lineChart([{ name: "lr", xs: steps, ys: traj.lr.map(num) }], { title: "learning rate vs step", xLabel: "step", yLabel: "lr" })));
    parts.push(card("Gradient norm vs step", lineChart([{ name: "grad norm", xs: steps, ys: traj.grad_norm.map(num) }], { title: "gradient norm vs step", xLabel: "step", yLabel: "‖g‖", logY: true })));
    if (traj.epochs && traj.epochs.length) {
      const ep = traj.epochs, s = [{ name: "train", xs: ep.map((e) => e.epoch), ys: ep.map((e) => num(e.train_loss)) }];
      if (ep.some((e) => !isAbsent(e.validation_loss))) s.push({ name: "validation", xs: ep.map((e) => e.epoch), ys: ep.map((e) => num(e.validation_loss)) });
      parts.push(card("Loss per epoch", lineChart(s, { title: "train vs validation loss per epoch", xLabel: "epoch", yLabel: "loss", logY: logToggle.checked, legend: true })));
    }
    charts.replaceChildren(...parts);
  }
  async function loadTrajectory() {
    traj = await api(`/v1/experiments/${encodeURIComponent(id)}/trajectory?max_points=1500`);
    drawCharts();
  }
  async function drawSurface() {
    if (!traj || traj.dimension !== 2 || !traj.params || !traj.params.length) return;
    const px = traj.params.map((p) => num(p[0])), py = traj.params.map((p) => num(p[1]));
    const xr = rangeOf(px, 0.15), yr = rangeOf(py, 0.15);
    const body = { objective: x.spec.objective, x_range: xr, y_range: yr, resolution: 81 };
    if (x.spec.dataset) { body.dataset = x.spec.dataset; body.seed = x.spec.seed || 0; }
    const grid = await api("/v1/analysis/surface", { json: body });
    const candidates = [[px[px.length - 1], py[py.length - 1], "end"], [0, 0, "origin"]].filter(([a, b]) => isFinite(a) && isFinite(b) && a >= xr[0] && a <= xr[1] && b >= yr[0] && b <= yr[1]);
    const markers = [];
    for (const [a, b, name] of candidates) {
      const cp = Object.assign({ objective: x.spec.objective, point: [a, b] }, x.spec.dataset ? { dataset: x.spec.dataset, seed: x.spec.seed || 0 } : {});
      const r = await api("/v1/analysis/critical-point", { json: cp }).catch(() => null);
      if (r) markers.push({ x: a, y: b, label: name + ": " + (r.is_critical ? r.kind.replace("_", " ") : "‖g‖=" + fmt(r.gradient_norm)) });
    }
    surface.replaceChildren(card("Parameter path on the loss surface", contourChart({ title: "parameter path over contours", grid, markers, paths: [{ name: x.spec.optimizer.type, xs: px, ys: py }] }),
      el("p", {}, el("a", { href: `/v1/experiments/${id}/plot.svg?kind=path` }, "path.svg"), el("span", { class: "muted", text: " · × = candidate critical points, classified by the Hessian" }))));
  }
  drawHead();
  await loadTrajectory();
  await drawSurface();
  if (!FINAL.includes(x.status) && window.EventSource) {
    const es = new EventSource(`/v1/experiments/${encodeURIComponent(id)}/events`);
    onCleanup(() => es.close());
    let pending = false;
    const reload = async () => { if (pending) return; pending = true; setTimeout(async () => { pending = false; x = await api("/v1/experiments/" + encodeURIComponent(id)); drawHead(); await loadTrajectory(); }, 800); };
    es.addEventListener("progress", reload);
    es.addEventListener("status", reload);
    es.addEventListener("end", async (e) => { es.close(); x = JSON.parse(e.data); document.getElementById("cancel-run").hidden = true; drawHead(); await loadTrajectory(); await drawSurface(); });
    es.onerror = () => { if (es.readyState === 2) reload(); };
  }
}

// ---------- compare ----------
async function pageCompare(main, params) {
  main.append(el("h1", { text: "Compare" }));
  let ids = (params.get("ids") || "").split(",").filter(Boolean);
  const labels = {};
  const studyId = params.get("study");
  if (studyId) {
    const st = await api("/v1/studies/" + encodeURIComponent(studyId));
    main.append(el("p", {}, "Study ", el("strong", { text: st.name }), " · ", statusBadge(st.status), " · ", el("a", { href: `/v1/studies/${studyId}/plot.svg` }, "study.svg")));
    ids = st.experiments.map((e) => e.id); st.experiments.forEach((e) => labels[e.id] = e.label);
    if (st.status !== "finished") every(2000, async () => { const s2 = await api("/v1/studies/" + encodeURIComponent(studyId)); if (s2.status === "finished") route(); });
  }
  const list = await api("/v1/experiments?limit=100");
  const picks = el("div", { class: "checklist", role: "group", "aria-label": "experiments to compare" }, list.items.map((x) =>
    el("label", { class: "inline" }, el("input", { type: "checkbox", value: x.id, checked: ids.includes(x.id) }), (x.name || x.id) + " — " + x.spec.optimizer.type + " (" + x.status + ")")));
  main.append(el("details", { open: ids.length ? null : true }, el("summary", { text: "Choose experiments" }), picks,
    el("div", { class: "row" }, el("button", { type: "button", onclick: () => { const sel = [...picks.querySelectorAll("input:checked")].map((i) => i.value); location.hash = "#/compare?ids=" + sel.join(","); } }, "Compare selected"))));
  if (!ids.length) { main.append(el("p", { class: "muted", text: "Pick two or more experiments, or open a study from a preset." })); return; }
  const runs = await Promise.all(ids.map(async (id) => {
    const x = await api("/v1/experiments/" + encodeURIComponent(id)).catch(() => null);
    if (!x) return null;
    const t = await api(`/v1/experiments/${encodeURIComponent(id)}/trajectory?max_points=800`);
    return { x, t, name: labels[id] || x.name || id };
  })).then((r) => r.filter(Boolean));
  const charts = el("div", { class: "grid2" });
  main.append(charts);
  const loss = runs.map((r) => ({ name: r.name, xs: r.t.step, ys: r.t.loss.map(num) }));
  charts.append(card("Loss vs step", lineChart(loss, { title: "loss vs step", xLabel: "step", yLabel: "loss", logY: true, legend: true })));
  const timed = runs.filter((r) => r.x.started_at && r.x.finished_at);
  if (timed.length) {
    charts.append(card("Loss vs compute time", lineChart(timed.map((r) => {
      const secs = (Date.parse(r.x.finished_at) - Date.parse(r.x.started_at)) / 1000, last = Math.max(1, r.t.step[r.t.step.length - 1] || 1);
      return { name: r.name, xs: r.t.step.map((s) => s / last * secs), ys: r.t.loss.map(num) };
    }), { title: "loss vs seconds", xLabel: "seconds (steps scaled to the run's duration)", yLabel: "loss", logY: true, legend: true })));
  }
  const withEpochs = runs.filter((r) => r.t.epochs && r.t.epochs.length);
  if (withEpochs.length) charts.append(card("Training loss per epoch", lineChart(withEpochs.map((r) => ({ name: r.name, xs: r.t.epochs.map((e) => e.epoch), ys: r.t.epochs.map((e) => num(e.train_loss)) })), { title: "loss per epoch", xLabel: "epoch", yLabel: "train loss", logY: true, legend: true })));
  const twoD = runs.filter((r) => r.t.dimension === 2 && r.t.params && r.t.params.length);
  const sameObjective = twoD.length && twoD.every((r) => JSON.stringify(r.x.spec.objective) === JSON.stringify(twoD[0].x.spec.objective) && !r.x.spec.dataset);
  if (sameObjective) {
    const paths = twoD.map((r) => ({ name: r.name, xs: r.t.params.map((p) => num(p[0])), ys: r.t.params.map((p) => num(p[1])) }));
    const grid = await api("/v1/analysis/surface", { json: { objective: twoD[0].x.spec.objective, x_range: rangeOf(paths.flatMap((p) => p.xs), 0.1), y_range: rangeOf(paths.flatMap((p) => p.ys), 0.1), resolution: 81 } });
    charts.append(card("Paths on one contour", contourChart({ title: "parameter paths", grid, paths })));
  }
}

// ---------- new experiment ----------
function fieldFor(p, prefix) {
  const id = prefix + p.name, def = p.default;
  const hint = [p.description, p.range ? "range " + p.range : null, def !== undefined && def !== null ? "default " + JSON.stringify(def) : null].filter(Boolean).join(" · ");
  let input;
  if (p.kind === "boolean") input = el("input", { type: "checkbox", id, checked: def === true, "data-kind": "boolean" });
  else if (p.kind === "string" && p.allowed) input = el("select", { id, "data-kind": "string" }, (p.required ? [] : [el("option", { value: "", text: "(default)" })]).concat(p.allowed.map((a) => el("option", { value: a, text: a, selected: a === def }))));
  else if (p.kind === "number" || p.kind === "integer") input = el("input", { type: "number", id, step: p.kind === "integer" ? 1 : "any", min: p.minimum, max: p.maximum, value: typeof def === "number" ? def : "", placeholder: def === null ? "none" : "", "data-kind": p.kind });
  else input = el("input", { id, value: def !== undefined && def !== null ? JSON.stringify(def) : "", placeholder: "JSON " + p.kind, "data-kind": "json", size: 18 });
  input.dataset.name = p.name; input.dataset.default = JSON.stringify(def === undefined ? null : def);
  return el("label", { title: hint }, p.name + (p.required ? " *" : ""), input, el("span", { class: "muted", text: p.range || "" }));
}
function readFields(box) {
  const out = {};
  for (const inp of box.querySelectorAll("[data-name]")) {
    let v;
    const k = inp.dataset.kind;
    if (k === "boolean") v = inp.checked;
    else if (inp.value === "") continue;
    else if (k === "number" || k === "integer") v = Number(inp.value);
    else if (k === "string") v = inp.value;
    else { try { v = JSON.parse(inp.value); } catch (e) { v = inp.value; } }
    if (JSON.stringify(v) !== inp.dataset.default) out[inp.dataset.name] = v;
  }
  return out;
}
async function pageNew(main) {
  main.append(el("h1", { text: "New experiment" }));
  const [cat, presets] = await Promise.all([api("/v1/catalog"), api("/v1/presets")]);
  main.append(card("Lecture presets", el("div", { class: "presets" }, presets.items.map((p) => el("button", { type: "button", class: "secondary", title: p.description, "data-preset": p.name, onclick: async () => {
    const r = await api(`/v1/presets/${encodeURIComponent(p.name)}/run`, { method: "POST" });
    location.hash = p.kind === "study" ? "#/compare?study=" + encodeURIComponent(r.id) : "#/experiments/" + encodeURIComponent(r.id);
  } }, p.title)))));
  const section = (title, types, key, optional) => {
    const sel = el("select", { id: key + "-type" }, (optional ? [el("option", { value: "", text: "none" })] : []).concat(types.map((t) => el("option", { value: t.type, text: t.type }))));
    const params = el("div", { class: "row" }), desc = el("p", { class: "muted" });
    const fill = () => { const t = types.find((x) => x.type === sel.value); params.replaceChildren(...(t ? t.parameters.filter((p) => p.name !== "type").map((p) => fieldFor(p, key + "-")) : [])); desc.textContent = t ? t.description : ""; };
    sel.addEventListener("change", () => { fill(); update(); });
    fill();
    const box = el("fieldset", { class: "card" }, el("legend", { text: title }), el("label", {}, "type", sel), desc, params);
    box.read = () => sel.value ? Object.assign({ type: sel.value }, readFields(params)) : null;
    return box;
  };
  const objective = section("Objective", cat.objectives, "objective");
  const dataset = section("Dataset", cat.datasets, "dataset", true);
  const optimizer = section("Optimizer", cat.optimizers, "optimizer");
  const schedule = section("Learning-rate schedule", cat.schedules, "schedule", true);
  const top = el("div", { class: "row" }, cat.experiment.filter((p) => !["objective", "dataset", "optimizer", "schedule"].includes(p.name) && p.kind !== "object").map((p) => fieldFor(p, "exp-")));
  const specBox = el("pre", { class: "box", id: "spec-json", "aria-label": "spec JSON" }), curlBox = el("pre", { class: "box", id: "curl" });
  const form = el("form", { onsubmit: async (e) => { e.preventDefault(); const r = await api("/v1/experiments", { json: spec() }).catch((err) => { problem(main, err); return null; }); if (r) location.hash = "#/experiments/" + encodeURIComponent(r.id); }, oninput: () => update(), onchange: () => update() },
    el("div", { class: "grid2" }, objective, optimizer, dataset, schedule), card("Run", top),
    el("div", { class: "row" }, el("button", { type: "submit" }, "Submit experiment"), el("button", { type: "button", class: "secondary", onclick: () => navigator.clipboard && navigator.clipboard.writeText(curlBox.textContent) }, "Copy curl command")));
  main.append(form, el("div", { class: "grid2" }, card("Spec JSON", specBox), card("curl", curlBox)));
  function spec() {
    const s = Object.assign({}, readFields(top), { objective: objective.read(), optimizer: optimizer.read() });
    const d = dataset.read(); if (d) s.dataset = d;
    const sc = schedule.read(); if (sc) s.schedule = sc;
    return s;
  }
  function update() {
    const json = JSON.stringify(spec(), null, 2);
    specBox.textContent = json;
    curlBox.textContent = `curl -X POST ${location.origin}/v1/experiments \\\n  -H 'Content-Type: application/json' \\\n  -d '${JSON.stringify(spec()).replace(/'/g, "'\\''")}'`;
  }
  update();
}

// ---------- analysis ----------
async function pageAnalysis(main, params) {
  main.append(el("h1", { text: "Critical-point analysis" }));
  const cat = await api("/v1/catalog");
  const types = cat.objectives.filter((t) => !(cat.dataset_objectives || []).includes(t.type));
  const sel = el("select", { id: "an-objective" }, types.map((t) => el("option", { value: t.type, text: t.type, selected: t.type === (params.get("objective") || "saddle") })));
  const extra = el("input", { id: "an-params", size: 24, placeholder: '{"a": 1, "b": 100}', value: params.get("params") || "" });
  const point = el("input", { id: "an-point", size: 14, value: params.get("point") || "0, 0" });
  const xr = el("input", { id: "an-x", size: 10, value: "-2, 2" }), yr = el("input", { id: "an-y", size: 10, value: "-2, 2" });
  const out = el("div", { class: "grid2" });
  const nums = (s) => s.split(",").map((v) => Number(v.trim()));
  async function run() {
    let objective = { type: sel.value };
    if (extra.value.trim()) objective = Object.assign(JSON.parse(extra.value), objective);
    const p = nums(point.value), r = await api("/v1/analysis/critical-point", { json: { objective, point: p } });
    const table = el("dl", { class: "kv", id: "an-result" },
      el("dt", { text: "value" }), el("dd", { text: fmt(r.value) }),
      el("dt", { text: "gradient" }), el("dd", { text: "[" + r.gradient.map(fmt).join(", ") + "]  ‖g‖ = " + fmt(r.gradient_norm) }),
      el("dt", { text: "Hessian" }), el("dd", { text: r.hessian ? r.hessian.map((row) => "[" + row.map(fmt).join(", ") + "]").join(" ") : "–" }),
      el("dt", { text: "eigenvalues" }), el("dd", { text: r.eigenvalues.map(fmt).join(", ") }),
      el("dt", { text: "classification" }), el("dd", {}, el("strong", { text: r.is_critical ? r.kind.replace("_", " ") : "not a critical point" })),
      el("dt", { text: "escape direction" }), el("dd", { text: r.escape_direction ? "[" + r.escape_direction.map(fmt).join(", ") + "] (λ = " + fmt(r.escape_eigenvalue) + ", predicted decrease " + fmt(r.predicted_decrease) + ")" : "–" }));
    const parts = [card("Result", table)];
    if (p.length === 2) {
      const grid = await api("/v1/analysis/surface", { json: { objective, x_range: nums(xr.value), y_range: nums(yr.value), resolution: 81 } });
      const arrows = [];
      if (r.escape_direction) { const u = r.escape_direction.map(num); arrows.push({ x: p[0], y: p[1], dx: u[0], dy: u[1], label: "escape" }, { x: p[0], y: p[1], dx: -u[0], dy: -u[1] }); }
      else if (r.gradient_norm > 0) { const g = r.gradient.map(num), n = Math.hypot(g[0], g[1]) || 1; arrows.push({ x: p[0], y: p[1], dx: -g[0] / n * 0.5, dy: -g[1] / n * 0.5, label: "−gradient" }); }
      parts.push(card("On the contour", contourChart({ title: "loss surface around the point", grid, markers: [{ x: p[0], y: p[1], label: r.is_critical ? r.kind.replace("_", " ") : "point" }], arrows })));
    }
    out.replaceChildren(...parts);
  }
  main.append(el("form", { class: "row", onsubmit: (e) => { e.preventDefault(); run().catch((err) => problem(out, err)); } },
    el("label", {}, "Objective", sel), el("label", {}, "Extra parameters (JSON)", extra), el("label", {}, "Point (comma-separated)", point),
    el("label", {}, "x range", xr), el("label", {}, "y range", yr), el("button", { type: "submit" }, "Analyse")), out);
  await run().catch((err) => problem(out, err));
}

// ---------- router ----------
async function route() {
  for (const f of cleanup) { try { f(); } catch (e) { /* page gone */ } }
  cleanup = [];
  const hash = location.hash || "#/experiments";
  const [path, query] = hash.slice(1).split("?");
  const params = new URLSearchParams(query || ""), parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const main = document.getElementById("main");
  main.replaceChildren();
  for (const a of document.querySelectorAll("header nav a")) a.toggleAttribute("aria-current", a.getAttribute("href") === "#/" + (parts[0] || "experiments")) || a.removeAttribute("aria-current");
  for (const a of document.querySelectorAll("header nav a[aria-current]")) a.setAttribute("aria-current", "page");
  try {
    if (parts[0] === "experiments" && parts[1]) await pageExperiment(main, parts[1]);
    else if (parts[0] === "compare") await pageCompare(main, params);
    else if (parts[0] === "new") await pageNew(main);
    else if (parts[0] === "analysis") await pageAnalysis(main, params);
    else await pageList(main, params);
    document.body.setAttribute("data-page-ready", parts[0] || "experiments");
  } catch (e) {
    problem(main, e); reportError(e.message);
  }
}
window.addEventListener("hashchange", route);
document.addEventListener("DOMContentLoaded", () => { document.body.setAttribute("data-js-errors", String(errorsSeen.length)); route(); });
})();
