import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { packageRoot } from '../package-root.js';
import { LOG_VIEWER_STYLES } from './log-viewer.styles.js';

/** Where `tsc -p src/admin/viewer/browser` writes the page's modules (rootDir `src`). */
export const CONSOLE_BUILD_DIR = join('dist', 'console');
/** The page's entry module, relative to the assets route. */
export const CONSOLE_ENTRY = 'admin/viewer/browser/console.main.js';
export const CONSOLE_STYLESHEET = 'console.css';
export const CONSOLE_ICON = 'favicon.svg';

/** Two arrows, ERP → CRM; it also spares the browser a /favicon.ico request that would answer 404. */
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#14213d"/><path d="M3 6h8l-2-2M13 10H5l2 2" stroke="#cfe0ff" stroke-width="1.6" fill="none"/></svg>`;

/** Compiled files the page may load: its own folder and the pure modules it shares with the server. */
const SERVED = [/^admin\/viewer\/browser\/[\w.-]+\.js(\.map)?$/, /^sync\/run-tally\.js(\.map)?$/];

export interface ConsoleAsset {
  readonly contentType: string;
  readonly body: string;
}

/** The page's static files, read once; anything else (other compiled files, `..`) is simply not in the map. */
export function loadConsoleAssets(
  root: string = join(packageRoot(), CONSOLE_BUILD_DIR),
): Map<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>([
    [CONSOLE_STYLESHEET, { contentType: 'text/css; charset=utf-8', body: LOG_VIEWER_STYLES }],
    [CONSOLE_ICON, { contentType: 'image/svg+xml', body: ICON }],
  ]);
  for (const file of existsSync(root) ? listFiles(root) : []) {
    const path = relative(root, file).split(sep).join('/');
    if (SERVED.some((pattern) => pattern.test(path))) {
      const contentType = path.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8';
      assets.set(path, { contentType, body: readFileSync(file, 'utf8') });
    }
  }
  return assets;
}

function listFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}
