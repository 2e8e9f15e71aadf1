import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = `${ROOT}dist/src/cli.js`;

export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `node dist/src/cli.js …` child (npm test builds dist first), to be awaited or killed. */
export interface CliChild {
  readonly exited: Promise<CliExit>;
  /** Whether the child is still running. */
  running(): boolean;
  /** SIGKILL: no shutdown hook, no flush, open sockets dropped mid-request (a crash). */
  crash(): Promise<CliExit>;
  /** SIGTERM: the daemon finishes its work in progress and shuts down. */
  stop(): Promise<CliExit>;
}

/** Starts the built CLI as a user would, with exactly the env given (like test/support/cli.ts, but killable). */
export function spawnCli(args: readonly string[], env: Record<string, string>): CliChild {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DEMO: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let running = true;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<CliExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running = false;
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    exited,
    running: () => running,
    crash: () => {
      child.kill('SIGKILL');
      return exited;
    },
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The `--json` summary a command prints as its last stdout line. */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
