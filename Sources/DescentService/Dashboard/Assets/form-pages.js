"use strict";
// Descent dashboard pages built from the catalog: the new-experiment form and the critical-point
// analysis. Read by the router through `FormPages`.
/* global UI, Charts */
/* exported FormPages */
const FormPages = (function () {
const { el, card, problem, num, fmt, api } = UI;
const { contourChart } = Charts;

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
  main.append(el("form", { class: "row", onsubmit: (e) => { e.preventDefault(); run().catch((err) => problem(out, err)); } },
    el("label", {}, "Objective", sel), el("label", {}, "Extra parameters (JSON)", extra), el("label", {}, "Point (comma-separated)", point),
    el("label", {}, "x range", xr), el("label", {}, "y range", yr), el("button", { type: "submit" }, "Analyse")), out);
  await run().catch((err) => problem(out, err));
}
return { newExperiment: pageNew, analysis: pageAnalysis };
})();
