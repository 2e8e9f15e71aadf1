import pino from 'pino';
import { openStateDatabase } from '../bootstrap/embedded-state-database.js';
import { loadConfigFromProcess } from '../config/config.loader.js';
import { createDataSource } from '../persistence/data-source.factory.js';
import { runMigrations } from '../persistence/migrate.js';
import { EXIT_OK, type CliCommand } from './cli-command.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Apply pending state-database migrations (the daemon also does this at start) and exit',
  usage: 'erp-bitrix24-sync migrate',
  options: {},
  async run() {
    const config = loadConfigFromProcess();
    const logger = pino({ level: config.log.level === 'silent' ? 'silent' : 'info' }, process.stderr);
    const database = await openStateDatabase(config, logger, { share: true });
    const dataSource = createDataSource(database.url.reveal());
    try {
      await dataSource.initialize();
      const applied = await runMigrations(dataSource);
      process.stdout.write(
        applied.length === 0
          ? 'The state database is up to date.\n'
          : `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m.name}`).join('\n')}\n`,
      );
      return EXIT_OK;
    } finally {
      await dataSource.destroy().catch(() => undefined);
      await database.stop();
    }
  },
};
