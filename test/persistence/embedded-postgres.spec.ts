import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findRunningEmbeddedPostgres,
  startEmbeddedPostgres,
} from '../../src/persistence/embedded-postgres.js';

/** The process group of a process, from /proc (Linux). */
function processGroup(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe(startEmbeddedPostgres.name, () => {
  const onLinux = process.platform === 'linux';

  (onLinux ? it : it.skip)(
    "runs the server in a process group of its own, out of reach of a terminal's Ctrl-C, and stops it",
    async () => {
      const dataDir = join(tmpdir(), `epg-${randomUUID()}`, 'postgres');
      const handle = await startEmbeddedPostgres({ dataDir, persistent: false });
      const running = findRunningEmbeddedPostgres(dataDir);
      try {
        expect(running).toMatchObject({ owner: { pid: process.pid } });
        expect(processGroup(running?.pid ?? 0)).not.toBe(processGroup('self'));
      } finally {
        await handle.stop();
      }
      expect(findRunningEmbeddedPostgres(dataDir)).toBeUndefined();
    },
  );
});
