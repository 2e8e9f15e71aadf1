import { describe, expect, it } from '@jest/globals';
import {
  daysBefore,
  DEMO_CURRENCIES,
  DEMO_PARTNERS,
  DEMO_STATES,
  generateOrders,
  newOrder,
  orderName,
} from './demo-orders.js';
import { seededRandom } from './demo-random.js';

const TODAY = '2026-11-28';

describe(generateOrders.name, () => {
  it('gives the same orders for the same seed, so every fresh demo starts alike', () => {
    expect(generateOrders(50, 1, TODAY, seededRandom(7))).toEqual(
      generateOrders(50, 1, TODAY, seededRandom(7)),
    );
    expect(generateOrders(50, 1, TODAY, seededRandom(7))).not.toEqual(
      generateOrders(50, 1, TODAY, seededRandom(8)),
    );
  });

  it('numbers the orders from the first number on', () => {
    const orders = generateOrders(3, 41, TODAY, seededRandom(1));

    expect(orders.map((order) => order.name)).toEqual(['SO00041', 'SO00042', 'SO00043']);
  });

  it('makes only values the demo mapping and the emulated portal accept', () => {
    const orders = generateOrders(400, 1, TODAY, seededRandom(20_261_128));

    for (const order of orders) {
      expect(DEMO_STATES).toContain(order.state);
      expect(DEMO_CURRENCIES).toContain(order.currency);
      expect(DEMO_PARTNERS).toContain(order.partner);
      expect(order.amountTotal).toMatch(/^\d+\.\d{2}$/);
      expect(Number(order.amountTotal)).toBeGreaterThanOrEqual(150);
      expect(Number(order.amountTotal)).toBeLessThanOrEqual(25_000);
      expect(order.dateOrder >= daysBefore(TODAY, 180) && order.dateOrder <= TODAY).toBe(true);
    }
  });

  it('spreads the history over every state and currency', () => {
    const orders = generateOrders(400, 1, TODAY, seededRandom(20_261_128));

    expect(new Set(orders.map((order) => order.state))).toEqual(new Set(DEMO_STATES));
    expect(new Set(orders.map((order) => order.currency))).toEqual(new Set(DEMO_CURRENCIES));
    expect(orders.some((order) => order.note !== null)).toBe(true);
    expect(orders.some((order) => order.note === null)).toBe(true);
  });
});

describe(newOrder.name, () => {
  it('enters a draft dated today', () => {
    expect(newOrder(401, TODAY, seededRandom(3))).toMatchObject({
      name: 'SO00401',
      state: 'draft',
      dateOrder: TODAY,
    });
  });
});

describe(orderName.name, () => {
  it.each([
    [1, 'SO00001'],
    [99_999, 'SO99999'],
    [123_456, 'SO123456'],
  ])('names order %i %s', (number, name) => {
    expect(orderName(number)).toBe(name);
  });
});

describe(daysBefore.name, () => {
  it.each([
    ['2026-11-28', 0, '2026-11-28'],
    ['2026-03-01', 1, '2026-02-28'],
    ['2024-03-01', 1, '2024-02-29'],
    ['2026-01-05', 10, '2025-12-26'],
  ])('counts back from %s by %i day(s) to %s', (date, days, expected) => {
    expect(daysBefore(date, days)).toBe(expected);
  });
});
