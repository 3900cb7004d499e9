"use strict";
// Descent dashboard router: renders the page named by the URL hash into <main>. Loaded last.
/* global UI, ExperimentPages, StudyPages, FormPages, LandscapePage */
(function () {
const { reportError, problem, leavePage, isPageGone } = UI;

async function route() {
  const life = leavePage();
  const hash = location.hash || "#/experiments";
  const [path, query] = hash.slice(1).split("?");
  const params = new URLSearchParams(query || ""), parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const main = document.getElementById("main");
  main.replaceChildren();
  for (const a of document.querySelectorAll("header nav a")) a.toggleAttribute("aria-current", a.getAttribute("href") === "#/" + (parts[0] || "experiments")) || a.removeAttribute("aria-current");
  for (const a of document.querySelectorAll("header nav a[aria-current]")) a.setAttribute("aria-current", "page");
  try {
    if (parts[0] === "experiments" && parts[1]) await ExperimentPages.experiment(main, parts[1]);
    else if (parts[0] === "compare") await ExperimentPages.compare(main, params, route);
    else if (parts[0] === "studies" && parts[1]) await StudyPages.study(main, parts[1]);
    else if (parts[0] === "studies") await StudyPages.list(main);
    else if (parts[0] === "new") await FormPages.newExperiment(main);
    else if (parts[0] === "analysis") await FormPages.analysis(main, params);
    else if (parts[0] === "batch-cost") await FormPages.batchCost(main, params);
    else if (parts[0] === "landscape") await LandscapePage.landscape(main, params);
    else await ExperimentPages.list(main, params);
    if (life.alive()) document.body.setAttribute("data-page-ready", parts[0] || "experiments");
  } catch (e) {
    // A page left while it loaded stops with a "page gone" error; the page shown now is not its business.
    if (life.alive() && !isPageGone(e)) { problem(main, e); reportError(e.message); }
  }
}
window.addEventListener("hashchange", route);
document.addEventListener("DOMContentLoaded", route);
})();
