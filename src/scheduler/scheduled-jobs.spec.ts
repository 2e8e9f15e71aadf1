import { describe, expect, it } from '@jest/globals';
import type { MappingConfig } from '../config/config.types.js';
import { RunMode } from '../persistence/entities/sync-run.entity.js';
import { scheduledJobs } from './scheduled-jobs.js';

const mapping = (overrides: Partial<MappingConfig>): MappingConfig =>
  ({ name: 'orders', enabled: true, ...overrides }) as MappingConfig;

describe(scheduledJobs.name, () => {
  it.each([
    ['no schedule', mapping({}), []],
    [
      'an incremental schedule',
      mapping({ schedule: '*/5 * * * *' }),
      [['orders:incremental', '*/5 * * * *']],
    ],
    [
      'every kind',
      mapping({ schedule: '* * * * *', fullSweep: '0 3 * * *', reconcile: '0 4 * * 0' }),
      [
        ['orders:incremental', '* * * * *'],
        ['orders:full', '0 3 * * *'],
        ['orders:reconcile', '0 4 * * 0'],
      ],
    ],
    ['a disabled mapping', mapping({ schedule: '* * * * *', enabled: false }), []],
  ])('plans %s', (_case, config, expected) => {
    expect(scheduledJobs([config]).map((job) => [job.name, job.cron])).toEqual(expected);
  });

  it('keeps the mode with each job', () => {
    expect(scheduledJobs([mapping({ fullSweep: '0 3 * * *' })])[0]).toMatchObject({ mode: RunMode.Full });
  });
});
