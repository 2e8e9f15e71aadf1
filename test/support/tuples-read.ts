import { DataSource } from 'typeorm';

/**
 * Tuples of `table` that `work` read (sequential reads and index fetches), on a one-connection copy of
 * `dataSource`: the statistics a backend flushes are its own, so the count is only `work`'s. A spec of how a
 * statement reaches its rows, where a timing would be a flaky proxy for it.
 */
export async function countingTuplesRead<T>(
  dataSource: DataSource,
  table: string,
  work: (single: DataSource) => Promise<T>,
): Promise<{ result: T; tuplesRead: number }> {
  const single = new DataSource({ ...dataSource.options, extra: { max: 1 } });
  await single.initialize();
  const read = async () => {
    await single.query('SELECT pg_stat_force_next_flush()');
    const [row] = await single.query<{ read: string }[]>(
      `SELECT (seq_tup_read + coalesce(idx_tup_fetch, 0))::text AS read FROM pg_stat_user_tables WHERE relname = $1`,
      [table],
    );
    return Number(row.read);
  };
  try {
    const before = await read();
    const result = await work(single);
    return { result, tuplesRead: (await read()) - before };
  } finally {
    await single.destroy();
  }
}
