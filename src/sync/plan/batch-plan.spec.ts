import { describe, expect, it } from '@jest/globals';
import { appendToBatches, EMPTY_CARRY, flushBatches, planBatches, type Batch } from './batch-plan.js';
import { ChangeKind, type DealChange } from './deal-change.js';
import { EMPTY_PLAN_SUMMARY, summarizeChanges } from './plan-summary.js';

const create = (key: string): DealChange => ({
  kind: ChangeKind.Create,
  erpKey: key,
  reason: 'new',
  retry: false,
  fields: { TITLE: key },
  changes: {},
  payload: { TITLE: key },
  payloadHash: 'h',
});
const update = (key: string): DealChange => ({
  kind: ChangeKind.Update,
  erpKey: key,
  dealId: 100,
  reason: 'changed',
  retry: false,
  fields: { TITLE: key },
  changes: {},
  payload: { TITLE: key },
  payloadHash: 'h',
});
const unchanged = (key: string): DealChange => ({
  kind: ChangeKind.Unchanged,
  erpKey: key,
  dealId: 1,
  refresh: null,
});
const failed = (key: string): DealChange => ({
  kind: ChangeKind.Failed,
  erpKey: key,
  error: { erpKey: key, code: 'X', message: 'x' },
});
const deferred = (key: string): DealChange => ({
  kind: ChangeKind.Deferred,
  erpKey: key,
  reason: 'backoff',
  retryAt: null,
});
const close = (key: string): DealChange => ({
  kind: ChangeKind.Delete,
  erpKey: key,
  dealId: 7,
  policy: 'close',
  fields: { STAGE_ID: 'LOSE' },
  changes: {},
});
const remove = (key: string): DealChange => ({
  kind: ChangeKind.Delete,
  erpKey: key,
  dealId: 8,
  policy: 'delete',
  fields: {},
  changes: {},
});

/** 120 writes among 380 no-ops. */
function page(): DealChange[] {
  return Array.from({ length: 500 }, (_, index) => {
    const key = String(index);
    const makers = [
      create,
      update,
      close,
      remove,
      unchanged,
      unchanged,
      unchanged,
      unchanged,
      failed,
      deferred,
    ];
    return index < 480 ? makers[index % makers.length](key) : unchanged(key);
  });
}

const shape = (batches: Batch[]) => batches.map((batch) => batch.commands.map((command) => command.erpKey));

describe(planBatches.name, () => {
  it('packs only writes into batches of at most 50 commands', () => {
    const batches = planBatches(page());

    expect(batches.map((batch) => batch.commands.length)).toEqual([50, 50, 50, 42]);
    for (const batch of batches) {
      expect(new Set(batch.commands.map((command) => command.key)).size).toBe(batch.commands.length);
    }
  });

  it('turns each write into its Bitrix24 command', () => {
    const [batch] = planBatches([create('a'), unchanged('x'), update('b'), close('c'), remove('d')]);

    expect(
      batch.commands.map(({ key, method, params, erpKey }) => ({ key, method, params, erpKey })),
    ).toEqual([
      { key: 'add0', method: 'crm.deal.add', params: { fields: { TITLE: 'a' } }, erpKey: 'a' },
      { key: 'update1', method: 'crm.deal.update', params: { id: 100, fields: { TITLE: 'b' } }, erpKey: 'b' },
      {
        key: 'close2',
        method: 'crm.deal.update',
        params: { id: 7, fields: { STAGE_ID: 'LOSE' } },
        erpKey: 'c',
      },
      { key: 'delete3', method: 'crm.deal.delete', params: { id: 8 }, erpKey: 'd' },
    ]);
  });

  it('plans no batch when nothing changed', () => {
    expect(planBatches([unchanged('1'), failed('2'), deferred('3')])).toEqual([]);
  });

  it('honours a smaller batch size and refuses one above 50', () => {
    expect(
      planBatches([create('1'), create('2'), create('3')], 2).map((batch) => batch.commands.length),
    ).toEqual([2, 1]);
    expect(() => planBatches([create('1')], 51)).toThrow(RangeError);
  });
});

describe(appendToBatches.name, () => {
  it('fills batches across pages exactly as one big plan would', () => {
    const changes = page();
    let carry = EMPTY_CARRY;
    const streamed: Batch[] = [];
    for (let start = 0; start < changes.length; start += 37) {
      const step = appendToBatches(carry, changes.slice(start, start + 37));
      streamed.push(...step.batches);
      carry = step.carry;
    }
    streamed.push(...flushBatches(carry));

    expect(shape(streamed)).toEqual(shape(planBatches(changes)));
  });

  it('holds back a partial batch until it fills or is flushed', () => {
    const first = appendToBatches(EMPTY_CARRY, [create('1'), create('2')]);

    expect(first.batches).toEqual([]);
    expect(shape(flushBatches(first.carry))).toEqual([['1', '2']]);
    expect(flushBatches(EMPTY_CARRY)).toEqual([]);
  });
});

describe(summarizeChanges.name, () => {
  it('counts each kind, closes under deletes, and adds to a running summary', () => {
    const once = summarizeChanges(page());

    expect(once).toEqual({ creates: 48, updates: 48, deletes: 96, unchanged: 212, failed: 48, deferred: 48 });
    expect(summarizeChanges([create('x')], once)).toEqual({ ...once, creates: 49 });
    expect(EMPTY_PLAN_SUMMARY).toEqual({
      creates: 0,
      updates: 0,
      deletes: 0,
      unchanged: 0,
      failed: 0,
      deferred: 0,
    });
  });
});
