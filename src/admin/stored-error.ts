/** A link keeps its last error as `CODE: message`; the portal sometimes sends an empty code (`: message`). */
export interface ErrorParts {
  readonly code: string | null;
  readonly message: string;
}

const STORED_ERROR = /^([A-Za-z0-9_.-]*): ([\s\S]*)$/;

export function splitStoredError(text: string): ErrorParts {
  const match = STORED_ERROR.exec(text);
  if (match === null) {
    return { code: null, message: text };
  }
  return { code: match[1] === '' ? null : match[1], message: match[2] };
}

/** `CODE: message`, or only the message when there is no code (never a stray `: `). */
export function formatError(code: string | null, message: string | null): string {
  const text = message ?? '';
  return code ? `${code}: ${text}` : text;
}

export function cleanStoredError(text: string): string {
  const { code, message } = splitStoredError(text);
  return formatError(code, message);
}
