import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Secret } from '../config/secret.js';

/** Beside the embedded database's data (git-ignored): a restart keeps the token, a fresh folder gets a new one. */
export const DEMO_TOKEN_FILE = join('.data', 'demo-admin-token');

const MIN_LENGTH = 24;

/** The demo's admin token: read from the data folder, or made (random, 32 characters) and kept there. */
export function loadOrCreateDemoToken(cwd: string): Secret {
  const path = join(cwd, DEMO_TOKEN_FILE);
  const existing = readToken(path);
  if (existing !== undefined) {
    return new Secret(existing);
  }
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return new Secret(token);
}

function readToken(path: string): string | undefined {
  try {
    const token = readFileSync(path, 'utf8').trim();
    return token.length >= MIN_LENGTH && !/\s/.test(token) ? token : undefined;
  } catch {
    return undefined;
  }
}
