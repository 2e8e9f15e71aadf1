import { describe, expect, it } from '@jest/globals';
import { mergeOperating } from './portal-budget.store.js';
import {
  chargeUnanswered,
  DEFAULT_OPERATING_POLICY as policy,
  markBlocked,
  observeOperating,
  operatingDelayMs,
  operatingHeadroomSeconds,
  requestCosts,
  type MethodOperating,
  UNTRACKED,
} from './operating-budget.js';

const state = (overrides: Partial<MethodOperating> = {}): MethodOperating => ({
  operatingSeconds: 0,
  resetAtMs: 600_000,
  callCostSeconds: 1,
  blockedUntilMs: undefined,
  portalAt: 1000,
  ...overrides,
});

const idle = { lastSentAtMs: undefined, inFlightSeconds: 0, inFlightCalls: 0 };
const out = (lastSentAtMs: number, calls: number, seconds = calls) => ({
  lastSentAtMs,
  inFlightCalls: calls,
  inFlightSeconds: seconds,
});

describe('operating budget', () => {
  it('places the reset time on our clock by its distance from the portal clock', () => {
    const observed = observeOperating(
      undefined,
      { operating: 3, resetAt: 1_000_600, portalNow: 1_000_000 },
      50_000,
    );
    expect(observed).toEqual({
      operatingSeconds: 3,
      resetAtMs: 650_000,
      callCostSeconds: 0,
      blockedUntilMs: undefined,
      portalAt: 1_000_000,
    });
  });

  it.each([
    { what: 'growth above the last cost', previous: 10, next: 14, duration: undefined, expectedCost: 4 },
    { what: 'no growth', previous: 10, next: 10, duration: undefined, expectedCost: 2 },
    { what: 'a minute left the window', previous: 10, next: 6, duration: undefined, expectedCost: 2 },
    { what: 'small growth: falls halfway', previous: 10, next: 11, duration: undefined, expectedCost: 1.5 },
    { what: 'the reported duration', previous: 10, next: 10, duration: 0.25, expectedCost: 1.125 },
    { what: 'a duration above the last cost', previous: 10, next: 10, duration: 3, expectedCost: 3 },
    { what: 'a zero duration (not reported)', previous: 10, next: 14, duration: 0, expectedCost: 4 },
  ])('learns what one call costs: $what', ({ previous, next, duration, expectedCost }) => {
    const before = state({ operatingSeconds: previous, callCostSeconds: 2 });
    const sample = { operating: next, resetAt: undefined, portalNow: 2000, durationSeconds: duration };
    expect(observeOperating(before, sample, 0).callCostSeconds).toBe(expectedCost);
  });

  it('remembers that a method answered even without operating figures (on-premise)', () => {
    expect(observeOperating(undefined, undefined, 0)).toBe(UNTRACKED);
    const known = state({ operatingSeconds: 7 });
    expect(observeOperating(known, undefined, 0)).toBe(known);
  });

  it('ignores an answer that was overtaken by a newer one', () => {
    const newer = state({ operatingSeconds: 20, portalAt: 2000 });
    expect(observeOperating(newer, { operating: 15, resetAt: 2600, portalNow: 1990 }, 0)).toBe(newer);
  });

  it('counts a request whose answer was lost as billed, until a newer answer brings the real figure', () => {
    const before = state({ operatingSeconds: 400 });
    const charged = chargeUnanswered(before, 50);

    expect(charged?.operatingSeconds).toBe(450);
    // The charge wins over the shared figure it came from, and a later answer wins over the charge.
    expect(mergeOperating(before, charged)?.operatingSeconds).toBe(450);
    expect(
      observeOperating(charged, { operating: 430, resetAt: 1600, portalNow: 1001 }, 0).operatingSeconds,
    ).toBe(430);
    // A figure we know nothing about stays unknown (the gate probes it first).
    expect(chargeUnanswered(undefined, 50)).toBeUndefined();
    // 400 s + a lost 50 s batch: the next 50 s batch waits for the window instead of going over 480 s.
    expect(operatingDelayMs(charged, idle, 50, 0, policy)).toBeGreaterThan(0);
    expect(operatingDelayMs(before, idle, 50, 0, policy)).toBe(0);
  });

  it('lifts a block when a newer answer arrives', () => {
    const blocked = state({ blockedUntilMs: 999_999 });
    expect(
      observeOperating(blocked, { operating: 1, resetAt: 1600, portalNow: 1001 }, 0).blockedUntilMs,
    ).toBeUndefined();
  });

  it('prices a batch at the sum of its commands, for each method and for batch itself', () => {
    const costs = requestCosts(['batch', 'crm.deal.add', 'crm.deal.add', 'crm.deal.update'], (method) =>
      method === 'crm.deal.add'
        ? state({ callCostSeconds: 0.1 })
        : method === 'crm.deal.update'
          ? state({ callCostSeconds: 0.3 })
          : state({ callCostSeconds: 0.05 }),
    );
    expect(Object.fromEntries(costs)).toEqual({ 'crm.deal.add': 0.2, 'crm.deal.update': 0.3, batch: 0.5 });
    expect(Object.fromEntries(requestCosts(['crm.deal.get'], () => undefined))).toEqual({
      'crm.deal.get': 0,
    });
  });

  it.each([
    { what: 'nothing known yet', s: undefined, traffic: idle, cost: 0, now: 0, expected: 0 },
    {
      what: 'nothing known yet, the first call in flight',
      s: undefined,
      traffic: out(0, 1, 0),
      cost: 0,
      now: 0,
      expected: 50,
    },
    {
      what: 'answered without operating figures',
      s: UNTRACKED,
      traffic: out(0, 9),
      cost: 0,
      now: 0,
      expected: 0,
    },
    { what: 'low usage', s: state({ operatingSeconds: 100 }), traffic: idle, cost: 1, now: 0, expected: 0 },
    {
      what: 'blocked',
      s: state({ blockedUntilMs: 5000 }),
      traffic: idle,
      cost: 1,
      now: 1000,
      expected: 4000,
    },
    {
      what: 'next call would cross the limit',
      s: state({ operatingSeconds: 478, callCostSeconds: 3 }),
      traffic: idle,
      cost: 3,
      now: 100_000,
      expected: 501_000,
    },
    {
      what: 'a batch of 50 calls of 0.1 s cannot be paid with 2 s left',
      s: state({ operatingSeconds: 478, callCostSeconds: 0.1 }),
      traffic: idle,
      cost: 5,
      now: 100_000,
      expected: 501_000,
    },
    {
      what: 'the same batch with 5 s left',
      s: state({ operatingSeconds: 475, callCostSeconds: 0.1 }),
      traffic: idle,
      cost: 5,
      now: 100_000,
      expected: 0,
    },
    {
      what: 'cost in flight (any process) would cross the limit',
      s: state({ operatingSeconds: 470, callCostSeconds: 3 }),
      traffic: out(0, 3, 9),
      cost: 3,
      now: 100_000,
      expected: 501_000,
    },
    {
      what: 'window reset passed, nothing in flight, budget enough',
      s: state({ operatingSeconds: 470, callCostSeconds: 3 }),
      traffic: idle,
      cost: 3,
      now: 700_000,
      expected: 0,
    },
    {
      what: 'window reset passed, a probe in flight',
      s: state({ operatingSeconds: 478, callCostSeconds: 3 }),
      traffic: out(699_000, 1, 3),
      cost: 3,
      now: 700_000,
      expected: 50,
    },
    {
      what: 'window reset passed, the last figure cannot pay a single call: it probes',
      s: state({ operatingSeconds: 479, callCostSeconds: 3 }),
      traffic: idle,
      cost: 3,
      now: 700_000,
      expected: 0,
    },
    {
      what: 'window reset passed, the last figure cannot pay a batch: one more minute',
      s: state({ operatingSeconds: 478, callCostSeconds: 0.1 }),
      traffic: idle,
      cost: 5,
      now: 610_000,
      expected: 50_000,
    },
    {
      what: 'block over, nothing in flight, window reset passed (probe)',
      s: state({ operatingSeconds: 480, blockedUntilMs: 601_000 }),
      traffic: idle,
      cost: 1,
      now: 602_000,
      expected: 0,
    },
    {
      what: 'at the slow-down share exactly',
      s: state({ operatingSeconds: 384, callCostSeconds: 4 }),
      traffic: out(0, 0),
      cost: 4,
      now: 0,
      expected: 0,
    },
    {
      what: 'half way into the slow-down band',
      s: state({ operatingSeconds: 430, callCostSeconds: 4 }),
      traffic: out(1000, 0),
      cost: 4,
      now: 1000,
      expected: 2500,
    },
    {
      what: 'half way, part of the spacing already elapsed',
      s: state({ operatingSeconds: 430, callCostSeconds: 4 }),
      traffic: out(1000, 0),
      cost: 4,
      now: 3000,
      expected: 500,
    },
    {
      what: 'in flight pushes into the slow-down band',
      s: state({ operatingSeconds: 418, callCostSeconds: 4 }),
      traffic: out(1000, 3, 12),
      cost: 4,
      now: 1000,
      expected: 2500,
    },
    {
      what: 'one more request would fill the budget: the sustainable pace',
      s: state({ operatingSeconds: 470, callCostSeconds: 4 }),
      traffic: out(1000, 0),
      cost: 10,
      now: 1000,
      expected: 12_500,
    },
    {
      what: 'slow-down band, nothing sent yet',
      s: state({ operatingSeconds: 432, callCostSeconds: 4 }),
      traffic: idle,
      cost: 4,
      now: 0,
      expected: 0,
    },
    {
      what: 'no reset time known (on-premise)',
      s: state({ operatingSeconds: 479, resetAtMs: undefined }),
      traffic: out(0, 5),
      cost: 5,
      now: 0,
      expected: 0,
    },
  ])('delay: $what → $expected ms', ({ s, traffic, cost, now, expected }) => {
    expect(operatingDelayMs(s, traffic, cost, now, policy)).toBe(expected);
  });

  it.each([
    { what: 'reset known and ahead', previous: state({ resetAtMs: 90_000 }), now: 10_000, until: 91_000 },
    { what: 'reset already passed', previous: state({ resetAtMs: 5_000 }), now: 10_000, until: 70_000 },
    { what: 'nothing seen before', previous: undefined, now: 10_000, until: 70_000 },
  ])('a block pauses the method: $what', ({ previous, now, until }) => {
    const blocked = markBlocked(previous, now, policy);
    expect(blocked.blockedUntilMs).toBe(until);
    expect(operatingDelayMs(blocked, idle, 1, now, policy)).toBe(until - now);
    expect(operatingHeadroomSeconds(blocked, policy)).toBeLessThanOrEqual(0);
  });

  it('reports the headroom left per method', () => {
    expect(operatingHeadroomSeconds(undefined, policy)).toBe(480);
    expect(operatingHeadroomSeconds(state({ operatingSeconds: 100.5 }), policy)).toBe(379.5);
  });
});
