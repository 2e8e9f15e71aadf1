import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../test/bitrix24/support/manual-clock.js';
import { Bitrix24Stats } from './bitrix24.stats.js';
import { DEFAULT_OPERATING_POLICY } from './operating-budget.js';
import { InProcessBudgetStore } from './portal-budget.store.js';
import { RequestScheduler } from './request.scheduler.js';

/** Methods the portal has answered before, so the first-call rule is out of the way. */
const KNOWN = ['crm.deal.add', 'crm.deal.list', 'crm.deal.get'];

function scheduler(
  clock: ManualClock,
  overrides: { capacity?: number; maxInFlight?: number; known?: boolean; store?: InProcessBudgetStore } = {},
) {
  const target = new RequestScheduler({
    portal: 'portal.example',
    store: overrides.store ?? new InProcessBudgetStore(),
    rateLimit: { drainPerSecond: 2, capacity: overrides.capacity ?? 5 },
    safetyMargin: 0,
    maxInFlight: overrides.maxInFlight ?? 100,
    operating: DEFAULT_OPERATING_POLICY,
    ratePause: { baseMs: 1000, maxMs: 1000, factor: 1 },
    clock,
    stats: new Bitrix24Stats(),
    random: () => 0.999999,
  });
  if (overrides.known ?? true) {
    KNOWN.forEach((method) => target.observe(method, undefined));
  }
  return target;
}

/** Starts `count` requests for `method`; records at what clock time each one is sent. */
function launch(
  target: RequestScheduler,
  clock: ManualClock,
  count: number,
  method = 'crm.deal.add',
  sent: Array<[string, number]> = [],
) {
  const done = Array.from({ length: count }, () =>
    target.run([method], () => Promise.resolve(sent.push([method, clock.now()]))),
  );
  return { sent, done: Promise.all(done) };
}

describe(RequestScheduler.name, () => {
  it('lets a burst of capacity through at once, then paces at the drain rate', async () => {
    const clock = new ManualClock();
    const { sent, done } = launch(scheduler(clock), clock, 8);
    await clock.advance(0);
    expect(sent.map(([, at]) => at)).toEqual([0, 0, 0, 0, 0]);
    await clock.advance(1500);
    await done;
    expect(sent.map(([, at]) => at)).toEqual([0, 0, 0, 0, 0, 500, 1000, 1500]);
  });

  it('holds every request back after QUERY_LIMIT_EXCEEDED until the pause is over', async () => {
    const clock = new ManualClock();
    const target = scheduler(clock, { capacity: 50 });
    target.rateLimited();
    const { sent, done } = launch(target, clock, 3);
    await clock.advance(999);
    expect(sent).toEqual([]);
    await clock.advance(1000);
    await done;
    // The bucket is believed full from the refusal on: the 1 s pause drained two slots, then 2/s.
    expect(sent.map(([, at]) => at)).toEqual([1000, 1000, 1500]);
  });

  it('pauses only the blocked method', async () => {
    const clock = new ManualClock();
    const target = scheduler(clock, { capacity: 50 });
    target.methodBlocked('crm.deal.list');
    const sent: Array<[string, number]> = [];
    const list = launch(target, clock, 1, 'crm.deal.list', sent);
    const add = launch(target, clock, 1, 'crm.deal.add', sent);
    await clock.advance(10);
    expect(sent).toEqual([['crm.deal.add', 0]]);
    await clock.advance(60_000);
    await Promise.all([list.done, add.done]);
    expect(sent).toEqual([
      ['crm.deal.add', 0],
      ['crm.deal.list', 60_000],
    ]);
  });

  it('never has more than maxInFlight requests out at once', async () => {
    const clock = new ManualClock();
    const target = scheduler(clock, { capacity: 50, maxInFlight: 2 });
    let inFlight = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const runs = Array.from({ length: 5 }, () =>
      target.run(['crm.deal.get'], async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((resolve) => release.push(resolve));
        inFlight -= 1;
      }),
    );
    for (let round = 0; round < 5; round++) {
      await clock.advance(0);
      release.splice(0).forEach((resolve) => resolve());
    }
    await Promise.all(runs);
    expect(peak).toBe(2);
  });

  it('sends the first call of a method alone, and the rest once it answered', async () => {
    const clock = new ManualClock();
    const target = scheduler(clock, { capacity: 50, known: false });
    const sent: number[] = [];
    let answer: (() => void) | undefined;
    const first = target.run(['crm.deal.add'], () =>
      new Promise<void>((resolve) => (answer = resolve)).then(() => void sent.push(clock.now())),
    );
    const rest = Array.from({ length: 3 }, () =>
      target.run(['crm.deal.add'], () => Promise.resolve(void sent.push(clock.now()))),
    );
    await clock.advance(1000);
    expect(sent).toEqual([]);
    target.observe('crm.deal.add', { operating: 0.2, resetAt: 600, portalNow: 0 });
    answer?.();
    await clock.advance(50);
    await Promise.all([first, ...rest]);
    expect(sent).toEqual([1000, 1050, 1050, 1050]);
  });

  it('never sends a batch whose commands the remaining operating budget cannot pay for', async () => {
    const clock = new ManualClock();
    const target = scheduler(clock, { capacity: 50 });
    target.observe('batch', undefined);
    // Two single calls 1 s apart: one crm.deal.add costs 0.1 s; 478 of 480 s are used, reset at 600 s.
    target.observe('crm.deal.add', { operating: 477.9, resetAt: 600, portalNow: 0 });
    target.observe('crm.deal.add', { operating: 478, resetAt: 600, portalNow: 1 });
    const sent: number[] = [];
    const fifty = Array.from({ length: 50 }, () => 'crm.deal.add');
    const batch = target.run(['batch', ...fifty], () => Promise.resolve(void sent.push(clock.now())));
    await clock.advance(1000);
    expect(sent).toEqual([]);
    await clock.advance(590_000);
    expect(sent).toEqual([]);
    await clock.advance(200_000);
    await batch;
    expect(sent).toHaveLength(1);
  });

  it('after the window reset, waits before a batch the last figure cannot pay for', async () => {
    const clock = new ManualClock();
    const target = scheduler(clock, { capacity: 50 });
    target.observe('batch', undefined);
    target.observe('crm.deal.add', { operating: 477.9, resetAt: 600, portalNow: 0 });
    target.observe('crm.deal.add', { operating: 478, resetAt: 600, portalNow: 1 });
    await clock.advance(601_000);
    const sent: number[] = [];
    const fifty = Array.from({ length: 50 }, () => 'crm.deal.add');
    const batch = target.run(['batch', ...fifty], () => Promise.resolve(void sent.push(clock.now())));
    await clock.advance(1000);
    expect(sent).toEqual([]);
    await clock.advance(120_000);
    await batch;
    expect(sent).toHaveLength(1);
  });

  it('keeps two processes on one shared budget within the bucket together', async () => {
    const clock = new ManualClock();
    const store = new InProcessBudgetStore();
    const sent: Array<[string, number]> = [];
    const one = launch(scheduler(clock, { store }), clock, 4, 'crm.deal.add', sent);
    const other = launch(scheduler(clock, { store }), clock, 4, 'crm.deal.get', sent);
    await clock.advance(1500);
    await Promise.all([one.done, other.done]);
    expect(sent.map(([, at]) => at)).toEqual([0, 0, 0, 0, 0, 500, 1000, 1500]);
  });

  it('holds every process back after a QUERY_LIMIT_EXCEEDED seen by one', async () => {
    const clock = new ManualClock();
    const store = new InProcessBudgetStore();
    const refused = scheduler(clock, { store, capacity: 50 });
    const other = scheduler(clock, { store, capacity: 50 });
    refused.rateLimited();
    const { sent, done } = launch(other, clock, 2);
    await clock.advance(999);
    expect(sent).toEqual([]);
    await clock.advance(1000);
    await done;
    expect(sent.map(([, at]) => at)).toEqual([1000, 1000]);
  });

  it("counts another process's batch in flight against the operating budget", async () => {
    const clock = new ManualClock();
    const store = new InProcessBudgetStore();
    const fifty = Array.from({ length: 50 }, () => 'crm.deal.add');
    const processes = [scheduler(clock, { store, capacity: 50 }), scheduler(clock, { store, capacity: 50 })];
    for (const target of processes) {
      target.observe('batch', undefined);
      // 471 of 480 s used, reset at 600 s; one crm.deal.add costs 0.1 s: a batch of 50 costs 5 s.
      target.observe('crm.deal.add', { operating: 471, resetAt: 600, portalNow: 0, durationSeconds: 0.1 });
    }
    const sent: string[] = [];
    let answer: (() => void) | undefined;
    const first = processes[0].run(['batch', ...fifty], () =>
      new Promise<void>((resolve) => (answer = resolve)).then(() => void sent.push('first answered')),
    );
    await clock.advance(10);
    const second = processes[1].run(['batch', ...fifty], () => Promise.resolve(void sent.push('second')));
    await clock.advance(5000);
    expect(sent).toEqual([]);
    // The first batch's answer: the portal's figure now holds its 5 s; the second waits for the reset.
    processes[0].observe('crm.deal.add', {
      operating: 476,
      resetAt: 600,
      portalNow: 5,
      durationSeconds: 0.1,
    });
    answer?.();
    await clock.advance(10_000);
    expect(sent).toEqual(['first answered']);
    await clock.advance(700_000);
    await Promise.all([first, second]);
    expect(sent).toEqual(['first answered', 'second']);
  });

  it('reports the time requests waited for the bucket', async () => {
    const clock = new ManualClock();
    const stats = new Bitrix24Stats();
    const target = new RequestScheduler({
      portal: 'portal.example',
      store: new InProcessBudgetStore(),
      rateLimit: { drainPerSecond: 2, capacity: 1 },
      safetyMargin: 0,
      maxInFlight: 10,
      operating: DEFAULT_OPERATING_POLICY,
      ratePause: { baseMs: 1000, maxMs: 1000, factor: 1 },
      clock,
      stats,
      random: () => 0.5,
    });
    target.observe('crm.deal.add', undefined);
    const { done } = launch(target, clock, 3);
    await clock.advance(1000);
    await done;
    expect(stats.snapshot().limiterWaitMs.rate).toBe(500 + 1000);
  });
});
