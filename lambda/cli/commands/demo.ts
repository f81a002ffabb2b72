/**
 * `driftwatch demo`: trains a small model on the bank-marketing reference rows, backtests the monitor
 * over the rest of the file (May 2008 – Nov 2010), prints the timeline and writes the HTML report.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../../adapters/local/errors';
import { DEFAULT_DEMO_DATA, DEFAULT_DEMO_HTML, describeModel, describeStory, runDemo } from '../../demo/run-demo';
import { renderBacktestHtml } from '../../report/backtest-html';
import { renderBacktestJson } from '../../report/backtest-json';
import { renderBacktestText } from '../../report/backtest-text';
import { renderRetrainingText, retrainingStory } from '../../report/retraining-text';
import { checkOutput, parseOptions } from '../args';
import { CliIo, EXIT_OK, UsageError } from '../io';
import type { BacktestResult } from '../../backtest';

export const DEMO_HELP = `Usage: driftwatch demo [options]

Runs a documented backtest on the UCI bank-marketing data (41,188 calls, May 2008 - Nov 2010,
ordered by date): trains a logistic regression on the first 10,000 rows (the reference; the
'duration' column is left out because it leaks the outcome), adds its score and yes/no decision
to every row, and replays the rest through the monitor with config/backtest/bank-demo.json
(windows of 2,000 rows, importances from the model, thresholds calibrated on the first 4 windows,
business metrics subscribers_found and calls_per_subscriber). Then it replays the config's
retraining policy (retrain on critical drift or critical accuracy, gates, shadow comparison,
promotion, rollback) against no retraining and a calendar schedule with as many retrains, and
prints the accuracy the business would have had each way. No AWS, no network.

Options:
  --data FILE    bank-additional-full.csv, plain or .gz (default: the copy shipped with
                 Driftwatch, lambda/demo/data/bank-additional-full.csv.gz)
  --out FILE     HTML report (default: ${DEFAULT_DEMO_HTML})
  --json FILE    Also write the backtest result as JSON (the format of backtest --format json)
  -q, --quiet    No progress lines on stderr
  -h, --help     Show this help
`;

const DEMO_OPTIONS = {
  data: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs the demo; returns 0 (usage and input errors are thrown, see cli/index.ts). */
export async function demoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, DEMO_OPTIONS);
  if (values.help) {
    io.stdout.write(DEMO_HELP);
    return EXIT_OK;
  }
  if (values.out === '') throw new UsageError('--out needs a file name');
  if (values.data === '') throw new UsageError('--data needs a file name');
  if (values.json === '') throw new UsageError('--json needs a file name');
  const cwd = io.cwd ?? process.cwd();
  const dataFile = values.data ? path.resolve(cwd, values.data) : DEFAULT_DEMO_DATA;
  const out = values.out ?? DEFAULT_DEMO_HTML;
  const resolve = (file: string) => path.resolve(cwd, file);
  checkOutput('--out', out, [{ option: '--data', file: dataFile }, { option: '--json', file: values.json }], resolve);
  checkOutput('--json', values.json, [{ option: '--data', file: dataFile }], resolve);

  const { model, result, retraining } = await runDemo({
    dataFile,
    onProgress: values.quiet ? undefined : (message) => io.stderr.write(`driftwatch demo: ${message}\n`),
  });
  io.stdout.write(`${describeModel(model)}\n\n${renderBacktestText(result)}\n${describeStory(result)}\n`);
  if (retraining) io.stdout.write(`\n${renderRetrainingText(retraining)}\n${retrainingStory(retraining)}\n`);
  write(path.resolve(cwd, out), out, renderBacktestHtml(result, retraining ? { retraining } : {}));
  io.stdout.write(`\nWrote the HTML report to ${out}\n`);
  if (values.json) {
    write(path.resolve(cwd, values.json), values.json, renderBacktestJson(retraining ? ({ ...result, retraining } as BacktestResult) : result));
    io.stdout.write(`Wrote the backtest result to ${values.json}\n`);
  }
  return EXIT_OK;
}

function write(file: string, name: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (error) {
    throw new InputError(`${name}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: name });
  }
}
