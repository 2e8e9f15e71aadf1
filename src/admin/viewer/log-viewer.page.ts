import { CONSOLE_ENTRY, CONSOLE_ICON, CONSOLE_STYLESHEET } from './console-assets.js';

export const CONSOLE_ASSETS_PATH = '/admin/assets/';

/** Scripts and styles from this origin only (no inline script or style at all), API calls to it only, no framing. */
export const LOG_VIEWER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The console: one static page with no data in it; its module asks for the admin token and reads the JSON API. */
export const LOG_VIEWER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>ERP → Bitrix24 sync console</title>
<link rel="icon" href="${CONSOLE_ASSETS_PATH}${CONSOLE_ICON}" type="image/svg+xml">
<link rel="stylesheet" href="${CONSOLE_ASSETS_PATH}${CONSOLE_STYLESHEET}">
<script type="module" src="${CONSOLE_ASSETS_PATH}${CONSOLE_ENTRY}"></script>
</head>
<body>
<header>
<h1><a href="#/">ERP → Bitrix24 sync</a></h1>
<nav><a href="#/">Health</a><a href="#/attention">Needs attention</a><a href="#/runs">Runs</a></nav>
<form id="search" role="search"><input name="q" type="search" placeholder="ERP key or Bitrix24 ID" aria-label="Search by ERP key or Bitrix24 ID"></form>
<span class="spacer"></span>
<a href="/docs" target="_blank" rel="noopener">API docs</a>
<button type="button" id="forget" title="Remove the admin token from this tab">Forget token</button>
</header>
<main id="main"><noscript>The sync console needs JavaScript.</noscript></main>
</body>
</html>
`;
