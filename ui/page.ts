/** The dashboard's one HTML page and its style sheet; the page script (web/app.ts) builds the rest from text. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Scriba</title>
<link rel="stylesheet" href="/style.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<header><a href="#/" class="brand">Scriba</a><nav id="crumbs"></nav><span id="live" title="live updates"></span></header>
<main id="main"><p class="muted">Loading…</p></main>
</body>
</html>
`;

export const PAGE_CSS = `
:root { --fg: #1d2330; --muted: #6b7280; --line: #e5e7eb; --bg: #fafafa; --accent: #1f77b4; --ok: #2ca02c; --bad: #d62728; --warn: #ff7f0e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 16px; align-items: center; padding: 10px 20px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
header .brand { font-weight: 700; font-size: 16px; color: var(--fg); text-decoration: none; }
nav a { color: var(--accent); text-decoration: none; }
#live { margin-left: auto; font-size: 12px; color: var(--muted); }
#live.on::before { content: "● "; color: var(--ok); }
main { padding: 16px 20px 40px; max-width: 1400px; }
h1 { font-size: 20px; margin: 4px 0 8px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
a { color: var(--accent); }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { font-weight: 600; background: #f3f4f6; }
th.sortable { cursor: pointer; user-select: none; }
th.sorted-asc::after { content: " ▲"; } th.sorted-desc::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; }
.status-Succeeded { color: var(--ok); } .status-Failed, .status-MetricsUnavailable, .status-Killed { color: var(--bad); }
.status-Running, .status-Created, .status-Restarting { color: var(--accent); } .status-EarlyStopped, .status-Interrupted { color: var(--warn); }
.muted { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 180px; }
.card .label { font-size: 12px; color: var(--muted); } .card .value { font-size: 18px; font-weight: 600; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 12px; }
.plot { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow: auto; }
.plot img { max-width: 100%; height: auto; display: block; }
.toolbar { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 8px 0; }
.toolbar label { display: inline-flex; gap: 4px; align-items: center; }
input[type=search] { padding: 4px 8px; min-width: 220px; }
button { padding: 4px 10px; cursor: pointer; }
button.danger { color: var(--bad); }
pre { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow: auto; max-height: 480px; white-space: pre-wrap; word-break: break-word; }
.error { color: var(--bad); font-weight: 600; }
.scroll { overflow-x: auto; }
`;
