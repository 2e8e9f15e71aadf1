import { between, pick, type Random } from './demo-random.js';

/** Order states of the demo ERP (Odoo's sale.order), in their usual order of progress. */
export const DEMO_STATES = ['draft', 'sent', 'sale', 'done', 'cancel'] as const;
export type DemoState = (typeof DEMO_STATES)[number];

/** Currencies the emulated portal knows (its defaults); the demo ERP has one more, see BROKEN_CURRENCY. */
export const DEMO_CURRENCIES = ['RUB', 'USD', 'EUR'] as const;

export const DEMO_PARTNERS = [
  'Northwind Traders',
  'Contoso Ltd',
  'Fabrikam Inc',
  'Tailspin Toys',
  'Wingtip Toys',
  'Adventure Works',
  'Litware Inc',
  'Proseware Inc',
  'Alpine Ski House',
  'Coho Winery',
  'Fourth Coffee',
  'Lucerne Publishing',
  'Blue Yonder Airlines',
  'Trey Research',
  'Woodgrove Bank',
  'Humongous Insurance',
  'Relecloud',
  'Wide World Importers',
  'Southridge Video',
  'City Power & Light',
  'Consolidated Messenger',
  'A. Datum Corporation',
] as const;

const NOTES = [
  'Deliver before noon',
  'Call the buyer before delivery',
  'Prepayment received',
  'Repeat order: same terms as last time',
  'Invoice to the head office',
] as const;

/** How often each state occurs in the generated history (draft … cancel). */
const STATE_WEIGHTS: readonly number[] = [0.15, 0.15, 0.35, 0.25, 0.1];
const CURRENCY_WEIGHTS: readonly number[] = [0.7, 0.2, 0.1];
const HISTORY_DAYS = 180;

/** One `sale_order` row as the demo writes it (its partner and currency by name). */
export interface DemoOrder {
  /** `SO00042` */
  readonly name: string;
  readonly partner: string;
  readonly state: string;
  /** Two decimals, as numeric(12,2) prints it: `1250.50`. */
  readonly amountTotal: string;
  readonly currency: string;
  /** `YYYY-MM-DD` */
  readonly dateOrder: string;
  readonly note: string | null;
}

export function orderName(number: number): string {
  return `SO${String(number).padStart(5, '0')}`;
}

/** `count` orders numbered from `first`, dated over the half year before `today` (`YYYY-MM-DD`). */
export function generateOrders(count: number, first: number, today: string, random: Random): DemoOrder[] {
  return Array.from({ length: count }, (_, index) => {
    const state = weighted(random, DEMO_STATES, STATE_WEIGHTS);
    return generateOrder(
      first + index,
      { state, dateOrder: daysBefore(today, between(random, 0, HISTORY_DAYS)) },
      random,
    );
  });
}

/** A new order as a salesperson would enter it today: a draft. */
export function newOrder(number: number, today: string, random: Random): DemoOrder {
  return generateOrder(number, { state: 'draft', dateOrder: today }, random);
}

export function randomAmount(random: Random): string {
  return (between(random, 300, 50_000) / 2).toFixed(2);
}

function generateOrder(
  number: number,
  fixed: { state: string; dateOrder: string },
  random: Random,
): DemoOrder {
  return {
    name: orderName(number),
    partner: pick(random, DEMO_PARTNERS),
    state: fixed.state,
    amountTotal: randomAmount(random),
    currency: weighted(random, DEMO_CURRENCIES, CURRENCY_WEIGHTS),
    dateOrder: fixed.dateOrder,
    note: random() < 0.3 ? pick(random, NOTES) : null,
  };
}

function weighted<T>(random: Random, items: readonly T[], weights: readonly number[]): T {
  let roll = random();
  for (let index = 0; index < items.length - 1; index++) {
    roll -= weights[index];
    if (roll < 0) {
      return items[index];
    }
  }
  return items[items.length - 1];
}

/** `YYYY-MM-DD` minus whole days, on the calendar (no time zone involved). */
export function daysBefore(date: string, days: number): string {
  const utc = new Date(`${date}T00:00:00Z`);
  utc.setUTCDate(utc.getUTCDate() - days);
  return utc.toISOString().slice(0, 10);
}
