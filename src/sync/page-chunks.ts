import type { ErpPage } from '../erp/erp-row.reader.js';

/**
 * Regroups ERP pages into planning chunks of at least `rows` rows, reading the next page while the consumer plans
 * the current chunk. The first page goes out alone, so a run's first request does not wait for a whole chunk.
 * A chunk's position is its last page's: where the walk stands once the chunk is planned.
 */
export async function* chunkPages(pages: AsyncIterable<ErpPage>, rows: number): AsyncGenerator<ErpPage> {
  const iterator = pages[Symbol.asyncIterator]();
  let next = iterator.next();
  let chunk: ErpPage[] = [];
  let size = 0;
  let first = true;
  try {
    for (;;) {
      const result = await next;
      if (result.done) {
        break;
      }
      next = iterator.next();
      chunk.push(result.value);
      size += result.value.rows.length + result.value.errors.length;
      if (first || size >= rows) {
        first = false;
        const merged = mergePages(chunk);
        chunk = [];
        size = 0;
        yield merged;
      }
    }
    if (chunk.length > 0) {
      yield mergePages(chunk);
    }
  } finally {
    // A consumer that stops early leaves one read ahead in flight: let it settle, then close the walk.
    await next.catch(() => undefined);
    await iterator.return?.();
  }
}

export function mergePages(pages: readonly ErpPage[]): ErpPage {
  if (pages.length === 1) {
    return pages[0];
  }
  let position: ErpPage['position'] = null;
  for (const page of pages) {
    position = page.position ?? position;
  }
  return {
    rows: pages.flatMap((page) => page.rows),
    errors: pages.flatMap((page) => page.errors),
    position,
  };
}
