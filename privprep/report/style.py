"""The report's inline stylesheet (the HTML file loads nothing from anywhere)."""

CSS = """
:root { --ink: #1d2430; --muted: #5d6778; --line: #dfe3ea; --bg: #f6f7f9; --ok: #1f7a4d; --okbg: #e3f4ea;
  --bad: #b3261e; --badbg: #fbe3e1; --warn: #8a5a00; --warnbg: #fff4d6; --accent: #2a5db0; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 28px 40px; }
header.top { display: flex; justify-content: space-between; align-items: center; gap: 16px;
  border-bottom: 3px solid var(--line); padding-bottom: 14px; }
header.top.success { border-color: var(--ok); } header.top.failed { border-color: var(--bad); }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 0 0 6px; display: flex; gap: 10px; align-items: center; }
.sub { color: var(--muted); margin: 0; }
code { font-family: "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.hash { word-break: break-all; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 20px;
  margin-top: 18px; }
.badge { display: inline-block; border-radius: 999px; padding: 2px 10px; font-size: 12px; font-weight: 600;
  text-transform: uppercase; letter-spacing: .03em; background: var(--line); color: var(--ink); }
.badge.success, .badge.passed, .badge.ok { background: var(--okbg); color: var(--ok); }
.badge.failed, .badge.bad { background: var(--badbg); color: var(--bad); }
.badge.suppressed, .badge.not_applied, .badge.unchecked { background: var(--warnbg); color: var(--warn); }
header .badge { font-size: 15px; padding: 6px 16px; }
.failure { background: var(--badbg); border-color: #efb7b2; color: #5c1410; }
.failure p { margin: 6px 0 0; white-space: pre-wrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 12px;
  background: none; border: 0; padding: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .k { color: var(--muted); font-size: 12px; }
.card .v { font-size: 18px; font-weight: 600; margin-top: 2px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: #fafbfc; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kv th { width: 180px; background: none; }
.dropped { color: var(--muted); text-decoration: line-through; }
.action { font-weight: 600; } .params { color: var(--muted); font-size: 12px; }
.entity { font-family: inherit; font-weight: 600; font-size: 12px; }
details summary { cursor: pointer; color: var(--accent); font-size: 12px; }
details dl { margin: 6px 0 0; display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px;
  font-size: 12px; }
details dt { color: var(--muted); } details dd { margin: 0; word-break: break-word; }
.check { border-top: 1px solid var(--line); padding-top: 14px; margin-top: 14px; }
.check:first-of-type { border-top: 0; padding-top: 0; margin-top: 0; }
.check .grid { display: grid; grid-template-columns: minmax(300px, 1fr) auto; gap: 20px; align-items: start; }
.hint { background: var(--warnbg); border-radius: 6px; padding: 10px 14px; margin-top: 10px; }
.hint ul { margin: 4px 0 0; padding-left: 18px; }
svg.chart { max-width: 100%; height: auto; }
svg text.tick { font-size: 11px; fill: var(--muted); } svg text.value { font-size: 10px; fill: var(--ink); }
svg text.axis { font-size: 11.5px; fill: var(--ink); } svg line.grid { stroke: var(--line); }
ul.warnings { margin: 0; padding-left: 20px; } ul.warnings li { margin: 4px 0; }
.muted { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; margin-top: 22px; }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
footer dd { margin: 0; }
@media print { body { background: #fff; } section { break-inside: avoid; } }
"""
