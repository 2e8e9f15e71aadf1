import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordTimelineView } from '../../src/admin/admin.responses.js';
import { startAdminDaemon, type AdminDaemon } from './support/admin-daemon.js';
import { seedLink } from './support/sync-log.factory.js';

const PORTAL = 'https://acme.bitrix24.com';

/** Customers synced as companies, orders as deals linked to them (DESIGN §6b). */
const GRAPH_YAML = `
mappings:
  - name: customers
    entity: company
    source: { table: res_partner, key: id }
    target: { originatorId: odoo }
    fields:
      TITLE: { column: name }
  - name: orders
    source: { table: sale_order, key: id }
    target: { originatorId: odoo, categoryId: 0 }
    fields:
      TITLE: { column: name }
      COMPANY_ID: { link: customers, column: partner_id }
`;

describe('a record page of the order graph', () => {
  let admin: AdminDaemon;

  beforeAll(async () => {
    admin = await startAdminDaemon(
      { BITRIX24_WEBHOOK_URL: `${PORTAL}/rest/1/wh5ecret7k2p9x4q/` },
      GRAPH_YAML,
    );
    await seedLink(admin.dataSource, {
      mapping: 'customers',
      erpKey: '42',
      dealId: 7,
      payload: { TITLE: 'Acme' },
    });
    await seedLink(admin.dataSource, {
      mapping: 'orders',
      erpKey: '1001',
      dealId: 501,
      payload: { COMPANY_ID: 7 },
    });
    await seedLink(admin.dataSource, {
      mapping: 'orders',
      erpKey: '1002',
      dealId: 502,
      payload: { COMPANY_ID: '7' },
    });
    await seedLink(admin.dataSource, {
      mapping: 'orders',
      erpKey: '1003',
      dealId: 503,
      payload: { COMPANY_ID: 8 },
    });
    await seedLink(admin.dataSource, {
      mapping: 'orders',
      erpKey: '1004',
      dealId: 504,
      payload: { COMPANY_ID: 7 },
      removed: true,
    });
  });

  afterAll(async () => {
    await admin?.close();
  });

  const record = async (mapping: string, key: string) =>
    (await admin.request<RecordTimelineView>(`/admin/records/${mapping}/${key}`)).body;

  it("shows a deal's company: its ERP key in the parent mapping and its card in the portal", async () => {
    const deal = await record('orders', '1001');

    expect(deal).toMatchObject({ entity: 'deal', dealUrl: `${PORTAL}/crm/deal/details/501/`, children: [] });
    expect(deal.parents).toEqual([
      {
        mapping: 'customers',
        entity: 'company',
        field: 'COMPANY_ID',
        crmId: 7,
        erpKey: '42',
        url: `${PORTAL}/crm/company/details/7/`,
      },
    ]);
  });

  it("shows a company's live deals, and links the company's own card", async () => {
    const company = await record('customers', '42');

    expect(company).toMatchObject({
      entity: 'company',
      dealUrl: `${PORTAL}/crm/company/details/7/`,
      parents: [],
    });
    expect(company.children).toEqual([
      expect.objectContaining({ mapping: 'orders', entity: 'deal', field: 'COMPANY_ID', total: 2 }),
    ]);
    expect(company.children[0].records.map((child) => [child.erpKey, child.url])).toEqual([
      ['1001', `${PORTAL}/crm/deal/details/501/`],
      ['1002', `${PORTAL}/crm/deal/details/502/`],
    ]);
  });

  it('names a parent our link table does not know by its Bitrix24 id alone', async () => {
    const deal = await record('orders', '1003');

    expect(deal.parents).toEqual([expect.objectContaining({ crmId: 8, erpKey: null })]);
  });
});
