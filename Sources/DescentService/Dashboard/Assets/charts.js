"use strict";
// Descent dashboard charts, drawn as inline SVG: line charts, sparklines and contour plots with
// parameter paths, markers and arrows. Read by the pages through `Charts`.
/* global UI */
/* exported Charts */
const Charts = (function () {
const { COLORS, el, svgEl, num } = UI;

// ⌊log10 v⌋ for v > 0, corrected where Math.log10 rounds across a power of ten.
function log10Floor(v) {
  let e = Math.floor(Math.log10(v));
  if (Math.pow(10, e + 1) <= v) e += 1; else if (Math.pow(10, e) > v) e -= 1;
  return e;
}
// Spacing of about n ticks over [lo, hi]: 1, 2 or 5 × 10^k (Heckbert, Graphics Gems, 1990); 0 for an empty range.
function niceStep(lo, hi, n) {
  const raw = Math.abs(hi - lo) / Math.max(1, n - 1);
  if (!(raw > 0) || !isFinite(raw)) return 0;
  const base = Math.pow(10, log10Floor(raw)), f = raw / base;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * base;
}
function niceTicks(lo, hi, n) {
  if (!isFinite(lo) || !isFinite(hi)) return [];
  if (lo === hi) return [lo];
  const step = niceStep(lo, hi, n), out = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9 && out.length < 100; k++) out.push(Math.abs(k * step) < step * 1e-9 ? 0 : k * step);
  return out;
}
// "m e E" with d mantissa decimals, trailing zeros dropped: "2.5e-6", "1e0".
function scientific(v, d) {
  const [m, e] = v.toExponential(Math.min(20, d)).split("e");
  return (m.includes(".") ? m.replace(/\.?0+$/, "") : m) + "e" + parseInt(e, 10);
}
// Labels of ticks `step` apart, each with the digits the step needs: the rule of the server's plots
// (SVGPlot.tickLabels in Plotting/TickLabels.swift), checked against the same fixture.
function tickLabels(ticks, step) {
  const largest = Math.max(0, ...ticks.filter(isFinite).map(Math.abs)), decimal = largest >= 1e-3 && largest < 1e5;
  const k = log10Floor(step > 0 && isFinite(step) ? step : largest || 1);
  return ticks.map((v) => !isFinite(v) ? String(v) : v === 0 ? "0" : decimal ? v.toFixed(Math.max(0, -k)) : scientific(v, Math.max(0, log10Floor(Math.abs(v)) - k)));
}
// Where a marker's label goes so it stays inside the plot area: beside the point on the side with more
// room (anchored at its end in the right half), above it unless that crosses the top edge.
function labelPosition(x, y, box) {
  const right = x > (box.left + box.right) / 2;
  return { x: right ? x - 8 : x + 8, y: y - 18 < box.top ? y + 16 : y - 6, anchor: right ? "end" : "start" };
}
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
  const [x0, x1] = opts.xb, [y0, y1] = opts.yb, logY = !!opts.logY, logX = !!opts.logX;
  const ly = (v) => Math.log10(v);
  const sx = (v) => !isFinite(v) || (logX && v <= 0) ? null : L + (logX ? (ly(v) - ly(x0)) / (ly(x1) - ly(x0)) : (v - x0) / (x1 - x0)) * (W - L - R);
  const sy = (v) => !isFinite(v) || (logY && v <= 0) ? null : H - B - (logY ? (ly(v) - ly(y0)) / (ly(y1) - ly(y0)) : (v - y0) / (y1 - y0)) * (H - T - B);
  const g = svgEl("g", { class: "axes", fill: "#1a1a1a" });
  g.append(svgEl("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", stroke: "#555" }));
  let xt = niceTicks(x0, x1, 6), xl = tickLabels(xt, niceStep(x0, x1, 6));
  if (logX) [xt, xl] = logTicks(x0, x1, xt, xl);
  xt.forEach((v, i) => { const p = sx(v); g.append(svgEl("line", { class: "tick", x1: p, x2: p, y1: H - B, y2: H - B + 4, stroke: "#555" }), svgEl("text", { class: "tick-label x-tick", x: p, y: H - B + 16, "text-anchor": "middle" }, xl[i])); });
  let yt = niceTicks(y0, y1, 6), yl = tickLabels(yt, niceStep(y0, y1, 6));
  if (logY) [yt, yl] = logTicks(y0, y1, yt, yl);
  yt.forEach((v, i) => { const p = sy(v); if (p === null) return; g.append(svgEl("line", { x1: L, x2: W - R, y1: p, y2: p, stroke: "#e4e4e4" }), svgEl("line", { class: "tick", x1: L - 4, x2: L, y1: p, y2: p, stroke: "#555" }), svgEl("text", { class: "tick-label y-tick", x: L - 6, y: p + 4, "text-anchor": "end" }, yl[i])); });
  g.append(svgEl("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle" }, (opts.xLabel || "") + (logX ? " (log)" : "")));
  g.append(svgEl("text", { x: 12, y: (T + H - B) / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${(T + H - B) / 2})` }, (opts.yLabel || "") + (logY ? " (log)" : "")));
  svg.append(g);
  const clipId = "clip" + Math.random().toString(36).slice(2);
  const defs = svgEl("defs"); const cp = svgEl("clipPath", { id: clipId }); cp.append(svgEl("rect", { x: L, y: T, width: W - L - R, height: H - T - B })); defs.append(cp); svg.append(defs);
  const plot = svgEl("g", { "clip-path": `url(#${clipId})` }); svg.append(plot);
  return { svg, sx, sy, plot, box: { left: L, right: W - R, top: T, bottom: H - B } };
}
// Decade ticks of a log axis over [lo, hi] (at most 7), or the linear ticks above 0 when fewer than two decades fit.
function logTicks(lo, hi, ticks, labels) {
  const e0 = Math.ceil(Math.log10(lo) - 1e-9), e1 = Math.floor(Math.log10(hi) + 1e-9), ex = [], k = Math.max(1, Math.ceil((e1 - e0 + 1) / 7));
  for (let e = e0; e <= e1; e += k) ex.push(Math.pow(10, e));
  if (ex.length >= 2) return [ex, ex.map((v) => scientific(v, 0))];
  return [ticks.filter((v) => v > 0), labels.filter((_, i) => ticks[i] > 0)];
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
// Points, one colour per group: [{name, xs, ys}]; opts.logX / opts.logY (each used only when some value is > 0).
function scatterChart(groups, opts) {
  const xs = groups.flatMap((g) => g.xs), ys = groups.flatMap((g) => g.ys);
  const logX = !!opts.logX && xs.some((v) => v > 0), logY = !!opts.logY && ys.some((v) => v > 0);
  const f = frame(Object.assign({}, opts, { logX, logY, xb: bounds(xs, logX), yb: bounds(ys, logY) }));
  groups.forEach((g, i) => g.xs.forEach((x, k) => {
    const px = f.sx(x), py = f.sy(g.ys[k]);
    if (px !== null && py !== null) f.plot.append(svgEl("circle", { class: "point", cx: px.toFixed(1), cy: py.toFixed(1), r: 3.5, fill: COLORS[i % COLORS.length], "fill-opacity": 0.75 }));
  }));
  const box = el("figure", { class: "plot" }, f.svg);
  if (groups.length > 1) box.append(legend(groups.map((g) => g.name)));
  return box;
}
// Mean lines with a shaded band from lo to hi per step: [{name, xs, mean, lo, hi}].
function bandChart(series, opts) {
  const logY = !!opts.logY && series.some((s) => s.mean.some((v) => v > 0));
  const f = frame(Object.assign({}, opts, { logY, xb: bounds(series.flatMap((s) => s.xs), false), yb: bounds(series.flatMap((s) => s.lo.concat(s.hi, s.mean)), logY) }));
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length], top = s.xs.map((x, k) => [f.sx(x), f.sy(s.hi[k])]), bottom = s.xs.map((x, k) => [f.sx(x), f.sy(s.lo[k])]);
    if (top.concat(bottom).every(([x, y]) => x !== null && y !== null) && top.length) {
      f.plot.append(svgEl("path", { class: "band", d: pathD(top) + bottom.reverse().map(([x, y]) => "L" + x.toFixed(1) + " " + y.toFixed(1)).join("") + "Z", fill: c, "fill-opacity": 0.18, stroke: "none" }));
    }
    f.plot.append(svgEl("path", { class: "series", d: pathD(s.xs.map((x, k) => [f.sx(x), f.sy(s.mean[k])])), fill: "none", stroke: c, "stroke-width": 1.6 }));
  });
  const box = el("figure", { class: "plot" }, f.svg);
  box.append(legend(series.map((s) => s.name)));
  return box;
}
// Parallel coordinates: one vertical axis per column ({name, values, log, labels?}), one polyline per row,
// coloured from dark (best, rank 0) to light by `rank[i]` in [0, 1].
function parallelCoordinates(columns, rank, opts) {
  const W = opts.width || 640, H = opts.height || 300, T = 24, B = 34, L = 50, R = 50;
  const svg = svgEl("svg", { class: "chart parallel", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": opts.title || "parallel coordinates", "font-size": 11 });
  svg.append(svgEl("title", {}, opts.title || "parallel coordinates"));
  const gap = columns.length > 1 ? (W - L - R) / (columns.length - 1) : 0;
  const scales = columns.map((c) => {
    const log = c.log && c.values.some((v) => v > 0), [lo, hi] = bounds(c.values, log);
    const t = (v) => log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
    return (v) => !isFinite(v) || (log && v <= 0) ? null : H - B - t(v) * (H - T - B);
  });
  const n = columns.length ? columns[0].values.length : 0, order = [...Array(n).keys()].sort((a, b) => rank[b] - rank[a]);
  for (const i of order) {
    const pts = columns.map((c, j) => [L + j * gap, scales[j](c.values[i])]);
    const shade = Math.round(30 + 190 * rank[i]);
    svg.append(svgEl("path", { class: "series line", d: pathD(pts), fill: "none", stroke: `rgb(${shade},${Math.round(60 + 150 * rank[i])},${Math.round(170 + 60 * rank[i])})`, "stroke-width": rank[i] === 0 ? 2.6 : 1.2, "stroke-opacity": 0.85 }));
  }
  columns.forEach((c, j) => {
    const x = L + j * gap, finite = c.values.filter(isFinite), lo = finite.length ? Math.min(...finite) : NaN, hi = finite.length ? Math.max(...finite) : NaN;
    svg.append(svgEl("line", { class: "axis", x1: x, x2: x, y1: T, y2: H - B, stroke: "#555" }));
    svg.append(svgEl("text", { class: "axis-label", x, y: H - B + 16, "text-anchor": "middle" }, c.name + (c.log ? " (log)" : "")));
    svg.append(svgEl("text", { class: "tick-label", x: x + 4, y: T - 8, "text-anchor": j === columns.length - 1 ? "end" : "start" }, c.labels ? c.labels[c.labels.length - 1] : UI.fmt(hi)));
    svg.append(svgEl("text", { class: "tick-label", x: x + 4, y: H - B + 28, "text-anchor": j === columns.length - 1 ? "end" : "start" }, c.labels ? c.labels[0] : UI.fmt(lo)));
  });
  return el("figure", { class: "plot" }, svg);
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
  const f = frame({ title: opts.title, width: 560, height: 480, xb: [g.xs[0], g.xs[g.xs.length - 1]], yb: [g.ys[0], g.ys[g.ys.length - 1]], xLabel: opts.xLabel || "w1", yLabel: opts.yLabel || "w2" });
  const lo = Math.min(...flat), hi = Math.max(...flat), n = 14;
  if (opts.heat && hi > lo) f.plot.append(heatMap(g, f, lo, hi));
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
    if (a.label) { const at = labelPosition(x1, y1, f.box); f.plot.append(svgEl("text", { class: "arrow-label", x: at.x, y: at.y, "text-anchor": at.anchor, fill: "#b00020", "font-size": 12 }, a.label)); }
  }
  for (const m of opts.markers || []) {
    const x = f.sx(m.x), y = f.sy(m.y);
    if (x === null || y === null) continue;
    f.plot.append(svgEl("path", { class: "marker", d: `M${x - 5} ${y - 5}L${x + 5} ${y + 5}M${x - 5} ${y + 5}L${x + 5} ${y - 5}`, stroke: "#000", "stroke-width": 2 }));
    const at = labelPosition(x, y, f.box);
    f.plot.append(svgEl("text", { class: "marker-label", x: at.x, y: at.y, "text-anchor": at.anchor, "font-size": 12, fill: "#000", stroke: "#fff", "stroke-width": 3, "paint-order": "stroke" }, m.label));
  }
  const box = el("figure", { class: "plot" }, f.svg);
  if ((opts.paths || []).length) box.append(legend(opts.paths.map((p) => p.name)));
  return box;
}
// The grid's cells filled by log(value − lowest + a thousandth of the span): light at the lowest loss, dark at the highest.
function heatMap(g, f, lo, hi) {
  const cells = svgEl("g", { class: "heat" }), span = hi - lo, floor = Math.log10(span * 1e-3), top = Math.log10(span * 1.001);
  const edges = (vs, k) => [k === 0 ? vs[0] : (vs[k - 1] + vs[k]) / 2, k === vs.length - 1 ? vs[k] : (vs[k] + vs[k + 1]) / 2];
  g.ys.forEach((yv, j) => {
    const [ya, yb] = edges(g.ys, j).map(f.sy);
    g.xs.forEach((xv, i) => {
      const v = num(g.values[j][i]), [xa, xb] = edges(g.xs, i).map(f.sx);
      if (!isFinite(v) || [xa, xb, ya, yb].includes(null)) return;
      const t = (Math.log10(v - lo + span * 1e-3) - floor) / (top - floor);
      cells.append(svgEl("rect", { class: "cell", x: xa.toFixed(1), y: Math.min(ya, yb).toFixed(1), width: (xb - xa + 0.6).toFixed(1), height: (Math.abs(yb - ya) + 0.6).toFixed(1),
        fill: `rgb(${255 - 200 * t | 0},${250 - 160 * t | 0},${225 - 95 * t | 0})` }));
    });
  });
  return cells;
}
function rangeOf(vals, pad) {
  const v = vals.filter(isFinite); if (!v.length) return [-2, 2];
  const lo = Math.min(...v), hi = Math.max(...v), p = Math.max((hi - lo) * pad, 0.5);
  return [lo - p, hi + p];
}
return { lineChart, scatterChart, bandChart, parallelCoordinates, sparkline, contourChart, rangeOf, niceTicks, niceStep, tickLabels };
})();
