"use strict";
// Descent dashboard: the loss-landscape page. The user picks a finished experiment (and, for a 1-D
// interpolation, a second one or the first one's start), a kind of landscape and its size; the page asks
// POST /v1/analysis/landscape and draws the line, or the grid as a heat map under contours with the path.
// Read by the router through `LandscapePage`.
/* global UI, Charts */
/* exported LandscapePage */
const LandscapePage = (function () {
const { el, card, problem, num, fmt, isPageGone, page } = UI;
const { contourChart, lineChart } = Charts;

// The landscapes the API draws: value of the page's `kind` → the request's kind and directions.
const KINDS = [
  { value: "line", text: "1-D interpolation between two points", kind: "line" },
  { value: "random", text: "plane of two filter-normalised random directions", kind: "plane", directions: "random" },
  { value: "eigenvectors", text: "plane of the Hessian's top two eigenvectors", kind: "plane", directions: "eigenvectors" },
  { value: "pca", text: "PCA plane of the path, with the path projected", kind: "pca" },
];
const DONE = ["succeeded", "diverged", "cancelled", "pruned"];

// The request body for the page's choices (the loss is the first experiment's own).
function requestBody(choice, first, second, resolution, seed) {
  const k = KINDS.find((c) => c.value === choice) || KINDS[0];
  if (k.kind === "line") {
    // From the second experiment's final point, or the first one's start (its step 0), to the first one's final point.
    const from = second ? { experiment: second } : { experiment: first, step: 0 };
    return { kind: "line", from, to: { experiment: first }, resolution };
  }
  if (k.kind === "plane") return { kind: "plane", at: { experiment: first }, directions: k.directions, direction_seed: seed, resolution };
  return { kind: "pca", experiment: first, resolution };
}

function describe(r, body, names) {
  if (r.kind === "line") return `L((1 − α)·${names.from} + α·${names.to}), α from ${fmt(r.line.alphas[0])} to ${fmt(r.line.alphas[r.line.alphas.length - 1])}`;
  if (r.kind === "pca") return "explained variance: " + (r.explained_variance || []).map((v) => fmt(100 * num(v)) + " %").join(", ") + " · centred on the final point";
  if (body.directions === "eigenvectors") return "directions: the top two eigenvectors, λ = " + (r.eigenvalues || []).map(fmt).join(", ");
  return `directions: seeded Gaussian, filter-normalised for MLPs (seed ${body.direction_seed})`;
}

async function pageLandscape(main, params) {
  const life = page(), api = life.api.bind(life);
  main.append(el("h1", { text: "Loss landscape" }));
  const list = await api("/v1/experiments?limit=200");
  const runs = list.items.filter((x) => DONE.includes(x.status) && x.summary);
  if (!runs.length) { main.append(el("p", { class: "muted", text: "No finished experiment yet: run one (New experiment) and come back." })); return; }
  const label = (x) => `${x.name || x.id} — ${x.spec.objective.type}, ${x.spec.optimizer.type} (${x.status})`;
  const options = (withNone) => (withNone ? [el("option", { value: "", text: "(the first experiment's start, θ₀)" })] : []).concat(runs.map((x) => el("option", { value: x.id, text: label(x) })));
  const first = el("select", { id: "ls-first" }, options(false)), second = el("select", { id: "ls-second" }, options(true));
  const kind = el("select", { id: "ls-kind" }, KINDS.map((k) => el("option", { value: k.value, text: k.text })));
  const resolution = el("input", { id: "ls-resolution", type: "number", min: 2, max: 201, step: 1, value: params.get("resolution") || "31", size: 5 });
  const seed = el("input", { id: "ls-seed", type: "number", min: 0, step: 1, value: params.get("seed") || "0", size: 5 });
  first.value = runs.some((x) => x.id === params.get("experiment")) ? params.get("experiment") : runs[0].id;
  second.value = runs.some((x) => x.id === params.get("other")) ? params.get("other") : "";
  kind.value = KINDS.some((k) => k.value === params.get("kind")) ? params.get("kind") : "pca";
  const secondLabel = el("label", {}, "From (line only)", second), seedLabel = el("label", {}, "Direction seed (random plane)", seed);
  const showFields = () => { secondLabel.hidden = kind.value !== "line"; seedLabel.hidden = kind.value !== "random"; };
  kind.addEventListener("change", showFields); showFields();
  const out = el("div", { id: "ls-out" });
  async function draw() {
    const name = (id) => { const x = runs.find((r) => r.id === id); return x ? (x.name || x.id) : id; };
    const body = requestBody(kind.value, first.value, kind.value === "line" ? second.value : "", Number(resolution.value), Number(seed.value));
    out.replaceChildren(el("p", { class: "muted", text: "Computing… (" + KINDS.find((k) => k.value === kind.value).text + ")" }));
    const r = await api("/v1/analysis/landscape", { json: body });
    const note = el("p", { class: "muted", id: "ls-note", text: describe(r, body, { from: second.value ? `θ(${name(second.value)})` : "θ₀", to: `θ(${name(first.value)})` }) });
    const json = el("details", {}, el("summary", { text: "request" }), el("pre", { text: JSON.stringify(body, null, 1) }));
    if (r.kind === "line") {
      out.replaceChildren(card("Loss along the line", lineChart([{ name: "loss", xs: r.line.alphas.map(num), ys: r.line.values.map(num) }],
        { title: "loss against α (α = 0: from, α = 1: to)", xLabel: "α", yLabel: "loss", logY: r.line.values.map(num).every((v) => v > 0) }), note, json));
      return;
    }
    const paths = r.kind === "pca" ? [{ name: "path (projected)", xs: r.path.xs.map(num), ys: r.path.ys.map(num) }] : [];
    const markers = r.kind === "plane" ? [{ x: 0, y: 0, label: "final point" }] : [];
    const axes = r.kind === "pca" ? ["PC1", "PC2"] : ["d1", "d2"];
    out.replaceChildren(card(r.kind === "pca" ? "PCA plane of the path" : "Plane around the final point", contourChart({ title: `loss on a ${r.grid.xs.length}×${r.grid.ys.length} grid (heat map: log loss)`,
      grid: r.grid, paths, markers, heat: true, xLabel: axes[0], yLabel: axes[1] }), note, json));
  }
  const run = () => draw().catch((err) => { if (!isPageGone(err)) { out.replaceChildren(); problem(out, err); } });
  main.append(el("form", { class: "row", onsubmit: (e) => { e.preventDefault(); run(); } },
    el("label", {}, "Experiment", first), el("label", {}, "Landscape", kind), secondLabel, el("label", {}, "Size (points per side)", resolution), seedLabel,
    el("button", { type: "submit" }, "Draw")), out);
  await draw().catch((err) => { if (isPageGone(err)) throw err; out.replaceChildren(); problem(out, err); });
}
return { landscape: pageLandscape };
})();
