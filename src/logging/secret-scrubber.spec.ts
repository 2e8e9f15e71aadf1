import { describe, expect, it } from '@jest/globals';
import { Secret } from '../config/secret.js';
import { buildTestConfig } from '../../test/support/config.js';
import { SecretScrubber } from './secret-scrubber.js';

describe(SecretScrubber.name, () => {
  it.each([
    ['a raw value', 'token=abc123def', 'token=[redacted]'],
    ['every occurrence', 'abc123def/abc123def', '[redacted]/[redacted]'],
    ['a URL-encoded value', 'x=p%40ss%2Fword', 'x=[redacted]'],
    ['nothing else', 'plain text', 'plain text'],
  ])('replaces %s', (_case, input, expected) => {
    const scrubber = new SecretScrubber();
    scrubber.add('abc123def');
    scrubber.add(new Secret('p@ss/word'));

    expect(scrubber.scrub(input)).toBe(expected);
  });

  it('ignores values too short to replace safely', () => {
    const scrubber = new SecretScrubber();
    scrubber.add('ab');

    expect(scrubber.scrub('about')).toBe('about');
  });

  it('learns database passwords from connection URLs, decoded and encoded', () => {
    const scrubber = new SecretScrubber();
    scrubber.addDatabasePassword(new Secret('postgres://sync:s%40fe-pass@db/state'));

    expect(scrubber.scrub('auth failed for s@fe-pass and s%40fe-pass')).toBe(
      'auth failed for [redacted] and [redacted]',
    );
  });

  it('learns the OAuth app secrets from the config, the application token among them', () => {
    const config = buildTestConfig({
      BITRIX24_PORTAL_URL: 'https://acme.bitrix24.com',
      BITRIX24_CLIENT_ID: 'local.1',
      BITRIX24_CLIENT_SECRET: 'client-secret-1',
      ENCRYPTION_KEY: 'k'.repeat(40),
      BITRIX24_APPLICATION_TOKEN: 'app-token-0123456789',
    });

    expect(SecretScrubber.fromConfig(config).scrub('client-secret-1 app-token-0123456789')).toBe(
      '[redacted] [redacted]',
    );
  });
});
