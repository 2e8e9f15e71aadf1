import { exitOnOldNode } from './bootstrap/node-version.js';

exitOnOldNode();
// Compiled code of the modules below is kept on disk and reused by the next start (NODE_DISABLE_COMPILE_CACHE=1
// turns it off, NODE_COMPILE_CACHE=DIR moves it); a failure to write it is silent and costs nothing.
const { enableCompileCache } = await import('node:module');
enableCompileCache();
await import('reflect-metadata');
const { runCli } = await import('./cli/cli.runner.js');

process.exitCode = await runCli(process.argv.slice(2));
