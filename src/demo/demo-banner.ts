export interface DemoBannerFacts {
  /** `http://127.0.0.1:3000/admin` */
  readonly adminUrl: string;
  /** The generated token; undefined when the user set ADMIN_TOKEN (then it is not printed). */
  readonly token: string | undefined;
  /** Where the generated token is kept, relative to the working folder. */
  readonly tokenFile: string;
  /** Origin of the emulated portal. */
  readonly portalUrl: string;
  readonly orders: number;
  readonly database: string;
  /** Whether the state (and so the demo ERP) is in the embedded PostgreSQL rather than DATABASE_URL's server. */
  readonly embedded: boolean;
  /** False when DEMO=on forced the demo over settings the user made. */
  readonly nothingConfigured: boolean;
  readonly mapping: string;
  readonly changeEverySeconds: number;
}

/** What a user sees first after `npm start` with nothing configured. */
export function formatDemoBanner(facts: DemoBannerFacts): string {
  const token =
    facts.token === undefined
      ? 'the ADMIN_TOKEN you set'
      : `${facts.token}   (printed on purpose: the one secret the demo shows; kept in ${facts.tokenFile})`;
  const server = facts.embedded ? 'the embedded PostgreSQL' : "DATABASE_URL's server";
  return [
    facts.nothingConfigured
      ? 'DEMO MODE: nothing is configured, so this is a self-contained demo.'
      : 'DEMO MODE (DEMO=on): a self-contained demo; your ERP, Bitrix24 and mapping settings are ignored.',
    '',
    `  Admin page    ${facts.adminUrl}`,
    `  Admin token   ${token}`,
    `  ERP           ${facts.orders} orders in ${server} (database ${facts.database}); a few change every ${facts.changeEverySeconds} s`,
    `  Bitrix24      an emulated portal in memory; its deals: ${facts.portalUrl}/_emulator/deals`,
    `  Sync          mapping ${facts.mapping}, every minute; the first run starts now`,
    '',
    ...(facts.nothingConfigured
      ? [
          'To sync for real, set ERP_DATABASE_URL and BITRIX24_WEBHOOK_URL and write sync.config.yaml',
          '(README.md, "Configuration"); once any of them is set, npm start syncs for real. DEMO=off turns the demo off.',
        ]
      : ['To sync for real with your settings, remove DEMO=on.']),
  ].join('\n');
}
