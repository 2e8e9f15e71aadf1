import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEMO_TOKEN_FILE, loadOrCreateDemoToken } from './demo-admin-token.js';

const folders: string[] = [];
const freshFolder = () => {
  folders.push(mkdtempSync(join(tmpdir(), 'demo-token-')));
  return folders[folders.length - 1];
};

describe(loadOrCreateDemoToken.name, () => {
  afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  it('makes a random token and keeps it in the data folder, readable by its owner only', () => {
    const cwd = freshFolder();
    const token = loadOrCreateDemoToken(cwd).reveal();
    const path = join(cwd, DEMO_TOKEN_FILE);

    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(readFileSync(path, 'utf8').trim()).toBe(token);
    expect(statSync(path).mode & 0o077).toBe(0);
  });

  it('gives the same token after a restart', () => {
    const cwd = freshFolder();

    expect(loadOrCreateDemoToken(cwd).reveal()).toBe(loadOrCreateDemoToken(cwd).reveal());
  });

  it('gives another folder another token', () => {
    expect(loadOrCreateDemoToken(freshFolder()).reveal()).not.toBe(
      loadOrCreateDemoToken(freshFolder()).reveal(),
    );
  });

  it('replaces a kept token that is too short to be one', () => {
    const cwd = freshFolder();
    mkdirSync(dirname(join(cwd, DEMO_TOKEN_FILE)), { recursive: true });
    writeFileSync(join(cwd, DEMO_TOKEN_FILE), 'short\n');

    expect(loadOrCreateDemoToken(cwd).reveal()).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
