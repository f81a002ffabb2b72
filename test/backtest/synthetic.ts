/**
 * A small synthetic history with a known change: 2,000 reference rows, then 12 windows of 500 rows;
 * from row 5,000 (window 6) feature x1 shifts by +1.5 and the label stops following the score.
 */
import type { CategoricalColumn, Dataset, NumericColumn } from '../../lambda/core/types';

export const REFERENCE_ROWS = 2000;
export const WINDOW_ROWS = 500;
export const WINDOWS = 12;
export const CHANGE_ROW = 5000;
export const CHANGE_WINDOW = (CHANGE_ROW - REFERENCE_ROWS) / WINDOW_ROWS;

// Deterministic pseudo-random numbers (no Math.random in tests).
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
}

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
}

const categorical = (name: string, values: string[]): CategoricalColumn => {
  const dictionary = [...new Set(values)].sort();
  const index = new Map(dictionary.map((v, i) => [v, i]));
  return { kind: 'categorical', name, codes: Int32Array.from(values, (v) => index.get(v) as number), dictionary };
};

/** The synthetic dataset: x1, x2 (numeric), segment (categorical), score, predicted, label, ts (hourly ISO). */
export function syntheticHistory(options: { rows?: number; changeRow?: number } = {}): Dataset {
  const n = options.rows ?? REFERENCE_ROWS + WINDOWS * WINDOW_ROWS;
  const change = options.changeRow ?? CHANGE_ROW;
  const rand = lcg(42);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const score = new Float64Array(n);
  const segment: string[] = [];
  const predicted: string[] = [];
  const label: string[] = [];
  const ts: string[] = [];
  for (let i = 0; i < n; i++) {
    const after = i >= change;
    const z = normal(rand);
    x1[i] = z + (after ? 1.5 : 0);
    x2[i] = rand() * 10;
    segment.push(['retail', 'sme', 'corporate'][Math.floor(rand() * 3)]);
    // The model scores x1, so the shift moves the scores too (ADWIN sees the mean score jump).
    score[i] = 1 / (1 + Math.exp(-3 * x1[i]));
    predicted.push(score[i] >= 0.5 ? 'yes' : 'no');
    // Before the change the label follows the score; after it, it is a coin flip (concept drift).
    const p = after ? 0.5 : 1 / (1 + Math.exp(-3 * z));
    label.push(rand() < p ? 'yes' : 'no');
    // Hourly rows from 2024-01-01T00:00Z: 24 rows a day.
    ts.push(new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString());
  }
  const numeric = (name: string, values: Float64Array): NumericColumn => ({ kind: 'numeric', name, values });
  return {
    rowCount: n,
    columns: [
      numeric('x1', x1),
      numeric('x2', x2),
      categorical('segment', segment),
      numeric('score', score),
      categorical('predicted', predicted),
      categorical('label', label),
      categorical('ts', ts),
    ],
  };
}

export const syntheticConfig = {
  modelId: 'synthetic',
  features: [
    { name: 'x1', kind: 'numeric', importance: 0.5 },
    { name: 'x2', kind: 'numeric', importance: 0.3 },
    { name: 'segment', kind: 'categorical', importance: 0.2 },
  ],
  reference: { rows: REFERENCE_ROWS },
  window: { rows: WINDOW_ROWS },
  prediction: 'score',
  predictedLabel: 'predicted',
  label: 'label',
  positiveLabel: 'yes',
  keyMetric: 'accuracy',
  baseline: { windows: 3, minSamples: 1000 },
} as const;
