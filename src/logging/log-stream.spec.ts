import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { createLogStream } from './log-stream.js';
import { SecretScrubber } from './secret-scrubber.js';

describe(createLogStream.name, () => {
  const scrubber = new SecretScrubber();
  scrubber.add('hunter2hunter2');

  it.each(['json', 'pretty'] as const)('writes %s lines with secrets scrubbed', (format) => {
    const lines: string[] = [];
    const logger = pino(
      { base: { context: 'Spec' } },
      createLogStream(format, scrubber, { write: (line) => lines.push(line) }),
    );

    logger.info('password is hunter2hunter2');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('password is [redacted]');
    expect(lines[0]).not.toContain('hunter2hunter2');
  });

  it('prints the context before the message in pretty lines', () => {
    const lines: string[] = [];
    const logger = pino(
      { base: { context: 'Daemon' } },
      createLogStream('pretty', scrubber, { write: (line) => lines.push(line) }),
    );

    logger.info('Listening');

    expect(lines[0]).toMatch(/INFO.*\[Daemon\] Listening/);
  });
});
