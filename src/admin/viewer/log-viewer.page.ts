import { createHash } from 'node:crypto';
import { LOG_VIEWER_SCRIPT } from './log-viewer.script.js';
import { LOG_VIEWER_STYLES } from './log-viewer.styles.js';

function sourceHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/** The page's own inline script and style only, API calls to this origin only, no framing. */
export const LOG_VIEWER_CSP = [
  "default-src 'none'",
  `script-src ${sourceHash(LOG_VIEWER_SCRIPT)}`,
  `style-src ${sourceHash(LOG_VIEWER_STYLES)}`,
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The log viewer: one static page with no data in it; it asks for the admin token and reads the JSON API. */
export const LOG_VIEWER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>ERP → Bitrix24 sync log</title>
<style>${LOG_VIEWER_STYLES}</style>
</head>
<body>
<header>
<h1><a href="#/runs">ERP → Bitrix24 sync log</a></h1>
<span class="spacer"></span>
<a href="/docs" target="_blank" rel="noopener">API docs</a>
<button type="button" id="forget" title="Remove the admin token from this tab">Forget token</button>
</header>
<main id="main"><noscript>The sync log viewer needs JavaScript.</noscript></main>
<script>${LOG_VIEWER_SCRIPT}</script>
</body>
</html>
`;
