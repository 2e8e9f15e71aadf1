import 'reflect-metadata';
import { runCli } from './cli/cli.runner.js';

// The container entry point: the daemon, whatever arguments the image is given.
process.exitCode = await runCli(['start']);
