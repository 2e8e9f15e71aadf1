import type { DestinationStream } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { SecretScrubber } from './secret-scrubber.js';

export interface LogSink {
  write(line: string): unknown;
}

/** Where pino writes: every line scrubbed of secrets, then JSON as is, or pretty-printed for a terminal. */
export function createLogStream(
  format: 'json' | 'pretty',
  scrubber: SecretScrubber,
  sink: LogSink,
): DestinationStream {
  if (format === 'json') {
    return { write: (line: string) => sink.write(scrubber.scrub(line)) };
  }
  // prettyFactory formats synchronously in-process (the stream form needs a real Node stream as destination).
  const pretty = prettyFactory({
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,req,res,responseTime,reqId,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
  return { write: (line: string) => sink.write(pretty(scrubber.scrub(line))) };
}
