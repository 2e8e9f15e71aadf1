import 'reflect-metadata';
import { runCli } from './cli/cli.runner.js';

process.exitCode = await runCli(process.argv.slice(2));
