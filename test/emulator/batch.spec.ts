import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, emulatorFor, type Json } from './rest-call.js';

interface BatchResult {
  result: unknown;
  result_error: unknown;
  result_total: unknown;
  result_next: unknown;
  result_time: unknown;
}

describe('emulator batch (bitrix24-api.md §4)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await emulatorFor();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const batch = async (params: unknown) => {
    const answer = await call(emulator.webhookUrl, 'batch', params);
    expect(answer.status).toBe(200);
    return answer.body.result as BatchResult;
  };

  it('answers every section, empty ones as [] (PHP empty arrays)', async () => {
    const result = await batch({ cmd: { one: 'profile' } });
    expect(result.result_error).toEqual([]);
    expect(result.result_total).toEqual([]);
    expect(result.result_next).toEqual([]);
    expect(Object.keys(result.result_time as object)).toEqual(['one']);
  });

  it('reads cmd and halt case-insensitively', async () => {
    const result = await batch({ CMD: { a: 'crm.deal.get?id=999', b: 'profile' }, HALT: 1 });
    expect(result.result_error).toHaveProperty('a');
    expect(result.result).toEqual([]);
  });

  it('runs 50 commands and answers later ones with ERROR_BATCH_LENGTH_EXCEEDED inside a 200', async () => {
    const cmd = Object.fromEntries(
      Array.from({ length: 52 }, (_, i) => [`c${i}`, `crm.deal.add?fields[TITLE]=T${i}`]),
    );
    const result = await batch({ cmd });
    expect(Object.keys(result.result as object)).toHaveLength(50);
    expect(result.result_error).toEqual({
      c50: { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' },
      c51: { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' },
    });
    expect(emulator.deals()).toHaveLength(50);
  });

  it.each(['batch', 'upload', 'download'])(
    'refuses nested %s with ERROR_BATCH_METHOD_NOT_ALLOWED',
    async (method) => {
      const result = await batch({ cmd: { inner: `${method}?cmd[a]=profile` } });
      expect(result.result_error).toEqual({
        inner: {
          error: 'ERROR_BATCH_METHOD_NOT_ALLOWED',
          error_description: 'Method is not allowed for batch usage',
        },
      });
    },
  );

  it('collects per-command errors and keeps going without halt (server default)', async () => {
    const result = await batch({
      cmd: { bad: 'crm.deal.get?id=0', missing: 'no.such', good: 'crm.deal.add?fields[TITLE]=ok' },
    });
    expect(result.result_error).toEqual({
      bad: { error: '', error_description: 'ID is not defined or invalid.' },
      missing: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' },
    });
    expect(result.result).toEqual({ good: 1 });
  });

  it('stops at the first failure with halt; later commands appear in no section', async () => {
    const result = await batch({
      halt: true,
      cmd: { a: 'crm.deal.add', b: 'crm.deal.get?id=77', c: 'crm.deal.add' },
    });
    expect(Object.keys(result.result as object)).toEqual(['a']);
    expect(Object.keys(result.result_error as object)).toEqual(['b']);
    expect(Object.keys(result.result_time as object)).toEqual(['a']);
    expect(emulator.deals()).toHaveLength(1);
  });

  it('treats form halt=false as true (PHP string cast), JSON false as false', async () => {
    const form = await call(emulator.webhookUrl, 'batch', 'halt=false&cmd[a]=no.such&cmd[b]=profile', {
      encoding: 'form',
    });
    expect((form.body.result as BatchResult).result).toEqual([]);
    const json = await batch({ halt: false, cmd: { a: 'no.such', b: 'profile' } });
    expect(json.result).toHaveProperty('b');
  });

  it('encodes sections of a list-style cmd as JSON arrays when their keys are contiguous', async () => {
    const result = await batch({
      cmd: ['crm.deal.add?fields[TITLE]=A', 'crm.deal.add?fields[TITLE]=B', 'no.such'],
    });
    expect(result.result).toEqual([1, 2]);
    expect(result.result_error).toEqual({ 2: expect.objectContaining({ error: 'ERROR_METHOD_NOT_FOUND' }) });
    expect(Array.isArray(result.result_time)).toBe(true);
  });

  it('substitutes $result references, keeping the type of a whole-value reference', async () => {
    const result = await batch({
      halt: 1,
      cmd: {
        add: 'crm.deal.add?fields[TITLE]=Source&fields[ORIGIN_ID]=erp-1',
        get: 'crm.deal.get?id=$result[add]',
        copy: 'crm.deal.add?fields[TITLE]=Copy of $result[get][TITLE]&fields[ORIGIN_ID]=$result[get][ORIGIN_ID]',
      },
    });
    const results = result.result as Record<string, unknown>;
    expect((results.get as Json).ID).toBe('1');
    const copy = (await call(emulator.webhookUrl, 'crm.deal.get', { id: results.copy })).body.result as Json;
    expect(copy.TITLE).toBe('Copy of Source');
    expect(copy.ORIGIN_ID).toBe('erp-1');
  });

  it('leaves an unresolved reference as literal text (the source command failed)', async () => {
    const result = await batch({
      cmd: {
        bad: 'crm.deal.get?id=404',
        add: 'crm.deal.add?fields[TITLE]=T $result[bad][TITLE]&fields[COMMENTS]=$result[bad]',
      },
    });
    const deal = (await call(emulator.webhookUrl, 'crm.deal.get', { id: (result.result as Json).add })).body
      .result as Json;
    expect(deal.TITLE).toBe('T $result[bad][TITLE]');
    expect(deal.COMMENTS).toBe('$result[bad]');
  });

  it('resolves $next, $total and list indexes for >ID paging chains', async () => {
    const cmd = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, 'crm.deal.add']));
    await batch({ cmd });
    await call(emulator.webhookUrl, 'crm.deal.add', {});
    const result = await batch({
      cmd: {
        page1: 'crm.deal.list?order[ID]=ASC&select[]=ID',
        page2: 'crm.deal.list?order[ID]=ASC&select[]=ID&start=$next[page1]',
        chain: 'crm.deal.list?order[ID]=ASC&select[]=ID&filter[>ID]=$result[page1][49][ID]&start=-1',
        count: 'crm.deal.list?filter[%3E%3DID]=$total[page1]&select[]=ID',
      },
    });
    const results = result.result as Record<string, Json[]>;
    expect(result.result_next).toEqual({ page1: 50 });
    expect(result.result_total).toEqual({ page1: 51, page2: 51, chain: 0, count: 1 });
    expect(results.page2?.map((row) => row.ID)).toEqual(['51']);
    expect(results.chain?.map((row) => row.ID)).toEqual(['51']);
    expect(results.count?.map((row) => row.ID)).toEqual(['51']);
  });

  it('gives every sub-result its own time object in result_time', async () => {
    const result = await batch({ cmd: { a: 'profile', b: 'profile' } });
    const times = result.result_time as Record<string, Json>;
    expect(times.a).toEqual(
      expect.objectContaining({ start: expect.any(Number), date_start: expect.any(String) }),
    );
    expect(times.b?.start as number).toBeGreaterThanOrEqual(times.a?.finish as number);
  });

  it('decodes + as a space inside command strings', async () => {
    const result = await batch({ cmd: { a: 'crm.deal.add?fields[TITLE]=A+B%2BC' } });
    expect(emulator.deals()[0]?.TITLE).toBe('A B+C');
    expect(result.result).toEqual({ a: 1 });
  });
});
