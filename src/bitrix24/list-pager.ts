import type { Bitrix24Client } from './bitrix24.client.js';
import type { QueryObject } from './batch-command.js';

/** Classic list methods return at most 50 rows per call (bitrix24-api.md §5.8). */
export const LIST_PAGE_SIZE = 50;

export interface ListQuery {
  readonly filter?: QueryObject;
  /** Fields to return; ID is always added. @default all (`*` + `UF_*`, the portal default) */
  readonly select?: readonly string[];
}

export type ListRow = Readonly<Record<string, unknown>>;

/**
 * Pages through a classic `*.list` method the fast way (bitrix24-api.md §5.9, huge-data.md): order by
 * ID, filter `>ID` = last ID seen, `start=-1` (no COUNT query), stop at a short page. Stable while
 * rows are added or deleted, unlike offset paging.
 */
export async function* pageThrough<T extends ListRow = ListRow>(
  client: Bitrix24Client,
  method: string,
  query: ListQuery = {},
): AsyncGenerator<T[], void, undefined> {
  const select = query.select && !query.select.includes('ID') ? ['ID', ...query.select] : query.select;
  const { '>ID': startAfter, ...filter } = query.filter ?? {};
  let lastId = Number(startAfter ?? 0);
  for (;;) {
    const page = await client.call<T[]>(method, {
      order: { ID: 'ASC' },
      filter: { ...filter, '>ID': lastId },
      ...(select ? { select: [...select] } : {}),
      start: -1,
    });
    const rows = Array.isArray(page.result) ? page.result : [];
    if (rows.length > 0) {
      yield rows;
      lastId = Number(rows[rows.length - 1].ID);
    }
    if (rows.length < LIST_PAGE_SIZE || !Number.isFinite(lastId)) {
      return;
    }
  }
}
