import { Logger } from '@nestjs/common';
import pino from 'pino';
import { createBitrix24Client } from '../bitrix24/bitrix24.module.js';
import { CrmEntityGateway } from '../bitrix24/crm-entity.gateway.js';
import { openStateDatabase } from '../bootstrap/embedded-state-database.js';
import { loadConfigFromProcess } from '../config/config.loader.js';
import type { AppConfig, MappingConfig } from '../config/config.types.js';
import { describeDatabaseUrl } from '../config/url-redaction.js';
import { createErpRowReader } from '../erp/erp-row-reader.factory.js';
import type { ErpRowReader } from '../erp/erp-row.reader.js';
import { createDataSource } from '../persistence/data-source.factory.js';
import { PortalBudgetRepository } from '../persistence/portal-budget.repository.js';
import { compileMapping, findMissingColumns } from '../sync/mapping/mapping-compiler.js';
import { checkMappingAgainstPortal, formatFindings, type Finding } from './check/portal-findings.js';
import { EXIT_FAILURE, EXIT_OK, type CliCommand } from './cli-command.js';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'Check the configuration, the state and ERP databases, and every mapping against the live portal',
  usage: 'erp-bitrix24-sync check',
  options: {},
  async run() {
    const config = loadConfigFromProcess();
    Logger.overrideLogger(['error', 'warn']);
    const findings: Finding[] = [
      {
        level: 'ok',
        subject: 'configuration',
        detail: `${config.mappings.length} mapping(s) in ${config.syncConfigPath}`,
      },
    ];
    config.mappings.forEach((mapping, index) => compileMapping(mapping, index));
    findings.push(
      ...config.missingForSync.map((missing) => ({
        level: 'error' as const,
        subject: 'configuration',
        detail: `missing ${missing}`,
      })),
    );
    const logger = pino({ level: 'warn' }, process.stderr);
    const state = await openStateDatabase(config, logger, { share: true });
    const dataSource = createDataSource(state.url.reveal());
    try {
      findings.push(
        await probe('state database', async () => {
          await dataSource.initialize();
          const pending = await dataSource.showMigrations();
          return `${describeDatabaseUrl(state.url.reveal())}${pending ? ' (migrations pending: the daemon applies them at start)' : ''}`;
        }),
      );
      findings.push(...(await checkErp(config)));
      // The portal's budget is shared with running replicas once the state database has its tables.
      const migrated = dataSource.isInitialized && !(await dataSource.showMigrations());
      const budget = migrated ? new PortalBudgetRepository(dataSource) : undefined;
      findings.push(
        ...(await checkPortal(config, dataSource.isInitialized ? dataSource : undefined, budget)),
      );
    } finally {
      await dataSource.destroy().catch(() => undefined);
      await state.stop();
    }
    process.stdout.write(`${formatFindings(findings)}\n`);
    return findings.some((finding) => finding.level === 'error') ? EXIT_FAILURE : EXIT_OK;
  },
};

async function probe(subject: string, work: () => Promise<string>): Promise<Finding> {
  try {
    return { level: 'ok', subject, detail: await work() };
  } catch (error) {
    return { level: 'error', subject, detail: (error as Error).message };
  }
}

async function checkErp(config: AppConfig): Promise<Finding[]> {
  if (!config.erpDatabase) {
    return [];
  }
  const reader = createErpRowReader(config.erpDatabase);
  try {
    const reachable = await probe('ERP database', async () => {
      await reader.ping();
      return describeDatabaseUrl(config.erpDatabase?.url.reveal() ?? '');
    });
    if (reachable.level === 'error') {
      return [reachable];
    }
    const sources = await Promise.all(
      config.mappings.map((mapping, index) => checkSource(reader, mapping, index)),
    );
    return [reachable, ...sources.flat()];
  } finally {
    await reader.close();
  }
}

/** Reads the first page of the source: it exists, its key and cursor columns are there, the fields' columns too. */
async function checkSource(reader: ErpRowReader, mapping: MappingConfig, index: number): Promise<Finding[]> {
  const subject = `source ${mapping.name}`;
  try {
    for await (const page of reader.readAll({ name: mapping.name, source: mapping.source })) {
      const columns = Object.keys(page.rows[0]?.values ?? {});
      const missing = columns.length > 0 ? findMissingColumns(compileMapping(mapping, index), columns) : [];
      return missing.length > 0
        ? missing.map((detail) => ({ level: 'error' as const, subject, detail }))
        : [{ level: 'ok', subject, detail: `readable; ${page.errors.length} bad row(s) in the first page` }];
    }
    return [{ level: 'warn', subject, detail: 'readable but returns no rows' }];
  } catch (error) {
    return [{ level: 'error', subject, detail: (error as Error).message }];
  }
}

async function checkPortal(
  config: AppConfig,
  dataSource: Parameters<typeof createBitrix24Client>[1],
  budgetStore: PortalBudgetRepository | undefined,
): Promise<Finding[]> {
  if (!config.bitrix24.auth) {
    return [];
  }
  const client = createBitrix24Client(config, dataSource, undefined, budgetStore);
  const gateway = new CrmEntityGateway(client);
  try {
    const fields = await gateway.fields();
    const currencies = await gateway.currencies();
    const findings: Finding[] = [
      {
        level: 'ok',
        subject: 'Bitrix24 portal',
        detail: `${config.bitrix24.auth.portalUrl}: ${Object.keys(fields).length} deal fields`,
      },
    ];
    for (const mapping of config.mappings) {
      const deal = mapping.entity === 'deal';
      const stages = deal ? await gateway.stages(mapping.target.categoryId) : [];
      const entityFields = deal ? fields : await gateway.forEntity(mapping.entity).fields();
      findings.push(...checkMappingAgainstPortal(mapping, { fields: entityFields, stages, currencies }));
    }
    return findings;
  } catch (error) {
    return [{ level: 'error', subject: 'Bitrix24 portal', detail: (error as Error).message }];
  } finally {
    await client.close();
  }
}
