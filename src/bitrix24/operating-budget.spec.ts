import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_OPERATING_POLICY as policy,
  markBlocked,
  observeOperating,
  operatingDelayMs,
  operatingHeadroomSeconds,
  type MethodOperating,
  UNTRACKED,
} from './operating-budget.js';

const state = (overrides: Partial<MethodOperating> = {}): MethodOperating => ({
  operatingSeconds: 0,
  resetAtMs: 600_000,
  lastCostSeconds: 1,
  blockedUntilMs: undefined,
  portalAt: 1000,
  ...overrides,
});

const idle = { lastSentAtMs: undefined, inFlight: 0 };

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
      lastCostSeconds: 3,
      blockedUntilMs: undefined,
      portalAt: 1_000_000,
    });
  });

  it.each([
    { previous: 10, next: 14, expectedCost: 4 },
    { previous: 10, next: 10, expectedCost: 2 },
    { previous: 10, next: 6, expectedCost: 2 },
  ])(
    'keeps the last positive growth as the cost of a call ($previous → $next)',
    ({ previous, next, expectedCost }) => {
      const before = state({ operatingSeconds: previous, lastCostSeconds: 2 });
      const after = observeOperating(before, { operating: next, resetAt: undefined, portalNow: 2000 }, 0);
      expect(after.lastCostSeconds).toBe(expectedCost);
      expect(after.resetAtMs).toBeUndefined();
    },
  );

  it('remembers that a method answered even without operating figures (on-premise)', () => {
    expect(observeOperating(undefined, undefined, 0)).toBe(UNTRACKED);
    const known = state({ operatingSeconds: 7 });
    expect(observeOperating(known, undefined, 0)).toBe(known);
  });

  it('ignores an answer that was overtaken by a newer one', () => {
    const newer = state({ operatingSeconds: 20, portalAt: 2000 });
    expect(observeOperating(newer, { operating: 15, resetAt: 2600, portalNow: 1990 }, 0)).toBe(newer);
  });

  it('lifts a block when a newer answer arrives', () => {
    const blocked = state({ blockedUntilMs: 999_999 });
    expect(
      observeOperating(blocked, { operating: 1, resetAt: 1600, portalNow: 1001 }, 0).blockedUntilMs,
    ).toBeUndefined();
  });

  it.each([
    { what: 'nothing known yet', s: undefined, traffic: idle, now: 0, expected: 0 },
    {
      what: 'nothing known yet, the first call in flight',
      s: undefined,
      traffic: { lastSentAtMs: 0, inFlight: 1 },
      now: 0,
      expected: 50,
    },
    {
      what: 'answered without operating figures',
      s: UNTRACKED,
      traffic: { lastSentAtMs: 0, inFlight: 9 },
      now: 0,
      expected: 0,
    },
    { what: 'low usage', s: state({ operatingSeconds: 100 }), traffic: idle, now: 0, expected: 0 },
    { what: 'blocked', s: state({ blockedUntilMs: 5000 }), traffic: idle, now: 1000, expected: 4000 },
    {
      what: 'block over, nothing in flight (probe)',
      s: state({ blockedUntilMs: 5000 }),
      traffic: idle,
      now: 6000,
      expected: 0,
    },
    {
      what: 'block over, a probe in flight',
      s: state({ blockedUntilMs: 5000 }),
      traffic: { lastSentAtMs: 6000, inFlight: 1 },
      now: 6000,
      expected: 50,
    },
    {
      what: 'next call would cross the limit',
      s: state({ operatingSeconds: 478, lastCostSeconds: 3 }),
      traffic: idle,
      now: 100_000,
      expected: 501_000,
    },
    {
      what: 'calls in flight would cross the limit',
      s: state({ operatingSeconds: 470, lastCostSeconds: 3 }),
      traffic: { lastSentAtMs: 0, inFlight: 3 },
      now: 100_000,
      expected: 501_000,
    },
    {
      what: 'window reset passed, nothing in flight (probe)',
      s: state({ operatingSeconds: 478, lastCostSeconds: 3 }),
      traffic: idle,
      now: 700_000,
      expected: 0,
    },
    {
      what: 'window reset passed, a probe in flight',
      s: state({ operatingSeconds: 478, lastCostSeconds: 3 }),
      traffic: { lastSentAtMs: 699_000, inFlight: 1 },
      now: 700_000,
      expected: 50,
    },
    {
      what: 'at the slow-down share exactly',
      s: state({ operatingSeconds: 384, lastCostSeconds: 4 }),
      traffic: { lastSentAtMs: 0, inFlight: 0 },
      now: 0,
      expected: 0,
    },
    {
      what: 'half way into the slow-down band',
      s: state({ operatingSeconds: 432, lastCostSeconds: 4 }),
      traffic: { lastSentAtMs: 1000, inFlight: 0 },
      now: 1000,
      expected: 2500,
    },
    {
      what: 'half way, part of the spacing already elapsed',
      s: state({ operatingSeconds: 432, lastCostSeconds: 4 }),
      traffic: { lastSentAtMs: 1000, inFlight: 0 },
      now: 3000,
      expected: 500,
    },
    {
      what: 'in flight pushes into the slow-down band',
      s: state({ operatingSeconds: 420, lastCostSeconds: 4 }),
      traffic: { lastSentAtMs: 1000, inFlight: 3 },
      now: 1000,
      expected: 2500,
    },
    {
      what: 'slow-down band, nothing sent yet',
      s: state({ operatingSeconds: 432, lastCostSeconds: 4 }),
      traffic: idle,
      now: 0,
      expected: 0,
    },
    {
      what: 'no reset time known (on-premise)',
      s: state({ operatingSeconds: 479, resetAtMs: undefined }),
      traffic: { lastSentAtMs: 0, inFlight: 5 },
      now: 0,
      expected: 0,
    },
  ])('delay: $what → $expected ms', ({ s, traffic, now, expected }) => {
    expect(operatingDelayMs(s, traffic, now, policy)).toBe(expected);
  });

  it.each([
    { what: 'reset known and ahead', previous: state({ resetAtMs: 90_000 }), now: 10_000, until: 91_000 },
    { what: 'reset already passed', previous: state({ resetAtMs: 5_000 }), now: 10_000, until: 70_000 },
    { what: 'nothing seen before', previous: undefined, now: 10_000, until: 70_000 },
  ])('a block pauses the method: $what', ({ previous, now, until }) => {
    const blocked = markBlocked(previous, now, policy);
    expect(blocked.blockedUntilMs).toBe(until);
    expect(operatingDelayMs(blocked, idle, now, policy)).toBe(until - now);
    expect(operatingHeadroomSeconds(blocked, policy)).toBeLessThanOrEqual(0);
  });

  it('reports the headroom left per method', () => {
    expect(operatingHeadroomSeconds(undefined, policy)).toBe(480);
    expect(operatingHeadroomSeconds(state({ operatingSeconds: 100.5 }), policy)).toBe(379.5);
  });
});
