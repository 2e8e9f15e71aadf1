import { describe, expect, it } from '@jest/globals';
import { parseMultipart, requestParams } from './request-params.js';

const body = (text: string) => Buffer.from(text, 'utf8');

describe('requestParams', () => {
  it.each<[string, string, string | undefined, string, unknown]>([
    ['GET ignores the body', 'GET', 'application/json', '{"a":1}', { q: '1' }],
    [
      'JSON with charset',
      'POST',
      'application/json; charset=utf-8',
      '{"a":{"b":1}}',
      { q: '1', a: { b: 1 } },
    ],
    ['JSON content type in upper case', 'POST', 'Application/JSON', '{"a":1}', { q: '1', a: 1 }],
    ['invalid JSON', 'POST', 'application/json', '{"a":', { q: '1' }],
    ['a JSON scalar', 'POST', 'application/json', '5', { q: '1' }],
    ['a JSON list', 'POST', 'application/json', '["x"]', { q: '1', 0: 'x' }],
    ['form', 'POST', 'application/x-www-form-urlencoded', 'a[b]=c+d', { q: '1', a: { b: 'c d' } }],
    ['other types through parse_str', 'POST', 'text/plain', 'a=1', { q: '1', a: '1' }],
    ['no content type', 'POST', undefined, 'a=2', { q: '1', a: '2' }],
    ['body winning over query', 'POST', 'application/json', '{"q":"body"}', { q: 'body' }],
  ])('handles %s', (_name, method, type, text, expected) => {
    expect(requestParams(method, 'q=1', type, body(text))).toEqual(expected);
  });

  it('parses multipart text fields and skips files', () => {
    const payload = [
      '--XX',
      'Content-Disposition: form-data; name="fields[TITLE]"',
      '',
      'Hello',
      '--XX',
      'Content-Disposition: form-data; name="file"; filename="a.txt"',
      'Content-Type: text/plain',
      '',
      'ignored',
      '--XX--',
      '',
    ].join('\r\n');
    expect(parseMultipart(body(payload), 'multipart/form-data; boundary=XX')).toEqual({
      fields: { TITLE: 'Hello' },
    });
    expect(parseMultipart(body(payload), 'multipart/form-data')).toEqual({});
  });
});
