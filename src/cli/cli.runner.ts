import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { ConfigError } from '../config/config.error.js';
import {
  describeError,
  EXIT_CONFIG,
  EXIT_FAILURE,
  EXIT_OK,
  UsageError,
  type CliCommand,
  type CliOptions,
} from './cli-command.js';
import { checkCommand } from './check.command.js';
import { migrateCommand } from './migrate.command.js';
import { planCommand } from './plan.command.js';
import { runCommand } from './run.command.js';
import { startCommand } from './start.command.js';

const COMMANDS: readonly CliCommand[] = [startCommand, runCommand, planCommand, checkCommand, migrateCommand];

const HELP_OPTION: CliOptions = { help: { type: 'boolean', short: 'h', description: 'Show this help' } };

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'Usage: erp-bitrix24-sync [command] [options]',
    '',
    'Keeps Bitrix24 CRM deals in step with an ERP database.',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Configuration comes from the environment and the mapping file (SYNC_CONFIG); see README.md.',
    'Run `erp-bitrix24-sync <command> --help` for a command and its options.',
    'Exit codes: 0 success, 1 failure, 2 bad configuration or usage.',
  ].join('\n');
}

export function commandHelp(command: CliCommand): string {
  const options = Object.entries({ ...command.options, ...HELP_OPTION }).map(([name, option]) => {
    const short = option.short ? `-${option.short}, ` : '';
    const value = option.type === 'string' ? ` ${option.valueName ?? 'VALUE'}` : '';
    return [`${short}--${name}${value}`, option.description] as const;
  });
  const width = Math.max(...options.map(([flags]) => flags.length));
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    '',
    'Options:',
    ...options.map(([flags, description]) => `  ${flags.padEnd(width)}  ${description}`),
  ].join('\n');
}

function parseOptions(options: CliOptions): ParseArgsOptionsConfig {
  return Object.fromEntries(
    Object.entries(options).map(([name, { type, short }]) => [
      name,
      short === undefined ? { type } : { type, short },
    ]),
  );
}

/** Parses argv, runs one command, and turns every failure into a message and an exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${generalHelp()}\n`);
    return EXIT_OK;
  }
  const explicit = first !== undefined && !first.startsWith('-');
  const command = explicit ? COMMANDS.find((candidate) => candidate.name === first) : startCommand;
  if (!command) {
    process.stderr.write(`Unknown command "${first}".\n\n${generalHelp()}\n`);
    return EXIT_CONFIG;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: explicit ? rest : [...argv],
      options: parseOptions({ ...command.options, ...HELP_OPTION }),
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${commandHelp(command)}\n`);
    return EXIT_CONFIG;
  }
  if (parsed.values.help) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(
      parsed.values as Record<string, string | boolean | undefined>,
      parsed.positionals,
    );
  } catch (error) {
    return reportFailure(command, error);
  }
}

function reportFailure(command: CliCommand, error: unknown): number {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    return EXIT_CONFIG;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\nRun \`erp-bitrix24-sync ${command.name} --help\` for usage.\n`);
    return EXIT_CONFIG;
  }
  process.stderr.write(`erp-bitrix24-sync ${command.name} failed: ${describeError(error)}\n`);
  return EXIT_FAILURE;
}
