import { describe, expect, it } from '@jest/globals';
import { FaultPlan, resolveFaults, seededRandom } from './faults.js';

describe('fault plan', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });

  it('hits each fault roughly at its rate', () => {
    const plan = new FaultPlan(
      resolveFaults({ dropRate: 0.1, commitThenDropRate: 0.2, serverErrorRate: 0.3, seed: 9 }),
    );
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const decision = plan.next();
      counts[decision] = (counts[decision] ?? 0) + 1;
    }
    expect((counts.drop ?? 0) / 10_000).toBeCloseTo(0.1, 1);
    expect((counts['commit-then-drop'] ?? 0) / 10_000).toBeCloseTo(0.2, 1);
    expect(((counts['error-500'] ?? 0) + (counts['error-502'] ?? 0)) / 10_000).toBeCloseTo(0.3, 1);
    expect((counts.none ?? 0) / 10_000).toBeCloseTo(0.4, 1);
  });

  it('answers none with no faults configured', () => {
    const plan = new FaultPlan(resolveFaults());
    expect(new Set(Array.from({ length: 100 }, () => plan.next()))).toEqual(new Set(['none']));
  });

  it.each([{ dropRate: -0.1 }, { serverErrorRate: 1.5 }, { dropRate: 0.6, commitThenDropRate: 0.6 }])(
    'rejects %j',
    (faults) => {
      expect(() => resolveFaults(faults)).toThrow('faults');
    },
  );
});

describe('fault plan updates', () => {
  it('restarts the sequence when a seed is given again and keeps it otherwise', () => {
    const faults = resolveFaults({ serverErrorRate: 0.5, seed: 5 });
    const reference = new FaultPlan(faults);
    const expected = Array.from({ length: 4 }, () => reference.next());
    const plan = new FaultPlan(faults);
    const first = [plan.next(), plan.next(), plan.next()];
    expect(first).toEqual(expected.slice(0, 3));
    plan.update(faults, true);
    expect([plan.next(), plan.next(), plan.next()]).toEqual(first);
    plan.update(faults, false);
    expect(plan.next()).toBe(expected[3]);
  });
});
