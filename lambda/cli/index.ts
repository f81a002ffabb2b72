/**
 * The `driftwatch` command line: dispatches to a command and turns errors into exit code 2 with a
 * message on stderr. `bin/driftwatch.ts` calls `runCli(process.argv.slice(2), process)`.
 */
import { InputError } from '../adapters/local/errors';
import { terminalSafe } from '../report/format';
import { BACKTEST_HELP, COMPARE_HELP, MAIN_HELP } from './help';
import { CliIo, EXIT_ERROR, EXIT_OK, UsageError } from './io';

export { type CliIo, UsageError, EXIT_OK, EXIT_CRITICAL, EXIT_ERROR } from './io';

interface Command {
  readonly run: (argv: readonly string[], io: CliIo) => Promise<number>;
  readonly help: () => Promise<string>;
}

/**
 * A command whose module is loaded when it runs (or its help is asked for). Why: loading every
 * command took longer than a small compare (DuckDB's bindings for backtest and demo, the AWS SDK
 * for history and rollback); `driftwatch compare` now loads only what compare uses. `require`, not
 * `import()`: under tsx (a clone whose build is stale) a dynamic import does not find `.ts` files.
 */
function lazy<M>(load: () => M, command: (m: M) => Command['run'], help: (m: M) => string): Command {
  return { run: async (argv, io) => command(load())(argv, io), help: async () => help(load()) };
}

const COMMANDS: Record<string, Command> = {
  compare: lazy(() => require('./commands/compare') as typeof import('./commands/compare'), (m) => m.compareCommand, () => COMPARE_HELP),
  backtest: lazy(() => require('./commands/backtest') as typeof import('./commands/backtest'), (m) => m.backtestCommand, () => BACKTEST_HELP),
  reference: lazy(() => require('./commands/reference') as typeof import('./commands/reference'), (m) => m.referenceCommand, (m) => m.REFERENCE_HELP),
  alert: lazy(() => require('./commands/alert-test') as typeof import('./commands/alert-test'), (m) => m.alertCommand, (m) => m.ALERT_HELP),
  demo: lazy(() => require('./commands/demo') as typeof import('./commands/demo'), (m) => m.demoCommand, (m) => m.DEMO_HELP),
  history: lazy(() => require('./commands/history') as typeof import('./commands/history'), (m) => m.historyCommand, (m) => m.HISTORY_HELP),
  rollback: lazy(() => require('./commands/rollback') as typeof import('./commands/rollback'), (m) => m.rollbackCommand, (m) => m.ROLLBACK_HELP),
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
    const topic = name === 'help' && rest[0] && Object.hasOwn(COMMANDS, rest[0]) ? await COMMANDS[rest[0]].help() : undefined;
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
