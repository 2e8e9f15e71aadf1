import { exitOnOldNode } from './bootstrap/node-version.js';

exitOnOldNode();
await import('reflect-metadata');
const { runCli } = await import('./cli/cli.runner.js');

process.exitCode = await runCli(process.argv.slice(2));
