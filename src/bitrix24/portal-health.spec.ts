import { describe, expect, it } from '@jest/globals';
import { PortalHealth } from './portal-health.js';

const PATIENCE = 30_000;

type Event = { readonly answered: number } | { readonly sent: number; readonly failed: number };

function healthAfter(events: readonly Event[]): PortalHealth {
  const health = new PortalHealth(PATIENCE);
  for (const event of events) {
    if ('answered' in event) {
      health.answered(event.answered);
    } else {
      health.failed(event.sent, event.failed);
    }
  }
  return health;
}

describe(PortalHealth.name, () => {
  it.each([
    { what: 'nothing sent yet', events: [], at: 60_000, unreachable: false },
    { what: 'one blip', events: [{ sent: 0, failed: 10 }], at: 10, unreachable: false },
    {
      what: 'failures for the whole patience',
      events: [
        { sent: 0, failed: 10 },
        { sent: 29_000, failed: 30_000 },
      ],
      at: 30_000,
      unreachable: true,
    },
    {
      what: 'a hang as long as the patience',
      events: [{ sent: 0, failed: 30_000 }],
      at: 30_000,
      unreachable: true,
    },
    {
      what: 'an answer in between',
      events: [{ sent: 0, failed: 10 }, { answered: 20_000 }, { sent: 29_000, failed: 30_000 }],
      at: 30_000,
      unreachable: false,
    },
    {
      what: 'an answer that came while a failed request was out',
      events: [{ answered: 5_000 }, { sent: 0, failed: 30_000 }],
      at: 30_000,
      unreachable: false,
    },
    {
      what: 'a failure after a quiet gap longer than the patience',
      events: [
        { sent: 0, failed: 10 },
        { sent: 3_600_000, failed: 3_600_010 },
      ],
      at: 3_600_010,
      unreachable: false,
    },
    {
      what: 'no failure for longer than the patience since the outage',
      events: [
        { sent: 0, failed: 10 },
        { sent: 29_000, failed: 30_000 },
      ],
      at: 60_001,
      unreachable: false,
    },
  ] as const)('$what → unreachable: $unreachable', ({ events, at, unreachable }) => {
    expect(healthAfter(events).isUnreachable(at)).toBe(unreachable);
  });

  it('is declared unreachable once per outage, and says when the portal is back', () => {
    const health = healthAfter([{ sent: 0, failed: 30_000 }]);

    expect([health.declareUnreachable(30_000), health.declareUnreachable(30_100)]).toEqual([true, false]);
    expect(health.answered(31_000)).toBe(true);
    expect(health.answered(32_000)).toBe(false);
  });

  it('refuses calls made before the last failure of an outage; a call made after it gets a real try', () => {
    const health = healthAfter([{ sent: 0, failed: 30_000 }]);

    expect(health.refuses(29_000, 30_010)).toBe(true);
    expect(health.refuses(30_001, 30_010)).toBe(false);
    expect(healthAfter([{ sent: 0, failed: 10 }]).refuses(5, 20)).toBe(false);
  });

  it('counts how long the portal has been failing from the first failed send', () => {
    const health = healthAfter([
      { sent: 1_000, failed: 2_000 },
      { sent: 3_000, failed: 4_000 },
    ]);

    expect(health.failingForMs(5_000)).toBe(4_000);
    health.answered(6_000);
    expect(health.failingForMs(7_000)).toBe(0);
  });
});
