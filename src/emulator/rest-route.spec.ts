import { describe, expect, it } from '@jest/globals';
import { parseRestPath } from './rest-route.js';

describe('parseRestPath', () => {
  it.each([
    [
      '/rest/1/abc/crm.deal.add',
      { kind: 'webhook', user: '1', secret: 'abc', method: 'crm.deal.add', transport: 'json' },
    ],
    [
      '/rest/1/abc/crm.deal.add.json',
      { kind: 'webhook', user: '1', secret: 'abc', method: 'crm.deal.add', transport: 'json' },
    ],
    [
      '/rest/1/abc/crm.deal.add.xml/',
      { kind: 'webhook', user: '1', secret: 'abc', method: 'crm.deal.add', transport: 'xml' },
    ],
    [
      '/rest/admin/abc/profile/',
      { kind: 'webhook', user: 'admin', secret: 'abc', method: 'profile', transport: 'json' },
    ],
    ['/rest/crm.deal.list', { kind: 'oauth', method: 'crm.deal.list', transport: 'json' }],
    ['/rest//crm.deal.list.json', { kind: 'oauth', method: 'crm.deal.list', transport: 'json' }],
  ])('routes %s', (path, expected) => {
    expect(parseRestPath(path)).toEqual(expected);
  });

  it.each(['/rest/', '/rest/abc/crm.deal.add', '/rest/1/2/3/4', '/other/x', '/rest/%E0%A4%A/x/y'])(
    'finds no method in %s',
    (path) => {
      expect(parseRestPath(path)).toBeUndefined();
    },
  );
});
