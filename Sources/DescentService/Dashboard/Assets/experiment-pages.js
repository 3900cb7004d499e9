"use strict";
// Descent dashboard pages about experiments: the list, one experiment (live while it runs) and the
// comparison of several. Read by the router through `ExperimentPages`.
/* global UI, Charts */
/* exported ExperimentPages */
const ExperimentPages = (function () {
const { FINAL, reportError, el, statusBadge, card, num, fmt, isAbsent, isPageGone, page } = UI;
const { lineChart, sparkline, contourChart, rangeOf } = Charts;

// ---------- experiments list ----------
const sparkCache = new Map();
async function pageList(main, params) {
  const life = page(), api = life.api.bind(life);
  main.append(el("h1", { text: "Experiments" }));
  const filters = { status: params.get("status") || "", objective: params.get("objective") || "", optimizer: params.get("optimizer") || "", tag: params.get("tag") || "" };
  const apply = () => { const q = new URLSearchParams(); for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v); location.hash = "#/experiments" + (q.toString() ? "?" + q : ""); };
  const status = el("select", { id: "f-status", onchange: (e) => { filters.status = e.target.value; apply(); } }, el("option", { value: "", text: "any" }), ["queued", "running", ...FINAL].map((s) => el("option", { value: s, text: s, selected: s === filters.status })));
  const updated = el("span", { class: "muted", id: "list-updated", "aria-live": "off" });
  const text = (name) => el("input", { id: "f-" + name, value: filters[name], size: 12, onchange: (e) => { filters[name] = e.target.value.trim(); apply(); } });
  main.append(el("form", { class: "row", role: "search", onsubmit: (e) => e.preventDefault() },
    el("label", {}, "Status", status), el("label", {}, "Objective", text("objective")), el("label", {}, "Optimizer", text("optimizer")), el("label", {}, "Tag", text("tag")),
    updated));
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
      const filtered = Object.values(filters).some(Boolean);
      if (!rows.length) body.append(el("tr", {}, el("td", { colspan: 8, class: "muted", id: "list-empty", text: filtered ? "No experiments match these filters." : "No experiments yet — start one from “New experiment”." })));
      updated.textContent = "updated " + new Date().toLocaleTimeString();
    } catch (e) { if (!isPageGone(e)) reportError(e.message); } finally { busy = false; }
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
  life.every(3000, refresh);
}

// ---------- experiment view ----------
async function pageExperiment(main, id) {
  const life = page(), api = life.api.bind(life), title = el("h1", { id: "exp-title", text: "Experiment " + id });
  main.append(title);
  let x = await api("/v1/experiments/" + encodeURIComponent(id));
  const head = el("div"), charts = el("div", { class: "grid2" }), surface = el("div", { class: "grid2" });
  const cancelButton = el("button", { class: "secondary", type: "button", id: "cancel-run", hidden: FINAL.includes(x.status), onclick: async () => { await api(`/v1/experiments/${id}/cancel`, { method: "POST" }); } }, "Cancel run");
  const logToggle = el("input", { type: "checkbox", id: "log-y", checked: true, onchange: () => drawCharts() });
  main.append(head, el("div", { class: "row" }, el("label", { class: "inline" }, logToggle, "log-scale loss axis"),
    el("a", { href: `/v1/experiments/${id}/plot.svg?kind=loss` }, "loss.svg"), el("a", { href: `/v1/experiments/${id}/trajectory`, type: "application/json" }, "trajectory JSON"),
    cancelButton), charts, surface);
  let traj = null;
  function drawHead() {
    if (!life.alive()) return;
    title.textContent = x.name || x.id;
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
  // record_internals: one small chart per state vector (m, v, b, sigma, avg: its coordinates or its norm) and one
  // of the update's size, so the moments can be watched next to the loss.
  function internalsCards(steps, names, rows) {
    const groups = new Map();
    names.forEach((name, j) => {
      const key = ["update_norm", "effective_lr"].includes(name) ? "update" : name.replace(/(\[\d+\]|_norm)$/, "");
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push({ name, xs: steps, ys: rows.map((r) => num(r[j])) });
    });
    return [...groups].map(([key, series]) => key === "update"
      ? card("Update size vs step", lineChart(series, { title: "‖Δθ‖ and effective step size ‖Δθ‖/‖g‖", xLabel: "step", yLabel: "size", logY: true, legend: true }))
      : card("Optimizer state " + key + " vs step", lineChart(series, { title: key + " (optimizer internals)", xLabel: "step", yLabel: key, legend: series.length > 1 })));
  }
  function drawCharts() {
    if (!traj) return;
    const steps = traj.step, parts = [];
    parts.push(card("Loss vs step", lineChart([{ name: "loss", xs: steps, ys: traj.loss.map(num) }], { title: "loss vs step", xLabel: "step", yLabel: "loss", logY: logToggle.checked })));
    if (traj.internal_names && traj.internals) parts.push(...internalsCards(steps, traj.internal_names, traj.internals));
    parts.push(card("Learning rate vs step", lineChart([{ name: "lr", xs: steps, ys: traj.lr.map(num) }], { title: "learning rate vs step", xLabel: "step", yLabel: "lr" })));
    parts.push(card("Gradient norm vs step", lineChart([{ name: "grad norm", xs: steps, ys: traj.grad_norm.map(num) }], { title: "gradient norm vs step", xLabel: "step", yLabel: "‖g‖", logY: true })));
    if (traj.epochs && traj.epochs.length) {
      const ep = traj.epochs, s = [{ name: "train", xs: ep.map((e) => e.epoch), ys: ep.map((e) => num(e.train_loss)) }];
      if (ep.some((e) => !isAbsent(e.validation_loss))) s.push({ name: "validation", xs: ep.map((e) => e.epoch), ys: ep.map((e) => num(e.validation_loss)) });
      parts.push(card("Loss per epoch", lineChart(s, { title: "train vs validation loss per epoch", xLabel: "epoch", yLabel: "loss", logY: logToggle.checked, legend: true })));
    }
    if (traj.sharpness && traj.sharpness.length) {
      // analysis.sharpness_every: λmax against 2/η, the edge of stability (Cohen et al. 2021).
      const sh = traj.sharpness, at = sh.map((r) => r.step);
      const edge = sh.map((r) => (num(r.lr) > 0 ? 2 / num(r.lr) : NaN));
      parts.push(card("Sharpness vs 2/η", lineChart([{ name: "λmax", xs: at, ys: sh.map((r) => num(r.lambda_max)) }, { name: "2/η", xs: at, ys: edge }], { title: "sharpness (λmax) vs 2/η", xLabel: "step", yLabel: "λmax", legend: true })));
      parts.push(card("Gradient alignment with the top eigenvector", lineChart([{ name: "|cos|", xs: at, ys: sh.map((r) => num(r.alignment)) }], { title: "|cos(g, v₁)|", xLabel: "step", yLabel: "alignment" })));
    }
    charts.replaceChildren(...parts);
  }
  async function loadTrajectory() {
    traj = await api(`/v1/experiments/${encodeURIComponent(id)}/trajectory?max_points=1500&fields=epoch,lr,loss,grad_norm${x.spec.record_internals ? ",internals" : ""}`);
    drawCharts();
  }
  // Above two parameters: the loss landscape around the run (POST /v1/analysis/landscape), for a finished run
  // that recorded its parameters: the PCA plane of its path with the path projected, and the line from θ₀ to the end.
  async function drawLandscape() {
    if (!traj || traj.dimension <= 2 || x.spec.record_params === false || !["succeeded", "diverged"].includes(x.status)) return;
    const pca = await api("/v1/analysis/landscape", { json: { kind: "pca", experiment: id, resolution: 31 } });
    const share = (pca.explained_variance || []).map((v) => fmt(100 * num(v)) + " %").join(", ");
    const line = await api("/v1/analysis/landscape", { json: { kind: "line", from: { experiment: id, step: 0 }, to: { experiment: id }, resolution: 101 } });
    surface.replaceChildren(
      card("Loss landscape: PCA plane of the path", contourChart({ title: "loss on the path's top two principal directions", grid: pca.grid, paths: [{ name: "path (projected)", xs: pca.path.xs.map(num), ys: pca.path.ys.map(num) }] }),
        el("p", { class: "muted", text: "explained variance: " + share + " · centred on the final point" })),
      card("Loss along the line from θ₀ to the end", lineChart([{ name: "loss", xs: line.line.alphas.map(num), ys: line.line.values.map(num) }], { title: "L((1 − α)·θ₀ + α·θ_end)", xLabel: "α", yLabel: "loss", logY: logToggle.checked })));
  }
  async function drawSurface() {
    if (traj && traj.dimension > 2) return drawLandscape();
    if (!traj || traj.dimension !== 2) return;
    // The path's own points: rows chosen by its geometry, not by the loss curve's shape.
    const path = await api(`/v1/experiments/${encodeURIComponent(id)}/trajectory?max_points=1500&shape=path&fields=params`);
    if (!path.params || !path.params.length) return;
    const px = path.params.map((p) => num(p[0])), py = path.params.map((p) => num(p[1]));
    const xr = rangeOf(px, 0.15), yr = rangeOf(py, 0.15);
    const body = { objective: x.spec.objective, x_range: xr, y_range: yr, resolution: 81 };
    if (x.spec.dataset) { body.dataset = x.spec.dataset; body.seed = x.spec.seed || 0; }
    const grid = await api("/v1/analysis/surface", { json: body });
    const candidates = [[px[px.length - 1], py[py.length - 1], "end"], [0, 0, "origin"]].filter(([a, b]) => isFinite(a) && isFinite(b) && a >= xr[0] && a <= xr[1] && b >= yr[0] && b <= yr[1]);
    const markers = [];
    for (const [a, b, name] of candidates) {
      const cp = Object.assign({ objective: x.spec.objective, point: [a, b] }, x.spec.dataset ? { dataset: x.spec.dataset, seed: x.spec.seed || 0 } : {});
      const r = await api("/v1/analysis/critical-point", { json: cp }).catch((e) => { if (isPageGone(e)) throw e; return null; });
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
    life.onEnd(() => es.close());
    let pending = false;
    const quietly = (p) => p.catch((e) => { if (!isPageGone(e)) reportError(e.message); });
    const reload = () => {
      if (pending) return; pending = true;
      life.after(800, () => quietly((async () => { pending = false; x = await api("/v1/experiments/" + encodeURIComponent(id)); drawHead(); await loadTrajectory(); })()));
    };
    es.addEventListener("progress", reload);
    es.addEventListener("status", reload);
    es.addEventListener("end", (e) => { es.close(); x = JSON.parse(e.data); cancelButton.hidden = true; drawHead(); quietly((async () => { await loadTrajectory(); await drawSurface(); })()); });
    es.onerror = () => { if (es.readyState === 2) reload(); };
  }
}

// ---------- compare ----------
// rerender: shows the page again (the router's `route`), once a study being watched has finished.
async function pageCompare(main, params, rerender) {
  const life = page(), api = life.api.bind(life);
  main.append(el("h1", { text: "Compare" }));
  let ids = (params.get("ids") || "").split(",").filter(Boolean);
  const labels = {};
  const studyId = params.get("study");
  if (studyId) {
    const st = await api("/v1/studies/" + encodeURIComponent(studyId));
    main.append(el("p", {}, "Study ", el("strong", { text: st.name }), " · ", statusBadge(st.status), " · ", el("a", { href: `/v1/studies/${studyId}/plot.svg` }, "study.svg")));
    ids = st.experiments.map((e) => e.id); st.experiments.forEach((e) => labels[e.id] = e.label);
    if (st.status !== "finished") life.every(2000, async () => { const s2 = await api("/v1/studies/" + encodeURIComponent(studyId)).catch(() => null); if (s2 && s2.status === "finished" && life.alive()) rerender(); });
  }
  const list = await api("/v1/experiments?limit=100");
  const picks = el("div", { class: "checklist", role: "group", "aria-label": "experiments to compare" }, list.items.map((x) =>
    el("label", { class: "inline" }, el("input", { type: "checkbox", value: x.id, checked: ids.includes(x.id) }), (x.name || x.id) + " — " + x.spec.optimizer.type + " (" + x.status + ")")));
  main.append(el("details", { open: ids.length ? null : true }, el("summary", { text: "Choose experiments" }), picks,
    el("div", { class: "row" }, el("button", { type: "button", onclick: () => { const sel = [...picks.querySelectorAll("input:checked")].map((i) => i.value); location.hash = "#/compare?ids=" + sel.join(","); } }, "Compare selected"))));
  if (!ids.length) { main.append(el("p", { class: "muted", text: "Pick two or more experiments, or open a study from a preset." })); return; }
  const runs = await Promise.all(ids.map(async (id) => {
    const x = await api("/v1/experiments/" + encodeURIComponent(id)).catch((e) => { if (isPageGone(e)) throw e; return null; });
    if (!x) return null;
    const t = await api(`/v1/experiments/${encodeURIComponent(id)}/trajectory?max_points=800&fields=epoch,loss`);
    const path = t.dimension === 2 ? await api(`/v1/experiments/${encodeURIComponent(id)}/trajectory?max_points=800&shape=path&fields=params`) : null;
    return { x, t, path, name: labels[id] || x.name || id };
  })).then((r) => r.filter(Boolean));
  const charts = el("div", { class: "grid2" });
  main.append(charts);
  const loss = runs.map((r) => ({ name: r.name, xs: r.t.step, ys: r.t.loss.map(num) }));
  charts.append(card("Loss vs step", lineChart(loss, { title: "loss vs step", xLabel: "step", yLabel: "loss", logY: true, legend: true })));
  const withEpochs = runs.filter((r) => r.t.epochs && r.t.epochs.length);
  if (withEpochs.length) charts.append(card("Training loss per epoch", lineChart(withEpochs.map((r) => ({ name: r.name, xs: r.t.epochs.map((e) => e.epoch), ys: r.t.epochs.map((e) => num(e.train_loss)) })), { title: "loss per epoch", xLabel: "epoch", yLabel: "train loss", logY: true, legend: true })));
  const twoD = runs.filter((r) => r.path && r.path.params && r.path.params.length);
  const sameObjective = twoD.length && twoD.every((r) => JSON.stringify(r.x.spec.objective) === JSON.stringify(twoD[0].x.spec.objective) && !r.x.spec.dataset);
  if (sameObjective) {
    const paths = twoD.map((r) => ({ name: r.name, xs: r.path.params.map((p) => num(p[0])), ys: r.path.params.map((p) => num(p[1])) }));
    const grid = await api("/v1/analysis/surface", { json: { objective: twoD[0].x.spec.objective, x_range: rangeOf(paths.flatMap((p) => p.xs), 0.1), y_range: rangeOf(paths.flatMap((p) => p.ys), 0.1), resolution: 81 } });
    charts.append(card("Paths on one contour", contourChart({ title: "parameter paths", grid, paths })));
  }
}
return { list: pageList, experiment: pageExperiment, compare: pageCompare };
})();
