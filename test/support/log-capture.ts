import type { LogSink } from '../../src/logging/log-stream.js';

/** Collects every log line the daemon writes, for assertions on what an operator would see. */
export class LogCapture implements LogSink {
  readonly lines: string[] = [];

  write(line: string): boolean {
    this.lines.push(line);
    return true;
  }

  get text(): string {
    return this.lines.join('');
  }
}
