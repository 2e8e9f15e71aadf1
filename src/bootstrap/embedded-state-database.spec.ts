import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseDataDir } from './embedded-state-database.js';

describe(chooseDataDir.name, () => {
  it('keeps the data in the project folder when PostgreSQL can reach it', () => {
    const project = join(tmpdir(), `open-${randomUUID()}`);
    mkdirSync(project, { mode: 0o755 });

    expect(chooseDataDir(project)).toBe(join(project, '.data', 'postgres'));
  });

  it('moves the data under the temp dir when run as root inside a private folder', () => {
    const hidden = join(tmpdir(), `private-${randomUUID()}`);
    const project = join(hidden, 'project');
    mkdirSync(project, { recursive: true });
    chmodSync(hidden, 0o700);
    const isRoot = process.getuid?.() === 0;

    expect(chooseDataDir(project)).toEqual(
      isRoot
        ? expect.stringMatching(/erp-bitrix24-sync-[0-9a-f]{12}\/postgres$/)
        : join(project, '.data', 'postgres'),
    );
  });
});
