import { describe, expect, it } from '@jest/globals';
import { redactCredentialPositions, SecretRedactor } from './secret-redactor.js';

describe(SecretRedactor.name, () => {
  it.each([
    {
      what: 'webhook URL',
      text: 'POST https://portal.bitrix24.com/rest/7/abc123secretXYZ/crm.deal.add failed',
      expected: 'POST https://portal.bitrix24.com/rest/7/***/crm.deal.add failed',
    },
    {
      what: 'webhook URL of REST 3.0',
      text: 'https://portal/rest/api/7/abc123secretXYZ/tasks.task.get',
      expected: 'https://portal/rest/api/7/***/tasks.task.get',
    },
    {
      what: 'OAuth endpoint keeps the method',
      text: 'https://portal/rest/crm.deal.add',
      expected: 'https://portal/rest/crm.deal.add',
    },
    {
      what: 'auth in a query',
      text: '/rest/crm.deal.get?id=5&auth=tok-123-abc',
      expected: '/rest/crm.deal.get?id=5&auth=***',
    },
    {
      what: 'token endpoint query',
      text: 'grant_type=refresh_token&client_id=app.1&client_secret=s3cr3t!&refresh_token=r-123',
      expected: 'grant_type=refresh_token&client_id=app.1&client_secret=***&refresh_token=***',
    },
    {
      what: 'JSON token response',
      text: '{"access_token":"a.b.c","refresh_token":"zzz","expires_in":3600}',
      expected: '{"access_token":"***","refresh_token":"***","expires_in":3600}',
    },
    {
      what: 'bearer header',
      text: 'Authorization: Bearer eyJhbGciOi.xx',
      expected: 'Authorization: Bearer ***',
    },
    {
      what: 'form install fields',
      text: 'AUTH_ID=abc&REFRESH_ID=def&member_id=m1',
      expected: 'AUTH_ID=***&REFRESH_ID=***&member_id=m1',
    },
    {
      what: 'nested install fields',
      text: 'auth[access_token]=abc&auth[domain]=x',
      expected: 'auth[access_token]=***&auth[domain]=x',
    },
    { what: 'plain text', text: 'Deal 42 not found', expected: 'Deal 42 not found' },
  ])('hides credentials by position: $what', ({ text, expected }) => {
    expect(redactCredentialPositions(text)).toBe(expected);
  });

  it.each([
    { what: 'verbatim', text: 'secret is hunter2hunter2 here', expected: 'secret is *** here' },
    { what: 'URL-encoded', text: 'value=a%2Bb%2Fc%3D%3D', expected: 'value=***' },
    { what: 'twice', text: 'hunter2hunter2/hunter2hunter2', expected: '***/***' },
  ])('hides known secrets anywhere: $what', ({ text, expected }) => {
    const redactor = new SecretRedactor(['hunter2hunter2', 'a+b/c==', undefined]);
    expect(redactor.redact(text)).toBe(expected);
  });

  it('ignores secrets too short to match safely', () => {
    const redactor = new SecretRedactor(['ab']);
    expect(redactor.redact('about a tab')).toBe('about a tab');
  });

  it('learns secrets added later (rotated tokens)', () => {
    const redactor = new SecretRedactor();
    redactor.add('rotated-token-1');
    expect(redactor.redact('got rotated-token-1')).toBe('got ***');
  });
});
