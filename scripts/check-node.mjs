// Fails loudly when an old Node runs the scripts: the `node` devDependency puts Node 24
// on the PATH of npm scripts, but only if its install script ran.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  console.error(
    `erp-bitrix24-sync needs Node.js >= 22.19 (24 recommended); this is ${process.version} at ${process.execPath}.\n` +
      'Run `npm ci` (it installs Node 24 into node_modules/.bin through the "node" devDependency; ' +
      'install scripts must be allowed) or install Node 24 yourself.',
  );
  process.exit(1);
}
