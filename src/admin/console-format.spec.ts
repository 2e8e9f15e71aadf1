import { describe, expect, it } from '@jest/globals';
import { toCsv } from './attention-csv.js';
import { numberFailures } from './failure-numbers.js';
import { crmCardUrl, portalOrigin } from './portal-links.js';
import { cleanStoredError, splitStoredError } from './stored-error.js';

describe(splitStoredError.name, () => {
  it.each([
    ['ERROR_CORE: Stage "X" does not exist', { code: 'ERROR_CORE', message: 'Stage "X" does not exist' }],
    [': Deal is locked', { code: null, message: 'Deal is locked' }],
    ['no code at all', { code: null, message: 'no code at all' }],
    [
      'MAPPING_INVALID_MONEY: OPPORTUNITY (money): "x": y',
      { code: 'MAPPING_INVALID_MONEY', message: 'OPPORTUNITY (money): "x": y' },
    ],
  ])('%p', (text, expected) => {
    expect(splitStoredError(text)).toEqual(expected);
  });

  it('shows an empty code without stray punctuation', () => {
    expect(cleanStoredError(': Deal is locked')).toBe('Deal is locked');
  });
});

describe(numberFailures.name, () => {
  it('numbers consecutive failures of real runs as the backoff counts them, newest first', () => {
    const steps = [
      { status: 'failed', dryRun: false },
      { status: 'failed', dryRun: true },
      { status: 'parked', dryRun: false },
      { status: 'succeeded', dryRun: false },
      { status: 'failed', dryRun: false },
    ];
    expect(numberFailures(steps)).toEqual([2, null, 1, null, 1]);
  });
});

describe(portalOrigin.name, () => {
  it.each([
    ['https://acme.bitrix24.com', 'https://acme.bitrix24.com'],
    ['https://acme.bitrix24.com/rest/1/s3cret/', 'https://acme.bitrix24.com'],
    ['https://user:pw@acme.bitrix24.com/', 'https://acme.bitrix24.com'],
    ['javascript:alert(1)', null],
    [undefined, null],
  ])('%p → %p', (url, expected) => {
    expect(portalOrigin(url)).toBe(expected);
  });

  it("builds a record's card address", () => {
    expect(crmCardUrl('https://acme.bitrix24.com', 'deal', 42)).toBe(
      'https://acme.bitrix24.com/crm/deal/details/42/',
    );
    expect(crmCardUrl('https://acme.bitrix24.com', 'company', 7)).toBe(
      'https://acme.bitrix24.com/crm/company/details/7/',
    );
    expect(crmCardUrl(null, 'deal', 42)).toBeNull();
  });
});

describe(toCsv.name, () => {
  it('quotes separators and neutralises formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', '=HYPERLINK("evil")'],
          [null, 3],
        ],
      ),
    ).toBe('a,b\r\n"x,y","\'=HYPERLINK(""evil"")"\r\n,3\r\n');
  });
});
