// Loaded into a spawned CLI with NODE_OPTIONS=--import=<this file>: when the process exits, writes the URL of every
// module it loaded (ours and node_modules', ESM and CommonJS) to MODULE_TRACE_FILE, one a line.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded = new Set();
registerHooks({
  load(url, context, nextLoad) {
    loaded.add(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => writeFileSync(process.env.MODULE_TRACE_FILE, [...loaded].join('\n')));
