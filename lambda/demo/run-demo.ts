/**
 * The demo: train the bank-marketing model on the reference rows, score every row, and backtest the
 * monitor over the rest with `config/backtest/bank-demo.json`. No AWS, no network.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../adapters/local/errors';
import { packageRoot } from '../adapters/local/package-root';
import { readDataset } from '../adapters/local/read-dataset';
import { loadBacktestConfig, runBacktest, type BacktestConfig, type BacktestResult } from '../backtest';
import { runRetrainingBacktest, type RetrainingReplay } from '../backtest/retraining';
import { sliceRows } from '../core/dataset';
import type { CategoricalColumn, Dataset, NumericColumn } from '../core/types';
import { BANK_2009_ROW, BANK_DATA_FILE, BANK_DELIMITER, BANK_FEATURES, BANK_LABEL, BANK_NEGATIVE, BANK_POSITIVE } from './bank';
import { featureImportances, scoreDataset, trainDemoModel, type DemoModel } from './model';


/** `lambda/demo/data/bank-additional-full.csv.gz`: shipped with the package, so the demo needs no download. */
export const DEFAULT_DEMO_DATA = BANK_DATA_FILE;
export const DEMO_CONFIG = path.join(packageRoot(), 'config/backtest/bank-demo.json');
export const DEFAULT_DEMO_HTML = 'driftwatch-demo.html';
/** Columns the demo adds: the model's score (P(y = yes)) and its yes/no decision at the threshold. */
export const SCORE_COLUMN = 'score';
export const PREDICTED_COLUMN = 'predicted';

export interface DemoInput {
  /** @default DEFAULT_DEMO_DATA */
  readonly dataFile?: string;
  /** @default DEMO_CONFIG */
  readonly configFile?: string;
  readonly onProgress?: (message: string) => void;
}

export interface DemoOutput {
  readonly model: DemoModel;
  readonly config: BacktestConfig;
  readonly result: BacktestResult;
  /** The retraining replay, when the config has a `retraining` section (the shipped one does). */
  readonly retraining: RetrainingReplay | null;
}

/**
 * Runs the demo end to end and returns the trained model and the backtest result.
 *
 * @throws InputError when the data file is missing (naming the path and how to fix it).
 */
export async function runDemo(input: DemoInput = {}): Promise<DemoOutput> {
  const dataFile = input.dataFile ?? DEFAULT_DEMO_DATA;
  if (!fs.existsSync(dataFile)) {
    throw new InputError(
      `${dataFile}: the bank-marketing dataset is not there. Without --data the demo reads the copy shipped ` +
        `with Driftwatch (${DEFAULT_DEMO_DATA}); ` +
        `pass --data PATH/TO/bank-additional-full.csv (plain or .gz)`,
      { file: dataFile },
    );
  }
  const config = await loadBacktestConfig(input.configFile ?? DEMO_CONFIG);
  if (!('rows' in config.reference)) throw new Error(`${DEMO_CONFIG}: the demo needs reference.rows (it trains on those rows)`);
  const progress = input.onProgress ?? (() => undefined);

  progress(`reading ${dataFile}…`);
  const data = await readDataset(dataFile, { delimiter: config.delimiter ?? BANK_DELIMITER });
  const referenceRows = config.reference.rows;
  if (data.rowCount <= referenceRows) {
    throw new InputError(
      `${dataFile}: the file has ${data.rowCount.toLocaleString('en-US')} rows, but the demo trains on the first ` +
        `${referenceRows.toLocaleString('en-US')} and replays the rest: give the whole bank-additional-full.csv (41,188 rows)`,
      { file: dataFile },
    );
  }
  progress(`training the model on rows 0–${(referenceRows - 1).toLocaleString('en-US')}…`);
  const model = trainDemoModel(sliceRows(data, { start: 0, end: referenceRows }), {
    label: BANK_LABEL,
    positive: BANK_POSITIVE,
    features: BANK_FEATURES,
  });
  const scored = withModelColumns(data, model);
  const result = await runBacktest({ data: scored, config, onProgress: progress, dataName: dataFile });
  const configDir = path.dirname(input.configFile ?? DEMO_CONFIG);
  const retraining = config.retraining ? await runRetrainingBacktest({ data: scored, config, baseline: result, baseDir: configDir, dataName: dataFile, onProgress: progress }) : null;
  return { model, config, result, retraining };
}

/** The data plus `score` (numeric) and `predicted` (yes/no) columns from the model. */
export function withModelColumns(data: Dataset, model: DemoModel): Dataset {
  const scores = scoreDataset(model, data);
  const score: NumericColumn = { kind: 'numeric', name: SCORE_COLUMN, values: scores };
  const predicted: CategoricalColumn = {
    kind: 'categorical',
    name: PREDICTED_COLUMN,
    dictionary: [BANK_NEGATIVE, BANK_POSITIVE],
    codes: Int32Array.from(scores, (s) => (s >= model.threshold ? 1 : 0)),
  };
  return { rowCount: data.rowCount, columns: [...data.columns, score, predicted] };
}

/** What the model is, in a few lines for the terminal. */
export function describeModel(model: DemoModel): string {
  const t = model.training;
  const top = featureImportances(model)
    .sort((a, b) => b.importance - a.importance)
    .slice(0, 5)
    .map((f) => `${f.name} ${(100 * f.importance).toFixed(1)}%`)
    .join(', ');
  return [
    `Model: logistic regression (L2 λ = ${t.l2}, Newton/IRLS, ${t.iterations} iterations) on standardised numeric and one-hot`,
    `categorical features (duration left out: it leaks the outcome), trained on ${t.rows.toLocaleString('en-US')} reference rows`,
    `(${(100 * t.positiveRate).toFixed(1)}% yes). In-sample AUC ${t.auc.toFixed(3)}; threshold ${model.threshold.toFixed(4)} maximises F1 (${t.f1.toFixed(3)}).`,
    `Feature importances in the config = |coefficient| × std shares: ${top}, ...`,
  ].join('\n');
}

/**
 * The story in numbers: where the 2008 → 2009 boundary falls, and the first window in which the
 * model's score, the key metric and the macro-economic features went wrong.
 */
export function describeStory(result: BacktestResult): string {
  const boundary = result.windows.find((w) => Number(w.start) <= BANK_2009_ROW && BANK_2009_ROW < Number(w.end));
  const lines: string[] = [];
  if (boundary) lines.push(`The 2008 → 2009 boundary (row ${BANK_2009_ROW.toLocaleString('en-US')}) falls in window ${boundary.index}.`);
  for (const feature of ['euribor3m', 'nr.employed']) {
    const psi = result.windows.map((w) => w.features.find((f) => f.name === feature)?.psi ?? null);
    const worst = psi.reduce<number>((m, p) => (p !== null && p > m ? p : m), 0);
    const first = result.windows.find((w) => w.drift.drifted.includes(feature));
    if (first) lines.push(`${feature}: drifted from window ${first.index} on; largest PSI ${worst.toFixed(2)}.`);
  }
  const key = result.keyMetric;
  const firstCritical = key ? result.windows.find((w) => w.metrics[key]?.status === 'critical') : undefined;
  if (key && firstCritical) lines.push(`${key}: first critical in window ${firstCritical.index} (after calibration on windows 0–${result.baseline.windows - 1}).`);
  const concept = result.windows.find((w) => w.concept.length > 0);
  if (concept) lines.push(`ADWIN: concept drift suspected in window ${concept.index} (${concept.concept.join(', ')}).`);
  return lines.join('\n');
}
