import { describe, expect, it } from '@jest/globals';
import { operatingSampleOf, readEnvelope } from './response-envelope.js';

const answer = (status: number, json: unknown, location?: string) => ({ status, json, location });

describe(readEnvelope.name, () => {
  it.each([
    {
      what: 'a result',
      a: answer(200, { result: 7, time: { start: 1 } }),
      expected: { kind: 'result', result: 7, total: undefined, next: undefined, time: { start: 1 } },
    },
    {
      what: 'a list page',
      a: answer(200, { result: [], total: '120', next: 50, time: null }),
      expected: { kind: 'result', result: [], total: 120, next: 50, time: null },
    },
    {
      what: 'a false result',
      a: answer(200, { result: false }),
      expected: { kind: 'result', result: false, total: undefined, next: undefined, time: undefined },
    },
    {
      what: 'a coded error',
      a: answer(503, { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' }),
      expected: { kind: 'error', code: 'QUERY_LIMIT_EXCEEDED', description: 'Too many requests' },
    },
    {
      what: 'an empty code',
      a: answer(400, { error: '', error_description: 'Not found' }),
      expected: { kind: 'error', code: '', description: 'Not found' },
    },
    {
      what: 'a numeric code',
      a: answer(400, { error: 100, error_description: 'x' }),
      expected: { kind: 'error', code: '100', description: 'x' },
    },
    {
      what: 'an error inside a 200',
      a: answer(200, { error: 'X', error_description: 'y' }),
      expected: { kind: 'error', code: 'X', description: 'y' },
    },
    { what: 'a proxy page', a: answer(502, undefined), expected: { kind: 'unreadable' } },
    { what: 'a JSON array', a: answer(200, [1]), expected: { kind: 'unreadable' } },
    { what: 'an object without result', a: answer(200, { ok: 1 }), expected: { kind: 'unreadable' } },
    {
      what: 'a redirect',
      a: answer(302, undefined, 'https://new.bitrix24.com/rest/1/secret/x'),
      expected: { kind: 'moved', host: 'new.bitrix24.com' },
    },
    {
      what: 'a redirect without location',
      a: answer(301, undefined),
      expected: { kind: 'moved', host: 'an unknown address' },
    },
  ])('reads $what', ({ a, expected }) => {
    expect(readEnvelope(a)).toEqual(expected);
  });
});

describe(operatingSampleOf.name, () => {
  it.each([
    {
      what: 'cloud float time',
      time: { start: 10.5, finish: 11.25, operating: 3.5, operating_reset_at: 610 },
      expected: { operating: 3.5, resetAt: 610, portalNow: 10.5 },
    },
    {
      what: 'integer start, no reset',
      time: { start: 10, operating: 0 },
      expected: { operating: 0, resetAt: undefined, portalNow: 10 },
    },
    {
      what: 'finish only',
      time: { finish: 12, operating: 1 },
      expected: { operating: 1, resetAt: undefined, portalNow: 12 },
    },
    { what: 'on-premise (no operating)', time: { start: 10, finish: 11 }, expected: undefined },
    { what: 'no time object', time: undefined, expected: undefined },
  ])('reads $what', ({ time, expected }) => {
    expect(operatingSampleOf(time)).toEqual(expected);
  });
});
