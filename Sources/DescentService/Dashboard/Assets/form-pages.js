"use strict";
// Descent dashboard pages built from the catalog: the new-experiment form and the critical-point
// analysis. Read by the router through `FormPages`.
/* global UI, Charts */
/* exported FormPages */
const FormPages = (function () {
const { el, card, problem, num, fmt, isPageGone, page } = UI;
const { contourChart, lineChart } = Charts;

// ---------- new experiment ----------
// "a, b" or JSON "[a, b]" → [a, b]; the text itself when it is neither (the server then says what is wrong).
function numberList(text) {
  const t = text.trim();
  if (t.startsWith("[")) { try { return JSON.parse(t); } catch (e) { return t; } }
  const parts = t.split(",").map((v) => v.trim());
  return parts.every((v) => v !== "" && isFinite(Number(v))) ? parts.map(Number) : t;
}
function hintOf(p) {
  const def = p.default;
  return [p.description, p.range ? "range " + p.range : null, def !== undefined && def !== null ? "default " + JSON.stringify(def) : null].filter(Boolean).join(" · ");
}
// One input for catalog parameter p; `attr` is "name" for a spec field, "member" inside an object control.
function inputFor(p, id, attr) {
  const def = p.default;
  let input;
  if (p.kind === "boolean") input = el("input", { type: "checkbox", id, checked: def === true, "data-kind": "boolean" });
  else if (p.kind === "string" && p.allowed) input = el("select", { id, "data-kind": "string" }, (p.required ? [] : [el("option", { value: "", text: "(default)" })]).concat(p.allowed.map((a) => el("option", { value: a, text: a, selected: a === def }))));
  else if (p.kind === "number" || p.kind === "integer") input = el("input", { type: "number", id, step: p.kind === "integer" ? 1 : "any", min: p.minimum, max: p.maximum, value: typeof def === "number" ? def : "", placeholder: def === null ? "none" : "", "data-kind": p.kind });
  else if (p.kind === "number_list" || p.kind === "integer_list") input = el("input", { id, value: Array.isArray(def) ? def.join(", ") : "", placeholder: def === null ? "none (a, b or [a, b])" : "a, b or [a, b]", "data-kind": "list", size: 18 });
  else input = el("input", { id, value: def !== undefined && def !== null ? JSON.stringify(def) : "", placeholder: "JSON " + p.kind, "data-kind": "json", size: 18 });
  input.dataset[attr] = p.name; input.dataset.default = JSON.stringify(def === undefined ? null : def);
  return input;
}
// An object parameter (e.g. batch_norm): its members as inputs; when it may be null, a switch turns it on.
function objectControl(p, prefix) {
  const id = prefix + p.name, members = el("div", { class: "row members" }, (p.fields || []).map((m) => el("label", { title: hintOf(m) }, m.name, inputFor(m, id + "-" + m.name, "member"), el("span", { class: "muted", text: m.range || "" }))));
  const on = el("input", { type: "checkbox", id, "data-kind": "object", checked: !p.nullable });
  on.dataset.name = p.name; on.dataset.default = JSON.stringify(p.nullable ? null : p.default === undefined ? null : p.default);
  const show = () => { members.hidden = !on.checked; };
  on.addEventListener("change", show); show();
  on.readObject = () => on.checked ? readMembers(members) : undefined;
  on.setObject = (v) => { on.checked = v !== null && v !== undefined; show(); if (on.checked) setInputs(members, v, "member"); };
  return el("fieldset", { class: "object-field", title: hintOf(p) }, el("legend", {}, el("label", { class: "inline" }, on, p.name + (p.nullable ? " (on/off)" : ""))), members);
}
function fieldFor(p, prefix) {
  if (p.kind === "object" && p.fields) return objectControl(p, prefix);
  return el("label", { title: hintOf(p) }, p.name + (p.required ? " *" : ""), inputFor(p, prefix + p.name, "name"), el("span", { class: "muted field-range", text: p.range || "" }));
}
function readInput(inp) {
  const k = inp.dataset.kind;
  if (k === "boolean") return inp.checked;
  if (k === "object") return inp.readObject();
  if (inp.value === "") return undefined;
  if (k === "number" || k === "integer") return Number(inp.value);
  if (k === "string") return inp.value;
  if (k === "list") return numberList(inp.value);
  try { return JSON.parse(inp.value); } catch (e) { return inp.value; }
}
// The fields of `box` whose value differs from their default.
function readFields(box) {
  const out = {};
  for (const inp of box.querySelectorAll("[data-name]")) {
    const v = readInput(inp);
    if (v !== undefined && JSON.stringify(v) !== inp.dataset.default) out[inp.dataset.name] = v;
  }
  return out;
}
function readMembers(box) {
  const out = {};
  for (const inp of box.querySelectorAll("[data-member]")) { const v = readInput(inp); if (v !== undefined && JSON.stringify(v) !== inp.dataset.default) out[inp.dataset.member] = v; }
  return out;
}
// Puts the values of `values` (a spec section) into the inputs of `box`; absent ones go back to their default.
function setInputs(box, values, attr) {
  for (const inp of box.querySelectorAll(`[data-${attr}]`)) {
    const name = inp.dataset[attr], has = Object.prototype.hasOwnProperty.call(values || {}, name), v = has ? values[name] : JSON.parse(inp.dataset.default);
    const k = inp.dataset.kind;
    if (k === "object") inp.setObject(v);
    else if (k === "boolean") inp.checked = v === true;
    else if (v === null || v === undefined) inp.value = "";
    else if (k === "list" && Array.isArray(v)) inp.value = v.join(", ");
    else if (k === "json") inp.value = JSON.stringify(v);
    else inp.value = String(v);
  }
}
// The spec a preset starts from: an experiment preset's body; a study's first experiment, or its base.
function presetSpec(p) {
  if (p.kind === "batch_cost") return p.body.spec;
  if (p.kind !== "study") return p.body;
  return (p.body.experiments && p.body.experiments[0]) || p.body.base || {};
}
async function pageNew(main) {
  const life = page(), api = life.api.bind(life);
  main.append(el("h1", { text: "New experiment" }));
  const [cat, presets] = await Promise.all([api("/v1/catalog"), api("/v1/presets")]);
  const presetRow = (p) => el("div", { class: "preset" },
    el("button", { type: "button", class: "secondary", title: p.description, "data-preset": p.name, onclick: async () => {
      // A batch-cost preset is a measurement, shown on its own page rather than stored as a run.
      if (p.kind === "batch_cost") { location.hash = "#/batch-cost?preset=" + encodeURIComponent(p.name); return; }
      const r = await api(`/v1/presets/${encodeURIComponent(p.name)}/run`, { method: "POST" });
      location.hash = p.kind === "study" ? "#/compare?study=" + encodeURIComponent(r.id) : "#/experiments/" + encodeURIComponent(r.id);
    } }, p.title),
    el("button", { type: "button", class: "link", title: "Put this preset's spec into the form below to change it before submitting", "data-edit-preset": p.name, onclick: () => load(presetSpec(p)) }, "edit"));
  main.append(card("Lecture presets", el("p", { class: "muted", text: "Run a preset as it is, or “edit” to load its spec (a study's first run) into the form." }), el("div", { class: "presets" }, presets.items.map(presetRow))));
  const section = (title, types, key, optional) => {
    const sel = el("select", { id: key + "-type" }, (optional ? [el("option", { value: "", text: "none" })] : []).concat(types.map((t) => el("option", { value: t.type, text: t.type }))));
    const params = el("div", { class: "row" }), desc = el("p", { class: "muted" });
    const fill = () => { const t = types.find((x) => x.type === sel.value); params.replaceChildren(...(t ? t.parameters.filter((p) => p.name !== "type").map((p) => fieldFor(p, key + "-")) : [])); desc.textContent = t ? t.description : ""; };
    sel.addEventListener("change", () => { fill(); update(); });
    fill();
    const box = el("fieldset", { class: "card" }, el("legend", { text: title }), el("label", {}, "type", sel), desc, params);
    box.read = () => sel.value ? Object.assign({ type: sel.value }, readFields(params)) : null;
    box.load = (v) => { sel.value = v && v.type ? v.type : (optional ? "" : sel.value); fill(); if (v) setInputs(params, v, "name"); };
    return box;
  };
  const objective = section("Objective", cat.objectives, "objective");
  const dataset = section("Dataset", cat.datasets, "dataset", true);
  const optimizer = section("Optimizer", cat.optimizers, "optimizer");
  const schedule = section("Learning-rate schedule", cat.schedules, "schedule", true);
  // The spec's transforms list: one typed box per entry (catalog `transforms`), in order; "none" entries are left out.
  const transformEntries = [], transformBox = el("div", {});
  const addTransform = (v) => {
    const box = section("Transform " + (transformEntries.length + 1), cat.transforms, "transform" + transformEntries.length, true);
    transformEntries.push(box); transformBox.append(box);
    if (v) box.load(v);
  };
  const transforms = el("fieldset", { class: "card", id: "transforms" }, el("legend", { text: "Gradient transforms (in order) and parameter average" }), transformBox,
    el("button", { type: "button", class: "secondary", id: "add-transform", onclick: () => { addTransform(); update(); } }, "Add transform"));
  const top = el("div", { class: "row" }, cat.experiment.filter((p) => !["objective", "dataset", "optimizer", "schedule", "transforms"].includes(p.name) && p.kind !== "object").map((p) => fieldFor(p, "exp-")));
  const specBox = el("pre", { class: "box", id: "spec-json", "aria-label": "spec JSON" }), curlBox = el("pre", { class: "box", id: "curl" });
  // The server's answer to the last submission, beside the button; each answer replaces the one before.
  const formError = el("p", { class: "status failed form-error", id: "form-error", role: "alert", hidden: true });
  const submit = async (e) => {
    e.preventDefault();
    formError.hidden = true; formError.textContent = "";
    const r = await api("/v1/experiments", { json: spec() }).catch((err) => { if (!isPageGone(err)) { formError.textContent = String(err.message || err); formError.hidden = false; } return null; });
    if (r) location.hash = "#/experiments/" + encodeURIComponent(r.id);
  };
  const form = el("form", { onsubmit: submit, oninput: () => update(), onchange: () => update() },
    el("div", { class: "grid2" }, objective, optimizer, dataset, schedule), transforms, card("Run", top),
    el("div", { class: "row submit-row" }, el("button", { type: "submit", id: "submit-experiment" }, "Submit experiment"), el("button", { type: "button", class: "secondary", onclick: () => navigator.clipboard && navigator.clipboard.writeText(curlBox.textContent) }, "Copy curl command"), formError));
  main.append(form, el("div", { class: "grid2" }, card("Spec JSON", specBox), card("curl", curlBox)));
  function spec() {
    const s = Object.assign({}, readFields(top), { objective: objective.read(), optimizer: optimizer.read() });
    const d = dataset.read(); if (d) s.dataset = d;
    const sc = schedule.read(); if (sc) s.schedule = sc;
    const ts = transformEntries.map((box) => box.read()).filter((t) => t); if (ts.length) s.transforms = ts;
    return s;
  }
  function load(s) {
    objective.load(s.objective); optimizer.load(s.optimizer); dataset.load(s.dataset); schedule.load(s.schedule);
    transformEntries.length = 0; transformBox.replaceChildren();
    (s.transforms || []).forEach(addTransform);
    setInputs(top, s, "name");
    formError.hidden = true;
    update();
    form.scrollIntoView({ block: "start" });
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
  const life = page(), api = life.api.bind(life);
  main.append(el("h1", { text: "Critical-point analysis" }));
  const cat = await api("/v1/catalog");
  const types = cat.objectives.filter((t) => !(cat.dataset_objectives || []).includes(t.type));
  const sel = el("select", { id: "an-objective" }, types.map((t) => el("option", { value: t.type, text: t.type, selected: t.type === (params.get("objective") || "saddle") })));
  const extra = el("input", { id: "an-params", size: 24, placeholder: '{"a": 1, "b": 100}', value: params.get("params") || "" });
  const point = el("input", { id: "an-point", size: 14, value: params.get("point") || "0, 0" });
  const xr = el("input", { id: "an-x", size: 10, value: "-2, 2" }), yr = el("input", { id: "an-y", size: 10, value: "-2, 2" });
  const out = el("div", { class: "grid2" });
  const nums = numberList;
  async function run() {
    let objective = { type: sel.value };
    if (extra.value.trim()) objective = Object.assign(JSON.parse(extra.value), objective);
    const p = nums(point.value), r = await api("/v1/analysis/critical-point", { json: { objective, point: p } });
    const table = el("dl", { class: "kv", id: "an-result" },
      el("dt", { text: "value" }), el("dd", { text: fmt(r.value) }),
      el("dt", { text: "gradient" }), el("dd", { text: "[" + r.gradient.map(fmt).join(", ") + "]  ‖g‖ = " + fmt(r.gradient_norm) }),
      el("dt", { text: "Hessian" }), el("dd", { text: r.hessian ? r.hessian.map((row) => "[" + row.map(fmt).join(", ") + "]").join(" ") : "–" }),
      el("dt", { text: "eigenvalues" }), el("dd", { text: r.eigenvalues.map(fmt).join(", ") }),
      el("dt", { text: "classification" }), el("dd", {}, el("strong", { text: r.kind.replace(/_/g, " ") }), " · Hessian " + r.curvature.replace(/_/g, " ")),
      el("dt", { text: "meaning" }), el("dd", { text: r.note }),
      el("dt", { text: "escape direction" }), el("dd", { text: r.escape_direction ? "[" + r.escape_direction.map(fmt).join(", ") + "] (λ = " + fmt(r.escape_eigenvalue) + ", predicted change of the loss " + fmt(r.predicted_change) + ")" : "–" }));
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
  main.append(el("form", { class: "row", onsubmit: (e) => { e.preventDefault(); run().catch((err) => { if (!isPageGone(err)) { out.replaceChildren(); problem(out, err); } }); } },
    el("label", {}, "Objective", sel), el("label", {}, "Extra parameters (JSON)", extra), el("label", {}, "Point (a, b or [a, b])", point),
    el("label", {}, "x range", xr), el("label", {}, "y range", yr), el("button", { type: "submit" }, "Analyse")), out);
  await run().catch((err) => { if (isPageGone(err)) throw err; problem(out, err); });
}
// ---------- cost per update against batch size ----------
// Runs a batch_cost preset (POST /v1/presets/{name}/run, which measures the spec's model at each batch size, in
// sample order and, when the preset asks, with the batch split over SIMD lanes) and draws CPU time per update and
// per epoch against log2 B, with the figures in a table.
async function pageBatchCost(main, params) {
  const life = page(), api = life.api.bind(life);
  main.append(el("h1", { text: "Cost per update against batch size" }));
  const presets = (await api("/v1/presets")).items.filter((p) => p.kind === "batch_cost");
  if (!presets.length) { main.append(el("p", { class: "muted", text: "No batch-cost preset." })); return; }
  const chosen = presets.find((p) => p.name === params.get("preset")) || presets[0];
  main.append(el("p", { class: "muted", text: chosen.description }),
    el("p", { class: "muted", id: "bc-status", text: "Measuring… (each batch size is trained for a few epochs, several times)" }));
  const r = await api(`/v1/presets/${encodeURIComponent(chosen.name)}/run`, { method: "POST" });
  const xs = r.rows.map((row) => Math.log2(row.batch_size));
  const splitName = `${r.split} (${r.split_width} samples at once)`;
  const measured = [["in order", r.rows]].concat(r.split_rows ? [[splitName, r.split_rows]] : []);
  const series = [];
  for (const [name, rows] of measured) {
    series.push({ name: `µs per update, ${name}`, xs, ys: rows.map((row) => num(row.seconds_per_update) * 1e6) },
      { name: `ms per epoch (${r.samples} samples), ${name}`, xs, ys: rows.map((row) => num(row.seconds_per_epoch) * 1e3) });
  }
  const chart = lineChart(series, { title: "CPU time against log2 of the batch size", xLabel: "log2 B", yLabel: "CPU time", logY: true, legend: true });
  const head = el("tr", {}, ["B", "summed", "updates per epoch", "µs per update", "ms per epoch", "µs per sample gradient"].map((t) => el("th", { text: t })));
  const rows = [];
  r.rows.forEach((row, i) => {
    for (const [name, all] of measured) {
      const m = all[i];
      rows.push(el("tr", {}, [el("td", { text: String(m.batch_size) }), el("td", { text: name })].concat([m.updates_per_epoch,
        num(m.seconds_per_update) * 1e6, num(m.seconds_per_epoch) * 1e3, num(m.seconds_per_sample_gradient) * 1e6].map((v) => el("td", { text: fmt(v) })))));
    }
  });
  main.querySelector("#bc-status").textContent = `${r.objective}, ${r.dimension} parameters, ${r.optimizer}; ${r.epochs} epochs per run, fastest of ${r.repeats}; ` +
    `${r.threads} thread; a batch's sample gradients summed in order` + (r.split_rows ? ` and, beside it, ${r.split_width} samples at a time on SIMD lanes` : "") +
    `; ${r.clock.replace("_", " ")} time.`;
  main.append(card("Time per update and per epoch", chart, el("p", {}, el("a", { href: "#/new" }, "presets"))),
    card("Figures", el("table", { id: "bc-table" }, el("thead", {}, head), el("tbody", {}, rows))));
}
return { newExperiment: pageNew, analysis: pageAnalysis, batchCost: pageBatchCost };
})();
