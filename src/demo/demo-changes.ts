import { newOrder, randomAmount, type DemoOrder } from './demo-orders.js';
import { between, type Random } from './demo-random.js';

/** Not in the demo mapping's STAGE_ID map: the row fails while mapping, before any call to Bitrix24. */
export const BROKEN_STATE = 'on_hold';
/** Known to the demo ERP but not to the emulated portal: Bitrix24 itself rejects the row. */
export const BROKEN_CURRENCY = 'GBP';
/** Beyond this the changer edits only, so a demo left running for days stays quick to load. */
export const MAX_DEMO_ORDERS = 2000;
/** At most this many broken orders at a time. */
const MAX_BROKEN = 2;
/** A broken order stays broken this long, so a few runs show it failing (and retried) before its repair. */
export const MIN_BROKEN_SECONDS = 180;

const NEXT_STATE: Readonly<Record<string, string>> = { draft: 'sent', sent: 'sale', sale: 'done' };

/** A `sale_order` row as the changer reads it. */
export interface SampledOrder {
  readonly id: number;
  readonly name: string;
  readonly state: string;
  readonly amountTotal: string;
  readonly currency: string;
}

/** An order the changer broke, and how long ago (its write_date: the changer edits only healthy orders). */
export interface BrokenOrder extends SampledOrder {
  readonly ageSeconds: number;
}

export interface ChangerFacts {
  /** A few random orders the changer may edit. */
  readonly sample: readonly SampledOrder[];
  /** Orders it broke earlier and has not repaired yet. */
  readonly broken: readonly BrokenOrder[];
  readonly orderCount: number;
  /** The number of the next new order (the highest so far + 1). */
  readonly nextNumber: number;
  /** `YYYY-MM-DD` */
  readonly today: string;
}

export type EditedField = 'state' | 'amountTotal' | 'currency';

export interface OrderEdit {
  readonly kind: 'edit';
  readonly order: SampledOrder;
  readonly field: EditedField;
  readonly to: string;
  readonly effect: 'none' | 'breaks' | 'repairs';
}

export interface OrderInsert {
  readonly kind: 'insert';
  readonly order: DemoOrder;
}

export type DemoChange = OrderEdit | OrderInsert;

export function isBroken(order: Pick<SampledOrder, 'state' | 'currency'>): boolean {
  return order.state === BROKEN_STATE || order.currency === BROKEN_CURRENCY;
}

/**
 * What the changer does on one tick: one to three changes, mostly an amount or a state moved on,
 * sometimes a new order, now and then an invalid value (so the sync log shows a failed row and why)
 * and later its repair.
 */
export function planChanges(facts: ChangerFacts, random: Random): DemoChange[] {
  const healthy = facts.sample.filter((order) => !isBroken(order));
  const brokenLeft = facts.broken.filter((order) => order.ageSeconds >= MIN_BROKEN_SECONDS);
  let brokenCount = facts.broken.length;
  let nextNumber = facts.nextNumber;
  let orderCount = facts.orderCount;
  const changes: DemoChange[] = [];
  const wanted = between(random, 1, 3);
  for (let step = 0; step < wanted; step++) {
    const roll = random();
    if (roll < 0.2 && brokenLeft.length > 0) {
      changes.push(repair(brokenLeft.shift() as SampledOrder));
    } else if (roll >= 0.2 && roll < 0.3 && orderCount < MAX_DEMO_ORDERS) {
      changes.push({ kind: 'insert', order: newOrder(nextNumber++, facts.today, random) });
      orderCount++;
    } else if (roll >= 0.3 && roll < 0.36 && brokenCount < MAX_BROKEN && healthy.length > 0) {
      changes.push(breakOrder(healthy.shift() as SampledOrder, random));
      brokenCount++;
    } else if (healthy.length > 0) {
      changes.push(editOrder(healthy.shift() as SampledOrder, random));
    }
  }
  return changes;
}

function editOrder(order: SampledOrder, random: Random): OrderEdit {
  const next = NEXT_STATE[order.state];
  if (next !== undefined && random() < 0.5) {
    const cancelled = order.state !== 'sale' && random() < 0.15;
    return { kind: 'edit', order, field: 'state', to: cancelled ? 'cancel' : next, effect: 'none' };
  }
  return {
    kind: 'edit',
    order,
    field: 'amountTotal',
    to: changedAmount(order.amountTotal, random),
    effect: 'none',
  };
}

function changedAmount(amount: string, random: Random): string {
  const current = Number(amount);
  const scaled =
    Number.isFinite(current) && current > 0
      ? (current * between(random, 80, 125)) / 100
      : Number(randomAmount(random));
  const next = Math.max(10, Math.round(scaled * 2) / 2).toFixed(2);
  return next === Number(amount).toFixed(2) ? (Number(next) + 10).toFixed(2) : next;
}

function breakOrder(order: SampledOrder, random: Random): OrderEdit {
  return random() < 0.5
    ? { kind: 'edit', order, field: 'state', to: BROKEN_STATE, effect: 'breaks' }
    : { kind: 'edit', order, field: 'currency', to: BROKEN_CURRENCY, effect: 'breaks' };
}

function repair(order: SampledOrder): OrderEdit {
  return order.state === BROKEN_STATE
    ? { kind: 'edit', order, field: 'state', to: 'sale', effect: 'repairs' }
    : { kind: 'edit', order, field: 'currency', to: 'RUB', effect: 'repairs' };
}

const FIELD_LABEL: Readonly<Record<EditedField, string>> = {
  state: 'state',
  amountTotal: 'amount',
  currency: 'currency',
};

const EFFECT_NOTE: Readonly<Record<OrderEdit['effect'], string>> = {
  none: '',
  breaks: ' (invalid on purpose: this row will fail)',
  repairs: ' (repaired)',
};

/** `SO00042 amount 1250.00 → 1310.00`, `new order SO00401 (Contoso Ltd, 1250.00 RUB)` */
export function describeChange(change: DemoChange): string {
  if (change.kind === 'insert') {
    const { order } = change;
    return `new order ${order.name} (${order.partner}, ${order.amountTotal} ${order.currency})`;
  }
  const from = change.order[change.field];
  return `${change.order.name} ${FIELD_LABEL[change.field]} ${from} → ${change.to}${EFFECT_NOTE[change.effect]}`;
}
