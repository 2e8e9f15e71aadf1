import { describe, expect, it } from '@jest/globals';
import { isSocketError, passwordScrubber } from './erp.client.js';

describe(passwordScrubber.name, () => {
  it.each([
    { url: 'postgres://erp:pa55word@db/erp', text: 'login pa55word refused', scrubbed: 'login *** refused' },
    { url: 'mysql://erp:p%40ss%2Fw@db/erp', text: 'p@ss/w or p%40ss%2Fw', scrubbed: '*** or ***' },
    { url: 'mysql://erp@db/erp', text: 'no password here', scrubbed: 'no password here' },
    { url: 'not a url', text: 'anything', scrubbed: '<message hidden: unparseable database URL>' },
  ])('scrubs the password of $url', ({ url, text, scrubbed }) => {
    expect(passwordScrubber(url)(text)).toBe(scrubbed);
  });
});

describe(isSocketError.name, () => {
  it.each([
    { code: 'ECONNREFUSED', socket: true },
    { code: 'ETIMEDOUT', socket: true },
    { code: 'ER_NO_SUCH_TABLE', socket: false },
    { code: '42P01', socket: false },
    { code: undefined, socket: false },
  ])('takes $code as a socket error: $socket', ({ code, socket }) => {
    expect(isSocketError(code)).toBe(socket);
  });
});
