#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=50
// The V8 flags (also on `npm start` and the image's CMD) size the heap for a streaming engine whose live set is
// small: a 10^6-row sweep peaks at ~190 MB RSS instead of ~410 MB, in the same time (docs/operations.md#memory).
// The built entry checks the Node.js version before it imports anything else.
await import('../dist/src/cli.js');
