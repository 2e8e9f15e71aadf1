import { exitOnOldNode } from './bootstrap/node-version.js';

exitOnOldNode();
await import('reflect-metadata');
const { runCli } = await import('./cli/cli.runner.js');

// The container entry point: the daemon, whatever arguments the image is given.
process.exitCode = await runCli(['start']);
