import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bitrix24Client } from '../../src/bitrix24/bitrix24.client.js';
import { Bitrix24ErrorClass, RecordErrorReason } from '../../src/bitrix24/bitrix24.error.js';
import type { BatchCommand } from '../../src/bitrix24/batch.executor.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { webhookClient } from './support/emulator-client.js';
import { seedFor, setOnlyFaults } from './support/faults.js';

const creates = (
  count: number,
  fields: (index: number) => Record<string, string> = (i) => ({ TITLE: `Deal ${i}` }),
): BatchCommand[] =>
  Array.from({ length: count }, (_, index) => ({
    method: 'crm.deal.add',
    params: { fields: fields(index) },
  }));

describe('Bitrix24Client.batch against the emulator', () => {
  let emulator: RunningEmulator;
  let client: Bitrix24Client;

  beforeAll(async () => {
    emulator = await startEmulator();
    client = webhookClient(emulator);
  });
  afterEach(() => {
    setOnlyFaults(emulator);
    emulator.reset();
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });
  /** Batch requests the portal received (a lost answer also makes the client probe with server.time). */
  const batches = () => emulator.requestLog().filter((entry) => entry.method === 'batch').length;

  it.each([
    { commands: 1, sizes: [1] },
    { commands: 50, sizes: [50] },
    { commands: 51, sizes: [1, 50] },
    { commands: 101, sizes: [1, 50, 50] },
  ])(
    'packs $commands commands into batches of $sizes and answers each in input order',
    async ({ commands, sizes }) => {
      const outcomes = await client.batch<number>(creates(commands));
      expect([...emulator.stats().batchSizes].sort((a, b) => a - b)).toEqual(sizes);
      expect(outcomes).toHaveLength(commands);
      expect(outcomes.every((outcome) => outcome.status === 'ok')).toBe(true);
      const titleById = new Map(emulator.deals().map((deal) => [Number(deal.ID), deal.TITLE]));
      outcomes.forEach((outcome, index) => {
        expect(outcome.status === 'ok' && titleById.get(outcome.result)).toBe(`Deal ${index}`);
      });
    },
  );

  it('returns nothing and sends nothing for no commands', async () => {
    expect(await client.batch([])).toEqual([]);
    expect(emulator.stats().requests).toBe(0);
  });

  it('reports each failing command of a partly failing batch, including errors with an empty code', async () => {
    const outcomes = await client.batch(
      creates(6, (i) => ({ TITLE: `D${i}`, CURRENCY_ID: i % 3 === 1 ? 'XXX' : 'USD' })),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['ok', 'failed', 'ok', 'ok', 'failed', 'ok']);
    for (const outcome of outcomes.filter((o) => o.status === 'failed')) {
      expect(outcome.status === 'failed' && outcome.error).toMatchObject({
        code: '',
        method: 'crm.deal.add',
        classification: Bitrix24ErrorClass.Record,
        reason: RecordErrorReason.Validation,
        outcome: 'not_applied',
      });
    }
    expect(
      emulator
        .deals()
        .map((deal) => deal.TITLE)
        .sort(),
    ).toEqual(['D0', 'D2', 'D3', 'D5']);
  });

  it('mixes methods in one batch, with not-found reads failing on their own', async () => {
    const [created] = await client.batch<number>(creates(1));
    const id = created.status === 'ok' ? created.result : 0;
    const outcomes = await client.batch([
      { method: 'crm.deal.get', params: { id } },
      { method: 'crm.deal.get', params: { id: 999_999 } },
      { method: 'crm.deal.update', params: { id, fields: { TITLE: 'renamed' } } },
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['ok', 'failed', 'ok']);
    expect(outcomes[1].status === 'failed' && outcomes[1].error.reason).toBe(RecordErrorReason.NotFound);
    expect(emulator.deals()[0].TITLE).toBe('renamed');
  });

  it('keeps characters that mean something in a query string (+ & # = [ ] %) and unicode intact', async () => {
    const title = 'A+B & C #1 = [x] 100% Заказ';
    await client.batch(creates(1, () => ({ TITLE: title, COMMENTS: 'a=b&c=d' })));
    expect(emulator.deals()[0]).toMatchObject({ TITLE: title, COMMENTS: 'a=b&c=d' });
  });

  it('reports every command of a write batch whose answer is lost as unknown, and never resends it', async () => {
    setOnlyFaults(emulator, { commitThenDropRate: 1 });
    const outcomes = await client.batch(creates(3));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(outcomes[0].status === 'unknown' && outcomes[0].error).toMatchObject({
      method: 'crm.deal.add',
      classification: Bitrix24ErrorClass.Transport,
      outcome: 'unknown',
    });
    expect(batches()).toBe(1);
    expect(emulator.deals()).toHaveLength(3);
  });

  it('reports every command of a write batch answered 5xx as unknown', async () => {
    setOnlyFaults(emulator, { serverErrorRate: 1 });
    const outcomes = await client.batch(creates(2));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['unknown', 'unknown']);
    expect(batches()).toBe(1);
  });

  it('retries a read-only batch whose answer is lost', async () => {
    const [created] = await client.batch<number>(creates(1));
    setOnlyFaults(emulator, { dropRate: 0.5, seed: seedFor(0.5, [true, true, false]) });
    const id = created.status === 'ok' ? created.result : 0;
    const before = emulator.stats().requests;
    const outcomes = await client.batch(
      Array.from({ length: 5 }, () => ({ method: 'crm.deal.get', params: { id } })),
    );
    expect(outcomes.every((outcome) => outcome.status === 'ok')).toBe(true);
    expect(emulator.stats().requests - before).toBe(3);
  });

  it('keeps the outcomes of the batches that got through when another one is lost', async () => {
    setOnlyFaults(emulator, { commitThenDropRate: 0.5, seed: seedFor(0.5, [true, false, false]) });
    const outcomes = await client.batch(creates(150));
    const statuses = new Set(outcomes.map((outcome) => outcome.status));
    expect(statuses).toEqual(new Set(['ok', 'unknown']));
    expect(emulator.deals()).toHaveLength(150);
    for (let start = 0; start < 150; start += 50) {
      expect(new Set(outcomes.slice(start, start + 50).map((outcome) => outcome.status)).size).toBe(1);
    }
  });
});
