import { loadConfigFromProcess } from '../config/config.loader.js';
import { EXIT_OK, type CliCommand } from './cli-command.js';

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'Run the daemon: scheduler, admin API and health endpoints (the default command)',
  usage: 'erp-bitrix24-sync start',
  options: {},
  async run() {
    const config = loadConfigFromProcess();
    // Loaded here, not at the top: the daemon's HTTP, admin and OpenAPI modules are no part of a one-shot command.
    const { startDaemon } = await import('../bootstrap/daemon.js');
    const daemon = await startDaemon(config);
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        daemon.logger.info(`${signal} received: finishing work in progress and shutting down`);
        daemon.close().then(resolve, (error: unknown) => {
          daemon.logger.error({ err: error }, 'Shutdown failed');
          resolve();
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    daemon.logger.info('Stopped');
    return EXIT_OK;
  },
};
