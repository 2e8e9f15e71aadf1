import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { call } from './rest-call.js';

/** Runs emulator.main.ts straight from source: type stripping plus a hook mapping './x.js' imports to './x.ts'. */
const RESOLVE_TS = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
   register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, n) { try { return await n(s, c); } catch (e) { if (s.startsWith('.') && s.endsWith('.js')) { return n(s.slice(0, -3) + '.ts', c); } throw e; } }"));`,
)}`;

function startCli(args: string[]) {
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      '--experimental-transform-types',
      '--import',
      RESOLVE_TS,
      'src/emulator/emulator.main.ts',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const lines = createInterface({ input: child.stdout });
  const firstLine = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${String(code)} before printing`)));
  });
  // The refusal spec never awaits the first line; keep its rejection from going unhandled.
  firstLine.catch(() => undefined);
  return { child, firstLine };
}

describe('emulator CLI (npm run emulator)', () => {
  it('prints the connection JSON as its first line, serves, and stops on SIGTERM', async () => {
    const { child, firstLine } = startCli([
      '--port',
      '0',
      '--rate-limit',
      '5/250',
      '--webhook-secret',
      'cli-secret',
    ]);
    try {
      const info = JSON.parse(await firstLine) as {
        webhookUrl: string;
        oauth: {
          clientId: string;
          clientSecret: string;
          refreshToken: string;
          tokenUrl: string;
          portalUrl: string;
        };
      };
      expect(info.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rest\/1\/cli-secret\/$/);
      expect(Object.keys(info.oauth).sort()).toEqual([
        'clientId',
        'clientSecret',
        'portalUrl',
        'refreshToken',
        'tokenUrl',
      ]);
      expect((await call(info.webhookUrl, 'profile')).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses a malformed flag with exit code 2 and names it', async () => {
    const { child } = startCli(['--rate-limit', 'fast']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('--rate-limit must look like 2/50');
  });
});
