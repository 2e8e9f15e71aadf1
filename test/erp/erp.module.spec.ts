import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { ConfigModule } from '../../src/config/config.module.js';
import { ErpReadErrorCode } from '../../src/erp/erp-read.error.js';
import { ErpRowReader } from '../../src/erp/erp-row.reader.js';
import { ERP_READER, ErpModule } from '../../src/erp/erp.module.js';
import { buildTestConfig } from '../support/config.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

async function compile(env: Record<string, string>) {
  return Test.createTestingModule({
    imports: [ConfigModule.forRoot(buildTestConfig(env)), ErpModule],
  }).compile();
}

describe(ErpModule.name, () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('erpmod');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('provides no reader when ERP_DATABASE_URL is not configured', async () => {
    const moduleRef = await compile({});

    expect(moduleRef.get(ERP_READER)).toBeNull();
    await moduleRef.close();
  });

  it('provides a reader for the configured database and closes it on shutdown', async () => {
    const moduleRef = await compile({ ERP_DATABASE_URL: database.url });
    const reader = moduleRef.get<ErpRowReader | null>(ERP_READER);

    expect(reader).toBeInstanceOf(ErpRowReader);
    expect(reader?.dialect).toBe('postgres');
    await expect(reader?.ping()).resolves.toBeUndefined();
    await moduleRef.close();
    await expect(reader?.ping()).rejects.toMatchObject({ code: ErpReadErrorCode.ConnectionFailed });
  });
});
