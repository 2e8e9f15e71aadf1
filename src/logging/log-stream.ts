import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';
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
  const scrubbed: DestinationStream = { write: (line: string) => sink.write(scrubber.scrub(line)) };
  if (format === 'json') {
    return scrubbed;
  }
  return pretty({
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,req,res,responseTime',
    messageFormat: '{if context}[{context}] {end}{msg}',
    destination: scrubbed,
    sync: true,
  });
}
