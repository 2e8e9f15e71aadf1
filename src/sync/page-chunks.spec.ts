import { describe, expect, it } from '@jest/globals';
import type { ErpPage } from '../erp/erp-row.reader.js';
import { chunkPages } from './page-chunks.js';

const page = (
  keys: number[],
  position: string | null = keys.length ? String(keys.at(-1)) : null,
): ErpPage => ({
  rows: keys.map((key) => ({ erpKey: String(key), key: [String(key)], cursor: null, values: {} })),
  errors: [],
  position: position === null ? null : { value: null, key: [position] },
});

/** A source that records how far it has been read and whether it was closed. */
function source(pages: ErpPage[]) {
  const seen = { pulled: 0, closed: false };
  async function* walk(): AsyncGenerator<ErpPage> {
    try {
      for (const item of pages) {
        seen.pulled++;
        yield await Promise.resolve(item);
      }
    } finally {
      seen.closed = true;
    }
  }
  return { pages: walk(), seen };
}

const keysOf = (chunk: ErpPage) => chunk.rows.map((row) => Number(row.erpKey));

describe(chunkPages.name, () => {
  it('sends the first page alone, then chunks of at least the given rows, in order, positions of their last page', async () => {
    const { pages } = source([page([1, 2]), page([3, 4]), page([5, 6]), page([7, 8]), page([9])]);
    const chunks: ErpPage[] = [];
    for await (const chunk of chunkPages(pages, 4)) {
      chunks.push(chunk);
    }

    expect(chunks.map(keysOf)).toEqual([
      [1, 2],
      [3, 4, 5, 6],
      [7, 8, 9],
    ]);
    expect(chunks.map((chunk) => chunk.position?.key)).toEqual([['2'], ['6'], ['9']]);
  });

  it('keeps the last known position when the last pages of a chunk have none', async () => {
    const { pages } = source([page([1]), page([2]), page([], null)]);
    const chunks: ErpPage[] = [];
    for await (const chunk of chunkPages(pages, 10)) {
      chunks.push(chunk);
    }

    expect(chunks.at(-1)?.position?.key).toEqual(['2']);
  });

  it('reads the next page while the consumer plans the current chunk', async () => {
    const { pages, seen } = source([page([1]), page([2]), page([3])]);
    const chunks = chunkPages(pages, 1);

    await chunks.next();

    expect(seen.pulled).toBe(2);
    await chunks.return(undefined);
  });

  it('closes the walk when the consumer stops early', async () => {
    const { pages, seen } = source([page([1]), page([2]), page([3]), page([4])]);
    for await (const chunk of chunkPages(pages, 1)) {
      if (keysOf(chunk)[0] === 2) {
        break;
      }
    }

    expect(seen.closed).toBe(true);
    expect(seen.pulled).toBeLessThan(4);
  });
});
