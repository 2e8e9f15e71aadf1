import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { Agent, fetch as undiciFetch } from 'undici';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { emulatorFor } from './rest-call.js';

describe('emulator over HTTPS', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await emulatorFor({ https: true, access: { requireHttps: true } });
  });
  afterAll(() => emulator.close());

  it('serves https with a self-signed certificate for 127.0.0.1 that a client can trust through its CA option', async () => {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const certificate = new X509Certificate(emulator.ca ?? '');
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    const dispatcher = new Agent({ connect: { ca: emulator.ca } });
    const response = await undiciFetch(`${emulator.webhookUrl}profile`, { dispatcher });
    expect(response.status).toBe(200);
    await dispatcher.close();
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const dispatcher = new Agent();
    await expect(undiciFetch(`${emulator.webhookUrl}profile`, { dispatcher })).rejects.toThrow();
    await dispatcher.close();
  });
});
