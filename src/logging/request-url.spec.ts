import { describe, expect, it } from '@jest/globals';
import { redactRequestUrl } from './request-url.js';

describe(redactRequestUrl.name, () => {
  it.each([
    ['/health/live', '/health/live'],
    ['/admin/runs?mapping=orders&limit=5', '/admin/runs?mapping=orders&limit=5'],
    ['/x?token=abc&mapping=m', '/x?token=[redacted]&mapping=m'],
    ['/x?AUTH=abc&access_token=def', '/x?AUTH=[redacted]&access_token=[redacted]'],
  ])('logs %s as %s', (url, expected) => {
    expect(redactRequestUrl(url)).toBe(expected);
  });
});
