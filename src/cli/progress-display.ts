import type { LogSink } from '../logging/log-stream.js';

const CLEAR_LINE = '\r\u001b[K';

/**
 * The progress bar's line on stderr, shared with the log lines written there. On a terminal the bar is
 * redrawn in place and stays the last line: a log line first clears it, then the bar is drawn again below.
 * Elsewhere (CI, a file) each frame is a line of its own.
 */
export class ProgressDisplay implements LogSink {
  private bar: string | undefined;

  constructor(
    private readonly out: LogSink,
    readonly tty: boolean,
  ) {}

  /** A log line (ending in a newline). */
  write(line: string): void {
    this.out.write(this.tty && this.bar !== undefined ? `${CLEAR_LINE}${line}${this.bar}` : line);
  }

  show(bar: string): void {
    this.out.write(this.tty ? `${CLEAR_LINE}${bar}` : `${bar}\n`);
    this.bar = bar;
  }

  /** The last frame (none: the bar goes); afterwards log lines are written as they come. */
  finish(bar: string | undefined): void {
    if (bar !== undefined) {
      this.show(bar);
      if (this.tty) {
        this.out.write('\n');
      }
    } else if (this.tty && this.bar !== undefined) {
      this.out.write(CLEAR_LINE);
    }
    this.bar = undefined;
  }
}
