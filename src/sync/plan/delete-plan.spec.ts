import { describe, expect, it } from '@jest/globals';
import type { DeleteConfig } from '../../config/mapping.schema.js';
import { ChangeKind } from './deal-change.js';
import {
  checkDeleteGuard,
  NO_ORPHANS,
  planDeleteChanges,
  planDeletes,
  tallyOrphans,
  type UnseenLink,
} from './delete-plan.js';

const unseen = (count: number, from = 1): UnseenLink[] =>
  Array.from({ length: count }, (_, index) => ({
    erpKey: String(from + index),
    dealId: 500 + from + index,
    removed: false,
    payload: { STAGE_ID: 'EXECUTING' },
  }));

const close: DeleteConfig = { policy: 'close', stage: 'LOSE', maxPerRun: 3 };
const remove: DeleteConfig = { policy: 'delete', maxPerRun: 3 };

describe(planDeletes.name, () => {
  it('plans nothing under the ignore policy, however many rows vanished', () => {
    expect(planDeletes(unseen(1000), { policy: 'ignore', maxPerRun: 3 }, 0)).toEqual({
      changes: [],
      guard: null,
      unlinkedKeys: [],
    });
  });

  it('closes vanished deals by moving them to the configured stage', () => {
    const plan = planDeletes(unseen(2), close, 0);

    expect(plan.guard).toBeNull();
    expect(plan.changes).toEqual([
      {
        kind: ChangeKind.Delete,
        erpKey: '1',
        dealId: 501,
        policy: 'close',
        fields: { STAGE_ID: 'LOSE' },
        changes: { STAGE_ID: { old: 'EXECUTING', new: 'LOSE' } },
      },
      expect.objectContaining({ erpKey: '2', dealId: 502, policy: 'close' }),
    ]);
  });

  it('deletes vanished deals under the delete policy', () => {
    expect(planDeletes(unseen(1), remove, 0).changes).toEqual([
      { kind: ChangeKind.Delete, erpKey: '1', dealId: 501, policy: 'delete', fields: {}, changes: {} },
    ]);
  });

  it('allows exactly maxPerRun removals', () => {
    expect(planDeletes(unseen(3), remove, 0).changes).toHaveLength(3);
  });

  it.each([
    ['close', close, 'closed'],
    ['delete', remove, 'deleted'],
  ])('trips the guard over maxPerRun (%s): nothing planned, the setting named', (_policy, config, verb) => {
    const plan = planDeletes(unseen(4), config, 2);

    expect(plan.changes).toEqual([]);
    expect(plan.guard).toEqual({
      planned: 4,
      maxPerRun: 3,
      setting: 'mappings[2].delete.maxPerRun',
      message: `delete guard: 4 deals would be ${verb}, more than mappings[2].delete.maxPerRun = 3; nothing was ${verb}. Check the source, then raise mappings[2].delete.maxPerRun to at least 4 to allow it`,
    });
  });

  it('skips links already removed and reports links that never got a deal', () => {
    const links: UnseenLink[] = [
      ...unseen(3),
      { erpKey: 'gone', dealId: 9, removed: true, payload: null },
      { erpKey: 'never-created', dealId: null, removed: false, payload: null },
    ];
    const plan = planDeletes(links, remove, 0);

    expect(plan.changes.map((change) => change.erpKey)).toEqual(['1', '2', '3']);
    expect(plan.unlinkedKeys).toEqual(['never-created']);
  });

  it('trips with maxPerRun 0 on the first removal', () => {
    expect(planDeletes(unseen(1), { ...remove, maxPerRun: 0 }, 0).guard?.planned).toBe(1);
  });
});

describe(checkDeleteGuard.name, () => {
  it.each<[number, DeleteConfig, boolean]>([
    [3, close, false],
    [4, close, true],
    [10_000, { policy: 'ignore', maxPerRun: 0 }, false],
  ])('%p removals under %o trips: %p', (count, config, trips) => {
    expect(checkDeleteGuard(count, config, 0) !== null).toBe(trips);
  });
});

describe(planDeleteChanges.name, () => {
  it('plans one page without the guard, skipping removed links and links without a deal', () => {
    const links: UnseenLink[] = [...unseen(5), { erpKey: 'x', dealId: null, removed: false, payload: null }];

    expect(planDeleteChanges(links, remove).map((change) => change.erpKey)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(planDeleteChanges(links, { policy: 'ignore', maxPerRun: 100 })).toEqual([]);
  });
});

describe(tallyOrphans.name, () => {
  it('keeps the orphans of every page while the guard could still let them through', () => {
    const tally = tallyOrphans(tallyOrphans(NO_ORPHANS, unseen(2), close), unseen(1, 3), close);

    expect(tally).toEqual({ count: 3, kept: unseen(3) });
  });

  it('only counts once more than maxPerRun were found, and under the ignore policy', () => {
    const over = tallyOrphans(tallyOrphans(NO_ORPHANS, unseen(3), close), unseen(1, 4), close);

    expect(over).toEqual({ count: 4, kept: [] });
    expect(tallyOrphans(over, unseen(1, 5), close)).toEqual({ count: 5, kept: [] });
    expect(tallyOrphans(NO_ORPHANS, unseen(2), { policy: 'ignore', maxPerRun: 3 })).toEqual({
      count: 2,
      kept: [],
    });
  });
});
