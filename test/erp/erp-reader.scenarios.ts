import { afterAll, beforeAll } from '@jest/globals';
import type { ErpRowReader } from '../../src/erp/erp-row.reader.js';
import { integrityScenarios } from './erp-reader.integrity.scenarios.js';
import { pagingScenarios } from './erp-reader.paging.scenarios.js';
import { streamScenarios } from './erp-reader.stream.scenarios.js';
import { readerFor, type ErpTestDriver } from './erp-test.driver.js';

/** Every ERP reader scenario against one engine, in a database of the spec file's own. */
export function erpReaderScenarios(driver: ErpTestDriver): void {
  let url: string | undefined;
  let reader: ErpRowReader | undefined;
  const context = {
    url: () => url ?? fail('the database is not set up'),
    reader: () => reader ?? fail('the reader is not set up'),
  };

  beforeAll(async () => {
    url = await driver.setUp();
    reader = readerFor(driver, url);
  });

  afterAll(async () => {
    await reader?.close();
    await driver.tearDown();
  });

  pagingScenarios(driver, context);
  integrityScenarios(driver, context);
  streamScenarios(driver, context);
}

function fail(message: string): never {
  throw new Error(message);
}
