#!/usr/bin/env node
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  console.error(`erp-bitrix24-sync needs Node.js >= 22.19 (24 recommended); this is ${process.version}.`);
  process.exit(1);
}
await import('../dist/src/cli.js');
