import { describe, expect, it } from '@jest/globals';
import {
  BROKEN_CURRENCY,
  BROKEN_STATE,
  describeChange,
  isBroken,
  MAX_DEMO_ORDERS,
  MIN_BROKEN_SECONDS,
  planChanges,
  type BrokenOrder,
  type ChangerFacts,
  type DemoChange,
  type OrderEdit,
  type SampledOrder,
} from './demo-changes.js';
import { DEMO_STATES } from './demo-orders.js';
import { seededRandom, type Random } from './demo-random.js';

const order = (id: number, overrides: Partial<SampledOrder> = {}): SampledOrder => ({
  id,
  name: `SO${String(id).padStart(5, '0')}`,
  state: 'sale',
  amountTotal: '1000.00',
  currency: 'RUB',
  ...overrides,
});

const broken = (id: number, ageSeconds: number, overrides: Partial<SampledOrder> = {}): BrokenOrder => ({
  ...order(id, { state: BROKEN_STATE, ...overrides }),
  ageSeconds,
});

const facts = (overrides: Partial<ChangerFacts> = {}): ChangerFacts => ({
  sample: [order(1), order(2), order(3)],
  broken: [],
  orderCount: 400,
  nextNumber: 401,
  today: '2026-11-28',
  ...overrides,
});

/**
 * Rolls in the order planChanges draws them: how many changes (0 → one, 0.99 → three), then per change
 * the kind (< .2 repair, < .3 insert, < .36 break, else edit), then that change's own rolls.
 */
function rolls(...values: number[]): Random {
  const queue = [...values];
  return () => queue.shift() ?? 0.99;
}

const ONE = 0;
const REPAIR = 0.1;
const INSERT = 0.25;
const BREAK = 0.33;
const EDIT = 0.9;
const edits = (changes: DemoChange[]) =>
  changes.filter((change): change is OrderEdit => change.kind === 'edit');

describe(planChanges.name, () => {
  it('moves a state on to the next one', () => {
    const [change] = planChanges(
      facts({ sample: [order(1, { state: 'sent' })] }),
      rolls(ONE, EDIT, 0.1, 0.9),
    );

    expect(change).toMatchObject({ kind: 'edit', field: 'state', to: 'sale', effect: 'none' });
  });

  it('sometimes cancels a draft instead', () => {
    const [change] = planChanges(
      facts({ sample: [order(1, { state: 'draft' })] }),
      rolls(ONE, EDIT, 0.1, 0.05),
    );

    expect(change).toMatchObject({ field: 'state', to: 'cancel' });
  });

  it('changes the amount of an order that has no next state', () => {
    const [change] = planChanges(facts({ sample: [order(1, { state: 'done' })] }), rolls(ONE, EDIT, 0.5));

    expect(change).toMatchObject({ kind: 'edit', field: 'amountTotal' });
    expect((change as OrderEdit).to).toMatch(/^\d+\.\d{2}$/);
    expect((change as OrderEdit).to).not.toBe('1000.00');
  });

  it('inserts a new draft order with the next number', () => {
    const [change] = planChanges(facts(), rolls(ONE, INSERT));

    expect(change).toMatchObject({
      kind: 'insert',
      order: { name: 'SO00401', state: 'draft', dateOrder: '2026-11-28' },
    });
  });

  it('stops inserting at the size limit and edits instead', () => {
    const [change] = planChanges(facts({ orderCount: MAX_DEMO_ORDERS }), rolls(ONE, INSERT));

    expect(change).toMatchObject({ kind: 'edit', order: { id: 1 } });
  });

  it.each([
    [0.2, 'state', BROKEN_STATE],
    [0.8, 'currency', BROKEN_CURRENCY],
  ])('breaks an order with an invalid value (roll %f: %s)', (roll, field, value) => {
    const [change] = planChanges(facts(), rolls(ONE, BREAK, roll));

    expect(change).toMatchObject({ kind: 'edit', field, to: value, effect: 'breaks' });
    expect(isBroken({ ...order(1), [field]: value })).toBe(true);
  });

  it('keeps at most two orders broken', () => {
    const [change] = planChanges(
      facts({ broken: [broken(8, 10), broken(9, 10, { state: 'sale', currency: BROKEN_CURRENCY })] }),
      rolls(ONE, BREAK),
    );

    expect(change).toMatchObject({ effect: 'none' });
  });

  it('repairs a broken order once runs have had time to show it failing', () => {
    const [change] = planChanges(
      facts({ broken: [broken(9, MIN_BROKEN_SECONDS, { state: 'sale', currency: BROKEN_CURRENCY })] }),
      rolls(ONE, REPAIR),
    );

    expect(change).toMatchObject({
      kind: 'edit',
      order: { id: 9 },
      field: 'currency',
      to: 'RUB',
      effect: 'repairs',
    });
  });

  it('leaves a freshly broken order alone', () => {
    const [change] = planChanges(facts({ broken: [broken(9, MIN_BROKEN_SECONDS - 1)] }), rolls(ONE, REPAIR));

    expect(change).toMatchObject({ kind: 'edit', effect: 'none', order: { id: 1 } });
  });

  it('never edits a broken order that came in the sample', () => {
    const changes = planChanges(facts({ sample: [order(1, { state: BROKEN_STATE })] }), rolls(ONE, EDIT));

    expect(changes).toEqual([]);
  });

  it('makes one to three changes, each on a different order, over many rounds', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 500; round++) {
      const changes = planChanges(facts({ broken: [broken(9, 600)] }), random);
      const ids = edits(changes).map((change) => change.order.id);

      expect(changes.length).toBeGreaterThanOrEqual(1);
      expect(changes.length).toBeLessThanOrEqual(3);
      expect(new Set(ids).size).toBe(ids.length);
      for (const change of edits(changes).filter(
        (edit) => edit.field === 'state' && edit.effect === 'none',
      )) {
        expect(DEMO_STATES).toContain(change.to);
      }
    }
  });
});

describe(describeChange.name, () => {
  it.each<[DemoChange, string]>([
    [
      { kind: 'edit', order: order(42), field: 'amountTotal', to: '1310.00', effect: 'none' },
      'SO00042 amount 1000.00 → 1310.00',
    ],
    [
      { kind: 'edit', order: order(7, { state: 'sent' }), field: 'state', to: 'sale', effect: 'none' },
      'SO00007 state sent → sale',
    ],
    [
      { kind: 'edit', order: order(7), field: 'currency', to: BROKEN_CURRENCY, effect: 'breaks' },
      'SO00007 currency RUB → GBP (invalid on purpose: this row will fail)',
    ],
    [
      {
        kind: 'edit',
        order: order(7, { state: BROKEN_STATE }),
        field: 'state',
        to: 'sale',
        effect: 'repairs',
      },
      'SO00007 state on_hold → sale (repaired)',
    ],
    [
      {
        kind: 'insert',
        order: {
          name: 'SO00401',
          partner: 'Contoso Ltd',
          state: 'draft',
          amountTotal: '1250.00',
          currency: 'RUB',
          dateOrder: '2026-11-28',
          note: null,
        },
      },
      'new order SO00401 (Contoso Ltd, 1250.00 RUB)',
    ],
  ])('says what changed', (change, text) => {
    expect(describeChange(change)).toBe(text);
  });
});
