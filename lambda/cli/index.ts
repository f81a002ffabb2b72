/**
 * The `driftwatch` command line: dispatches to a command and turns errors into exit code 2 with a
 * message on stderr. `bin/driftwatch.ts` calls `runCli(process.argv.slice(2), process)`.
 */
import { InputError } from '../adapters/local/errors';
import { terminalSafe } from '../report/format';
import { backtestCommand } from './commands/backtest';
import { compareCommand } from './commands/compare';
import { demoCommand, DEMO_HELP } from './commands/demo';
import { historyCommand, HISTORY_HELP } from './commands/history';
import { alertCommand, ALERT_HELP } from './commands/alert-test';
import { referenceCommand, REFERENCE_HELP } from './commands/reference';
import { rollbackCommand, ROLLBACK_HELP } from './commands/rollback';
import { BACKTEST_HELP, COMPARE_HELP, MAIN_HELP } from './help';
import { CliIo, EXIT_ERROR, EXIT_OK, UsageError } from './io';

export { type CliIo, UsageError, EXIT_OK, EXIT_CRITICAL, EXIT_ERROR } from './io';

const COMMANDS: Record<string, { run: (argv: readonly string[], io: CliIo) => Promise<number>; help: string }> = {
  compare: { run: compareCommand, help: COMPARE_HELP },
  backtest: { run: backtestCommand, help: BACKTEST_HELP },
  reference: { run: referenceCommand, help: REFERENCE_HELP },
  alert: { run: alertCommand, help: ALERT_HELP },
  demo: { run: demoCommand, help: DEMO_HELP },
  history: { run: historyCommand, help: HISTORY_HELP },
  rollback: { run: rollbackCommand, help: ROLLBACK_HELP },
};

/**
 * Runs the CLI and returns the exit code: 0 nothing critical, 1 a critical feature, 2 usage/input error.
 *
 * @example process.exitCode = await runCli(['compare', '--reference', 'a.csv', '--current', 'b.csv'], process);
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(MAIN_HELP);
    return EXIT_ERROR;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] ? COMMANDS[rest[0]]?.help : undefined;
    io.stdout.write(topic ?? MAIN_HELP);
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`driftwatch: unknown command ${JSON.stringify(name)}\n\n${MAIN_HELP}`);
    return EXIT_ERROR;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`driftwatch ${name}: ${terminalSafe(error.message, true)}\nRun 'driftwatch ${name} --help' for usage.\n`);
    } else if (error instanceof InputError) {
      // Messages quote names and values from the data: nothing in them reaches the terminal raw.
      io.stderr.write(`driftwatch ${name}: error: ${terminalSafe(error.message, true)}\n`);
    } else {
      io.stderr.write(`driftwatch ${name}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    }
    return EXIT_ERROR;
  }
}
