import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { AdvisoryLock, isAdvisoryLockHeld, tryAdvisoryLock } from '../../src/persistence/advisory-lock.js';
import { createDataSource } from '../../src/persistence/data-source.factory.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { TcpProxy } from '../support/tcp-proxy.js';

describe(AdvisoryLock.name, () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let throughProxy: DataSource;
  let direct: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(database.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.up();
    direct = await createDataSource(database.url).initialize();
    target.host = `127.0.0.1:${proxy.port}`;
    throughProxy = await createDataSource(target.toString()).initialize();
  });

  afterAll(async () => {
    await throughProxy?.destroy().catch(() => undefined);
    await direct?.destroy();
    await proxy?.down();
    await database?.drop();
  });

  it('releases quietly when its connection broke, so the error that broke the run is the one reported', async () => {
    const lock = await tryAdvisoryLock(throughProxy, 'orders');
    expect(lock).not.toBeNull();

    await proxy.down();
    for (let tick = 0; tick < 100 && (await isAdvisoryLockHeld(direct, 'orders')); tick++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));

    await expect(lock?.release()).resolves.toBeUndefined();
    expect(await isAdvisoryLockHeld(direct, 'orders')).toBe(false);
  });
});
