/**
 * The trainer port over a team's command: the file contract.
 *
 * - train: `<command> train TRAIN_CSV MODEL_FILE` — TRAIN_CSV holds the feature columns and the label
 *   column (a header line of the data's column names, comma-separated, RFC 4180 quoting, a missing
 *   value empty); the command writes MODEL_FILE (any format, not empty) and exits 0.
 * - predict: `<command> predict MODEL_FILE ROWS_CSV PREDICTIONS_CSV` — ROWS_CSV holds the feature
 *   columns only; the command writes PREDICTIONS_CSV: a header with `predicted` (the class) and
 *   optionally `score` (P(positive class)), one line per row of ROWS_CSV in its order, and exits 0.
 *   A regression model writes a header with `prediction` instead: the predicted value of each row,
 *   a number (a missing or non-numeric one fails the replay, naming the data line).
 *
 * The command runs without a shell in `cwd` (the config's directory), with DW_TASK
 * (`classification` or `regression`), DW_LABEL, DW_POSITIVE_LABEL and DW_FEATURES in its environment. A command that exits non-zero, times out,
 * or writes no model or unreadable predictions fails the replay with an error naming the command
 * and the file.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../adapters/local/errors';
import { readDataset } from '../../adapters/local/read-dataset';
import type { Column, Dataset } from '../../core/types';
import { toCsv } from './csv-write';
import type { Predictions, TrainedModel, Trainer, TrainingSpec } from './trainer';

export interface CommandTrainerOptions {
  readonly command: readonly string[];
  readonly cwd: string;
  readonly timeoutSeconds: number;
}

const STDERR_KEPT = 2000;

/** The trainers' working directories, removed when the process exits (a model answers until then). */
const workDirs = new Set<string>();
function workDir(n: number): string {
  if (workDirs.size === 0) process.once('exit', () => workDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `driftwatch-trainer-${n}-`));
  workDirs.add(dir);
  return dir;
}

/** How messages quote the command and its arguments. */
function shown(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w./=:@-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Runs argv; resolves on exit 0. @throws InputError naming the command, its exit and its stderr's end */
function runCommand(argv: readonly string[], options: CommandTrainerOptions, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutSeconds * 1000);
    const fail = (why: string) => reject(new InputError(`trainer command ${shown(argv)} ${why}${stderr.trim() ? `; its stderr ends: ${stderr.trim().split('\n').slice(-5).join(' / ')}` : ''}`));
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(`could not start (${(error as NodeJS.ErrnoException).code ?? error.message}; run in ${options.cwd})`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else if (signal === 'SIGKILL') fail(`did not finish within ${options.timeoutSeconds} s (retraining.trainer.timeoutSeconds)`);
      else fail(code === null ? `was stopped by ${signal}` : `exited with code ${code}`);
    });
  });
}

function columnsOf(rows: Dataset, names: readonly string[]): Column[] {
  const byName = new Map(rows.columns.map((c) => [c.name, c]));
  return names.map((n) => {
    const c = byName.get(n);
    if (!c) throw new Error(`column ${JSON.stringify(n)} is not in the rows given to the trainer`);
    return c;
  });
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A regression's `prediction` column as numbers. @returns the values, or the first bad data line and its text */
function numbersOf(column: Column): Float64Array | { line: number; text: string | null } {
  if (column.kind === 'numeric') {
    const missing = column.values.findIndex((v) => !Number.isFinite(v));
    return missing >= 0 ? { line: missing + 1, text: null } : Float64Array.from(column.values);
  }
  const values = new Float64Array(column.codes.length);
  for (let i = 0; i < column.codes.length; i++) {
    const text = column.codes[i] < 0 ? null : column.dictionary[column.codes[i]].trim();
    if (text === null || !NUMBER.test(text) || !Number.isFinite(Number(text))) return { line: i + 1, text };
    values[i] = Number(text);
  }
  return values;
}

/** The predictions file, checked against the contract. @throws InputError naming the command and the file */
async function readPredictions(file: string, argv: readonly string[], rows: number, task: TrainingSpec['task']): Promise<Predictions> {
  const header = task === 'regression' ? 'prediction' : 'predicted[,score]';
  const bad = (why: string) => new InputError(`trainer command ${shown(argv)}: ${file} ${why} (expected a CSV with a header "${header}" and one line per row)`, { file });
  if (!fs.existsSync(file)) throw bad('was not written');
  let data: Dataset;
  try {
    // A regression's column is read as text so a bad value is named, not read as missing.
    data = await readDataset(file, { kinds: task === 'regression' ? { prediction: 'categorical' } : { predicted: 'categorical', score: 'numeric' } });
  } catch (error) {
    throw bad(`cannot be read: ${(error as Error).message}`);
  }
  if (task === 'regression') return regressionPredictions(data, rows, bad);
  const predicted = data.columns.find((c) => c.name === 'predicted');
  if (!predicted || predicted.kind !== 'categorical') throw bad(`has no "predicted" column (its columns: ${data.columns.map((c) => JSON.stringify(c.name)).join(', ') || 'none'})`);
  if (data.rowCount !== rows) throw bad(`has ${data.rowCount} predictions for ${rows} rows`);
  const missing = predicted.codes.findIndex((c) => c < 0);
  if (missing >= 0) throw bad(`has no prediction on data line ${missing + 1}`);
  const score = data.columns.find((c) => c.name === 'score');
  return { labels: Array.from(predicted.codes, (c) => predicted.dictionary[c]), scores: score && score.kind === 'numeric' ? Float64Array.from(score.values) : null };
}

function regressionPredictions(data: Dataset, rows: number, bad: (why: string) => InputError): Predictions {
  const column = data.columns.find((c) => c.name === 'prediction');
  if (!column) throw bad(`has no "prediction" column (its columns: ${data.columns.map((c) => JSON.stringify(c.name)).join(', ') || 'none'})`);
  if (data.rowCount !== rows) throw bad(`has ${data.rowCount} predictions for ${rows} rows`);
  const values = numbersOf(column);
  if (!(values instanceof Float64Array)) throw bad(values.text === null ? `has no prediction on data line ${values.line}` : `has a prediction that is not a number on data line ${values.line}: ${JSON.stringify(values.text)}`);
  return { labels: [], scores: null, values };
}

/** @example commandTrainer({ command: ['python3', 'trainer.py'], cwd: '.', timeoutSeconds: 600 }) */
export function commandTrainer(options: CommandTrainerOptions): Trainer {
  let runs = 0;
  return {
    name: `command ${shown(options.command)}`,
    async train(rows: Dataset, spec: TrainingSpec): Promise<TrainedModel> {
      const dir = workDir(++runs);
      const features = spec.features.map((f) => f.name);
      const env = { DW_TASK: spec.task, DW_LABEL: spec.label, DW_POSITIVE_LABEL: spec.positiveLabel ?? '', DW_FEATURES: JSON.stringify(features) };
      const trainCsv = path.join(dir, 'train.csv');
      const modelFile = path.join(dir, 'model');
      fs.writeFileSync(trainCsv, toCsv(columnsOf(rows, [...features, spec.label]), rows.rowCount));
      const argv = [...options.command, 'train', trainCsv, modelFile];
      await runCommand(argv, options, env);
      if (!fs.existsSync(modelFile) || fs.statSync(modelFile).size === 0) {
        throw new InputError(`trainer command ${shown(argv)}: it exited 0 but wrote no model to ${modelFile} (the contract: write MODEL_FILE, not empty)`, { file: modelFile });
      }
      let predictions = 0;
      return {
        description: `${shown(options.command)} on ${rows.rowCount.toLocaleString('en-US')} rows`,
        async predict(data: Dataset): Promise<Predictions> {
          const n = ++predictions;
          const rowsCsv = path.join(dir, `rows-${n}.csv`);
          const out = path.join(dir, `predictions-${n}.csv`);
          fs.writeFileSync(rowsCsv, toCsv(columnsOf(data, features), data.rowCount));
          const predictArgv = [...options.command, 'predict', modelFile, rowsCsv, out];
          await runCommand(predictArgv, options, env);
          return readPredictions(out, predictArgv, data.rowCount, spec.task);
        },
      };
    },
  };
}
