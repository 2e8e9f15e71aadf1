import type { DataSource, QueryRunner } from 'typeorm';

/** First half of every two-key advisory lock we take, so ours never collide with other applications'. */
const LOCK_NAMESPACE = 0x45423234; // "EB24"

/** A PostgreSQL session-level advisory lock held on its own connection until released. */
export class AdvisoryLock {
  private released = false;

  constructor(
    readonly name: string,
    private readonly runner: QueryRunner,
  ) {}

  /**
   * Unlocks and returns the connection. When the connection has died meanwhile (terminated, idle timeout, failover),
   * the lock died with its session: there is nothing left to release, and that is not an error. Runs never rely on
   * the lock alone (their lease fences them), so losing it early is harmless.
   */
  async release(): Promise<void> {
    if (this.released) {
      return;
    }
    this.released = true;
    if (this.runner.isReleased) {
      // The connection broke and TypeORM discarded it: PostgreSQL ended the session and its locks with it.
      // Unlocking would only throw "Query runner already released" over the error that broke the run.
      return;
    }
    try {
      await this.runner.query('SELECT pg_advisory_unlock($1::int, hashtext($2))', [
        LOCK_NAMESPACE,
        this.name,
      ]);
    } catch {
      // The session is gone, and its locks with it.
    } finally {
      await this.runner.release().catch(() => undefined);
    }
  }
}

/** Takes the lock if free; null when another session (any process, any replica) holds it. */
export async function tryAdvisoryLock(dataSource: DataSource, name: string): Promise<AdvisoryLock | null> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [row] = (await runner.query('SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked', [
      LOCK_NAMESPACE,
      name,
    ])) as Array<{ locked: boolean }>;
    if (row.locked) {
      return new AdvisoryLock(name, runner);
    }
  } catch (error) {
    await runner.release();
    throw error;
  }
  await runner.release();
  return null;
}

/** Waits for the lock. */
export async function advisoryLock(dataSource: DataSource, name: string): Promise<AdvisoryLock> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1::int, hashtext($2))', [LOCK_NAMESPACE, name]);
  } catch (error) {
    await runner.release();
    throw error;
  }
  return new AdvisoryLock(name, runner);
}

export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const lock = await advisoryLock(dataSource, name);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

/** Whether any session holds the lock in this database (advisory locks are per database). */
export async function isAdvisoryLockHeld(dataSource: DataSource, name: string): Promise<boolean> {
  const [row] = await dataSource.query<Array<{ holders: number }>>(
    `SELECT count(*)::int AS holders FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND classid = $1::int::oid AND objid = hashtext($2)::oid AND objsubid = 2
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [LOCK_NAMESPACE, name],
  );
  return row.holders > 0;
}
