import { describe, expect, it } from '@jest/globals';
import { Bitrix24Error, Bitrix24ErrorClass as C, type Bitrix24ErrorInit } from './bitrix24.error.js';

const errorOf = (init: Partial<Bitrix24ErrorInit>) =>
  new Bitrix24Error({
    code: 'X',
    description: 'd',
    method: 'crm.deal.add',
    classification: C.Record,
    outcome: 'not_applied',
    ...init,
  });

describe(Bitrix24Error.name, () => {
  it.each([
    { what: 'a rejected record', init: { classification: C.Record }, failsRow: true, isOutage: false },
    {
      what: 'an unknown method (configuration)',
      init: { classification: C.Record, stopsRuns: true },
      failsRow: false,
      isOutage: false,
    },
    { what: 'a rate limit', init: { classification: C.Rate }, failsRow: false, isOutage: false },
    { what: 'authorization', init: { classification: C.Auth }, failsRow: false, isOutage: false },
    { what: 'a refused connection', init: { classification: C.Transport }, failsRow: false, isOutage: true },
    {
      what: 'a 5xx',
      init: { classification: C.Server, outcome: 'unknown' },
      failsRow: false,
      isOutage: true,
    },
  ] as const)('$what: fails a row $failsRow, an outage $isOutage', ({ init, failsRow, isOutage }) => {
    expect(errorOf(init)).toMatchObject({ failsRow, isOutage });
  });

  it('marks an outage unreachable: it stops runs and says so first', () => {
    const cause = errorOf({ classification: C.Transport, code: 'CONNECTION_FAILED', description: 'refused' });

    const error = cause.asUnreachable({ method: 'batch' });

    expect(error).toMatchObject({
      unreachable: true,
      stopsRuns: true,
      failsRow: false,
      outcome: 'not_applied',
    });
    expect(error.message).toBe('Bitrix24 unreachable: batch: CONNECTION_FAILED: refused');
    expect(error.withContext({ method: 'crm.deal.add' })).toMatchObject({
      unreachable: true,
      stopsRuns: true,
    });
  });
});
