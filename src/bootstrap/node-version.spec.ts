import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { nodeVersionProblem } from './node-version.js';

type Check = (version: string, execPath: string) => string | undefined;

describe(nodeVersionProblem.name, () => {
  it.each([
    ['20.20.2', false],
    ['22.18.0', false],
    ['22.19.0', true],
    ['24.21.0', true],
  ])('judges Node.js %s (enough: %p)', (version, enough) => {
    expect(nodeVersionProblem(version, '/usr/bin/node') === undefined).toBe(enough);
  });

  it('says the same as scripts/check-node.mjs, which the npm scripts run before any build', async () => {
    const script = (await import(
      fileURLToPath(new URL('../../scripts/check-node.mjs', import.meta.url))
    )) as {
      nodeVersionProblem: Check;
    };

    for (const version of ['20.20.2', '22.18.0', '24.21.0']) {
      expect(nodeVersionProblem(version, '/opt/node')).toBe(script.nodeVersionProblem(version, '/opt/node'));
    }
  });
});
