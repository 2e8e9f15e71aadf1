// Fails loudly when an old Node runs the scripts: the `node` devDependency puts Node 24 on the PATH of npm
// scripts, but only if its install script ran. The same message as src/bootstrap/node-version.ts (the built
// entry points), which a spec holds equal; this copy runs before any build.
import { fileURLToPath } from 'node:url';

export function nodeVersionProblem(version, execPath) {
  const [major, minor] = version.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 19)) {
    return undefined;
  }
  return (
    `erp-bitrix24-sync needs Node.js >= 22.19 (24 recommended); this is v${version} at ${execPath}.\n` +
    'Run `npm ci` (it installs Node 24 into node_modules/.bin through the "node" devDependency; ' +
    'install scripts must be allowed) or install Node 24 yourself.'
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problem = nodeVersionProblem(process.versions.node, process.execPath);
  if (problem !== undefined) {
    console.error(problem);
    process.exit(1);
  }
}
