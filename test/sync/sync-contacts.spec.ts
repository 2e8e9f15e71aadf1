import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SyncRun } from '../../src/persistence/entities/sync-run.entity.js';
import { RunStatus } from '../../src/persistence/entities/sync-run.entity.js';
import { addCustomers, CUSTOMERS_MAPPING } from './support/erp-graph.js';
import { writesDuring } from './support/graph-assertions.js';
import { startSyncHarness, type SyncHarness } from './support/sync-harness.js';

const CUSTOMERS = 20;
const PEOPLE = 60;

const PEOPLE_MAPPING = `
  - name: people
    entity: contact
    source:
      table: res_partner_person
      key: id
      cursor: write_date
    target: { originatorId: erp-test }
    fields:
      NAME: { column: first_name }
      LAST_NAME: { column: last_name }
      EMAIL: { column: email, type: multi, valueType: WORK }
      COMPANY_ID: { link: customers, column: company_id }
`;

describe('contacts linked to companies (entity: contact, COMPANY_ID: { link: customers })', () => {
  let harness: SyncHarness;
  const during = (step: () => Promise<SyncRun>) => writesDuring(harness, step);

  beforeAll(async () => {
    harness = await startSyncHarness({
      rows: 0,
      mappingYaml: `mappings:\n${PEOPLE_MAPPING}${CUSTOMERS_MAPPING()}`,
    });
    await addCustomers(harness.erp, CUSTOMERS);
    await harness.erp.query(`
      CREATE TABLE res_partner_person (
        id serial PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL, email text, company_id integer,
        write_date timestamp(6) NOT NULL DEFAULT clock_timestamp())`);
    await harness.erp.query(
      `INSERT INTO res_partner_person (first_name, last_name, email, company_id)
       SELECT 'Anna', 'Person ' || n, 'person' || n || '@example.com', CASE WHEN n % 7 = 0 THEN NULL ELSE 1 + n % $2::int END
         FROM generate_series(1, $1::int) AS n`,
      [PEOPLE, CUSTOMERS],
    );
  });

  afterAll(() => harness?.close());

  it('creates each contact once, on its company (synced first), and nothing on the second run', async () => {
    const { run, delta } = await during(() => harness.run());
    const again = await during(() => harness.run());

    expect(run).toMatchObject({ status: RunStatus.Succeeded, created: PEOPLE, failed: 0 });
    expect(delta).toEqual({ 'crm.company.add': CUSTOMERS, 'crm.contact.add': PEOPLE });
    expect(again.delta).toEqual({});
    const companyOf = new Map(harness.emulator.companies().map((company) => [company.ORIGIN_ID, company.ID]));
    const people = await harness.erp.query<{ id: number; company_id: number | null }>(
      `SELECT id, company_id FROM res_partner_person`,
    );
    const contacts = new Map(harness.emulator.contacts().map((contact) => [contact.ORIGIN_ID, contact]));
    for (const person of people) {
      const contact = contacts.get(String(person.id));
      const expected =
        person.company_id === null ? null : (companyOf.get(String(person.company_id)) ?? 'none');
      const actual = contact?.COMPANY_ID === '0' || contact?.COMPANY_ID === '' ? null : contact?.COMPANY_ID;
      expect({ person: person.id, company: actual }).toEqual({ person: person.id, company: expected });
    }
    expect(contacts.get('7')).toMatchObject({
      NAME: 'Anna',
      LAST_NAME: 'Person 7',
      EMAIL: [expect.objectContaining({ VALUE: 'person7@example.com', VALUE_TYPE: 'WORK' })],
    });
  });
});
