"use strict";
// Descent dashboard pages about studies: the list, and one search study or comparison with its trials
// table, best-so-far curve, loss against each hyperparameter, parallel coordinates, replicate bands and
// leaderboard. Read by the router through `StudyPages`.
/* global UI, Charts */
/* exported StudyPages */
const StudyPages = (function () {
const { el, statusBadge, card, num, fmt, isAbsent, page } = UI;
const { lineChart, scatterChart, bandChart, parallelCoordinates } = Charts;

// ---------- studies list ----------
async function pageList(main) {
  const life = page(), api = life.api.bind(life);
  main.append(el("h1", { text: "Studies" }));
  const list = await api("/v1/studies?limit=100");
  const body = el("tbody", {}, list.items.map((s) => el("tr", { "data-id": s.id },
    el("td", {}, el("a", { href: "#/studies/" + encodeURIComponent(s.id), text: s.name || s.id })),
    el("td", { text: s.kind }), el("td", { text: s.state || "–" }), el("td", { class: "num", text: s.experiments }),
    el("td", { class: "wide", text: s.created_at }))));
  if (!list.items.length) body.append(el("tr", {}, el("td", { colspan: 5, class: "muted", id: "studies-empty", text: "No studies yet — run a preset from “New experiment”." })));
  main.append(el("div", { class: "table-wrap" }, el("table", { id: "studies" },
    el("caption", { class: "muted", text: "Newest first." }),
    el("thead", {}, el("tr", {}, ["Name", "Kind", "State", "Experiments", "Created"].map((h, i) => el("th", { scope: "col", class: i === 4 ? "wide" : null, text: h })))), body)));
}

// ---------- one study ----------
// Cells of a comparison ("problem · optimizer"), from its leaderboard; a plain search is one cell.
function cellsOf(study) {
  const names = [];
  for (const p of (study.comparison && study.comparison.problems) || []) for (const e of p.entries) names[e.cell] = p.problem + " · " + e.optimizer;
  return names;
}
// Searched paths with numeric values in every trial that has them, and the categorical ones.
function paramColumns(trials) {
  const paths = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  return paths.map((p) => {
    const values = trials.map((t) => t.params[p]);
    const numeric = values.every((v) => isAbsent(v) || typeof v === "number");
    const finite = values.filter((v) => typeof v === "number" && v > 0);
    const log = numeric && finite.length === values.filter((v) => !isAbsent(v)).length && finite.length > 1 && Math.max(...finite) / Math.min(...finite) > 20;
    if (numeric) return { name: p, values: values.map((v) => isAbsent(v) ? NaN : v), log };
    const choices = [...new Set(values.filter((v) => !isAbsent(v)).map(String))].sort();
    return { name: p, values: values.map((v) => isAbsent(v) ? NaN : choices.indexOf(String(v))), log: false, labels: choices };
  });
}

async function pageStudy(main, id) {
  const life = page(), api = life.api.bind(life);
  const study = await api("/v1/studies/" + encodeURIComponent(id));
  main.append(el("h1", {}, study.name + " ", statusBadge(study.status)));
  if (!study.search) {
    main.append(el("p", {}, "A grid or list of ", String(study.experiments.length), " experiments: ",
      el("a", { href: "#/compare?study=" + encodeURIComponent(id), text: "compare their runs" }), "."));
    return;
  }
  const s = study.search, obj = s.objective, minimize = obj.direction !== "maximize";
  main.append(el("p", { class: "muted", id: "study-summary" },
    `${s.sampler} search, ${s.trials_ended} of ${s.trials.length} trials ended (budget ${s.budget}${study.comparison ? " per cell" : ""}), `
    + `${obj.direction} ${obj.metric}${s.replicates > 1 ? `, ${s.replicates} runs per trial` : ""}${s.confirm ? `, best confirmed on ${s.confirm} fresh seeds` : ""}. `,
    el("a", { href: `/v1/studies/${encodeURIComponent(id)}/trials.csv`, text: "trials.csv" })));
  if (study.comparison) main.append(leaderboard(study));
  const cells = study.comparison ? cellsOf(study) : [study.name];
  const tuning = s.trials.filter((t) => !t.confirmation);
  const cellOf = (t) => t.cell === undefined ? 0 : t.cell;

  // Best so far, one line per cell, over each cell's trials in number order.
  const best = cells.map((name, c) => {
    const own = tuning.filter((t) => cellOf(t) === c), xs = [], ys = [];
    let b = NaN;
    own.forEach((t, k) => {
      const v = num(t.value);
      if (t.state === "complete" && isFinite(v) && (isNaN(b) || (minimize ? v < b : v > b))) b = v;
      xs.push(k); ys.push(b);
    });
    return { name, xs, ys };
  }).filter((x) => x.xs.length);
  main.append(card("best " + obj.metric + " so far", lineChart(best, { title: "best so far", xLabel: "trial", yLabel: obj.metric, logY: true, legend: best.length > 1 })));

  // Value against each hyperparameter, then all of them at once.
  const scored = tuning.filter((t) => t.state === "complete" && isFinite(num(t.value)));
  const columns = paramColumns(scored);
  const byParam = el("div", { class: "grid2", id: "param-plots" });
  for (const c of columns) {
    const groups = cells.map((name, cell) => {
      const idx = scored.map((t, i) => cellOf(t) === cell ? i : -1).filter((i) => i >= 0 && isFinite(c.values[i]));
      return { name, xs: idx.map((i) => c.values[i]), ys: idx.map((i) => num(scored[i].value)) };
    }).filter((g) => g.xs.length);
    byParam.append(scatterChart(groups, { title: obj.metric + " vs " + c.name, xLabel: c.name, yLabel: obj.metric, logX: c.log, logY: true, width: 420, height: 280 }));
  }
  main.append(card(obj.metric + " against each hyperparameter", scored.length ? byParam : el("p", { class: "muted", text: "No complete trial yet." })));
  // Parallel coordinates, one chart per cell ranked within it: a comparison's cells are other problems and
  // optimizers, whose values are not on one scale and whose searched paths may differ.
  const parallel = cells.map((name, cell) => {
    const own = scored.filter((t) => cellOf(t) === cell), ownColumns = paramColumns(own);
    if (!ownColumns.length || own.length < 2) return null;
    const values = own.map((t) => num(t.value)), order = [...values.keys()].sort((a, b) => minimize ? values[a] - values[b] : values[b] - values[a]);
    const rank = []; order.forEach((i, k) => { rank[i] = k / Math.max(1, order.length - 1); });
    const all = ownColumns.concat([{ name: obj.metric, values, log: values.every((v) => v > 0) }]);
    const chart = parallelCoordinates(all, rank, { title: (cells.length > 1 ? name + ": " : "") + "trials across the hyperparameters" });
    chart.setAttribute("data-cell", String(cell));
    return cells.length > 1 ? el("div", {}, el("h3", { text: name }), chart) : chart;
  }).filter((x) => x);
  if (parallel.length) {
    main.append(card(cells.length > 1 ? "parallel coordinates per cell (darkest: best of its cell)" : "parallel coordinates (darkest: best)",
      cells.length > 1 ? el("div", { class: "grid2", id: "parallel-cells" }, parallel) : parallel[0]));
  }

  // Replicate bands: the confirmation trials (or the best trial of a search with replicates).
  const banded = s.trials.filter((t) => t.confirmation && t.state === "complete");
  if (!banded.length && s.replicates > 1 && s.best) banded.push(s.best);
  if (banded.length) {
    const series = [];
    for (const t of banded) {
      const c = (await api(`/v1/studies/${encodeURIComponent(id)}/trials/${t.number}/curves?max_points=300`)).curves;
      if (!c.runs) continue;
      series.push({ name: (study.comparison ? cells[cellOf(t)] : "trial " + t.number) + ` (${c.runs} runs)`, xs: c.step, mean: c.loss_mean.map(num), lo: c.loss_min.map(num), hi: c.loss_max.map(num) });
    }
    if (series.length) main.append(card("loss of the replicates: mean, band from min to max", bandChart(series, { title: "replicate bands", xLabel: "step", yLabel: "loss", logY: true })));
  }
  main.append(card("trials", trialsTable(s, cells)));
  if (s.state === "searching") life.after(3000, () => { if (life.alive()) window.dispatchEvent(new HashChangeEvent("hashchange")); });
}

function leaderboard(study) {
  const box = card("leaderboard (" + study.comparison.confirm + " fresh seeds per tuned optimizer)");
  for (const p of study.comparison.problems) {
    const rows = p.entries.map((e) => {
      const f = e.final_loss || {};
      return el("tr", { "data-optimizer": e.optimizer },
        el("td", { class: "num", text: isAbsent(e.rank) ? "–" : e.rank }), el("td", { text: e.optimizer }), el("td", {}, statusBadge(e.state)),
        el("td", { text: e.params ? Object.entries(e.params).map(([k, v]) => k.split(".").pop() + "=" + (typeof v === "number" ? fmt(v) : v)).join(" ") : "–" }),
        el("td", { class: "num", text: fmt(f.final_loss_mean) + (isAbsent(f.final_loss_std) ? "" : " ± " + fmt(f.final_loss_std)) }),
        el("td", { class: "num", text: isAbsent(e.ratio_to_winner) ? "–" : fmt(e.ratio_to_winner) + "×" }),
        el("td", { class: "num", text: fmt(e.steps_to_target_mean) }), el("td", { class: "num wide", text: fmt(e.wall_ms_mean) }));
    });
    box.append(el("h3", {}, p.problem + (p.winner ? ": " + p.winner + " wins" : "")),
      el("div", { class: "table-wrap" }, el("table", { class: "leaderboard" }, el("thead", {}, el("tr", {},
        ["Rank", "Optimizer", "State", "Tuned", "Final loss (mean ± std)", "× winner", "Steps to target", "ms per run"].map((h, i) => el("th", { scope: "col", class: i === 7 ? "wide" : null, text: h })))),
      el("tbody", {}, rows))),
      el("p", {}, el("a", { href: `/v1/studies/${encodeURIComponent(study.id)}/leaderboard.svg?problem=${encodeURIComponent(p.problem)}`, text: "leaderboard.svg" })));
  }
  return box;
}

// A trial's state as the experiments' badges show it: a complete trial whose runs diverged is "diverged" (its value
// is then the objective's worst), not "succeeded"; with replicates, how many of its runs did.
function trialBadge(t) {
  if (t.state === "complete" && t.diverged > 0) {
    const runs = t.experiment_ids.length;
    return el("span", { class: "status diverged", title: `${t.diverged} of ${runs} runs diverged`, text: t.diverged < runs ? `diverged (${t.diverged} of ${runs})` : "diverged" });
  }
  return statusBadge(t.state === "complete" ? "succeeded" : t.state === "running" ? "running" : t.state === "pruned" ? "pruned" : "failed");
}

function trialsTable(s, cells) {
  const paths = [...new Set(s.trials.flatMap((t) => Object.keys(t.params)))].sort();
  const head = ["#", ...(cells.length > 1 ? ["Cell"] : []), "State", "Value", ...paths, "Runs"];
  const rows = s.trials.map((t) => {
    const r = t.replicates;
    return el("tr", { class: t.confirmation ? "confirmation" : null },
      el("td", { class: "num", text: t.number + (t.confirmation ? " ✓" : "") }), cells.length > 1 ? el("td", { text: cells[t.cell] || "" }) : null,
      el("td", {}, trialBadge(t)),
      el("td", { class: "num", text: fmt(t.value) + (r && !isAbsent(r.final_loss_std) ? " ± " + fmt(r.final_loss_std) : "") }),
      paths.map((p) => el("td", { class: "num", text: isAbsent(t.params[p]) ? "" : typeof t.params[p] === "number" ? fmt(t.params[p]) : String(t.params[p]) })),
      el("td", {}, t.experiment_ids.map((e, i) => el("a", { href: "#/experiments/" + encodeURIComponent(e), text: i ? " " + (i + 1) : "1" }))));
  });
  return el("div", { class: "table-wrap" }, el("table", { id: "trials" }, el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col", text: h })))), el("tbody", {}, rows)));
}

return { list: pageList, study: pageStudy };
})();
