import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../../src/config/config.types.js';
import { loadConfig } from '../../src/config/config.loader.js';

/** Builds the config from an explicit env (never process.env) and, optionally, a mapping file's YAML text. */
export function buildTestConfig(
  env: Record<string, string | undefined> = {},
  mappingYaml?: string,
): AppConfig {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  let syncConfig = env.SYNC_CONFIG;
  if (mappingYaml !== undefined) {
    syncConfig = join(dir, 'sync.config.yaml');
    writeFileSync(syncConfig, mappingYaml);
  }
  return loadConfig({ LOG_LEVEL: 'silent', DEMO: 'off', ...env, SYNC_CONFIG: syncConfig }, { cwd: dir });
}
