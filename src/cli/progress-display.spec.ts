import { describe, expect, it } from '@jest/globals';
import { ProgressDisplay } from './progress-display.js';

function displayOn(tty: boolean) {
  const written: string[] = [];
  const display = new ProgressDisplay({ write: (text: string) => written.push(text) }, tty);
  return { display, screen: () => written.join('') };
}

/** What a terminal shows: `\r` returns to the line start, ESC[K erases to the end of the line. */
function render(stream: string): string[] {
  const lines = [''];
  let column = 0;
  // eslint-disable-next-line no-control-regex -- the escape is what the display writes
  for (const chunk of stream.split(/(\r|\n|\u001b\[K)/)) {
    const row = lines.length - 1;
    if (chunk === '\n') {
      lines.push('');
      column = 0;
    } else if (chunk === '\r') {
      column = 0;
    } else if (chunk === '\u001b[K') {
      lines[row] = lines[row].slice(0, column);
    } else {
      lines[row] = lines[row].slice(0, column) + chunk + lines[row].slice(column + chunk.length);
      column += chunk.length;
    }
  }
  return lines;
}

describe(ProgressDisplay.name, () => {
  it('keeps the bar below log lines on a terminal, each log line whole', () => {
    const { display, screen } = displayOn(true);

    display.show('[██░░]  50%');
    display.write('{"msg":"batch 2 sent"}\n');
    display.write('{"msg":"batch 3 sent"}\n');
    display.finish('[████] 100%');

    expect(render(screen())).toEqual(['{"msg":"batch 2 sent"}', '{"msg":"batch 3 sent"}', '[████] 100%', '']);
  });

  it('writes each frame as a line of its own when stderr is not a terminal', () => {
    const { display, screen } = displayOn(false);

    display.show('[██░░]  50%');
    display.write('log\n');
    display.finish('[████] 100%');

    expect(screen()).toBe('[██░░]  50%\nlog\n[████] 100%\n');
  });
});
