import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type { Secret } from '../config/secret.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Fixed, public salt: the key is stretched so a passphrase-like ENCRYPTION_KEY is not brute-forced cheaply. */
const KDF_SALT = 'erp-bitrix24-sync/oauth-token/v1';

export class TokenCipherError extends Error {
  override readonly name = 'TokenCipherError';
}

/**
 * AES-256-GCM for tokens at rest, key derived from ENCRYPTION_KEY with scrypt. Each value is bound to
 * its context (portal + column) as associated data, so a ciphertext moved to another row or column
 * fails to decrypt. Format: `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export class TokenCipher {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  static fromEncryptionKey(encryptionKey: Secret): TokenCipher {
    return new TokenCipher(
      scryptSync(encryptionKey.reveal(), KDF_SALT, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 << 20 }),
    );
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws TokenCipherError (without any of the input) when the key is wrong or the value was altered. */
  decrypt(payload: string, context: string): string {
    const [version, iv, tag, body, ...rest] = payload.split('.');
    if (
      version !== VERSION ||
      iv === undefined ||
      tag === undefined ||
      body === undefined ||
      rest.length > 0
    ) {
      throw new TokenCipherError('stored token has an unknown format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new TokenCipherError('stored token cannot be decrypted: wrong ENCRYPTION_KEY or altered data');
    }
  }
}
