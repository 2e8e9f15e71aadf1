import type { AppConfig } from '../config/config.types.js';
import { Secret, SECRET_REDACTION } from '../config/secret.js';

/** Shorter values are too likely to occur in ordinary text to be replaced blindly. */
const MIN_SECRET_LENGTH = 6;

/**
 * The last line of defence: every line the process logs passes through `scrub`, which replaces any known
 * secret value (raw or URL-encoded) with a redaction. Secrets are redacted at the source as well; this
 * catches what a library or an error message lets slip. Tokens obtained at run time are added as they rotate.
 */
export class SecretScrubber {
  private readonly values = new Set<string>();

  add(value: Secret | string | undefined): void {
    const text = value instanceof Secret ? value.reveal() : value;
    if (text === undefined || text.length < MIN_SECRET_LENGTH) {
      return;
    }
    this.values.add(text);
    const encoded = encodeURIComponent(text);
    if (encoded !== text) {
      this.values.add(encoded);
    }
  }

  scrub(text: string): string {
    let result = text;
    for (const value of this.values) {
      if (result.includes(value)) {
        result = result.split(value).join(SECRET_REDACTION);
      }
    }
    return result;
  }

  static fromConfig(config: AppConfig): SecretScrubber {
    const scrubber = new SecretScrubber();
    const auth = config.bitrix24.auth;
    if (auth?.kind === 'webhook') {
      scrubber.add(auth.secret);
    } else if (auth?.kind === 'oauth') {
      scrubber.add(auth.clientSecret);
      scrubber.add(auth.refreshToken);
      scrubber.add(auth.applicationToken);
    }
    scrubber.add(config.adminToken);
    scrubber.add(config.encryptionKey);
    scrubber.addDatabasePassword(config.stateDatabaseUrl);
    scrubber.addDatabasePassword(config.erpDatabase?.url);
    return scrubber;
  }

  addDatabasePassword(url: Secret | undefined): void {
    if (!url) {
      return;
    }
    try {
      const password = new URL(url.reveal()).password;
      this.add(password ? decodeURIComponent(password) : undefined);
      this.add(password);
    } catch {
      // Config validation already rejected malformed URLs.
    }
  }
}
