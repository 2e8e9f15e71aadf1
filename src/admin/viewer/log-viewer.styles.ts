/** The console's stylesheet, served as /admin/assets/console.css (the CSP allows no inline style). */
export const LOG_VIEWER_STYLES = String.raw`
:root { --fg: #1d2330; --muted: #5c6475; --line: #dde1e8; --bg: #f6f7f9; --card: #fff; --accent: #1f6feb;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --idle: #6e7781; font: 14px/1.45 system-ui, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
header { display: flex; align-items: center; gap: 16px; padding: 10px 20px; background: #14213d; color: #fff; }
header h1 { font-size: 16px; margin: 0; font-weight: 600; }
header a { color: #cfe0ff; text-decoration: none; }
header .spacer, .row .spacer { flex: 1; }
header nav { display: flex; gap: 14px; }
header input[type=search] { width: 240px; background: #22335a; color: #fff; border-color: #4b5d84; }
header input[type=search]::placeholder { color: #9fb0d0; }
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
.error { color: var(--bad); white-space: pre-wrap; overflow-wrap: anywhere; }
/* Data never reorders its surroundings (an RTL override in an ERP value stays inside its own element). */
td, dd, .error, .key, .old, .new, .field, .code, .mono, .example, .example-error, h2, h3 { unicode-bidi: isolate;
  overflow-wrap: anywhere; }
td { max-width: 520px; }
.notice.good { background: #dafbe1; border-color: #8fd19e; }
.health { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); gap: 12px; }
.mapping-health .stats { display: grid; grid-template-columns: repeat(4, 1fr); margin-top: 8px; }
.mapping-health .stat { min-width: 0; }
.mapping-health h3 { margin: 0; font-size: 17px; }
.mapping-health.needs-attention { border-left: 4px solid var(--warn); }
a.stat { color: inherit; text-decoration: none; }
a.stat:hover { border-color: var(--accent); }
.mapping-health .stat[data-stat=attention] b { color: var(--warn); }
.bars { display: flex; align-items: flex-end; gap: 3px; height: 48px; margin-top: 10px; }
.bars .bar { display: block; width: 10px; min-height: 3px; border-radius: 2px 2px 0 0; background: var(--idle); }
.bars .bar.succeeded { background: var(--ok); }
.bars .bar.partially_failed { background: var(--warn); }
.bars .bar.failed { background: var(--bad); }
.bars .bar.running { background: var(--accent); }
.bars .bar.dry { opacity: .45; }
.bars-legend { align-self: center; margin-left: 8px; font-size: 12px; }
.group .count { font-size: 22px; font-variant-numeric: tabular-nums; }
.group .code { font-family: ui-monospace, monospace; font-weight: 600; background: #ffe7e9; color: var(--bad);
  padding: 1px 6px; border-radius: 4px; }
.group .group-message { margin: 6px 0 4px; font-size: 15px; }
.record-head { margin: 6px 0 12px; }
.record-key { font: 600 26px/1.25 ui-monospace, monospace; margin: 2px 0 6px; }
.badge.dry { background: #8250df; }
.timeline > .card.dry { border-style: dashed; opacity: .85; }
.attempt { font-weight: 600; color: var(--bad); }
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
.old { background: #ffebe9; text-decoration: line-through; padding: 0 3px; }
.new { background: #dafbe1; padding: 0 3px; }
.arrow { color: var(--muted); padding: 0 4px; }
.mono { font-family: ui-monospace, monospace; font-size: 12px; }
.timeline > .card { border-left: 4px solid var(--idle); }
.timeline > .card.succeeded { border-left-color: var(--ok); }
.timeline > .card.failed { border-left-color: var(--bad); }
.timeline > .card.parked { border-left-color: var(--warn); }
.row { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.login { max-width: 460px; margin: 60px auto; }
`;
