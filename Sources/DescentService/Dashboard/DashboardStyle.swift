/// The dashboard's stylesheet (system fonts only, contrast ≥ 4.5:1 for text).
enum DashboardStyle {
    static let source = #"""
:root { --fg: #1a1a1a; --muted: #4a4a4a; --bg: #ffffff; --panel: #f4f6f8; --line: #c9ced4; --accent: #1f5fbf; --bad: #a61b1b; --ok: #1b6e34; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 4px 8px; }
.skip:focus { left: 8px; z-index: 10; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 24px; padding: 10px 20px; background: #17324d; color: #fff; }
header.top .brand { font-weight: 700; font-size: 18px; }
header.top nav { display: flex; flex-wrap: wrap; gap: 4px 16px; }
header.top nav a { color: #fff; text-decoration: none; padding: 4px 2px; border-bottom: 2px solid transparent; }
header.top nav a[aria-current="page"] { border-bottom-color: #fff; }
main { padding: 16px 20px 40px; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 22px; margin: 4px 0 12px; }
h2 { font-size: 17px; margin: 18px 0 8px; }
.muted { color: var(--muted); }
.row { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; margin: 8px 0; }
label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); gap: 2px; }
label.inline { flex-direction: row; align-items: center; gap: 6px; }
input, select, textarea, button { font: inherit; color: var(--fg); }
input, select, textarea { padding: 5px 7px; border: 1px solid #7a828b; border-radius: 4px; background: #fff; }
button { padding: 6px 12px; border: 1px solid var(--accent); border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; text-align: right; }
.table-wrap { overflow-x: auto; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #e6e9ed; }
.status.succeeded { background: #d7efdd; color: var(--ok); }
.status.running, .status.queued { background: #dbe7fa; color: #163f7f; }
.status.failed, .status.diverged { background: #f8dcdc; color: var(--bad); }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; min-width: 0; }
.card h2 { margin-top: 2px; }
figure.plot { margin: 0; }
svg.chart { width: 100%; height: auto; display: block; background: #fff; }
svg .axis-text { fill: var(--fg); font-size: 11px; }
pre, code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
pre.box { background: #0f2233; color: #e8eef4; padding: 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
#errors { margin: 0 20px 20px; background: #f8dcdc; color: var(--bad); padding: 8px; }
.presets { display: flex; flex-wrap: wrap; gap: 8px; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; word-break: break-word; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; }
.legend span::before { content: ""; display: inline-block; width: 18px; height: 3px; margin-right: 5px; vertical-align: middle; background: var(--c); }
.checklist { max-height: 260px; overflow-y: auto; border: 1px solid var(--line); padding: 6px; background: #fff; }
@media (max-width: 700px) {
  main { padding: 10px; }
  .grid2 { grid-template-columns: 1fr; }
  th.wide, td.wide { display: none; }
}
"""#
}
