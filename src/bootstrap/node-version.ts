// Dependency-free on purpose: the entry points load this first, before anything an old Node cannot import.
// scripts/check-node.mjs says the same for the npm scripts, which run before any build (a spec holds them equal).

const MINIMUM = [22, 19] as const;

/** The message for a Node.js too old to run the service; undefined when `version` (e.g. "24.1.0") is new enough. */
export function nodeVersionProblem(version: string, execPath: string): string | undefined {
  const [major, minor] = version.split('.').map(Number);
  if (major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1])) {
    return undefined;
  }
  return (
    `erp-bitrix24-sync needs Node.js >= ${MINIMUM.join('.')} (24 recommended); this is v${version} at ${execPath}.\n` +
    'Run `npm ci` (it installs Node 24 into node_modules/.bin through the "node" devDependency; ' +
    'install scripts must be allowed) or install Node 24 yourself.'
  );
}

/** Exits with the message when this Node.js is too old; the entry points call it before importing the service. */
export function exitOnOldNode(): void {
  const problem = nodeVersionProblem(process.versions.node, process.execPath);
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
}
