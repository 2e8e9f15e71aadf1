import { describe, expect, it } from '@jest/globals';
import { formatDemoBanner, type DemoBannerFacts } from './demo-banner.js';

const facts = (overrides: Partial<DemoBannerFacts> = {}): DemoBannerFacts => ({
  adminUrl: 'http://127.0.0.1:3000/admin',
  token: 'AbCdEfGhIjKlMnOpQrStUvWxYz012345',
  tokenFile: '.data/demo-admin-token',
  portalUrl: 'http://127.0.0.1:40123',
  orders: 400,
  database: 'demo_erp',
  embedded: true,
  nothingConfigured: true,
  mapping: 'demo-orders',
  changeEverySeconds: 20,
  ...overrides,
});

describe(formatDemoBanner.name, () => {
  it('shows where to go and the token to use, on lines a test or a person can find', () => {
    const banner = formatDemoBanner(facts());

    expect(banner).toMatch(/Admin page\s+http:\/\/127\.0\.0\.1:3000\/admin\n/);
    expect(banner).toMatch(/Admin token\s+AbCdEfGhIjKlMnOpQrStUvWxYz012345\s/);
    expect(banner).toContain('printed on purpose');
    expect(banner).toContain('http://127.0.0.1:40123/_emulator/deals');
    expect(banner).toContain('400 orders');
  });

  it('says how to leave the demo for real syncing', () => {
    const banner = formatDemoBanner(facts());

    for (const variable of ['ERP_DATABASE_URL', 'BITRIX24_WEBHOOK_URL', 'sync.config.yaml', 'DEMO=off']) {
      expect(banner).toContain(variable);
    }
  });

  it('says so when DEMO=on overrides settings the user made', () => {
    const banner = formatDemoBanner(facts({ nothingConfigured: false, embedded: false }));

    expect(banner).toContain('DEMO=on');
    expect(banner).toContain('remove DEMO=on');
    expect(banner).toContain("DATABASE_URL's server");
    expect(banner).not.toContain('nothing is configured');
  });

  it('does not print an ADMIN_TOKEN the user set', () => {
    const banner = formatDemoBanner(facts({ token: undefined }));

    expect(banner).toContain('Admin token   the ADMIN_TOKEN you set');
    expect(banner).not.toContain('printed on purpose');
  });
});
