// `npm start` builds (npm run build) only when a source is newer than the last build: a start on a current
// dist/ costs no compile. tsc's own incremental build (tsBuildInfo) keeps the rebuild after a change small.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Touched after a build that succeeded (tsc writes its own build info even when it reports errors). */
const STAMP = join(ROOT, 'dist', '.build-stamp');
const SOURCES = [
  'src',
  'migrations',
  'bench',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
];

function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) {
    return 0;
  }
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const changed = Math.max(...SOURCES.map((source) => newestMtime(join(ROOT, source))));
if (changed > built) {
  // The build script stays the one definition of what a build compiles.
  const result = spawnSync('npm', ['run', 'build', '--silent'], {
    cwd: ROOT,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}
