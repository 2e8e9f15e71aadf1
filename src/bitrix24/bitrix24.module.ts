import { Inject, Logger, Module, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.types.js';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { OAuthTokenRepository } from '../persistence/oauth-token.repository.js';
import { Bitrix24Client } from './bitrix24.client.js';
import { CrmEntityGateway } from './crm-entity.gateway.js';
import { OAuthTokenStore } from './oauth-token.store.js';
import { PORTAL_BUDGET_STORE, type PortalBudgetStore } from './portal-budget.store.js';
import { TokenCipher } from './token.cipher.js';

/**
 * Builds the one client of the process from the validated config (no Nest needed to call this). With a
 * `budgetStore` (the state database's), the portal's limits are shared with every other process.
 */
export function createBitrix24Client(
  config: AppConfig,
  dataSource: DataSource | undefined,
  scrubber: SecretScrubber | undefined,
  budgetStore?: PortalBudgetStore,
): Bitrix24Client {
  const auth = config.bitrix24.auth;
  const oauth = auth?.kind === 'oauth';
  if (oauth && (!config.encryptionKey || !dataSource)) {
    throw new Error('Bitrix24 OAuth needs ENCRYPTION_KEY and the state database to keep its rotating tokens');
  }
  return new Bitrix24Client({
    auth,
    rateLimit: config.bitrix24.rateLimit,
    budgetStore,
    tokenStore:
      oauth && config.encryptionKey && dataSource
        ? new OAuthTokenStore(
            new OAuthTokenRepository(dataSource),
            TokenCipher.fromEncryptionKey(config.encryptionKey),
            dataSource,
          )
        : undefined,
    logger: new Logger(Bitrix24Client.name),
    onSecret: (value) => scrubber?.add(value),
  });
}

/**
 * The Bitrix24 client and the deal gateway (the installation callback is Bitrix24InstallModule's).
 * Needs APP_CONFIG and the TypeORM DataSource (TypeOrmModule, wired by the app).
 */
@Module({
  providers: [
    {
      provide: Bitrix24Client,
      inject: [
        APP_CONFIG,
        { token: getDataSourceToken(), optional: true },
        { token: SecretScrubber, optional: true },
        { token: PORTAL_BUDGET_STORE, optional: true },
      ],
      useFactory: (
        config: AppConfig,
        dataSource?: DataSource,
        scrubber?: SecretScrubber,
        budgetStore?: PortalBudgetStore,
      ) => createBitrix24Client(config, dataSource, scrubber, budgetStore),
    },
    {
      provide: CrmEntityGateway,
      inject: [Bitrix24Client],
      useFactory: (client: Bitrix24Client) => new CrmEntityGateway(client),
    },
  ],
  exports: [Bitrix24Client, CrmEntityGateway],
})
export class Bitrix24Module implements OnApplicationShutdown {
  constructor(@Optional() @Inject(Bitrix24Client) private readonly client?: Bitrix24Client) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client?.close();
  }
}
