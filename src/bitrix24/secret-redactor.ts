export const REDACTED = '***';

/** Query/form/JSON keys whose values are credentials wherever they appear. */
const SECRET_KEYS = [
  'auth',
  'access_token',
  'refresh_token',
  'client_secret',
  'AUTH_ID',
  'REFRESH_ID',
  'APPLICATION_TOKEN',
  'application_token',
];

const WEBHOOK_PATH = /(\/rest\/(?:api\/)?\d+\/)([^/\s?#"']+)/g;
const KEY_VALUE = new RegExp(
  `([?&;\\s"']?(?:${SECRET_KEYS.join('|')})(?:%5D|\\])?(?:"\\s*:\\s*"|=))([^&"'\\s]+)`,
  'g',
);
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;

/** Only secrets this long are matched verbatim; shorter ones would blank out ordinary text. */
const MIN_SECRET_LENGTH = 6;

/**
 * Removes credentials from any text before it becomes a log line, an error message or JSON: the
 * secrets we know (webhook secret, tokens, client secret) verbatim and URL-encoded, plus anything in
 * a credential position (the webhook path segment, `auth=`, `access_token`, `Bearer …`).
 */
export class SecretRedactor {
  readonly #secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) {
      this.add(secret);
    }
  }

  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) {
      this.#secrets.add(secret);
      this.#secrets.add(encodeURIComponent(secret));
    }
  }

  redact(text: string): string {
    let result = text;
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join(REDACTED);
    }
    return redactCredentialPositions(result);
  }
}

export function redactCredentialPositions(text: string): string {
  return text
    .replace(WEBHOOK_PATH, `$1${REDACTED}`)
    .replace(KEY_VALUE, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`);
}
