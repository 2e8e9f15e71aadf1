import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, emulatorFor } from './rest-call.js';

describe('emulator response envelopes (bitrix24-api.md §2)', () => {
  let emulator: RunningEmulator | undefined;
  afterEach(() => emulator?.close());

  it('wraps results in {result, time} with the full cloud time object', async () => {
    emulator = await emulatorFor({ timezoneOffset: '+03:00' });
    const answer = await call(emulator.webhookUrl, 'crm.deal.add', { fields: { TITLE: 'x' } });
    expect(Object.keys(answer.body).sort()).toEqual(['result', 'time']);
    const time = answer.body.time ?? {};
    expect(Object.keys(time).sort()).toEqual(
      [
        'date_finish',
        'date_start',
        'duration',
        'finish',
        'operating',
        'operating_reset_at',
        'processing',
        'start',
      ].sort(),
    );
    expect(time.finish as number).toBeGreaterThanOrEqual(time.start as number);
    expect(time.duration).toBeCloseTo((time.finish as number) - (time.start as number), 5);
    expect(time.date_start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
    expect(time.operating).toBe(0);
    expect(time.operating_reset_at).toBe(Math.floor(time.start as number) + 600);
  });

  it('omits operating and operating_reset_at in on-prem mode', async () => {
    emulator = await emulatorFor({ cloud: false });
    const answer = await call(emulator.webhookUrl, 'profile');
    expect(answer.body.time).not.toHaveProperty('operating');
    expect(answer.body.time).not.toHaveProperty('operating_reset_at');
  });

  it('lifts total and next to the top level, next only when another page exists', async () => {
    emulator = await emulatorFor();
    const batch = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`d${i}`, `crm.deal.add?fields[TITLE]=D${i}`]),
    );
    await call(emulator.webhookUrl, 'batch', { cmd: batch });
    await call(emulator.webhookUrl, 'crm.deal.add', { fields: {} });
    const first = await call(emulator.webhookUrl, 'crm.deal.list', { select: ['ID'] });
    expect(first.body).toMatchObject({ total: 51, next: 50 });
    const last = await call(emulator.webhookUrl, 'crm.deal.list', { select: ['ID'], start: 50 });
    expect(last.body.total).toBe(51);
    expect(last.body).not.toHaveProperty('next');
  });

  it('answers errors as {error, error_description} without time, allowing the empty code', async () => {
    emulator = await emulatorFor();
    const answer = await call(emulator.webhookUrl, 'crm.deal.add', { fields: 'not an array' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: '', error_description: "Parameter 'fields' must be array." });
  });

  it.each([
    ['server-code', 401],
    ['docs', 403],
  ] as const)('uses the %s status table for INVALID_CREDENTIALS (%i)', async (profile, status) => {
    emulator = await emulatorFor({ errorStatusProfile: profile });
    const answer = await call(`${emulator.url}/rest/1/not-the-secret/`, 'profile');
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({
      error: 'INVALID_CREDENTIALS',
      error_description: 'Invalid request credentials',
    });
  });

  it('lets a test override the HTTP status per code, also at run time', async () => {
    emulator = await emulatorFor({ errorStatuses: { ERROR_METHOD_NOT_FOUND: 400 } });
    expect((await call(emulator.webhookUrl, 'no.such')).status).toBe(400);
    emulator.configure({ errorStatuses: { '': 422 } });
    expect((await call(emulator.webhookUrl, 'no.such')).status).toBe(404);
    expect((await call(emulator.webhookUrl, 'crm.deal.get', { id: 0 })).status).toBe(422);
  });
});
