import { describe, expect, it } from '@jest/globals';
import { Secret } from '../config/secret.js';
import { TokenCipher, TokenCipherError } from './token.cipher.js';

const cipher = TokenCipher.fromEncryptionKey(new Secret('k'.repeat(32)));
const otherKey = TokenCipher.fromEncryptionKey(new Secret('q'.repeat(32)));

describe(TokenCipher.name, () => {
  it.each([
    { what: 'an access token', plaintext: 'a1b2c3d4e5f6.access' },
    { what: 'an empty string', plaintext: '' },
    { what: 'unicode', plaintext: 'токен-✓' },
    { what: 'a long value', plaintext: 'x'.repeat(4096) },
  ])('round-trips $what', ({ plaintext }) => {
    const sealed = cipher.encrypt(plaintext, 'https://p.example|access');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(sealed).not.toContain(plaintext || '\u0000');
    expect(cipher.decrypt(sealed, 'https://p.example|access')).toBe(plaintext);
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('same', 'c')).not.toBe(cipher.encrypt('same', 'c'));
  });

  const sealed = cipher.encrypt('refresh-token-value', 'portal|refresh');
  const [version, iv, tag, body] = sealed.split('.');
  const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);

  it.each([
    { what: 'another key', attempt: () => otherKey.decrypt(sealed, 'portal|refresh') },
    { what: 'another context (row or column)', attempt: () => cipher.decrypt(sealed, 'portal|access') },
    {
      what: 'an altered body',
      attempt: () => cipher.decrypt([version, iv, tag, flip(body)].join('.'), 'portal|refresh'),
    },
    {
      what: 'an altered tag',
      attempt: () => cipher.decrypt([version, iv, flip(tag), body].join('.'), 'portal|refresh'),
    },
    {
      what: 'an unknown version',
      attempt: () => cipher.decrypt(['v9', iv, tag, body].join('.'), 'portal|refresh'),
    },
    { what: 'plain text', attempt: () => cipher.decrypt('refresh-token-value', 'portal|refresh') },
  ])('refuses $what without echoing the input', ({ attempt }) => {
    expect(attempt).toThrow(TokenCipherError);
    try {
      attempt();
    } catch (error) {
      expect(String(error)).not.toContain('refresh-token-value');
      expect(String(error)).not.toContain(body);
    }
  });
});
