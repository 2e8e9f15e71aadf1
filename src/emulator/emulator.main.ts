import { startEmulator } from './index.js';
import { EMULATOR_USAGE, parseEmulatorArgs } from './emulator.cli.js';

/** `npm run emulator -- --port N`: first stdout line is the JSON connection info, then runs until a signal. */
async function main(): Promise<void> {
  let options;
  try {
    options = parseEmulatorArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${EMULATOR_USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${EMULATOR_USAGE}\n`);
    return;
  }
  const emulator = await startEmulator(options);
  const info = { url: emulator.url, webhookUrl: emulator.webhookUrl, oauth: emulator.oauth, ca: emulator.ca };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
