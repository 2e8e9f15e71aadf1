/** The log viewer's stylesheet (inlined into the page, allowed by its CSP hash). */
export const LOG_VIEWER_STYLES = String.raw`
:root { --fg: #1d2330; --muted: #5c6475; --line: #dde1e8; --bg: #f6f7f9; --card: #fff; --accent: #1f6feb;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --idle: #6e7781; font: 14px/1.45 system-ui, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
header { display: flex; align-items: center; gap: 16px; padding: 10px 20px; background: #14213d; color: #fff; }
header h1 { font-size: 16px; margin: 0; font-weight: 600; }
header a { color: #cfe0ff; text-decoration: none; }
header .spacer { flex: 1; }
main { padding: 16px 20px 40px; max-width: 1400px; margin: 0 auto; }
h2 { font-size: 18px; margin: 18px 0 8px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
a { color: var(--accent); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; margin: 10px 0; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  color: #fff; background: var(--idle); white-space: nowrap; }
.badge.succeeded { background: var(--ok); }
.badge.partially_failed, .badge.parked { background: var(--warn); }
.badge.failed { background: var(--bad); }
.badge.running, .badge.in_flight { background: var(--accent); }
.badge.queued, .badge.pending, .badge.cancelled, .badge.planned { background: var(--idle); }
.muted { color: var(--muted); }
.error { color: var(--bad); white-space: pre-wrap; word-break: break-word; }
.notice { padding: 10px 14px; border-radius: 6px; background: #fff4d6; border: 1px solid #e9cf7e; margin: 10px 0; }
.notice.bad { background: #ffe7e9; border-color: #f0a5ac; }
form.inline { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; }
label { display: flex; flex-direction: column; gap: 2px; font-size: 12px; color: var(--muted); }
label.check { flex-direction: row; align-items: center; gap: 6px; }
input, select, textarea, button { font: inherit; padding: 5px 8px; border: 1px solid #b9c0cc; border-radius: 4px;
  background: #fff; color: var(--fg); }
button { cursor: pointer; background: #eef2f8; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
button.danger { color: var(--bad); }
button:disabled { opacity: .55; cursor: default; }
header button { background: transparent; color: #cfe0ff; border-color: #4b5d84; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-word; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 110px; }
.stat b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; }
.stat span { font-size: 12px; color: var(--muted); }
progress { width: 100%; height: 14px; }
ul.changes { list-style: none; margin: 0; padding: 0; }
ul.changes li { margin: 1px 0; }
.field { font-family: ui-monospace, monospace; font-size: 12px; font-weight: 600; }
.old { background: #ffebe9; text-decoration: line-through; padding: 0 3px; word-break: break-word; }
.new { background: #dafbe1; padding: 0 3px; word-break: break-word; }
.arrow { color: var(--muted); padding: 0 4px; }
.mono { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
.timeline > .card { border-left: 4px solid var(--idle); }
.timeline > .card.succeeded { border-left-color: var(--ok); }
.timeline > .card.failed { border-left-color: var(--bad); }
.timeline > .card.parked { border-left-color: var(--warn); }
.row { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.login { max-width: 460px; margin: 60px auto; }
`;
