#!/usr/bin/env node
// The built entry checks the Node.js version before it imports anything else.
await import('../dist/src/cli.js');
