import { describe, expect, it } from '@jest/globals';
import { OperationStatus } from '../persistence/entities/sync-operation.entity.js';
import { backlogSamples } from './backlog-samples.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

describe(backlogSamples.name, () => {
  it('gives every configured mapping a zero series when nothing waits', () => {
    const samples = backlogSamples(['orders'], [], NOW);

    expect(samples.rows).toEqual([
      { mapping: 'orders', status: 'pending', rows: 0 },
      { mapping: 'orders', status: 'in_flight', rows: 0 },
      { mapping: 'orders', status: 'failed', rows: 0 },
      { mapping: 'orders', status: 'parked', rows: 0 },
    ]);
    expect(samples.oldest).toEqual([{ mapping: 'orders', ageSeconds: 0 }]);
  });

  it('ages by the oldest pending, in-flight or failed row, not by parked ones', () => {
    const samples = backlogSamples(
      ['orders'],
      [
        { mapping: 'orders', status: OperationStatus.Pending, rows: 3, oldestCreatedAt: minutesAgo(5) },
        { mapping: 'orders', status: OperationStatus.Failed, rows: 1, oldestCreatedAt: minutesAgo(30) },
        { mapping: 'orders', status: OperationStatus.Parked, rows: 2, oldestCreatedAt: minutesAgo(600) },
      ],
      NOW,
    );

    expect(samples.oldest).toEqual([{ mapping: 'orders', ageSeconds: 1800 }]);
    expect(samples.rows.find((row) => row.status === OperationStatus.Parked)?.rows).toBe(2);
  });

  it('keeps reporting a mapping that left the file while its backlog remains', () => {
    const samples = backlogSamples(
      ['orders'],
      [{ mapping: 'legacy', status: OperationStatus.Failed, rows: 4, oldestCreatedAt: minutesAgo(1) }],
      NOW,
    );

    expect(samples.oldest.map((sample) => sample.mapping)).toEqual(['orders', 'legacy']);
    expect(samples.rows).toContainEqual({ mapping: 'legacy', status: 'failed', rows: 4 });
  });
});
